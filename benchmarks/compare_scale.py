"""How ``compare`` scales: 1,000 agreements (the bundled corpus repeated).

First, end to end: the corpus files are copied to ``--n`` files and the real command
``samverkan-extract compare DIR -o report.html --xlsx --sqlite --csv --keep-duplicates``
runs on them (extraction in parallel included; the copies are duplicates of each other,
so ``--keep-duplicates`` keeps all ``--n`` in every output); its wall time, its CPU time
(every process) and the peak RSS of its largest process are printed, and the same again
for ``compare`` reading the records from JSON Lines (``--from-json``: everything but
extraction). Then, per step: the corpus files are extracted once; the corpus is then copied (deep copies, distinct
ids) up to ``--n`` agreements, and each step of ``compare`` is timed: the tidy tables,
the matrices, summary and timeline, diffs, the HTML report and every export. Timings
come from a pass without tracing; a second pass on a fresh copy measures each step's
peak Python allocation above what was allocated before it (tracemalloc). The peak RSS
is taken after the timed pass, before tracemalloc adds its own bookkeeping.

    python3 benchmarks/compare_scale.py [--n 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import samverkan_extract as se  # noqa: E402
from samverkan_extract import export, interchange  # noqa: E402
from samverkan_extract.compare import MATRIX_KINDS, diff, matrix, summary, timeline  # noqa: E402
from samverkan_extract.corpus import Corpus  # noqa: E402
from samverkan_extract.report import write_report  # noqa: E402
from samverkan_extract.tables import table_columns  # noqa: E402


def scaled(base: Corpus, n: int) -> Corpus:
    """``n`` agreements: deep copies of the base ones, each with its own id."""
    agreements, ids = [], []
    for i in range(n):
        k = i % len(base)
        agreements.append(base.agreements[k].model_copy(deep=True))
        ids.append(f"{base.ids[k]}-{i:05d}")
    return Corpus(agreements, ids=ids)


def size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def steps(
    corpus: Corpus, out: Path, texts: dict[str, str] | None = None
) -> list[tuple[str, Callable[[], Any], Path | None]]:
    def tables() -> None:
        corpus.tables()

    def matrices() -> None:
        for kind in MATRIX_KINDS:
            matrix(corpus, kind)
            matrix(corpus, kind, by="municipality")
        summary(corpus)
        timeline(corpus)

    def diffs() -> None:
        for a, b in zip(corpus.agreements, corpus.agreements[1:], strict=False):
            diff(a, b)

    return [
        (f"tidy tables ({len(table_columns())})", tables, None),
        (f"matrices ({len(MATRIX_KINDS)} x 2) + summary + timeline", matrices, None),
        (f"diff x {max(0, len(corpus) - 1)}", diffs, None),
        ("HTML report", lambda: write_report(corpus, out / "report.html"), out / "report.html"),
        (
            "SQLite",
            lambda: export.write_sqlite(corpus, out / "agreements.db"),
            out / "agreements.db",
        ),
        ("CSV + datapackage", lambda: export.write_csv(corpus, out / "csv"), out / "csv"),
        ("Excel", lambda: export.write_xlsx(corpus, out / "tables.xlsx"), out / "tables.xlsx"),
        ("Parquet", lambda: export.write_parquet(corpus, out / "pq"), out / "pq"),
        (
            "JSON Lines",
            lambda: export.write_jsonl(corpus, out / "records.jsonl"),
            out / "records.jsonl",
        ),
        (
            "REFI-QDA (texts given)",
            lambda: interchange.write_qdpx(corpus, out / "p.qdpx", texts=texts),
            out / "p.qdpx",
        ),
        (
            "Label Studio (texts given)",
            lambda: interchange.write_label_studio(corpus, out / "ls.json", texts=texts),
            out / "ls.json",
        ),
    ]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str]) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), _cpu()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - t0, _cpu() - c0


def end_to_end(
    corpus_dir: Path, n: int, jobs: int | None
) -> tuple[float, float, float, float, float]:
    """Wall and CPU seconds of ``compare`` on ``n`` copies of the corpus files (all
    outputs), the same for ``compare`` of their records read from JSON Lines, and the
    peak RSS (MB, largest single process)."""
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "agreements")
        src.mkdir()
        for i in range(n):
            f = files[i % len(files)]
            shutil.copy(f, src / f"{f.stem}-{i:05d}{f.suffix}")
        out = Path(tmp, "out")
        outputs = [
            "-o", str(out / "report.html"), "--xlsx", str(out / "tables.xlsx"),
            "--sqlite", str(out / "agreements.db"), "--csv", str(out / "csv"),
            "--keep-duplicates",
        ]  # fmt: skip
        command = [
            sys.executable, "-m", "samverkan_extract.cli", "compare", str(src), "-q",
            *outputs, "--json", str(out / "records.jsonl"),
        ]  # fmt: skip
        if jobs:
            command += ["--jobs", str(jobs)]
        wall, cpu = _timed(command)
        # compare of the records alone: the same outputs from the JSON Lines just written.
        read_back = [
            sys.executable, "-c",
            "import sys, samverkan_extract as se; from samverkan_extract.corpus import Corpus;"
            "from samverkan_extract import export; from samverkan_extract.report import write_report;"
            "c = Corpus.from_json([sys.argv[1]]); o = sys.argv[2];"
            "write_report(c, o + '/report.html'); export.write_xlsx(c, o + '/tables.xlsx');"
            "export.write_sqlite(c, o + '/agreements.db'); export.write_csv(c, o + '/csv')",
            str(out / "records.jsonl"), str(Path(tmp, "out2")),
        ]  # fmt: skip
        wall_json, cpu_json = _timed(read_back)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, cpu, wall_json, cpu_json, rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="agreements (default 1000)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "agreements")
    parser.add_argument("--keep", type=Path, help="write the outputs here and keep them")
    parser.add_argument("--jobs", type=int, help="processes for the end-to-end run (default: all)")
    args = parser.parse_args(argv)

    wall, cpu, wall_json, cpu_json, e2e_mb = end_to_end(args.corpus, args.n, args.jobs)
    print(f"end to end: samverkan-extract compare on {args.n} files, all outputs")
    print(f"  wall time {wall:.1f} s, CPU time {cpu:.1f} s (every process)")
    print(f"  of which compare of the records alone (from JSON Lines): wall {wall_json:.1f} s, "
          f"CPU {cpu_json:.1f} s")  # fmt: skip
    print(f"  peak RSS of the largest process {e2e_mb:.0f} MB\n")

    t0 = time.perf_counter()
    base = se.extract_many([args.corpus], jobs=1)
    extract_s = time.perf_counter() - t0
    if not len(base):
        print("no agreements extracted", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    corpus = scaled(base, args.n)
    build_s = time.perf_counter() - t0

    texts = {aid: se.normalised_text(a.source.path) for aid, a in corpus.items()}
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        timings = []
        for name, step, path in steps(corpus, out, texts):
            t0 = time.perf_counter()
            step()
            timings.append((name, time.perf_counter() - t0, size(path) if path else None))

        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        table_mb = sum(df.memory_usage(deep=True).sum() for df in corpus.tables().values()) / 1e6

        # Memory: the same steps on a fresh copy (tables not cached), under tracemalloc.
        fresh = scaled(base, args.n)
        tracemalloc.start()
        peaks = []
        for _name, step, _path in steps(fresh, out, texts):
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            step()
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
        tracemalloc.stop()

    print(f"compare at scale: {len(corpus)} agreements ({len(base)} extracted, repeated)")
    print(f"  extract {len(base)} files once          {extract_s:8.2f} s")
    print(f"  build corpus of {len(corpus)} copies     {build_s:8.2f} s")
    print(f"  {'step':<40}{'seconds':>9}{'+peak MB':>10}{'output':>12}")
    for (name, seconds, out_size), peak in zip(timings, peaks, strict=True):
        shown = f"{out_size / 1e6:.1f} MB" if out_size is not None else ""
        print(f"  {name:<40}{seconds:9.2f}{peak / 1e6:10.1f}{shown:>12}")
    total = sum(t for _, t, _ in timings)
    print(f"  {'total (steps)':<40}{total:9.2f}")
    print(f"  the {len(table_columns())} tidy tables in memory: {table_mb:.1f} MB (pandas, deep)")
    print(f"  peak RSS of the timed pass (spaCy, pandas, matplotlib loaded): {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Extraction benchmarks: start-up, text throughput, PDF cost over pdfplumber, scaling,
peak memory.

The documents are the five seeds (``corpus/agreements``) and the test agreements
(``tests/data/agreements``, ``.txt`` and ``.md``), copied as often as a run needs into a
temporary folder. Five parts, each runnable alone with ``--only``:

``startup``
    Each command a user starts often, in a fresh process, median of a few runs:
    ``samverkan-extract schema``, ``--help`` and ``--version`` (target <= 0.5 s: they
    load no spaCy, pandas or pdfplumber) and ``extract FILE`` on one text agreement
    (target <= 1.0 s: imports, the spaCy pipeline, the first extraction's lazy tables).
``txt``
    Start-up, in a fresh process: interpreter, imports, building the spaCy pipeline, the
    first extraction (patterns and reference tables load lazily) and a second one. Then
    steady-state throughput: in this process after a warm-up extraction
    (``samverkan_extract.extract``, one core), and through the CLI with ``-j 1`` and with
    ``-j`` all cores, where the start-up is left out as (N - k) / (wall of N documents -
    wall of k documents), k = one document per worker. Target: >= 50 documents per
    CPU-second (one core).
``pdf``
    Every source rendered to a born-digital PDF (``tests/fixtures/render.render_pdf``);
    then, alternately over a few rounds, (a) pdfplumber's bare ``page.extract_text()``
    over every page, (b) the full ``samverkan_extract.extract(path)``, warm (after one
    extraction, whose time is reported), and (c) the floor: pypdfium2 reading every
    page's text and every character's box, the least any reader built on it can cost.
    The best round of each counts; target b / a <= 0.5. The full extraction is split
    into reader and extractors, and when the target is missed a cProfile of (b) is
    printed (top 15 functions by cumulative time).
``scaling``
    10, 100 and 1000 documents through ``samverkan-extract extract DIR --format jsonl -o
    OUT -j <all cores> -q``: wall time, time per document, and the marginal time per
    document from one size to the next (the start-up cancels out). Growth is called linear
    when every marginal time per document is within +-30% of the largest step's.
``memory``
    The process tree of CLI runs ``extract DIR --format jsonl -o OUT -j <all cores>`` on
    1,000 and on 10,000 documents (the CLI and its workers), sampled every 20 ms (psutil
    when installed, else ``/proc``): each process's peak RSS (``VmHWM``, exact, read until
    the process exits) and the peaks of the concurrent sums of RSS and PSS (PSS counts
    pages shared after fork once). Target: < 300 MB at both sizes (flat: records stream
    to the output through a bounded buffer), checked against the total: the sum of every
    process's peak RSS (an upper bound of what the batch held).

Every time is measured both ways: wall-clock, and CPU (this process's ``process_time``,
or the user + system time of the CLI and its workers from ``wait4``). The verdicts on
the time targets use CPU time: a document per CPU-second is a document per second on
one core, and it does not change with whatever else the machine runs, whereas wall time
does (the load average is printed at the start and the end). The wall-clock figure is
printed next to each verdict; on an otherwise idle machine the two agree.
``--quick`` is a smoke run with smaller sizes (under a minute).

    python3 benchmarks/run.py [--quick] [--only startup|txt|pdf|scaling|memory]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCES = [ROOT / "corpus" / "agreements", ROOT / "tests" / "data" / "agreements"]
PARTS = ("startup", "txt", "pdf", "scaling", "memory")

TARGET_DOCS_PER_CORE = 50.0
TARGET_PDF_RATIO = 0.5
TARGET_LINEAR = 0.30
TARGET_MB = 300.0
TARGET_STARTUP_S = 0.5  # schema, --help, --version
TARGET_EXTRACT_ONE_S = 1.0  # extract FILE, one text agreement


@dataclass(frozen=True)
class Sizes:
    txt: int  # documents for the throughput runs
    repeats: int  # start-up measurements (median)
    pdf_files: int | None  # PDFs rendered (None: every source)
    pdf_rounds: int  # alternating rounds of bare pdfplumber / full extraction
    scaling: tuple[int, ...]  # documents per CLI run
    memory: tuple[int, ...]  # documents per memory run


FULL = Sizes(
    txt=200, repeats=3, pdf_files=None, pdf_rounds=3, scaling=(10, 100, 1000), memory=(1000, 10000)
)
QUICK = Sizes(txt=30, repeats=1, pdf_files=4, pdf_rounds=1, scaling=(10, 30, 60), memory=(60,))


@dataclass
class Target:
    name: str
    measured: str
    goal: str
    met: bool
    note: str = ""  # by how much when missed; the CPU-time figure


@dataclass
class CliRun:
    n: int
    jobs: int
    wall: float
    cpu: float  # user + system of the CLI and its workers
    memory: dict[str, float] | None = None


@dataclass
class State:
    """What the parts share: the temporary folder, start-up runs, targets."""

    tmp: Path
    sizes: Sizes
    cores: int
    targets: list[Target] = field(default_factory=list)
    startups: dict[int, CliRun] = field(default_factory=dict)  # jobs -> median run


# --------------------------------------------------------------------------------------
# Documents, timing, the CLI and its memory
# --------------------------------------------------------------------------------------


def sources() -> list[Path]:
    from samverkan_extract.api import expand_paths

    return [p for p in expand_paths(SOURCES) if p.suffix.lower() in (".txt", ".md")]


def copies(n: int, dst: Path) -> Path:
    """``n`` copies of the text sources in ``dst`` (cycled, each with its own name)."""
    files = sources()
    dst.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        f = files[i % len(files)]
        shutil.copy(f, dst / f"{f.stem}-{i:05d}{f.suffix}")
    return dst


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn()`` in this process."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _has_psutil() -> bool:
    try:
        import psutil  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def _proc_children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (psutil when installed, else ``/proc``)."""
    try:
        import psutil
    except ImportError:
        tree = _proc_children()
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo += tree.get(p, [])
        return out
    try:
        return [pid] + [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def _status_kb(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) in KiB, or None once the process is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        return None
    return (rss, hwm) if hwm else None  # a zombie has no memory lines


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Samples a process tree until stopped: per-process peak RSS and concurrent sums."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.hwm: dict[int, int] = {}  # pid -> peak RSS (KiB)
        self.rss_sum = self.pss_sum = 0  # peaks of the concurrent sums (KiB)
        self.samples = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            rss_total = pss_total = 0
            for p in process_tree(self.pid):
                kb = _status_kb(p)
                if kb is None:
                    continue
                rss_total += kb[0]
                pss_total += _pss_kb(p)
                self.hwm[p] = max(self.hwm.get(p, 0), kb[1])
            self.rss_sum = max(self.rss_sum, rss_total)
            self.pss_sum = max(self.pss_sum, pss_total)
            self.samples += 1
            self._done.wait(self.interval)

    def stop(self) -> dict[str, float]:
        self._done.set()
        self.join()
        peaks = self.hwm.values()
        return {
            "processes": len(self.hwm),
            "samples": self.samples,
            "largest_mb": max(peaks, default=0) / 1024,
            "total_peaks_mb": sum(peaks) / 1024,
            "concurrent_rss_mb": self.rss_sum / 1024,
            "concurrent_pss_mb": self.pss_sum / 1024,
        }


def run_cli(src: Path, n: int, jobs: int, out: Path, *, sample: bool = False) -> CliRun:
    """``samverkan-extract extract SRC --format jsonl -o OUT -j JOBS -q``, output checked."""
    command = [
        sys.executable, "-m", "samverkan_extract.cli", "extract", str(src),
        "--format", "jsonl", "-o", str(out), "-j", str(jobs), "-q",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        sampler = MemorySampler(proc.pid) if sample else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # usage includes the reaped workers
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        memory = sampler.stop() if sampler else None
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"CLI failed ({proc.returncode}) on {n} files:\n{stderr[-2000:]}")
    lines = out.read_text(encoding="utf-8").splitlines()
    errors = sum('"error"' in line[:40] for line in lines)
    if len(lines) != n or errors:
        raise RuntimeError(f"CLI wrote {len(lines)} records ({errors} errors) for {n} files")
    return CliRun(n, jobs, wall, usage.ru_utime + usage.ru_stime, memory)


def cli_startup(state: State, jobs: int) -> CliRun:
    """The CLI on one document per worker: start-up plus one document's work (median)."""
    if jobs not in state.startups:
        k = 1 if jobs == 1 else jobs
        src = copies(k, state.tmp / f"startup-{jobs}")
        out = state.tmp / f"startup-{jobs}.jsonl"
        runs = [run_cli(src, k, jobs, out) for _ in range(state.sizes.repeats)]
        wall = statistics.median(r.wall for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        state.startups[jobs] = CliRun(k, jobs, wall, cpu)
    return state.startups[jobs]


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 84 - len(title)), flush=True)


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<48}{value:>14}  {note}".rstrip(), flush=True)


# --------------------------------------------------------------------------------------
# 1. Text throughput
# --------------------------------------------------------------------------------------

_STARTUP_PROBE = """
import json, sys, time
t0 = time.perf_counter()
import samverkan_extract.cli  # everything the CLI imports
from samverkan_extract.api import extract
t1 = time.perf_counter()
from samverkan_extract.nlp import get_nlp
get_nlp()
t2 = time.perf_counter()
extract(sys.argv[1])
t3 = time.perf_counter()
extract(sys.argv[1])
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "nlp": t2 - t1, "first": t3 - t2, "second": t4 - t3}))
"""


def per_second(count: int, seconds: float) -> float:
    """``count`` / ``seconds``, NaN (printed "nan") when a difference of walls is not positive."""
    return count / seconds if seconds > 0 else float("nan")


def _rate_target(state: State, name: str, rate: float, cpu_rate: float) -> None:
    """A throughput target, judged on CPU time (documents per CPU-second)."""
    met = cpu_rate >= TARGET_DOCS_PER_CORE
    note = f"wall-clock: {rate:.1f} doc/s"
    if not met:
        note = f"short by {TARGET_DOCS_PER_CORE - cpu_rate:.1f} doc/s; {note}"
    state.targets.append(
        Target(name, f"{cpu_rate:.1f} doc/s", f">= {TARGET_DOCS_PER_CORE:g} doc/s", met, note)
    )


def part_txt(state: State) -> None:
    import samverkan_extract as se

    n = state.sizes.txt
    files = sources()
    heading(f"1. Text throughput ({len(files)} sources as {n} copies, {state.cores} cores)")

    probes = []
    for _ in range(state.sizes.repeats):
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _STARTUP_PROBE, str(files[0])],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"start-up probe failed:\n{done.stderr[-2000:]}")
        probe = json.loads(done.stdout)
        probe["interpreter"] = time.perf_counter() - t0 - sum(probe.values())
        probes.append(probe)
    probe = {k: statistics.median(p[k] for p in probes) for k in probes[0]}
    print(f"  start-up of a fresh process (median of {len(probes)}):")
    row("Python start and exit", f"{probe['interpreter']:.3f} s")
    row("import samverkan_extract.cli (spaCy, pydantic ...)", f"{probe['import']:.3f} s")
    row("build the spaCy pipeline (get_nlp)", f"{probe['nlp']:.3f} s")
    row("first extraction (lazy tables and patterns)", f"{probe['first']:.3f} s")
    row("second extraction of the same file", f"{probe['second']:.3f} s")
    one_off = sum(probe[k] for k in ("interpreter", "import", "nlp", "first")) - probe["second"]
    row("one-off cost per process", f"{one_off:.3f} s", "(all of the above but one document)")

    src = copies(n, state.tmp / f"txt-{n}")
    paths = sorted(src.iterdir())

    print("  steady state:")
    warm, _ = timed(lambda: se.extract(files[0]))
    wall, cpu = timed(lambda: [se.extract(p) for p in paths])
    inproc, inproc_cpu = n / wall, n / cpu
    row(
        f"in-process extract(), 1 core, {n} documents",
        f"{inproc:.1f} doc/s",
        f"{wall:.2f} s; CPU {inproc_cpu:.1f} doc/s; warm-up {warm:.2f} s not counted",
    )

    steady: dict[int, tuple[float, float]] = {}
    for jobs in (1, state.cores):
        start = cli_startup(state, jobs)
        run = run_cli(src, n, jobs, state.tmp / f"txt-{jobs}.jsonl")
        rate = per_second(n - start.n, run.wall - start.wall)
        cpu_rate = per_second(n - start.n, run.cpu - start.cpu)  # per core: CPU seconds
        steady[jobs] = rate, cpu_rate
        row(
            f"CLI -j {jobs}: {n} documents",
            f"{run.wall:.2f} s",
            f"{n / run.wall:.1f} doc/s with start-up; CPU {run.cpu:.2f} s",
        )
        row(
            f"CLI -j {jobs}: start-up run ({start.n} doc{'s' * (start.n > 1)}, median)",
            f"{start.wall:.2f} s",
            f"CPU {start.cpu:.2f} s",
        )
        row(
            f"CLI -j {jobs}: steady state",
            f"{rate:.1f} doc/s",
            f"{rate / jobs:.1f} doc/s per core; CPU {cpu_rate:.1f} doc/s per core"
            + (" (wall: the start-up run took longer, machine busy)" if rate != rate else ""),
        )

    _rate_target(state, "text, 1 core, in-process (warm)", inproc, inproc_cpu)
    _rate_target(state, "text, 1 core, CLI -j 1 (steady state)", *steady[1])
    rate, cpu_rate = steady[state.cores]
    _rate_target(
        state, f"text, per core, CLI -j {state.cores} (steady state)", rate / state.cores, cpu_rate
    )


# --------------------------------------------------------------------------------------
# 2. PDF: full extraction against pdfplumber's bare text
# --------------------------------------------------------------------------------------


def _bare(paths: Iterable[Path]) -> None:
    import pdfplumber

    for p in paths:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_text()


def _pdfium_floor(paths: Iterable[Path]) -> None:
    """pypdfium2's text and every character's box: what the reader's character source
    cannot go below."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    for p in paths:
        document = pypdfium2.PdfDocument(p.read_bytes())
        for page in document:
            textpage = page.get_textpage()
            count = textpage.count_chars()
            textpage.get_text_range(0, count)
            box = [ctypes.c_double() for _ in range(4)]
            for i in range(count):
                raw.FPDFText_GetCharBox(textpage.raw, i, *box)
            textpage.close()
            page.close()
        document.close()


def part_pdf(state: State) -> None:
    import pdfplumber

    import samverkan_extract as se
    from samverkan_extract.extractors import extract_agreement
    from samverkan_extract.readers import read_document
    from tests.fixtures.render import render_pdf

    files = sources()[: state.sizes.pdf_files]
    heading(f"2. PDF: full extraction against pdfplumber extract_text ({len(files)} PDFs)")
    out = state.tmp / "pdf"
    render_s, _ = timed(lambda: [render_pdf(f, out / f"{f.stem}.pdf") for f in files])
    pdfs = [out / f"{f.stem}.pdf" for f in files]
    pages = 0
    for p in pdfs:
        with pdfplumber.open(p) as pdf:
            pages += len(pdf.pages)
    row("render with reportlab (not timed below)", f"{render_s:.2f} s", f"{pages} pages")

    bare_warm, _ = timed(lambda: _bare(pdfs[:1]))
    full_warm, _ = timed(lambda: se.extract(pdfs[0]))
    row("warm-up: bare extract_text of one file", f"{bare_warm:.3f} s", "(not counted)")
    row("warm-up: full extract of one file", f"{full_warm:.3f} s", "(not counted)")

    bare, full, floor = [], [], []
    for _ in range(state.sizes.pdf_rounds):
        bare.append(timed(lambda: _bare(pdfs)))
        full.append(timed(lambda: [se.extract(p) for p in pdfs]))
        floor.append(timed(lambda: _pdfium_floor(pdfs)))
    a, a_cpu = min(w for w, _ in bare), min(c for _, c in bare)
    b, b_cpu = min(w for w, _ in full), min(c for _, c in full)
    c, c_cpu = min(w for w, _ in floor), min(c for _, c in floor)
    best = f"best of {len(bare)}"
    row(
        "(a) pdfplumber page.extract_text(), every page",
        f"{a:.3f} s",
        f"{best}; {1000 * a / pages:.1f} ms/page; CPU {a_cpu:.3f} s",
    )
    row(
        "(b) samverkan_extract.extract(), every file",
        f"{b:.3f} s",
        f"{best}; {1000 * b / pages:.1f} ms/page; CPU {b_cpu:.3f} s",
    )
    row(
        "(c) floor: pypdfium2 text and character boxes",
        f"{c:.3f} s",
        f"{best}; {1000 * c / pages:.1f} ms/page; CPU {c_cpu:.3f} s; {c_cpu / a_cpu:.2f}x (a)",
    )

    # Reader against spaCy + extractors: one more pass, CPU time (wall in the note).
    read_s = extract_s = read_w = extract_w = 0.0
    for p in pdfs:
        w0, c0 = time.perf_counter(), time.process_time()
        document = read_document(p)
        w1, c1 = time.perf_counter(), time.process_time()
        extract_agreement(document)
        read_s, read_w = read_s + c1 - c0, read_w + w1 - w0
        extract_s += time.process_time() - c1
        extract_w += time.perf_counter() - w1
    share = read_s / (read_s + extract_s)
    row(
        "(b) split, CPU: reader (read_document)",
        f"{read_s:.3f} s",
        f"{share:.0%}; {read_s / a_cpu:.2f}x (a); wall {read_w:.3f} s",
    )
    row(
        "(b) split, CPU: spaCy + extractors",
        f"{extract_s:.3f} s",
        f"{1 - share:.0%}; wall {extract_w:.3f} s",
    )
    ratio, cpu_ratio = b / a, b_cpu / a_cpu
    row(
        "ratio b / a, CPU time",
        f"{cpu_ratio:.2f}x",
        f"target <= {TARGET_PDF_RATIO:g}x; floor (c / a) {c_cpu / a_cpu:.2f}x",
    )
    row("ratio b / a, wall-clock", f"{ratio:.2f}x", f"floor {c / a:.2f}x")
    met = cpu_ratio <= TARGET_PDF_RATIO
    note = f"wall-clock: {ratio:.2f}x; pypdfium2 floor {c_cpu / a_cpu:.2f}x"
    if not met:
        over = b_cpu - TARGET_PDF_RATIO * a_cpu
        note = f"over by {cpu_ratio - TARGET_PDF_RATIO:.2f}x ({over:.2f} CPU s); {note}"
    state.targets.append(
        Target(
            "PDF: full extraction / bare pdfplumber text",
            f"{cpu_ratio:.2f}x",
            f"<= {TARGET_PDF_RATIO:g}x",
            met,
            note,
        )
    )
    if met and ratio <= TARGET_PDF_RATIO:
        return

    profile = cProfile.Profile()
    profile.enable()
    for p in pdfs:
        se.extract(p)
    profile.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profile, stream=buf).strip_dirs().sort_stats("cumulative")
    stats.print_stats(15)
    text = buf.getvalue()
    print(f"\n  over {TARGET_PDF_RATIO:g}x: cProfile of (b), top 15 functions by cumulative time")
    for line in text[text.find("   ncalls") :].rstrip().splitlines():
        print("  " + line)


# --------------------------------------------------------------------------------------
# 3. Scaling and 4. memory
# --------------------------------------------------------------------------------------


def part_scaling(state: State) -> None:
    jobs = state.cores
    sizes = state.sizes.scaling
    heading(f"3. Scaling: CLI extract -j {jobs} on {', '.join(map(str, sizes))} documents")
    runs = []
    for n in sizes:
        src = copies(n, state.tmp / f"scale-{n}")
        runs.append(run_cli(src, n, jobs, state.tmp / f"scale-{n}.jsonl"))
        shutil.rmtree(src)

    start = cli_startup(state, jobs)
    print(
        f"  {'documents':>10}{'wall s':>9}{'ms/doc':>9}{'marginal':>10}"
        f"{'CPU s':>9}{'CPU marginal':>14}{'doc/s':>8}"
    )
    print(f"  {'':>10}{'':>9}{'':>9}{'ms/doc':>10}{'':>9}{'ms/doc':>14}")
    print(
        f"  {start.n:>10}{start.wall:>9.2f}{'':>9}{'':>10}{start.cpu:>9.2f}  start-up run (median)"
    )
    marginal, marginal_cpu = [], []
    for i, run in enumerate(runs):
        m = m_cpu = None
        if i:
            prev = runs[i - 1]
            m = (run.wall - prev.wall) / (run.n - prev.n)
            m_cpu = (run.cpu - prev.cpu) / (run.n - prev.n)
            marginal.append(m)
            marginal_cpu.append(m_cpu)
        shown = f"{1000 * m:10.1f}" if m is not None else f"{'':>10}"
        shown_cpu = f"{1000 * m_cpu:14.1f}" if m_cpu is not None else f"{'':>14}"
        print(
            f"  {run.n:>10}{run.wall:>9.2f}{1000 * run.wall / run.n:>9.1f}{shown}"
            f"{run.cpu:>9.2f}{shown_cpu}{run.n / run.wall:>8.1f}"
        )
    print(
        "  ms/doc falls with size because the start-up is shared out; the marginal ms/doc "
        "(from the previous size) leaves it out"
    )

    def spread(values: list[float]) -> float:
        return max(abs(v / values[-1] - 1) for v in values) if values and values[-1] > 0 else 0

    s, s_cpu = spread(marginal), spread(marginal_cpu)
    linear = s_cpu <= TARGET_LINEAR
    print(
        f"  growth is {'linear' if linear else 'NOT linear'}: marginal CPU time per document "
        f"within +-{s_cpu:.0%} of the last step's (allowed +-{TARGET_LINEAR:.0%}); "
        f"wall-clock +-{s:.0%}"
    )
    note = f"wall-clock: +-{s:.0%}"
    if not linear:
        note = f"{s_cpu - TARGET_LINEAR:.0%} beyond the allowance; {note}"
    state.targets.append(
        Target(
            f"scaling {'/'.join(str(r.n) for r in runs)}: marginal time per document",
            f"+-{s_cpu:.0%}",
            f"within +-{TARGET_LINEAR:.0%}",
            linear,
            note,
        )
    )


def part_memory(state: State) -> None:
    jobs = state.cores
    sizes = state.sizes.memory
    heading(f"4. Peak memory: CLI extract -j {jobs} on {', '.join(map(str, sizes))} documents")
    source = "psutil" if _has_psutil() else "/proc (psutil is not installed)"
    for n in sizes:
        src = copies(n, state.tmp / f"memory-{n}")
        out = state.tmp / f"memory-{n}.jsonl"
        run = run_cli(src, n, jobs, out, sample=True)
        shutil.rmtree(src)
        out.unlink()
        assert run.memory is not None
        mem = run.memory
        print(
            f"  {n:,} documents: {int(mem['processes'])} processes in the tree (the CLI and "
            f"its workers), {int(mem['samples'])} samples from {source}; {run.wall:.1f} s"
        )
        row("largest single process: peak RSS (VmHWM)", f"{mem['largest_mb']:.0f} MB")
        total = mem["total_peaks_mb"]
        row(
            "total: sum of every process's peak RSS",
            f"{total:.0f} MB",
            f"target < {TARGET_MB:g} MB",
        )
        row(
            "peak of the concurrent RSS sum",
            f"{mem['concurrent_rss_mb']:.0f} MB",
            "(pages shared after fork counted per process)",
        )
        row(
            "peak of the concurrent PSS sum",
            f"{mem['concurrent_pss_mb']:.0f} MB",
            "(pages shared after fork counted once)",
        )
        met = total < TARGET_MB
        note = f"largest process {mem['largest_mb']:.0f} MB; PSS {mem['concurrent_pss_mb']:.0f} MB"
        if not met:
            note = f"over by {total - TARGET_MB:.0f} MB; {note}"
        state.targets.append(
            Target(
                f"peak memory, {n:,} documents, total of the tree",
                f"{total:.0f} MB",
                f"< {TARGET_MB:g} MB",
                met,
                note,
            )
        )


# --------------------------------------------------------------------------------------
# 0. Start-up
# --------------------------------------------------------------------------------------


def run_command(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``python -m samverkan_extract.cli ARGS`` in a fresh process;
    CPU is the user + system time of the process and any it waited for."""
    command = [sys.executable, "-m", "samverkan_extract.cli", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if code != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({code}):\n{stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def part_startup(state: State) -> None:
    one = sources()[0]
    repeats = max(3, state.sizes.repeats)
    heading(f"0. Start-up of a command in a fresh process (median of {repeats})")
    commands = [
        ("samverkan-extract schema", ["schema"], TARGET_STARTUP_S),
        ("samverkan-extract --help", ["--help"], TARGET_STARTUP_S),
        ("samverkan-extract --version", ["--version"], TARGET_STARTUP_S),
        (f"samverkan-extract extract {one.name}", ["extract", str(one)], TARGET_EXTRACT_ONE_S),
    ]
    for label, args, target in commands:
        runs = [run_command(args) for _ in range(repeats)]
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        row(label, f"{cpu:.2f} s CPU", f"wall {wall:.2f} s; target <= {target:g} s")
        met = cpu <= target
        note = f"wall-clock: {wall:.2f} s"
        if not met:
            note = f"over by {cpu - target:.2f} s; {note}"
        state.targets.append(
            Target(f"start-up: {label}", f"{cpu:.2f} s", f"<= {target:g} s", met, note)
        )


# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--only", choices=PARTS, help="run one part")
    args = parser.parse_args(argv)
    parts = [args.only] if args.only else list(PARTS)
    sizes = QUICK if args.quick else FULL

    from samverkan_extract.batch import default_jobs

    started = time.perf_counter()
    n_cores = default_jobs()
    load_start = loadavg()
    print(
        f"samverkan-extract benchmarks{' (quick)' if args.quick else ''}: {n_cores} cores "
        f"(os.cpu_count() {os.cpu_count()}), Python {platform.python_version()}, "
        f"{platform.machine()}; load average {load_start}"
    )
    print("verdicts on time targets use CPU time (steady under load); wall-clock is shown beside")
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as tmp:
        state = State(Path(tmp), sizes, n_cores)
        if "startup" in parts:
            part_startup(state)
        if "txt" in parts:
            part_txt(state)
        if "pdf" in parts:
            part_pdf(state)
        if "scaling" in parts:
            part_scaling(state)
        if "memory" in parts:
            part_memory(state)

    heading("Targets")
    width = max(len(t.name) for t in state.targets)
    for t in state.targets:
        verdict = "met" if t.met else "MISSED"
        print(f"  {t.name:<{width}} {t.measured:>11}  target {t.goal:<14} {verdict}")
        if t.note:
            print(f"  {'':<{width}}   {t.note}")
    print(
        f"\n  wall time {time.perf_counter() - started:.0f} s; "
        f"load average at the start {load_start}, at the end {loadavg()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

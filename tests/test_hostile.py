"""Hostile input and faults (issue 14): a time limit nothing can swallow, bounded memory,
any file name, control characters and NULs, workers that die with their parent, a dead
worker that costs only its own file, named pipes, one snapshot per file; and the batch's
streaming, its executors and its progress bar (issue 13).

Signals, time limits and memory are tested in subprocesses with bounded time, triggered
the way the issue describes them."""

from __future__ import annotations

import ast
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from samverkan_extract import batch as batch_module
from samverkan_extract.api import extract_many
from samverkan_extract.batch import REORDER_PER_JOB, extract_one, run_batch
from samverkan_extract.batch_pool import KILL_GRACE_S
from samverkan_extract.errors import TimeLimitExceeded
from samverkan_extract.limits import Limits
from samverkan_extract.readers import read_document
from samverkan_extract.schema import Agreement, ErrorRecord
from tests.conftest import CORPUS, ROOT
from tests.fixtures.bad import (
    AGREEMENT,
    CONTENT_TYPES,
    LATIN1_NAME,
    ROOT_RELS,
    W_NS,
    long_text,
    slow_docx_bytes,
    text_bomb_bytes,
)

BAD = ROOT / "tests" / "data" / "bad"
PACKAGE = ROOT / "samverkan_extract"


def cli(*args: str, timeout: float = 180, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """The command line in a fresh process, bounded in time; output as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "samverkan_extract.cli", *args],
        capture_output=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def popen(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "samverkan_extract.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        **kwargs,  # type: ignore[arg-type]
    )


def records(stdout: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def good_files(folder: Path, n: int = 2) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, src in enumerate(sorted(CORPUS.glob("*.txt"))[:n]):
        dst = folder / f"good_{i}.txt"
        shutil.copy(src, dst)
        out.append(dst)
    return out


@pytest.fixture(scope="module")
def slow_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .docx of a quarter of a MB that takes a minute to read (millions of empty
    paragraphs: no character limit stops it)."""
    path = tmp_path_factory.mktemp("slow") / "slow.docx"
    path.write_bytes(slow_docx_bytes())
    return path


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(entry))
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


# --- The time limit holds ----------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_timeout_holds_for_a_slow_docx_and_a_slow_text(
    jobs: str, slow_docx: Path, tmp_path: Path
) -> None:
    """Issue 14, defect 2: --timeout held by neither the DOCX reader nor the extraction.
    A .docx that takes a minute to read and a text that takes a minute to analyse are
    each stopped at 2 s, on one core (in process) and on the worker pool."""
    slow_text = long_text(tmp_path / "long.txt")
    good = good_files(tmp_path / "good", 1)
    started = time.monotonic()
    done = cli(
        "extract", str(slow_docx), str(slow_text), *map(str, good),
        "--timeout", "2", "--format", "jsonl", "-q", "-j", jobs,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert b"Traceback" not in done.stderr, done.stderr
    got = records(done.stdout)
    for record in got[:2]:
        assert record["error"]["type"] == "Timeout", record  # type: ignore[index]
        assert record["error"]["message"] == "took longer than 2 s (limit per file)"  # type: ignore[index]
    assert "error" not in got[2]
    # two files at 2 s each, start-up and one good file: far from the minute each takes
    assert elapsed < 30, elapsed


def test_a_handler_that_swallows_the_limit_once_does_not_keep_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The time limit fires again every second: a library that catches it once (as
    pdfminer's page loop caught the old Exception) cannot keep the file running."""
    import samverkan_extract.readers as readers

    def swallows_once(path: Path, limits: Limits | None = None) -> object:
        try:
            time.sleep(30)
        except TimeLimitExceeded:
            pass
        time.sleep(30)
        raise AssertionError("not stopped")

    monkeypatch.setattr(readers, "read_document", swallows_once)
    started = time.monotonic()
    result = extract_one(BAD / "recipe.txt", Limits(seconds_per_file=1))
    assert time.monotonic() - started < 5
    assert isinstance(result, ErrorRecord) and result.error.type == "Timeout"


def test_a_worker_that_swallows_every_signal_is_killed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Code that catches everything, forever (or C code that never returns to Python):
    the parent kills the worker a few seconds after the limit; only that file is lost."""
    import samverkan_extract.readers as readers

    real = readers.read_document

    def stubborn(path: Path, limits: Limits | None = None) -> object:
        if "stubborn" in Path(path).name:
            while True:
                try:
                    time.sleep(30)
                except BaseException:  # noqa: BLE001, S110 - the point of the test
                    pass
        return real(path, limits)

    monkeypatch.setattr(readers, "read_document", stubborn)  # inherited by forked workers
    good = good_files(tmp_path, 2)
    bad = tmp_path / "stubborn.txt"
    shutil.copy(good[0], bad)
    started = time.monotonic()
    results = list(run_batch([good[0], bad, good[1]], jobs=2, limits=Limits(seconds_per_file=1)))
    assert time.monotonic() - started < 1 + KILL_GRACE_S + 15
    assert [type(r).__name__ for r in results] == ["Agreement", "ErrorRecord", "Agreement"]
    error = results[1]
    assert isinstance(error, ErrorRecord) and error.error.type == "Timeout"
    assert error.error.path == str(bad)


def test_the_time_limit_holds_in_a_thread(slow_docx: Path) -> None:
    """On an executor's worker thread no signal can be used: the limit is raised in the
    thread itself."""
    started = time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(extract_one, slow_docx, Limits(seconds_per_file=1)).result(30)
    assert time.monotonic() - started < 6
    assert isinstance(result, ErrorRecord) and result.error.type == "Timeout"


def _handlers(tree: ast.AST) -> Iterator[ast.ExceptHandler]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler):
            yield node


def test_no_handler_in_the_package_can_swallow_the_time_limit() -> None:
    """The audit: no bare ``except:``, and no handler naming ``BaseException`` or the
    time limit itself that does not raise it again (cleaning up on the way, as OCR kills
    Tesseract), anywhere but in the batch that sets the limit (which reports it) and its
    worker's last line (which exits)."""
    allowed = {"batch.py", "batch_pool.py"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for handler in _handlers(tree):
            last = handler.body[-1]
            if isinstance(last, ast.Raise) and last.exc is None:
                continue  # raised again
            names = (
                [n.id for n in ast.walk(handler.type) if isinstance(n, ast.Name)]
                if handler.type
                else []
            )
            if handler.type is None or {"BaseException", "TimeLimitExceeded"} & set(names):
                if path.name not in allowed:
                    found.append(f"{path.relative_to(ROOT)}:{handler.lineno}")
    assert not found, f"handlers that could swallow the time limit: {found}"
    assert issubclass(TimeLimitExceeded, BaseException)
    assert not issubclass(TimeLimitExceeded, Exception)


# --- Memory -----------------------------------------------------------------------------------


def _peak_mb(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, float, bytes, bytes]:
    """Wait for ``proc`` (with a time bound); return its exit code, the largest peak RSS
    (VmHWM) of it and its workers (MB), stdout and stderr. Sampled from /proc: the
    ``ru_maxrss`` of a child counts the memory of the test process it was forked from."""
    from benchmarks.run import MemorySampler

    sampler = MemorySampler(proc.pid, 0.05)
    sampler.start()
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [
        threading.Thread(target=lambda: out.append(proc.stdout.read())),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err.append(proc.stderr.read())),  # type: ignore[union-attr]
    ]
    for t in readers:
        t.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, _ = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    peaks = sampler.stop()
    return proc.returncode, peaks["largest_mb"], out[0], err[0]


def test_docx_reading_stops_at_max_chars_while_it_reads(tmp_path: Path) -> None:
    """Issue 14, defect 5: a 0.6 MB .docx unpacking to 177 MB of paragraphs reached
    2.7 GB over 2 minutes. It is now refused as soon as its text passes --max-chars,
    in seconds and far below the memory limit."""
    bomb = tmp_path / "text_bomb.docx"
    bomb.write_bytes(text_bomb_bytes())
    assert bomb.stat().st_size < 1_000_000
    with zipfile.ZipFile(bomb) as z:
        assert z.getinfo("word/document.xml").file_size >= 177_000_000
    started = time.monotonic()
    proc = popen("extract", str(bomb), "--format", "jsonl", "-q")
    code, peak, stdout, stderr = _peak_mb(proc, 120)
    assert code == 1 and b"Traceback" not in stderr
    (record,) = records(stdout)
    assert record["error"]["message"].startswith(  # type: ignore[index]
        "text is over the limit of 1,000,000 characters"
    )
    assert time.monotonic() - started < 30
    assert peak < 400, f"peak RSS {peak:.0f} MB"  # the default limit is 1,500 MB


def test_a_file_over_the_memory_limit_is_one_error_record(tmp_path: Path) -> None:
    """With the character limit lifted, the same .docx grows until --max-memory-mb: its
    worker is stopped there, the file gets one error record naming it and the limit,
    the other files their records; no process of the batch went far past the limit."""
    bomb = tmp_path / "text_bomb.docx"
    bomb.write_bytes(text_bomb_bytes())
    good = good_files(tmp_path / "good", 2)
    proc = popen(
        "extract", str(good[0]), str(bomb), str(good[1]),
        "--max-chars", "500000000", "--max-memory-mb", "250", "--format", "jsonl", "-q", "-j", "2",
    )  # fmt: skip
    code, peak, stdout, stderr = _peak_mb(proc, 240)
    assert code == 1 and b"Traceback" not in stderr, stderr
    got = records(stdout)
    assert ["error" in r for r in got] == [False, True, False]
    error = got[1]["error"]
    assert error["type"] == "MemoryError" and error["path"] == str(bomb), error  # type: ignore[index]
    assert "over the limit of 250 MB (--max-memory-mb)" in error["message"]  # type: ignore[index]
    assert stderr.decode().count("error: ") == 1
    assert peak < 250, f"peak RSS {peak:.0f} MB"


# --- Any file name ----------------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Issue 14, defect 3: a Latin-1 name from a Windows zip crashed every output, and to
    stdout the JSON Lines carried bytes that are not UTF-8. The name is kept losslessly,
    with a warning, and standard output and files stay valid UTF-8."""
    folder = tmp_path / "unpacked"
    folder.mkdir()
    latin1 = folder / LATIN1_NAME
    latin1.write_text(AGREEMENT, encoding="utf-8")
    # to standard output, JSON Lines and JSON
    done = cli("extract", str(folder), "--format", "jsonl", "-q", "-j", "1")
    assert done.returncode == 0, done.stderr
    assert b"\xd6" not in done.stdout
    (record,) = records(done.stdout)  # decodes as strict UTF-8
    assert record["source"]["path"] == str(latin1)  # type: ignore[index]
    assert os.fsencode(record["source"]["path"]).endswith(b"/\xd6verenskommelse.txt")  # type: ignore[index]
    assert any("not valid UTF-8" in w for w in record["warnings"])  # type: ignore[attr-defined]
    assert record["parties"]
    done = cli("extract", str(latin1), "--format", "json", "-q")
    assert json.loads(done.stdout.decode("utf-8"))["source"]["path"] == str(latin1)
    # to a file
    out = tmp_path / "out.jsonl"
    done = cli("extract", str(folder), "--format", "jsonl", "-o", str(out), "-q")
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert json.loads(out.read_bytes().decode("utf-8"))["source"]["path"] == str(latin1)


def test_a_file_name_with_control_characters_and_an_unreadable_one(tmp_path: Path) -> None:
    terminal = tmp_path / "avtal\x1b[31m\x07.txt"
    terminal.write_text(AGREEMENT, encoding="utf-8")
    empty = tmp_path / os.fsdecode(b"tom_\xe5r.txt")
    empty.write_bytes(b"")
    done = cli("extract", str(terminal), str(empty), "--format", "jsonl", "-q", "-j", "1")
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    first, second = records(done.stdout)
    assert first["source"]["path"] == str(terminal)  # type: ignore[index]
    assert any("control characters" in w for w in first["warnings"])  # type: ignore[attr-defined]
    assert second["error"]["path"] == str(empty)  # type: ignore[index]
    assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout and b"\xe5" not in done.stdout
    done.stderr.decode("utf-8")


# --- Control characters and NULs ---------------------------------------------------------------


def test_control_characters_become_breaks_or_go(tmp_path: Path) -> None:
    """Issue 14, defect 4: a vertical tab (text pasted from Word), a bell or an escape
    sequence reached the record and crashed the workbook writer."""
    document = read_document(BAD / "control_chars.txt")
    assert not any(c in document.text for c in "\x07\x1b\x0b\x0c\x9b")
    assert "Parter\n\nHjo kommun" in document.text  # the vertical tabs are breaks
    assert "\n\nGiltighetstid\n\n" in document.text  # the escape sequence went whole
    assert "Hjo den 15 december 2023" in document.text
    assert any(w.startswith("dropped 4 control character(s)") for w in document.warnings)
    record = extract_one(BAD / "control_chars.txt")
    assert isinstance(record, Agreement)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in record.model_dump_json())


def test_control_characters_in_a_docx(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>Samverkans\u0085överenskommelse</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Hjo kommun\u009b och Polisen\u0091 är parter.</w:t></w:r></w:p>"
    ).encode()
    path = tmp_path / "controls.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr(
            "word/document.xml",
            b'<w:document xmlns:w="' + W_NS + b'"><w:body>' + body + b"</w:body></w:document>",
        )
    path.write_bytes(buf.getvalue())
    document = read_document(path)
    assert document.text == "Samverkans\növerenskommelse\n\nHjo kommun och Polisen är parter."
    assert any(w.startswith("dropped 2 control character(s)") for w in document.warnings)


def test_a_few_nul_bytes_do_not_lose_the_agreement() -> None:
    """Issue 14, defect 8: 18 NULs in a 925-byte UTF-8 file refused the whole file."""
    data = (BAD / "nul_bytes.txt").read_bytes()
    assert len(data) == 925 and data.count(0) == 18
    record = extract_one(BAD / "nul_bytes.txt")
    assert isinstance(record, Agreement)
    assert "dropped 18 NUL byte(s): the rest of the file is text" in record.warnings
    assert record.period is not None and record.period.start == "2024-01-01"
    # binary data is still refused, with or without NULs
    for name in ("noise.txt", "noise.pdf"):
        assert isinstance(extract_one(BAD / name), ErrorRecord)


# --- Workers and signals -------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_parent(sig: signal.Signals, slow_docx: Path, tmp_path: Path) -> None:
    """Issue 14, defect 6: kill -TERM or kill -9 on the parent alone left both workers
    blocked for minutes. SIGTERM is now handled like Ctrl-C (workers stopped, no output
    file left half-written, exit 130); after kill -9 the workers die with the parent."""
    second = tmp_path / "slow2.docx"
    shutil.copy(slow_docx, second)
    out = tmp_path / "out.jsonl"
    proc = popen(
        "extract", str(slow_docx), str(second), "--timeout", "120", "-j", "2",
        "--format", "jsonl", "-o", str(out), "-q",
    )  # fmt: skip
    try:
        assert wait_until(lambda: len(children(proc.pid)) == 2, 30)
        workers = children(proc.pid)
        time.sleep(3)  # both busy reading
        os.kill(proc.pid, sig)
        _, stderr = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert wait_until(lambda: not any(alive(w) for w in workers), 10), "orphaned workers"
    if sig == signal.SIGTERM:
        assert proc.returncode == 130, stderr
        assert stderr.decode().strip().endswith("interrupted")
        assert b"Traceback" not in stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["slow2.docx"]


def test_a_killed_worker_costs_only_its_file_and_the_pool_is_rebuilt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 14, defect 7: after one worker was killed every remaining file ran in a
    process of its own (500 files: 4 min 38 s instead of 19 s). Now the killed worker's
    file gets an error record naming it and one new worker takes its place."""
    pids = tmp_path / "pids"
    real = batch_module.extract_one

    def recording(path: Path, limits: Limits = batch_module.DEFAULT_LIMITS) -> object:
        with open(pids, "a", encoding="ascii") as fh:
            fh.write(f"{os.getpid()}\n")
        if "killed" in Path(path).name:
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return real(path, limits)

    monkeypatch.setattr(batch_module, "extract_one", recording)
    sources = good_files(tmp_path / "in", 3)
    paths = []
    for i in range(40):
        path = tmp_path / "in" / f"{i:02d}{'_killed' if i == 5 else ''}.txt"
        shutil.copy(sources[i % 3], path)
        paths.append(path)
    results = list(run_batch(paths, jobs=2))
    assert len(results) == 40
    for i, (path, result) in enumerate(zip(paths, results, strict=True)):
        if i == 5:
            assert isinstance(result, ErrorRecord) and result.error.type == "WorkerCrashed"
            assert result.error.path == str(path)
            assert "killed by SIGKILL" in result.error.message
        else:
            assert isinstance(result, Agreement) and result.source.path == str(path)
    used = set(pids.read_text().split())
    assert len(used) == 3, f"{len(used)} worker processes for 40 files"


# --- Files that are not regular, and one snapshot per file ----------------------------------


def test_a_named_pipe_in_a_folder_is_named(tmp_path: Path) -> None:
    """Issue 14, item 9: a FIFO in a folder gave a misleading "no .pdf … files"."""
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "agreement.txt")
    done = cli("extract", str(folder), "--format", "jsonl", "-q", timeout=60)
    lines = done.stderr.decode().splitlines()
    assert lines == [
        f"error: {folder / 'agreement.txt'}: not a regular file (a named pipe (FIFO))"
    ], lines
    os.mkfifo(folder / "pipe")
    done = cli("extract", str(folder), "--format", "jsonl", "-q", timeout=60)
    assert done.stderr.decode().splitlines()[0] == (
        f"note: {folder}: 1 file(s) of other types not read (e.g. pipe)"
    )


def test_each_file_is_read_from_one_snapshot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 14, item 9: a file opened twice (a check, then the parse) mixes two versions
    when it changes between them. Text and .docx files are opened once."""
    from tests.fixtures.render import render_docx

    docx = render_docx(BAD / "recipe.txt", tmp_path / "recipe.docx")
    opened: list[str] = []
    real_os_open, real_open = os.open, io.open

    def os_open(path: object, *args: object, **kwargs: object) -> int:
        opened.append(os.fsdecode(path))  # type: ignore[arg-type]
        return real_os_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def open_(file: object, *args: object, **kwargs: object) -> object:
        if isinstance(file, str | bytes | os.PathLike):
            opened.append(os.fsdecode(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(io, "open", open_)
    monkeypatch.setattr("builtins.open", open_)
    for path in (BAD / "recipe.txt", docx):
        opened.clear()
        read_document(path)
        assert opened.count(str(path)) == 1, (path.name, opened)


# --- Streaming, executors, progress ------------------------------------------------------------


def test_results_stream_in_order_through_a_bounded_buffer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 13, item 4: records leave in input order, and while the first file is slow
    the pool runs at most the reorder buffer ahead of it (never all files)."""
    log = tmp_path / "log"
    real = batch_module.extract_one

    def slow_first(path: Path, limits: Limits = batch_module.DEFAULT_LIMITS) -> object:
        with open(log, "a", encoding="ascii") as fh:
            fh.write(f"start {Path(path).stem}\n")
        if Path(path).stem == "00":
            time.sleep(4)
        result = real(path, limits)
        with open(log, "a", encoding="ascii") as fh:
            fh.write(f"end {Path(path).stem}\n")
        return result

    monkeypatch.setattr(batch_module, "extract_one", slow_first)
    source = sorted(CORPUS.glob("*.txt"))[0]
    paths = []
    for i in range(60):
        paths.append(tmp_path / f"{i:02d}.txt")
        shutil.copy(source, paths[-1])
    results = list(run_batch(paths, jobs=2))
    assert [r.source.path for r in results] == [str(p) for p in paths]  # type: ignore[union-attr]
    events = log.read_text().split("\n")
    before = events[: events.index("end 00")]
    started = sum(e.startswith("start") for e in before)
    assert started <= REORDER_PER_JOB * 2 + 1, started


def test_the_cli_writes_records_as_they_come(slow_docx: Path, tmp_path: Path) -> None:
    """The CLI streams: the first records are out while a later file is still read."""
    good = good_files(tmp_path, 2)
    proc = popen("extract", *map(str, good), str(slow_docx), "--timeout", "8", "--format",
                 "jsonl", "-q", "-j", "1")  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        got_first = time.monotonic()
        proc.communicate(timeout=60)
    finally:
        proc.kill()
    ended = time.monotonic()
    assert json.loads(first)["source"]["path"] == str(good[0])
    assert ended - got_first > 4, "the first record came only at the end"


def test_the_cli_json_is_the_same_streamed(tmp_path: Path) -> None:
    good = good_files(tmp_path / "in", 3)
    (tmp_path / "in" / "broken.docx").write_bytes(b"")
    done = cli("extract", str(tmp_path / "in"), "--format", "json", "-q", "-j", "2")
    lines = cli("extract", str(tmp_path / "in"), "--format", "jsonl", "-q", "-j", "2").stdout
    expected = json.dumps(records(lines), ensure_ascii=False, indent=2) + "\n"
    assert done.stdout.decode("utf-8") == expected
    assert len(json.loads(done.stdout)) == len(good) + 1
    # one path that cannot be read prints an object, as one that can does
    done = cli("extract", str(tmp_path / "nothing.txt"), "--format", "json", "-q")
    assert json.loads(done.stdout)["error"]["message"] == "no such file"


def test_the_output_never_overwrites_an_input(tmp_path: Path) -> None:
    (good,) = good_files(tmp_path, 1)
    before = good.read_bytes()
    done = cli("extract", str(good), "-o", str(good), "-q")
    assert done.returncode == 1
    assert "would overwrite an input file" in done.stderr.decode()
    assert good.read_bytes() == before


def _local_and(executor_run: object, paths: list[Path]) -> None:
    local = extract_many(paths, jobs=1)
    other = executor_run(paths)  # type: ignore[operator]
    assert [a.model_dump() for a in other.agreements] == [a.model_dump() for a in local.agreements]
    assert [e.model_dump() for e in other.errors] == [e.model_dump() for e in local.errors]
    assert len(local.agreements) >= 3 and len(local.errors) == 2


@pytest.fixture
def mixed(tmp_path: Path) -> list[Path]:
    return [*good_files(tmp_path, 3), BAD / "noise.docx", BAD / "empty.txt"]


def test_any_executor_runs_the_batch(mixed: list[Path]) -> None:
    """Issue 13, item 5: ``extract_many(paths, executor=...)`` with the same records and
    error records as a local run."""
    with ThreadPoolExecutor(2) as threads:
        _local_and(lambda p: extract_many(p, executor=threads), mixed)
    with ProcessPoolExecutor(2) as processes:
        _local_and(lambda p: extract_many(p, executor=processes), mixed)


def test_a_dask_cluster_runs_the_batch(mixed: list[Path], slow_docx: Path) -> None:
    """A local dask.distributed cluster (threads): the same records as the local run, and
    the time limit holds on its workers."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        _local_and(lambda p: extract_many(p, executor=executor), mixed)
        started = time.monotonic()
        corpus = extract_many([slow_docx], executor=executor, limits=Limits(seconds_per_file=1))
        assert time.monotonic() - started < 45  # far from the minutes the file takes
    assert [e.error.type for e in corpus.errors] == ["Timeout"]


def test_progress_true_shows_a_tqdm_bar(
    mixed: list[Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``extract_many(progress=True)``: a ``tqdm.auto`` bar; without tqdm, a line on
    stderr; a callable gets (done, total, path) as before."""
    tqdm_auto = pytest.importorskip("tqdm.auto")
    bars = []

    class Bar:
        def __init__(self, total: int, **kwargs: object) -> None:
            self.total, self.n, self.closed = total, 0, False
            bars.append(self)

        def update(self, k: int) -> None:
            self.n += k

        def close(self) -> None:
            self.closed = True

    monkeypatch.setattr(tqdm_auto, "tqdm", Bar)
    extract_many(mixed, jobs=1, progress=True)
    (bar,) = bars
    assert (bar.total, bar.n, bar.closed) == (5, 5, True)

    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # tqdm not installed
    extract_many(mixed[:2], jobs=1, progress=True)
    assert "extracting [" in capsys.readouterr().err

    seen: list[tuple[int, int]] = []
    extract_many(mixed[:2], jobs=1, progress=lambda d, t, p: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]

"""Many files at once: in parallel, with a time limit per file, and nothing lost.

Every file gives either an ``Agreement`` or an ``ErrorRecord`` naming the file and the
problem, in the order the files were given; one bad file never stops the batch.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from samverkan_extract.errors import InputError, SamverkanError, TimeLimitExceeded
from samverkan_extract.extractors import extract_agreement
from samverkan_extract.limits import DEFAULT_LIMITS, Limits
from samverkan_extract.nlp import get_nlp
from samverkan_extract.readers import read_document
from samverkan_extract.schema import Agreement, ErrorInfo, ErrorRecord

Result = Agreement | ErrorRecord


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"took longer than {seconds:g} s (limit per file)")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def extract_one(path: Path, limits: Limits = DEFAULT_LIMITS) -> Result:
    """Extract one file; every failure becomes an ``ErrorRecord``, never an exception."""
    try:
        with _time_limit(limits.seconds_per_file):
            return extract_agreement(read_document(path, limits))
    except InputError as exc:
        return _error(path, type(exc).__name__, exc.problem)
    except TimeLimitExceeded as exc:
        return _error(path, "Timeout", str(exc))
    except SamverkanError as exc:
        return _error(path, type(exc).__name__, str(exc))
    except MemoryError:
        return _error(path, "MemoryError", "ran out of memory reading the file")
    except Exception as exc:  # noqa: BLE001 - a batch reports, it does not crash
        message = str(exc).splitlines()[0] if str(exc) else ""
        return _error(path, type(exc).__name__, f"unexpected error: {message}"[:300])


def _error(path: Path, kind: str, message: str) -> ErrorRecord:
    """The error record; its message is one line, since the CLI prints one per file."""
    message = " ".join(message.split()) or kind
    return ErrorRecord(error=ErrorInfo(path=str(path), type=kind, message=message))


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    get_nlp()


def run_batch(
    paths: Sequence[Path],
    *,
    jobs: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int, int, Path], None] | None = None,
) -> Iterator[Result]:
    """Results in input order, extracted by ``jobs`` processes."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    total = len(paths)
    if jobs == 1 or total < 2:
        for i, path in enumerate(paths, 1):
            result = extract_one(path, limits)
            if progress:
                progress(i, total, path)
            yield result
        return
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, total), initializer=_init_worker) as pool:
            chunk = max(1, min(16, total // (jobs * 4) or 1))
            results = pool.map(extract_one, paths, [limits] * total, chunksize=chunk)
            for path, result in zip(paths, results, strict=True):
                done += 1
                if progress:
                    progress(done, total, path)
                yield result
    except BrokenProcessPool:
        # A worker died (killed for memory, or a crash inside a library). Which file did
        # it is unknown, so the files not yet done are read again, each in a process of
        # its own: the culprit gets an error record, the others their results.
        for path in paths[done:]:
            result = _isolated(path, limits)
            done += 1
            if progress:
                progress(done, total, path)
            yield result


def _isolated(path: Path, limits: Limits) -> Result:
    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_init_worker) as pool:
            return pool.submit(extract_one, path, limits).result()
    except BrokenProcessPool:
        return _error(
            path,
            "WorkerCrashed",
            "the process reading this file died (out of memory, or a crash in a library)",
        )


class Progress:
    """A one-line progress bar on stderr, shown only on a terminal."""

    def __init__(self, enabled: bool | None = None, label: str = "extracting") -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.label = label

    def __call__(self, done: int, total: int, path: Path) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        name = path.name[-40:]
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total} {name:<40}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

"""Many files at once: in parallel, with limits per file, streamed in input order.

Every file gives either an ``Agreement`` or an ``ErrorRecord`` naming the file and the
problem, in the order the files were given; one bad file never stops the batch.

``run_batch`` runs the files in one of three ways:

* on one core (``jobs=1``, or a single file), in this process;
* by default, on the batch's own pool of worker processes (``batch_pool``), one file at
  a time each, a worker that dies or is stuck costing only its own file;
* on any ``concurrent.futures.Executor`` the caller passes (a Dask or Ray cluster's),
  with the same error records and per-file limits (time is enforced inside the task;
  memory is the executor's business there).

Results leave through a bounded reorder buffer: at most a few per worker are held, so
memory stays flat however many files there are. SIGTERM is handled like Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError, Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from samverkan_extract.batch_memory import memory_limit, reset_peak
from samverkan_extract.batch_pool import Pool, ignore_unraisable, warm_up
from samverkan_extract.batch_records import (
    Result,
    blame_memory,
    error_record,
    memory_message,
    timeout_record,
)
from samverkan_extract.errors import InputError, SamverkanError, TimeLimitExceeded
from samverkan_extract.limits import DEFAULT_LIMITS, Limits
from samverkan_extract.output import atomic_path, escape_surrogates, json_text
from samverkan_extract.schema import Agreement, ErrorRecord

Progress_ = Callable[[int, int, Path], None]

# Results held per worker, at most, waiting for an earlier file to finish.
REORDER_PER_JOB = 8
# Tasks in flight on an executor the caller passes, at most.
EXECUTOR_WINDOW = 64


# --- One file -------------------------------------------------------------------------


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TimeLimitExceeded`` in this thread after ``seconds``, and again every
    second after that until the block is left, so a handler that swallowed it (a library
    catching everything) cannot keep the file running."""
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        with _thread_time_limit(seconds):
            yield
        return
    active = True

    def expire(signum: int, frame: object) -> None:
        if active:
            raise TimeLimitExceeded(f"took longer than {seconds:g} s (limit per file)")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextmanager
def _thread_time_limit(seconds: float) -> Iterator[None]:
    """The time limit in a thread that is not the main one (an executor's worker thread,
    where no signal can be used): the exception is raised in it asynchronously."""
    import ctypes

    target = ctypes.c_ulong(threading.get_ident())
    done = threading.Event()
    lock = threading.Lock()

    def watch() -> None:
        if done.wait(seconds):
            return
        while True:
            with lock:
                if done.is_set():
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    target, ctypes.py_object(TimeLimitExceeded)
                )
            if done.wait(1.0):
                return

    watcher = threading.Thread(target=watch, name="samverkan-time-limit", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        with lock:
            done.set()
        ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)  # one not yet delivered


def extract_one(path: Path, limits: Limits = DEFAULT_LIMITS) -> Result:
    """Extract one file; every failure becomes an ``ErrorRecord``, never an exception."""
    from samverkan_extract.extractors import extract_agreement
    from samverkan_extract.readers import read_document

    try:
        with _time_limit(limits.seconds_per_file):
            return extract_agreement(read_document(path, limits))
    except InputError as exc:
        return error_record(path, type(exc).__name__, exc.problem)
    except TimeLimitExceeded:
        return timeout_record(path, limits)
    except SamverkanError as exc:
        return error_record(path, type(exc).__name__, str(exc))
    except MemoryError:
        return error_record(path, "MemoryError", memory_message(limits))
    except RecursionError:
        return error_record(
            path, "RecursionError", "nested too deeply to read (a loop in the file?)"
        )
    except Exception as exc:  # noqa: BLE001 - a batch reports, it does not crash
        message = str(exc).splitlines()[0] if str(exc) else ""
        return error_record(path, type(exc).__name__, f"unexpected error: {message}"[:300])


# --- Signals --------------------------------------------------------------------------


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises ``KeyboardInterrupt`` as Ctrl-C does, so that a batch stopped by
    ``kill`` cleans up: its workers are stopped and no half-written output stays."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    old = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


# --- The batch ------------------------------------------------------------------------


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def run_batch(
    paths: Sequence[Path],
    *,
    jobs: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress_ | None = None,
    executor: Executor | None = None,
) -> Iterator[Result]:
    """Results in input order: extracted by ``jobs`` worker processes, in this process
    (``jobs=1`` or one file), or on ``executor`` when one is given."""
    paths = list(paths)
    if executor is not None:
        runs = _on_executor(executor, paths, limits)
    else:
        jobs = default_jobs() if jobs is None else max(1, jobs)
        if jobs == 1 or len(paths) < 2:
            runs = _in_process(paths, limits)
        else:
            runs = _on_pool(paths, min(jobs, len(paths)), limits)
    with _terminate_as_interrupt():
        for done, result in enumerate(runs, 1):
            if progress:
                progress(done, len(paths), paths[done - 1])
            yield result


def _in_process(paths: list[Path], limits: Limits) -> Iterator[Result]:
    warm_up()
    for path in paths:
        start = reset_peak()
        hook, sys.unraisablehook = sys.unraisablehook, ignore_unraisable
        try:
            with memory_limit(limits.max_memory_mb):
                result = extract_one(path, limits)
        finally:
            sys.unraisablehook = hook
        yield blame_memory(result, path, limits, start + limits.max_memory_mb * 2**20)


def _on_executor(executor: Executor, paths: list[Path], limits: Limits) -> Iterator[Result]:
    """On the caller's executor, at most ``EXECUTOR_WINDOW`` files in flight."""
    queue: deque[tuple[Path, Future[Result]]] = deque()
    submitted = 0
    try:
        while submitted < len(paths) or queue:
            while submitted < len(paths) and len(queue) < EXECUTOR_WINDOW:
                path = paths[submitted]
                queue.append((path, executor.submit(extract_one, path, limits)))
                submitted += 1
            path, future = queue.popleft()
            yield _future_result(path, future, limits)
    finally:
        for _, future in queue:
            future.cancel()


def _future_result(path: Path, future: Future[Result], limits: Limits) -> Result:
    try:
        result = future.result()
    except CancelledError:
        return error_record(path, "Cancelled", "the executor cancelled this file")
    except FutureTimeout:
        return timeout_record(path, limits)
    except TimeLimitExceeded:
        return timeout_record(path, limits)
    except Exception as exc:  # noqa: BLE001 - BrokenExecutor, a lost worker, a pickling error
        kind = "WorkerCrashed" if "Broken" in type(exc).__name__ else type(exc).__name__
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return error_record(path, kind, f"the executor failed on this file: {message}"[:300])
    if isinstance(result, Agreement | ErrorRecord):
        return result
    return error_record(path, "WorkerCrashed", f"the executor returned {type(result).__name__}")


def _on_pool(paths: list[Path], jobs: int, limits: Limits) -> Iterator[Result]:
    """The files on ``jobs`` workers, results in input order through a reorder buffer of
    at most ``REORDER_PER_JOB * jobs`` records."""
    window = REORDER_PER_JOB * jobs
    pool = Pool(jobs, limits, extract_one)
    held: dict[int, Result] = {}
    given = emitted = 0
    try:
        while emitted < len(paths):
            if pool.broken is not None:
                for index in range(given, len(paths)):
                    held[index] = error_record(paths[index], "WorkerCrashed", pool.broken)
                given = len(paths)
            for worker in pool.idle():
                if given < len(paths) and given - emitted < window:
                    pool.give(worker, given, paths[given])
                    given += 1
            if emitted in held:
                yield held.pop(emitted)
                emitted += 1
                continue
            for index, result in pool.wait(0.2):
                held[index] = result
            if pool.broken is not None:
                for worker in list(pool.workers):
                    if worker.task is not None:
                        continue
                    pool.retire(worker)
    finally:
        pool.close()


# --- Progress -------------------------------------------------------------------------


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
        name = escape_surrogates(path.name)[-40:]
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{total} {name:<40}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


# --- Streaming the records out ----------------------------------------------------------


def _json(record: Result, indent: int | None) -> str:
    """A record as JSON text that is valid UTF-8 whatever it holds: the surrogate escapes
    of a file name that is not UTF-8 are written as ``\\udcNN`` (``output.json_text``)."""
    return json_text(json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=indent))


def write_records(
    results: Iterable[Result],
    fmt: str,
    target: Path | None,
    *,
    single: bool = False,
    on_error: Callable[[ErrorRecord], None] | None = None,
) -> tuple[int, int]:
    """Write records as they come, in order: JSON Lines (``jsonl``), or JSON (``json``:
    a list, or the record alone when ``single``), to ``target`` (atomically: a temporary
    file renamed when all is written) or to standard output. Nothing is held but the
    record being written. Returns (records, errors); ``on_error`` sees each error."""
    if target is None:
        return _write_stream(results, fmt, sys.stdout, single, on_error)
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        return _write_stream(results, fmt, fh, single, on_error)


def _write_stream(
    results: Iterable[Result],
    fmt: str,
    out: IO[str],
    single: bool,
    on_error: Callable[[ErrorRecord], None] | None,
) -> tuple[int, int]:
    count = errors = 0
    for result in results:
        if isinstance(result, ErrorRecord):
            errors += 1
            if on_error:
                on_error(result)
        if fmt == "jsonl":
            out.write(_json(result, None) + "\n")
        elif single:
            out.write(_json(result, 2) + "\n")
        else:
            body = "\n".join("  " + line for line in _json(result, 2).split("\n"))
            out.write(("[\n" if count == 0 else ",\n") + body)
        count += 1
        if out is sys.stdout:
            out.flush()
    if fmt == "json" and not single:
        out.write("\n]\n" if count else "[]\n")
    return count, errors

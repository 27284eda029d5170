"""Many files at once: in parallel, with limits per file, streamed in input order.

Every file gives either an ``Agreement`` or an ``ErrorRecord`` naming the file and the
problem, in the order the files were given; one bad file never stops the batch.

``run_batch`` runs the files in one of three ways:

* on one core (``jobs=1``, or a single file), in this process;
* by default, on a pool of worker processes this module keeps: each worker takes one
  file at a time, so a worker that dies (killed for memory, a crash inside a library)
  costs exactly its own file, an error record naming it, and is replaced at once; a
  worker stuck past its time limit in code that cannot be interrupted is killed; workers
  die with the parent (Linux parent-death signal, and a watchdog elsewhere);
* on any ``concurrent.futures.Executor`` the caller passes (a Dask or Ray cluster's),
  with the same error records and per-file limits (time is enforced inside the task;
  memory is the executor's business there).

Results leave through a bounded reorder buffer: at most a few per worker are held, so
memory stays flat however many files there are. SIGTERM is handled like Ctrl-C.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError, Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from samverkan_extract.batch_memory import (
    limit_memory,
    memory_limit,
    reset_peak,
    resident,
    status_bytes,
)
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

# A worker stuck past its time limit where the limit cannot reach it (inside C code) is
# killed by the parent this many seconds later.
KILL_GRACE_S = 3.0
# Results held per worker, at most, waiting for an earlier file to finish.
REORDER_PER_JOB = 8
# Tasks in flight on an executor the caller passes, at most.
EXECUTOR_WINDOW = 64
# A worker is stopped by its parent when its resident memory passes this share of
# --max-memory-mb, before it reaches its allocation limit (which keeps it under the limit
# itself): a process allocating at its limit can crawl for minutes, each failed
# allocation retried by the C allocator, and libraries misreport what failed.
WATCH_SHARE = 0.8


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
    _warm_up()
    for path in paths:
        start = reset_peak()
        hook, sys.unraisablehook = sys.unraisablehook, _ignore
        try:
            with memory_limit(limits.max_memory_mb):
                result = extract_one(path, limits)
        finally:
            sys.unraisablehook = hook
        yield blame_memory(result, path, limits, start + limits.max_memory_mb * 2**20)


def _ignore(unraisable: Any) -> None:
    """An error in a finaliser while a file is read (a parser closed after running out of
    memory): the file's own record says what went wrong; no traceback on the terminal."""


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


# --- The worker pool ------------------------------------------------------------------


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process (BaseProcess of the context)
    conn: multiprocessing.connection.Connection
    ready: bool = False
    task: tuple[int, Path] | None = None
    started: float = 0.0
    baseline: int = 0  # resident bytes when it was ready, before any file
    peak: int = 0  # the most resident bytes seen while it read its current file


@dataclass
class _Pool:
    """Worker processes that each read one file at a time, replaced when one dies."""

    size: int
    limits: Limits
    workers: list[_Worker] = field(default_factory=list)
    start_failures: int = 0
    broken: str | None = None  # why workers cannot start at all

    def __post_init__(self) -> None:
        self.context = multiprocessing.get_context()
        for _ in range(self.size):
            self.spawn()

    def spawn(self) -> None:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main,
            args=(child, self.limits, os.getpid()),
            name="samverkan-worker",
            daemon=True,
        )
        process.start()
        child.close()
        self.workers.append(_Worker(process, parent))

    def retire(self, worker: _Worker, *, kill: bool = False) -> None:
        self.workers.remove(worker)
        _stop(worker, kill=kill)

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers if w.ready and w.task is None]

    def give(self, worker: _Worker, index: int, path: Path) -> None:
        worker.task, worker.started, worker.peak = (index, path), time.monotonic(), 0
        try:
            worker.conn.send((index, path))
        except OSError:
            pass  # it died: its sentinel says so in the next wait

    def wait(self, timeout: float) -> list[tuple[int, Result]]:
        """Results that arrived, and error records for the files of workers that died or
        overran their time; dead and killed workers are replaced."""
        out: list[tuple[int, Result]] = []
        handles: list[Any] = [w.conn for w in self.workers]
        handles += [w.process.sentinel for w in self.workers]
        ready = set(multiprocessing.connection.wait(handles, timeout))
        for worker in list(self.workers):
            ended = worker.process.sentinel in ready or not worker.process.is_alive()
            if worker.conn in ready or ended:
                # every message it sent, also when it has ended since: a worker that sent
                # its last result and left is no crash
                ended = not self._drain(worker, out) or ended
            if ended and worker in self.workers:
                worker.process.join(1.0)
                self._died(worker, out)
        self._overruns(out)
        return out

    def _overruns(self, out: list[tuple[int, Result]]) -> None:
        """Kill the workers past their file's time limit (where it could not reach them)
        or over its memory limit (where an allocation failure did not stop them)."""
        limits = self.limits
        deadline = limits.seconds_per_file + KILL_GRACE_S
        budget = WATCH_SHARE * limits.max_memory_mb * 2**20
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.task is None:
                continue
            index, path = worker.task
            worker.peak = max(worker.peak, resident(worker.process.pid))
            if limits.seconds_per_file > 0 and now - worker.started > deadline:
                result = timeout_record(path, limits)
            elif budget > 0 and worker.peak > budget:
                result = error_record(path, "MemoryError", memory_message(limits))
            else:
                continue
            out.append((index, result))
            worker.task = None
            self.retire(worker, kill=True)
            if self.broken is None:
                self.spawn()

    def _drain(self, worker: _Worker, out: list[tuple[int, Result]]) -> bool:
        """Handle the messages waiting from a worker; False when it is gone."""
        try:
            while worker in self.workers and worker.conn.poll(0):
                if not self._message(worker, worker.conn.recv(), out):
                    return False
        except (EOFError, OSError):
            return False
        return True

    def _message(self, worker: _Worker, message: Any, out: list[tuple[int, Result]]) -> bool:
        """Handle one message from a worker; False when the worker is gone."""
        kind = message[0]
        if kind == "ready":
            worker.ready, worker.baseline = True, int(message[1])
            self.start_failures = 0
            budget = self.limits.max_memory_mb * 2**20
            if budget > 0 and worker.baseline > 0.8 * budget:
                self.broken = (
                    f"the memory limit of {self.limits.max_memory_mb:,.0f} MB (--max-memory-mb) "
                    f"leaves no room: a worker holds {worker.baseline / 2**20:,.0f} MB idle"
                )
            return True
        if kind == "failed":  # it could not start (imports, or no memory to import in)
            self.broken = str(message[1])
            return False
        _, index, result, retiring = message
        if worker.task is not None and worker.task[0] == index:
            worker.task = None
            out.append((index, result))
        if retiring:  # after a time-out or running out of memory: a fresh process
            self.retire(worker)
            if self.broken is None:
                self.spawn()
        return True

    def _died(self, worker: _Worker, out: list[tuple[int, Result]]) -> None:
        if worker not in self.workers:
            return
        if worker.task is not None:
            index, path = worker.task
            budget = WATCH_SHARE * self.limits.max_memory_mb * 2**20
            if budget > 0 and worker.peak > 0.9 * budget:  # died near its memory limit
                out.append((index, error_record(path, "MemoryError", memory_message(self.limits))))
            else:
                out.append((index, _crashed(path, worker.process.exitcode, self.limits)))
        elif not worker.ready:
            self.start_failures += 1
        self.retire(worker)
        if self.broken is not None:
            return
        if self.start_failures >= 3:
            self.broken = self.broken or (
                f"worker processes die as they start (exit code {worker.process.exitcode})"
            )
            return
        self.spawn()

    def close(self) -> None:
        for worker in list(self.workers):
            self.retire(worker, kill=worker.task is not None)


def _stop(worker: _Worker, *, kill: bool) -> None:
    process = worker.process
    if not kill and process.is_alive():
        try:
            worker.conn.send(None)
        except OSError:
            pass
        process.join(2.0)
    if process.is_alive():
        process.terminate()
        process.join(2.0)
    if process.is_alive():
        process.kill()
        process.join(2.0)
    worker.conn.close()
    try:
        process.close()
    except ValueError:
        pass


def _crashed(path: Path, exitcode: int | None, limits: Limits) -> ErrorRecord:
    how = ""
    if exitcode is not None and exitcode < 0:
        try:
            how = f" (killed by {signal.Signals(-exitcode).name})"
        except ValueError:
            how = f" (killed by signal {-exitcode})"
    elif exitcode:
        how = f" (exit code {exitcode})"
    return error_record(
        path,
        "WorkerCrashed",
        f"the process reading this file died{how}: out of memory, or a crash in a library",
    )


def _on_pool(paths: list[Path], jobs: int, limits: Limits) -> Iterator[Result]:
    """The files on ``jobs`` workers, results in input order through a reorder buffer of
    at most ``REORDER_PER_JOB * jobs`` records."""
    window = REORDER_PER_JOB * jobs
    pool = _Pool(jobs, limits)
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


def _worker_main(conn: multiprocessing.connection.Connection, limits: Limits, parent: int) -> None:
    """A worker: dies with its parent, then reads files one at a time until told to stop."""
    _die_with_parent(parent)
    _fail_fast_when_out_of_memory()
    _silence()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        _serve(conn, limits)
    except BaseException:  # noqa: BLE001 - the parent reports the file; no traceback here
        os._exit(70)


def _fail_fast_when_out_of_memory() -> None:
    """At its memory limit a process with several threads crawls: glibc tries to open a
    new malloc arena on every failed allocation. A worker keeps one arena, and numerical
    libraries imported later start no thread pools of their own (a worker reads one file
    on one core anyway)."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            m_arena_max = -8
            ctypes.CDLL(None).mallopt(m_arena_max, 1)
        except (OSError, AttributeError):
            pass


def _silence() -> None:
    """A worker reports through its pipe only: what a library prints would land in the
    middle of the JSON on standard output, and a crash's dump on the user's terminal,
    where the file's error record already says what went wrong."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
    sys.unraisablehook = _ignore


def _warm_up() -> None:
    """Import the extractors and build the spaCy pipeline: what every file needs once."""
    from samverkan_extract.extractors import extract_agreement  # noqa: F401
    from samverkan_extract.nlp import get_nlp

    get_nlp()


def _serve(conn: multiprocessing.connection.Connection, limits: Limits) -> None:
    try:
        _warm_up()
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which reports it
        conn.send(("failed", f"the worker process cannot start: {exc!r}"[:300]))
        return
    idle = resident()
    conn.send(("ready", idle))
    # A file may allocate what the limit leaves above the idle worker, less the memory
    # the worker has reserved but not yet touched (it becomes resident without a new
    # allocation), so that its resident memory cannot pass the limit; the parent stops
    # a worker whose resident memory nears the limit before it gets there.
    untouched = max(0, status_bytes("VmData") - status_bytes("RssAnon"))
    grow = (limits.max_memory_mb * 2**20 - idle - untouched) / 2**20
    if limits.max_memory_mb > 0:
        limit_memory(max(grow, 1.0))  # for the rest of its life: it ends after running out
    _serve_files(conn, limits)


def _serve_files(conn: multiprocessing.connection.Connection, limits: Limits) -> None:
    while True:
        task = conn.recv()
        if task is None:
            return
        index, path = task
        reset_peak()
        result = blame_memory(extract_one(path, limits), path, limits, limits.max_memory_mb * 2**20)
        retiring = isinstance(result, ErrorRecord) and result.error.type in (
            "Timeout",
            "MemoryError",
        )
        try:
            conn.send(("done", index, result, retiring))
        except (OSError, EOFError):
            raise
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent
            conn.send(("done", index, error_record(path, type(exc).__name__, str(exc)), retiring))
        if retiring:
            os._exit(0)  # at once: after running out of memory, even exiting may fail


def _die_with_parent(parent: int) -> None:
    """Make this process die when its parent does: the Linux parent-death signal, and a
    watchdog thread where there is none (or the parent was already gone)."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            armed = libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(0)
    if armed:
        return  # no thread: a process with one thread fails fast at its memory limit

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="samverkan-parent-watch", daemon=True).start()


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

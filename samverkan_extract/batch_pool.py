"""The batch's own pool of worker processes, its default way to run many files.

Each worker takes one file at a time, so a worker that dies (killed for memory, a crash
inside a library) costs exactly its own file, an error record naming it, and is replaced
at once; a worker stuck past its time limit in code that cannot be interrupted is
killed, and so is one whose resident memory nears its memory limit; workers die with
the parent (Linux parent-death signal, and a watchdog elsewhere). A worker reads a file
with the function the pool is given (the batch's ``extract_one``) and reports through
its pipe only.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samverkan_extract.batch_memory import limit_memory, reset_peak, resident, status_bytes
from samverkan_extract.batch_records import (
    Result,
    blame_memory,
    error_record,
    memory_message,
    timeout_record,
)
from samverkan_extract.limits import Limits
from samverkan_extract.schema import ErrorRecord

# What a worker runs on each file: its record, never an exception (the batch's extract_one).
Extract = Callable[[Path, Limits], Result]

# A worker stuck past its time limit where the limit cannot reach it (inside C code) is
# killed by the parent this many seconds later.
KILL_GRACE_S = 3.0
# A worker is stopped by its parent when its resident memory passes this share of
# --max-memory-mb, before it reaches its allocation limit (which keeps it under the limit
# itself): a process allocating at its limit can crawl for minutes, each failed
# allocation retried by the C allocator, and libraries misreport what failed.
WATCH_SHARE = 0.8


# --- The parent's side ----------------------------------------------------------------


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
class Pool:
    """Worker processes that each read one file at a time with ``extract``, replaced when
    one dies."""

    size: int
    limits: Limits
    extract: Extract
    workers: list[_Worker] = field(default_factory=list)
    start_failures: int = 0
    broken: str | None = None  # why workers cannot start at all

    def __post_init__(self) -> None:
        # Workers are forked where the system can: they start warm, and the parent they
        # watch is this process (under "forkserver", Python 3.14's default on Linux, it
        # would be the fork server).
        methods = multiprocessing.get_all_start_methods()
        self.context = (
            multiprocessing.get_context("fork")
            if "fork" in methods
            else multiprocessing.get_context("spawn")
        )
        for _ in range(self.size):
            self.spawn()

    def spawn(self) -> None:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main,
            args=(child, self.limits, os.getpid(), self.extract),
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
        exitcode = worker.process.exitcode  # read before the process object is closed
        self.retire(worker)
        if self.broken is not None:
            return
        if self.start_failures >= 3:
            self.broken = self.broken or (
                f"worker processes die as they start (exit code {exitcode})"
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


# --- A worker -------------------------------------------------------------------------


def _worker_main(
    conn: multiprocessing.connection.Connection, limits: Limits, parent: int, extract: Extract
) -> None:
    """A worker: dies with its parent, then reads files one at a time until told to stop."""
    _die_with_parent(parent)
    _fail_fast_when_out_of_memory()
    _silence()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        _serve(conn, limits, extract)
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
    sys.unraisablehook = ignore_unraisable


def ignore_unraisable(unraisable: Any) -> None:
    """An error in a finaliser while a file is read (a parser closed after running out of
    memory): the file's own record says what went wrong; no traceback on the terminal."""


def warm_up() -> None:
    """Import the extractors and build the spaCy pipeline: what every file needs once."""
    from samverkan_extract.extractors import extract_agreement  # noqa: F401
    from samverkan_extract.nlp import get_nlp

    get_nlp()


def _serve(conn: multiprocessing.connection.Connection, limits: Limits, extract: Extract) -> None:
    try:
        warm_up()
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
    _serve_files(conn, limits, extract)


def _serve_files(
    conn: multiprocessing.connection.Connection, limits: Limits, extract: Extract
) -> None:
    while True:
        task = conn.recv()
        if task is None:
            return
        index, path = task
        reset_peak()
        result = blame_memory(extract(path, limits), path, limits, limits.max_memory_mb * 2**20)
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

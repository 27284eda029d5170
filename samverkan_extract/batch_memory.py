"""Memory of the process that reads a file: a limit on what it may still allocate
(``--max-memory-mb``), what it holds, and its peak while it reads one file.

Sizes are read from ``/proc`` (Linux): 0 where they cannot be read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def memory_limit_supported() -> bool:
    return sys.platform.startswith("linux") or sys.platform == "darwin"


def resident(pid: int | str = "self") -> int:
    """A process's resident memory in bytes (0 where it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def status_bytes(field: str) -> int:
    """A size from ``/proc/self/status`` in bytes ("VmData", "RssAnon", "VmHWM"); 0 where
    there is none."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _data_size() -> int:
    """This process's private writable memory in bytes (heap and anonymous mappings:
    what ``RLIMIT_DATA`` counts), or its address space where that cannot be read."""
    data = status_bytes("VmData")
    if data:
        return data
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(grow_mb: float) -> Callable[[], None]:
    """Let this process allocate at most ``grow_mb`` more memory: ``RLIMIT_DATA`` on
    Linux (heap and anonymous mappings, not the libraries' code), ``RLIMIT_AS``
    elsewhere. An allocation past it raises ``MemoryError``. Returns what undoes it."""
    if grow_mb <= 0 or not memory_limit_supported():
        return lambda: None
    import resource

    kind = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS
    old = resource.getrlimit(kind)
    soft = _data_size() + int(grow_mb * 2**20)
    for bound in old:
        if bound != resource.RLIM_INFINITY:
            soft = min(soft, bound)
    try:
        resource.setrlimit(kind, (soft, old[1]))
    except (ValueError, OSError):
        return lambda: None
    return lambda: resource.setrlimit(kind, old)


@contextmanager
def memory_limit(grow_mb: float) -> Iterator[None]:
    """``limit_memory`` for the block: the batch turns a ``MemoryError`` in it into the
    file's error record; the previous limit comes back afterwards."""
    undo = limit_memory(grow_mb)
    try:
        yield
    finally:
        undo()


def reset_peak() -> int:
    """Start counting this process's peak resident memory afresh (Linux: clear_refs);
    returns what it holds now."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass
    return resident()


def peak_resident() -> int:
    return status_bytes("VmHWM")

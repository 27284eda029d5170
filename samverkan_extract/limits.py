"""The guards against inputs that would hang or exhaust the machine, as one value.

A ``Limits`` is passed down from the caller (``extract(path, limits=...)``, the batch,
the command line) to every reader; nothing keeps it in module state, so one call's
limits never leak into the next.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How much time, size and memory one file may take."""

    seconds_per_file: float = 120.0
    max_file_mb: float = 200.0
    max_pages: int = 500
    max_unpacked_mb: float = 200.0
    # Plain text is read and analysed in full, so its limits are far lower than a PDF's
    # (whose size is mostly images): an agreement is some tens of KB of text.
    max_text_mb: float = 2.0
    max_chars: int = 1_000_000
    # The memory a worker process may hold while it reads a file (resident, the ~110 MB
    # it holds idle included), so that a hostile file costs one error record, not the
    # machine: 1,500 MB per worker leaves room for two workers and the rest of a small
    # machine. The worker cannot allocate past it, and is stopped when it passes 80 % of
    # it. Run in the calling process (one core, one file), the process may allocate this
    # much more per file instead. 0 switches the guard off.
    max_memory_mb: float = 1500.0


DEFAULT_LIMITS = Limits()

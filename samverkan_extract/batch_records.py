"""What a batch gives for each file: its ``Agreement``, or an ``ErrorRecord`` naming the
file and the problem in one line; a failure near the memory limit is blamed on it.
"""

from __future__ import annotations

from pathlib import Path

from samverkan_extract.batch_memory import memory_limit_supported, peak_resident
from samverkan_extract.limits import Limits
from samverkan_extract.schema import Agreement, ErrorInfo, ErrorRecord

Result = Agreement | ErrorRecord


def error_record(path: Path | str, kind: str, message: str) -> ErrorRecord:
    """The error record; its message is one line, since the CLI prints one per file."""
    message = " ".join(message.split()) or kind
    return ErrorRecord(error=ErrorInfo(path=str(path), type=kind, message=message))


def timeout_record(path: Path | str, limits: Limits) -> ErrorRecord:
    return error_record(
        path, "Timeout", f"took longer than {limits.seconds_per_file:g} s (limit per file)"
    )


def memory_message(limits: Limits) -> str:
    if limits.max_memory_mb > 0 and memory_limit_supported():
        return (
            f"ran out of memory: over the limit of {limits.max_memory_mb:,.0f} MB (--max-memory-mb)"
        )
    return "ran out of memory reading the file"


def blame_memory(result: Result, path: Path, limits: Limits, ceiling: float) -> Result:
    """A file that failed when its process had reached its memory limit ran out of
    memory, whatever the library said (near the limit, ``regex`` reports "invalid RE
    code" and libxml2 a syntax error)."""
    if (
        limits.max_memory_mb > 0
        and isinstance(result, ErrorRecord)
        and result.error.type not in ("Timeout", "MemoryError")
        and peak_resident() > ceiling - 0.25 * limits.max_memory_mb * 2**20
    ):
        return error_record(path, "MemoryError", memory_message(limits))
    return result

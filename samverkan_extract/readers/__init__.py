"""Readers: one per format, each returning the same ``Document``."""

from __future__ import annotations

from pathlib import Path

from samverkan_extract.document import Document
from samverkan_extract.errors import InputError, UnsupportedFormatError

SUPPORTED_SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
    ".docx": "docx",
}


_LIMITS: list[object] = []


def set_limits(limits: object) -> None:
    """The batch's size and page limits, read by the readers of this process."""
    _LIMITS[:] = [limits]


def current_limits():  # type: ignore[no-untyped-def]
    from samverkan_extract.batch import DEFAULT_LIMITS

    return _LIMITS[0] if _LIMITS else DEFAULT_LIMITS


def detect_format(path: Path) -> str:
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        if path.suffix.lower() == ".doc":
            raise UnsupportedFormatError(path, "old Word .doc format: convert it to .docx")
        raise UnsupportedFormatError(
            path,
            f"unsupported file type {path.suffix or '(no extension)'!r}: "
            "expected .pdf, .docx, .txt or .md",
        )
    return fmt


def check_readable(path: Path) -> None:
    """Turn the ways a path can fail to be a file into one clear error each."""
    if not path.exists():
        if path.is_symlink():
            raise InputError(path, "broken or looping symbolic link")
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a directory, not a file")
    if not path.is_file():
        raise InputError(path, "not a regular file")


def read_document(path: str | Path) -> Document:
    """Read any supported file into a ``Document``; raises ``InputError`` on bad input."""
    path = Path(path)
    check_readable(path)
    fmt = detect_format(path)
    limits = current_limits()
    size_mb = path.stat().st_size / 1e6
    if size_mb > limits.max_file_mb:
        raise InputError(
            path, f"file is {size_mb:.0f} MB, over the {limits.max_file_mb:g} MB limit"
        )
    try:
        if fmt == "pdf":
            from samverkan_extract.readers.pdf import read_pdf

            return read_pdf(path)
        if fmt == "docx":
            from samverkan_extract.readers.docx import read_docx

            return read_docx(path)
        from samverkan_extract.readers.text import read_text

        return read_text(path, fmt)
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None

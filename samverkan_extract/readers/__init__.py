"""Readers: one per format, each returning the same ``Document``."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import regex

from samverkan_extract.document import Document
from samverkan_extract.errors import InputError, UnsupportedFormatError
from samverkan_extract.readers.common import check_zip_archive

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


def check_readable(path: Path) -> os.stat_result:
    """Turn the ways a path can fail to be a readable file into one clear error each."""
    try:
        st = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(
                path, "symbolic link loop (following the links never reaches a file)"
            ) from None
        if path.is_symlink():
            target = os.readlink(path)
            raise InputError(
                path, f"broken symbolic link (its target {target} does not exist)"
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError(path, "no such file") from None
        if exc.errno == errno.EACCES:
            raise InputError(path, "permission denied (a folder on the path is closed)") from None
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "not a regular file (a device, pipe or socket)")
    # Nobody may read a file without read bits, root included: the same outcome for
    # every user, and a file locked this way was not meant to be read.
    if not st.st_mode & 0o444 or not os.access(path, os.R_OK):
        mode = stat.S_IMODE(st.st_mode)
        raise InputError(path, f"permission denied (no read permission, mode {mode:03o})")
    return st


def read_document(path: str | Path) -> Document:
    """Read any supported file into a ``Document``; raises ``InputError`` on bad input."""
    path = Path(path)
    st = check_readable(path)
    fmt = detect_format(path)
    limits = current_limits()
    size_mb = st.st_size / 1e6
    if size_mb > limits.max_file_mb:
        raise InputError(
            path, f"file is {_mb(size_mb)} MB, over the {limits.max_file_mb:g} MB limit"
        )
    if fmt in ("txt", "md") and size_mb > limits.max_text_mb:
        raise InputError(
            path,
            f"text file is {_mb(size_mb)} MB, over the {limits.max_text_mb:g} MB limit for "
            ".txt/.md (an agreement is a few hundred KB at most)",
        )
    try:
        document = _read(path, fmt, limits)
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
    if len(document.text) > limits.max_chars:
        raise InputError(
            path,
            f"text is {len(document.text):,} characters, over the limit of "
            f"{limits.max_chars:,} (an agreement is far shorter)",
        )
    return document


def _mb(size_mb: float) -> str:
    return f"{size_mb:.0f}" if size_mb >= 10 else f"{size_mb:.1f}"


def _read(path: Path, fmt: str, limits) -> Document:  # type: ignore[no-untyped-def]
    if fmt == "pdf":
        from samverkan_extract.readers.pdf import read_pdf

        try:
            document = read_pdf(path)
        except InputError as exc:
            if exc.problem.startswith("not a readable PDF") and _pdf_truncated(path):
                detail = exc.problem.removeprefix("not a readable PDF").strip()
                raise InputError(
                    path, f"truncated PDF: the file stops before its %%EOF end marker {detail}"
                ) from None
            raise
        if _pdf_truncated(path):
            document.warnings.append(
                "the PDF stops before its %%EOF end marker: it may be truncated"
            )
        return document
    if fmt == "docx":
        from samverkan_extract.readers.docx import read_docx

        check_zip_archive(path, float(limits.max_unpacked_mb))
        return read_docx(path)
    from samverkan_extract.readers.text import read_text

    document = read_text(path, fmt)
    if _looks_like_html(path):
        document.warnings.append(
            "an HTML page, not plain text: tags were stripped, but menus, scripts and "
            "styles may have been read as text"
        )
    return document


def _pdf_truncated(path: Path) -> bool:
    """A PDF ends with %%EOF (give or take trailing junk); a cut-off download does not."""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 2048))
        return b"%%EOF" not in fh.read()


_HTML_START = regex.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
    regex.I | regex.S,
)


def _looks_like_html(path: Path) -> bool:
    with path.open("rb") as fh:
        return bool(_HTML_START.match(fh.read(4096)))

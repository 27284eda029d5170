"""Readers: one per format, each returning the same ``Document``.

Each format is a ``Reader`` (``readers/common.py``) declared by its own module: the
suffixes it claims and a ``read(path, limits)`` that also owns the checks of what a file
really is (a PDF's end marker, an HTML page saved as text, a zip bomb in a .docx). This
module picks the reader by suffix and applies what is the same for all: the file must be
a readable regular file within the size limit, and its text within the character limit;
a file name that is not UTF-8 is carried with a warning (``output.name_warning``), no
control character reaches the record's text, whichever reader let it through, and the
blocks that are a web page's chrome are dropped (``readers.boilerplate``), and numbered
titles typed at the head of a paragraph become headings (``readers.titles``).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import regex

from samverkan_extract.document import Document
from samverkan_extract.errors import InputError, UnsupportedFormatError
from samverkan_extract.limits import DEFAULT_LIMITS, Limits
from samverkan_extract.output import name_warning
from samverkan_extract.readers.boilerplate import drop_chrome_blocks
from samverkan_extract.readers.common import Reader, controls_warning, file_kind, mb
from samverkan_extract.readers.docx import DOCX_READER
from samverkan_extract.readers.pdf import PDF_READER
from samverkan_extract.readers.text import MARKDOWN_READER, TEXT_READER
from samverkan_extract.readers.titles import split_numbered_titles

# Control characters no record may carry: C0 and C1 but tab and line feed (a reader turns
# the breaks among them into line feeds; what is left here is replaced by spaces).
_CONTROL = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# The formats read, each owning its suffixes and its own checks of what a file really is.
READERS: tuple[Reader, ...] = (TEXT_READER, MARKDOWN_READER, PDF_READER, DOCX_READER)
SUPPORTED_SUFFIXES = {suffix: r.format for r in READERS for suffix in r.suffixes}


def reader_for(path: Path) -> Reader:
    """The reader that claims the file's suffix, or an error naming what it is."""
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.suffixes:
            return reader
    if suffix == ".doc":
        raise UnsupportedFormatError(path, "old Word .doc format: convert it to .docx")
    raise UnsupportedFormatError(
        path,
        f"unsupported file type {path.suffix or '(no extension)'!r}: "
        "expected .pdf, .docx, .txt or .md",
    )


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
        raise InputError(path, f"not a regular file ({file_kind(st.st_mode)})")
    # Nobody may read a file without read bits, root included: the same outcome for
    # every user, and a file locked this way was not meant to be read.
    if not st.st_mode & 0o444 or not os.access(path, os.R_OK):
        mode = stat.S_IMODE(st.st_mode)
        raise InputError(path, f"permission denied (no read permission, mode {mode:03o})")
    return st


def read_document(path: str | Path, limits: Limits | None = None) -> Document:
    """Read any supported file into a ``Document``; raises ``InputError`` on bad input."""
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    st = check_readable(path)
    reader = reader_for(path)
    size_mb = st.st_size / 1e6
    if size_mb > limits.max_file_mb:
        raise InputError(
            path, f"file is {mb(size_mb)} MB, over the {limits.max_file_mb:g} MB limit"
        )
    try:
        document = reader.read(path, limits)
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
    warning = name_warning(path)
    if warning:
        document.warnings.append(warning)
    return split_numbered_titles(drop_chrome_blocks(_without_controls(document)))


def _without_controls(document: Document) -> Document:
    """The last guard: a control character any reader let through becomes a space (the
    same length, so every offset stays where it was), with a warning."""
    found = len(_CONTROL.findall(document.text))
    if found:
        document.text = _CONTROL.sub(" ", document.text)
        document.warnings.append(controls_warning(found))
    return document

"""Writing output files atomically: a temporary file, then a rename, so an interrupted
run leaves the previous file or none, never half of one; and text every writer can carry
(file names that are not UTF-8, control characters, formulas).

The file gets the permissions an ordinary ``open(path, "w")`` would give it: the mode of
the file it replaces, or for a new file ``0o666`` less the process umask (not the
``0o600`` of ``tempfile.mkstemp``). A file that cannot be written is an ``OutputError``
naming the file and the reason, never a traceback.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from samverkan_extract.errors import OutputError, OutputWarning

# --- File names -------------------------------------------------------------------------


def name_warning(path: str | os.PathLike[str]) -> str | None:
    """What the record of a file should say about its name: one that is not valid UTF-8
    (a Latin-1 name from a Windows zip) is kept losslessly, its bytes as Python's
    surrogate escapes (U+DC80-U+DCFF), which every writer escapes in turn; None for a
    name that is plain UTF-8 text."""
    name = os.fspath(path)
    if SURROGATES.search(name):
        return (
            "the file name is not valid UTF-8: source.path keeps its bytes (as surrogate "
            "escapes; written as \\udcNN in JSON and \\xNN in tables and reports)"
        )
    if CONTROL_CHARACTERS.search(name):
        return "the file name holds control characters (replaced in tables and reports)"
    return None


# --- Atomic files -------------------------------------------------------------------------


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _create_temp(target: Path) -> tuple[Path, int]:
    """A new empty file beside ``target``, created with mode 0o666 so that the kernel
    applies the umask exactly as for ``open()``; returns it and the mode it got."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            mode = stat.S_IMODE(os.fstat(fd).st_mode)
        finally:
            os.close(fd)
        return tmp, mode
    raise FileExistsError(f"no free temporary name beside {target}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto it only when the block succeeds."""
    target = Path(target)
    if target.is_dir():
        raise OutputError(target, "is a directory")
    for folder in target.parents:
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(target, f"{folder} is a file, not a folder")
            break
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp, mode = _create_temp(target)
    except OSError as exc:
        raise OutputError(target, _reason(exc)) from None
    try:
        if target.is_file():
            mode = stat.S_IMODE(target.stat().st_mode)  # replacing a file keeps its mode
        try:
            yield tmp
            os.chmod(tmp, mode)  # a writer may have recreated the file with its own mode
            _fsync(tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(target, _reason(exc)) from None
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(target: Path, text: str, encoding: str = "utf-8") -> None:
    """Text written atomically as UTF-8; lone surrogates (a file name that was not UTF-8)
    are written as ``\\xNN`` rather than failing half-way."""
    with atomic_path(target) as tmp:
        tmp.write_text(escape_surrogates(text), encoding=encoding)


def atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    with atomic_path(target) as tmp:
        write(tmp)


# --- text every writer can carry ------------------------------------------------------------

#: C0 controls other than tab, line feed and carriage return, DEL and the C1 controls: XML
#: (so XLSX and REFI-QDA) cannot hold them, and in a CSV or a report they only do harm.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Lone surrogates: a file name that was not valid UTF-8, decoded by Python with
#: ``surrogateescape`` (U+DC80-U+DCFF stand for its bytes). No UTF-8 output can hold them.
SURROGATES = re.compile(r"[\ud800-\udfff]")
#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"


def _surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return REPLACEMENT


def escape_surrogates(text: str) -> str:
    """A file name's undecodable bytes written as ``\\xNN`` (as ``repr`` shows them),
    so the text is valid UTF-8 and still says which bytes they were."""
    return SURROGATES.sub(_surrogate, text) if SURROGATES.search(text) else text


class Cleaner:
    """Makes text safe for a writer and counts what it changed: undecodable bytes of file
    names escaped (``\\xNN``), control characters replaced by U+FFFD (one character for
    one, so evidence offsets into the text still hold) and, for spreadsheets, a value that
    would start a formula prefixed with ``'`` (OWASP)."""

    def __init__(self, *, controls: bool = True, formulas: bool = False) -> None:
        self.controls = controls
        self.formulas = formulas
        self.replaced = 0
        self.neutralised = 0

    def __call__(self, text: str) -> str:
        text = escape_surrogates(text)
        if self.controls and CONTROL_CHARACTERS.search(text):
            text, n = CONTROL_CHARACTERS.subn(REPLACEMENT, text)
            self.replaced += n
        if self.formulas and text.startswith(FORMULA_STARTS):
            self.neutralised += 1
            text = "'" + text
        return text

    def warn(self, where: object) -> None:
        """A warning saying what was changed, if anything was."""
        if self.replaced:
            warnings.warn(
                f"{where}: {self.replaced} control character(s) replaced by U+FFFD",
                OutputWarning,
                stacklevel=3,
            )


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) whose lone surrogates are
    written as ``\\udcNN`` escapes: valid UTF-8, and it loads back to the same value."""
    if not SURROGATES.search(text):
        return text
    return SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

"""What every output needs: file names as text any output can carry (``path_text``),
and output files written atomically: a temporary file, then a rename, so an interrupted
run leaves the previous file or none, never half of one.

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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from samverkan_extract.errors import OutputError

# --- File names as text ------------------------------------------------------------------

# Characters a file name may hold that no output should carry raw: C0 and C1 controls.
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def path_text(path: str | os.PathLike[str]) -> tuple[str, bool]:
    """A path as text every output can carry, and whether it had to be escaped.

    A name that is valid UTF-8 without control characters is returned as it is. Any
    other (a Latin-1 name from a Windows zip, a name with an escape character) is
    escaped losslessly: each byte that is not UTF-8 as ``\\xNN``, each control
    character as ``\\uNNNN`` and each backslash doubled, so the bytes can be recovered.
    """
    raw = os.fsencode(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _NAME_CONTROL.search(text):
            return text, False
    escaped = raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")
    return _NAME_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped), True


PATH_WARNING = (
    "the file name is not valid UTF-8 or holds control characters: source.path shows "
    "those bytes as \\xNN (and control characters as \\uNNNN) escapes"
)


# --- Atomic files -------------------------------------------------------------------------


def is_one_of(target: Path, paths: Iterable[Path]) -> bool:
    """Whether writing ``target`` would replace one of ``paths`` (the same file, by any
    name): an output must never overwrite an input."""
    try:
        st = target.stat()
    except OSError:
        return False
    for path in paths:
        try:
            other = path.stat()
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            return True
    return False


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


def atomic_write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    with atomic_path(target) as tmp:
        write(tmp)

"""Writing output files atomically: a temporary file, then a rename, so an interrupted
run leaves the previous file or none, never half of one.

The file gets the permissions an ordinary ``open(path, "w")`` would give it: the mode of
the file it replaces, or for a new file ``0o666`` less the process umask (not the
``0o600`` of ``tempfile.mkstemp``). A file that cannot be written is an ``OutputError``
naming the file and the reason, never a traceback.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from samverkan_extract.errors import OutputError


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

"""What every reader shares: the ``Reader`` entry each format declares, and the guesses
all formats make the same way (page numbers, list markers, columns set apart by tabs or
runs of spaces)."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NoReturn

import regex

from samverkan_extract.document import Document, is_hyphenated
from samverkan_extract.errors import InputError
from samverkan_extract.knowledge import knowledge
from samverkan_extract.limits import Limits


@dataclass(frozen=True)
class Reader:
    """One format: its name in the contract, the suffixes it claims, and the function that
    reads a file of it (raising ``InputError`` for one it cannot read)."""

    format: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, Limits], Document]


# Bullets every reader takes for a list marker: round and square ones, and the
# private-use glyphs of the Symbol and Wingdings fonts that Word and PDFs draw them with.
BULLETS = "•●▪■◦○‣⁃∙·\uf0b7\uf0a7\uf076\uf0d8\uf0fc"
# Dashes that open a list item when they stand apart before its text.
DASHES = "-–—"

_PAGE_NUMBER = regex.compile(
    r"""^(?:
        (?:sida|sid|s\.|page)\s*\d{1,4}(?:\s*(?:av|\(|/|of)\s*\d{1,4}\)?)?
      | [-–—]?\s*\d{1,3}\s*[-–—]?
      | \d{1,4}\s*(?:\(\d{1,4}\)|/\s*\d{1,4}|av\s+\d{1,4})
    )$""",
    regex.I | regex.X,
)


# --- Reading a file once ---------------------------------------------------------------


def file_kind(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def read_snapshot(path: Path, max_bytes: int, too_big: Callable[[int], NoReturn]) -> bytes:
    """The file's bytes, read once through one open file: what every later check and the
    parse see is one snapshot, even if the file changes meanwhile.

    The file is opened without blocking (a path swapped for a named pipe after it was
    checked does not hang the reader), must still be a regular file, and is read up to
    ``max_bytes``: ``too_big(size)`` is called (and must raise) when its size says it is
    larger, before a byte is read, or when it grew past the limit while being read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(path, f"not a regular file ({file_kind(st.st_mode)})")
        if st.st_size > max_bytes:
            too_big(st.st_size)
        chunks, total = [], 0
        while True:
            try:
                chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            except BlockingIOError:  # pragma: no cover - regular files do not block
                continue
            except OSError as exc:
                if exc.errno == errno.EISDIR:
                    raise IsADirectoryError(str(exc)) from None
                raise
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                too_big(total)
        return b"".join(chunks)
    finally:
        os.close(fd)


# --- Control characters in text -----------------------------------------------------------

# Breaks written as control characters: vertical tab (Word's line break when text is
# pasted), next line, and the Unicode line and paragraph separators. A form feed is a page
# break, which each reader keeps in its own way.
LINE_BREAKS = str.maketrans({"\v": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
# C0 and C1 control characters that are not text (tab, line feed, carriage return and
# form feed are layout; the breaks above are turned into line feeds first).
CONTROL_CHARS = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


# A terminal's escape sequence (colour, cursor): dropped whole, not only its ESC.
_ANSI_SEQUENCE = regex.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def drop_controls(text: str) -> tuple[str, int]:
    """``text`` with line-break controls as line feeds and other controls dropped (a
    terminal escape sequence whole); and how many were dropped."""
    text = text.translate(LINE_BREAKS)
    text, sequences = _ANSI_SEQUENCE.subn("", text)
    dropped = len(CONTROL_CHARS.findall(text))
    if dropped:
        text = CONTROL_CHARS.sub("", text)
    return text, dropped + sequences


def controls_warning(count: int) -> str:
    return f"dropped {count} control character(s) that are not text (such as BEL or ESC)"


# --- Columns set apart by tabs or runs of spaces -------------------------------------------

# Columns laid out with tabs or runs of spaces (signature blocks side by side, a party
# table in a text dump, lines typed in Word with tabs between): "Anna Berg<TAB>Per Holm".
COLUMN_GAP = regex.compile(r"\t+|[ \u00a0]{3,}")
COLUMN_CELL_MAX = 50


def column_cells(line: str) -> list[tuple[int, str]] | None:
    """A line's cells with their start positions, if it is laid out in columns."""
    if not COLUMN_GAP.search(line.strip()):
        return None
    cells, pos = [], 0
    for part in COLUMN_GAP.split(line):
        if part.strip():
            cells.append((line.index(part, pos) + len(part) - len(part.lstrip()), part.strip()))
        pos = line.index(part, pos) + len(part)
    if len(cells) < 2 or any(len(c) > COLUMN_CELL_MAX for _, c in cells):
        return None
    return cells


def column_runs(lines: list[str]) -> dict[int, tuple[int, list[list[str]]]]:
    """Runs of two or more column lines (blank lines between allowed), as tables keyed by
    their first line: (index after the run, rows). Tab-separated cells are placed by
    their order; space-aligned cells by their position under the widest line's cells. A
    cell's text wrapped onto the next line alone, starting under the cell, goes on in
    that cell ("Kommundirektörerna och lokalpolis-" / "områdeschefen")."""
    runs: dict[int, tuple[int, list[list[str]]]] = {}
    i = 0
    while i < len(lines):
        if column_cells(lines[i]) is None:
            i += 1
            continue
        j, members = i, []
        more: dict[int, list[tuple[int, str]]] = {}  # a member's wrapped cell text: (start, text)
        while j < len(lines) and (not lines[j].strip() or column_cells(lines[j]) is not None):
            if lines[j].strip():
                members.append(lines[j])
            j += 1
            while j < len(lines) and members:
                start = _continued_cell(members[-1], lines[j])
                if start is None:
                    break
                more.setdefault(len(members) - 1, []).append((start, lines[j].strip()))
                j += 1
        while j > i and not lines[j - 1].strip():
            j -= 1
        if len(members) >= 2:
            rows = column_rows(members)
            anchors = _anchors(members)
            for n, wraps in more.items():
                for start, words in wraps:
                    col = _column_at(anchors, start) if anchors else 0
                    rows[n][col] = _joined(rows[n][col], words)
            runs[i] = (j, rows)
        i = max(j, i + 1)
    return runs


def _continued_cell(row: str, line: str) -> int | None:
    """Where the cell of ``row`` starts that ``line`` goes on, or None. The first cell
    goes on only where it cannot end as it does ("Polismyndigheten, lokalpolisområde" /
    "Sandviken"); a later cell where the line starts under it (a prose line never starts
    that far in)."""
    cells = column_cells(row)
    if not cells or not line.strip() or column_cells(line) is not None:
        return None
    if len(line.strip()) > COLUMN_CELL_MAX:
        return None
    indent = len(line) - len(line.lstrip())
    first_start, first = cells[0]
    if abs(indent - first_start) <= 2:
        words = first.split()
        open_end = first.endswith(",") or (
            words[-1].casefold() in knowledge().vocabulary["layout"]["open_endings"]
        )
        return first_start if open_end else None
    for start, _ in cells[1:]:
        if abs(indent - start) <= 1:
            return start
    return None


def _joined(cell: str, words: str) -> str:
    """A cell's text and its wrapped words: a word broken at a hyphen is joined again
    ("lokalpolis-" / "områdeschefen"), a compound keeps its hyphen ("SSPF-" / "gruppen")."""
    if is_hyphenated(cell, words):
        return f"{cell[:-1]}{words}"
    if cell.endswith("-") and words[:1].islower():
        return f"{cell}{words}"
    return f"{cell} {words}".strip()


def _anchors(members: list[str]) -> list[int]:
    """Where the widest line's cells start (none for tab-separated lines)."""
    if any("\t" in m for m in members):
        return []
    cells = [column_cells(m) or [] for m in members]
    return [start for start, _ in max(cells, key=len)]


def _column_at(anchors: list[int], start: int) -> int:
    return max((k for k, a in enumerate(anchors) if a <= start + 2), default=0)


def column_rows(members: list[str]) -> list[list[str]]:
    """The rows of a run of column lines, each as many cells wide as the widest line. A
    space-aligned cell running over a column's start with two spaces before it is two
    cells ("Kungsörs trygghetsråd  Kungsörs kommun och polisen")."""
    cells = [column_cells(m) or [] for m in members]
    width = max(len(c) for c in cells)
    if any("\t" in m for m in members):
        return [[text for _, text in row] + [""] * (width - len(row)) for row in cells]
    anchors = _anchors(members)
    rows = []
    for row in cells:
        out = [""] * width
        for start, text in _split_at(row, anchors):
            col = _column_at(anchors, start)
            out[col] = f"{out[col]} {text}".strip()
        rows.append(out)
    return rows


def _split_at(row: list[tuple[int, str]], anchors: list[int]) -> list[tuple[int, str]]:
    out = []
    for start, text in row:
        cut = 0
        for a in anchors:
            k = a - start
            if cut + 2 < k < len(text) and text[k - 2 : k] == "  " and text[k] != " ":
                out.append((start + cut, text[cut:k].strip()))
                cut = k
        out.append((start + cut, text[cut:].strip()))
    return out


def mb(size_mb: float) -> str:
    """A size in MB as a message gives it: "12", "1.5"."""
    return f"{size_mb:.0f}" if size_mb >= 10 else f"{size_mb:.1f}"


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_page_number(line: str) -> bool:
    """'Sida 2 av 5', '- 3 -', '4 (7)', '12': a page number line, never content."""
    line = line.strip()
    return bool(line) and len(line) <= 20 and bool(_PAGE_NUMBER.match(line))


# --- Zip archives (.docx) -----------------------------------------------------------------

_ZIP_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CHUNK = 1 << 20


def check_zip_archive(path: Path, max_unpacked_mb: float, data: bytes | None = None) -> None:
    """Refuse a zip archive (a .docx) that really unpacks to more than ``max_unpacked_mb``,
    whatever its headers claim, and one whose main document part is missing.

    The members are inflated chunk by chunk and thrown away, so a zip bomb costs at most
    the limit in time and one chunk in memory, and a forged header (a member claiming to
    be 1 KB that unpacks to gigabytes) is caught by counting, not trusted. An archive
    that zipfile cannot open at all is left to the reader, which names what it is.
    ``data``, when given, is the file's bytes as the reader read them (one snapshot).
    """
    limit = int(max_unpacked_mb * 1e6)
    try:
        source: BinaryIO = io.BytesIO(data) if data is not None else path.open("rb")
        with source as fh, zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limit:
                raise InputError(
                    path,
                    f"unpacks to {declared / 1e6:.0f} MB, over the {max_unpacked_mb:g} MB "
                    "limit (zip bomb guard)",
                )
            total = 0
            for info in infos:
                total += _unpacked_size(fh, info, limit - total)
                if total > limit:
                    raise InputError(
                        path,
                        f"unpacks to more than {max_unpacked_mb:g} MB although its headers "
                        f"claim {_size(declared)} (zip bomb guard)",
                    )
            _check_main_part(path, archive, {i.filename for i in infos})
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, EOFError):
        return  # not a zip, or a damaged one: the reader says which
    except (ValueError, NotImplementedError, RuntimeError):
        return  # encrypted members, unknown compression: the reader's message


def _size(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} KB"


def _unpacked_size(fh: BinaryIO, info: zipfile.ZipInfo, budget: int) -> int:
    """What one member really inflates to, counted up to just over ``budget`` bytes."""
    if info.is_dir() or info.compress_type == zipfile.ZIP_STORED:
        return int(info.compress_size)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        return int(info.file_size)  # zipfile checks these against their CRC on reading
    fh.seek(info.header_offset)
    header = _ZIP_LOCAL_HEADER.unpack(fh.read(_ZIP_LOCAL_HEADER.size))
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    fh.seek(header[-2] + header[-1], 1)  # the name and the extra field
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    left, total = info.compress_size, 0
    while left > 0 and total <= budget:
        chunk = fh.read(min(_CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
        total += len(inflate.decompress(chunk, _CHUNK))
        while inflate.unconsumed_tail and total <= budget:
            total += len(inflate.decompress(inflate.unconsumed_tail, _CHUNK))
    return total


def _check_main_part(path: Path, archive: zipfile.ZipFile, names: set[str]) -> None:
    """A package whose relationships name a main document that is not in the archive."""
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        return
    if archive.getinfo("_rels/.rels").file_size > _CHUNK:
        return
    rels = archive.read("_rels/.rels").decode("utf-8", "replace")
    for m in regex.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group()
        if not regex.search(r'Type="[^"]*/officeDocument"', tag):
            continue
        target = regex.search(r'Target="/?([^"]+)"', tag)
        if target and target.group(1) not in names:
            raise InputError(
                path, f"not a readable .docx (its main part {target.group(1)} is missing)"
            )

"""The format-neutral document every reader returns and every extractor reads.

A reader hands raw blocks (a kind and the lines of text it saw) to ``DocumentBuilder``;
the builder normalises them once (whitespace folded, hyphenation joined, prose lines
reflowed) and records where each block sits in the one normalised text, so that every
evidence offset later points into the same string.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

import regex

# Patterns used in the functions below, compiled once.
_WORD = regex.compile(r"\w+")

BlockKind = Literal[
    "heading", "label", "paragraph", "list_item", "table_cell", "signature", "header", "footer"
]
# A label is a short line that introduces what follows ("Kommunen:" over a list): it
# heads a section like a heading, but never closes the section it stands in.
HEADING_KINDS = ("heading", "label")
BBox = tuple[float, float, float, float]

BLOCK_SEPARATOR = "\n\n"

# A line at least this long is taken as wrapped prose, so the break after it is soft.
PROSE_LINE_LENGTH = 40
# Words after a line-end hyphen that show the hyphen is real ("för- och nackdelar").
_KEEP_HYPHEN_BEFORE = {"och", "eller", "samt", "resp", "respektive", "till"}
_SPACES = regex.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = regex.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
# How a heading or an item is numbered: "4", "4.2", "3)", "IV.", "B.", "a)", "§ 3".
NUMBERING = regex.compile(
    r"(?P<arabic>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?(?=\s)"
    r"|(?P<roman>[IVXL]{1,5})\.(?=\s)"
    r"|(?P<letter>\p{L})[.)](?=\s)"
    r"|(?P<para>§)\s?\d{1,3}\.?(?=\s)"
)


@dataclass(frozen=True)
class Block:
    """A stretch of the normalised text with its layout: kind, page, box, table cell."""

    kind: BlockKind
    start: int
    end: int
    page: int | None = None
    bbox: BBox | None = None
    level: int = 0
    table: int | None = None
    row: int | None = None
    col: int | None = None
    depth: int = 0  # a list item's nesting: 0 for the outer list, 1 for items under it
    # The list marker the reader removed ("•", "1.", "a)"), for list items.
    marker: str | None = None
    # The numbering a heading or item opens with and keeps in the text ("4.2", "IV.",
    # "§ 3"), found once by ``readers.common.numbering``.
    numbering: str | None = None

    @property
    def content_start(self) -> int:
        """Where the block's own words start, after its numbering."""
        return self.start + len(self.numbering) + 1 if self.numbering else self.start


@dataclass
class Document:
    """Normalised text plus its blocks and facts about the source file."""

    text: str
    blocks: list[Block]
    path: str
    format: str
    sha256: str
    pages: int | None = None
    ocr: bool = False
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [b.start for b in self.blocks]

    def block_at(self, offset: int) -> Block | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.blocks[i].start <= offset <= self.blocks[i].end:
            return self.blocks[i]
        return None

    def page_at(self, offset: int) -> int | None:
        block = self.block_at(offset)
        if block is not None:
            return block.page
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.blocks[i].page if i >= 0 else None

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]


def numbering(text: str) -> str | None:
    """The numbering ``text`` opens with, if any ("2.1 Giltighetstid" gives "2.1")."""
    m = NUMBERING.match(text)
    return m.group() if m else None


def after_numbering(text: str, start: int = 0, end: int | None = None) -> int:
    """Where the words start after the numbering at ``start`` and the spaces after it;
    ``start`` itself when nothing is numbered there."""
    end = len(text) if end is None else end
    m = NUMBERING.match(text, start, end)
    if m is None:
        return start
    pos = m.end()
    while pos < end and text[pos] in " \t":
        pos += 1
    return pos


def numbering_kind(number: str) -> tuple[str, int]:
    """What kind of numbering it is and how deep: ("arabic", 1) for "2.1", ("roman", 0)
    for "IV.", ("letter", 0) for "B.", ("para", 0) for "§ 3"."""
    m = NUMBERING.match(number + " ")
    if m is None:
        raise ValueError(f"not a numbering: {number!r}")
    if m.group("arabic"):
        return "arabic", m.group("arabic").count(".")
    kind = next(k for k in ("roman", "letter", "para") if m.group(k))
    return kind, 0


def clean_line(line: str) -> str:
    """Fold spaces and drop invisible characters; keep everything else as written."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


# A line that opens with a label ("Datum: 2024-05-02", "Ort:") starts a line of its own.
LABEL_LINE = regex.compile(r"\p{Lu}[\p{L} ]{0,20}:(?:\s|$)")


def join_lines(
    lines: list[str], *, keep_breaks: bool = False, wrap_width: int | None = None
) -> str:
    """Join the lines of one block: hyphenation joined, wrapped prose reflowed.

    A break after a long line is a wrap (a space); after a short line it is kept, since
    short lines carry layout (a name over a title). ``keep_breaks`` keeps every break.
    ``wrap_width``, the width the text was wrapped at, sharpens "long": a break is a wrap
    only where the next word would not have fitted on the line above.
    """
    out = ""
    for line in (clean_line(x) for x in lines):
        if not line:
            continue
        if not out:
            out = line
            continue
        prev_len = len(out) - out.rfind("\n") - 1
        if is_hyphenated(out, line):
            out = out[:-1] + line
        elif _hyphen_kept(out, line):
            out += line  # "SSPF-" / "gruppen": the compound keeps its hyphen
        elif (
            keep_breaks
            or prev_len < PROSE_LINE_LENGTH
            or out[-1] in ".:;!?"
            or LABEL_LINE.match(line)
            or (wrap_width is not None and prev_len + 1 + len(line.split()[0]) < 0.85 * wrap_width)
        ):
            out += "\n" + line
        else:
            out += " " + line
    return out


def _hyphen_kept(before: str, after: str) -> bool:
    return (
        len(before) >= 3
        and before[-1] == "-"
        and before[-2].isalnum()
        and not before[-2].islower()
        and after[:1].islower()
    )


def is_hyphenated(before: str, after: str) -> bool:
    """Whether a hyphen at a line end splits one word. It does not after a capital or a
    digit ("SSPF-" / "gruppen" is "SSPF-gruppen"), nor before "och", "eller" ("barn- och
    ungdomsnämnden"); before "samt" only a word that ends in a joining "s" keeps it
    ("fritids- samt", but "gemen-" / "samt" is "gemensamt")."""
    if len(before) < 3 or before[-1] not in "-\u00ad" or not before[-2].isalpha():
        return False
    if before[-1] == "-" and not before[-2].islower():
        return False
    first = _WORD.match(after)
    if first is None or not first.group().islower():
        return False
    if first.group() == "samt":
        return not before[-2] == "s"
    return first.group() not in _KEEP_HYPHEN_BEFORE


class DocumentBuilder:
    """Collects blocks in reading order and lays them out in one normalised text."""

    def __init__(self, path: str, fmt: str, sha256: str) -> None:
        self.path, self.format, self.sha256 = path, fmt, sha256
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self.wrap_width: int | None = None  # the width plain text was wrapped at, if known

    def add(
        self,
        kind: BlockKind,
        lines: list[str],
        *,
        page: int | None = None,
        bbox: BBox | None = None,
        level: int = 0,
        keep_breaks: bool = False,
        table: int | None = None,
        row: int | None = None,
        col: int | None = None,
        depth: int = 0,
        marker: str | None = None,
    ) -> Block | None:
        text = join_lines(lines, keep_breaks=keep_breaks, wrap_width=self.wrap_width)
        if not text:
            return None
        number = numbering(text) if kind in ("heading", "label", "list_item") else None
        if self._parts:
            self._parts.append(BLOCK_SEPARATOR)
            self._length += len(BLOCK_SEPARATOR)
        block = Block(
            kind,
            self._length,
            self._length + len(text),
            page,
            bbox,
            level,
            table,
            row,
            col,
            depth,
            marker,
            number,
        )
        self._parts.append(text)
        self._length += len(text)
        self.blocks.append(block)
        return block

    def build(self, *, pages: int | None = None, ocr: bool = False) -> Document:
        return Document(
            text="".join(self._parts),
            blocks=self.blocks,
            path=self.path,
            format=self.format,
            sha256=self.sha256,
            pages=pages,
            ocr=ocr,
            warnings=self.warnings,
        )

"""The page model: what the layout knows of a page.

A character source (``pdfium.py``, or ``plumber.py`` where pdfplumber is the better
tool) gives a page's *characters* (``Char``: text, box in PDF points measured from the
top, font size, font name, upright or not); ``chars.py`` turns them into *words*: text
with a box, a font size and a weight (``scan.py`` makes words by OCR instead). The
layout then sees them as

* *lines* (``lines.group_lines``): words whose centres lie at the same height;
* *fragments* (``Fragment``): a line's words with no wide gap between them;
* ``Line``: the words one block line is made of, with its box, its dominant size (by
  characters), its weight (bold when every word with a letter is) and its text
  (``join_words``: a space between words, none where glyphs touch);
* ``Table``: a ruled table's cell boxes by row, and the words that fall in each cell.

``PageContent`` is all of one page the layout needs, read once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from samverkan_extract.document import BBox

# Glyphs closer than this share of the font size belong to one word (a word split only
# because its font changed).
TOUCHING = 0.12


@dataclass(slots=True)
class Char:
    """One character of a text layer, measured as pdfminer measures it: the box runs
    from the font's descent below the baseline up by the font size (times the text
    matrix), across the glyph's advance."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    upright: bool = True


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    ocr: bool = False  # read by OCR: Tesseract has told the words apart

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    def with_text(self, text: str) -> Word:
        """The same box and style with other text (a word without its glued marker)."""
        return Word(text, self.x0, self.x1, self.top, self.bottom, self.size, self.bold, self.ocr)


@dataclass(eq=False)
class Table:
    """A ruled table: its box, its cell boxes by row, and the words in each cell."""

    bbox: BBox
    rows: list[list[BBox | None]]
    cells: dict[tuple[int, int], list[Word]] = field(default_factory=dict)


@dataclass(eq=False)
class Fragment:
    """Words on one line with no wide gap between them; or a ruled table standing in
    the flow of the page (``table`` set, one empty word spanning its box)."""

    words: list[Word]
    table: Table | None = None

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)


@dataclass(eq=False)
class Line:
    """One line of text as the layout sees it (from a fragment or joined fragments)."""

    words: list[Word]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False
    text: str = ""

    def __post_init__(self) -> None:
        ws = self.words
        self.x0 = min(w.x0 for w in ws)
        self.x1 = max(w.x1 for w in ws)
        self.top = min(w.top for w in ws)
        self.bottom = max(w.bottom for w in ws)
        self.size = dominant_size(ws)
        self.bold = all_bold(ws)
        self.text = join_words(ws)

    @property
    def box(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass(eq=False)
class PageContent:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    ocr: bool = False  # the words come from OCR
    lines: list[list[Fragment]] = field(default_factory=list)

    def fragments(self) -> list[Fragment]:
        return [f for line in self.lines for f in line]


def dominant_size(words: Iterable[Word]) -> float:
    """The size most characters are set in (the first seen on a tie)."""
    weights: Counter[float] = Counter()
    for w in words:
        weights[w.size] += len(w.text)
    return weights.most_common(1)[0][0]


def all_bold(words: Iterable[Word]) -> bool:
    """Bold when every word with a letter or digit is (marks do not count)."""
    letters = [w for w in words if any(c.isalnum() for c in w.text)]
    return bool(letters) and all(w.bold for w in letters)


def join_words(words: Iterable[Word]) -> str:
    """Words of one line as text: a space between words, none where glyphs touch (a
    word split only because its font changed; OCR's words are words, however close)."""
    out = ""
    prev: Word | None = None
    for w in words:
        if prev is not None:
            gap = w.x0 - prev.x1
            touching = gap < TOUCHING * min(w.size, prev.size) and not (w.ocr and prev.ocr)
            out += "" if touching else " "
        out += w.text
        prev = w
    return out


def lines_bbox(lines: list[Line]) -> BBox:
    """The box around some lines."""
    return (
        min(ln.x0 for ln in lines),
        min(ln.top for ln in lines),
        max(ln.x1 for ln in lines),
        max(ln.bottom for ln in lines),
    )


def crosses(item: Fragment | Line | Word, gutter: tuple[float, float]) -> bool:
    """Whether something reaches over a gutter (by more than a point on each side)."""
    return item.x0 < gutter[1] - 1 and item.x1 > gutter[0] + 1

"""From a page's characters to its words, and whether the page must be read by OCR.

Whatever library read the characters (``pdfium.py``, ``plumber.py``):

1. the page needs OCR when it has no visible character but images cover
   ``IMAGE_COVER`` of it, or when at least ``BAD_TEXT_MIN`` visible characters, and
   ``BAD_TEXT_SHARE`` of them, are unmapped glyphs ("(cid:NN)", U+FFFD, or a glyph
   the font cannot map to Unicode);
2. glyphs printed twice at (nearly) the same place ("fake bold") are dropped, and the
   words whose first glyph was printed over are taken as bold;
3. the characters become words by pdfplumber's rules (``words.py``), rotated text left
   out; a word is bold when its font's name says so.
"""

from __future__ import annotations

import regex

from samverkan_extract.document import BBox, clean_line
from samverkan_extract.readers.pdf.model import Char, Word
from samverkan_extract.readers.pdf.words import extract_words

# Characters of a page that, when unmapped, mean its text layer is unusable.
BAD_TEXT_SHARE = 0.1
BAD_TEXT_MIN = 5
# An image covering this share of a page without text marks a scanned page.
IMAGE_COVER = 0.3
# Doubled glyphs lie within this many points of each other.
DOUBLED = 1

BOLD_FONT = regex.compile(r"(?i)bold|black|heavy|semibold|demi|[-,]bd\b")

Position = tuple[int, int]  # a glyph's rounded (x0, top)


def page_words(chars: list[Char], doubled: set[Position] | None = None) -> list[Word]:
    """The words of some characters, fake bold removed and marked. ``doubled`` adds
    positions of glyphs the character source already found printed over."""
    chars, found = dedupe_chars(chars)
    doubled = found | (doubled or set())
    words = []
    for w in extract_words(chars):
        text = clean_line(w.text)
        if not text:
            continue
        bold = bool(BOLD_FONT.search(w.font)) or (round(w.x0), round(w.top)) in doubled
        words.append(Word(text, w.x0, w.x1, w.top, w.bottom, round(w.size, 1), bold))
    return words


def is_unmapped(text: str) -> bool:
    """A glyph without a Unicode value as pdfminer writes it: "(cid:NN)" or U+FFFD."""
    return text.startswith("(cid:") or "\ufffd" in text


def unusable_text(visible: int, bad: int) -> bool:
    """A text layer of (mostly) unmapped glyphs cannot be read."""
    return bad >= BAD_TEXT_MIN and bad >= BAD_TEXT_SHARE * visible


def needs_ocr(visible: int, bad: int, width: float, height: float, images: list[BBox]) -> bool:
    """No characters but an image over the page, or a text layer of unmapped glyphs."""
    if visible:
        return unusable_text(visible, bad)
    return image_covered(width, height, images)


def image_covered(width: float, height: float, images: list[BBox]) -> bool:
    """Whether images (boxes, top-down) cover ``IMAGE_COVER`` of the page."""
    area = width * height or 1.0
    covered = 0.0
    for x0, top, x1, bottom in images:
        w = max(0.0, min(x1, width) - max(x0, 0))
        h = max(0.0, min(bottom, height) - max(top, 0))
        covered += w * h
    return covered >= IMAGE_COVER * area


def dedupe_chars(chars: list[Char]) -> tuple[list[Char], set[Position]]:
    """Drop glyphs printed twice at (nearly) the same place ("fake bold").

    Works like pdfplumber's ``dedupe_chars`` (same text, font and size within 1 pt) but
    in linear time: each glyph is filed in a grid of 1-pt cells and compared with the
    glyphs of the nine cells around it. Returns the kept characters and the rounded
    positions of the glyphs that were printed over, so that their words can be taken
    as bold.
    """
    grid: dict[int, list[Char]] = {}
    kept: list[Char] = []
    doubled: set[Position] = set()
    for c in chars:
        cell = int(c.x0) * _ROW + int(c.top)
        other = _printed_under(grid, cell, c)
        if other is not None:
            doubled.add((round(other.x0), round(other.top)))
            continue
        here = grid.get(cell)
        if here is None:
            grid[cell] = [c]
        else:
            here.append(c)
        kept.append(c)
    if not doubled:
        return chars, set()
    return kept, doubled


# A grid cell as one number (x then y, 1 pt each); cells of pages beyond this size share
# numbers, which costs comparisons, not correctness.
_ROW = 1 << 16
# The nine cells around a glyph's, in the order they are searched.
_AROUND = tuple(dx * _ROW + dy for dx in (-1, 0, 1) for dy in (-1, 0, 1))


def _printed_under(grid: dict[int, list[Char]], cell: int, c: Char) -> Char | None:
    """A glyph already filed with the same text, font and size within 1 pt."""
    x, y, text = c.x0, c.top, c.text
    for offset in _AROUND:
        for other in grid.get(cell + offset, ()):
            if (
                other.text == text
                and abs(other.x0 - x) <= DOUBLED
                and abs(other.top - y) <= DOUBLED
                and other.font == c.font
                and round(other.size, 1) == round(c.size, 1)
            ):
                return other
    return None

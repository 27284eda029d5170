"""The character source: a page's characters, read once, into the page model's words.

With pdfplumber (pdfminer underneath), per page:

1. the characters are parsed; the page needs OCR when it has no visible character but
   an image covers ``IMAGE_COVER`` of it, or when at least five visible characters and
   ``BAD_TEXT_SHARE`` of them are unmapped glyphs ("(cid:NN)", U+FFFD);
2. glyphs printed twice at (nearly) the same place ("fake bold") are dropped, and the
   words they were in taken as bold;
3. words are extracted with their size and font (pdfplumber's word rules), rotated text
   left out; a word is bold when its font's name says so;
4. ruled tables are found (pdfplumber's table finder) only on a page with a vertical
   rule, where a table can be.
"""

from __future__ import annotations

from typing import Any

import regex

from samverkan_extract.document import BBox, clean_line
from samverkan_extract.readers.pdf.model import PageContent, Table, Word

# Characters of a page that, when unmapped, mean its text layer is unusable.
BAD_TEXT_SHARE = 0.1
BAD_TEXT_MIN = 5
# An image covering this share of a page without text marks a scanned page.
IMAGE_COVER = 0.3
# Doubled glyphs lie within this many points of each other.
DOUBLED = 1
# A vertical rule is narrower than RULE_WIDTH and taller than RULE_HEIGHT (points); a
# filled box wider and taller than RULE_HEIGHT can be a table cell too.
RULE_WIDTH = 2
RULE_HEIGHT = 8

BOLD_FONT = regex.compile(r"(?i)bold|black|heavy|semibold|demi|[-,]bd\b")

Char = dict[str, Any]  # a pdfplumber character


def read_page(page: Any, number: int) -> tuple[PageContent, bool]:
    """The page's words and ruled tables, and whether it needs OCR instead."""
    content = PageContent(number, float(page.width), float(page.height))
    chars = page.chars
    if needs_ocr(page, chars):
        return content, True
    if chars:
        content.words = page_words(chars)
        if has_vertical_rules(page):
            content.tables = find_tables(page)
    return content, False


def page_words(chars: list[Char]) -> list[Word]:
    """The words of some characters, fake bold removed and marked."""
    from pdfplumber.utils import extract_words

    chars, doubled = dedupe_chars(chars)
    raw = extract_words(chars, extra_attrs=["size", "fontname"], keep_blank_chars=False)
    words = []
    for w in raw:
        text = clean_line(w["text"])
        if not text or not w.get("upright", True):
            continue
        bold = bool(BOLD_FONT.search(w.get("fontname") or ""))
        if doubled and (round(w["x0"]), round(w["top"])) in doubled:
            bold = True
        words.append(Word(text, w["x0"], w["x1"], w["top"], w["bottom"], round(w["size"], 1), bold))
    return words


def unmapped(chars: list[Char]) -> tuple[int, int]:
    """How many visible characters there are, and how many of them are unmapped
    glyphs ("(cid:NN)", U+FFFD)."""
    visible = [c["text"] for c in chars if not c["text"].isspace()]
    bad = sum(1 for t in visible if t.startswith("(cid:") or "\ufffd" in t)
    return len(visible), bad


def unusable_text(visible: int, bad: int) -> bool:
    """A text layer of (mostly) unmapped glyphs cannot be read."""
    return bad >= BAD_TEXT_MIN and bad >= BAD_TEXT_SHARE * visible


def needs_ocr(page: Any, chars: list[Char]) -> bool:
    """No characters but an image over the page, or a text layer of unmapped glyphs."""
    visible, bad = unmapped(chars)
    if visible:
        return unusable_text(visible, bad)
    boxes = [(im["x0"], im["top"], im["x1"], im["bottom"]) for im in page.images]
    return image_covered(float(page.width), float(page.height), boxes)


def image_covered(width: float, height: float, images: list[BBox]) -> bool:
    """Whether images (boxes, top-down) cover ``IMAGE_COVER`` of the page."""
    area = width * height or 1.0
    covered = 0.0
    for x0, top, x1, bottom in images:
        w = max(0.0, min(x1, width) - max(x0, 0))
        h = max(0.0, min(bottom, height) - max(top, 0))
        covered += w * h
    return covered >= IMAGE_COVER * area


def dedupe_chars(chars: list[Char]) -> tuple[list[Char], set[tuple[int, int]]]:
    """Drop glyphs printed twice at (nearly) the same place ("fake bold").

    Works like pdfplumber's ``dedupe_chars`` (same text, font and size within 1 pt) but
    in linear time: each glyph is filed in a grid of 1-pt cells and compared with the
    glyphs of the nine cells around it. Returns the kept characters and the rounded
    positions of the glyphs that were printed over, so that their words can be taken
    as bold.
    """
    grid: dict[tuple[str, str, float, int, int], list[Char]] = {}
    kept: list[Char] = []
    doubled: set[tuple[int, int]] = set()
    for c in chars:
        key = (c["text"], c.get("fontname", ""), round(c.get("size", 0), 1))
        other = _printed_under(grid, key, c["x0"], c["top"])
        if other is not None:
            doubled.add((round(other["x0"]), round(other["top"])))
            continue
        grid.setdefault((*key, int(c["x0"]), int(c["top"])), []).append(c)
        kept.append(c)
    if not doubled:
        return chars, set()
    return kept, doubled


def _printed_under(
    grid: dict[tuple[str, str, float, int, int], list[Char]],
    key: tuple[str, str, float],
    x: float,
    y: float,
) -> Char | None:
    """A glyph already filed with the same text, font and size within 1 pt."""
    ix, iy = int(x), int(y)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            for other in grid.get((*key, ix + dx, iy + dy), ()):
                if abs(other["x0"] - x) <= DOUBLED and abs(other["top"] - y) <= DOUBLED:
                    return other
    return None


def has_vertical_rules(page: Any) -> bool:
    """A vertical line or thin box, or a filled box big enough to be a cell."""
    objects = page.objects
    lines = objects.get("line", ())
    rects = objects.get("rect", ())
    return any(_vertical_rule(o) for o in lines) or any(
        _vertical_rule(o) or _cell_box(o) for o in rects
    )


def _vertical_rule(obj: dict[str, float]) -> bool:
    return abs(obj["x1"] - obj["x0"]) < RULE_WIDTH and abs(obj["bottom"] - obj["top"]) > RULE_HEIGHT


def _cell_box(obj: dict[str, float]) -> bool:
    return obj["x1"] - obj["x0"] > RULE_HEIGHT and obj["bottom"] - obj["top"] > RULE_HEIGHT


def find_tables(page: Any) -> list[Table]:
    """Ruled tables (pdfplumber's finder) with more than one cell."""
    try:
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - a table finder failure loses tables, not text
        return []
    tables = []
    for t in found:
        rows = [list(r.cells) for r in t.rows]
        if len(rows) < 1 or max((len(r) for r in rows), default=0) < 2 and len(rows) < 2:
            continue
        tables.append(Table(tuple(t.bbox), rows))
    return tables

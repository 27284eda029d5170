"""List markers: which first word of a line opens a list item, and what it leaves.

A line opens an item when its first word is

1. a bullet (``common.BULLETS``), standing alone or glued to the text ("•Text");
2. on a scan, a mark Tesseract reads a bullet as (``ocr_words.BULLET_TOKENS``: "«", "e",
   "*" ...) standing apart from the text, or such a sign (or an opening quote that is
   never closed) glued to a capitalised word ("«Kommunen"), or one or two digits (and a
   colon or comma) set apart from a capitalised word by a wide gap (an item number
   whose full stop the scan lost or misread);
3. a dash (``common.DASHES``) or an item number ("1.", "a)", "(2)") that opens a
   paragraph, lines up with the item before it, or stands apart from its text (a gap
   of 0.6 × the font size).

The marker is removed from the text and returned, with where the item's own text
starts (continuation lines line up with it) and the kind of list ("bullet" or
"number").
"""

from __future__ import annotations

from typing import NamedTuple

import regex

from samverkan_extract.readers.common import BULLETS, DASHES
from samverkan_extract.readers.ocr_words import BULLET_TOKENS
from samverkan_extract.readers.pdf.model import Line, join_words

# A gap this share of the font size after a dash or number sets it apart as a marker.
MARKER_GAP = 0.6
# On a scan, an item number that lost its full stop stands this share of the font size
# or more from its text.
LOST_MARK_GAP = 0.75
# How far (points) a marker may stand from the item before's and still line up.
ALIGNED = 2

BULLET_WORD = regex.compile(rf"^[{regex.escape(BULLETS)}]$")
_BULLET_GLUED = regex.compile(rf"^([{regex.escape(BULLETS)}])(\S.*)$")
DASH_WORD = regex.compile(rf"^[{regex.escape(DASHES)}]$")
MISREAD_NUMBER = regex.compile(r"^(\d{1,2})[:;,]?$")
NUMBER_WORD = regex.compile(r"^(?:\d{1,2}[.)]|[a-zA-Z][.)]|\(\d{1,2}\)|\([a-z]\))$")
_OPENING_QUOTES = "\"'„”"
# What a bullet Tesseract misread is recorded as.
OCR_BULLET = "•"


class Marker(NamedTuple):
    """What a list marker leaves: the item's text, where it starts, the kind of list
    ("bullet" or "number") and the marker itself."""

    text: str
    text_x0: float
    kind: str
    mark: str


def is_marker(text: str) -> bool:
    """A word that can only be a list marker (a lone bullet, dash or item number)."""
    return bool(BULLET_WORD.match(text) or DASH_WORD.match(text) or NUMBER_WORD.match(text)) or (
        text in BULLET_TOKENS
    )


def is_strict_marker(text: str) -> bool:
    """A bullet, dash or item number as printed (not an OCR misreading)."""
    return any(p.match(text) for p in (BULLET_WORD, DASH_WORD, NUMBER_WORD))


def list_marker(
    line: Line, new_para: bool, item_x0: float | None, *, ocr: bool = False
) -> Marker | None:
    """The list marker ``line`` opens with, or None. ``item_x0`` is where the marker of
    the list item before stands (None when there is none to line up with)."""
    first, rest = line.words[0], line.words[1:]
    if m := _BULLET_GLUED.match(first.text):
        return Marker(join_words([first.with_text(m.group(2)), *rest]), first.x0, "bullet", m[1])
    if not rest:
        return None
    if BULLET_WORD.match(first.text):
        return _after_first(line, "bullet", first.text)
    if ocr and (found := _ocr_bullet(line) or _ocr_number(line)):
        return found
    return _dash_or_number(line, new_para, item_x0)


def _gap_after_first(line: Line) -> float:
    return line.words[1].x0 - line.words[0].x1


def _after_first(line: Line, kind: str, mark: str) -> Marker:
    rest = line.words[1:]
    return Marker(join_words(rest), rest[0].x0, kind, mark)


def _ocr_bullet(line: Line) -> Marker | None:
    """A bullet as Tesseract reads it: a mark set apart, or a sign glued to a
    capitalised word ("«Kommunen"), or an opening quote that is never closed."""
    first = line.words[0]
    if first.text in BULLET_TOKENS and _gap_after_first(line) >= MARKER_GAP * first.size:
        return _after_first(line, "bullet", OCR_BULLET)
    glued = first.text[:1]
    sign = glued in BULLET_TOKENS and not glued.isalnum()
    opened_quote = glued in _OPENING_QUOTES and line.text.count(glued) == 1
    if (sign or opened_quote) and first.text[1:2].isupper():
        words = [first.with_text(first.text[1:]), *line.words[1:]]
        return Marker(join_words(words), first.x0, "bullet", OCR_BULLET)
    return None


def _ocr_number(line: Line) -> Marker | None:
    """An item number whose full stop or bracket the scan lost or misread ("1) Barn"
    read as "1   Barn", "1. Trafik" as "1: Trafik"): one or two digits, perhaps with a
    colon or comma, set apart from a capitalised word by a wide gap (a number in
    running text stands a space from its word)."""
    first, after = line.words[0], line.words[1]
    number = MISREAD_NUMBER.match(first.text)
    if number is None or not after.text[:1].isupper():
        return None
    if _gap_after_first(line) < LOST_MARK_GAP * first.size:
        return None
    return _after_first(line, "number", number[1] + ".")


def _dash_or_number(line: Line, new_para: bool, item_x0: float | None) -> Marker | None:
    """A dash or an item number that opens a paragraph, lines up with the item before
    or stands apart from its text."""
    first = line.words[0]
    dash = DASH_WORD.match(first.text)
    if not (dash or NUMBER_WORD.match(first.text)):
        return None
    aligned = item_x0 is not None and abs(item_x0 - line.x0) <= ALIGNED
    if new_para or aligned or _gap_after_first(line) >= MARKER_GAP * first.size:
        return _after_first(line, "bullet" if dash else "number", first.text)
    return None

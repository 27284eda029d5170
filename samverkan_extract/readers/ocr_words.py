"""The words of a scanned page as Tesseract reads them (``OcrWord``), and the marks among
them put right by measuring the page image (steps 3 to 5 of ``readers/ocr.py``).

- A list marker Tesseract read into a line's first word ("Våld" read over "–   Våld")
  becomes a bullet of its own (``split_glued_markers``); so does a mark no wider than a
  letter standing apart from the text after it ("«=", ``marks_apart``).
- Dashes are measured on the page (``read_dashes``): Tesseract reads an en dash as a
  hyphen, and "2019–2022" or "Kommunen – Polisen" must keep it.
- A speck glued to the front of a word is taken off ("'med", ".och", '"Anneli' read with
  low confidence), and one read between two words parts them ("27:januari";
  ``strip_glued_marks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex

from samverkan_extract.readers.common import BULLETS

DARK = 160


# A dash between digits this long (share of the digits' height) or longer is an en
# dash (a hyphen is about a third of it, an en dash about half or more) ...
EN_DASH_DIGITS = 0.48


# ... and a dash standing alone this long (share of its line's text height): a hyphen
# is about a quarter of it, an en dash 0.35 or more.
EN_DASH_EM = 0.31


# Tesseract's confidence under which a quote mark glued to a word's front is a speck.
QUOTE_CONF = 70


# Tesseract's confidence under which a line's first word may hold a list marker it
# read into the word.
GLUED_MARKER_CONF = 70


# What a bullet glyph turns into when Tesseract reads it: the bullets every reader knows,
# and the marks and letters Tesseract misreads a small round bullet as.
BULLET_TOKENS = frozenset(BULLETS) | frozenset("*«»°©®+eoa")


@dataclass
class OcrWord:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float
    size: float  # the line's text height (pixels)
    slope: float  # the line's baseline slope
    baseline: float  # the line's baseline height under the word's centre (pixels)
    first: bool = False  # the first word of its line


def split_glued_markers(words: list[OcrWord], page: Any) -> list[OcrWord]:
    """A list marker Tesseract read into the first word of its line: the word's box
    opens with a mark no wider than a letter, then a blank stretch of half the text
    height or more before its letters ("Våld" read over "–   Våld"). The mark becomes a
    word of its own, a bullet ("•")."""
    import numpy as np

    pixels = None
    out: list[OcrWord] = []
    for w in words:
        size = w.size or (w.bottom - w.top)
        if not w.first or w.conf >= GLUED_MARKER_CONF or size <= 0:
            out.append(w)
            continue
        if pixels is None:
            pixels = np.asarray(page.convert("L"))
        split = _marker_gap(pixels, w, size)
        if split is None:
            out.append(w)
            continue
        mark_end, text_start = split
        mark = OcrWord(
            "•",
            w.x0,
            w.top,
            w.x0 + mark_end,
            w.bottom,
            0.0,
            w.size,
            w.slope,
            w.baseline,
            first=True,
        )
        w.x0, w.first = w.x0 + text_start, False
        out += [mark, w]
    return out


def _marker_gap(pixels: Any, w: OcrWord, size: float) -> tuple[int, int] | None:
    """Where the mark opening a word's box ends and its text starts (pixels from the
    box's left edge), or None when the box opens with no mark set apart."""
    import numpy as np

    box = pixels[max(0, int(w.top)) : int(w.bottom) + 1, max(0, int(w.x0)) : int(w.x1) + 1]
    inked = np.flatnonzero((box < DARK).any(axis=0))
    if len(inked) < 2 or inked[0] > 0.8 * size:
        return None
    gaps = np.diff(inked)
    k = int(np.argmax(gaps))
    if gaps[k] < 0.5 * size or inked[k] - inked[0] > 0.8 * size:
        return None
    if inked[-1] - inked[k + 1] < 0.5 * size:  # the text after the gap
        return None
    return int(inked[k]) + 1, int(inked[k + 1])


# A list marker is at most this share of the text height tall.
MARK_HEIGHT = 0.6


def marks_apart(words: list[OcrWord]) -> None:
    """A mark without letters opening a line, no wider than a letter nor taller than
    ``MARK_HEIGHT`` of the text and standing apart from the text after it (half the text
    height or more), is a list marker however Tesseract read it ("«=", ":" for a dash):
    a bullet ("•"). A rule piece ("|", "." as tall as the text) is none."""
    for w, after in zip(words, words[1:], strict=False):
        if not w.first or after.first or any(c.isalnum() for c in w.text):
            continue
        if w.text in _DASHES or w.text in BULLET_TOKENS:
            continue
        size = w.size or (w.bottom - w.top)
        if w.bottom - w.top > MARK_HEIGHT * size:
            continue  # a piece of a table's rule, as tall as the text
        if w.x1 - w.x0 <= 0.8 * size and after.x0 - w.x1 >= 0.5 * size:
            w.text = "•"


_DASHES = "-–—"


_DIGIT_DASH = regex.compile(r"(?<=\d)[-–—](?=\d)")


# The hyphens of an ISO date ("2020-08-26") are hyphens, however long they print.
_ISO_DATE = regex.compile(r"(?<!\d)\d{4}([-–])\d\d([-–])\d\d(?!\d)")


_LETTER_HYPHEN = regex.compile(r"(?<=\p{L})-(?=\p{L})")


# A hyphen between letters shorter than this share of the line's text height is a speck
# between two words (a hyphen is about a quarter of it, a speck an eighth).
SPECK_HYPHEN = 0.18


def read_dashes(words: list[OcrWord], page: Any) -> None:
    """Hyphen or en dash, as long as the dash is printed: Tesseract reads both as "-".

    A dash standing alone is an en dash when its box is at least ``EN_DASH_EM`` of its
    line's text height long. The dashes between digits ("2019-2022", "2021-01-01-2024-
    12-31") are measured on the page: each is a run of columns whose ink lies only in
    the middle band of the word (the run nearest where the dash stands, when strokes of
    digits are dash-like too), and becomes an en dash when it is at least
    ``EN_DASH_DIGITS`` of the digits' height long. The hyphens inside an ISO date stay
    hyphens."""
    import numpy as np

    pixels = None
    for w in words:
        if len(w.text) == 2 and w.text[0] in _DASHES and w.text[1] in ".,":
            w.text = w.text[0]  # a speck after a dash standing alone ("2014 -." for "2014 –")
        if w.text in _DASHES:
            size = w.size or (w.bottom - w.top)
            if size > 0:
                w.text = "–" if w.x1 - w.x0 >= EN_DASH_EM * size else "-"
            continue
        dated = {m.start(k) for m in _ISO_DATE.finditer(w.text) for k in (1, 2)}
        found = [m for m in _DIGIT_DASH.finditer(w.text) if m.start() not in dated]
        if not found:
            if len(_LETTER_HYPHEN.findall(w.text)) == 1:
                pixels = np.asarray(page.convert("L")) if pixels is None else pixels
                _speck_hyphen(pixels, w)
            continue
        if pixels is None:
            pixels = np.asarray(page.convert("L"))
        measured = dash_runs(pixels, w)
        if measured is None or len(measured[0]) < len(found):
            continue
        runs, height = measured
        chars = list(w.text)
        at = runs if len(runs) == len(found) else [_run_nearest(runs, m, w) for m in found]
        for m, (_, run) in zip(found, at, strict=True):
            chars[m.start()] = "–" if run >= EN_DASH_DIGITS * height else "-"
        w.text = "".join(chars)


def _speck_hyphen(pixels: Any, w: OcrWord) -> None:
    """A speck between two words read as a hyphen ("lovar-att" over "lovar · att"): the
    dash-like ink where the hyphen stands is shorter than ``SPECK_HYPHEN`` of the text
    height, so the words are parted."""
    m = _LETTER_HYPHEN.search(w.text)
    measured = dash_runs(pixels, w)
    size = w.size or (w.bottom - w.top)
    if m is None or measured is None or not measured[0] or size <= 0:
        return
    char = (w.x1 - w.x0) / len(w.text)
    start, length = _run_nearest(measured[0], m, w)
    if abs(start + length / 2 - (m.start() + 0.5) * char) <= char and length < (
        SPECK_HYPHEN * size
    ):
        w.text = w.text[: m.start()] + " " + w.text[m.end() :]


def _run_nearest(
    runs: list[tuple[int, int]], dash: regex.Match[str], word: OcrWord
) -> tuple[int, int]:
    """The dash-like run nearest where ``dash`` stands in the word's text (a word's
    characters taken as equally wide): more runs than dashes when a stroke of a "7" is
    dash-like too."""
    at = (dash.start() + 0.5) / len(word.text) * (word.x1 - word.x0)
    return min(runs, key=lambda r: abs(r[0] + r[1] / 2 - at))


def dash_runs(pixels: Any, word: OcrWord) -> tuple[list[tuple[int, int]], float] | None:
    """The dashes in a word's box, left to right, as (start, length) in pixels from the
    box's left edge, and the height of its characters; None for a box too small to
    measure.

    A column belongs to a dash when its ink (in the middle 80 % of the box, so that a
    speck under the word does not count) lies between a quarter and 85 % of the box's
    height, in a band no thicker than a quarter of it. A dash goes on over two columns
    that are not (a speck touching it). The characters' height is the 90th percentile of
    the columns' ink heights (the box also holds the tilt of a skewed line)."""
    import numpy as np

    x0, top = max(0, int(word.x0)), max(0, int(word.top))
    box = pixels[top : int(word.bottom) + 1, x0 : int(word.x1) + 1] < DARK
    height, width = box.shape
    if height < 6 or width < 3:
        return None
    lo, hi = int(0.1 * height), int(np.ceil(0.9 * height))
    dashlike: list[bool] = []
    extents: list[int] = []
    for j in range(width):
        column = np.flatnonzero(box[:, j])
        inner = column[(column >= lo) & (column < hi)]
        if len(column):
            extents.append(int(column[-1] - column[0] + 1))
        dashlike.append(
            len(inner) > 0
            and inner[0] >= 0.25 * height
            and inner[-1] <= 0.85 * height
            and inner[-1] - inner[0] <= 0.25 * height
        )
    if not extents:
        return None
    runs: list[tuple[int, int]] = []
    start = last = -10
    for j, is_dash in enumerate(dashlike):
        if not is_dash:
            continue
        if j - last <= 3 and runs:  # a gap of up to two columns
            runs[-1] = (start, j - start + 1)
        else:
            start = j
            runs.append((j, 1))
        last = j
    glyph = float(np.percentile(extents, 90))
    # a dash is longer than a fifth of the characters' height (not a "4"'s crossbar)
    return [r for r in runs if r[1] >= 0.2 * glyph], glyph


# Marks a speck in front of a word is read as; quote marks only when read with low
# confidence (a quoted word is read with high confidence, and closes its quote).
_GLUED = regex.compile(r"^['‘’`´.,:;<>«»|_~^*]+(?=[\p{L}\d])")


_GLUED_QUOTE = regex.compile(r'^["”“„]+(?=[\p{L}\d])')


_QUOTES = '"”“„'


def strip_glued_marks(words: list[OcrWord]) -> list[OcrWord]:
    """A speck read as a mark glued to the front of a word ("'med", ".och", "<Lokal..."),
    taken off; a quote mark only when the word is read with low confidence and no quote
    closes it on the line. A speck read as a mark between two words read as one
    ("27:januari", "polisen'och") parts them."""
    words = [part for w in words for part in _parted(w)]
    for i, w in enumerate(words):
        m = _GLUED.match(w.text)
        if m is None and w.conf < QUOTE_CONF:
            m = _GLUED_QUOTE.match(w.text)
            if m is not None and _closed(words, i, m.end()):
                m = None
        if m is not None:
            w.text = w.text[m.end() :]
    return words


# A mark between a letter or digit and a word in lower case: no word holds one.
_GLUED_BETWEEN = regex.compile(r"(?<=[\p{L}\d])[:;'’](?=\p{Ll}{2})")


def _parted(w: OcrWord) -> list[OcrWord]:
    """A word read over a speck between two words, parted at the speck (each part's box
    in proportion to its characters)."""
    m = _GLUED_BETWEEN.search(w.text)
    if m is None:
        return [w]
    before, after = w.text[: m.start()], w.text[m.end() :]
    share = (w.x1 - w.x0) / len(w.text)
    left = OcrWord(**{**w.__dict__, "text": before, "x1": w.x0 + share * len(before)})
    right = OcrWord(
        **{**w.__dict__, "text": after, "x0": w.x1 - share * len(after), "first": False}
    )
    return [left, *_parted(right)]


def _closed(words: list[OcrWord], i: int, start: int) -> bool:
    """Whether a quote closes the one opening word ``i`` on its line."""
    if any(q in words[i].text[start:] for q in _QUOTES):
        return True
    for w in words[i + 1 :]:
        if w.first:
            return False
        if any(q in w.text for q in _QUOTES):
            return True
    return False

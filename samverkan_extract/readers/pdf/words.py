"""Characters into words, by pdfplumber's rules (``extract_words`` with its defaults,
``size`` and ``fontname`` as extra attributes), on the page model's ``Char``.

1. The characters, in the order the page draws them, are cut into runs of the same
   orientation, size and font.
2. In each run, characters are clustered into lines by their top: sorted tops within
   ``Y_TOLERANCE`` of the one before are one line; each line is sorted by x.
3. Along a line a word ends at a blank, and a new word starts at a character that
   stands left of the one before or more than ``X_TOLERANCE`` right of its end, or
   whose top differs by more than ``Y_TOLERANCE``.
4. A word's box is its characters' box, its size and font its first character's, and
   ligatures are written out ("ﬁ" as "fi").

Keeping pdfplumber's rules keeps the words the layout was tuned on, whichever library
read the characters.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from samverkan_extract.readers.pdf.model import Char

X_TOLERANCE = 3
Y_TOLERANCE = 3
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


@dataclass(slots=True)
class RawWord:
    """A word as extracted, before cleaning: text, box, first character's size and
    font, and whether it is upright."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    upright: bool


def extract_words(chars: list[Char]) -> list[RawWord]:
    """The upright words of some characters, in pdfplumber's order."""
    words: list[RawWord] = []
    for (upright, _, _), run in itertools.groupby(chars, key=_run_key):
        if not upright:
            continue  # rotated text is not read
        for line in _lines(list(run)):
            words += [_merge(w) for w in _split_words(line)]
    return words


def _run_key(c: Char) -> tuple[bool, float, str]:
    return (c.upright, c.size, c.font)


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters clustered into lines by their top (a chain of tops each within the
    tolerance of the one before), each line sorted by x."""
    tops = sorted(set(c.top for c in chars))
    cluster: dict[float, int] = {}
    index, last = 0, tops[0]
    for top in tops:
        if top > last + Y_TOLERANCE:
            index += 1
        cluster[top] = index
        last = top
    ordered = sorted(chars, key=lambda c: cluster[c.top])
    return [
        sorted(group, key=lambda c: c.x0)
        for _, group in itertools.groupby(ordered, key=lambda c: cluster[c.top])
    ]


def _split_words(line: list[Char]) -> Iterator[list[Char]]:
    current: list[Char] = []
    for c in line:
        if c.text == "" or c.text.isspace():
            if current:
                yield current
            if c.text == "":
                yield [c]  # pdfplumber keeps an empty character as a word of its own
            current = []
        elif current and _begins_word(current[-1], c):
            yield current
            current = [c]
        else:
            current.append(c)
    if current:
        yield current


def _begins_word(prev: Char, c: Char) -> bool:
    return c.x0 < prev.x0 or c.x0 > prev.x1 + X_TOLERANCE or abs(c.top - prev.top) > Y_TOLERANCE


def _merge(chars: list[Char]) -> RawWord:
    first = chars[0]
    return RawWord(
        "".join(LIGATURES.get(c.text, c.text) for c in chars),
        min(c.x0 for c in chars),
        max(c.x1 for c in chars),
        min(c.top for c in chars),
        max(c.bottom for c in chars),
        first.size,
        first.font,
        first.upright,
    )

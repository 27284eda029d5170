"""Headings: which lines are headings, and at what level.

On a text layer a line is a heading when it is short (at most 14 words, 120
characters), has a letter, does not start in lower case (the rest of a sentence from
above), and is either set larger than the body (by 0.9 pt or more) or bold at body size
(and does not end like a sentence: a comma, or a period after more than six words).
Its *key* is (size to half a point, bold), and levels go by key: the largest size is
level 1, bold at a size after plain at the same size; level 5 at most.

On a scan, weight cannot be seen and text heights waver, so there are two ranks: much
larger than the body (1.3 ×) and larger (1.12 ×); a line with a date is no heading (a
place and date over signatures). And where even size says nothing, a one-line paragraph
that reads like a title (short, capitalised after its numbering, no closing
punctuation, no year) above body text is taken as a heading of the lower rank.
"""

from __future__ import annotations

import regex

from samverkan_extract.knowledge import knowledge
from samverkan_extract.readers.pdf.model import Line
from samverkan_extract.readers.pdf.units import Stats, Unit

HeadingKey = tuple[float, bool]

# An org number or another long run of digits: no heading carries one.
_LONG_NUMBER = regex.compile(r"\d{6}")

MAX_WORDS = 14
MAX_CHARS = 120
# Larger than the body by this much (points) makes a heading on a text layer.
LARGER = 0.9
# Bold within this much (points) under the body size still makes a heading.
BOLD_SLACK = 0.6
# On a scan: the two ranks, as shares of the body size.
SCAN_LARGER = 1.3
SCAN_LARGE = 1.12
# The deepest heading level.
MAX_LEVEL = 5
# A guessed title has at most this many words, and the paragraph under it this many
# characters at least.
TITLE_WORDS = 10
TITLE_BODY_CHARS = 40

_DATE = regex.compile(r"\d{4}-(?:\d\d|XX)-(?:\d\d|XX)|\d{1,2}\s+\p{Ll}+\s+\d{4}", regex.I)
_NUMBERING = regex.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+")


def heading_key(line: Line, stats: Stats, *, ocr: bool) -> HeadingKey | None:
    """The heading key of a line that reads as a heading, or None."""
    words = line.text.split()
    if not words or len(words) > MAX_WORDS or len(line.text) > MAX_CHARS:
        return None
    if not any(c.isalpha() for c in line.text):
        return None
    if line.text[:1].islower():
        return None  # the rest of a word or sentence from the line above
    if ocr:
        return _scanned_key(line, stats.body_size)
    return _printed_key(line, stats.body_size, len(words))


def scan_ranks(body: float) -> tuple[HeadingKey, HeadingKey]:
    """The keys of a scan's two heading ranks: larger and much larger than ``body``."""
    return (round(body * 2.4) / 2, False), (round(body * 3) / 2, False)


def _scanned_key(line: Line, body: float) -> HeadingKey | None:
    """Two ranks, large and larger; a place and date line over signatures is none, nor
    a line with an org number ("Skövde kommun, 212000-1744": digits read tall)."""
    if _DATE.search(line.text) or _LONG_NUMBER.search(line.text):
        return None
    large, larger = scan_ranks(body)
    if line.size >= SCAN_LARGER * body:
        return larger
    return large if line.size >= SCAN_LARGE * body else None


def _printed_key(line: Line, body: float, words: int) -> HeadingKey | None:
    if line.size >= body + LARGER:
        return (round(line.size * 2) / 2, line.bold)
    if line.bold and line.size >= body - BOLD_SLACK:
        if line.text.endswith(",") or line.text.endswith(".") and words > 6:
            return None
        return (round(body * 2) / 2, True)
    return None


def guess_headings(units: list[Unit], key: HeadingKey) -> None:
    """On scanned pages, where weight cannot be seen: a one-line paragraph that reads
    like a title above body text becomes a heading with ``key``; one that names a
    section agreements have needs no more than something under it that is no heading.
    So does a one-line numbered item that names a section over a paragraph, with its
    number ("1. Parter": bold at body size, its weight unseen, read as a list item)."""
    for unit, nxt in zip(units, units[1:], strict=False):
        if _numbered_section_title(unit, nxt):
            # "1. Parter" set bold at body size, read as the first item of a list
            unit.lines[0] = f"{unit.marker} {unit.lines[0].strip()}"
            unit.kind, unit.heading_key, unit.marker = "heading", key, None
            continue
        if unit.kind != "paragraph" or len(unit.lines) != 1:
            continue
        text = unit.lines[0].strip()
        if _names_section(text) and _reads_like_title(text) and nxt.kind != "heading":
            unit.kind, unit.heading_key = "heading", key  # "Giltighetstid" over its dates
            continue
        if nxt.kind not in ("paragraph", "list_item", "table_cell"):
            continue
        if nxt.kind == "paragraph" and len(" ".join(nxt.lines)) < TITLE_BODY_CHARS:
            continue
        if _reads_like_title(text):
            unit.kind, unit.heading_key = "heading", key


def _numbered_section_title(unit: Unit, nxt: Unit) -> bool:
    """A one-line numbered item that names a section agreements have, over a paragraph:
    a numbered heading whose weight the scan does not show ("1. Parter")."""
    if unit.kind != "list_item" or unit.level != 1 or len(unit.lines) != 1:
        return False
    if unit.marker is None or not unit.marker[:1].isdigit() or nxt.kind != "paragraph":
        return False
    text = unit.lines[0].strip()
    return _names_section(text) and _reads_like_title(text)


def _names_section(text: str) -> bool:
    """A title of a few words that names a section agreements have ("Parter",
    "Giltighetstid", "Prioriterade områden")."""
    title = _NUMBERING.sub("", text).rstrip(":")
    return len(title.split()) <= 3 and any(
        t.pattern.search(title) for t in knowledge().topics if t.id != "other"
    )


def _reads_like_title(text: str) -> bool:
    """Short, capitalised after its numbering, no closing punctuation (but "PARTER:"),
    a few letters and no year; not a list of parts set apart by commas (a signer's
    "name, title, organisation")."""
    words = text.split()
    upper_label = text.endswith(":") and text[:-1].isupper()  # "PARTER:"
    title = _NUMBERING.sub("", text)
    if not words or len(words) > TITLE_WORDS or not title[:1].isupper():
        return False
    if text.count(",") >= 2:
        return False
    if text[-1] in ".,;:!?" and not upper_label:
        return False
    return sum(c.isalpha() for c in text) >= 3 and not regex.search(r"\d{4}", text)


def heading_levels(units: list[Unit]) -> None:
    """Heading level by size rank: the largest size is level 1; bold text at body size
    comes after every larger size."""
    keys = {u.heading_key for u in units if u.kind == "heading" and u.heading_key is not None}
    ranked = sorted(keys, key=lambda k: (-k[0], not k[1]))
    levels = {k: i + 1 for i, k in enumerate(ranked)}
    for u in units:
        if u.kind != "heading":
            continue
        if u.heading_key is not None:
            u.level = min(levels[u.heading_key], MAX_LEVEL)
        elif not u.level:
            u.level = 2

"""Running headers, footers and page numbers: found across pages and dropped.

1. Page numbering goes first, wherever it stands: a fragment that is a page label
   ("Sida 2 av 5", "Sidan 3 (7)") beside a column, and a whole line that is a page
   number ("- 3 -", "4 (7)").
2. The candidates are the first and last three lines of each page that lie in the top
   or bottom ``MARGIN_ZONE`` of it.
3. A candidate is a running line when the same line stands on at least two pages and
   on at least ``RECURRING_SHARE`` of them: on a text layer the same text (digits
   folded) within 4 points of height; on a scan nearly the same letters (a similarity
   of 0.8) within 15 points, since OCR misreads a letter here and there.
4. Small print (under the body size) that is the very first or last line of a page and
   set apart from the body by a clear gap is dropped too.

The first copy of each running header and footer is kept (a reference number printed
there is not lost): the caller adds it as a header or footer block.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

import regex

from samverkan_extract.readers.common import is_page_number
from samverkan_extract.readers.pdf.model import Fragment, PageContent, join_words

# The top and bottom share of a page where running headers and footers live.
MARGIN_ZONE = 0.12
# Lines this far from a page's first or last line can be running lines.
EDGE_LINES = 3
# A running line stands on at least this share of the pages.
RECURRING_SHARE = 0.4
# Heights (points) within which a running line recurs: text layer, scan.
SAME_HEIGHT = 4
SAME_HEIGHT_SCANNED = 15
# How alike the letters of two scanned lines must be to be one running line.
SCANNED_LIKENESS = 0.8
# A gap of this many times the line's size sets small print apart from the body.
SET_APART = 1.2

_PAGE_LABEL = regex.compile(
    r"(?i)(?:sida|sidan|sid\.?|page)\s*\d+\s*(?:(?:av|of|/)\s*\d+|\(\d+\))?"
)

Lines = list[list[Fragment]]


@dataclass
class _ZoneLine:
    """A line in a page's top or bottom margin: a candidate running line."""

    page: int
    index: int
    text: str
    key: str
    zone: str
    top: float
    ocr: bool


def drop_running_lines(
    contents: list[PageContent], body_size: float
) -> tuple[list[list[str]], list[list[str]]]:
    """Remove running headers, footers and page numbers from every page's lines.

    Returns the first copy of each running header and of each running footer, each as
    the lines of one block.
    """
    for content in contents:
        content.lines = without_page_numbers(content.lines)
    entries = [e for content in contents for e in _margin_lines(content)]
    recurs = _Recurrence(entries, len(contents))
    by_page = {c.number: c for c in contents}
    drops: dict[int, set[int]] = defaultdict(set)
    kept = _FirstCopies()
    for e in entries:
        if recurs(e) or _small_print_apart(by_page[e.page], e.index, body_size):
            drops[e.page].add(e.index)
            kept.add(e)
    for content in contents:
        if drops.get(content.number):
            content.lines = _without(content.lines, drops[content.number])
    return kept.headers, kept.footers


def is_page_label(text: str) -> bool:
    """ "Sida 2 (5)", "Sidan 3 av 7", "2/5": page numbering with a word around it."""
    return bool(_PAGE_LABEL.fullmatch(text))


def without_page_numbers(lines: Lines) -> Lines:
    """A page's lines without page labels (wherever they stand) and without lines that
    are a page number."""
    kept = [[f for f in frags if not is_page_label(_text(f))] for frags in lines]
    return [frags for frags in kept if frags and not _is_page_number(_line_text(frags))]


def _is_page_number(text: str) -> bool:
    return is_page_number(text) or is_page_label(text)


def _text(fragment: Fragment) -> str:
    return join_words(fragment.words)


def _line_text(frags: list[Fragment]) -> str:
    return " ".join(_text(f) for f in frags)


def _running_key(text: str) -> str:
    return regex.sub(r"\d+", "#", text.casefold()).strip()


def _letters(text: str) -> str:
    return regex.sub(r"[^\p{L}]+", "", text.casefold())


def _margin_lines(content: PageContent) -> list[_ZoneLine]:
    """The page's first and last lines that lie in its top or bottom margin zone."""
    lines = content.lines
    n = len(lines)
    height = content.height or 1.0
    margin, bottom_margin = MARGIN_ZONE * height, (1 - MARGIN_ZONE) * height
    out = []
    for i, frags in enumerate(lines):
        if EDGE_LINES <= i < n - EDGE_LINES:
            continue
        top = min(f.top for f in frags)
        if margin < top and max(f.bottom for f in frags) < bottom_margin:
            continue
        text = _line_text(frags)
        zone = "header" if top <= margin else "footer"
        out.append(_ZoneLine(content.number, i, text, _running_key(text), zone, top, content.ocr))
    return out


def _same_running(a: _ZoneLine, b: _ZoneLine) -> bool:
    """Two margin lines that are one running line."""
    if a.zone != b.zone:
        return False
    if not (a.ocr or b.ocr):
        return a.key == b.key and abs(a.top - b.top) <= SAME_HEIGHT
    if abs(a.top - b.top) > SAME_HEIGHT_SCANNED:
        return False
    la, lb = _letters(a.text), _letters(b.text)
    return len(la) >= 4 and difflib.SequenceMatcher(None, la, lb).ratio() >= SCANNED_LIKENESS


class _Recurrence:
    """Whether a margin line recurs on enough pages to be a running line."""

    def __init__(self, entries: list[_ZoneLine], pages: int) -> None:
        self.pages = pages
        self.by_key: dict[str, list[_ZoneLine]] = defaultdict(list)
        for e in entries:
            self.by_key[e.key].append(e)
        self.scanned = [e for e in entries if e.ocr]

    def __call__(self, e: _ZoneLine) -> bool:
        others = self.by_key[e.key] + (self.scanned if e.ocr else [])
        count = len({o.page for o in others if _same_running(e, o)} | {e.page})
        return self.pages >= 2 and count >= 2 and count >= RECURRING_SHARE * self.pages


class _FirstCopies:
    """The first copy of each running header and footer, in the order met."""

    def __init__(self) -> None:
        self.seen: list[_ZoneLine] = []
        self.headers: list[list[str]] = []
        self.footers: list[list[str]] = []

    def add(self, e: _ZoneLine) -> None:
        if any(_same_running(e, s) or s.key == e.key for s in self.seen):
            return
        self.seen.append(e)
        (self.headers if e.zone == "header" else self.footers).append([e.text])


def _small_print_apart(content: PageContent, i: int, body_size: float) -> bool:
    """The page's first or last line, in print smaller than the body, set apart."""
    frags = content.lines[i]
    small = max(w.size for f in frags for w in f.words) < body_size - 0.4
    edge = i in (0, len(content.lines) - 1)
    return small and edge and _set_apart(content.lines, i)


def _set_apart(lines: Lines, i: int) -> bool:
    """A margin line with a clear gap to the body text next to it."""
    line = lines[i]
    size = max(w.size for f in line for w in f.words)
    if len(lines) < 2:
        return True
    if i == 0:
        return min(f.top for f in lines[1]) - max(f.bottom for f in line) > SET_APART * size
    if i == len(lines) - 1:
        return min(f.top for f in line) - max(f.bottom for f in lines[-2]) > SET_APART * size
    return True


def _without(lines: Lines, drop: set[int]) -> Lines:
    return [ln for i, ln in enumerate(lines) if i not in drop]

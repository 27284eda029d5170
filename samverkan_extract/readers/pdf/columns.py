"""Body columns: gutters found from the words' x-positions, a page read in regions.

A *gutter* is an x-range that (almost) no word crosses over the whole page:

1. every word's x-extent is counted into a coverage histogram (one bin per point);
2. stretches of at least ``MIN_GUTTER`` points covered by no more than one word in 30
   fragments (at least one) are candidate gutters, the page's left edge excepted;
3. a candidate is kept when a good share of the fragments (a tenth, at least five)
   lies on each side, and the two sides stand beside each other over at least half of
   the shorter side's height;
4. and when the text beside it reads as body columns, not as cells of a grid (signature
   blocks, a borderless table, on a page otherwise set in one column): body columns
   stand close, the gutter no wider than a third of the narrower column; their lines
   run to the gutter, at least ``FILLED_SHARE`` of the left column's fragments
   reaching three quarters of its width (a signature grid's names and titles stop far
   short of the next cell); and each column's lines start at its left edge, half of
   them within two ems of it (a table split at one of its gaps has more columns
   beside the gutter, each starting elsewhere).

A page too short of text to show its columns (the last page of a two-column text), or
whose own gutters stand elsewhere (a narrow table in one column, alone on the page),
takes the document's most common gutters, when they are found on two pages or more (or
the document has no more than two) and none of its words crosses them.

With gutters, a page is read in *bands* from the top: a line with a word across a
gutter (a title over both columns) joins a full-width band; between such bands each
column is read whole, left to right, its words grouped into lines anew (the lines of
two columns need not share a height). A ruled table goes with the column its centre
falls in.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from samverkan_extract.readers.pdf.lines import line_fragments
from samverkan_extract.readers.pdf.model import Fragment, PageContent, Word, crosses

# The narrowest gap between two columns (points).
MIN_GUTTER = 8.0
# A page needs this many fragments to show columns.
MIN_FRAGMENTS = 12
# A gutter needs this share of the page's fragments (and five) on each side.
SIDE_SHARE = 0.1
# Body columns: the gutter is no wider than this share of the narrower column, and
# this share of the left column's fragments fill FILLED_WIDTH of its width.
GUTTER_SHARE = 1 / 3
FILLED_SHARE = 0.45
FILLED_WIDTH = 0.75
# Body columns: this share of each column's fragments start within ALIGNED_EMS times
# their size of its left edge.
ALIGNED_SHARE = 0.5
ALIGNED_EMS = 2.0

Gutter = tuple[float, float]


class Region(NamedTuple):
    """A part of a page read as a whole: its left and right edge and its fragments."""

    x0: float
    x1: float
    frags: list[Fragment]


def page_gutters(frags: list[Fragment]) -> list[Gutter]:
    """Gaps between body columns, from the words' x-positions over the whole page."""
    if len(frags) < MIN_FRAGMENTS:
        return []
    lo, cover = _coverage(frags)
    tol = max(1, len(frags) // 30)
    return [
        g
        for g in _clear_stretches(cover, lo, tol)
        if _columns_beside(frags, g) and _body_columns(frags, g)
    ]


def _coverage(frags: list[Fragment]) -> tuple[int, list[int]]:
    """How many words cover each point from the leftmost word on: (left edge, counts)."""
    lo = int(min(f.x0 for f in frags))
    hi = int(max(f.x1 for f in frags)) + 2
    cover = [0] * (hi - lo + 2)
    for f in frags:
        for w in f.words:
            cover[int(w.x0) - lo] += 1
            cover[int(w.x1) - lo + 1] -= 1
    running = 0
    for i in range(len(cover)):
        running += cover[i]
        cover[i] = running
    return lo, cover[: hi - lo]


def _clear_stretches(cover: list[int], lo: int, tol: int) -> list[Gutter]:
    """Stretches of at least ``MIN_GUTTER`` points covered by at most ``tol`` words,
    closed on both sides by text."""
    found: list[Gutter] = []
    start = None
    for i, c in enumerate(cover):
        if c <= tol:
            if start is None:
                start = i
        elif start is not None:
            if i - start >= MIN_GUTTER and start > 0:
                found.append((lo + start, lo + i))
            start = None
    return found


def _columns_beside(frags: list[Fragment], gutter: Gutter) -> bool:
    """Enough text on either side of a gutter, side by side over much of the page."""
    g0, g1 = gutter
    left = [f for f in frags if f.x1 <= g0 + 1]
    right = [f for f in frags if f.x0 >= g1 - 1]
    if min(len(left), len(right)) < max(5, SIDE_SHARE * len(frags)):
        return False
    ltop, lbot = min(f.top for f in left), max(f.bottom for f in left)
    rtop, rbot = min(f.top for f in right), max(f.bottom for f in right)
    overlap = min(lbot, rbot) - max(ltop, rtop)
    return overlap >= 0.5 * min(lbot - ltop, rbot - rtop)


def _body_columns(frags: list[Fragment], gutter: Gutter) -> bool:
    """Columns of body text, not the cells of a grid: set close beside each other, the
    left column's lines mostly running to the gutter."""
    g0, g1 = gutter
    left = [f for f in frags if f.x1 <= g0 + 1]
    right = [f for f in frags if f.x0 >= g1 - 1]
    lo = min(f.x0 for f in left)
    width = g0 - lo
    narrower = min(width, max(f.x1 for f in right) - g1)
    if g1 - g0 > GUTTER_SHARE * narrower:
        return False
    filled = sum(1 for f in left if f.x1 - lo >= FILLED_WIDTH * width)
    if filled < FILLED_SHARE * len(left):
        return False
    return _aligned(left, lo) and _aligned(right, g1)


def _aligned(frags: list[Fragment], edge: float) -> bool:
    """Whether most of a column's fragments start at its left edge (a table's columns
    start at several)."""
    starting = sum(1 for f in frags if f.x0 <= edge + ALIGNED_EMS * f.size)
    return starting >= ALIGNED_SHARE * len(frags)


def document_gutters(contents: list[PageContent]) -> list[list[Gutter]]:
    """Each page's column gutters; a page too short of text to show its columns (the
    last page of a two-column text), or whose own gap stands elsewhere (between the
    columns of a narrow table in one of them), takes the document's gutters if no word
    crosses them."""
    found = [page_gutters(c.fragments()) for c in contents]
    shared = _shared_gutters(found)
    if not shared:
        return found
    return [
        own if own and _agree(own, shared) else (shared if _fits(c, shared) else own)
        for c, own in zip(contents, found, strict=True)
    ]


def _agree(own: list[Gutter], shared: list[Gutter]) -> bool:
    """Whether each of a page's gutters overlaps one of the document's."""
    return all(any(min(a1, b1) > max(a0, b0) for b0, b1 in shared) for a0, a1 in own)


def _shared_gutters(found: list[list[Gutter]]) -> list[Gutter]:
    """The document's most common gutters (to the point), when they can be trusted:
    found on two pages, or the document has no more than two."""
    common = Counter(tuple((round(a), round(b)) for a, b in g) for g in found if g)
    if not common:
        return []
    layout, pages = common.most_common(1)[0]
    if pages < 2 and len(found) > 2:
        return []
    return [(float(a), float(b)) for a, b in layout]


def _fits(content: PageContent, gutters: list[Gutter]) -> bool:
    words = [w for f in content.fragments() for w in f.words]
    return bool(words) and not any(crosses(w, g) for w in words for g in gutters)


def page_regions(
    lines: list[list[Fragment]], gutters: list[Gutter], lo: float, hi: float
) -> list[Region]:
    """The page as regions in reading order: full-width bands and, between them, each
    column whole, left to right."""
    if not gutters:
        return [Region(lo, hi, [f for line in lines for f in line])]
    bands = _Bands(gutters, lo, hi)
    for line in sorted(lines, key=lambda ln: min(f.top for f in ln)):
        bands.add(line)
    return bands.close()


class _Bands:
    """Lines taken from the top, gathered into full-width bands and column bands."""

    def __init__(self, gutters: list[Gutter], lo: float, hi: float) -> None:
        self.gutters = gutters
        self.lo, self.hi = lo, hi
        bounds = [lo] + [g for gut in gutters for g in gut] + [hi]
        self.columns = [(bounds[2 * k], bounds[2 * k + 1]) for k in range(len(gutters) + 1)]
        self.mids = [(g0 + g1) / 2 for g0, g1 in gutters]
        self.regions: list[Region] = []
        self.band: list[list[Fragment]] = []
        self.spanning: list[Fragment] = []

    def add(self, line: list[Fragment]) -> None:
        if self._crossing(line):
            self._flush_band()
            self.spanning.extend(line)
        else:
            self._flush_spanning()
            self.band.append(line)

    def close(self) -> list[Region]:
        self._flush_band()
        self._flush_spanning()
        return self.regions

    def _crossing(self, line: list[Fragment]) -> bool:
        items: list[Fragment | Word] = []
        for f in line:
            items += [f] if f.table is not None else f.words
        return any(crosses(item, g) for item in items for g in self.gutters)

    def _column(self, x0: float, x1: float) -> int:
        centre = (x0 + x1) / 2
        return sum(centre > m for m in self.mids)

    def _flush_band(self) -> None:
        words: list[list[Word]] = [[] for _ in self.columns]
        tables: list[list[Fragment]] = [[] for _ in self.columns]
        for line in self.band:
            for f in line:
                if f.table is not None:
                    tables[self._column(f.x0, f.x1)].append(f)
                    continue
                for w in f.words:
                    words[self._column(w.x0, w.x1)].append(w)
        for k, (c0, c1) in enumerate(self.columns):
            frags = line_fragments(words[k]) + tables[k]
            if frags:
                self.regions.append(Region(c0, c1, frags))
        self.band.clear()

    def _flush_spanning(self) -> None:
        if self.spanning:
            self.regions.append(Region(self.lo, self.hi, self.spanning[:]))
            self.spanning.clear()

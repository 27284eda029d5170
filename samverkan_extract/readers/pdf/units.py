"""Units: blocks as the layout builds them, before they are added to the document; and
the document-wide measures the layout reads them against.

A ``Unit`` keeps more than a block: the box of each of its lines, the column it sits in
and its last line, so that the next line can be judged a continuation (a wrap, an item
going on) and a unit can be joined over a column or page break.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from samverkan_extract.document import BBox
from samverkan_extract.readers.pdf.model import Line, PageContent

# The body size taken when a document has no words at all.
DEFAULT_BODY_SIZE = 10.0
# The gap between lines (times the size) taken when a document shows none.
DEFAULT_LINE_GAP = 0.3
# A gap this much wider than the typical one (times the size) opens a paragraph, and
# never less than PARAGRAPH_GAP_MIN.
PARAGRAPH_GAP_EXTRA = 0.3
PARAGRAPH_GAP_MIN = 0.5
# Pages with this many lines show where the body text of a full page ends.
FULL_PAGE_LINES = 10
# A line reaching this share of the page's text width is wrapped: the gap under it is
# one between lines of a paragraph. With this many such gaps in the document, the
# typical line gap is theirs.
FULL_LINE = 0.85
MIN_WRAPPED_GAPS = 5


@dataclass(eq=False)
class Unit:
    """A block before it is added: kind, lines and where it sits."""

    kind: str
    lines: list[str]
    page: int
    bbox: BBox
    level: int = 0
    heading_key: tuple[float, bool] | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    keep_breaks: bool = False
    size: float = 0.0
    text_x0: float = 0.0  # where a list item's text starts (continuation lines align)
    right: float = 0.0  # the right edge of the column the unit sits in
    left: float = 0.0  # and its left edge
    boxes: list[BBox] = field(default_factory=list)  # each line's box
    last_line: Line | None = None
    depth: int = 0  # a list item set in under the item before
    marker: str | None = None  # the list marker removed from a list item


@dataclass
class Stats:
    """What the whole document shows: the body size, the gap that opens a paragraph
    (times the size), and where the body text of a full page ends."""

    body_size: float
    para_gap: float
    right_edge: float = 0.0


class TableNumbers:
    """Tables are numbered in reading order over the whole document."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.count - 1


def document_stats(contents: list[PageContent]) -> Stats:
    """The body size (the size most characters are set in, to half a point), the
    paragraph gap (the median gap between single-fragment body lines under a wrapped
    line, plus a margin; under any line when too few are wrapped: in a text of one-line
    paragraphs most gaps are paragraph gaps) and the body's right edge (the median over
    pages with ``FULL_PAGE_LINES`` lines)."""
    body = _body_size(contents)
    gaps = [g for c in contents for g in _line_gaps(c, body)]
    wrapped = [g for g, full in gaps if full]
    if len(wrapped) < MIN_WRAPPED_GAPS:
        wrapped = [g for g, _ in gaps]
    typical = statistics.median(wrapped) if wrapped else DEFAULT_LINE_GAP
    edges = [
        max(w.x1 for w in c.words) for c in contents if len(c.lines) >= FULL_PAGE_LINES and c.words
    ]
    right = statistics.median(edges) if edges else 0.0
    return Stats(
        body_size=body,
        para_gap=max(PARAGRAPH_GAP_MIN, typical + PARAGRAPH_GAP_EXTRA),
        right_edge=right,
    )


def _body_size(contents: list[PageContent]) -> float:
    sizes: Counter[float] = Counter()
    for content in contents:
        for w in content.words:
            sizes[round(w.size * 2) / 2] += len(w.text)
    return sizes.most_common(1)[0][0] if sizes else DEFAULT_BODY_SIZE


def _line_gaps(content: PageContent, body: float) -> list[tuple[float, bool]]:
    """Gaps (times the size) between consecutive one-fragment lines at body size, each
    with whether the line above runs across the page (a wrapped line, so that the gap
    is one between lines of a paragraph)."""
    words = content.words
    if not words:
        return []
    left = min(w.x0 for w in words)
    full = left + FULL_LINE * (max(w.x1 for w in words) - left)
    gaps = []
    for a, b in zip(content.lines, content.lines[1:], strict=False):
        if len(a) != 1 or len(b) != 1:
            continue
        fa, fb = a[0], b[0]
        size = fa.words[0].size
        if abs(size - body) > 0.6 or abs(fb.words[0].size - body) > 0.6:
            continue
        gap = fb.top - fa.bottom
        if 0 <= gap < 1.2 * size:
            gaps.append((gap / size, fa.x1 >= full))
    return gaps

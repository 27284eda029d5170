"""Layout: the pages' words laid out into the document's blocks, in reading order.

For the whole document:

1. each page's words in ruled tables go to their cells (``tables.py``); the rest are
   grouped into lines and fragments (``lines.py``);
2. the document's measures are taken (``units.document_stats``): body size, paragraph
   gap, the body's right edge;
3. running headers, footers and page numbers are dropped (``running.py``); then, on
   scanned pages, a word within a fifth of the body size is taken as set in it (OCR
   text heights waver);
4. column gutters are found per page, short pages taking the document's (``columns.py``);
5. each page is laid out (``PageLayout``) and its units joined to the page before
   where a paragraph runs on over the page break; then paragraphs broken at the foot of
   a column are joined to the head of the next one;
6. heading levels are ranked (``headings.py``), list items nested by indent.

``PageLayout`` reads a page region by region (``columns.page_regions``); in a region,
row by row: a row holding a ruled table gives the table's cells, a row that opens a
side-by-side run gives the run (``runs.py``, ``tables.py``), and the other rows flow
into paragraphs, headings and list items (``flow.py``).
"""

from __future__ import annotations

from samverkan_extract.document import BBox, DocumentBuilder, join_lines
from samverkan_extract.readers.pdf.columns import Gutter, document_gutters, page_regions
from samverkan_extract.readers.pdf.flow import Flow
from samverkan_extract.readers.pdf.headings import guess_headings, heading_levels, scan_ranks
from samverkan_extract.readers.pdf.lines import Row, group_lines, rows, split_fragments
from samverkan_extract.readers.pdf.model import Fragment, Line, PageContent, Table, Word
from samverkan_extract.readers.pdf.running import drop_running_lines
from samverkan_extract.readers.pdf.runs import ColumnRun, side_by_side_run
from samverkan_extract.readers.pdf.tables import (
    assign_table_words,
    prose_columns,
    ruled_table_cells,
    run_cells,
)
from samverkan_extract.readers.pdf.units import Stats, TableNumbers, Unit, document_stats

# Characters that end a sentence: a paragraph does not run on over a break after them.
SENTENCE_END = ".:;!?"
# On a scan, words within this share of the body size are taken as set in it.
SCAN_BODY_SPREAD = 0.2
# A list item whose marker stands this many points right of the list's is nested; one
# this far left of a nested item's closes it.
NEST_INDENT = 6
UNNEST_INDENT = 3


def layout_document(contents: list[PageContent], builder: DocumentBuilder) -> None:
    """Lay out every page and add the blocks to ``builder`` (running headers first,
    footers last)."""
    for content in contents:
        assign_table_words(content)
        content.lines = [split_fragments(ws) for ws in group_lines(content.words)]
    stats = document_stats(contents)
    # before scanned sizes are snapped to the body: small print must still be small
    headers, footers = drop_running_lines(contents, stats.body_size)
    for content in contents:
        if content.ocr:
            _snap_to_body(content, stats.body_size)
    numbers = TableNumbers()
    units: list[Unit] = []
    for content, gutters in zip(contents, document_gutters(contents), strict=True):
        units = _join_across_pages(units, PageLayout(content, stats, numbers, gutters).run())
    units = _join_across_columns(units)
    heading_levels(units)
    _list_depths(units)
    last_page = contents[-1].number if contents else None
    _emit(builder, units, headers, footers, last_page)


def _snap_to_body(content: PageContent, body: float) -> None:
    """A scanned line's text height wavers around the body size."""
    for w in content.words:
        if abs(w.size - body) <= SCAN_BODY_SPREAD * body:
            w.size = body


def _emit(
    builder: DocumentBuilder,
    units: list[Unit],
    headers: list[list[str]],
    footers: list[list[str]],
    last_page: int | None,
) -> None:
    for lines in headers:
        builder.add("header", lines, page=1)
    for u in units:
        lines = u.lines
        if u.kind == "heading":
            lines = [join_lines(lines).replace("\n", " ")]
        builder.add(
            u.kind,  # type: ignore[arg-type]
            lines,
            page=u.page,
            bbox=_rounded(u.bbox),
            level=u.level,
            keep_breaks=u.keep_breaks,
            table=u.table,
            row=u.row,
            col=u.col,
            depth=u.depth,
            marker=u.marker,
        )
    for lines in footers:
        builder.add("footer", lines, page=last_page)


def _rounded(box: BBox) -> BBox:
    x0, top, x1, bottom = box
    return (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))


class PageLayout:
    """Turns one page's regions into units."""

    def __init__(
        self, content: PageContent, stats: Stats, numbers: TableNumbers, gutters: list[Gutter]
    ) -> None:
        self.content = content
        self.stats = stats
        self.numbers = numbers
        self.gutters = gutters
        self.flow = Flow(content.number, stats, ocr=content.ocr)
        self.units: list[Unit] = []

    def run(self) -> list[Unit]:
        content = self.content
        frags = content.fragments()
        tables = [self._table_fragment(t) for t in content.tables]
        if not frags and not tables:
            return []
        lo = min(f.x0 for f in frags + tables)
        hi = max(f.x1 for f in frags + tables)
        hi = max(hi, self.stats.right_edge)  # a page short of text keeps the margins
        lines = content.lines + [[tf] for tf in tables]
        for region in page_regions(lines, self.gutters, lo, hi):
            self._region(region.frags, region.x1)
        if content.ocr:  # over the whole page: a title may stand over a table
            guess_headings(self.units, scan_ranks(self.stats.body_size)[0])
        return self.units

    def _table_fragment(self, table: Table) -> Fragment:
        """A ruled table standing in the flow: one empty word over its box."""
        x0, top, x1, bottom = table.bbox
        return Fragment([Word("", x0, x1, top, bottom, self.stats.body_size, False)], table)

    def _region(self, frags: list[Fragment], right: float) -> None:
        """A region row by row: ruled tables, side-by-side runs, and flowing lines."""
        found = rows(frags)
        flow: list[Line] = []
        i = 0
        while i < len(found):
            row = found[i]
            table = next((f.table for f in row.frags if f.table is not None), None)
            run = side_by_side_run(found, i) if table is None and len(row.frags) >= 2 else None
            if table is None and run is None:
                flow.append(Line(row.flow_words()))
                i += 1
                continue
            self._flow(flow, right)
            flow = []
            if table is not None:
                self.units += ruled_table_cells(table, self.numbers.next(), self.content.number)
                flow += _rest_of_row(row)
                i += 1
            elif run is not None:
                self._side_by_side(run, right)
                i += len(run.rows)
        self._flow(flow, right)

    def _flow(self, lines: list[Line], right: float) -> None:
        self.units += self.flow.units(lines, right)

    def _side_by_side(self, run: ColumnRun, right: float) -> None:
        """Prose columns are read one after the other; short lines (signature blocks,
        borderless tables) become table cells, row by row."""
        prose = prose_columns(run, right, self.stats.para_gap)
        if prose is not None:
            for lines, edge in prose:
                self._flow(lines, edge)
            return
        self.units += run_cells(run, self.stats, self.numbers.next(), self.content.number, right)


def _rest_of_row(row: Row) -> list[Line]:
    """The text beside a ruled table in its row, as one flowing line."""
    rest = [f for f in row.frags if f.table is None]
    return [Line([w for f in rest for w in f.words])] if rest else []


def _join_across_pages(units: list[Unit], page_units: list[Unit]) -> list[Unit]:
    """A paragraph broken by a page break is one paragraph: the last unit of a page and
    the first of the next are joined when the text runs on."""
    if units and page_units and _runs_on(units[-1], page_units[0]):
        units[-1].lines += page_units[0].lines
        page_units = page_units[1:]
    return units + page_units


def _join_across_columns(units: list[Unit]) -> list[Unit]:
    """A paragraph broken at the foot of a column goes on at the head of the next one
    on the same page: joined like a paragraph broken by a page break."""
    out: list[Unit] = []
    for u in units:
        last = out[-1] if out else None
        if last and last.page == u.page and u.bbox[0] > last.bbox[2] - 1 and _runs_on(last, u):
            last.lines += u.lines
            continue
        out.append(u)
    return out


def _runs_on(last: Unit, first: Unit) -> bool:
    """No sentence end before the break, and a lower-case start or a hyphen at it."""
    return (
        last.kind in ("paragraph", "list_item")
        and first.kind == "paragraph"
        and bool(last.lines)
        and bool(first.lines)
        and last.lines[-1][-1:] not in SENTENCE_END
        and (first.lines[0][:1].islower() or last.lines[-1].endswith("-"))
        and abs(first.size - last.size) <= 1.0
    )


def _list_depths(units: list[Unit]) -> None:
    """A list item whose marker stands further right than the list's first is nested;
    each marker's place is measured from the left edge of its column (a list going on
    at the head of the next column stands no deeper)."""
    indents: list[float] = []
    for u in units:
        if u.kind != "list_item":
            indents = []
            continue
        x0 = u.bbox[0] - u.left
        indents = indents or [x0]
        while len(indents) > 1 and x0 < indents[-1] - UNNEST_INDENT:
            indents.pop()
        if x0 > indents[-1] + NEST_INDENT:
            indents.append(x0)
        u.depth = len(indents) - 1

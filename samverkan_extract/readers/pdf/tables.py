"""Tables: ruled tables (cell boxes from pdfplumber) and side-by-side runs read as cells.

* A *ruled table*'s words are taken out of the page's flow into the cell whose box holds
  their centre (1 pt of slack); each cell's words are grouped into lines and become one
  table cell, its lines kept apart but wrapped lines joined (``cell_lines``), the cell's
  text running to its box less the inset its text shows on the left.
* A *side-by-side run* (``runs.py``) of five rows or more whose pieces mostly fill their
  column (three in five reaching three quarters of its width), and whose rows break
  across all its columns at once (a gap wider than the paragraph gap) no more than
  once, is prose set in columns: each column is read as flowing text, one after the
  other. Any other run is a
  borderless table (signature blocks): its rows are cut where the gap above is wider
  than the paragraph gap or a label column ("Datum:") starts a row, and each column of
  a row becomes a table cell, its lines kept apart but wrapped lines joined
  (``cell_lines``). A column's text runs to the next column's start less a gap of
  ``CELL_GAP`` times the size (the last column as wide as the one before it, or to the
  region's right edge), and at least as far as any of its lines reaches.

A cell's line is wrapped when the next line's first word would not have fitted after
it, and the next line goes on in lower case, or is a surname under a lone first name,
or the line ends in a word that needs more and fills most of the cell
("Lokalpolisområdeschef, lokalpolisområde" / "Falkenberg/Hylte"), or the line fills the
cell (to within ``FULL_SLACK`` times its size) and the next line is one word, the last
of what it says ("Ordförande i Hälso- och sjukvårdsnämnden" / "Östra"). A short line
over a capitalised one ("Henrik Ståhl" / "Tf. chef"), a full line over several
capitalised words, and a line opening with a label ("Befattning:"), are lines of their
own.
"""

from __future__ import annotations

import statistics

import regex

from samverkan_extract.document import BBox, is_hyphenated
from samverkan_extract.readers.pdf.flow import FILLED_SOME, open_ending
from samverkan_extract.readers.pdf.lines import group_lines
from samverkan_extract.readers.pdf.model import (
    Line,
    PageContent,
    Table,
    Word,
    join_words,
    lines_bbox,
)
from samverkan_extract.readers.pdf.runs import ColumnRun, filled
from samverkan_extract.readers.pdf.units import Stats, Unit

# Slack (points) around a cell box for a word's centre.
CELL_SLACK = 1
# A run is prose in columns with this many rows or more, and this share of its pieces
# filling three quarters of their column.
PROSE_ROWS = 5
PROSE_SHARE = 0.6
PROSE_FILL = 0.75
# Prose in columns breaks across all its columns at once no more often than this.
PROSE_ROW_BREAKS = 1
# A cell's text stops this many times its size before the next column starts.
CELL_GAP = 1.5
# A cell's line ending this many times its size or less before the cell's edge is full.
FULL_SLACK = 2.0

_LABEL = regex.compile(r"\p{L}[\p{L}\d .-]{0,30}\p{L}:")
_CAPITALISED = regex.compile(r"\p{Lu}\p{Ll}+")
_CAPITALISED_NAME = regex.compile(r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?")


# --- Ruled tables ---------------------------------------------------------------------


def assign_table_words(content: PageContent) -> None:
    """Words inside a ruled table's cells go to the cell; the rest stay in the flow.
    Tables left without words are dropped."""
    if not content.tables:
        return
    rest = []
    for w in content.words:
        if not _place(content.tables, w):
            rest.append(w)
    content.words = rest
    content.tables = [t for t in content.tables if t.cells]


def _place(tables: list[Table], w: Word) -> bool:
    """Put a word into the first cell (of the first table) that holds its centre."""
    cx, cy = (w.x0 + w.x1) / 2, w.middle
    for t in tables:
        if not _holds(t.bbox, cx, cy):
            continue
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                if cell is not None and _holds(cell, cx, cy):
                    t.cells.setdefault((r, c), []).append(w)
                    return True
    return False


def _holds(box: BBox, x: float, y: float) -> bool:
    x0, top, x1, bottom = box
    return x0 - CELL_SLACK <= x <= x1 + CELL_SLACK and top - CELL_SLACK <= y <= bottom + CELL_SLACK


def ruled_table_cells(table: Table, number: int, page: int) -> list[Unit]:
    """A ruled table's cells as table-cell units, row by row."""
    units = []
    for (r, c), words in sorted(table.cells.items()):
        lines = [Line(ws) for ws in group_lines(words)]
        if not lines:
            continue
        left, limit = _text_room(table.rows[r][c], lines)
        units.append(
            Unit(
                "table_cell",
                cell_lines(lines, left, limit),
                page,
                lines_bbox(lines),
                table=number,
                row=r,
                col=c,
                keep_breaks=True,
                size=lines[0].size,
            )
        )
    return units


def _text_room(box: BBox | None, lines: list[Line]) -> tuple[float, float]:
    """Where a ruled cell's text may run: from its left edge to its box less the inset
    its text shows on the left (at most the size: centred text shows more)."""
    x0 = min(ln.x0 for ln in lines)
    x1 = max(ln.x1 for ln in lines)
    if box is None:
        return x0, x1
    inset = min(max(0.0, x0 - box[0]), lines[0].size)
    return x0, max(x1, box[2] - inset)


# --- Side-by-side runs ----------------------------------------------------------------


def prose_columns(
    run: ColumnRun, right: float, para_gap: float
) -> list[tuple[list[Line], float]] | None:
    """A run that is prose set in columns: each column's lines with its right edge;
    None for a borderless table (also one whose rows break across every column at
    once, more than once: prose columns do not keep their paragraph gaps in step)."""
    edges = run.starts[1:] + [right]
    pieces = [(k, Line(ws)) for cols in run.columns for k, ws in enumerate(cols) if ws]
    if len(run.rows) < PROSE_ROWS or not _mostly_full(pieces, run.starts, edges):
        return None
    if len(_table_rows(run, para_gap)) > PROSE_ROW_BREAKS + 1:
        return None
    return [([ln for c, ln in pieces if c == k], edges[k]) for k in range(run.ncols)]


def _mostly_full(pieces: list[tuple[int, Line]], starts: list[float], edges: list[float]) -> bool:
    """Whether most pieces (column, line) fill their column."""
    widths = [max(1.0, edge - start) for start, edge in zip(starts, edges, strict=True)]
    long_lines = sum(1 for k, ln in pieces if ln.x1 - ln.x0 >= PROSE_FILL * widths[k])
    return long_lines >= PROSE_SHARE * len(pieces)


def run_cells(run: ColumnRun, stats: Stats, number: int, page: int, right: float) -> list[Unit]:
    """A borderless table's cells, row by row, each column of a row one cell."""
    limits = _column_limits(run, right)
    units = []
    for r, members in enumerate(_table_rows(run, stats.para_gap)):
        for k in range(run.ncols):
            lines = [Line(run.columns[n][k]) for n in members if run.columns[n][k]]
            if not lines:
                continue
            units.append(
                Unit(
                    "table_cell",
                    cell_lines(lines, run.starts[k], limits[k]),
                    page,
                    lines_bbox(lines),
                    table=number,
                    row=r,
                    col=k,
                    keep_breaks=True,
                    size=lines[0].size,
                )
            )
    return units


def _column_limits(run: ColumnRun, right: float) -> list[float]:
    """Where each column's text must wrap: before the next column starts, less a gap;
    the last column as wide as the one before it, or running to the region's edge; and
    never short of where the column's text reaches."""
    starts = run.starts
    ends = starts[1:] + [max(starts[-1] + starts[-1] - starts[-2], right)]
    sizes = [w.size for cols in run.columns for ws in cols for w in ws]
    gap = CELL_GAP * (statistics.median(sizes) if sizes else 0.0)
    limits = [end - gap for end in ends]
    for cols in run.columns:
        for k, ws in enumerate(cols):
            if ws:
                limits[k] = max(limits[k], max(w.x1 for w in ws))
    return limits


def _table_rows(run: ColumnRun, para_gap: float) -> list[list[int]]:
    """The run's rows grouped into table rows: a new one after a paragraph gap or where
    a label column starts one."""
    rows: list[list[int]] = [[0]]
    for n in range(1, len(run.rows)):
        prev, row = run.rows[n - 1], run.rows[n]
        if row.top - prev.bottom > para_gap * row.size or _labels(run, n):
            rows.append([])
        rows[-1].append(n)
    return rows


def _labels(run: ColumnRun, n: int) -> bool:
    """A label column ("Datum:", "Diarienummer:") gives one row per line."""
    first = run.columns[n][0]
    return (
        bool(first)
        and _LABEL.fullmatch(join_words(first)) is not None
        and filled(run.columns[n]) >= 2
    )


def cell_lines(lines: list[Line], left: float, limit: float) -> list[str]:
    """A cell's lines as text, with wrapped lines joined: the next line's first word
    would not have fitted before ``limit``, and that line goes on in lower case
    ("Regionstyrelsens vice" / "ordförande", while "Henrik Ståhl" / "tf. chef" stay
    apart), is a surname under a lone first name ("Veronica" / "Gustafsson"), or goes on
    with a line that fills the cell from ``left`` (see the module's docstring)."""
    out = [lines[0].text]
    for n in range(1, len(lines)):
        prev, line = lines[n - 1], lines[n]
        if _wraps(prev, line, out[-1], (left, limit), second=n == 1):
            out[-1] = _joined(out[-1], line.text)
        else:
            out.append(line.text)
    return out


def _wraps(prev: Line, line: Line, before: str, room: tuple[float, float], *, second: bool) -> bool:
    """Whether ``line`` goes on with the cell line above (whose text is ``before``)."""
    first = regex.match(r"\w+", line.text)
    if first is None:
        return False
    left, limit = room
    width = line.words[0].x1 - line.words[0].x0
    wrapped = prev.x1 + 0.3 * line.size + width > limit
    if not wrapped or before[-1] in ".:;!?":
        return False
    if _LABEL.match(line.text):  # "Namnförtydligande: ..." opens a line of its own
        return False
    if first.group().islower() or (second and _lone_first_name(prev, line, before)):
        return True
    if open_ending(before):  # "lokalpolisområde" / "Falkenberg/Hylte"
        return prev.x1 - left >= FILLED_SOME * (limit - left)
    # a full line broken before the last word of what it says ("... sjukvårdsnämnden"
    # / "Östra"); a full line over a line of several words ("Hälso- och
    # sjukvårdsdirektör" / "Region Jönköpings län") may be two lines typed
    return limit - prev.x1 <= FULL_SLACK * line.size and len(line.words) == 1


def _lone_first_name(prev: Line, line: Line, before: str) -> bool:
    """A first name alone over a surname alone ("Veronica" / "Gustafsson")."""
    return (
        len(prev.words) == 1
        and len(line.words) == 1
        and _CAPITALISED.fullmatch(before) is not None
        and _CAPITALISED_NAME.fullmatch(line.text) is not None
    )


def _joined(before: str, text: str) -> str:
    if is_hyphenated(before, text):
        return before[:-1] + text
    if before.endswith("-") and not before[-2:-1].islower():
        return before + text  # "SSPF-" / "gruppen"
    return f"{before} {text}"

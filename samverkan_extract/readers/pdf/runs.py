"""Side-by-side runs: rows of a region that stand in columns (signature blocks,
borderless tables), found from the row that opens them.

A run starts at a row of two fragments or more. Two ways of seeing its columns are
tried, and the one that takes in more rows wins:

* *left-aligned*: every row's words are shared out at the column starts of the first
  row; a word reaching into the next column (closer than a quarter of its size to its
  start) ends the run. This finds tight tables.
* *gutters*: the gaps between the first row's fragments, narrowed row by row to let
  each row in (a fragment goes to the side its centre lies on); a gutter narrower than
  ``MIN_GUTTER`` ends the run. This finds centred cells.

A row goes on with the run when the gap above it is under 1.2 × its size (8 × when it
has text in two columns or more). The run needs two rows with text in two columns or
more; it is no run when its first column holds nothing but list markers, or when most
of its rows show a gap between "columns" no wider than twice the typical gap between
words (justified prose, whose stretched word gaps can line up by chance).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from samverkan_extract.readers.pdf.columns import MIN_GUTTER, Gutter
from samverkan_extract.readers.pdf.lines import Row
from samverkan_extract.readers.pdf.markers import is_strict_marker
from samverkan_extract.readers.pdf.model import Word

# Row gaps (times the row's size) a run goes on over: a row with text in two columns
# or more, and one with less.
RUN_GAP_FILLED = 8
RUN_GAP = 1.2
# A column start takes in words starting this far (points) before it.
START_SLACK = 1.5
# Between real columns the gap is wider than this many typical word gaps.
COLUMN_GAP = 2.0

Columns = list[list[Word]]  # one row's words, by column


@dataclass
class ColumnRun:
    """Rows standing side by side in columns, and how their words are shared out."""

    rows: list[Row]
    starts: list[float]  # where each column begins (left edge)
    columns: list[Columns]  # per row, per column: the words

    @property
    def ncols(self) -> int:
        return len(self.starts)


def side_by_side_run(rows: list[Row], i: int) -> ColumnRun | None:
    """The rows from ``i`` that stand in columns, or None."""
    first = rows[i]
    if len(first.frags) < 2:
        return None
    starts = [f.x0 for f in first.frags]
    by_starts = _run_by_starts(rows, i, starts)
    gutters, end = _run_by_gutters(rows, i)
    if end - i > len(by_starts):
        run = rows[i:end]
        columns = [split_by_gutters(row, gutters) for row in run]
        starts = [first.frags[0].x0] + [g1 for _, g1 in gutters]
    else:
        run, columns = rows[i : i + len(by_starts)], by_starts
    if sum(filled(c) >= 2 for c in columns) < 2 or _marker_column(columns):
        return None
    if _justified(columns):
        return None
    return ColumnRun(run, starts, columns)


def filled(cols: Columns) -> int:
    """How many columns of a row have words."""
    return sum(1 for c in cols if c)


def _run_continues(prev: Row, row: Row, columns_filled: int) -> bool:
    gap = row.top - prev.bottom
    if columns_filled >= 2:
        return gap <= RUN_GAP_FILLED * row.size
    return gap <= RUN_GAP * row.size


def _run_by_starts(rows: list[Row], i: int, starts: list[float]) -> list[Columns]:
    """The run's rows split at the first row's column starts."""
    first = _split_by_starts(rows[i], starts)
    if first is None:  # fragments of the row overlap: no left-aligned columns
        return []
    out = [first]
    for j in range(i + 1, len(rows)):
        cols = _split_by_starts(rows[j], starts)
        if cols is None or not _run_continues(rows[j - 1], rows[j], filled(cols)):
            break
        out.append(cols)
    return out


def _split_by_starts(row: Row, starts: list[float]) -> Columns | None:
    """Words by left-aligned column; None when a word runs into the next column."""
    cols: Columns = [[] for _ in starts]
    for w in row.words():
        k = 0
        for j, s in enumerate(starts):
            if w.x0 >= s - START_SLACK:
                k = j
        cols[k].append(w)
    for k in range(1, len(starts)):
        if cols[k - 1] and cols[k - 1][-1].x1 > starts[k] - 0.25 * cols[k - 1][-1].size:
            return None
    return cols


def _run_by_gutters(rows: list[Row], i: int) -> tuple[list[Gutter], int]:
    """The first row's gaps narrowed row by row, and where the run they allow ends."""
    first = rows[i]
    gutters = [(a.x1, b.x0) for a, b in zip(first.frags, first.frags[1:], strict=False)]
    k = i + 1
    while k < len(rows):
        fitted = _fit_gutters(gutters, rows[k])
        if fitted is None:
            break
        columns_filled = filled(split_by_gutters(rows[k], fitted))
        if not _run_continues(rows[k - 1], rows[k], columns_filled):
            break
        gutters = fitted
        k += 1
    return gutters, k


def split_by_gutters(row: Row, gutters: list[Gutter]) -> Columns:
    """A row's words by column, each fragment going to the side its centre lies on."""
    mids = [(g0 + g1) / 2 for g0, g1 in gutters]
    cols: Columns = [[] for _ in range(len(gutters) + 1)]
    for f in row.frags:
        centre = (f.x0 + f.x1) / 2
        cols[sum(centre > m for m in mids)] += f.words
    return cols


def _fit_gutters(gutters: list[Gutter], row: Row) -> list[Gutter] | None:
    """The gutters narrowed to let this row in, or None when one closes up.

    A fragment is on the side of a gutter where its centre lies, so centred cells and
    titles wider than the name above them still fit.
    """
    out = []
    for g0, g1 in gutters:
        mid = (g0 + g1) / 2
        for f in row.frags:
            if (f.x0 + f.x1) / 2 < mid:
                g0 = max(g0, f.x1)
            else:
                g1 = min(g1, f.x0)
        if g1 - g0 < MIN_GUTTER:
            return None
        out.append((g0, g1))
    return out


def _justified(columns: list[Columns]) -> bool:
    """Lines of justified prose, whose word gaps are all stretched alike, can line up
    a gap by chance; between real columns the gap is far wider than between words.
    Most of the rows that show both kinds of gap must say so (specks are left out)."""
    shown = stretched = 0
    for row in columns:
        inner, between = _gaps(row)
        if inner and between:
            shown += 1
            stretched += min(between) < COLUMN_GAP * statistics.median(inner)
    return shown > 0 and stretched * 2 > shown


def _gaps(row: Columns) -> tuple[list[float], list[float]]:
    """A row's gaps between words within a column and between columns (words with a
    letter or digit only)."""
    cols = [[w for w in col if any(c.isalnum() for c in w.text)] for col in row]
    inner = [b.x0 - a.x1 for col in cols for a, b in zip(col, col[1:], strict=False)]
    between = [
        cols[k + 1][0].x0 - cols[k][-1].x1 for k in range(len(cols) - 1) if cols[k] and cols[k + 1]
    ]
    return inner, between


def _marker_column(columns: list[Columns]) -> bool:
    """A first column of bullets or item numbers only: a list, not columns."""
    firsts = [cols[0] for cols in columns if cols and cols[0]]
    return bool(firsts) and all(len(ws) == 1 and is_strict_marker(ws[0].text) for ws in firsts)

"""Blocks as read, before they join the document (``Pending``), and what is done to them
once the walk is over: lines typed in columns made tables of their own, and the tables
numbered in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from samverkan_extract.document import BlockKind, clean_line
from samverkan_extract.readers.common import BULLETS, DASHES, column_runs

# A list marker or number typed before a tab ("1.<TAB>Bakgrund", "•<TAB>Narkotika"):
# an item, not a row of columns.
_MARKER_CELL = regex.compile(
    rf"^\s*(?:\(?\d{{1,3}}(?:\.\d{{1,3}})*[.)]?|\(?\p{{L}}[.)]|[{DASHES}{BULLETS}*])(?:\t| {{3,}})"
)


@dataclass
class Pending:
    kind: BlockKind
    lines: list[str]
    level: int = 0
    keep_breaks: bool = False
    table: int | None = None
    row: int | None = None
    col: int | None = None
    depth: int = 0
    raw: list[str] = field(default_factory=list)  # a paragraph's lines, tabs and spaces kept


# --- Columns typed with tabs or spaces ------------------------------------------------


def columns_as_tables(blocks: list[Pending], first_table: int) -> tuple[list[Pending], int]:
    """Lines that hold columns set apart by tabs or runs of 3+ spaces, two or more in a
    row (signature blocks typed side by side, "Maria Lundgren<TAB><TAB>Per-Erik Holm"
    over their titles; parties beside their organisation numbers), in body paragraphs or
    in a table cell: a table of their own numbered from ``first_table``, one cell per
    column of each line, as the text reader reads such lines. The other lines stay in
    their blocks. Returns the blocks and the next free table number."""
    stream: list[str] = []  # every paragraph's lines, "" between paragraphs
    where: list[tuple[int, int] | None] = []  # (block, line) of each stream line
    for k, block in enumerate(blocks):
        if block.kind in ("paragraph", "table_cell") and block.raw:
            if stream:
                stream.append("")
                where.append(None)
            for n, line in enumerate(block.raw):
                stream.append(clean_line(line) if _MARKER_CELL.match(line) else line)
                where.append((k, n))
        else:  # a heading, a list item: no line of columns, and none across it
            stream.append("\x00")
            where.append((k, -1))
    runs = column_runs(stream)
    if not runs:
        return blocks, first_table
    table = first_table
    out: list[Pending] = []
    part: list[str] = []
    part_of = -1

    def flush() -> None:
        nonlocal part
        if part:
            out.append(replace(blocks[part_of], lines=part, raw=[]))
        part = []

    i = 0
    while i < len(stream):
        if i in runs:
            flush()
            i, rows = runs[i]
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    if clean_line(cell):
                        out.append(
                            Pending(
                                "table_cell",
                                [clean_line(cell)],
                                keep_breaks=True,
                                table=table,
                                row=r,
                                col=c,
                            )
                        )
            table += 1
            continue
        at = where[i]
        i += 1
        if at is None:
            continue
        k, n = at
        if n < 0:
            flush()
            out.append(blocks[k])
            continue
        if k != part_of:
            flush()
            part_of = k
        part.append(clean_line(blocks[k].raw[n]))
    flush()
    return out, table


def renumber_tables(blocks: list[Pending]) -> list[Pending]:
    """Tables numbered in reading order (a table read from typed columns came last)."""
    numbers: dict[int, int] = {}
    for b in blocks:
        if b.table is not None:
            b.table = numbers.setdefault(b.table, len(numbers))
    return blocks

"""The body walk: the main part's elements, in document order, into pending blocks.

python-docx's ``document.paragraphs`` skips tables, content controls, tracked insertions and text
boxes, so the body is walked element by element instead: paragraphs, tables (one
``table_cell`` block per cell; merged cells once), ``w:sdt`` content controls, text
boxes (after the paragraph that anchors them), tracked insertions in and deletions
out. Control characters become breaks (vertical tab) or are dropped, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samverkan_extract.document import clean_line
from samverkan_extract.readers.common import column_cells, drop_controls
from samverkan_extract.readers.docx.blocks import Pending, columns_as_tables
from samverkan_extract.readers.docx.ooxml import MC, SDT, is_placeholder, q, style_id_of
from samverkan_extract.readers.docx.package import Package, over_limit
from samverkan_extract.readers.docx.runs import RunState, walk
from samverkan_extract.readers.docx.styles import Styles

_P, _TBL, _TR, _TC = q("p"), q("tbl"), q("tr"), q("tc")


@dataclass
class Para:
    """What one paragraph says: its lines, whether all of it is bold, text boxes in it."""

    lines: list[str]
    bold: bool
    textboxes: list[Any] = field(default_factory=list)


class DocxReader:
    """Walks a document's XML into pending blocks."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.styles = Styles(package)
        self.table_count = 0
        self.in_header = False
        self.controls = 0  # control characters dropped from the text

    def body(self, max_chars: int) -> list[Pending]:
        """The body's blocks, read element by element; stops with an error as soon as
        their text is past ``max_chars``."""
        out: list[Pending] = []
        length = 0
        for element in self.package.body(max_chars):
            for pending in self.blocks([element]):
                out.append(pending)
                length += sum(len(line) + 1 for line in pending.lines) + 1
                if length > max_chars:
                    raise over_limit(self.package.path, max_chars)
        return out

    def blocks(self, container: Any) -> list[Pending]:
        out: list[Pending] = []
        for child in container:
            tag = child.tag
            if tag == _P:
                out += self.paragraph(child)
            elif tag == _TBL:
                out += self.table(child)
            elif tag == SDT:
                if is_placeholder(child):
                    continue
                content = child.find(q("sdtContent"))
                if content is not None:
                    out += self.blocks(content)
            elif tag in (q("customXml"), q("ins"), q("moveTo")):
                out += self.blocks(child)
            elif tag == q("AlternateContent", MC):
                choice = child.find(q("Choice", MC))
                if choice is None:
                    choice = child.find(q("Fallback", MC))
                if choice is not None:
                    out += self.blocks(choice)
        return out

    def paragraph(self, p: Any) -> list[Pending]:
        para = self.read_paragraph(p)
        out: list[Pending] = []
        raw = [x for x in para.lines if clean_line(x)]
        lines = [clean_line(x) for x in raw]
        if lines:
            # bold names typed side by side are no heading
            columns = any(column_cells(x) for x in raw)
            pending = self.styles.classify(p, lines, para.bold and not columns)
            pending.raw = raw
            out.append(pending)
        for box in para.textboxes:
            out += self.blocks(box)
        return out

    def table(self, tbl: Any) -> list[Pending]:
        rows = [tr for tr in _children(tbl, _TR)]
        grid: list[list[tuple[int, Any]]] = []
        for tr in rows:
            cells = []
            col = _grid_before(tr)
            for tc in _row_cells(tr):
                span = _grid_span(tc)
                if not _is_merge_continuation(tc):
                    cells.append((col, tc))
                col += span
            grid.append(cells)
        if all(len(cells) <= 1 for cells in grid):
            # a one-column table is layout: its content reads as body text
            out: list[Pending] = []
            for cells in grid:
                for _, tc in cells:
                    out += self.blocks(tc)
            return out
        number = self.table_count
        self.table_count += 1
        out = []
        for r, cells in enumerate(grid):
            for c, tc in cells:
                raw = self.cell_lines(tc, raw=True)
                if raw:
                    cell = Pending(
                        "table_cell",
                        [clean_line(x) for x in raw],
                        keep_breaks=True,
                        table=number,
                        row=r,
                        col=c,
                        raw=raw,
                    )
                    split, self.table_count = columns_as_tables([cell], self.table_count)
                    for block in split:
                        block.raw = []  # read: not part of a run of body paragraphs
                    out += split
        return out

    def cell_lines(self, container: Any, raw: bool = False) -> list[str]:
        """The lines of a cell (or header, footer, text box), cleaned, or with ``raw`` as
        written (tabs and runs of spaces kept)."""
        lines: list[str] = []
        for child in container:
            if child.tag == _P:
                para = self.read_paragraph(child)
                lines += [x if raw else clean_line(x) for x in para.lines if clean_line(x)]
                for box in para.textboxes:
                    lines += self.cell_lines(box, raw)
            elif child.tag == _TBL:
                for tr in _children(child, _TR):
                    for tc in _row_cells(tr):
                        if not _is_merge_continuation(tc):
                            lines += self.cell_lines(tc, raw)
            elif child.tag == SDT and not is_placeholder(child):
                content = child.find(q("sdtContent"))
                if content is not None:
                    lines += self.cell_lines(content, raw)
            elif child.tag in (q("customXml"), q("ins"), q("moveTo")):
                lines += self.cell_lines(child, raw)
        return lines

    def read_paragraph(self, p: Any) -> Para:
        state = RunState(skip_page_fields=self.in_header)
        walk(p, state)
        text, dropped = drop_controls("".join(state.parts))
        self.controls += dropped
        lines = text.replace("\f", "\n").split("\n")
        style_bold = self.styles.style_bold(style_id_of(p) or self.styles.default_style)
        bold = state.letters > 0 and (state.bold_letters == state.letters or style_bold)
        return Para(lines, bold, state.textboxes)


def _children(element: Any, tag: str) -> list[Any]:
    """Direct children with ``tag``, looking through content controls and tracking."""
    out = []
    for child in element:
        if child.tag == tag:
            out.append(child)
        elif child.tag == SDT:
            content = child.find(q("sdtContent"))
            if content is not None:
                out += _children(content, tag)
        elif child.tag in (q("customXml"), q("ins"), q("moveTo")):
            out += _children(child, tag)
    return out


def _row_cells(tr: Any) -> list[Any]:
    return _children(tr, _TC)


def _grid_span(tc: Any) -> int:
    pr = tc.find(q("tcPr"))
    span = pr.find(q("gridSpan")) if pr is not None else None
    value = span.get(q("val")) if span is not None else None
    return int(value) if value and value.isdigit() else 1


def _grid_before(tr: Any) -> int:
    pr = tr.find(q("trPr"))
    before = pr.find(q("gridBefore")) if pr is not None else None
    value = before.get(q("val")) if before is not None else None
    return int(value) if value and value.isdigit() else 0


def _is_merge_continuation(tc: Any) -> bool:
    """A cell merged into the one above (its content, if any, was already read there)."""
    pr = tc.find(q("tcPr"))
    merge = pr.find(q("vMerge")) if pr is not None else None
    return merge is not None and merge.get(q("val"), "continue") == "continue"

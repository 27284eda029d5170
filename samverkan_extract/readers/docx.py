"""DOCX: the body in document order, read from the package's XML with lxml.

The main part is streamed (``Package.body``): each element of the body is read and then
dropped, and reading stops at the character limit, so a small file that unpacks to a
huge document costs little memory and time. Entities are never resolved (XXE).

python-docx's ``document.paragraphs`` skips tables, content controls, tracked insertions and text
boxes, so the body is walked element by element instead: paragraphs, tables (one
``table_cell`` block per cell; merged cells once), ``w:sdt`` content controls, text
boxes (after the paragraph that anchors them), tracked insertions in and deletions
out. Headings come from the paragraph style (Title, Heading N / Rubrik N, outline
level) or a short all-bold paragraph; list items from numbering or a List style.
Headers and footers are read per section, once each, without page numbers: header
blocks first, footer blocks last, so that the body reads in order. Control characters
become breaks (vertical tab) or are dropped, with a warning.
"""

from __future__ import annotations

import copy
import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

import regex

from samverkan_extract.document import BlockKind, Document, DocumentBuilder, clean_line
from samverkan_extract.errors import InputError
from samverkan_extract.limits import Limits
from samverkan_extract.readers.common import (
    BULLETS,
    DASHES,
    Reader,
    check_zip_archive,
    column_cells,
    column_runs,
    controls_warning,
    drop_controls,
    file_sha256,
    is_page_number,
    mb,
    read_snapshot,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def q(tag: str, ns: str = W) -> str:
    return f"{{{ns}}}{tag}"


_P, _TBL, _SDT, _R, _T = q("p"), q("tbl"), q("sdt"), q("r"), q("t")
_TR, _TC = q("tr"), q("tc")
# Containers whose content is part of the text.
_TRANSPARENT = {
    q(t) for t in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "bdo", "dir")
}
# Content that is not text: deleted or moved-away runs, properties, maths.
_SKIP = {q(t) for t in ("del", "moveFrom", "pPr", "rPr", "proofErr", "bookmarkStart")}
_SKIP.add("{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath")
_SKIP.add("{http://schemas.openxmlformats.org/officeDocument/2006/math}oMathPara")

_HEADING_STYLE = regex.compile(r"(?i)^(?:heading|rubrik|överskrift)\s*(\d)$")
_TITLE_STYLE = regex.compile(r"(?i)^(?:title|rubrik|titel)$")
_LIST_STYLE = regex.compile(r"(?i)^(?:list|liststycke|punktlista|numrerad lista)")
_PAGE_FIELD = regex.compile(r"(?i)^\s*(?:PAGE|NUMPAGES|SECTIONPAGES)\b")
_BULLET_TEXT = regex.compile(rf"^\s*[{DASHES}{BULLETS}*]\s+(\S.*)$")
_PAGE_WORDS = regex.compile(r"(?i)^(?:sida|sidan|sid\.?|page|s\.)?\s*(?:av|of|/|\(\s*\))?\s*$")
# A list marker or number typed before a tab ("1.<TAB>Bakgrund", "•<TAB>Narkotika"):
# an item, not a row of columns.
_MARKER_CELL = regex.compile(
    rf"^\s*(?:\(?\d{{1,3}}(?:\.\d{{1,3}})*[.)]?|\(?\p{{L}}[.)]|[{DASHES}{BULLETS}*])(?:\t| {{3,}})"
)


@dataclass
class Para:
    """What one paragraph says: its lines, whether all of it is bold, text boxes in it."""

    lines: list[str]
    bold: bool
    textboxes: list[Any] = field(default_factory=list)


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


# --- Opening --------------------------------------------------------------------------


def check_docx_bytes(path: Path, data: bytes, max_unpacked_mb: float) -> zipfile.ZipFile:
    """The file as a zip archive, or one clear error naming what it is instead."""
    if not data.strip(b"\x00 \t\r\n"):
        raise InputError(path, "empty file")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(path, "encrypted .docx: a password is needed")
        raise InputError(path, "old Word .doc format: convert it to .docx")
    if data.lstrip().startswith(b"{\\rtf"):
        raise InputError(path, "RTF document, not .docx: save it as .docx")
    if data.startswith(b"%PDF-"):
        raise InputError(path, "not a .docx file (it is a PDF)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(path, f"not a readable .docx ({_reason(exc)})") from None
    limit = max_unpacked_mb
    unpacked = sum(i.file_size for i in infos) / 1e6
    if unpacked > limit:
        raise InputError(
            path, f"unpacks to {unpacked:.0f} MB, over the {limit:g} MB limit (zip bomb guard)"
        )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise InputError(path, "not a readable .docx (a zip archive without [Content_Types].xml)")
    if not any(n.startswith("word/") for n in names):
        raise InputError(path, "not a readable .docx (no word/ part: not a Word document)")
    return archive


def _out_of_memory(exc: BaseException) -> bool:
    """libxml2 reports a failed allocation as a syntax error (XML_ERR_NO_MEMORY)."""
    if "memory allocation failed" in str(exc).lower():
        return True
    return type(exc).__module__.startswith("lxml") and getattr(exc, "code", None) == 2


def _reason(exc: BaseException) -> str:
    message = str(exc).splitlines()[0].strip() if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}"[:200] if message else type(exc).__name__


# --- The package ----------------------------------------------------------------------

_MAIN_TYPES = ("wordprocessingml", "ms-word", "application/xml", "text/xml")
# Parts other than the main document (styles, numbering, headers, footers) are parsed
# whole; one larger than this is hostile, not a Word document's, and is left out.
_PART_LIMIT = 32_000_000
_PACKAGE_NS = {
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _parser() -> Any:
    from lxml import etree

    # Entities are never resolved and nothing is fetched (XXE), blank text between
    # elements goes as python-docx drops it, and libxml2's own size limits stay on.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, remove_blank_text=True, load_dtd=False
    )


class Package:
    """The parts of a .docx the reader needs, read from the zip archive with lxml.

    The main document part is never parsed whole: ``body()`` streams it, one element of
    the body at a time, each dropped once read, so a document that unpacks to hundreds
    of MB costs the memory of one paragraph or table, and reading stops at the character
    limit. Styles, numbering, headers and footers are small parts, parsed whole.
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.names = set(archive.namelist())
        self.warnings: list[str] = []
        self.sections: list[Any] = []  # every w:sectPr met in the body (headers, footers)
        self.main = self._main_part()
        self.rels = self._relationships(self.main)

    def _main_part(self) -> str:
        main = "word/document.xml"
        root = self._small_xml("_rels/.rels")
        if root is not None:
            for rel in root.iter(f"{{{_PACKAGE_NS['rel']}}}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    main = _resolve("", rel.get("Target", main))
                    break
        if main not in self.names:
            raise InputError(self.path, f"not a readable .docx (its main part {main} is missing)")
        types = self._small_xml("[Content_Types].xml")
        kind = None
        if types is not None:
            for override in types.iter(f"{{{_PACKAGE_NS['ct']}}}Override"):
                if override.get("PartName", "").lstrip("/") == main:
                    kind = override.get("ContentType", "")
        if kind and not any(t in kind for t in _MAIN_TYPES):
            raise InputError(self.path, f"not a Word .docx document (content type {kind})")
        return main

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """The part's relationships: id -> (type, part name); external targets left out."""
        folder, name = posixpath.split(part)
        root = self._small_xml(posixpath.join(folder, "_rels", name + ".rels"))
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{_PACKAGE_NS['rel']}}}Relationship"):
            if rel.get("TargetMode") == "External" or not rel.get("Id"):
                continue
            out[rel.get("Id", "")] = (rel.get("Type", ""), _resolve(folder, rel.get("Target", "")))
        return out

    def _small_xml(self, name: str) -> Any:
        if name not in self.names or self.archive.getinfo(name).file_size > 1 << 20:
            return None
        return self._parse(name)

    def _parse(self, name: str) -> Any:
        from lxml import etree

        with self.archive.open(name) as fh:
            data = fh.read(_PART_LIMIT + 1)
        if len(data) > _PART_LIMIT:
            self.warnings.append(
                f"the part {name} unpacks to more than {_PART_LIMIT // 1_000_000} MB: not read"
            )
            return None
        return etree.fromstring(data, _parser())

    def part(self, rid: str) -> Any:
        """The root element of the part a relationship of the main part names, or None."""
        rel = self.rels.get(rid)
        if rel is None or rel[1] not in self.names:
            return None
        return self._parse(rel[1])

    def related(self, kind: str) -> Any:
        """The root element of the main part's related part of one type ("styles")."""
        for rid, (rtype, _) in self.rels.items():
            if rtype.endswith("/" + kind):
                return self.part(rid)
        return None

    def body(self, max_chars: int) -> Iterator[Any]:
        """The main part's body, element by element (paragraphs, tables, content
        controls), each cleared once the caller is done with it. Stops with an error
        once the text in it is past twice ``max_chars`` (the exact limit is the
        caller's), so one huge paragraph or table cannot be built in memory either."""
        from lxml import etree

        body_tag, text_tag, sect_tag = q("body"), _T, q("sectPr")
        budget = 2 * max_chars + 10_000
        seen = depth = 0
        body = None
        with self.archive.open(self.main) as fh:
            events = etree.iterparse(
                fh,
                events=("start", "end"),
                resolve_entities=False,
                no_network=True,
                remove_blank_text=True,
                load_dtd=False,
            )
            for event, element in events:
                if event == "start":
                    depth += 1
                    if depth == 2 and element.tag == body_tag:
                        body = element
                    continue
                depth -= 1
                if element.tag == text_tag and element.text:
                    seen += len(element.text)
                    if seen > budget:
                        raise over_limit(self.path, max_chars)
                if depth != 2 or body is None or element.getparent() is not body:
                    continue
                yield element
                self.sections += [copy.deepcopy(s) for s in element.iter(sect_tag)]
                element.clear()
                while element.getprevious() is not None:
                    del body[0]


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as a part name inside the archive."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def over_limit(path: Path, max_chars: int) -> InputError:
    return InputError(
        path,
        f"text is over the limit of {max_chars:,} characters (an agreement is far "
        "shorter): reading stopped there",
    )


def open_package(path: Path, archive: zipfile.ZipFile) -> Package:
    try:
        return Package(path, archive)
    except (InputError, MemoryError):  # out of memory is the batch's to report
        raise
    except Exception as exc:  # noqa: BLE001 - lxml, zipfile and friends
        if _out_of_memory(exc):
            raise MemoryError from None
        raise InputError(path, f"not a readable .docx ({_reason(exc)})") from None


# --- Reading --------------------------------------------------------------------------


def read_docx(path: Path, limits: Limits) -> Document:
    def too_big(size: int) -> NoReturn:
        raise InputError(
            path, f"file is {mb(size / 1e6)} MB, over the {limits.max_file_mb:g} MB limit"
        )

    data = read_snapshot(path, int(limits.max_file_mb * 1e6), too_big)
    check_zip_archive(path, limits.max_unpacked_mb, data)
    archive = check_docx_bytes(path, data, limits.max_unpacked_mb)
    package = open_package(path, archive)
    builder = DocumentBuilder(str(path), "docx", file_sha256(data))
    try:
        reader = DocxReader(package)
        body = reader.body(limits.max_chars)
        headers, footers = reader.headers_and_footers()
    except (InputError, MemoryError):  # out of memory is the batch's to report
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed part deep inside the file
        if _out_of_memory(exc):
            raise MemoryError from None
        raise InputError(path, f"not a readable .docx ({_reason(exc)})") from None
    builder.warnings.extend(package.warnings)
    if reader.controls:
        builder.warnings.append(controls_warning(reader.controls))
    body, _ = columns_as_tables(body, reader.table_count)
    for pending in headers + _renumber_tables(body) + footers:
        builder.add(
            pending.kind,
            pending.lines,
            level=pending.level,
            keep_breaks=pending.keep_breaks,
            table=pending.table,
            row=pending.row,
            col=pending.col,
            depth=pending.depth,
        )
    if not any(b.kind not in ("header", "footer") for b in builder.blocks):
        raise InputError(path, "no text in file")
    return builder.build()


DOCX_READER = Reader("docx", (".docx",), read_docx)


@dataclass
class StyleInfo:
    name: str
    based_on: str | None
    numbered: bool
    outline: int | None
    bold: bool


class DocxReader:
    """Walks a document's XML into pending blocks."""

    def __init__(self, package: Package) -> None:
        self.package = package
        styles = package.related("styles")
        if styles is None:
            styles = _default_styles_part()
        self.styles = _styles(styles)
        self.default_style = next(
            (sid for sid, default in _default_styles(styles) if default), None
        )
        self.formats = _numbering_formats(package.related("numbering"))
        self.table_count = 0
        self.in_header = False
        self.controls = 0  # control characters dropped from the text

    # -- body -------------------------------------------------------------------------

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
            elif tag == _SDT:
                if _is_placeholder(child):
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
            pending = self.classify(p, lines, para.bold and not columns)
            pending.raw = raw
            out.append(pending)
        for box in para.textboxes:
            out += self.blocks(box)
        return out

    def classify(self, p: Any, lines: list[str], bold: bool) -> Pending:
        style_id = _style_id(p) or self.default_style
        level = self.heading_level(style_id, p)
        text = " ".join(lines)
        if level:
            return Pending("heading", [text], level=level)
        num = _num_pr(p)
        numbered = None
        depth = int(num[1]) if num is not None and num[1].isdigit() else 0
        if num is not None:
            num_id, ilvl = num
            if num_id != "0":
                numbered = self.formats.get((num_id, ilvl), "decimal") != "bullet"
        elif style_id and self._style_chain_numbered(style_id):
            info = self.styles.get(style_id)
            numbered = info is not None and "number" in info.name.lower()
        elif style_id and _LIST_STYLE.match(self.styles.get(style_id, _NO_STYLE).name):
            name = self.styles[style_id].name.lower()
            numbered = "number" in name or "numrerad" in name
        if numbered is not None:
            return Pending("list_item", lines, level=1 if numbered else 0, depth=depth)
        if m := _BULLET_TEXT.match(lines[0]):
            return Pending("list_item", [m.group(1), *lines[1:]])
        if bold and len(lines) == 1 and _short_heading(text):
            if text.endswith(":"):
                if len(text.split()) <= 4:
                    return Pending("label", [text])
            else:
                return Pending("heading", [text], level=4)
        return Pending("paragraph", lines)

    def heading_level(self, style_id: str | None, p: Any) -> int:
        ppr = p.find(q("pPr"))
        if ppr is not None:
            outline = ppr.find(q("outlineLvl"))
            if outline is not None:
                value = outline.get(q("val"))
                if value and value.isdigit() and int(value) < 9:
                    return int(value) + 2
        seen = 0
        while style_id and seen < 12:
            info = self.styles.get(style_id)
            if info is None:
                break
            if _TITLE_STYLE.match(info.name) or _TITLE_STYLE.match(style_id):
                return 1
            m = _HEADING_STYLE.match(info.name) or _HEADING_STYLE.match(style_id)
            if m:
                return int(m.group(1)) + 1
            if info.outline is not None and info.outline < 9:
                return info.outline + 2
            style_id = info.based_on
            seen += 1
        return 0

    def _style_chain_numbered(self, style_id: str) -> bool:
        seen = 0
        sid: str | None = style_id
        while sid and seen < 12:
            info = self.styles.get(sid)
            if info is None:
                return False
            if info.numbered:
                return True
            sid = info.based_on
            seen += 1
        return False

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
            elif child.tag == _SDT and not _is_placeholder(child):
                content = child.find(q("sdtContent"))
                if content is not None:
                    lines += self.cell_lines(content, raw)
            elif child.tag in (q("customXml"), q("ins"), q("moveTo")):
                lines += self.cell_lines(child, raw)
        return lines

    # -- runs -------------------------------------------------------------------------

    def read_paragraph(self, p: Any) -> Para:
        state = _RunState(skip_page_fields=self.in_header)
        self._walk(p, state)
        text, dropped = drop_controls("".join(state.parts))
        self.controls += dropped
        lines = text.replace("\f", "\n").split("\n")
        style_bold = self._style_bold(_style_id(p) or self.default_style)
        bold = state.letters > 0 and (state.bold_letters == state.letters or style_bold)
        return Para(lines, bold, state.textboxes)

    def _style_bold(self, style_id: str | None) -> bool:
        seen = 0
        while style_id and seen < 12:
            info = self.styles.get(style_id)
            if info is None:
                return False
            if info.bold:
                return True
            style_id = info.based_on
            seen += 1
        return False

    def _walk(self, element: Any, state: _RunState) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == _R:
                self._run(child, state)
            elif tag == _SDT:
                if _is_placeholder(child):
                    continue
                content = child.find(q("sdtContent"))
                if content is not None:
                    self._walk(content, state)
            elif tag == q("fldSimple"):
                instr = child.get(q("instr")) or ""
                if state.skip_page_fields and _PAGE_FIELD.match(instr):
                    continue
                self._walk(child, state)
            elif tag in _TRANSPARENT:
                self._walk(child, state)
            elif tag == q("AlternateContent", MC):
                self._alternate(child, state)

    def _alternate(self, element: Any, state: _RunState) -> None:
        choice = element.find(q("Choice", MC))
        if choice is None:
            choice = element.find(q("Fallback", MC))
        if choice is not None:
            for box in choice.iter(q("txbxContent")):
                state.textboxes.append(box)
            self._walk(choice, state)

    def _run(self, r: Any, state: _RunState) -> None:
        bold = _run_bold(r)
        for child in r:
            tag = child.tag
            if tag == q("fldChar"):
                kind = child.get(q("fldCharType"))
                if kind == "begin":
                    state.fields.append("")
                elif kind == "separate" and state.fields:
                    state.fields[-1] += "\x00"  # result follows
                elif kind == "end" and state.fields:
                    state.fields.pop()
                continue
            if tag == q("instrText"):
                if state.fields:
                    state.fields[-1] += child.text or ""
                continue
            if state.hidden_field():
                continue
            if tag == _T:
                text = child.text or ""
                state.add(text, bold)
            elif tag == q("tab") or tag == q("ptab"):
                state.add("\t", bold)
            elif tag in (q("br"), q("cr")):
                state.add("\n", bold)
            elif tag == q("noBreakHyphen"):
                state.add("-", bold)
            elif tag == q("softHyphen"):
                state.add("\u00ad", bold)
            elif tag == q("sym"):
                char = child.get(q("char")) or ""
                if regex.fullmatch(r"[0-9A-Fa-f]{4}", char) and not char.upper().startswith("F"):
                    state.add(chr(int(char, 16)), bold)
            elif tag in (q("drawing"), q("pict"), q("object")):
                state.textboxes += list(child.iter(q("txbxContent")))
            elif tag == q("AlternateContent", MC):
                self._alternate(child, state)

    # -- headers and footers ----------------------------------------------------------

    def headers_and_footers(self) -> tuple[list[Pending], list[Pending]]:
        """Each section's header and footer parts, once each, without page numbers."""
        headers: list[Pending] = []
        footers: list[Pending] = []
        seen_parts: set[str] = set()
        seen_texts: set[str] = set()
        self.in_header = True
        try:
            for sect in self.package.sections:
                for ref in sect:
                    if ref.tag not in (q("headerReference"), q("footerReference")):
                        continue
                    rid = ref.get(q("id", R))
                    if not rid or rid in seen_parts:
                        continue
                    seen_parts.add(rid)
                    element = self.package.part(rid)
                    if element is None:
                        continue
                    lines = [ln for ln in self.cell_lines(element) if not _page_number_line(ln)]
                    key = "\n".join(lines)
                    if not lines or key in seen_texts:
                        continue
                    seen_texts.add(key)
                    if ref.tag == q("headerReference"):
                        headers.append(Pending("header", lines, keep_breaks=True))
                    else:
                        footers.append(Pending("footer", lines, keep_breaks=True))
        finally:
            self.in_header = False
        return headers, footers


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


def _renumber_tables(blocks: list[Pending]) -> list[Pending]:
    """Tables numbered in reading order (a table read from typed columns came last)."""
    numbers: dict[int, int] = {}
    for b in blocks:
        if b.table is not None:
            b.table = numbers.setdefault(b.table, len(numbers))
    return blocks


@dataclass
class _RunState:
    skip_page_fields: bool = False
    parts: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    textboxes: list[Any] = field(default_factory=list)
    letters: int = 0
    bold_letters: int = 0

    def add(self, text: str, bold: bool) -> None:
        self.parts.append(text)
        n = sum(1 for c in text if c.isalnum())
        self.letters += n
        if bold:
            self.bold_letters += n

    def hidden_field(self) -> bool:
        """Inside a field's code, or the shown result of a page-number field."""
        for instr in self.fields:
            if "\x00" not in instr:
                return True  # the field code itself (between begin and separate)
            if self.skip_page_fields and _PAGE_FIELD.match(instr.split("\x00")[0]):
                return True
        return False


_NO_STYLE = StyleInfo("", None, False, None, False)


def _children(element: Any, tag: str) -> list[Any]:
    """Direct children with ``tag``, looking through content controls and tracking."""
    out = []
    for child in element:
        if child.tag == tag:
            out.append(child)
        elif child.tag == _SDT:
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


def _is_placeholder(sdt: Any) -> bool:
    pr = sdt.find(q("sdtPr"))
    return pr is not None and pr.find(q("showingPlcHdr")) is not None


def _style_id(p: Any) -> str | None:
    ppr = p.find(q("pPr"))
    style = ppr.find(q("pStyle")) if ppr is not None else None
    return style.get(q("val")) if style is not None else None


def _num_pr(p: Any) -> tuple[str, str] | None:
    ppr = p.find(q("pPr"))
    num = ppr.find(q("numPr")) if ppr is not None else None
    if num is None:
        return None
    num_id = num.find(q("numId"))
    ilvl = num.find(q("ilvl"))
    nid = num_id.get(q("val")) if num_id is not None else None
    if nid is None:
        return None
    return nid, (ilvl.get(q("val")) if ilvl is not None else "0") or "0"


def _on(element: Any) -> bool:
    return element is not None and element.get(q("val"), "true") not in ("0", "false", "off")


def _run_bold(r: Any) -> bool:
    pr = r.find(q("rPr"))
    return pr is not None and _on(pr.find(q("b")))


def _short_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 14 or len(text) > 120:
        return False
    if text.endswith((",", ";")) or (text.endswith(".") and len(words) > 6):
        return False
    return any(c.isalpha() for c in text)


def _page_number_line(line: str) -> bool:
    return is_page_number(line) or bool(_PAGE_WORDS.match(line))


def _default_styles_part() -> Any:
    """The styles python-docx gives a document without a styles part (Word's defaults:
    "Heading 1" and the rest), so such a document keeps its headings."""
    import importlib.util

    from lxml import etree

    spec = importlib.util.find_spec("docx")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "templates" / "default-styles.xml"
        if candidate.is_file():
            return etree.fromstring(candidate.read_bytes(), _parser())
    return None


def _styles(root: Any) -> dict[str, StyleInfo]:
    out: dict[str, StyleInfo] = {}
    if root is None:
        return out
    for style in root.iter(q("style")):
        sid = style.get(q("styleId"))
        if not sid:
            continue
        name_el = style.find(q("name"))
        based = style.find(q("basedOn"))
        ppr = style.find(q("pPr"))
        rpr = style.find(q("rPr"))
        outline = ppr.find(q("outlineLvl")) if ppr is not None else None
        outline_value = outline.get(q("val")) if outline is not None else None
        numbered = False
        if ppr is not None and (num := ppr.find(q("numPr"))) is not None:
            num_id = num.find(q("numId"))
            numbered = num_id is None or num_id.get(q("val")) != "0"
        out[sid] = StyleInfo(
            name=(name_el.get(q("val")) if name_el is not None else sid) or sid,
            based_on=based.get(q("val")) if based is not None else None,
            numbered=numbered,
            outline=int(outline_value) if outline_value and outline_value.isdigit() else None,
            bold=rpr is not None and _on(rpr.find(q("b"))),
        )
    return out


def _default_styles(root: Any) -> list[tuple[str, bool]]:
    if root is None:
        return []
    return [
        (s.get(q("styleId")) or "", s.get(q("default")) in ("1", "true"))
        for s in root.iter(q("style"))
        if s.get(q("type")) == "paragraph"
    ]


def _numbering_formats(root: Any) -> dict[tuple[str, str], str]:
    """{(numId, level): numFmt} from the numbering part ("bullet", "decimal", ...)."""
    if root is None:
        return {}
    abstract: dict[str, dict[str, str]] = {}
    for absn in root.iter(q("abstractNum")):
        levels = {}
        for lvl in absn.iter(q("lvl")):
            fmt = lvl.find(q("numFmt"))
            levels[lvl.get(q("ilvl")) or "0"] = (
                fmt.get(q("val")) if fmt is not None else "decimal"
            ) or "decimal"
        abstract[absn.get(q("abstractNumId")) or ""] = levels
    out: dict[tuple[str, str], str] = {}
    for num in root.iter(q("num")):
        ref = num.find(q("abstractNumId"))
        if ref is None:
            continue
        for ilvl, fmt in abstract.get(ref.get(q("val")) or "", {}).items():
            out[(num.get(q("numId")) or "", ilvl)] = fmt
    return out

"""Styles and numbering: what kind of block a paragraph is.

Headings come from the paragraph style (Title, Heading N / Rubrik N, outline level) or
a short all-bold paragraph; list items from numbering or a List style. A document
without a styles part is read with Word's default styles (python-docx's), so it keeps
its headings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from samverkan_extract.readers.common import BULLETS, DASHES
from samverkan_extract.readers.docx.blocks import Pending
from samverkan_extract.readers.docx.ooxml import on, q, style_id_of
from samverkan_extract.readers.docx.package import Package, xml_parser

_HEADING_STYLE = regex.compile(r"(?i)^(?:heading|rubrik|överskrift)\s*(\d)$")
_TITLE_STYLE = regex.compile(r"(?i)^(?:title|rubrik|titel)$")
_LIST_STYLE = regex.compile(r"(?i)^(?:list|liststycke|punktlista|numrerad lista)")
_BULLET_TEXT = regex.compile(rf"^\s*[{DASHES}{BULLETS}*]\s+(\S.*)$")


@dataclass
class StyleInfo:
    name: str
    based_on: str | None
    numbered: bool
    outline: int | None
    bold: bool


_NO_STYLE = StyleInfo("", None, False, None, False)


class Styles:
    """A document's paragraph styles and numbering formats, and what they make of a
    paragraph."""

    def __init__(self, package: Package) -> None:
        styles = package.related("styles")
        if styles is None:
            styles = _default_styles_part()
        self.styles = _styles(styles)
        self.default_style = next(
            (sid for sid, default in _default_styles(styles) if default), None
        )
        self.formats = _numbering_formats(package.related("numbering"))

    def classify(self, p: Any, lines: list[str], bold: bool) -> Pending:
        style_id = style_id_of(p) or self.default_style
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

    def style_bold(self, style_id: str | None) -> bool:
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


def _short_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 14 or len(text) > 120:
        return False
    if text.endswith((",", ";")) or (text.endswith(".") and len(words) > 6):
        return False
    return any(c.isalpha() for c in text)


def _default_styles_part() -> Any:
    """The styles python-docx gives a document without a styles part (Word's defaults:
    "Heading 1" and the rest), so such a document keeps its headings."""
    import importlib.util

    from lxml import etree

    spec = importlib.util.find_spec("docx")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "templates" / "default-styles.xml"
        if candidate.is_file():
            return etree.fromstring(candidate.read_bytes(), xml_parser())
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
            bold=rpr is not None and on(rpr.find(q("b"))),
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

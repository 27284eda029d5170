"""Runs: a paragraph's content into text, tracked insertions in and deletions out.

Text, tabs, breaks, hyphens and symbols are read; content controls, hyperlinks and the
like are read through; a field's code is left out, and so is the result of a page-number
field in a header or footer. Text boxes met on the way are kept for the body walk, which
reads them after the paragraph that anchors them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from samverkan_extract.readers.docx.ooxml import MC, SDT, is_placeholder, on, q

_R, _T = q("r"), q("t")

# Containers whose content is part of the text.
_TRANSPARENT = {
    q(t) for t in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "bdo", "dir")
}
# Content that is not text: deleted or moved-away runs, properties, maths.
_SKIP = {q(t) for t in ("del", "moveFrom", "pPr", "rPr", "proofErr", "bookmarkStart")}
_SKIP.add("{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath")
_SKIP.add("{http://schemas.openxmlformats.org/officeDocument/2006/math}oMathPara")
_PAGE_FIELD = regex.compile(r"(?i)^\s*(?:PAGE|NUMPAGES|SECTIONPAGES)\b")


@dataclass
class RunState:
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


def walk(element: Any, state: RunState) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == _R:
            _run(child, state)
        elif tag == SDT:
            if is_placeholder(child):
                continue
            content = child.find(q("sdtContent"))
            if content is not None:
                walk(content, state)
        elif tag == q("fldSimple"):
            instr = child.get(q("instr")) or ""
            if state.skip_page_fields and _PAGE_FIELD.match(instr):
                continue
            walk(child, state)
        elif tag in _TRANSPARENT:
            walk(child, state)
        elif tag == q("AlternateContent", MC):
            _alternate(child, state)


def _alternate(element: Any, state: RunState) -> None:
    choice = element.find(q("Choice", MC))
    if choice is None:
        choice = element.find(q("Fallback", MC))
    if choice is not None:
        for box in choice.iter(q("txbxContent")):
            state.textboxes.append(box)
        walk(choice, state)


def _run(r: Any, state: RunState) -> None:
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
            _alternate(child, state)


def _run_bold(r: Any) -> bool:
    pr = r.find(q("rPr"))
    return pr is not None and on(pr.find(q("b")))

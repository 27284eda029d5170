"""Headers and footers: read per section, once each, without page numbers.

``read_docx`` puts the header blocks first and the footer blocks last, so that the body
reads in order.
"""

from __future__ import annotations

import regex

from samverkan_extract.readers.common import is_page_number
from samverkan_extract.readers.docx.blocks import Pending
from samverkan_extract.readers.docx.body import DocxReader
from samverkan_extract.readers.docx.ooxml import R, q

_PAGE_WORDS = regex.compile(r"(?i)^(?:sida|sidan|sid\.?|page|s\.)?\s*(?:av|of|/|\(\s*\))?\s*$")


def headers_and_footers(reader: DocxReader) -> tuple[list[Pending], list[Pending]]:
    """Each section's header and footer parts, once each, without page numbers."""
    headers: list[Pending] = []
    footers: list[Pending] = []
    seen_parts: set[str] = set()
    seen_texts: set[str] = set()
    reader.in_header = True
    try:
        for sect in reader.package.sections:
            for ref in sect:
                if ref.tag not in (q("headerReference"), q("footerReference")):
                    continue
                rid = ref.get(q("id", R))
                if not rid or rid in seen_parts:
                    continue
                seen_parts.add(rid)
                element = reader.package.part(rid)
                if element is None:
                    continue
                lines = [ln for ln in reader.cell_lines(element) if not _page_number_line(ln)]
                key = "\n".join(lines)
                if not lines or key in seen_texts:
                    continue
                seen_texts.add(key)
                if ref.tag == q("headerReference"):
                    headers.append(Pending("header", lines, keep_breaks=True))
                else:
                    footers.append(Pending("footer", lines, keep_breaks=True))
    finally:
        reader.in_header = False
    return headers, footers


def _page_number_line(line: str) -> bool:
    return is_page_number(line) or bool(_PAGE_WORDS.match(line))

"""pdfplumber (pdfminer) where pypdfium2 cannot serve: the whole reading of a file
pypdfium2 cannot open or finds no page in, or that is cut off before its end marker,
and the pages pypdfium2 measures differently (a rotated page).

pdfminer parses every drawing operation of a page into Python objects, several times
slower than pypdfium2 gives the same characters; but its reading of damaged files, and
its messages about them, are the ones the reader was built on. It is opened lazily, on
the bytes already read. Its table finder (``rules.py``) serves both sources.
"""

from __future__ import annotations

import io
from typing import Any

from samverkan_extract.document import BBox
from samverkan_extract.readers.pdf.chars import is_unmapped
from samverkan_extract.readers.pdf.model import Char, Table
from samverkan_extract.readers.pdf.rules import find_tables, has_vertical_rules


def open_plumber(data: bytes) -> Any:
    """The PDF parsed by pdfplumber from its bytes (errors are the caller's)."""
    import pdfplumber

    return pdfplumber.open(io.BytesIO(data))


def plumber_chars(page: Any) -> tuple[list[Char], int, int]:
    """A page's characters, how many are visible and how many of those unmapped."""
    chars = [
        Char(
            c["text"],
            c["x0"],
            c["x1"],
            c["top"],
            c["bottom"],
            c.get("size", 0),
            c.get("fontname") or "",
            c.get("upright", True),
        )
        for c in page.chars
    ]
    visible = [c.text for c in chars if not c.text.isspace()]
    return chars, len(visible), sum(1 for t in visible if is_unmapped(t))


def plumber_images(page: Any) -> list[BBox]:
    return [(im["x0"], im["top"], im["x1"], im["bottom"]) for im in page.images]


def ruled_tables(page: Any) -> list[Table]:
    """The page's ruled tables, when it has a vertical rule or a cell-sized box."""
    return find_tables(page) if has_vertical_rules(page.objects) else []

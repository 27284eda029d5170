"""PDF: words with coordinates laid out into blocks in reading order.

The reader is a pipeline, one module a stage:

``reading``
    the entry: ``read_pdf`` checks the bytes, parses them once, reads each page (a
    page limit, a warning for a page that fails) and lays the pages out; the PDF
    libraries' errors become one clear ``InputError``.
``pdfium``, ``objects``
    the character source: a page's characters through pypdfium2, measured as pdfminer
    measures them, and the page's objects (images, text objects, paths).
``plumber``
    pdfplumber for what pypdfium2 cannot serve: damaged or truncated files, rotated
    pages.
``chars``, ``words``
    characters into words (fake bold removed, pdfplumber's word rules), and whether a
    page needs OCR (no text but an image over it, or unmapped glyphs).
``rules``
    ruled tables: the page's paths as pdfminer's lines and boxes, pdfplumber's table
    finder on them.
``scan``
    a page without a usable text layer read by OCR (``readers/ocr.py``) into words.
``model``, ``lines``
    the page model: words, fragments, lines and rows.
``running``
    running headers, footers and page numbers, found across pages and dropped.
``columns``, ``runs``
    body columns (gutters) and the page read in regions; side-by-side runs
    (signature blocks, borderless tables) inside a region.
``layout``, ``flow``, ``headings``, ``markers``, ``tables``, ``units``
    the regions laid out into units (paragraphs, headings, list items, table cells),
    joined over page and column breaks, and added to the document.
"""

from __future__ import annotations

from pathlib import Path

from samverkan_extract.document import Document
from samverkan_extract.limits import Limits
from samverkan_extract.readers.common import Reader


def read_pdf(path: Path, limits: Limits) -> Document:
    """The reader's pipeline is imported when the first PDF is read: a batch of text
    files never loads it."""
    from samverkan_extract.readers.pdf.reading import read_pdf as read

    return read(path, limits)


PDF_READER = Reader("pdf", (".pdf",), read_pdf)

__all__ = ["PDF_READER", "read_pdf"]

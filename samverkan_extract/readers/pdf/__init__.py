"""PDF: words with coordinates laid out into blocks in reading order.

The reader is a pipeline, one module a stage:

``reading``
    the entry: ``read_pdf`` checks the bytes, opens the PDF once, reads each page (a
    page limit, a warning for a page that fails) and lays the pages out; the PDF
    libraries' errors become one clear ``InputError``.
``chars``
    the character source: a page's characters into words (size, font, fake bold
    removed), ruled tables where a page has vertical rules, and whether the page
    needs OCR (no text but an image over it, or unmapped glyphs).
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

from samverkan_extract.readers.common import Reader
from samverkan_extract.readers.pdf.reading import read_pdf

PDF_READER = Reader("pdf", (".pdf",), read_pdf)

__all__ = ["PDF_READER", "read_pdf"]

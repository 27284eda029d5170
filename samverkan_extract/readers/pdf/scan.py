"""Scanned pages: a page without a usable text layer read by OCR into the page model.

The caller renders the page at ``ocr.RESOLUTION`` dpi in grey (scaled down for a page
that would exceed ``ocr.MAX_PIXELS``, with a warning); Tesseract reads it
(``readers/ocr.py``: words with their line's baseline slope and text height, specks
and mark-only lines dropped, bullets as Tesseract misreads them recognised). The words
are turned straight by the page's median baseline slope and measured in PDF points; a
word's size is its line's text height, to half a point. They are never bold: weight
cannot be told on a scan.
"""

from __future__ import annotations

from typing import Any

from samverkan_extract.readers import ocr
from samverkan_extract.readers.ocr_words import OcrWord
from samverkan_extract.readers.pdf.model import Word


def scanned_words(image: Any, scale: float = 1.0) -> list[Word]:
    """The words Tesseract reads on a page image rendered at ``ocr.RESOLUTION`` dpi
    times ``scale``, in points."""
    return words_in_points(ocr.read_image(image, ocr.RESOLUTION * scale), scale)


def words_in_points(words: list[OcrWord], scale: float = 1.0) -> list[Word]:
    """Tesseract's words (pixels) as the page model's, straightened, in points."""
    out = []
    s = ocr.SCALE / scale
    for w, x0, top, x1, bottom in ocr.straighten(words):
        size = (w.size or (w.bottom - w.top)) * s
        out.append(
            Word(w.text, x0 * s, x1 * s, top * s, bottom * s, round(size * 2) / 2, False, True)
        )
    return out

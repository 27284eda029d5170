"""Reading a PDF: the file checked, its bytes parsed, its pages read, the layout run.

1. The bytes are read once and checked: an empty file, a ZIP, an old Office file or an
   HTML page named .pdf each gets its own message; a file without its ``%%EOF`` end
   marker is read with a warning (or named as truncated when it cannot be read).
2. The one buffer is parsed by pypdfium2 (``pdfium.py``), and by pdfplumber only where
   pypdfium2 cannot serve (``plumber.py``): for a rotated page, and for the whole file
   when pypdfium2 cannot open it or finds no page in it, or when the file is cut off
   before its end marker (the reading, and the messages about a damaged file, are then
   pdfminer's, as they were). Ruled tables come from pdfplumber's table finder on the
   page's rules either way (``rules.py``).
3. Pages are read up to ``Limits.max_pages`` (a warning says when more were left):
   each page's words from its text layer (``chars.py``), or by OCR when it has none
   (``scan.py``). A page after the first that cannot be read costs a warning, not the
   document; each page is closed once read.
4. The pages are laid out into blocks (``layout.py``).

Every failure of the PDF libraries (pdfminer raises many types, newer pdfplumber wraps
them in ``PdfminerException``) becomes one ``InputError`` naming the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samverkan_extract.document import Document, DocumentBuilder
from samverkan_extract.errors import InputError
from samverkan_extract.limits import Limits
from samverkan_extract.readers.common import file_sha256
from samverkan_extract.readers.ocr import MAX_PIXELS, RESOLUTION, check_ocr_available, ocr_scale
from samverkan_extract.readers.pdf.chars import needs_ocr, page_words
from samverkan_extract.readers.pdf.layout import layout_document
from samverkan_extract.readers.pdf.model import PageContent, Word
from samverkan_extract.readers.pdf.pdfium import PdfiumPage
from samverkan_extract.readers.pdf.plumber import (
    open_plumber,
    plumber_chars,
    plumber_images,
    ruled_tables,
)
from samverkan_extract.readers.pdf.scan import scanned_words

# Where the end marker must stand (bytes from the end).
EOF_WINDOW = 2048
_NOT_READABLE = "not a readable PDF"


def read_pdf(path: Path, limits: Limits) -> Document:
    """A PDF's text in reading order; a file cut off before its end marker is read with a
    warning, or named as truncated when it cannot be read."""
    data = path.read_bytes()
    check_pdf_bytes(path, data)
    truncated = b"%%EOF" not in data[-EOF_WINDOW:]
    try:
        document = _read(path, data, limits, truncated=truncated)
    except InputError as exc:
        if truncated and exc.problem.startswith(_NOT_READABLE):
            detail = exc.problem.removeprefix(_NOT_READABLE).strip()
            raise InputError(
                path, f"truncated PDF: the file stops before its %%EOF end marker {detail}"
            ) from None
        raise
    if truncated:
        document.warnings.append("the PDF stops before its %%EOF end marker: it may be truncated")
    return document


def check_pdf_bytes(path: Path, data: bytes) -> None:
    """A file named .pdf that is not one gets a clear message naming what it is."""
    if not data.strip():
        raise InputError(path, "empty file")
    if b"%PDF-" in data[:1024]:
        return
    if data.startswith(b"PK\x03\x04"):
        raise InputError(path, "not a PDF file (it is a ZIP archive, perhaps a .docx)")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError(path, "not a PDF file (it is an old Office document, perhaps a .doc)")
    if data.lstrip()[:1] in (b"<", b"{"):
        raise InputError(path, "not a PDF file (it looks like HTML, XML or RTF)")
    raise InputError(path, "not a PDF file (no %PDF header)")


def _read(path: Path, data: bytes, limits: Limits, *, truncated: bool) -> Document:
    builder = DocumentBuilder(str(path), "pdf", file_sha256(data))
    pdf = _Pdf(path, data, builder.warnings, pdfium=not truncated)
    try:
        total = pdf.page_count()
        if total > limits.max_pages:
            builder.warnings.append(
                f"read the first {limits.max_pages} of {total} pages "
                f"(page limit {limits.max_pages})"
            )
        contents = _read_pages(path, pdf, min(total, limits.max_pages), builder.warnings)
    finally:
        pdf.close()
    layout_document(contents, builder)
    if not builder.blocks:
        raise InputError(path, "no text in PDF (no text layer and nothing recognised)")
    return builder.build(pages=total, ocr=any(c.ocr for c in contents))


def _read_pages(path: Path, pdf: _Pdf, count: int, warnings: list[str]) -> list[PageContent]:
    """The first ``count`` pages; a page after the first that fails costs a warning."""
    contents = []
    for number in range(1, count + 1):
        try:
            contents.append(pdf.read_page(number))
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - the PDF libraries raise many types
            if number == 1 or is_password_error(exc):
                raise pdf_error(path, exc) from None
            warnings.append(f"page {number} could not be read ({describe(exc)})")
    return contents


class _Pdf:
    """One PDF's bytes, parsed by pypdfium2 and, where needed, by pdfplumber."""

    def __init__(self, path: Path, data: bytes, warnings: list[str], *, pdfium: bool) -> None:
        self.path = path
        self.data = data
        self.warnings = warnings
        self.document = open_pdfium(data) if pdfium else None
        self._plumber: Any = None

    def plumber(self) -> Any:
        """The bytes parsed by pdfplumber, on first use."""
        if self._plumber is None:
            try:
                self._plumber = open_plumber(self.data)
            except Exception as exc:  # noqa: BLE001 - pdfminer raises many types
                raise pdf_error(self.path, exc) from None
        return self._plumber

    def page_count(self) -> int:
        if self.document is not None:
            return len(self.document)
        try:
            total = len(self.plumber().pages)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - pdfminer raises many types
            raise pdf_error(self.path, exc) from None
        if total == 0:
            raise InputError(self.path, "PDF has no pages")
        return total

    def read_page(self, number: int) -> PageContent:
        if self.document is None:
            return self._plumber_page(number)
        page = self.document[number - 1]
        try:
            source = PdfiumPage(page)
            if source.rotation:  # pdfminer turns the page; its measures are kept
                return self._plumber_page(number)
            return self._pdfium_page(number, source)
        finally:
            page.close()

    def _pdfium_page(self, number: int, source: PdfiumPage) -> PageContent:
        content = PageContent(number, source.width, source.height)
        text = source.text()
        if needs_ocr(text.visible, text.bad, source.width, source.height, source.images()):
            self._unmapped(number, text.visible, text.bad)
            content.words, content.ocr = self._ocr(number, source, source.width, source.height)
        elif text.chars:
            content.words = page_words(text.chars, text.doubled)
            content.tables = source.ruled_tables()
        return content

    def _plumber_page(self, number: int) -> PageContent:
        page = self.plumber().pages[number - 1]
        try:
            content = PageContent(number, float(page.width), float(page.height))
            chars, visible, bad = plumber_chars(page)
            images = plumber_images(page) if not visible else []
            if needs_ocr(visible, bad, content.width, content.height, images):
                self._unmapped(number, visible, bad)
                content.words, content.ocr = self._ocr(number, page, content.width, content.height)
            elif chars:
                content.words = page_words(chars)
                content.tables = ruled_tables(page)
            return content
        finally:
            page.close()

    def _ocr(self, number: int, page: Any, width: float, height: float) -> tuple[list[Word], bool]:
        """A page's words by OCR, rendered from the document already open (pypdfium2's
        when there is one) within ``MAX_PIXELS``."""
        check_ocr_available()
        scale = ocr_scale(width, height)
        if scale < 1:
            self.warnings.append(
                f"page {number} is {width / 72:.0f} x {height / 72:.0f} inches: rendered for "
                f"OCR at {RESOLUTION * scale:.0f} dpi (scale {scale:.2f}), not {RESOLUTION}, "
                f"to keep within {MAX_PIXELS / 1e6:.0f} million pixels"
            )
        if isinstance(page, PdfiumPage):
            image = page.render(RESOLUTION, scale)
        elif self.document is not None:  # a rotated page, drawn as pdfplumber draws it
            image = _render(self.document, number, scale)
        else:
            image = page.to_image(resolution=RESOLUTION * scale).original.convert("L")
        return scanned_words(image, scale), True

    def _unmapped(self, number: int, visible: int, bad: int) -> None:
        """Say so when a page's text layer is there but cannot be read."""
        if visible:
            self.warnings.append(
                f"page {number}: its text layer is unmapped glyphs ((cid:NN) or U+FFFD, "
                f"{bad} of {visible} characters): read by OCR instead"
            )

    def close(self) -> None:
        for document in (self.document, self._plumber):
            if document is not None:
                _close(document)


def _render(document: Any, number: int, scale: float) -> Any:
    """Page ``number`` of a pypdfium2 document as an image for OCR."""
    page = document[number - 1]
    try:
        return PdfiumPage(page).render(RESOLUTION, scale)
    finally:
        page.close()


def open_pdfium(data: bytes) -> Any:
    """The bytes parsed by pypdfium2, or None when it cannot read them or finds no
    page (pdfplumber then reads the file, and names what is wrong with it)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None
    if len(document) == 0:
        _close(document)
        return None
    return document


def _close(document: Any) -> None:
    try:
        document.close()
    except Exception:  # noqa: BLE001, S110 - closing a broken file
        pass


# --- Errors -------------------------------------------------------------------------------


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and exceptions among its arguments."""
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, *e.args]
    return seen


def is_password_error(exc: BaseException) -> bool:
    for e in _chain(exc):
        name = type(e).__name__
        if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
            return True
        if "password" in str(e).lower() or "encrypt" in str(e).lower():
            return True
    return False


def describe(exc: BaseException) -> str:
    """The innermost meaningful exception as "Type: first line" (200 characters); a
    structure too deep for pdfminer's recursion (an xref chain in a loop, a page tree
    thousands of levels deep) as what it is."""
    inner = [e for e in _chain(exc) if type(e).__name__ != "PdfminerException"]
    if any(isinstance(e, RecursionError) for e in inner):
        return "objects nested too deeply, or in a loop"
    e = inner[0] if inner else exc
    message = str(e).splitlines()[0].strip() if str(e).strip() else ""
    text = f"{type(e).__name__}: {message}" if message else type(e).__name__
    return text[:200]


def pdf_error(path: Path, exc: BaseException) -> InputError:
    if is_password_error(exc):
        return InputError(path, "encrypted PDF: a password is needed")
    return InputError(path, f"{_NOT_READABLE} ({describe(exc)})")

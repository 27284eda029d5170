"""The character source: a page read through pypdfium2 (PDFium), measured as pdfminer
measures it.

PDFium gives every character of a page's text layer with its box in one pass of C
calls, several times faster than pdfminer parses the same page. Per character:

* its text (a line-end hyphen PDFium marks as U+0002 is a hyphen again); the spaces
  and line breaks PDFium inserts itself are left out, so that words are cut where
  pdfplumber cuts them;
* its box as pdfminer draws it: from the glyph's origin across its advance, from the
  font's descent below the baseline up by the font size (times the text matrix);
* its size, its font's name and whether it stands upright, from its text object;
* whether PDFium could map it to Unicode (an unmapped glyph is pdfminer's "(cid:NN)").

A ligature glyph PDFium gives as one character per letter, all at the glyph's origin,
is one character again ("ﬁ" as pdfminer's "fi"), as wide as the glyph.

The page's objects (``objects.py``) give the images, the text objects PDFium dropped as
copies of others ("fake bold", whose originals are then bold) and the paths, from which
``rules.py`` finds ruled tables with pdfplumber's table finder.

The page is rendered for OCR as pdfplumber's ``to_image`` renders it (the same pixels),
from the document already open.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from samverkan_extract.document import BBox
from samverkan_extract.readers.pdf.chars import Position
from samverkan_extract.readers.pdf.model import Char, Table
from samverkan_extract.readers.pdf.objects import (
    IDENTITY,
    Matrix,
    doubled,
    path_objects,
    read_objects,
)
from samverkan_extract.readers.pdf.rules import RulesPage, find_tables, has_vertical_rules

# PDFium's mark for a hyphen at a line end.
_HYPHEN_MARK = "\x02"
# The letters a ligature glyph stands for, and the glyph: PDFium gives one character per
# letter, all in the glyph's box; pdfminer one character for the glyph.
_LIGATURES = {"ff": "ﬀ", "fi": "ﬁ", "fl": "ﬂ", "ffi": "ﬃ", "ffl": "ﬄ", "ft": "ﬅ", "st": "ﬆ"}


def _raw() -> Any:
    import pypdfium2.raw as raw

    return raw


@dataclass
class PageText:
    """What a page's text layer holds: its characters (pdfplumber's coordinates), how
    many are visible and how many of those are unmapped, and the rounded positions of
    glyphs printed over."""

    chars: list[Char] = field(default_factory=list)
    visible: int = 0
    bad: int = 0
    doubled: set[Position] = field(default_factory=set)


class PdfiumPage:
    """One page of a pypdfium2 document, read for the layout."""

    def __init__(self, page: Any) -> None:
        self.page = page
        raw = _raw()
        self.rotation = int(raw.FPDFPage_GetRotation(page.raw)) % 4
        x0, y0, x1, y1 = _media_box(page)
        self.width, self.height = x1 - x0, y1 - y0
        self.objects = read_objects(page)

    def flip(self, y: float) -> float:
        """A bottom-up y as pdfplumber measures it from the top (the MediaBox's
        height less y, as pdfminer and pdfplumber shift and turn it)."""
        return self.height - y

    def images(self) -> list[BBox]:
        """The images' boxes, top-down."""
        return [(x0, self.flip(y1), x1, self.flip(y0)) for x0, y0, x1, y1 in self.objects.images]

    def text(self) -> PageText:
        """The page's characters, in the order PDFium reads them."""
        textpage = self.page.get_textpage()
        try:
            return _CharReader(self, textpage.raw).read()
        finally:
            textpage.close()

    def ruled_tables(self) -> list[Table]:
        """The page's ruled tables (pdfplumber's finder on the page's own rules)."""
        if not self.objects.tall_path:
            return []
        objects = path_objects(self.objects.paths, self.height)
        if not has_vertical_rules(objects):
            return []
        return find_tables(RulesPage(objects, self.width, self.height))

    def render(self, resolution: float, scale_down: float = 1.0) -> Any:
        """The page as a PIL image at ``resolution`` dpi (times ``scale_down``), drawn
        as pdfplumber's ``to_image`` draws it (no smoothing), in grey."""
        bitmap = self.page.render(
            scale=resolution / 72 * scale_down,
            no_smoothtext=True,
            no_smoothpath=True,
            no_smoothimage=True,
            prefer_bgrx=True,
        )
        return bitmap.to_pil().convert("RGB").convert("L")


def _media_box(page: Any) -> tuple[float, float, float, float]:
    """The page's MediaBox, normalised; PDFium does not look it up in the page tree,
    so an inherited one is taken from its bounding box."""
    raw = _raw()
    box = [ctypes.c_float() for _ in range(4)]
    if raw.FPDFPage_GetMediaBox(page.raw, *box):
        x0, y0, x1, y1 = (b.value for b in box)
    else:
        x0, y0, x1, y1 = page.get_bbox()
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


@dataclass(frozen=True)
class _Style:
    """What the characters of one text object share: font size, font (handle and
    name), whether they stand upright, and their matrix (page space, size left out)."""

    size: float
    font: Any
    name: str
    upright: bool
    matrix: Matrix
    # the font's descent (a share of the size), as pdfminer takes it
    descent: float
    font_key: int
    widths: dict[str, float]  # the font's advances (per point of size) by character
    # upright and neither turned nor slanted: measured like pdfminer exactly
    plain: bool = field(init=False)
    height: float = field(init=False)  # the characters' height: the size, scaled
    width: float = field(init=False)  # an advance of 1 in the font, in points

    def __post_init__(self) -> None:
        a, b, c, d = self.matrix[:4]
        object.__setattr__(self, "plain", self.upright and b == 0 and c == 0)
        object.__setattr__(self, "height", self.size * d)
        object.__setattr__(self, "width", self.size * a)


class _Calls(NamedTuple):
    """PDFium's per-character calls, declared on plain addresses: a page makes thousands
    of them, and a call through the typed bindings costs several times as much."""

    unicode: Any
    generated: Any
    map_error: Any
    text_object: Any
    origin: Any


@cache
def _calls() -> _Calls:
    raw = _raw()
    handle, index = ctypes.c_void_p, ctypes.c_int
    double = ctypes.POINTER(ctypes.c_double)

    def declare(function: Any, result: Any, *arguments: Any) -> Any:
        address = ctypes.cast(function, ctypes.c_void_p).value or 0
        return ctypes.CFUNCTYPE(result, *arguments)(address)

    return _Calls(
        declare(raw.FPDFText_GetUnicode, ctypes.c_uint, handle, index),
        declare(raw.FPDFText_IsGenerated, ctypes.c_int, handle, index),
        declare(raw.FPDFText_HasUnicodeMapError, ctypes.c_int, handle, index),
        declare(raw.FPDFText_GetTextObject, ctypes.c_void_p, handle, index),
        declare(raw.FPDFText_GetCharOrigin, ctypes.c_int, handle, index, double, double),
    )


class _CharReader:
    """Reads the characters of one text page."""

    def __init__(self, page: PdfiumPage, textpage: Any) -> None:
        self.page = page
        self.textpage = textpage
        self.handle = ctypes.cast(textpage, ctypes.c_void_p).value
        self.raw = _raw()
        self.calls = _calls()
        self.styles: dict[int, _Style] = {}
        self.widths: dict[int, dict[str, float]] = {}  # each font's advances
        self.rect = self.raw.FS_RECTF()
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.at = (ctypes.byref(self.x), ctypes.byref(self.y))
        # the last character read: its text object and x, and whether it is blank or
        # could not be mapped
        self.address, self.x0 = -1, 0.0
        self.blank = self.unmapped = False

    def read(self) -> PageText:
        """The page's characters, in PDFium's order, with the counts for the OCR
        decision and the glyphs printed over."""
        out = PageText()
        addresses: list[int] = []  # each character's text object
        for i in range(self.raw.FPDFText_CountChars(self.textpage)):
            char = self._char(i, out.chars)
            if char is None:
                continue
            out.chars.append(char)
            addresses.append(self.address)
            if not self.blank:
                out.visible += 1
                out.bad += self.unmapped or char.text == "\ufffd"
        out.doubled = self._doubled(out.chars, addresses)
        return out

    def _char(self, i: int, chars: list[Char]) -> Char | None:
        """Character ``i``; None for a space PDFium made up, or for the second letter
        of a ligature (added to the first, as pdfminer reads "ﬁ" as "fi")."""
        text = self._text(i)
        if text is None:
            return None
        address = self.calls.text_object(self.handle, i) or 0
        style = self.styles.get(address) or self._style(address, i)
        char = self._plain(text, style, i) if style.plain else self._turned(text, style, i)
        if address == self.address and char.x0 == self.x0 and chars:
            letters = chars[-1].text + text
            if letters in _LIGATURES:
                self._ligature(chars[-1], letters, style, char)
                return None
        self.address, self.x0 = address, char.x0
        return char

    def _text(self, i: int) -> str | None:
        """Character ``i``'s text as pdfminer gives it; None for a space PDFium made up."""
        calls, tp = self.calls, self.handle
        code = calls.unicode(tp, i)
        text = chr(code)
        self.blank = text.isspace()
        if self.blank and calls.generated(tp, i):
            return None
        self.unmapped = bool(calls.map_error(tp, i))
        if self.unmapped:
            return f"(cid:{code})"  # as pdfminer writes a glyph it cannot map
        return "-" if text == _HYPHEN_MARK else text

    def _ligature(self, first: Char, letters: str, style: _Style, char: Char) -> None:
        """The letters of one ligature glyph as one character, as wide as the glyph."""
        first.text = letters
        if style.plain:
            first.x1 = char.x0 + self._advance(style, _LIGATURES[letters], char.x1 - char.x0)

    def _plain(self, text: str, style: _Style, i: int) -> Char:
        """An upright character, measured as pdfminer measures it: from its origin
        across its advance, from the font's descent up by the font size."""
        self.calls.origin(self.handle, i, *self.at)
        x0 = self.x.value
        height = style.height
        bottom = self.page.height - self.y.value - style.descent * height  # from the top
        width = style.widths.get(text)
        if width is None:
            width = self._width(style, text)
        if width > 0:
            advance = width * style.width
        else:  # the font cannot say: as far as PDFium's loose box reaches
            self.raw.FPDFText_GetLooseCharBox(self.textpage, i, self.rect)
            advance = max(0.0, self.rect.right - x0)
        return Char(text, x0, x0 + advance, bottom - height, bottom, height, style.name)

    def _width(self, style: _Style, text: str) -> float:
        width = style.widths[text] = _glyph_width(style.font, text)
        return width

    def _doubled(self, chars: list[Char], addresses: list[int]) -> set[Position]:
        """Positions of the characters of text objects a dropped copy printed over."""
        texts = self.page.objects.texts
        if all(address in self.styles for address in texts):
            return set()  # every text object gave characters: none was dropped
        for char, address in zip(chars, addresses, strict=True):
            owner = texts.get(address)
            if owner is not None:
                owner.positions.append((round(char.x0), round(char.top)))
        return doubled(texts)

    def _turned(self, text: str, style: _Style, i: int) -> Char:
        """A turned or slanted character, measured by PDFium's loose box."""
        self.raw.FPDFText_GetLooseCharBox(self.textpage, i, self.rect)
        r, flip = self.rect, self.page.flip
        x0, x1 = min(r.left, r.right), max(r.left, r.right)
        y0, y1 = min(r.bottom, r.top), max(r.bottom, r.top)
        return Char(text, x0, x1, flip(y1), flip(y0), y1 - y0, style.name, style.upright)

    def _advance(self, style: _Style, text: str, unknown: float) -> float:
        """How far the glyph advances (its width in the font, not how far its ink
        reaches: the box of an "f" reaches over the next letter); ``unknown`` when the
        font cannot say."""
        width = style.widths.get(text)
        if width is None:
            width = self._width(style, text)
        return width * style.width if width > 0 else unknown

    def _style(self, address: int, i: int) -> _Style:
        """The style of the text object character ``i`` comes from (cached)."""
        raw = self.raw
        obj = raw.FPDFText_GetTextObject(self.textpage, i)
        size = ctypes.c_float()
        raw.FPDFTextObj_GetFontSize(obj, size)
        m = raw.FS_MATRIX()
        found = raw.FPDFText_GetMatrix(self.textpage, i, m)
        matrix = (m.a, m.b, m.c, m.d, m.e, m.f) if found else IDENTITY
        upright = matrix[0] * matrix[3] > 0 and matrix[1] * matrix[2] <= 0
        font = raw.FPDFTextObj_GetFont(obj)
        name = font_name(font)
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        widths = self.widths.setdefault(key, {})
        descent = _descent(font, name) / 1000
        style = _Style(size.value, font, name, upright, matrix, descent, key, widths)
        self.styles[address] = style
        return style


def _descent(font: Any, name: str) -> float:
    """The font's descent per 1000 of its size, as pdfminer takes it: from the font's
    descriptor, or for a standard font that is not embedded (Helvetica, Times, Arial
    ...) from pdfminer's own metrics of it."""
    from pdfminer.fontmetrics import FONT_METRICS

    raw = _raw()
    if not font:
        return 0.0
    if name in FONT_METRICS and not raw.FPDFFont_GetIsEmbedded(font):
        return float(FONT_METRICS[name][0].get("Descent", 0))  # type: ignore[arg-type]
    descent = ctypes.c_float()
    if not raw.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), descent):
        return 0.0
    return descent.value


def _glyph_width(font: Any, text: str) -> float:
    """A one-letter text's advance in the font, per point of size (0 when unknown)."""
    if len(text) != 1 or not font:
        return 0.0
    raw = _raw()
    width = ctypes.c_float()
    if not raw.FPDFFont_GetGlyphWidth(font, ord(text), ctypes.c_float(1000.0), width):
        return 0.0
    return width.value / 1000.0


def font_name(font: Any) -> str:
    """A font's base name ("DejaVuSans-Bold"), or "" when it has none."""
    if not font:
        return ""
    raw = _raw()
    buffer = ctypes.create_string_buffer(256)
    length = raw.FPDFFont_GetBaseFontName(font, buffer, 256)
    return buffer.raw[: max(0, min(length, 256) - 1)].decode("utf-8", "replace")

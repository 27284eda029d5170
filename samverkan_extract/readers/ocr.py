"""OCR for PDF pages without a usable text layer (Tesseract, Swedish model).

The page is rendered at 300 dpi with what pdfplumber brings and read by Tesseract
through ``pytesseract``. Tesseract's hOCR output gives every word its box and every
line its baseline slope and text height (``x_size``); the words are turned
straight (by the page's median baseline slope), measured in PDF points and given their
line's text height as font size. The PDF reader then lays them out like the words of
a born-digital page: lines, columns, side-by-side signature blocks, headings by size,
list markers, paragraphs at vertical gaps. Deskewing beyond that is Tesseract's job.
"""

from __future__ import annotations

import os
import statistics
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache

import regex

from samverkan_extract.errors import MissingDependencyError

RESOLUTION = 300
LANGUAGE = "swe"
SCALE = 72 / RESOLUTION  # pixels to PDF points
# Tesseract's confidence under which a word without letters or digits is a speckle.
NOISE_CONF = 70
# Tesseract's confidence under which a one-letter "word" is a speckle.
SPECK_CONF = 45
# Tesseract's confidence under which a word of up to three characters is a guess.
GUESS_CONF = 25

INSTALL_HINT = (
    "install it with: pip install 'samverkan-extract[ocr]' "
    "and apt-get install tesseract-ocr tesseract-ocr-swe"
)

# What a bullet glyph turns into when Tesseract reads it.
BULLET_TOKENS = frozenset("•●▪■◦○‣⁃∙·*«»°©®+eoa") | {"\uf0b7"}

_BBOX = regex.compile(r"bbox\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)")
_BASELINE = regex.compile(r"baseline\s+(-?[\d.]+)\s+(-?[\d.]+)")
_XSIZE = regex.compile(r"x_size\s+([\d.]+)")
_WCONF = regex.compile(r"x_wconf\s+(-?\d+)")


@cache
def _check() -> object:
    """pytesseract, the tesseract program and the Swedish model, or a clear error."""
    what = "this PDF has pages without a text layer and needs OCR, but"
    try:
        import pytesseract
    except ImportError:
        raise MissingDependencyError(
            f"{what} pytesseract is not installed; {INSTALL_HINT}"
        ) from None
    try:
        pytesseract.get_tesseract_version()
    except Exception:  # noqa: BLE001 - TesseractNotFoundError and friends
        raise MissingDependencyError(
            f"{what} the tesseract program was not found; {INSTALL_HINT}"
        ) from None
    try:
        languages = set(pytesseract.get_languages(config=""))
    except Exception:  # noqa: BLE001
        languages = set()
    if LANGUAGE not in languages:
        raise MissingDependencyError(
            f"{what} Tesseract's Swedish model ({LANGUAGE}) is not installed; {INSTALL_HINT}"
        )
    return pytesseract


def check_ocr_available() -> None:
    """Raise ``MissingDependencyError`` unless OCR can run here."""
    _check()


def reset_check() -> None:
    """Forget the cached dependency check (after installing, or in tests)."""
    _check.cache_clear()


@dataclass
class OcrWord:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float
    size: float  # the line's text height (pixels)
    slope: float  # the line's baseline slope
    baseline: float  # the line's baseline height under the word's centre (pixels)
    first: bool = False  # the first word of its line


def run_tesseract(image) -> bytes:  # type: ignore[no-untyped-def]
    """hOCR of one page image. Tesseract runs single-threaded: on a small machine its
    OpenMP threads fight each other and make it several times slower."""
    pytesseract = _check()
    previous = os.environ.get("OMP_THREAD_LIMIT")
    if previous is None:
        os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        return pytesseract.image_to_pdf_or_hocr(  # type: ignore[attr-defined,no-any-return]
            image, lang=LANGUAGE, extension="hocr", config="--psm 3"
        )
    finally:
        if previous is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)


def parse_hocr(data: bytes) -> list[OcrWord]:
    """The words of an hOCR page with their line's slope and text height."""
    root = ET.fromstring(data)
    words: list[OcrWord] = []
    for line in root.iter():
        if line.get("class") not in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"):
            continue
        title = line.get("title") or ""
        line_box = _BBOX.search(title)
        if line_box is None:
            continue
        lx0, _, _, ly1 = (float(v) for v in line_box.groups())
        m = _BASELINE.search(title)
        slope, offset = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
        m = _XSIZE.search(title)
        size = float(m.group(1)) if m else 0.0
        first = True
        for span in line.iter():
            if span.get("class") != "ocrx_word":
                continue
            text = "".join(span.itertext()).strip()
            box = _BBOX.search(span.get("title") or "")
            if not text or box is None:
                continue
            conf_m = _WCONF.search(span.get("title") or "")
            conf = float(conf_m.group(1)) if conf_m else 100.0
            x0, top, x1, bottom = (float(v) for v in box.groups())
            baseline = ly1 + offset + slope * ((x0 + x1) / 2 - lx0)
            words.append(OcrWord(text, x0, top, x1, bottom, conf, size, slope, baseline, first))
            first = False
    return words


def is_noise(word: OcrWord) -> bool:
    """Speckles read as punctuation or a stray letter (a bullet opening a line stays)."""
    if word.first and (word.text in BULLET_TOKENS or _bullet_like(word)):
        return False
    alnum = sum(c.isalnum() for c in word.text)
    if alnum == 0:
        return word.text in ("|", "¦") or (
            word.conf < NOISE_CONF and word.text not in ("-", "–", "•")
        )
    if len(word.text) <= 3 and word.conf < GUESS_CONF:
        return True  # "Sa", "=S": Tesseract guessing at a speck
    return len(word.text) == 1 and word.conf < SPECK_CONF


def _bullet_like(word: OcrWord) -> bool:
    """A small mark without letters opening a line: a bullet Tesseract read as '"', ':',
    ',' or the like."""
    size = word.size or (word.bottom - word.top)
    width, height = word.x1 - word.x0, word.bottom - word.top
    if any(c.isalnum() for c in word.text):
        return False
    # bigger than a speck, smaller than a letter
    return 0.15 * size <= width <= 0.6 * size and 0.15 * size <= height <= 0.6 * size


def straighten(words: list[OcrWord]) -> list[tuple[OcrWord, float, float, float, float]]:
    """Word boxes turned by the page's median baseline slope, so that the words of one
    line share a height and columns stay upright: (word, x0, top, x1, bottom) in pixels.

    A word's box is rebuilt from its line's baseline and text height, so that every
    word of a line has the same top and bottom, and the gap between two lines shows the
    spacing the page was set with, not how far the letters happen to reach.
    """
    slopes = [w.slope for w in words]
    s = statistics.median(slopes) if slopes else 0.0
    out = []
    for w in words:
        cx = (w.x0 + w.x1) / 2
        width = w.x1 - w.x0
        size = w.size or (w.bottom - w.top)
        cx2 = cx + s * w.baseline
        base = w.baseline - s * cx
        out.append((w, cx2 - width / 2, base - 0.78 * size, cx2 + width / 2, base + 0.22 * size))
    return out


def _drop_mark_lines(words: list[OcrWord]) -> list[OcrWord]:
    """Lines with no letter or digit (specks, rules) are dropped."""
    out: list[OcrWord] = []
    line: list[OcrWord] = []
    for w in [*words, None]:
        if w is None or w.first:
            if any(c.isalnum() for x in line for c in x.text):
                out += line
            line = []
        if w is not None:
            line.append(w)
    return out


def ocr_words(page) -> list:  # type: ignore[no-untyped-def]
    """The words of a page without a text layer, as ``readers.pdf.Word`` in points."""
    from samverkan_extract.readers.pdf import Word

    _check()
    image = page.to_image(resolution=RESOLUTION).original.convert("L")
    words = _drop_mark_lines(parse_hocr(run_tesseract(image)))
    words = [w for w in words if not is_noise(w)]
    specks = set()
    for i, w in enumerate(words):
        if w.first and _bullet_like(w):
            after = words[i + 1] if i + 1 < len(words) and not words[i + 1].first else None
            if after is not None and after.text[:1].islower():
                specks.add(i)  # a line going on in lower case opens no list item
            w.text = "•"
    words = [w for i, w in enumerate(words) if i not in specks]
    out = []
    for w, x0, top, x1, bottom in straighten(words):
        size = (w.size or (w.bottom - w.top)) * SCALE
        out.append(
            Word(
                w.text,
                x0 * SCALE,
                x1 * SCALE,
                top * SCALE,
                bottom * SCALE,
                round(size * 2) / 2,
                False,
            )
        )
    return out

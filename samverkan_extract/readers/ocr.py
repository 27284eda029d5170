"""OCR (Tesseract, Swedish model): the words of a page image, with their geometry.

The caller renders the page (``readers/pdf/scan.py``: a PDF page without a usable text
layer, at ``RESOLUTION`` dpi, or lower for a page that would take more than
``MAX_PIXELS``, see ``ocr_scale``) and hands the image to ``read_image``, which

1. whitens the specks that stand alone (``clean_page``: a dark mark of at most
   ``SPECK_AREA`` pixels with nothing else dark within ``SPECK_RADIUS``, both at 300
   dpi), so that Tesseract neither reads them as marks glued to words ('"Anneli') nor
   lets them break up its layout analysis (a column of item numbers read as "PP w N");
   a full stop, the dot of an i and a bullet stand close to other ink and stay;
2. runs Tesseract (the program ``pytesseract`` finds, as pytesseract runs it, but
   killed when the reading is stopped while it runs) and reads its hOCR output: every
   word gets its box, its confidence and its line's baseline (slope and offset) and text
   height (``x_size``).

Then (steps 3 to 5, which measure marks on the page image, are ``readers/ocr_words.py``)

1. lines with no letter or digit (specks, rules) are dropped, and so are lines of
   short words none of which Tesseract is sure of (a signature written by hand);
2. specks are dropped: marks without letters read with low confidence, one-letter words
   under ``SPECK_CONF``, guesses of up to three characters under ``GUESS_CONF`` (but a
   word's shape before a word read surely: "öka" at 22); a mark or bullet opening a
   line stays;
3. a small mark opening a line (or one letter a third of the text high: "8") is a
   bullet ("•"), unless the line goes on in lower case and no other such mark stands
   under or over it (a speck before wrapped text); so is a mark no wider than a letter
   that stands apart from the text after it (a dash read as "«="), but not a rule's
   piece as tall as the text;
4. dashes are measured on the page (``read_dashes``): Tesseract reads an en dash as a
   hyphen, and "2019–2022" or "Kommunen – Polisen" must keep it. A dash between digits
   is an en dash when it is at least ``EN_DASH_DIGITS`` of the digits' height long, a
   dash standing alone when it is at least ``EN_DASH_EM`` of its line's text height; an
   ISO date keeps its hyphens, and a "hyphen" between letters shorter than a hyphen is
   a speck between two words ("lovar-att");
5. a speck glued to the front of a word is taken off ("'med", ".och", '"Anneli' read
   with low confidence), and one read between two words parts them ("27:januari";
   ``strip_glued_marks``).

``straighten`` turns the boxes by the page's median baseline slope and rebuilds each
from its line's baseline and text height, so that the words of one line share a height.
Deskewing beyond that is Tesseract's job.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import regex

from samverkan_extract.errors import MissingDependencyError
from samverkan_extract.readers.ocr_words import (
    BULLET_TOKENS,
    DARK,
    MARK_HEIGHT,
    OcrWord,
    marks_apart,
    read_dashes,
    split_glued_markers,
    strip_glued_marks,
)

RESOLUTION = 300
LANGUAGE = "swe"
SCALE = 72 / RESOLUTION  # pixels to PDF points
# The most pixels a page is rendered with for OCR: A3 at 300 dpi is 17.4 million; a
# larger page is rendered at a lower resolution (a 3 x A0 poster at 300 dpi would take
# gigabytes).
MAX_PIXELS = 25_000_000
# Tesseract's confidence under which a word without letters or digits is a speckle.
NOISE_CONF = 70
# Tesseract's confidence under which a one-letter "word" is a speckle.
SPECK_CONF = 45
# Tesseract's confidence under which a word of up to three characters is a guess.
GUESS_CONF = 25
# Tesseract's confidence from which a word is read surely.
SURE_CONF = 80
# A speck (pixels at 300 dpi, scaled with the resolution): at most SPECK_AREA dark
# pixels with no other dark pixel within SPECK_RADIUS; darker than DARK is ink.
SPECK_RADIUS = 14
SPECK_AREA = 30
# A mark part of which lies within SPECK_KEEP pixels (at 300 dpi) of ink that is not
# alone stays whole.
SPECK_KEEP = 8
# A drawing read as letters: this many words or more, none longer than DRAWING_CHARS nor
# read with DRAWING_CONF or more.
DRAWING_WORDS = 3
DRAWING_CHARS = 7
DRAWING_CONF = 45
# A letter or digit at most this share of the text height tall opening a line is a
# bullet Tesseract misread ("8", "e").
BULLET_HEIGHT = 0.35

INSTALL_HINT = (
    "install it with: pip install 'samverkan-extract[ocr]' "
    "and apt-get install tesseract-ocr tesseract-ocr-swe"
)


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


def clean_page(image: Any, dpi: float = RESOLUTION) -> Any:
    """The page image with the specks that stand alone whitened: dark marks of at most
    ``SPECK_AREA`` pixels with no other dark pixel within ``SPECK_RADIUS`` (both at 300
    dpi, scaled to ``dpi``). Ink close to other ink (a full stop, the dot of an i, a
    bullet, a dash between words) stays, and so does all of a mark part of which is
    close to other ink (within ``SPECK_KEEP`` of it): a full stop a little apart from
    its word is not half erased."""
    import numpy as np

    pixels = np.asarray(image.convert("L"))
    scale = dpi / 300
    dark = pixels < DARK
    around = _window_sums(dark, max(1, round(SPECK_RADIUS * scale)))
    alone = around <= SPECK_AREA * scale**2
    anchored = dark & ~alone
    near_ink = _window_sums(anchored, max(1, round(SPECK_KEEP * scale))) > 0
    # the speck and its grey rim, not the paper
    specks = alone & ~near_ink & (pixels < 235)
    if not specks.any():
        return image
    cleaned = pixels.copy()
    cleaned[specks] = 255
    from PIL import Image

    return Image.fromarray(cleaned)


def _window_sums(mask: Any, r: int) -> Any:
    """How many pixels of ``mask`` every (2r+1)^2 window holds, from a summed-area
    table."""
    import numpy as np

    height, width = mask.shape
    n = 2 * r + 1
    table = np.zeros((height + n, width + n), np.int32)
    table[r + 1 : r + 1 + height, r + 1 : r + 1 + width] = mask
    np.cumsum(table, axis=0, out=table)
    np.cumsum(table, axis=1, out=table)
    sums = table[n:, n:] - table[:-n, n:]
    sums -= table[n:, :-n]
    sums += table[:-n, :-n]
    return sums


def run_tesseract(image: Any) -> bytes:
    """hOCR of one page image, from Tesseract run as pytesseract runs it (the image as
    PNG, ``-l swe -c tessedit_create_hocr=1 --psm 3 hocr``) but single-threaded (on a
    small machine its OpenMP threads fight each other and make it several times slower),
    and killed when anything stops the reading while it runs: the time limit, an
    interrupt. No Tesseract outlives its page."""
    pytesseract = _check()
    with tempfile.TemporaryDirectory(prefix="samverkan-ocr-") as folder:
        source, base = Path(folder) / "page.png", Path(folder) / "page"
        image.save(source, format="PNG")
        command = [
            pytesseract.pytesseract.tesseract_cmd,  # type: ignore[attr-defined]
            str(source),
            str(base),
            *("-l", LANGUAGE, "-c", "tessedit_create_hocr=1", "--psm", "3", "hocr"),
        ]
        status, errors = _run(command)
        output = base.with_suffix(".hocr")
        if status or not output.is_file():
            raise pytesseract.TesseractError(  # type: ignore[attr-defined]
                status, errors.decode("utf-8", "replace").strip()[:300]
            )
        return output.read_bytes()


def _run(command: list[str]) -> tuple[int, bytes]:
    """Run a command to its end, or kill it when the wait is broken off."""
    environment = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
    )
    try:
        _, errors = process.communicate()
    except BaseException:  # the time limit or an interrupt: kill, then let it go on
        process.kill()
        process.wait()
        raise
    return process.returncode, errors


def ocr_scale(width: float, height: float) -> float:
    """How much a page of ``width`` x ``height`` points is scaled down from
    ``RESOLUTION`` dpi so that its image keeps within ``MAX_PIXELS`` (1 for any page up
    to about A3)."""
    pixels = (width * RESOLUTION / 72) * (height * RESOLUTION / 72)
    return 1.0 if pixels <= MAX_PIXELS else math.sqrt(MAX_PIXELS / pixels)


_LINE_CLASSES = ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat")


@dataclass(frozen=True)
class _LineGeometry:
    """An hOCR line's left edge, bottom, baseline (slope, offset) and text height."""

    x0: float
    bottom: float
    slope: float
    offset: float
    size: float

    def baseline(self, x: float) -> float:
        return self.bottom + self.offset + self.slope * (x - self.x0)


def parse_hocr(data: bytes) -> list[OcrWord]:
    """The words of an hOCR page with their line's slope and text height."""
    root = ET.fromstring(data)
    words: list[OcrWord] = []
    for line in root.iter():
        if line.get("class") in _LINE_CLASSES:
            words += _line_words(line)
    return words


def _line_geometry(title: str) -> _LineGeometry | None:
    box = _BBOX.search(title)
    if box is None:
        return None
    x0, _, _, bottom = (float(v) for v in box.groups())
    m = _BASELINE.search(title)
    slope, offset = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
    m = _XSIZE.search(title)
    return _LineGeometry(x0, bottom, slope, offset, float(m.group(1)) if m else 0.0)


def _line_words(line: ET.Element) -> list[OcrWord]:
    geometry = _line_geometry(line.get("title") or "")
    if geometry is None:
        return []
    words: list[OcrWord] = []
    for span in line.iter():
        if span.get("class") == "ocrx_word":
            word = _word(span, geometry, first=not words)
            if word is not None:
                words.append(word)
    return words


def _word(span: ET.Element, line: _LineGeometry, *, first: bool) -> OcrWord | None:
    title = span.get("title") or ""
    text = "".join(span.itertext()).strip()
    box = _BBOX.search(title)
    if not text or box is None:
        return None
    conf_m = _WCONF.search(title)
    conf = float(conf_m.group(1)) if conf_m else 100.0
    x0, top, x1, bottom = (float(v) for v in box.groups())
    baseline = line.baseline((x0 + x1) / 2)
    return OcrWord(text, x0, top, x1, bottom, conf, line.size, line.slope, baseline, first)


def _is_noise(word: OcrWord) -> bool:
    """Speckles read as punctuation or a stray letter (a bullet opening a line stays)."""
    if word.first and (word.text in BULLET_TOKENS or _bullet_like(word)):
        return False
    if not any(c.isalnum() for c in word.text):
        return _noise_mark(word)
    if len(word.text) <= 3 and word.conf < GUESS_CONF:
        return True  # "Sa", "=S": Tesseract guessing at a speck
    return len(word.text) == 1 and word.conf < SPECK_CONF


def without_noise(words: list[OcrWord]) -> list[OcrWord]:
    """The words that are no speckle (``_is_noise``); a short word read with low
    confidence stays when it is shaped like one (``_word_shaped``) and the word after it
    on its line was read with confidence ("• öka närvaron": "öka" read at 22)."""
    noise = set()
    for i, w in enumerate(words):
        after = _next_on_line(words, i)
        if _is_noise(w) and not (after is not None and after.conf >= SURE_CONF and _word_shaped(w)):
            noise.add(i)
    return _without(words, noise)


def _without(words: list[OcrWord], dropped: set[int]) -> list[OcrWord]:
    """The words but those at ``dropped``; a line whose first word goes opens with the
    next word kept."""
    out: list[OcrWord] = []
    opens = False
    for i, w in enumerate(words):
        opens = w.first or (opens and i - 1 in dropped)
        if i not in dropped:
            w.first = opens
            out.append(w)
            opens = False
    return out


def _next_on_line(words: list[OcrWord], i: int) -> OcrWord | None:
    """The word after ``words[i]`` on its line, if any."""
    return words[i + 1] if i + 1 < len(words) and not words[i + 1].first else None


def _word_shaped(word: OcrWord) -> bool:
    """Lower-case letters in a box of a word's height (half the text height to all of
    it) and of letters' width (at most 0.8 of the text height each): not a speck, nor a
    rule or a stroke read as letters."""
    size = word.size or (word.bottom - word.top)
    if not word.text.isalpha() or not word.text.islower() or size <= 0:
        return False
    height, width = word.bottom - word.top, word.x1 - word.x0
    return 0.5 * size <= height <= size and width <= 0.8 * size * len(word.text)


def _noise_mark(word: OcrWord) -> bool:
    """A mark without letters: a rule piece, or a mark Tesseract is unsure of (dashes
    and bullets kept)."""
    if word.text in ("|", "¦"):
        return True
    return word.conf < NOISE_CONF and word.text not in ("-", "–", "•")


def _bullet_like(word: OcrWord) -> bool:
    """A small mark opening a line: a bullet Tesseract read as '"', ':', ',', or as one
    letter or digit far smaller than a letter ("8", "e" a third of the text high)."""
    size = word.size or (word.bottom - word.top)
    width, height = word.x1 - word.x0, word.bottom - word.top
    if any(c.isalnum() for c in word.text) and (
        len(word.text) > 1 or height > BULLET_HEIGHT * size
    ):
        return False
    # bigger than a speck, smaller than a letter
    return 0.15 * size <= width <= 0.6 * size and 0.15 * size <= height <= MARK_HEIGHT * size


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
    """Lines with no letter or digit (specks, rules) are dropped, and so are drawings
    read as letters (a handwritten signature read as "EEE NE RA LEE TINA")."""
    out: list[OcrWord] = []
    line: list[OcrWord] = []
    for w in [*words, None]:
        if w is None or w.first:
            if any(c.isalnum() for x in line for c in x.text) and not _drawing(line):
                out += line
            line = []
        if w is not None:
            line.append(w)
    return out


def _drawing(line: list[OcrWord]) -> bool:
    """A line of at least ``DRAWING_WORDS`` short "words" (at most ``DRAWING_CHARS``
    characters), none read with ``DRAWING_CONF`` or more: Tesseract guessing at strokes.
    A line of text read badly still has a long or a confident word."""
    return len(line) >= DRAWING_WORDS and all(
        w.conf < DRAWING_CONF and len(w.text) <= DRAWING_CHARS for w in line
    )


def read_image(image: Any, dpi: float = RESOLUTION) -> list[OcrWord]:
    """The words Tesseract reads on a page image rendered at ``dpi``, without specks and
    mark-only lines; a small mark opening a line is a bullet ("•"), unless the line goes
    on in lower case and no other mark stands in its column (then it is a speck and
    dropped); dashes as long as they are printed; no speck glued to a word's front."""
    _check()
    page = clean_page(image, dpi)
    words = _drop_mark_lines(parse_hocr(run_tesseract(page)))
    words = split_glued_markers(words, page)
    marks_apart(words)
    words = without_noise(words)
    words = _bullets(words)
    read_dashes(words, page)
    return strip_glued_marks(words)


def _bullets(words: list[OcrWord]) -> list[OcrWord]:
    """Small marks opening a line become bullets ("•"). One before a line going on in
    lower case is a speck before wrapped text, unless another such mark stands at its
    left edge on the page (a column of bullets before items that open in lower case:
    "Polisen lovar att: • öka närvaron …")."""
    marks = [i for i, w in enumerate(words) if w.first and _bullet_like(w)]
    specks = set()
    for i in marks:
        w = words[i]
        after = _next_on_line(words, i)
        if (
            after is not None
            and after.text[:1].islower()
            and not _in_bullet_column(words, i, marks)
        ):
            specks.add(i)
        w.text = "•"
    return _without(words, specks)


def _in_bullet_column(words: list[OcrWord], i: int, marks: list[int]) -> bool:
    """Whether another mark opening a line stands within half a text height of mark
    ``i``'s left edge, each set apart from its line's text by half a text height."""

    def apart(j: int) -> bool:
        w = words[j]
        after = _next_on_line(words, j)
        return after is not None and after.x0 - w.x1 >= 0.5 * (w.size or w.bottom - w.top)

    if not apart(i):
        return False
    size = words[i].size or (words[i].bottom - words[i].top)
    return any(j != i and abs(words[j].x0 - words[i].x0) <= 0.5 * size and apart(j) for j in marks)

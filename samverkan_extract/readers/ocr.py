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

Then

1. lines with no letter or digit (specks, rules) are dropped;
2. specks are dropped: marks without letters read with low confidence, one-letter words
   under ``SPECK_CONF``, guesses of up to three characters under ``GUESS_CONF``; a mark
   or bullet opening a line stays;
3. a small mark without letters opening a line is a bullet ("•"), unless the line goes
   on in lower case (a speck before wrapped text); so is a mark no wider than a letter
   that stands apart from the text after it (a dash read as "«=");
4. dashes are measured on the page (``read_dashes``): Tesseract reads an en dash as a
   hyphen, and "2019–2022" or "Kommunen – Polisen" must keep it. A dash between digits
   is an en dash when it is at least ``EN_DASH_DIGITS`` of the digits' height long, a
   dash standing alone when it is at least ``EN_DASH_EM`` of its line's text height;
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
from samverkan_extract.readers.common import BULLETS

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
# A speck (pixels at 300 dpi, scaled with the resolution): at most SPECK_AREA dark
# pixels with no other dark pixel within SPECK_RADIUS; darker than DARK is ink.
SPECK_RADIUS = 14
SPECK_AREA = 30
# A mark part of which lies within SPECK_KEEP pixels (at 300 dpi) of ink that is not
# alone stays whole.
SPECK_KEEP = 8
DARK = 160
# A dash between digits this long (share of the digits' height) or longer is an en
# dash (a hyphen is about a third of it, an en dash about half or more) ...
EN_DASH_DIGITS = 0.48
# ... and a dash standing alone this long (share of its line's text height): a hyphen
# is about a quarter of it, an en dash 0.35 or more.
EN_DASH_EM = 0.31
# Tesseract's confidence under which a quote mark glued to a word's front is a speck.
QUOTE_CONF = 70
# Tesseract's confidence under which a line's first word may hold a list marker it
# read into the word.
GLUED_MARKER_CONF = 60

INSTALL_HINT = (
    "install it with: pip install 'samverkan-extract[ocr]' "
    "and apt-get install tesseract-ocr tesseract-ocr-swe"
)

# What a bullet glyph turns into when Tesseract reads it: the bullets every reader knows,
# and the marks and letters Tesseract misreads a small round bullet as.
BULLET_TOKENS = frozenset(BULLETS) | frozenset("*«»°©®+eoa")

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


def is_noise(word: OcrWord) -> bool:
    """Speckles read as punctuation or a stray letter (a bullet opening a line stays)."""
    if word.first and (word.text in BULLET_TOKENS or _bullet_like(word)):
        return False
    if not any(c.isalnum() for c in word.text):
        return _noise_mark(word)
    if len(word.text) <= 3 and word.conf < GUESS_CONF:
        return True  # "Sa", "=S": Tesseract guessing at a speck
    return len(word.text) == 1 and word.conf < SPECK_CONF


def _noise_mark(word: OcrWord) -> bool:
    """A mark without letters: a rule piece, or a mark Tesseract is unsure of (dashes
    and bullets kept)."""
    if word.text in ("|", "¦"):
        return True
    return word.conf < NOISE_CONF and word.text not in ("-", "–", "•")


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


def read_image(image: Any, dpi: float = RESOLUTION) -> list[OcrWord]:
    """The words Tesseract reads on a page image rendered at ``dpi``, without specks and
    mark-only lines; a small mark opening a line is a bullet ("•"), unless the line goes
    on in lower case (then it is a speck and dropped); dashes as long as they are
    printed; no speck glued to a word's front."""
    _check()
    page = clean_page(image, dpi)
    words = _drop_mark_lines(parse_hocr(run_tesseract(page)))
    words = _split_glued_markers(words, page)
    _marks_apart(words)
    words = [w for w in words if not is_noise(w)]
    words = _bullets(words)
    read_dashes(words, page)
    return strip_glued_marks(words)


def _split_glued_markers(words: list[OcrWord], page: Any) -> list[OcrWord]:
    """A list marker Tesseract read into the first word of its line: the word's box
    opens with a mark no wider than a letter, then a blank stretch of half the text
    height or more before its letters ("Våld" read over "–   Våld"). The mark becomes a
    word of its own, a bullet ("•")."""
    import numpy as np

    pixels = None
    out: list[OcrWord] = []
    for w in words:
        size = w.size or (w.bottom - w.top)
        if not w.first or w.conf >= GLUED_MARKER_CONF or size <= 0:
            out.append(w)
            continue
        if pixels is None:
            pixels = np.asarray(page.convert("L"))
        split = _marker_gap(pixels, w, size)
        if split is None:
            out.append(w)
            continue
        mark_end, text_start = split
        mark = OcrWord(
            "•",
            w.x0,
            w.top,
            w.x0 + mark_end,
            w.bottom,
            0.0,
            w.size,
            w.slope,
            w.baseline,
            first=True,
        )
        w.x0, w.first = w.x0 + text_start, False
        out += [mark, w]
    return out


def _marker_gap(pixels: Any, w: OcrWord, size: float) -> tuple[int, int] | None:
    """Where the mark opening a word's box ends and its text starts (pixels from the
    box's left edge), or None when the box opens with no mark set apart."""
    import numpy as np

    box = pixels[max(0, int(w.top)) : int(w.bottom) + 1, max(0, int(w.x0)) : int(w.x1) + 1]
    inked = np.flatnonzero((box < DARK).any(axis=0))
    if len(inked) < 2 or inked[0] > 0.8 * size:
        return None
    gaps = np.diff(inked)
    k = int(np.argmax(gaps))
    if gaps[k] < 0.5 * size or inked[k] - inked[0] > 0.8 * size:
        return None
    if inked[-1] - inked[k + 1] < 0.5 * size:  # the text after the gap
        return None
    return int(inked[k]) + 1, int(inked[k + 1])


def _marks_apart(words: list[OcrWord]) -> None:
    """A mark without letters opening a line, no wider than a letter and standing apart
    from the text after it (half the text height or more), is a list marker however
    Tesseract read it ("«=", ":" for a dash): a bullet ("•")."""
    for w, after in zip(words, words[1:], strict=False):
        if not w.first or after.first or any(c.isalnum() for c in w.text):
            continue
        if w.text in _DASHES or w.text in BULLET_TOKENS:
            continue
        size = w.size or (w.bottom - w.top)
        if w.x1 - w.x0 <= 0.8 * size and after.x0 - w.x1 >= 0.5 * size:
            w.text = "•"


def _bullets(words: list[OcrWord]) -> list[OcrWord]:
    specks = set()
    for i, w in enumerate(words):
        if w.first and _bullet_like(w):
            after = words[i + 1] if i + 1 < len(words) and not words[i + 1].first else None
            if after is not None and after.text[:1].islower():
                specks.add(i)  # a line going on in lower case opens no list item
            w.text = "•"
    return [w for i, w in enumerate(words) if i not in specks]


# --- Dashes ---------------------------------------------------------------------------

_DASHES = "-–—"
_DIGIT_DASH = regex.compile(r"(?<=\d)[-–—](?=\d)")


def read_dashes(words: list[OcrWord], page: Any) -> None:
    """Hyphen or en dash, as long as the dash is printed: Tesseract reads both as "-".

    A dash standing alone is an en dash when its box is at least ``EN_DASH_EM`` of its
    line's text height long. The dashes between digits ("2019-2022", "2021-01-01-2024-
    12-31") are measured on the page: each is a run of columns whose ink lies only in
    the middle band of the word; when there are as many runs as dashes, each becomes an
    en dash when it is at least ``EN_DASH_DIGITS`` of the digits' height long."""
    import numpy as np

    pixels = None
    for w in words:
        if w.text in _DASHES:
            size = w.size or (w.bottom - w.top)
            if size > 0:
                w.text = "–" if w.x1 - w.x0 >= EN_DASH_EM * size else "-"
            continue
        found = list(_DIGIT_DASH.finditer(w.text))
        if not found:
            continue
        if pixels is None:
            pixels = np.asarray(page.convert("L"))
        measured = dash_runs(pixels, w)
        if measured is None or len(measured[0]) != len(found):
            continue
        runs, height = measured
        chars = list(w.text)
        for m, run in zip(found, runs, strict=True):
            chars[m.start()] = "–" if run >= EN_DASH_DIGITS * height else "-"
        w.text = "".join(chars)


def dash_runs(pixels: Any, word: OcrWord) -> tuple[list[int], float] | None:
    """The lengths (pixels) of the dashes in a word's box, left to right, and the height
    of its characters; None for a box too small to measure.

    A column belongs to a dash when its ink (in the middle 80 % of the box, so that a
    speck under the word does not count) lies between a quarter and 85 % of the box's
    height, in a band no thicker than a quarter of it. A dash goes on over two columns
    that are not (a speck touching it). The characters' height is the 90th percentile of
    the columns' ink heights (the box also holds the tilt of a skewed line)."""
    import numpy as np

    x0, top = max(0, int(word.x0)), max(0, int(word.top))
    box = pixels[top : int(word.bottom) + 1, x0 : int(word.x1) + 1] < DARK
    height, width = box.shape
    if height < 6 or width < 3:
        return None
    lo, hi = int(0.1 * height), int(np.ceil(0.9 * height))
    dashlike: list[bool] = []
    extents: list[int] = []
    for j in range(width):
        column = np.flatnonzero(box[:, j])
        inner = column[(column >= lo) & (column < hi)]
        if len(column):
            extents.append(int(column[-1] - column[0] + 1))
        dashlike.append(
            len(inner) > 0
            and inner[0] >= 0.25 * height
            and inner[-1] <= 0.85 * height
            and inner[-1] - inner[0] <= 0.25 * height
        )
    if not extents:
        return None
    runs: list[int] = []
    start = last = -10
    for j, is_dash in enumerate(dashlike):
        if not is_dash:
            continue
        if j - last <= 3 and runs:  # a gap of up to two columns
            runs[-1] = j - start + 1
        else:
            start = j
            runs.append(1)
        last = j
    glyph = float(np.percentile(extents, 90))
    # a dash is longer than a fifth of the characters' height (not a "4"'s crossbar)
    return [r for r in runs if r >= 0.2 * glyph], glyph


# --- Specks glued to words ---------------------------------------------------------------

# Marks a speck in front of a word is read as; quote marks only when read with low
# confidence (a quoted word is read with high confidence, and closes its quote).
_GLUED = regex.compile(r"^['‘’`´.,:;<>«»|_~^*]+(?=[\p{L}\d])")
_GLUED_QUOTE = regex.compile(r'^["”“„]+(?=[\p{L}\d])')
_QUOTES = '"”“„'


def strip_glued_marks(words: list[OcrWord]) -> list[OcrWord]:
    """A speck read as a mark glued to the front of a word ("'med", ".och", "<Lokal..."),
    taken off; a quote mark only when the word is read with low confidence and no quote
    closes it on the line. A speck read as a mark between two words read as one
    ("27:januari", "polisen'och") parts them."""
    words = [part for w in words for part in _parted(w)]
    for i, w in enumerate(words):
        m = _GLUED.match(w.text)
        if m is None and w.conf < QUOTE_CONF:
            m = _GLUED_QUOTE.match(w.text)
            if m is not None and _closed(words, i, m.end()):
                m = None
        if m is not None:
            w.text = w.text[m.end() :]
    return words


# A mark between a letter or digit and a word in lower case: no word holds one.
_GLUED_BETWEEN = regex.compile(r"(?<=[\p{L}\d])[:;'’](?=\p{Ll}{2})")


def _parted(w: OcrWord) -> list[OcrWord]:
    """A word read over a speck between two words, parted at the speck (each part's box
    in proportion to its characters)."""
    m = _GLUED_BETWEEN.search(w.text)
    if m is None:
        return [w]
    before, after = w.text[: m.start()], w.text[m.end() :]
    share = (w.x1 - w.x0) / len(w.text)
    left = OcrWord(**{**w.__dict__, "text": before, "x1": w.x0 + share * len(before)})
    right = OcrWord(
        **{**w.__dict__, "text": after, "x0": w.x1 - share * len(after), "first": False}
    )
    return [left, *_parted(right)]


def _closed(words: list[OcrWord], i: int, start: int) -> bool:
    """Whether a quote closes the one opening word ``i`` on its line."""
    if any(q in words[i].text[start:] for q in _QUOTES):
        return True
    for w in words[i + 1 :]:
        if w.first:
            return False
        if any(q in w.text for q in _QUOTES):
            return True
    return False

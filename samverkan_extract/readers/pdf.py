"""PDF: words with coordinates (pdfplumber) laid out into blocks in reading order.

Each page is read once: its characters are parsed, doubled "fake bold" glyphs dropped,
words extracted with size and font, and ruled tables found when the page has vertical
rules. Pages without a usable text layer are sent to OCR (``readers/ocr.py``).

Layout, per page:

1. words are grouped into *lines* (same height) and lines split into *fragments* at
   wide horizontal gaps;
2. running headers and footers (lines recurring across pages at the same height, small
   print in the margins) and page numbers are dropped;
3. column gutters are found from the words' x-positions: a multi-column body is read
   column by column, a line that spans the gutter starts a new band;
4. inside a column, lines that stand side by side with a consistent gap between them
   (signature blocks, borderless tables) become table cells, read as cells of a table;
5. the remaining lines become headings (larger or bold short lines, level by size
   rank), list items (bullet or number marker, removed) and paragraphs (split at
   vertical gaps).

A paragraph that runs on from one page to the next is joined into one block.
"""

from __future__ import annotations

import difflib
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import regex

from samverkan_extract.document import (
    BBox,
    Document,
    DocumentBuilder,
    clean_line,
    is_hyphenated,
    join_lines,
)
from samverkan_extract.errors import InputError
from samverkan_extract.knowledge import knowledge
from samverkan_extract.limits import Limits
from samverkan_extract.readers.common import Reader, file_sha256, is_page_number
from samverkan_extract.readers.ocr import BULLET_TOKENS

# A line is "the same height" as another when their centres differ by less than this
# share of the font size.
SAME_LINE = 0.45
# A horizontal gap wider than this share of the font size splits a line into fragments.
FRAGMENT_GAP = 1.5
# The narrowest gap between two columns (points).
MIN_GUTTER = 8.0
# The top and bottom share of a page where running headers and footers live.
MARGIN_ZONE = 0.12
# Characters of a page that, when unmapped, mean its text layer is unusable.
BAD_TEXT_SHARE = 0.1
# An image covering this share of a page without text marks a scanned page.
IMAGE_COVER = 0.3

_BOLD_FONT = regex.compile(r"(?i)bold|black|heavy|semibold|demi|[-,]bd\b")
_STRONG_BULLETS = "•●▪■◦○‣⁃∙·\uf0b7\uf0a7\uf076\uf0d8\uf0fc"
_BULLET_WORD = regex.compile(rf"^[{_STRONG_BULLETS}]$")
_BULLET_GLUED = regex.compile(rf"^([{_STRONG_BULLETS}])(\S.*)$")
_DASH_WORD = regex.compile(r"^[-–—]$")
_NUMBER_WORD = regex.compile(r"^(?:\d{1,2}[.)]|[a-zA-Z][.)]|\(\d{1,2}\)|\([a-z]\))$")
_SENTENCE_END = ".:;!?"
_DATE = regex.compile(r"\d{4}-(?:\d\d|XX)-(?:\d\d|XX)|\d{1,2}\s+\p{Ll}+\s+\d{4}", regex.I)


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(eq=False)
class Fragment:
    """Words on one line with no wide gap between them."""

    words: list[Word]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


@dataclass(eq=False)
class Line:
    """One line of text as the layout sees it (from a fragment or joined fragments)."""

    words: list[Word]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False
    text: str = ""

    def __post_init__(self) -> None:
        ws = self.words
        self.x0 = min(w.x0 for w in ws)
        self.x1 = max(w.x1 for w in ws)
        self.top = min(w.top for w in ws)
        self.bottom = max(w.bottom for w in ws)
        weights: Counter[float] = Counter()
        for w in ws:
            weights[w.size] += len(w.text)
        self.size = weights.most_common(1)[0][0]
        letters = [w for w in ws if any(c.isalnum() for c in w.text)]
        self.bold = bool(letters) and all(w.bold for w in letters)
        self.text = join_words(ws)


@dataclass(eq=False)
class Table:
    """A ruled table found by pdfplumber: cell boxes by row."""

    bbox: BBox
    rows: list[list[BBox | None]]
    cells: dict[tuple[int, int], list[Word]] = field(default_factory=dict)


@dataclass(eq=False)
class Unit:
    """A block before it is added: kind, lines and where it sits."""

    kind: str
    lines: list[str]
    page: int
    bbox: BBox
    level: int = 0
    heading_key: tuple[float, bool] | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    keep_breaks: bool = False
    size: float = 0.0
    text_x0: float = 0.0  # where a list item's text starts (continuation lines align)
    last_bottom: float = 0.0
    last_x1: float = 0.0
    right: float = 0.0  # the right edge of the column the unit sits in
    left: float = 0.0  # and its left edge
    boxes: list[BBox] = field(default_factory=list)  # each line's box
    last_line: Line | None = None
    depth: int = 0  # a list item set in under the item before


@dataclass(eq=False)
class PageContent:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    ocr: bool = False  # the words come from OCR
    lines: list[list[Fragment]] = field(default_factory=list)


def join_words(words: Iterable[Word]) -> str:
    """Words of one line as text: a space between words, none where glyphs touch (a
    word split only because its font changed)."""
    out = ""
    prev: Word | None = None
    for w in words:
        if prev is not None:
            gap = w.x0 - prev.x1
            out += "" if gap < 0.12 * min(w.size, prev.size) else " "
        out += w.text
        prev = w
    return out


# --- Reading ------------------------------------------------------------------------


def read_pdf(path: Path, limits: Limits) -> Document:
    """A PDF's text in reading order; a file cut off before its end marker is read with a
    warning, or named as truncated when it cannot be read."""
    data = path.read_bytes()
    check_pdf_bytes(path, data)
    truncated = b"%%EOF" not in data[-2048:]
    try:
        document = _read_pdf(path, data, limits.max_pages)
    except InputError as exc:
        if truncated and exc.problem.startswith("not a readable PDF"):
            detail = exc.problem.removeprefix("not a readable PDF").strip()
            raise InputError(
                path, f"truncated PDF: the file stops before its %%EOF end marker {detail}"
            ) from None
        raise
    if truncated:
        document.warnings.append("the PDF stops before its %%EOF end marker: it may be truncated")
    return document


def _read_pdf(path: Path, data: bytes, max_pages: int) -> Document:
    builder = DocumentBuilder(str(path), "pdf", file_sha256(data))
    pdf = open_pdf(path, data)
    contents: list[PageContent] = []
    ocr_used = False
    try:
        try:
            total = len(pdf.pages)
        except Exception as exc:  # noqa: BLE001 - pdfminer raises many types
            raise pdf_error(path, exc) from None
        if total == 0:
            raise InputError(path, "PDF has no pages")
        if total > max_pages:
            builder.warnings.append(
                f"read the first {max_pages} of {total} pages (page limit {max_pages})"
            )
        for number in range(1, min(total, max_pages) + 1):
            page = pdf.pages[number - 1]
            try:
                content = read_page(page, number)
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001
                if number == 1 or _is_password_error(exc):
                    raise pdf_error(path, exc) from None
                builder.warnings.append(f"page {number} could not be read ({_describe(exc)})")
                continue
            finally:
                page.close()
            ocr_used = ocr_used or content.ocr
            contents.append(content)
    finally:
        try:
            pdf.close()
        except Exception:  # noqa: BLE001, S110 - closing a broken file
            pass
    layout_document(contents, builder)
    if not builder.blocks:
        raise InputError(path, "no text in PDF (no text layer and nothing recognised)")
    return builder.build(pages=total, ocr=ocr_used)


PDF_READER = Reader("pdf", (".pdf",), read_pdf)


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


def open_pdf(path: Path, data: bytes):  # type: ignore[no-untyped-def]
    import pdfplumber

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types
        raise pdf_error(path, exc) from None


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, *e.args]
    return seen


def _is_password_error(exc: BaseException) -> bool:
    for e in _chain(exc):
        name = type(e).__name__
        if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
            return True
        if "password" in str(e).lower() or "encrypt" in str(e).lower():
            return True
    return False


def _describe(exc: BaseException) -> str:
    inner = [e for e in _chain(exc) if type(e).__name__ != "PdfminerException"]
    e = inner[0] if inner else exc
    message = str(e).splitlines()[0].strip() if str(e).strip() else ""
    text = f"{type(e).__name__}: {message}" if message else type(e).__name__
    return text[:200]


def pdf_error(path: Path, exc: BaseException) -> InputError:
    if _is_password_error(exc):
        return InputError(path, "encrypted PDF: a password is needed")
    return InputError(path, f"not a readable PDF ({_describe(exc)})")


def read_page(page, number: int) -> PageContent:  # type: ignore[no-untyped-def]
    """Everything the layout needs from one page, read once; OCR when there is no text."""
    content = PageContent(number, float(page.width), float(page.height))
    chars = page.chars
    if needs_ocr(page, chars):
        from samverkan_extract.readers.ocr import ocr_words

        content.words = ocr_words(page)
        content.ocr = True
        return content
    if not chars:
        return content
    chars, doubled = dedupe_chars(chars)
    from pdfplumber.utils import extract_words

    raw = extract_words(chars, extra_attrs=["size", "fontname"], keep_blank_chars=False)
    words = []
    for w in raw:
        text = clean_line(w["text"])
        if not text or not w.get("upright", True):
            continue
        bold = bool(_BOLD_FONT.search(w.get("fontname") or ""))
        if doubled and (round(w["x0"]), round(w["top"])) in doubled:
            bold = True
        words.append(Word(text, w["x0"], w["x1"], w["top"], w["bottom"], round(w["size"], 1), bold))
    content.words = words
    if _has_vertical_rules(page):
        content.tables = find_tables(page)
    return content


def needs_ocr(page, chars: list[dict]) -> bool:  # type: ignore[no-untyped-def]
    """No characters but an image over the page, or a text layer of unmapped glyphs."""
    visible = [c for c in chars if not c["text"].isspace()]
    if visible:
        bad = sum(1 for c in visible if c["text"].startswith("(cid:") or "\ufffd" in c["text"])
        return bad >= 5 and bad >= BAD_TEXT_SHARE * len(visible)
    area = float(page.width) * float(page.height) or 1.0
    covered = 0.0
    for im in page.images:
        w = max(0.0, min(im["x1"], page.width) - max(im["x0"], 0))
        h = max(0.0, min(im["bottom"], page.height) - max(im["top"], 0))
        covered += w * h
    return covered >= IMAGE_COVER * area


def dedupe_chars(chars: list[dict]) -> tuple[list[dict], set[tuple[int, int]]]:
    """Drop glyphs printed twice at (nearly) the same place ("fake bold").

    Works like pdfplumber's ``dedupe_chars`` (same text, font and size within 1 pt) but
    in linear time. Returns the kept characters and the rounded positions of the
    doubled ones, so that their words can be taken as bold.
    """
    grid: dict[tuple[str, str, float, int, int], list[dict]] = {}
    kept: list[dict] = []
    doubled: set[tuple[int, int]] = set()
    for c in chars:
        x, y = c["x0"], c["top"]
        ix, iy = int(x), int(y)
        key = (c["text"], c.get("fontname", ""), round(c.get("size", 0), 1))
        dup = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other in grid.get((*key, ix + dx, iy + dy), ()):
                    if abs(other["x0"] - x) <= 1 and abs(other["top"] - y) <= 1:
                        dup = True
                        doubled.add((round(other["x0"]), round(other["top"])))
                        break
                if dup:
                    break
            if dup:
                break
        if dup:
            continue
        grid.setdefault((*key, ix, iy), []).append(c)
        kept.append(c)
    if not doubled:
        return chars, set()
    # positions of the first glyph of each doubled word, for the bold mark
    return kept, doubled


def _has_vertical_rules(page) -> bool:  # type: ignore[no-untyped-def]
    objects = page.objects
    for kind in ("line", "rect"):
        for obj in objects.get(kind, ()):
            if abs(obj["x1"] - obj["x0"]) < 2 and abs(obj["bottom"] - obj["top"]) > 8:
                return True
            if kind == "rect" and obj["x1"] - obj["x0"] > 8 and obj["bottom"] - obj["top"] > 8:
                return True
    return False


def find_tables(page) -> list[Table]:  # type: ignore[no-untyped-def]
    tables = []
    try:
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - a table finder failure loses tables, not text
        return []
    for t in found:
        rows = [list(r.cells) for r in t.rows]
        if len(rows) < 1 or max((len(r) for r in rows), default=0) < 2 and len(rows) < 2:
            continue
        tables.append(Table(tuple(t.bbox), rows))  # type: ignore[arg-type]
    return tables


# --- Layout: lines and fragments ------------------------------------------------------


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines (by the height of their centres), each sorted by x."""
    lines: list[list[Word]] = []
    anchors: list[float] = []
    for w in sorted(words, key=lambda w: (w.middle, w.x0)):
        if lines and abs(w.middle - anchors[-1]) <= SAME_LINE * w.size:
            lines[-1].append(w)
        else:
            lines.append([w])
            anchors.append(w.middle)
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def split_fragments(words: list[Word]) -> list[Fragment]:
    """A line's words split at wide gaps; a list marker stays with the text after it."""
    out: list[Fragment] = []
    for w in words:
        if out:
            prev = out[-1].words[-1]
            if w.x0 - prev.x1 <= FRAGMENT_GAP * max(w.size, prev.size) or (
                len(out) == 1 and len(out[0].words) == 1 and _is_marker(prev.text)
            ):
                out[-1].words.append(w)
                continue
        out.append(Fragment([w]))
    return out


def _is_marker(text: str) -> bool:
    return bool(
        _BULLET_WORD.match(text)
        or _DASH_WORD.match(text)
        or _NUMBER_WORD.match(text)
        or text in BULLET_TOKENS
    )


# --- Layout: running headers and footers ----------------------------------------------


def _running_key(text: str) -> str:
    return regex.sub(r"\d+", "#", text.casefold()).strip()


def _letters(text: str) -> str:
    return regex.sub(r"[^\p{L}]+", "", text.casefold())


@dataclass
class _ZoneLine:
    page: int
    index: int
    text: str
    key: str
    zone: str
    top: float
    ocr: bool


def _same_running(a: _ZoneLine, b: _ZoneLine) -> bool:
    if a.zone != b.zone:
        return False
    if not (a.ocr or b.ocr):
        return a.key == b.key and abs(a.top - b.top) <= 4
    if abs(a.top - b.top) > 15:
        return False
    la, lb = _letters(a.text), _letters(b.text)
    return len(la) >= 4 and difflib.SequenceMatcher(None, la, lb).ratio() >= 0.8


def drop_running_lines(
    contents: list[PageContent], body_size: float
) -> tuple[list[list[str]], list[list[str]]]:
    """Remove running headers, footers and page numbers from every page's lines.

    A running line recurs on several pages at the same height in the top or bottom
    margin (on scanned pages: nearly the same letters at nearly the same height);
    small print set apart at the very top or bottom of a page counts too. Returns the
    first copy of each running header and footer text, so that a reference number
    printed there is not lost.
    """
    for content in contents:
        # "Sida 2 av 5" is dropped wherever it stands, beside a column of text too
        lines = [
            [f for f in frags if not _page_label(join_words(f.words))] for frags in content.lines
        ]
        content.lines = [
            frags
            for frags in lines
            if frags and not _is_page_number(" ".join(join_words(f.words) for f in frags))
        ]
    entries: list[_ZoneLine] = []
    for content in contents:
        lines = content.lines
        n = len(lines)
        h = content.height or 1.0
        for i, frags in enumerate(lines):
            if 3 <= i < n - 3:
                continue
            top = min(f.top for f in frags)
            bottom = max(f.bottom for f in frags)
            if top > MARGIN_ZONE * h and bottom < (1 - MARGIN_ZONE) * h:
                continue
            text = " ".join(join_words(f.words) for f in frags)
            zone = "header" if top <= MARGIN_ZONE * h else "footer"
            entries.append(
                _ZoneLine(content.number, i, text, _running_key(text), zone, top, content.ocr)
            )
    by_key: dict[str, list[_ZoneLine]] = defaultdict(list)
    for e in entries:
        by_key[e.key].append(e)
    scanned = [e for e in entries if e.ocr]
    pages = len(contents)
    drops: dict[int, set[int]] = defaultdict(set)
    headers: list[list[str]] = []
    footers: list[list[str]] = []
    seen: list[_ZoneLine] = []
    by_page = {c.number: c for c in contents}
    for e in entries:
        others = by_key[e.key] + (scanned if e.ocr else [])
        count = len({o.page for o in others if _same_running(e, o)} | {e.page})
        recurring = pages >= 2 and count >= 2 and count >= 0.4 * pages
        content = by_page[e.page]
        frags = content.lines[e.index]
        small = max(w.size for f in frags for w in f.words) < body_size - 0.4
        edge = e.index in (0, len(content.lines) - 1)
        if recurring or (small and edge and _set_apart(content, e.index)):
            drops[e.page].add(e.index)
            if not any(_same_running(e, s) or s.key == e.key for s in seen):
                seen.append(e)
                (headers if e.zone == "header" else footers).append([e.text])
    for content in contents:
        drop = drops.get(content.number)
        if drop:
            content.lines = [ln for i, ln in enumerate(content.lines) if i not in drop]
    return headers, footers


def _is_page_number(text: str) -> bool:
    return is_page_number(text) or _page_label(text)


def _page_label(text: str) -> bool:
    """ "Sida 2 (5)", "Sidan 3 av 7", "2/5": page numbering with a word around it."""
    return bool(
        regex.fullmatch(
            r"(?i)(?:sida|sidan|sid\.?|page)\s*\d+\s*(?:(?:av|of|/)\s*\d+|\(\d+\))?", text
        )
    )


def _set_apart(content: PageContent, i: int) -> bool:
    """A margin line with a clear gap to the body text next to it."""
    lines = content.lines
    line = lines[i]
    top, bottom = min(f.top for f in line), max(f.bottom for f in line)
    size = max(w.size for f in line for w in f.words)
    if i == 0 and len(lines) > 1:
        return min(f.top for f in lines[1]) - bottom > 1.2 * size
    if i == len(lines) - 1 and len(lines) > 1:
        return top - max(f.bottom for f in lines[-2]) > 1.2 * size
    return True


# --- Layout: columns ------------------------------------------------------------------


def page_gutters(frags: list[Fragment]) -> list[tuple[float, float]]:
    """Gaps between body columns, from the words' x-positions over the whole page.

    A gutter is an x-range that (almost) no text crosses, with a good share of the page's
    text on either side, side by side over much of the page.
    """
    if len(frags) < 12:
        return []
    lo = int(min(f.x0 for f in frags))
    hi = int(max(f.x1 for f in frags)) + 2
    cover = [0] * (hi - lo + 2)
    for f in frags:
        for w in f.words:
            cover[int(w.x0) - lo] += 1
            cover[int(w.x1) - lo + 1] -= 1
    running = 0
    for i in range(len(cover)):
        running += cover[i]
        cover[i] = running
    tol = max(1, len(frags) // 30)
    gutters: list[tuple[float, float]] = []
    start = None
    for i, c in enumerate(cover[: hi - lo]):
        if c <= tol:
            if start is None:
                start = i
        elif start is not None:
            if i - start >= MIN_GUTTER and start > 0:
                gutters.append((lo + start, lo + i))
            start = None
    good = []
    for g0, g1 in gutters:
        left = [f for f in frags if f.x1 <= g0 + 1]
        right = [f for f in frags if f.x0 >= g1 - 1]
        if min(len(left), len(right)) < max(5, 0.2 * len(frags)):
            continue
        ltop, lbot = min(f.top for f in left), max(f.bottom for f in left)
        rtop, rbot = min(f.top for f in right), max(f.bottom for f in right)
        overlap = min(lbot, rbot) - max(ltop, rtop)
        if overlap < 0.5 * min(lbot - ltop, rbot - rtop):
            continue
        good.append((g0, g1))
    return good


def _crosses(f: Fragment | Line | Word, gutter: tuple[float, float]) -> bool:
    return f.x0 < gutter[1] - 1 and f.x1 > gutter[0] + 1


def page_regions(
    lines: list[list[Fragment]], gutters: list[tuple[float, float]], lo: float, hi: float
) -> list[tuple[float, float, list[Fragment]]]:
    """The page as regions in reading order: (x0, x1, fragments).

    With gutters, the page is read in bands: lines with a word across a gutter (a title
    over both columns) form full-width bands; between them each column is read whole,
    left to right, its words grouped into lines anew (lines of two columns need not
    share a height).
    """
    if not gutters:
        return [(lo, hi, [f for line in lines for f in line])]
    bounds = [lo] + [g for gut in gutters for g in gut] + [hi]
    columns = [(bounds[2 * k], bounds[2 * k + 1]) for k in range(len(gutters) + 1)]
    mids = [(g0 + g1) / 2 for g0, g1 in gutters]
    regions: list[tuple[float, float, list[Fragment]]] = []
    band: list[list[Fragment]] = []
    spanning: list[Fragment] = []

    def flush_band() -> None:
        words: list[list[Word]] = [[] for _ in columns]
        tables: list[list[Fragment]] = [[] for _ in columns]
        for line in band:
            for f in line:
                if hasattr(f, "table"):
                    tables[sum((f.x0 + f.x1) / 2 > m for m in mids)].append(f)
                    continue
                for w in f.words:
                    words[sum((w.x0 + w.x1) / 2 > m for m in mids)].append(w)
        for k, (c0, c1) in enumerate(columns):
            frags = [fr for ws in group_lines(words[k]) for fr in split_fragments(ws)]
            frags += tables[k]
            if frags:
                regions.append((c0, c1, frags))
        band.clear()

    def flush_spanning() -> None:
        if spanning:
            regions.append((lo, hi, spanning[:]))
            spanning.clear()

    for line in sorted(lines, key=lambda ln: min(f.top for f in ln)):
        crossing = any(
            _crosses(w, g)
            for f in line
            for w in (f.words if not hasattr(f, "table") else [f])
            for g in gutters
        )
        if crossing:
            flush_band()
            spanning.extend(line)
        else:
            flush_spanning()
            band.append(line)
    flush_band()
    flush_spanning()
    return regions


# --- Layout: a region's lines, side-by-side runs, paragraphs --------------------------


@dataclass(eq=False)
class _YLine:
    frags: list[Fragment]

    @property
    def top(self) -> float:
        return min(f.top for f in self.frags)

    @property
    def bottom(self) -> float:
        return max(f.bottom for f in self.frags)

    @property
    def size(self) -> float:
        return max(w.size for f in self.frags for w in f.words)


def _labels(run: ColumnRun, n: int) -> bool:
    """A label column ("Datum:", "Diarienummer:") gives one row per line."""
    first = run.columns[n][0]
    return (
        bool(first)
        and regex.fullmatch(r"\p{L}[\p{L}\d .-]{0,30}\p{L}:", join_words(first)) is not None
        and _filled(run.columns[n]) >= 2
    )


def _ylines(frags: list[Fragment]) -> list[_YLine]:
    out: list[_YLine] = []
    anchors: list[float] = []
    for f in sorted(frags, key=lambda f: ((f.top + f.bottom) / 2, f.x0)):
        mid = (f.top + f.bottom) / 2
        size = max(w.size for w in f.words)
        if out and abs(mid - anchors[-1]) <= SAME_LINE * size:
            out[-1].frags.append(f)
        else:
            out.append(_YLine([f]))
            anchors.append(mid)
    for yl in out:
        yl.frags.sort(key=lambda f: f.x0)
    return out


def _words(yl: _YLine) -> list[Word]:
    return sorted((w for f in yl.frags for w in f.words), key=lambda w: w.x0)


@dataclass
class ColumnRun:
    """Lines standing side by side in columns, and how their words are shared out."""

    lines: list[_YLine]
    starts: list[float]  # where each column begins (left edge)
    columns: list[list[list[Word]]]  # per line, per column: the words

    @property
    def ncols(self) -> int:
        return len(self.starts)


def _split_by_starts(yl: _YLine, starts: list[float]) -> list[list[Word]] | None:
    """Words by left-aligned column; None when a word runs into the next column."""
    cols: list[list[Word]] = [[] for _ in starts]
    for w in _words(yl):
        k = 0
        for j, s in enumerate(starts):
            if w.x0 >= s - 1.5:
                k = j
        cols[k].append(w)
    for k in range(1, len(starts)):
        if cols[k - 1] and cols[k - 1][-1].x1 > starts[k] - 0.25 * cols[k - 1][-1].size:
            return None
    return cols


def _split_by_gutters(yl: _YLine, gutters: list[tuple[float, float]]) -> list[list[Word]]:
    mids = [(g0 + g1) / 2 for g0, g1 in gutters]
    cols: list[list[Word]] = [[] for _ in range(len(gutters) + 1)]
    for f in yl.frags:
        centre = (f.x0 + f.x1) / 2
        cols[sum(centre > m for m in mids)] += f.words
    return cols


def _fit_gutters(
    gutters: list[tuple[float, float]], yl: _YLine
) -> list[tuple[float, float]] | None:
    """The gutters narrowed to let this line in, or None when one closes up.

    A fragment is on the side of a gutter where its centre lies, so centred cells and
    titles wider than the name above them still fit.
    """
    out = []
    for g0, g1 in gutters:
        mid = (g0 + g1) / 2
        for f in yl.frags:
            if (f.x0 + f.x1) / 2 < mid:
                g0 = max(g0, f.x1)
            else:
                g1 = min(g1, f.x0)
        if g1 - g0 < MIN_GUTTER:
            return None
        out.append((g0, g1))
    return out


def _run_continues(prev: _YLine, yl: _YLine, filled: int) -> bool:
    gap = yl.top - prev.bottom
    if filled >= 2:
        return gap <= 8 * yl.size
    return gap <= 1.2 * yl.size


def side_by_side_run(ylines: list[_YLine], i: int) -> ColumnRun | None:
    """The lines from ``i`` that stand in columns (signature blocks, borderless tables).

    Two ways of seeing columns are tried: left-aligned columns (every line's words
    split at the column starts of the first line, so tight tables are found), and
    gutters (gaps narrowed line by line, so centred cells are found). The longer run
    wins; it needs at least two lines with text in two columns.
    """
    first = ylines[i]
    if len(first.frags) < 2:
        return None
    starts = [f.x0 for f in first.frags]
    by_starts = [_split_by_starts(first, starts)]
    j = i + 1
    while j < len(ylines):
        cols = _split_by_starts(ylines[j], starts)
        if cols is None or not _run_continues(ylines[j - 1], ylines[j], _filled(cols)):
            break
        by_starts.append(cols)
        j += 1
    gutters = [(a.x1, b.x0) for a, b in zip(first.frags, first.frags[1:], strict=False)]
    k = i + 1
    while k < len(ylines):
        fitted = _fit_gutters(gutters, ylines[k])
        if fitted is None:
            break
        filled = _filled(_split_by_gutters(ylines[k], fitted))
        if not _run_continues(ylines[k - 1], ylines[k], filled):
            break
        gutters = fitted
        k += 1
    if k - i > j - i:
        lines = ylines[i:k]
        columns = [_split_by_gutters(yl, gutters) for yl in lines]
        starts = [first.frags[0].x0] + [g1 for _, g1 in gutters]
    else:
        lines = ylines[i:j]
        columns = by_starts  # type: ignore[assignment]
    if sum(_filled(c) >= 2 for c in columns) < 2 or _marker_column(columns):
        return None
    if _justified(columns):
        return None
    return ColumnRun(lines, starts, columns)


def _justified(columns: list[list[list[Word]]]) -> bool:
    """Lines of justified prose, whose word gaps are all stretched alike, can line up
    a gap by chance; between real columns the gap is far wider than between words.
    Most of the lines that show both kinds of gap must say so (specks are left out)."""
    shown = stretched = 0
    for line in columns:
        cols = [[w for w in col if any(c.isalnum() for c in w.text)] for col in line]
        inner = [b.x0 - a.x1 for col in cols for a, b in zip(col, col[1:], strict=False)]
        between = [
            cols[k + 1][0].x0 - cols[k][-1].x1
            for k in range(len(cols) - 1)
            if cols[k] and cols[k + 1]
        ]
        if inner and between:
            shown += 1
            stretched += min(between) < 2.0 * statistics.median(inner)
    return shown > 0 and stretched * 2 > shown


def _marker_column(columns: list[list[list[Word]]]) -> bool:
    """A first column of bullets or item numbers only: a list, not columns."""
    firsts = [cols[0] for cols in columns if cols and cols[0]]
    return bool(firsts) and all(
        len(ws) == 1 and any(p.match(ws[0].text) for p in (_BULLET_WORD, _DASH_WORD, _NUMBER_WORD))
        for ws in firsts
    )


def _filled(cols: list[list[Word]]) -> int:
    return sum(1 for c in cols if c)


@dataclass
class Stats:
    body_size: float
    para_gap: float  # a vertical gap wider than this (times the size) opens a paragraph
    heading_levels: dict[tuple[float, bool], int] = field(default_factory=dict)
    right_edge: float = 0.0  # where the body text of a full page ends


class PageLayout:
    """Turns one page's regions into units."""

    def __init__(
        self,
        content: PageContent,
        stats: Stats,
        table_counter: list[int],
        gutters: list[tuple[float, float]] | None = None,
    ) -> None:
        self.content = content
        self.gutters = gutters
        self.stats = stats
        self.units: list[Unit] = []
        self.table_counter = table_counter

    def run(self) -> list[Unit]:
        content = self.content
        frags = [f for line in content.lines for f in line]
        table_frags = [self._table_fragment(t) for t in content.tables]
        if not frags and not table_frags:
            return []
        all_frags = frags + [tf for tf in table_frags if tf is not None]
        lo = min(f.x0 for f in all_frags)
        hi = max(f.x1 for f in all_frags)
        gutters = self.gutters if self.gutters is not None else page_gutters(frags)
        hi = max(hi, self.stats.right_edge)  # a page short of text keeps the margins
        lines = content.lines + [[tf] for tf in table_frags if tf is not None]
        for x0, x1, region in page_regions(lines, gutters, lo, hi):
            self.region(region, x0, x1)
        if content.ocr:  # over the whole page: a title may stand over a table
            _guess_headings(self.units, round(self.stats.body_size * 2.4) / 2)
        return self.units

    def _table_fragment(self, table: Table) -> Fragment | None:
        cells = [w for ws in table.cells.values() for w in ws]
        if not cells:
            return None
        x0, top, x1, bottom = table.bbox
        marker = Word("", x0, x1, top, bottom, self.stats.body_size, False)
        frag = Fragment([marker])
        frag.table = table  # type: ignore[attr-defined]
        return frag

    def region(self, frags: list[Fragment], x0: float, x1: float) -> None:
        ylines = _ylines(frags)
        flow: list[Line] = []
        i = 0
        while i < len(ylines):
            yl = ylines[i]
            table = next((getattr(f, "table", None) for f in yl.frags if hasattr(f, "table")), None)
            if table is not None:
                self.paragraphs(flow, x1)
                flow = []
                self.ruled_table(table)
                rest = [f for f in yl.frags if not hasattr(f, "table")]
                flow += [Line([w for f in rest for w in f.words])] if rest else []
                i += 1
                continue
            if len(yl.frags) >= 2:
                run = side_by_side_run(ylines, i)
                if run is not None:
                    self.paragraphs(flow, x1)
                    flow = []
                    self.side_by_side(run, x1)
                    i += len(run.lines)
                    continue
            flow.append(Line([w for f in yl.frags for w in f.words]))
            i += 1
        self.paragraphs(flow, x1)

    # -- tables -----------------------------------------------------------------------

    def _new_table(self) -> int:
        self.table_counter[0] += 1
        return self.table_counter[0] - 1

    def ruled_table(self, table: Table) -> None:
        number = self._new_table()
        for (r, c), words in sorted(table.cells.items()):
            lines = [Line(ws) for ws in group_lines(words)]
            if not lines:
                continue
            self.units.append(
                Unit(
                    "table_cell",
                    [ln.text for ln in lines],
                    self.content.number,
                    _bbox(lines),
                    table=number,
                    row=r,
                    col=c,
                    size=lines[0].size,
                )
            )

    def side_by_side(self, run: ColumnRun, right: float) -> None:
        """Lines in columns: prose columns are read one after the other; short lines
        (signature blocks, borderless tables) become table cells, row by row."""
        ncols = run.ncols
        edges = run.starts[1:] + [right]
        widths = [max(1.0, edges[k] - run.starts[k]) for k in range(ncols)]
        pieces = [(k, Line(ws)) for cols in run.columns for k, ws in enumerate(cols) if ws]
        long_lines = sum(1 for k, ln in pieces if ln.x1 - ln.x0 >= 0.75 * widths[k])
        if len(run.lines) >= 5 and long_lines >= 0.6 * len(pieces):
            for k in range(ncols):
                self.paragraphs([ln for c, ln in pieces if c == k], edges[k])
            return
        number = self._new_table()
        rows: list[list[int]] = [[0]]
        for n in range(1, len(run.lines)):
            prev, yl = run.lines[n - 1], run.lines[n]
            if yl.top - prev.bottom > self.stats.para_gap * yl.size or _labels(run, n):
                rows.append([])
            rows[-1].append(n)
        # where a cell's text must wrap: columns are taken as equally wide, with a
        # little room before the next one
        pitch = run.starts[1] - run.starts[0]
        limits = [run.starts[k] + 0.9 * pitch for k in range(ncols)]
        for r, members in enumerate(rows):
            for k in range(ncols):
                lines = [Line(run.columns[n][k]) for n in members if run.columns[n][k]]
                if not lines:
                    continue
                self.units.append(
                    Unit(
                        "table_cell",
                        cell_lines(lines, limits[k]),
                        self.content.number,
                        _bbox(lines),
                        table=number,
                        row=r,
                        col=k,
                        keep_breaks=True,
                        size=lines[0].size,
                    )
                )

    # -- flowing text -----------------------------------------------------------------

    def heading_key(self, line: Line) -> tuple[float, bool] | None:
        body = self.stats.body_size
        words = line.text.split()
        if not words or len(words) > 14 or len(line.text) > 120:
            return None
        if not any(c.isalpha() for c in line.text):
            return None
        if line.text[:1].islower():
            return None  # the rest of a word or sentence from the line above
        if self.content.ocr:
            # a scanned line's height is rough: two ranks, large and larger; and a
            # place and date line over signatures is no heading
            if _DATE.search(line.text):
                return None
            if line.size >= 1.3 * body:
                return (round(body * 3) / 2, False)
            return (round(body * 2.4) / 2, False) if line.size >= 1.12 * body else None
        if line.size >= body + 0.9:
            return (round(line.size * 2) / 2, line.bold)
        if line.bold and line.size >= body - 0.6:
            if line.text.endswith(",") or line.text.endswith(".") and len(words) > 6:
                return None
            return (round(body * 2) / 2, True)
        return None

    def paragraphs(self, lines: list[Line], right: float) -> None:
        stats = self.stats
        left = min((ln.x0 for ln in lines), default=0.0)
        first_unit = len(self.units)
        current: Unit | None = None
        last_item: Unit | None = None
        prev: Line | None = None
        for line in lines:
            gap = line.top - prev.bottom if prev is not None else 1e9
            new_para = gap > stats.para_gap * max(line.size, 1.0) or gap < -line.size
            # an item's marker lines up with the item before, even after a paragraph
            item = current if current is not None and current.kind == "list_item" else last_item
            marker = list_marker(line, new_para, item, ocr=self.content.ocr)
            if (
                self.content.ocr
                and not marker
                and line.words[0].text == "•"
                and len(line.words) > 1
            ):
                line = Line(line.words[1:])  # a speck taken for a bullet: no list here
            hkey = None if marker and marker[2] == "bullet" else self.heading_key(line)
            going_on = hkey
            if self.content.ocr and not new_para:
                hkey = None  # on a scan, only a line set apart opens a heading
            if hkey is not None:
                marker = None
            if current is not None and not new_para and not marker:
                hint = going_on if current.kind == "heading" else hkey
                if self._continues(current, line, hint):
                    self._append(current, line, line.text)
                    prev = line
                    continue
            text = line.text
            if marker:
                kind, text, text_x0 = "list_item", marker[0], marker[1]
            elif hkey is not None:
                kind, text_x0 = "heading", line.x0
            else:
                kind, text_x0 = "paragraph", line.x0
            current = Unit(
                kind,
                [],
                self.content.number,
                (line.x0, line.top, line.x1, line.bottom),
                heading_key=hkey,
                level=1 if marker and marker[2] == "number" else 0,
                size=line.size,
                text_x0=text_x0,
                right=right,
                left=left,
            )
            self._append(current, line, text)
            self.units.append(current)
            if kind == "list_item":
                last_item = current
            elif kind == "heading":
                last_item = None
            prev = line
        if lines:
            self.units[first_unit:] = [
                piece for u in self.units[first_unit:] for piece in _split_stack(u, right - left)
            ]
            if self.content.ocr:
                self.units[first_unit:] = [
                    piece for u in self.units[first_unit:] for piece in _split_title_line(u)
                ]

    def _continues(self, unit: Unit, line: Line, hkey: tuple[float, bool] | None) -> bool:
        if unit.kind == "heading":
            big = line.size >= 1.2 * self.stats.body_size
            if self.content.ocr and (hkey is not None or (big and line.text[:1].islower())):
                return len(unit.lines) < 4
            key = unit.heading_key
            same = hkey == key or (
                key is not None
                and abs(line.size - key[0]) <= 0.6
                and line.bold == (key[1] or line.bold)
                and len(line.text.split()) <= 14
            )
            return same and len(unit.lines) < 4
        if hkey is not None:
            # a bold list item's next line is bold too: it goes on with the item
            last = unit.last_line
            return (
                unit.kind == "list_item"
                and last is not None
                and last.bold == line.bold
                and abs(line.size - unit.size) <= 1.0
                and line.x0 >= unit.text_x0 - 3
            )
        if abs(line.size - unit.size) > 1.0:
            return False
        if unit.kind == "list_item":
            # set in under the item's text, or going on in lower case at the margin
            return line.x0 >= unit.text_x0 - 3 or line.text[:1].islower()
        return True

    @staticmethod
    def _append(unit: Unit, line: Line, text: str) -> None:
        box = (line.x0, line.top, line.x1, line.bottom)
        prev = unit.last_line
        if prev is not None and unit.lines and soft_wrap(prev, line, unit.left, unit.right):
            before = unit.lines[-1]
            if not (before.endswith("-") or before.endswith("\u00ad")):
                b = unit.boxes[-1]
                unit.lines[-1] = f"{before} {text}"
                unit.boxes[-1] = (min(b[0], box[0]), b[1], max(b[2], box[2]), box[3])
                text = ""
        if text:
            unit.lines.append(text)
            unit.boxes.append(box)
        x0, top, x1, bottom = unit.bbox
        unit.bbox = (
            min(x0, line.x0),
            min(top, line.top),
            max(x1, line.x1),
            max(bottom, line.bottom),
        )
        unit.last_bottom = line.bottom
        unit.last_x1 = line.x1
        unit.last_line = line


def _split_title_line(unit: Unit) -> list[Unit]:
    """On a scan, a short first line over a paragraph of full lines is a title read
    into the paragraph ("Skolan som trygg plats" over its text); it is split off, and
    ``_guess_headings`` then decides whether it reads like a heading."""
    if unit.kind != "paragraph" or len(unit.lines) < 3 or len(unit.boxes) != len(unit.lines):
        return [unit]
    width = unit.right - unit.left
    first, second = unit.boxes[0], unit.boxes[1]
    title = unit.lines[0].strip()
    if not title or title[-1] in ".,;:!?" or first[2] - first[0] >= 0.6 * width:
        return [unit]
    if second[2] - second[0] < 0.8 * width:
        return [unit]
    head = Unit(
        "paragraph",
        [unit.lines[0]],
        unit.page,
        first,
        size=unit.size,
        right=unit.right,
        left=unit.left,
        boxes=[first],
    )
    rest = unit.boxes[1:]
    body = Unit(
        "paragraph",
        unit.lines[1:],
        unit.page,
        (min(b[0] for b in rest), rest[0][1], max(b[2] for b in rest), rest[-1][3]),
        size=unit.size,
        right=unit.right,
        left=unit.left,
        boxes=rest,
    )
    return [head, body]


def _guess_headings(units: list[Unit], size: float) -> None:
    """On scanned pages, where weight cannot be seen: a one-line paragraph that reads
    like a title (short, capitalised, no closing punctuation) above body text."""
    for unit, nxt in zip(units, units[1:], strict=False):
        if unit.kind != "paragraph" or len(unit.lines) != 1:
            continue
        if nxt.kind not in ("paragraph", "list_item", "table_cell"):
            continue
        text = unit.lines[0].strip()
        words = text.split()
        upper_label = text.endswith(":") and text[:-1].isupper()  # "PARTER:"
        title = regex.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+", "", text)
        if not words or len(words) > 10 or not title[:1].isupper():
            continue
        if text[-1] in ".,;:!?" and not upper_label:
            continue
        if sum(c.isalpha() for c in text) < 3 or regex.search(r"\d{4}", text):
            continue
        if nxt.kind == "paragraph" and len(" ".join(nxt.lines)) < 40:
            continue
        unit.kind, unit.heading_key = "heading", (size, False)


# A paragraph of this many lines or more, all short, is a stack of separate lines.
STACK_LINES = 8


def _split_stack(unit: Unit, width: float) -> list[Unit]:
    """A long stack of short lines set one under another (a flattened signature area,
    an address list) is not wrapped prose: each line is read as its own block."""
    if unit.kind != "paragraph" or len(unit.lines) < STACK_LINES:
        return [unit]
    if any(b[2] - b[0] >= 0.5 * width for b in unit.boxes):
        return [unit]
    if any(line.rstrip()[-1:] in ".,;" for line in unit.lines):
        return [unit]
    return [
        Unit("paragraph", [line], unit.page, box, size=unit.size, right=unit.right, boxes=[box])
        for line, box in zip(unit.lines, unit.boxes, strict=True)
    ]


def list_marker(
    line: Line, new_para: bool, current: Unit | None, *, ocr: bool = False
) -> tuple[str, float, str] | None:
    """(text without the marker, where the text starts, "bullet"/"number") or None."""
    words = line.words
    first = words[0]
    rest = words[1:]
    if m := _BULLET_GLUED.match(first.text):
        return (join_words([Word(m.group(2), *_coords(first)), *rest]), first.x0, "bullet")
    if not rest:
        return None
    gap_after = rest[0].x0 - first.x1
    if _BULLET_WORD.match(first.text):
        return (join_words(rest), rest[0].x0, "bullet")
    dash, number = _DASH_WORD.match(first.text), _NUMBER_WORD.match(first.text)
    if ocr and first.text in BULLET_TOKENS and gap_after >= 0.6 * first.size:
        return (join_words(rest), rest[0].x0, "bullet")
    glued = first.text[:1]
    opened_quote = glued in "\"'„”" and line.text.count(glued) == 1  # no closing quote
    if (
        ocr
        and ((glued in BULLET_TOKENS and not glued.isalnum()) or opened_quote)
        and first.text[1:2].isupper()
    ):
        # a bullet read as a sign stuck to the first word: "«Kommunen"
        return (join_words([Word(first.text[1:], *_coords(first)), *rest]), first.x0, "bullet")
    if not (dash or number):
        return None
    aligned = (
        current is not None and current.kind == "list_item" and abs(current.bbox[0] - line.x0) <= 2
    )
    if new_para or aligned or gap_after >= 0.6 * first.size:
        return (join_words(rest), rest[0].x0, "bullet" if dash else "number")
    return None


def _coords(w: Word) -> tuple[float, float, float, float, float, bool]:
    return (w.x0, w.x1, w.top, w.bottom, w.size, w.bold)


def _bbox(lines: list[Line]) -> BBox:
    return (
        min(ln.x0 for ln in lines),
        min(ln.top for ln in lines),
        max(ln.x1 for ln in lines),
        max(ln.bottom for ln in lines),
    )


# --- The document -----------------------------------------------------------------------


def _assign_table_words(content: PageContent) -> None:
    """Words inside a ruled table's cells go to the cell; the rest stay in the flow."""
    if not content.tables:
        return
    rest = []
    for w in content.words:
        cx, cy = (w.x0 + w.x1) / 2, w.middle
        placed = False
        for t in content.tables:
            x0, top, x1, bottom = t.bbox
            if not (x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1):
                continue
            for r, row in enumerate(t.rows):
                for c, cell in enumerate(row):
                    if cell is None:
                        continue
                    if cell[0] - 1 <= cx <= cell[2] + 1 and cell[1] - 1 <= cy <= cell[3] + 1:
                        t.cells.setdefault((r, c), []).append(w)
                        placed = True
                        break
                if placed:
                    break
            if placed:
                break
        if not placed:
            rest.append(w)
    content.words = rest
    content.tables = [t for t in content.tables if t.cells]


def document_stats(contents: list[PageContent]) -> Stats:
    sizes: Counter[float] = Counter()
    for content in contents:
        for w in content.words:
            sizes[round(w.size * 2) / 2] += len(w.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    gaps = []
    for content in contents:
        for a, b in zip(content.lines, content.lines[1:], strict=False):
            if len(a) != 1 or len(b) != 1:
                continue
            fa, fb = a[0], b[0]
            size = fa.words[0].size
            if abs(size - body) > 0.6 or abs(fb.words[0].size - body) > 0.6:
                continue
            gap = fb.top - fa.bottom
            if 0 <= gap < 1.2 * size:
                gaps.append(gap / size)
    typical = statistics.median(gaps) if gaps else 0.3
    edges = [max(w.x1 for w in c.words) for c in contents if len(c.lines) >= 10 and c.words]
    right = statistics.median(edges) if edges else 0.0
    return Stats(body_size=body, para_gap=max(0.5, typical + 0.3), right_edge=right)


def layout_document(contents: list[PageContent], builder: DocumentBuilder) -> None:
    for content in contents:
        _assign_table_words(content)
        content.lines = [split_fragments(ws) for ws in group_lines(content.words)]
    stats = document_stats(contents)
    for content in contents:
        if content.ocr:  # a scanned line's text height wavers around the body size
            for w in content.words:
                if abs(w.size - stats.body_size) <= 0.2 * stats.body_size:
                    w.size = stats.body_size
    headers, footers = drop_running_lines(contents, stats.body_size)
    counter = [0]
    units: list[Unit] = []
    gutters = document_gutters(contents)
    for content, page_gutter in zip(contents, gutters, strict=True):
        page_units = PageLayout(content, stats, counter, page_gutter).run()
        units = _join_across_pages(units, page_units)
    units = _join_across_columns(units)
    _heading_levels(units)
    _list_depths(units)
    for lines in headers:
        builder.add("header", lines, page=1)
    for u in units:
        lines = u.lines
        if u.kind == "heading":
            lines = [join_lines(lines).replace("\n", " ")]
        builder.add(
            u.kind,  # type: ignore[arg-type]
            lines,
            page=u.page,
            bbox=tuple(round(v, 1) for v in u.bbox),  # type: ignore[arg-type]
            level=u.level,
            keep_breaks=u.keep_breaks,
            table=u.table,
            row=u.row,
            col=u.col,
            depth=u.depth,
        )
    for lines in footers:
        builder.add("footer", lines, page=contents[-1].number if contents else None)


def document_gutters(contents: list[PageContent]) -> list[list[tuple[float, float]]]:
    """Each page's column gutters; a page too short of text to show its columns (the
    last page of a two-column text) takes the document's gutters if no word crosses
    them."""
    found = [page_gutters([f for line in c.lines for f in line]) for c in contents]
    common = Counter(tuple((round(a), round(b)) for a, b in g) for g in found if g)
    if not common:
        return found
    layout, pages = common.most_common(1)[0]
    if pages < 2 and len(contents) > 2:
        return found
    shared = [(float(a), float(b)) for a, b in layout]
    out = []
    for content, own in zip(contents, found, strict=True):
        words = [w for line in content.lines for f in line for w in f.words]
        fits = words and not any(_crosses(w, g) for w in words for g in shared)
        out.append(own or (shared if fits else []))
    return out


def _join_across_columns(units: list[Unit]) -> list[Unit]:
    """A paragraph broken at the foot of a column goes on at the head of the next one
    on the same page: joined like a paragraph broken by a page break."""
    out: list[Unit] = []
    for u in units:
        last = out[-1] if out else None
        if last and last.page == u.page and u.bbox[0] > last.bbox[2] - 1 and _runs_on(last, u):
            last.lines += u.lines
            continue
        out.append(u)
    return out


def _join_across_pages(units: list[Unit], page_units: list[Unit]) -> list[Unit]:
    """A paragraph broken by a page break is one paragraph: the last unit of a page and
    the first of the next are joined when the text runs on."""
    if units and page_units and _runs_on(units[-1], page_units[0]):
        units[-1].lines += page_units[0].lines
        page_units = page_units[1:]
    return units + page_units


def _runs_on(last: Unit, first: Unit) -> bool:
    """No sentence end before the break, and a lower-case start or a hyphen at it."""
    return (
        last.kind in ("paragraph", "list_item")
        and first.kind == "paragraph"
        and bool(last.lines)
        and bool(first.lines)
        and last.lines[-1][-1:] not in _SENTENCE_END
        and (first.lines[0][:1].islower() or last.lines[-1].endswith("-"))
        and abs(first.size - last.size) <= 1.0
    )


def soft_wrap(prev: Line, line: Line, left: float, right: float) -> bool:
    """Whether the break between two lines is a wrap: the next line's first word would
    not have fitted at the end of the line above, and that line either fills the column
    (justified text) or fills most of it with the next line going on in lower case or
    after a word that cannot end a line ("mellan", a comma). A short line followed by a capitalised one ("Kommunpolis Nord" over "Lokalpolisområde
    Syd") is two lines of a list or a signature, not a wrap."""
    first = line.words[0]
    filled = (prev.x1 - left) / max(1.0, right - left)
    if filled < 0.6:
        return False
    if filled < 0.9 and not first.text[:1].islower() and not _open_ending(prev.text):
        return False
    return prev.x1 + 0.3 * line.size + (first.x1 - first.x0) > right + 1


def _open_ending(text: str) -> bool:
    """A line ending in a comma or a word that needs more after it ("och", "mellan")."""
    words = text.split()
    if not words:
        return False
    return (
        text.endswith(",") or words[-1].lower() in knowledge().vocabulary["layout"]["open_endings"]
    )


def cell_lines(lines: list[Line], limit: float) -> list[str]:
    """A cell's lines as text, with wrapped lines joined where the next line's first word
    would not have fitted within ``limit``: a line that starts in lower case continues
    the one above ("Regionstyrelsens vice" / "ordförande", while "Henrik Ståhl" /
    "tf. chef" stay apart), and so does a lone first word ("Veronica" / "Gustafsson")."""
    out: list[str] = []
    prev: Line | None = None
    for n, line in enumerate(lines):
        text = line.text
        first = regex.match(r"\w+", text)
        if prev is not None and out and first:
            before = out[-1]
            width = line.words[0].x1 - line.words[0].x0
            wrapped = prev.x1 + 0.3 * line.size + width > limit
            lone_first = (
                n == 1
                and len(prev.words) == 1
                and len(line.words) == 1
                and regex.fullmatch(r"\p{Lu}\p{Ll}+", before) is not None
                and regex.fullmatch(r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?", text) is not None
            )
            if wrapped and before[-1] not in ".:;!?" and (first.group().islower() or lone_first):
                if is_hyphenated(before, text):
                    out[-1] = before[:-1] + text
                elif before.endswith("-") and not before[-2:-1].islower():
                    out[-1] = before + text  # "SSPF-" / "gruppen"
                else:
                    out[-1] = f"{before} {text}"
                prev = line
                continue
        out.append(text)
        prev = line
    return out


def _list_depths(units: list[Unit]) -> None:
    """A list item whose marker stands further right than the list's first is nested."""
    indents: list[float] = []
    for u in units:
        if u.kind != "list_item":
            indents = []
            continue
        x0 = u.bbox[0]
        indents = indents or [x0]
        while len(indents) > 1 and x0 < indents[-1] - 3:
            indents.pop()
        if x0 > indents[-1] + 6:
            indents.append(x0)
        u.depth = len(indents) - 1


def _heading_levels(units: list[Unit]) -> None:
    """Heading level by size rank: the largest size is level 1; bold text at body size
    comes after every larger size."""
    keys = {u.heading_key for u in units if u.kind == "heading" and u.heading_key is not None}
    ranked = sorted(keys, key=lambda k: (-k[0], not k[1]))
    levels = {k: i + 1 for i, k in enumerate(ranked)}
    for u in units:
        if u.kind == "heading":
            if u.heading_key is not None:
                u.level = min(levels[u.heading_key], 5)
            elif not u.level:
                u.level = 2

"""Flowing text: the lines of a region (or of one prose column) into paragraphs, headings
and list items.

Lines are read from the top. A line opens a new paragraph after a vertical gap wider
than the document's paragraph gap (times its size), or when it stands above the line
before (a new column). Each line is then

1. a list item's first line when it opens with a list marker (``markers.py``);
2. a heading's first line when it reads as one (``headings.py``); on a scan only a
   line set apart opens a heading (by a gap, or by a size 1.25 times the line
   before's or more);
3. otherwise the next line of the unit above when it goes on with it: a heading goes
   on with a line of the same key (up to four lines; on a scan with any large line of
   about its size, "2019–2022" under a title too); a list item with a line set in
   under its text or going on in lower case; a paragraph with any line of about its
   size;
4. or a new paragraph.

A line that goes on with the line above is joined to it when the break is a soft wrap
(``soft_wrap``), and kept as a line of its own when it is a deliberate break.

Afterwards, a long stack of short lines (a flattened signature area, an address list) is
split into one paragraph per line, and on a scan a short title line read into the
paragraph under it is split off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samverkan_extract.document import BBox, is_hyphenated
from samverkan_extract.knowledge import knowledge
from samverkan_extract.readers.pdf.headings import MAX_WORDS, HeadingKey, heading_key
from samverkan_extract.readers.pdf.markers import OCR_BULLET, Marker, list_marker
from samverkan_extract.readers.pdf.model import Line
from samverkan_extract.readers.pdf.units import Stats, Unit

# A line filling less than this share of its column is never wrapped; less than
# FILLED_WRAP only when the next line goes on in lower case or after an open ending.
FILLED_SOME = 0.6
FILLED_WRAP = 0.9
# A heading takes at most this many lines, going on over lines of its size within this
# many points.
HEADING_LINES = 4
SAME_HEADING_SIZE = 0.6
# Sizes within this many points are one size for a unit going on.
SAME_SIZE = 1.0
# A line going on in a list item is set in no more than this many points left of the
# item's text.
ITEM_INDENT_SLACK = 3
# A paragraph of this many lines or more, all short, is a stack of separate lines.
STACK_LINES = 8
# A scanned line this much larger than the body goes on in a heading, and so does one
# whose size is within this share of the heading's.
SCAN_BIG = 1.2
SCAN_SAME_HEADING = 0.1
# On a scan, a line this many times larger or smaller than the line before is set apart
# from it.
SCAN_SIZE_STEP = 1.25
# On a scan, a line without letters ("2014–2016" under a title) may read this share of
# the text height of a line with letters set in the same size (no descenders).
SCAN_DIGITS_HEIGHT = 0.75


def soft_wrap(prev: Line, line: Line, left: float, right: float) -> bool:
    """Whether the break between two lines is a wrap: the next line's first word would
    not have fitted at the end of the line above, and that line either fills the column
    (justified text) or fills most of it with the next line going on in lower case or
    after a word that cannot end a line ("mellan", a comma). A short line followed by a
    capitalised one ("Kommunpolis Nord" over "Lokalpolisområde Syd") is two lines of a
    list or a signature, not a wrap."""
    first = line.words[0]
    filled = (prev.x1 - left) / max(1.0, right - left)
    if filled < FILLED_SOME:
        return False
    if filled < FILLED_WRAP and not first.text[:1].islower() and not open_ending(prev.text):
        return False
    return prev.x1 + 0.3 * line.size + (first.x1 - first.x0) > right + 1


def open_ending(text: str) -> bool:
    """A line ending in a comma or a word that needs more after it ("och", "mellan")."""
    words = text.split()
    if not words:
        return False
    return (
        text.endswith(",") or words[-1].lower() in knowledge().vocabulary["layout"]["open_endings"]
    )


def append_line(unit: Unit, line: Line, text: str) -> None:
    """Add a line to a unit: joined to the line above at a soft wrap (not after a
    hyphen, which the document joins), else as a line of its own."""
    box = line.box
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
    unit.bbox = (min(x0, line.x0), min(top, line.top), max(x1, line.x1), max(bottom, line.bottom))
    unit.last_line = line


@dataclass
class _Opening:
    """How a line is read before it is placed: the line (a speck dropped), its marker,
    its heading key, and the key it would have were it set apart (on a scan)."""

    line: Line
    marker: Marker | None
    hkey: HeadingKey | None
    going_on: HeadingKey | None


@dataclass
class _State:
    """Where the flow of one region stands: its edges, the units so far, the unit the
    next line may go on with, the list item a marker may line up with, the last line."""

    left: float
    right: float
    units: list[Unit] = field(default_factory=list)
    current: Unit | None = None
    last_item: Unit | None = None
    prev: Line | None = None

    def item(self) -> Unit | None:
        """The list item the next marker lines up with: the current one, or the last
        one before a paragraph (a heading ends the list)."""
        current = self.current
        return current if current is not None and current.kind == "list_item" else self.last_item

    def opened(self, unit: Unit) -> None:
        self.units.append(unit)
        self.current = unit
        if unit.kind == "list_item":
            self.last_item = unit
        elif unit.kind == "heading":
            self.last_item = None


class Flow:
    """Turns the flowing lines of one region of a page into units."""

    def __init__(self, page: int, stats: Stats, *, ocr: bool) -> None:
        self.page = page
        self.stats = stats
        self.ocr = ocr

    def units(self, lines: list[Line], right: float) -> list[Unit]:
        """The lines as units, in order; ``right`` is the column's right edge."""
        if not lines:
            return []
        state = _State(min(ln.x0 for ln in lines), right)
        for line in lines:
            self._take(state, line)
        return self._split(state.units, right - state.left)

    def _take(self, state: _State, line: Line) -> None:
        """One line: the next line of the current unit, or the first of a new one."""
        new_para = self._new_paragraph(state.prev, line)
        opening = self._opening(line, new_para, state.item())
        state.prev = opening.line
        current = state.current
        if current is not None and not new_para and not opening.marker:
            hint = opening.going_on if current.kind == "heading" else opening.hkey
            if self._goes_on(current, opening.line, hint):
                append_line(current, opening.line, opening.line.text)
                return
        state.opened(self._open(opening, state.left, state.right))

    def _new_paragraph(self, prev: Line | None, line: Line) -> bool:
        """A gap wider than the paragraph gap, or a line above the one before; on a
        scan also a line set in another size than the one before (a title under a
        line of small print with little room between). Never inside a word broken with
        a hyphen at the line's end."""
        if prev is not None and is_hyphenated(prev.text, line.text):
            return False  # "Dessa tre områ-" / "den är ...": one word broken over two lines
        gap = line.top - prev.bottom if prev is not None else 1e9
        if gap > self.stats.para_gap * max(line.size, 1.0) or gap < -line.size:
            return True
        if self.ocr and prev is not None:
            return all(
                _out_of_step(a, b) for a in _scanned_sizes(prev) for b in _scanned_sizes(line)
            )
        return False

    def _opening(self, line: Line, new_para: bool, item: Unit | None) -> _Opening:
        item_x0 = item.bbox[0] if item is not None else None
        marker = list_marker(line, new_para, item_x0, ocr=self.ocr)
        if self.ocr and not marker:
            line = _without_speck(line)
        bullet = marker is not None and marker.kind == "bullet"
        hkey = None if bullet else heading_key(line, self.stats, ocr=self.ocr)
        going_on = hkey
        if self.ocr and not new_para:
            hkey = None  # on a scan, only a line set apart opens a heading
        if hkey is not None:
            marker = None
        return _Opening(line, marker, hkey, going_on)

    def _open(self, opening: _Opening, left: float, right: float) -> Unit:
        """A new unit opened by a line: a list item, a heading or a paragraph."""
        line, marker, hkey = opening.line, opening.marker, opening.hkey
        text, text_x0, kind = line.text, line.x0, "paragraph"
        if marker:
            kind, text, text_x0 = "list_item", marker.text, marker.text_x0
        elif hkey is not None:
            kind = "heading"
        unit = Unit(
            kind,
            [],
            self.page,
            line.box,
            heading_key=hkey,
            level=1 if marker and marker.kind == "number" else 0,
            size=line.size,
            text_x0=text_x0,
            right=right,
            left=left,
            marker=marker.mark if marker else None,
        )
        append_line(unit, line, text)
        return unit

    def _goes_on(self, unit: Unit, line: Line, hkey: HeadingKey | None) -> bool:
        """Whether a line not set apart goes on with the unit above."""
        if unit.kind == "heading":
            return self._heading_goes_on(unit, line, hkey)
        if hkey is not None:
            return _bold_item_goes_on(unit, line)
        if unit.lines and is_hyphenated(unit.lines[-1], line.text):
            return True  # the rest of a word broken at the line's end, whatever its size
        if abs(line.size - unit.size) > SAME_SIZE:
            return False
        if unit.kind == "list_item":
            # set in under the item's text, or going on in lower case at the margin
            return line.x0 >= unit.text_x0 - ITEM_INDENT_SLACK or line.text[:1].islower()
        return True

    def _heading_goes_on(self, unit: Unit, line: Line, hkey: HeadingKey | None) -> bool:
        """A heading goes on with a line of its key (about its size and weight, not too
        long); on a scan with any heading-like line, or a large line in lower case."""
        if len(unit.lines) >= HEADING_LINES:
            return False
        big = line.size >= SCAN_BIG * self.stats.body_size
        if self.ocr and (hkey is not None or (big and line.text[:1].islower())):
            return True
        if self.ocr and big and abs(line.size - unit.size) <= SCAN_SAME_HEADING * unit.size:
            return True  # a line of the heading's size without letters ("2019–2022")
        return _same_heading(unit.heading_key, line, hkey)

    def _split(self, units: list[Unit], width: float) -> list[Unit]:
        units = [piece for u in units for piece in _split_stack(u, width)]
        if self.ocr:
            units = [piece for u in units for piece in _split_title_line(u)]
        return units


def _without_speck(line: Line) -> Line:
    """On a scan, a bullet that opens no list item was a speck: dropped."""
    if line.words[0].text == OCR_BULLET and len(line.words) > 1:
        return Line(line.words[1:])
    return line


def _same_heading(key: HeadingKey | None, line: Line, hkey: HeadingKey | None) -> bool:
    """A line of the heading's key, or of about its size and weight and not too long."""
    return hkey == key or (
        key is not None
        and abs(line.size - key[0]) <= SAME_HEADING_SIZE
        and line.bold == (key[1] or line.bold)
        and len(line.text.split()) <= MAX_WORDS
    )


def _bold_item_goes_on(unit: Unit, line: Line) -> bool:
    """A bold list item's next line is bold too: it goes on with the item."""
    last = unit.last_line
    return (
        unit.kind == "list_item"
        and last is not None
        and last.bold == line.bold
        and abs(line.size - unit.size) <= SAME_SIZE
        and line.x0 >= unit.text_x0 - ITEM_INDENT_SLACK
    )


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
        Unit(
            "paragraph",
            [line],
            unit.page,
            box,
            size=unit.size,
            right=unit.right,
            left=unit.left,
            boxes=[box],
        )
        for line, box in zip(unit.lines, unit.boxes, strict=True)
    ]


def _split_title_line(unit: Unit) -> list[Unit]:
    """On a scan, a short first line over a paragraph of full lines is a title read
    into the paragraph ("Skolan som trygg plats" over its text); it is split off, and
    ``headings.guess_headings`` then decides whether it reads like a heading."""
    if unit.kind != "paragraph" or len(unit.lines) < 3 or len(unit.boxes) != len(unit.lines):
        return [unit]
    width = unit.right - unit.left
    first, second = unit.boxes[0], unit.boxes[1]
    title = unit.lines[0].strip()
    if not title or title[-1] in ".,;:!?" or first[2] - first[0] >= 0.6 * width:
        return [unit]
    if second[2] - second[0] < 0.8 * width:
        return [unit]
    rest = unit.boxes[1:]
    body_box = (min(b[0] for b in rest), rest[0][1], max(b[2] for b in rest), rest[-1][3])
    return [
        _paragraph_like(unit, unit.lines[:1], first, [first]),
        _paragraph_like(unit, unit.lines[1:], body_box, rest),
    ]


def _paragraph_like(unit: Unit, lines: list[str], bbox: BBox, boxes: list[BBox]) -> Unit:
    return Unit(
        "paragraph",
        lines,
        unit.page,
        bbox,
        size=unit.size,
        right=unit.right,
        left=unit.left,
        boxes=boxes,
    )


def _scanned_sizes(line: Line) -> tuple[float, ...]:
    """The text heights a scanned line may be set in: as read, and for a line without
    letters also as a line with letters would read (Tesseract measures a line of digits
    now with, now without the descenders it does not have)."""
    size = max(line.size, 1.0)
    if any(c.isalpha() for c in line.text):
        return (size,)
    return size, size / SCAN_DIGITS_HEIGHT


def _out_of_step(a: float, b: float) -> bool:
    small, large = sorted((a, b))
    return large >= SCAN_SIZE_STEP * small

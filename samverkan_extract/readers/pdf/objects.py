"""A page's objects through pypdfium2: text objects, images and paths, into Form
XObjects, in page space.

PDFium lists a page's objects; a Form XObject holds more of them under its own matrix,
followed ``MAX_FORM_DEPTH`` deep. For each object the reader keeps what it needs:

* a text object's box and font size, and later the positions of the characters PDFium
  took from it. PDFium drops a text object that repeats one drawn just before at
  (nearly) the same place ("fake bold" drawn as two text objects); such an object gives
  no characters, so a text object without characters, of the same size and within
  ``DOUBLED`` points of one with characters, marks that one's characters as printed
  over (``doubled``);
* an image's box (a page without text but covered by images is a scan);
* a path and its matrix; whether any path reaches over more height than a rule must
  (only then can the page hold a ruled table). The paths become pdfminer's lines,
  rects and curves (``path_objects``, classified by ``rules.py``) for the table finder.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

from samverkan_extract.readers.pdf.chars import DOUBLED, Position
from samverkan_extract.readers.pdf.rules import RULE_HEIGHT, Point, classify, plumber_object

# How deep Form XObjects are followed.
MAX_FORM_DEPTH = 15
# PDFium's segment kinds (FPDF_SEGMENT_LINETO, _BEZIERTO, _MOVETO) as pdfminer's operators.
_OPERATORS = {0: "l", 1: "c", 2: "m"}

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Box = tuple[float, float, float, float]  # x0, y0, x1, y1, bottom-up


def _raw() -> Any:
    import pypdfium2.raw as raw

    return raw


@dataclass
class _TextObject:
    """A text object of the page: its box (page space, bottom-up), size, and the
    characters PDFium took from it."""

    box: Box
    size: float
    positions: list[Position] = field(default_factory=list)


@dataclass
class PageObjects:
    """The page's objects as the reader needs them: text objects by address, image
    boxes (page space, bottom-up), and the paths with their matrices (page space)."""

    texts: dict[int, _TextObject] = field(default_factory=dict)
    images: list[Box] = field(default_factory=list)
    paths: list[tuple[Any, Matrix]] = field(default_factory=list)
    tall_path: bool = False  # a path taller than a rule must be: it may hold one


def matrix_of(obj: Any) -> Matrix:
    raw = _raw()
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def doubled(texts: dict[int, _TextObject]) -> set[Position]:
    """Positions of the characters of text objects that a dropped copy printed over."""
    kept = [t for t in texts.values() if t.positions]
    doubled: set[Position] = set()
    for copy in texts.values():
        if copy.positions:
            continue
        for original in kept:
            if original.size == copy.size and _near(original.box, copy.box):
                doubled.update(original.positions)
                break
    return doubled


def _near(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(abs(p - q) <= DOUBLED for p, q in zip(a, b, strict=True))


# --- The page's objects ---------------------------------------------------------------


def read_objects(page: Any) -> PageObjects:
    """Text objects, images and table rules, into Form XObjects (boxes in page space)."""
    raw = _raw()
    out = PageObjects()
    todo: list[tuple[Any, Matrix, int]] = [(None, IDENTITY, 0)]
    while todo:
        form, matrix, depth = todo.pop()
        for obj in _children(page, form):
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_FORM and depth + 1 < MAX_FORM_DEPTH:
                todo.append((obj, _compose(matrix_of(obj), matrix), depth + 1))
            elif kind == raw.FPDF_PAGEOBJ_TEXT:
                _add_text(out, obj, matrix)
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                out.images.append(_bounds(obj, matrix))
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                full = _compose(matrix_of(obj), matrix)
                out.paths.append((obj, full))
                out.tall_path = out.tall_path or _tall(obj, matrix)
    return out


def _children(page: Any, form: Any) -> list[Any]:
    raw = _raw()
    if form is None:
        count = raw.FPDFPage_CountObjects(page.raw)
        return [raw.FPDFPage_GetObject(page.raw, i) for i in range(max(0, count))]
    count = raw.FPDFFormObj_CountObjects(form)
    return [raw.FPDFFormObj_GetObject(form, i) for i in range(max(0, count))]


def _add_text(out: PageObjects, obj: Any, matrix: Matrix) -> None:
    raw = _raw()
    size = ctypes.c_float()
    raw.FPDFTextObj_GetFontSize(obj, size)
    address = ctypes.cast(obj, ctypes.c_void_p).value or 0
    out.texts[address] = _TextObject(_bounds(obj, matrix), size.value)


def _bounds(obj: Any, matrix: Matrix) -> Box:
    """An object's box in page space (bottom-up), through the forms it sits in."""
    raw = _raw()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return (0.0, 0.0, 0.0, 0.0)
    corners = [
        _apply(matrix, x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)
    ]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _tall(obj: Any, matrix: Matrix) -> bool:
    """Whether a path reaches over more height than a rule must (its box, in page
    space): only then can it draw a vertical rule or a cell."""
    _, y0, _, y1 = _bounds(obj, matrix)
    return y1 - y0 > RULE_HEIGHT


def path_objects(paths: list[tuple[Any, Matrix]], height: float) -> dict[str, list[dict[str, Any]]]:
    """The lines, rects and curves pdfminer would make of the paths, measured as
    pdfplumber measures them."""
    out: dict[str, list[dict[str, Any]]] = {"line": [], "rect": [], "curve": []}
    for obj, matrix in paths:
        for shape, points in _subpaths(obj, matrix):
            kind, placed = classify(shape, points)
            out[kind].append(plumber_object(kind, placed, height))
    return out


def _subpaths(obj: Any, matrix: Matrix) -> list[tuple[str, list[Point]]]:
    """A path's subpaths as pdfminer's operators ("m", "l", "c", "h") and one point
    each (a Bézier curve's end; "h" back at the subpath's start), in page space."""
    out: list[tuple[str, list[Point]]] = []
    for op, point, closes in _segments(obj, matrix):
        if op == "m":
            out.append(("m", [point]))
            continue
        if not out:
            continue  # a path must open with a move
        shape, points = out[-1]
        points.append(point)
        if closes:
            points.append(points[0])
        out[-1] = (shape + op + ("h" if closes else ""), points)
    return [(shape, points) for shape, points in out if len(shape) > 1]


def _segments(obj: Any, matrix: Matrix) -> list[tuple[str, Point, bool]]:
    """The path's segments as (operator, end point in page space, closes the subpath).
    PDFium gives a Bézier curve as three segments (control, control, end): only the
    end is kept, as pdfminer keeps it."""
    raw = _raw()
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[tuple[str, Point, bool]] = []
    curve = 0
    for i in range(max(0, raw.FPDFPath_CountSegments(obj))):
        segment = raw.FPDFPath_GetPathSegment(obj, i)
        kind = raw.FPDFPathSegment_GetType(segment)
        curve = curve + 1 if kind == raw.FPDF_SEGMENT_BEZIERTO else 0
        if curve % 3:
            continue
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        op = _OPERATORS.get(kind, "l")
        out.append(
            (op, _apply(matrix, x.value, y.value), bool(raw.FPDFPathSegment_GetClose(segment)))
        )
    return out


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer`` (a point is mapped by inner first)."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )

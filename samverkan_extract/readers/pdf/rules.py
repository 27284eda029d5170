"""Ruled tables: a page's drawn lines and boxes, and the tables pdfplumber finds in them.

pdfplumber's table finder works from a page's *edges*: the lines, rectangles and curves
pdfminer makes of the paths the page paints. A page's paths are read through pypdfium2
(``pdfium.py``) and classified here as pdfminer classifies them, so that the finder
sees the same edges without pdfminer interpreting the page:

1. a path is cut into subpaths at each move; a subpath of one line segment is a *line*;
   one of four line segments closing on its start with sides along the axes is a *rect*
   (a closing segment back to the start before a close is redundant); anything else
   (Bézier segments, other polygons) is a *curve* through its points;
2. each gets pdfplumber's measures: a box from the top of the page (``x0``, ``top``,
   ``x1``, ``bottom``), its width and height, its points.

A page can hold a table only if it draws a vertical rule (narrower than ``RULE_WIDTH``,
taller than ``RULE_HEIGHT``) or a box at least ``RULE_HEIGHT`` wide and tall; only then
is the finder run (pdfplumber's default settings: edges from lines, snapped and joined
within 3 points). A table needs two cells in a row or two rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from samverkan_extract.readers.pdf.model import Table

# A vertical rule is narrower than RULE_WIDTH and taller than RULE_HEIGHT (points); a
# box wider and taller than RULE_HEIGHT can be a table cell too.
RULE_WIDTH = 2
RULE_HEIGHT = 8

Point = tuple[float, float]
Objects = Mapping[str, list[dict[str, Any]]]


def classify(shape: str, points: list[Point]) -> tuple[str, list[Point]]:
    """What pdfminer makes of a subpath: ("line" | "rect" | "curve", its points), from
    its operators ("m", "l", "c", "h": one point each, "h" back at the start)."""
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-1]  # a redundant "l" before "h"
    if shape in ("mlh", "ml"):
        return "line", points[:2]
    if shape in ("mlllh", "mllll") and _axis_box(points):
        (x0, y0), (x1, y1) = points[0], points[2]
        return "rect", [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return "curve", points


def _axis_box(points: list[Point]) -> bool:
    """Four sides along the axes, closing on the start."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points
    square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
        y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
    )
    return last == points[0] and square


def plumber_object(kind: str, points: list[Point], height: float) -> dict[str, Any]:
    """A line, rect or curve as pdfplumber describes it (bottom-up points in; y from
    the top of a page ``height`` points high out)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    top = height - y1
    return {
        "object_type": kind,
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "top": top,
        "bottom": height - y0,
        "doctop": top,
        "width": x1 - x0,
        "height": y1 - y0,
        "pts": [(x, height - y) for x, y in points],
    }


def has_vertical_rules(objects: Objects) -> bool:
    """A vertical line or thin box, or a box big enough to be a cell."""
    lines = objects.get("line", ())
    rects = objects.get("rect", ())
    return any(_vertical_rule(o) for o in lines) or any(
        _vertical_rule(o) or _cell_box(o) for o in rects
    )


def _vertical_rule(obj: dict[str, float]) -> bool:
    return abs(obj["x1"] - obj["x0"]) < RULE_WIDTH and abs(obj["bottom"] - obj["top"]) > RULE_HEIGHT


def _cell_box(obj: dict[str, float]) -> bool:
    return obj["x1"] - obj["x0"] > RULE_HEIGHT and obj["bottom"] - obj["top"] > RULE_HEIGHT


def find_tables(page: Any) -> list[Table]:
    """Ruled tables (pdfplumber's finder) with more than one cell; none when the finder
    fails (tables are lost, not text)."""
    try:
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - a table finder failure loses tables, not text
        return []
    tables = []
    for t in found:
        rows = [list(r.cells) for r in t.rows]
        if len(rows) < 1 or max((len(r) for r in rows), default=0) < 2 and len(rows) < 2:
            continue
        tables.append(Table(tuple(t.bbox), rows))
    return tables


class RulesPage:
    """Just enough of a pdfplumber page for its table finder: the page's box and the
    edges of its lines, rects and curves."""

    def __init__(self, objects: Objects, width: float, height: float) -> None:
        self.objects = objects
        self.bbox = (0.0, 0.0, width, height)

    @property
    def edges(self) -> list[dict[str, Any]]:
        from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

        edges = [line_to_edge(o) for o in self.objects.get("line", ())]
        edges += [e for o in self.objects.get("rect", ()) for e in rect_to_edges(o)]
        edges += [e for o in self.objects.get("curve", ()) for e in curve_to_edges(o)]
        return edges

    def find_tables(self) -> list[Any]:
        from pdfplumber.table import TableFinder, TableSettings

        return TableFinder(self, TableSettings.resolve(None)).tables  # type: ignore[arg-type]

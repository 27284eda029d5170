"""WordprocessingML names and the small look-ups on its elements that the stages share.

Elements are lxml's, their tags in Clark notation (``q("p")`` is ``{W}p``).
"""

from __future__ import annotations

from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def q(tag: str, ns: str = W) -> str:
    return f"{{{ns}}}{tag}"


SDT = q("sdt")


def is_placeholder(sdt: Any) -> bool:
    pr = sdt.find(q("sdtPr"))
    return pr is not None and pr.find(q("showingPlcHdr")) is not None


def style_id_of(p: Any) -> str | None:
    ppr = p.find(q("pPr"))
    style = ppr.find(q("pStyle")) if ppr is not None else None
    return style.get(q("val")) if style is not None else None


def on(element: Any) -> bool:
    return element is not None and element.get(q("val"), "true") not in ("0", "false", "off")

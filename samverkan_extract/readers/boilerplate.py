"""Web-page chrome: the menus, cookie notices, breadcrumbs, share links and page stamps a
page carries around the text a researcher copies or prints from it.

The patterns live in ``data/boilerplate.toml`` (its header states the rule): lines that
are never content are dropped wherever they stand; at each end of the text, paragraphs
made only of such lines and short menu-like lines go too, up to the first paragraph that
is not chrome-like. ``drop_boilerplate`` works on a text file's lines (paragraphs apart
by blank lines); ``drop_chrome_blocks`` applies the same rule to a Document read from a
PDF or DOCX, where each block is a paragraph.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import regex

from samverkan_extract.document import BLOCK_SEPARATOR, Document, clean_line
from samverkan_extract.readers.markup import (
    ATX_HEADING,
    BULLET_LINE,
    MD_IMAGE_OR_LINK,
    QUOTE,
    strip_inline_markup,
)


@dataclass(frozen=True)
class Boilerplate:
    """The patterns of ``data/boilerplate.toml``, compiled once per process."""

    lines: regex.Pattern[str]
    link_list_headings: regex.Pattern[str]
    keep: regex.Pattern[str]
    short_words: int


@cache
def boilerplate() -> Boilerplate:
    raw = tomllib.loads(
        resources.files("samverkan_extract.data").joinpath("boilerplate.toml").read_text("utf-8")
    )

    def alternation(patterns: list[str]) -> regex.Pattern[str]:
        return regex.compile("|".join(f"(?:{p})" for p in patterns), regex.I | regex.V0)

    return Boilerplate(
        lines=alternation([p for group in raw["lines"].values() for p in group]),
        link_list_headings=alternation(raw["link_list_headings"]["patterns"]),
        keep=alternation(raw["keep"]["patterns"]),
        short_words=int(raw["short_words"]),
    )


_ITEM_GAP = regex.compile(r"\s+[·|•]\s+|\t+|[ \u00a0]{3,}")


def _plain(line: str) -> str:
    """A line as the boilerplate patterns see it: Markdown markup and list markers gone,
    spaces folded."""
    line = QUOTE.sub("", line)
    if m := ATX_HEADING.match(line):
        line = m.group(2)
    elif m := BULLET_LINE.match(line):
        line = m.group(1)
    line = MD_IMAGE_OR_LINK.sub(r"\1", line)  # a link around an image: twice
    return clean_line(strip_inline_markup(line)).strip(" |")


def _is_short(raw: str, plain: str, words: int) -> bool:
    """A menu entry, a site name, a footer's row of items: a few words, or a row of such
    items set apart by dots, bars or wide gaps; never a sentence or a lead-in."""
    if not plain or plain[-1] in ".:;!?" or ATX_HEADING.match(raw):
        return False
    items = [i for i in _ITEM_GAP.split(raw.strip()) if i.strip()]
    return all(len(_plain(i).split()) <= words for i in items)


def drop_boilerplate(lines: list[str]) -> tuple[list[str], int]:
    """The lines without the web-page chrome described in ``data/boilerplate.toml``, and
    how many were dropped. A dropped line leaves a blank line, so paragraphs stay apart."""
    bp = boilerplate()
    plain = [_plain(x) for x in lines]
    nav = [bool(p) and bp.lines.fullmatch(p) is not None for p in plain]
    paras: list[range] = []
    start = None
    for i, p in enumerate([*plain, ""]):
        if p and start is None:
            start = i
        elif not p and start is not None:
            paras.append(range(start, i))
            start = None

    def chrome(k: int) -> bool:
        para = paras[k]
        if len(para) == 1 and bp.link_list_headings.fullmatch(plain[para[0]]):
            return True  # a heading over a list of links, marked up as a heading
        return all(nav[i] or _is_short(lines[i], plain[i], bp.short_words) for i in para)

    def link_list(k: int) -> list[int]:
        """The paragraphs of a list of links that opens at paragraph ``k``: its heading
        over two or more short lines (under it, or in the next paragraph)."""
        para = paras[k]
        if not bp.link_list_headings.fullmatch(plain[para[0]]):
            return []
        if len(para) >= 3 and chrome(k):
            return [k]
        nxt = k + 1
        if len(para) == 1 and nxt < len(paras) and len(paras[nxt]) >= 2 and chrome(nxt):
            return [k, nxt]
        return []

    def named(k: int) -> bool:
        """A paragraph that names what the document is ("Medborgarlöfte 2025")."""
        return any(bp.keep.search(plain[i]) for i in paras[k])

    drop = {i for i, n in enumerate(nav) if n}
    for order in (range(len(paras)), range(len(paras) - 1, -1, -1)):
        walked: list[int] = []  # chrome-like paragraphs since the last that held chrome
        for k in order:
            if not chrome(k):
                break
            walked.append(k)
            listed = link_list(k)
            if any(nav[i] for i in paras[k]) or listed:
                # menu entries set apart ("Aktuellt", "Om Polisen") go with the chrome
                # beyond them
                for j in walked:
                    if j == k or not named(j):
                        drop.update(paras[j])
                walked = []
            for j in listed:
                drop.update(paras[j])
    if not drop or all(i in drop for i, p in enumerate(plain) if p):
        return lines, 0  # nothing but "chrome" is no web page: a short text, kept as it is
    return ["" if i in drop else x for i, x in enumerate(lines)], len(drop)


def chrome_warning(dropped: int) -> str:
    return (
        f"dropped {dropped} line(s) of web-page navigation and boilerplate (menus, "
        "cookie notices, breadcrumbs, share links, page stamps)"
    )


def drop_chrome_blocks(document: Document) -> Document:
    """The document without the blocks that are web-page chrome (a page printed to PDF or
    pasted into Word), with a warning saying how many lines went. Each block is a
    paragraph, consecutive list items one list; running headers and footers stay (they
    are set apart already). The text is laid out again from the blocks kept."""
    body = [b for b in document.blocks if b.kind not in ("header", "footer")]
    lines: list[str] = []
    owner: list[int] = []  # the index in ``body`` of each line; -1 for a blank line
    for i, block in enumerate(body):
        if lines and not (block.kind == "list_item" and body[i - 1].kind == "list_item"):
            lines.append("")
            owner.append(-1)
        for line in document.block_text(block).split("\n"):
            lines.append(line)
            owner.append(i)
    kept, dropped = drop_boilerplate(lines)
    if not dropped:
        return document
    gone = {id(body[i]) for i in set(owner) - {-1}}
    gone -= {id(body[owner[k]]) for k, line in enumerate(kept) if line and owner[k] >= 0}
    if not gone:
        return document
    parts: list[str] = []
    blocks = []
    length = 0
    for block in document.blocks:
        if id(block) in gone:
            continue
        if parts:
            parts.append(BLOCK_SEPARATOR)
            length += len(BLOCK_SEPARATOR)
        text = document.block_text(block)
        blocks.append(replace(block, start=length, end=length + len(text)))
        parts.append(text)
        length += len(text)
    lost = sum(document.block_text(b).count("\n") + 1 for b in document.blocks if id(b) in gone)
    return replace(
        document,
        text="".join(parts),
        blocks=blocks,
        warnings=[*document.warnings, chrome_warning(lost)],
    )

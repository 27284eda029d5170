"""Numbered titles a layout cannot see: "3 Prioriterade områden" typed at the head of a
paragraph, with its sub-titles or its text right under it and no blank line between (a
text dump printed to PDF, a title ended with a line break in Word). The text reader
finds them as it groups lines; for PDF and DOCX the blocks are split here, the text
unchanged:

- a paragraph whose every line is a numbered title is a heading a line
  ("3 Prioriterade områden" / "3.1 Anlagda bränder" / "3.2 Unga i riskzon");
- a paragraph whose first line is a numbered title, or a few words naming a section
  agreements have, over a sentence of its own is a heading over a paragraph ("4.1
  Älvkarleby brå" / "Rådet sammanträder varje kvartal.", "Prioriteringar" / "Parterna
  har enats om följande prioriteringar:").
"""

from __future__ import annotations

from dataclasses import replace

import regex

from samverkan_extract.document import NUMBERING, Block, Document, numbering, numbering_kind
from samverkan_extract.knowledge import knowledge

# "2.1 Giltighetstid", "IV. PRIORITERADE OMRÅDEN": a numbering, then a capital.
_TITLE = regex.compile(rf"(?P<number>{NUMBERING.pattern})\s+(?P<title>\p{{Lu}}.*)")
_YEAR_OR_DATE = regex.compile(r"\d{4}-\d{2}|\d{1,2}\s+\p{Ll}+\s+\d{4}")
# A title has at most this many words; the sentence under it this many characters.
TITLE_WORDS = 8
SENTENCE_CHARS = 20
# An unnumbered title naming a section ("Prioriteringar") has at most this many words,
# and is a heading of this level.
SECTION_WORDS = 4
RUN_IN_LEVEL = 2


def title_level(line: str) -> int:
    """The level of a line that is a numbered title and nothing else, else 0."""
    line = line.strip()
    m = _TITLE.fullmatch(line)
    if m is None or line[-1] in ".,:;!?" or _YEAR_OR_DATE.search(line):
        return 0
    if len(m.group("title").split()) > TITLE_WORDS:
        return 0
    return 1 + numbering_kind(m.group("number"))[1]


def split_numbered_titles(document: Document) -> Document:
    """The document with the numbered titles inside its paragraphs made headings."""
    blocks: list[Block] = []
    for block in document.blocks:
        blocks += _split(document, block) if block.kind == "paragraph" else [block]
    if len(blocks) == len(document.blocks):
        return document
    return replace(document, blocks=blocks)


def _split(document: Document, block: Block) -> list[Block]:
    lines = document.block_text(block).split("\n")
    if len(lines) < 2:
        return [block]
    levels = [title_level(line) for line in lines]
    starts = [block.start]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    if all(levels):
        return [
            _heading(block, start, line, level)
            for start, line, level in zip(starts, lines, levels, strict=True)
        ]
    rest = "\n".join(lines[1:]).strip()
    level = levels[0] or (RUN_IN_LEVEL if _names_section(lines[0]) else 0)
    if level and len(rest) >= SENTENCE_CHARS and rest.endswith((".", "!", "?", ":")):
        body = replace(block, start=starts[1], numbering=None)
        return [_heading(block, block.start, lines[0], level), body]
    return [block]


def _names_section(line: str) -> bool:
    """A line of a few words, no more, that names a section agreements have ("Parter",
    "Prioriteringar", "Forum för samverkan")."""
    line = line.strip()
    if not line[:1].isupper() or line[-1] in ".,;:!?" or len(line.split()) > SECTION_WORDS:
        return False
    return any(t.pattern.search(line) for t in knowledge().topics if t.id != "other")


def _heading(block: Block, start: int, line: str, level: int) -> Block:
    return replace(
        block,
        kind="heading",
        start=start,
        end=start + len(line),
        level=level,
        numbering=numbering(line),
    )

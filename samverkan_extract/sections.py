"""Sections: each heading, what it is about, and how far its text runs.

A heading's *section* runs to the next heading at its level or above. Forums and
priority areas are often written as a topic heading followed by one sub-heading per
item, in documents that give every heading the same level; their *region* therefore
runs on through headings of no known topic, and stops at the next heading whose topic
is known ("Uppföljning" after the priority areas) or at a sibling numbered like the
region's own heading ("VI." after "V. Samverkansforum").
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from samverkan_extract.document import (
    HEADING_KINDS,
    Block,
    Document,
    after_numbering,
    numbering_kind,
)
from samverkan_extract.knowledge import Knowledge, knowledge

# Topics whose items are often written as sub-headings of the same level.
REGION_TOPICS = ("forums", "priorities")
# A label's section (or a run-in label's) is deeper than any heading's: it closes none.
LABEL_LEVEL = 6


@dataclass(frozen=True)
class Section:
    heading: Block
    topic: str | None
    start: int  # the heading's start
    body_start: int
    end: int
    level: int


def heading_topic(text: str) -> str | None:
    """The topic a heading (or a run-in label) names, read after its numbering; failing
    that, with å, ä and ö read as a and o on both sides, as OCR confuses them
    ("Samverkansförum")."""
    text = text[after_numbering(text) :]
    words = text.split()
    if len(words) > 1 and words[-1].casefold() in knowledge().vocabulary["layout"]["open_endings"]:
        return None  # a lead-in going on below ("Under avtalstiden ska parterna arbeta med")
    for term in knowledge().topics:
        if term.pattern.search(text):
            return term.id
    folded = text.translate(_FOLD)
    for topic, pattern in knowledge().derived("folded_topics", _folded_topics):
        if pattern.search(folded):
            return topic
    return None


# The Swedish letters OCR reads with and without their marks.
_FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")


def _folded_topics(kb: Knowledge) -> list[tuple[str, regex.Pattern[str]]]:
    return [
        (t.id, regex.compile(t.pattern.pattern.translate(_FOLD), t.pattern.flags))
        for t in kb.topics
    ]


def find_sections(document: Document) -> list[Section]:
    headings = [b for b in document.blocks if b.kind in HEADING_KINDS]
    text_end = len(document.text)
    topics = [heading_topic(document.block_text(h)) for h in headings]
    sections = []
    for i, h in enumerate(headings):
        level = _level(h)
        end = text_end
        for j in range(i + 1, len(headings)):
            other = headings[j]
            other_level = _level(other)
            if other.kind == "label":
                continue
            if other_level <= level:
                if (
                    topics[i] in REGION_TOPICS
                    and other_level == level
                    and topics[j] is None
                    and not _same_numbering(h, other)
                ):
                    continue
                end = other.start
                break
        if topics[i] in REGION_TOPICS:
            end = _region_end(headings, topics, i, end)
        sections.append(Section(h, topics[i], h.start, h.end, _trim(document, end), level))
    return sections + _label_sections(document)


# A paragraph that opens with its topic as a label: "Giltighetstid: Avtalet gäller ...",
# "PRIORITERINGAR. Under perioden ...".
RUN_IN_LABEL = regex.compile(
    r"(?P<label>\p{Lu}[\p{L}-]*(?:[ ]\p{L}[\p{L}-]*){0,3}):(?:[ \t]+\S|\s*$)"
    r"|(?P<upper>\p{Lu}[\p{Lu}-]+(?:[ ]\p{Lu}[\p{Lu}-]+){0,3})\.[ \t]+\p{Lu}"
)


def _label_sections(document: Document) -> list[Section]:
    """Sections opened by a run-in label: the label's paragraph and what follows it, up
    to the next heading or labelled paragraph."""
    starts: list[tuple[Block, str | None, int]] = []
    for b in document.blocks:
        if b.kind in HEADING_KINDS:
            starts.append((b, None, b.start))
        elif b.kind == "paragraph" and (m := RUN_IN_LABEL.match(document.text, b.start, b.end)):
            label = m.group("label") or m.group("upper")
            body = b.start + len(label) + 1
            starts.append((b, heading_topic(label), body))
    out = []
    for i, (block, topic, body) in enumerate(starts):
        if topic is None or block.kind in HEADING_KINDS:
            continue
        end = starts[i + 1][0].start if i + 1 < len(starts) else len(document.text)
        out.append(Section(block, topic, block.start, body, _trim(document, end), LABEL_LEVEL))
    return out


def _level(heading: Block) -> int:
    if heading.kind == "label":
        return LABEL_LEVEL
    return heading.level or 2


def _same_numbering(a: Block, b: Block) -> bool:
    """Two headings numbered alike are siblings, whatever their topics."""
    return (
        a.numbering is not None
        and b.numbering is not None
        and numbering_kind(a.numbering) == numbering_kind(b.numbering)
    )


def _region_end(headings: list[Block], topics: list[str | None], i: int, end: int) -> int:
    """A region also stops at a deeper heading that opens another known topic."""
    for j in range(i + 1, len(headings)):
        if headings[j].start >= end:
            break
        if topics[j] is not None and topics[j] != topics[i]:
            return headings[j].start
    return end


def _trim(document: Document, end: int) -> int:
    while end > 0 and document.text[end - 1] in "\n ":
        end -= 1
    return end

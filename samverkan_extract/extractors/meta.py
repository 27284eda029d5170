"""Title, the document's own date, and reference numbers."""

from __future__ import annotations

import regex

from samverkan_extract.document import HEADING_KINDS
from samverkan_extract.extractors.context import Context, clean_value, trimmed_span
from samverkan_extract.extractors.organisations import find_mentions
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.schema import DateItem, Item

# How far into the document a title or reference number is looked for (blocks).
HEAD_BLOCKS = 12
DATE_LABEL = regex.compile(
    r"(?i)(?<![\w])(?:datum|dokumentdatum|upprättad|upprättat|daterad|daterat|"
    r"fastställd|fastställt|reviderad|beslutad|antagen|antaget)\s*:?\s*(?:den\s+)?"
)
REFERENCE_LABEL = regex.compile(
    r"(?i)(?<![\w])(?:dnr|diarienr|diarienummer|diarie\s*nr|ärendenr|ärendenummer|ärende\s*nr|ärende|"
    r"vår\s+beteckning|beteckning|vårt\s+dnr|reg\.?\s*nr|saknr)\.?"
    r"(?-i:(?:[ \t]+\p{Ll}+){0,2})\s*:?\s*"  # "Ärendenummer kommunen: ..."
)
# "KS 2015/412", "KS.2021.0098", "Kom 2023/187", "KS24/0789".
REFERENCE = regex.compile(
    r"(?<![\w/.])(?:(?:[A-ZÅÄÖ]{1,5}|[A-ZÅÄÖ][a-zåäö]{1,3})[ /.-]?){0,2}"
    r"\d{1,4}(?:[./:-]\d{1,6}){1,3}(?![\w/])"
)
# Between two references after one label: "KS 2015/412 (Lindesberg), KS 2015/188".
NEXT_REFERENCE = regex.compile(r"[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*(?:,|;|och)[ \t]*")
# A registry stamp at the head of the document: the body that registered it and the date
# ("Kommunstyrelsen 2013-02-11", "Socialnämnden 2024-05-02").
STAMP = regex.compile(
    r"(?im)^[ \t]*(?:kommunstyrelsen|kommunfullmäktige|\w+nämnden|\w*förvaltningen|"
    r"kommunledningskontoret|stadsledningskontoret)[ \t]+"
)
# The most words before the date on a letterhead line; a verb makes it a sentence.
LETTERHEAD_WORDS = 8
_FINITE = regex.compile(r"(?i)\b(?:är|ska|har|gäller|träffades|undertecknades|tecknades)\b")
# How many blocks at the head may hold the stamp.
STAMP_BLOCKS = 3
# A reference standing alone on a line at the head of the document, e.g. "KS24/0789".
LINE = regex.compile(r"[^\n]+")
LONE_REFERENCE = regex.compile(r"[A-ZÅÄÖ]{1,5}[ -]?\d{1,4}(?:[.:]\d{1,6})?/\d{2,6}")
# A police reference without a label, e.g. "A084.191/2025".
POLICE_REFERENCE = regex.compile(r"(?<![\w/.])[A-Z]\d{3}\.\d{3}/\d{4}(?![\w/])")


@extractor("title")
def extract_title(ctx: Context) -> Item | None:
    blocks = [b for b in ctx.document.blocks[:HEAD_BLOCKS] if b.kind not in ("header", "footer")]
    candidates = [b for b in blocks if b.kind in (*HEADING_KINDS, "paragraph")]
    title_words = ctx.kb.pattern("titles", "words")
    for n, block in enumerate(candidates):
        text = ctx.document.block_text(block)
        if title_words.search(text) and _title_like(text):
            start, end = _title_lines(ctx, block.start, block.end)
            after = candidates[n + 1] if n + 1 < len(candidates) else None
            bare = len(ctx.text[start:end].split()) <= 2  # the document's kind, no more
            if bare and end == block.end and after and _goes_on(ctx.document.block_text(after)):
                end = after.end  # "SAMVERKANSÖVERENSKOMMELSE" over "mellan Exby kommun och ..."
            return _item(ctx, start, end)
    # no title words: the first heading, above the signatures (a signer's line set in
    # bold is no title)
    headings = [b for b in blocks if b.kind in HEADING_KINDS and b.start < ctx.signature_zone_start]
    if headings:
        return _item(ctx, headings[0].start, headings[0].end)
    return None


def _goes_on(text: str) -> bool:
    """A line set apart under a title that carries on its phrase in lower case."""
    return (
        "\n" not in text
        and text[:1].islower()
        and len(text.split()) <= 12
        and not text.rstrip().endswith((".", ":"))
    )


def _title_like(text: str) -> bool:
    return len(text) <= 200 and text.count("\n") <= 2 and not text.rstrip().endswith((".", ":"))


def _title_lines(ctx: Context, start: int, end: int) -> tuple[int, int]:
    """The lines of a title block that are the title. A line that goes on in lower case
    ("mellan Exby kommun och Polisen") or finishes the phrase ("Exby 2016–2019")
    belongs to it, and so does any line after one that cannot end there ("Överenskommelse
    om samverkan mellan" / "Exby kommun och Polisen"); it stops before a line that is a
    stamp with a date ("Reviderad
    2024-03-11"), a line that lists the parties ("Exby kommun – lokalpolisområde Exby"),
    or, under an upper-case title, a line in ordinary case (a subtitle)."""
    lines = ctx.text[start:end].split("\n")
    stop = start + len(lines[0])
    upper = lines[0].upper() == lines[0]
    pos = stop + 1
    open_endings = ctx.kb.vocabulary["layout"]["open_endings"]
    for before, line in zip(lines, lines[1:], strict=False):
        words = before.split()
        goes_on = bool(words) and words[-1].casefold() in open_endings  # "... mellan"
        if (
            not goes_on
            and not line[:1].islower()
            and (
                ctx.dates(pos, pos + len(line))
                and any(d.precision == "day" for d in ctx.dates(pos, pos + len(line)))
                or len(find_mentions(ctx, pos, pos + len(line), others=False)) >= 2
                or (upper and any(c.islower() for c in line))
            )
        ):
            break
        stop = pos + len(line)
        pos = stop + 1
    return start, stop


def _item(ctx: Context, start: int, end: int) -> Item:
    start, end = trimmed_span(ctx.text, start, end)
    return Item(value=clean_value(ctx.text[start:end]), evidence=ctx.evidence(start, end))


@extractor("document_date")
def extract_document_date(ctx: Context) -> DateItem | None:
    """A date the document states for itself: after a label such as "Datum", or in the
    registry stamp at its head ("Kommunstyrelsen 2013-02-11")."""
    limit = ctx.signature_zone_start
    head = _head_end(ctx, STAMP_BLOCKS)
    for m in STAMP.finditer(ctx.text, 0, min(head, limit)):
        dates = ctx.dates(m.end(), m.end() + 40)
        if dates and dates[0].start == m.end() and dates[0].precision == "day":
            d = dates[0]
            return DateItem(value=d.value, evidence=ctx.evidence(m.start(), d.end))
    for m in DATE_LABEL.finditer(ctx.text, 0, limit):
        dates = ctx.dates(m.end(), m.end() + 40)
        if dates and dates[0].start == m.end():
            d = dates[0]
            return DateItem(value=d.value, evidence=ctx.evidence(m.start(), d.end))
    return _letterhead_date(ctx, min(head, limit))


def _letterhead_date(ctx: Context, head: int) -> DateItem | None:
    """A date closing a short line of the letterhead above the title, with no label
    ("Vara kommun | Polisen        2016-11-28")."""
    title = ctx.values.get("title")
    end = min(head, title.evidence.start) if title is not None else head
    for line in LINE.finditer(ctx.text, 0, end):
        start, stop = trimmed_span(ctx.text, line.start(), line.end())
        dates = ctx.dates(start, stop)
        if not dates or dates[-1].end != stop or dates[-1].precision != "day":
            continue
        words = ctx.text[start : dates[-1].start].split()
        if len(words) <= LETTERHEAD_WORDS and not _FINITE.search(ctx.text, start, stop):
            d = dates[-1]
            return DateItem(value=d.value, evidence=ctx.evidence(d.start, d.end))
    return None


@extractor("reference_numbers")
def extract_reference_numbers(ctx: Context) -> list[Item]:
    found: dict[str, Item] = {}
    text = ctx.text
    for m in REFERENCE_LABEL.finditer(text):
        ref = REFERENCE.match(text, m.end())
        while ref:
            value = clean_value(ref.group())
            found.setdefault(
                value, Item(value=value, evidence=ctx.evidence(ref.start(), ref.end()))
            )
            gap = NEXT_REFERENCE.match(text, ref.end())
            ref = REFERENCE.match(text, gap.end()) if gap else None
    head_end = _head_end(ctx)
    for m in POLICE_REFERENCE.finditer(text, 0, head_end):
        value = m.group()
        found.setdefault(value, Item(value=value, evidence=ctx.evidence(m.start(), m.end())))
    for line in LINE.finditer(text, 0, head_end):
        start, end = trimmed_span(text, line.start(), line.end())
        if LONE_REFERENCE.fullmatch(text, start, end):
            value = text[start:end]
            found.setdefault(value, Item(value=value, evidence=ctx.evidence(start, end)))
    return list(found.values())


def _head_end(ctx: Context, n: int = HEAD_BLOCKS) -> int:
    blocks = ctx.document.blocks
    return blocks[min(len(blocks), n) - 1].end if blocks else 0

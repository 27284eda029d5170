"""Undertakings: who promises or undertakes what ("Polisen lovar att ...").

Two forms are read, with the verbs and party words of ``vocabulary.toml [commitments]``:

1. A lead-in that names a party and a verb and stops ("Polisen lovar att:", "Kommunen
   ansvarar för:", "Vi lovar att", "Polisen och kommunen lovar gemensamt att"), set as a
   heading, a label, a line of its own, a list item or a table's header cell: each list
   item under it up to the next lead-in (or each cell under it in its column, or each
   line of the paragraph under it) is one undertaking of that party.
2. A sentence that opens with a party and a verb ("Kommunen ansvarar för samordningen.",
   "Polisen lovar att ..."), in a section about roles, responsibilities or promises, or
   anywhere in a medborgarlöfte: the rest of the sentence is the undertaking.

A party is resolved to the kinds of party it stands for: the organisations it names,
the short names ("kommunen", "polisen"), and for "vi" or "parterna" every party of the
document. The medborgarlöfte's promises and the commitments both read these.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import regex

from samverkan_extract.document import HEADING_KINDS, Block
from samverkan_extract.extractors.context import Context, clean_value, trimmed_span
from samverkan_extract.extractors.organisations import find_mentions
from samverkan_extract.knowledge import Knowledge
from samverkan_extract.schema import PartyKind

# A party is a few words: "Polisen", "Polisen och Exby kommun", "Räddningstjänsten Mitt".
_PARTY = r"(?P<party>(?:\p{Lu}[\p{L}-]*|[Vv]i)(?:(?:\s+|\s*,\s*)(?:och|samt|[\p{L}-]+)){0,5}?)"
# A promise's own label before its party: "Löfte 1:", "Åtagande 2 –".
_NUMBERED_LABEL = r"\p{Lu}\p{Ll}+\s+\d{1,2}\s*[:.–-]\s*"
# A clause's number before its party: "5.1 Kommunen ska ...".
_NUMBER = r"\d{1,2}(?:\.\d{1,2})*\.?\s+"
# No list under a lead-in: the short paragraphs under it, each one undertaking, up to
# this many characters each (a longer one is prose about them).
PROMISE_MAX = 250
# An undertaking's text is at least a few words.
MIN_WORDS = 2


@dataclass(frozen=True)
class Undertaking:
    """One undertaking: its party as written and resolved, its text and where they are."""

    party: str
    kinds: tuple[PartyKind, ...]
    start: int  # the undertaking's own words, without the lead-in
    end: int
    lead_start: int  # where its party is named (the lead-in or the sentence)
    heading_start: int | None = None  # the heading it is listed under, if any
    heading_end: int | None = None


def _patterns(kb: Knowledge) -> dict[str, regex.Pattern[str]]:
    c = kb.vocabulary["commitments"]
    verb = "|".join(c["verbs"])
    adverbs = "|".join(c["adverbs"])
    openers = "|".join(c["openers"])
    verbs = rf"(?P<verb>{verb})(?:\s+(?:{adverbs}))*"
    return {
        "lead_in": regex.compile(rf"^\W*{_PARTY}\s+{verbs}(?:\s+(?:{openers}))?\s*:?\s*$"),
        "sentence": regex.compile(
            rf"^\W*(?:{_NUMBER}|{_NUMBERED_LABEL})?{_PARTY}\s+{verbs}\s+(?:(?:{openers})\s+)?"
            r"(?P<rest>\S)"
        ),
        "all": regex.compile(rf"(?i)^(?:{'|'.join(c['all_parties'])})$"),
        "municipality": regex.compile(rf"(?i)\b(?:{'|'.join(c['municipality'])})\b"),
        "police": regex.compile(rf"(?i)\b(?:{'|'.join(c['police'])})\b"),
        "prison_probation": regex.compile(rf"(?i)\b(?:{'|'.join(c['prison_probation'])})\b"),
    }


def find_undertakings(ctx: Context) -> list[Undertaking]:
    """Every undertaking of the document, in order, found once."""
    if "undertakings" not in ctx.memo:
        ctx.memo["undertakings"] = _find(ctx)
    found: list[Undertaking] = ctx.memo["undertakings"]
    return found


def _find(ctx: Context) -> list[Undertaking]:
    pats = ctx.kb.derived("undertaking_patterns", _patterns)
    limit = ctx.signature_zone_start
    blocks = [b for b in ctx.document.blocks if b.end <= limit]
    out: list[Undertaking] = []
    used: set[int] = set()  # blocks read as undertakings of a lead-in
    leads = {i: lead for i, b in enumerate(blocks) if (lead := _lead_in(ctx, b, pats))}
    for i, (party, lead_start) in leads.items():
        kinds = party_kinds(ctx, party)
        if not kinds:
            continue  # "Utifrån lägesbilden lovar ...": no party named
        heading = _heading_above(ctx, blocks, i)
        for start, end, n in _listed_under(ctx, blocks, i, leads.keys()):
            used.add(n)
            out.append(Undertaking(party, kinds, start, end, lead_start, *heading))
    where = _sentence_places(ctx)
    for sent in ctx.sentences(0, limit):
        at = ctx.document.block_at(sent.start_char)
        if at is not None and _index(blocks, at) in used:
            continue
        if not any(s <= sent.start_char < e for s, e in where):
            continue
        m = pats["sentence"].match(sent.text)
        if m is None or _is_role_word(m.group("party")):
            continue
        start, end = trimmed_span(ctx.text, sent.start_char + m.start("rest"), sent.end_char)
        if len(ctx.text[start:end].split()) < MIN_WORDS:
            continue
        party = m.group("party")
        kinds = party_kinds(ctx, party)
        if kinds:
            out.append(Undertaking(party, kinds, start, end, sent.start_char))
    out.sort(key=lambda u: u.start)
    return out


def _index(blocks: list[Block], block: Block) -> int:
    for n, b in enumerate(blocks):
        if b is block or (b.start == block.start and b.end == block.end):
            return n
    return -1


def _lead_in(
    ctx: Context, block: Block, pats: dict[str, regex.Pattern[str]]
) -> tuple[str, int] | None:
    """A block (or its last line) that is a lead-in: the party and where it stands. A
    list item can be one too, when it says nothing more (a scan that read a speck before
    "Polisen och kommunen lovar tillsammans att" as a bullet)."""
    if block.kind not in (*HEADING_KINDS, "paragraph", "table_cell", "list_item"):
        return None
    text = ctx.document.block_text(block)
    last = text.rsplit("\n", 1)[-1]
    offset = block.end - len(last)
    m = pats["lead_in"].match(last)
    if m is None or _is_role_word(m.group("party")):
        return None
    return m.group("party"), offset + m.start("party")


def _listed_under(
    ctx: Context, blocks: list[Block], i: int, leads: Collection[int]
) -> list[tuple[int, int, int]]:
    """The undertakings the lead-in ``blocks[i]`` introduces: (start, end, block index),
    up to the next of the ``leads``."""
    lead = blocks[i]
    if lead.kind == "table_cell" and lead.table is not None:
        return [
            (*_span(ctx, b.start, b.end), n)
            for n, b in enumerate(blocks)
            if b.kind == "table_cell"
            and b.table == lead.table
            and b.col == lead.col
            and (b.row or 0) > (lead.row or 0)
        ]
    out = []
    depth = None
    for n in range(i + 1, len(blocks)):
        b = blocks[n]
        if b.kind == "list_item":
            if n in leads:
                break  # the next party's lead-in, set as an item of the same list
            depth = b.depth if depth is None else depth
            if b.depth == depth:
                out.append((*_span(ctx, b.start, b.end), n))
            continue
        if b.kind != "paragraph" or depth is not None or ctx.document.block_text(b)[-1:] == ":":
            break  # a list has ended, or what follows is not the lead-in's own lines
        # No list: each line of the short paragraphs under the lead-in is one undertaking.
        text = ctx.document.block_text(b)
        if out and (len(text) > PROMISE_MAX or ctx.dates(b.start, b.end)):
            break
        pos = b.start
        for line in text.split("\n"):
            if len(line.split()) >= MIN_WORDS:
                out.append((*_span(ctx, pos, pos + len(line)), n))
            pos += len(line) + 1
        if len(text) > PROMISE_MAX:
            break
    return [(s, e, n) for s, e, n in out if e > s]


def _span(ctx: Context, start: int, end: int) -> tuple[int, int]:
    return trimmed_span(ctx.text, start, end)


def _heading_above(ctx: Context, blocks: list[Block], i: int) -> tuple[int | None, int | None]:
    """The nearest heading above a lead-in that is not itself a lead-in."""
    for n in range(i - 1, -1, -1):
        if blocks[n].kind == "heading":
            return blocks[n].start, blocks[n].end
    return None, None


def _sentence_places(ctx: Context) -> list[tuple[int, int]]:
    """Where a sentence may state an undertaking: the sections about roles and promises,
    the whole of a medborgarlöfte, and the whole of an agreement written as prose, with no
    section a topic names."""
    kind = ctx.values.get("document_type")
    if kind is not None and kind.value == "medborgarlofte":
        return [(0, ctx.signature_zone_start)]
    if not any(s.topic for s in ctx.sections):
        return [(0, ctx.signature_zone_start)]
    return [(s.body_start, s.end) for s in ctx.sections_about("commitments")]


def _is_role_word(party: str) -> bool:
    """ "Det", "Den", "Detta": a sentence about something, not a party's undertaking."""
    return party.split()[0].casefold() in {"det", "den", "detta", "denna", "dessa", "de", "här"}


def party_kinds(ctx: Context, party: str) -> tuple[PartyKind, ...]:
    """The kinds of party a name as written stands for; none when it names no party."""
    pats = ctx.kb.derived("undertaking_patterns", _patterns)
    folded = " ".join(party.split())
    if pats["all"].match(folded):
        parties = ctx.values.get("parties") or []
        kinds = tuple(dict.fromkeys(p.kind for p in parties))
        return kinds or ("municipality", "police")
    found: list[PartyKind] = []
    for kind in ("municipality", "police", "prison_probation"):
        if pats[kind].search(folded):
            found.append(kind)  # type: ignore[arg-type]  # the kinds named above
    start = ctx.text.find(party)
    if start >= 0:
        for mention in find_mentions(ctx, start, start + len(party), others=True):
            if mention.resolved.kind not in found:
                found.append(mention.resolved.kind)
    return tuple(sorted(found, key=_KIND_ORDER.index))


_KIND_ORDER = ["municipality", "police", "prison_probation", "other"]


def undertaking_text(ctx: Context, u: Undertaking) -> str:
    return clean_value(ctx.text[u.start : u.end])

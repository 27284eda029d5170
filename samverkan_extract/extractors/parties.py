"""Parties and the municipalities among them.

A "Parter" section is read entry by entry (name, org number, address, alias). Where the
document has none, the parties are the municipalities and police areas named in its
title and opening paragraphs, and the organisations under its signatures.
"""

from __future__ import annotations

from typing import Any

import regex

from samverkan_extract.document import HEADING_KINDS, after_numbering
from samverkan_extract.extractors.context import Context, clean_value, trimmed_span
from samverkan_extract.extractors.organisations import (
    LOCAL_AREA,
    Mention,
    Resolved,
    find_mentions,
    find_municipalities,
    police_area_in,
)
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.knowledge import knowledge
from samverkan_extract.schema import Municipality, Party

# Patterns used in the functions below, compiled once.
_FINITE_VERB = regex.compile(r"(?i)\b(?:är|ska|har)\b")
_GENITIVE_KOMMUN = regex.compile(r"(?i)(?:kommun|stad)s$")
_LOCAL_AREA_WORD = regex.compile(r"(?i)lokalpolisområde\w*\s")

POLICE = regex.compile(r"(?i)polis|(?<!\w)LPO(?!\w)|lokalpolisområde")
PRISON = regex.compile(r"(?i)kriminalvård|frivård")
# "Överenskommelsen tecknas mellan X och Y", "Parter i denna överenskommelse är X och Y".
PARTY_SENTENCE = regex.compile(
    r"(?i)\b(?:tecknas|tecknad|tecknat|ingås|ingåtts|ingången|sluts|slutits|träffats|träffas)"
    r"\s+(?:\w+\s+){0,2}mellan\b|\bparter(?:na)?\s+(?:i\s+\w+\s+\w+\s+)?är\b"
)
ORG_NUMBER = regex.compile(r"(?<!\d)(\d{6})\s?[-–]?\s?(\d{4})(?!\d)")
ALIAS = regex.compile(
    r"""(?x)
    (?:nedan|hädanefter|i\s+det\s+följande)\s+(?:kallad|kallat|benämnd|benämnt|kallas|benämns)?\s*
        [“”"'«»]?(?P<a>\p{L}[\p{L}-]+(?:\s\p{Lu}[\p{L}-]+)?)[“”"'«»]?
  | [“”"«](?P<b>\p{Lu}[\p{L}-]+(?:\s[\p{L}-]+){0,2})[“”"»]
    """
)
ADDRESS = regex.compile(
    r"(?:(?:Box\s+\d+|\p{Lu}[\p{L}.-]*(?:\s+\p{L}[\p{L}.-]*){0,3}\s+\d+\s?[A-Za-z]?)\s*,?\s*)?"
    r"(?<![\d-])\d{3}\s?\d{2}(?![\d-])\s+\p{Lu}[\p{L}-]+(?:\s\p{Lu}[\p{L}-]+)?"
)
# Where a party's name ends and the facts about it begin.
NAME_END = regex.compile(
    r"(?i),?\s*(?:org(?:anisations)?\.?\s*(?:nr|nummer)|med\s+org|\d{6}\s?-?\s?\d{4})"
    r"|\s+(?:nedan|hädanefter)\s|\s*[(“”\"«]|,\s*(?=(?:Box\s+\d|\p{Lu}[\p{L}.-]*(?:\s+\p{L}+){0,3}\s+\d+))"
)
# A bullet before an entry of a party list written line by line.
ENTRY_BULLET = regex.compile(r"\s*[-–•*]\s*")


@extractor("parties")
def extract_parties(ctx: Context) -> list[Party]:
    parties: list[Party] = []
    for section in ctx.sections_about("parties"):
        parties = _parties_from_section(ctx, section.body_start, section.end)
        if parties:
            break
    if not parties:
        parties = _parties_from_mentions(ctx)
    return _with_police_area(ctx, _dedupe(parties))


def _with_police_area(ctx: Context, parties: list[Party]) -> list[Party]:
    """A police party named without its area ("Polisen") takes the lokalpolisområde the
    document names elsewhere, in a signer's title too ("Chef lokalpolisområde Sydnärke"),
    when it names exactly one; none is invented when it names none or several."""
    if not any(p.kind == "police" and not p.police_area for p in parties):
        return parties
    areas = {(area, region) for _, area, region in police_area_in(ctx, ctx.text)}
    if len({a for a, _ in areas}) != 1:
        return parties
    area, region = next(iter(areas))
    return [
        p.model_copy(update={"police_area": area, "police_region": region})
        if p.kind == "police" and not p.police_area
        else p
        for p in parties
    ]


@extractor("municipalities")
def extract_municipalities(ctx: Context) -> list[Municipality]:
    """The municipalities that are parties, in the reference table's official form."""
    return [
        Municipality(name=info.name, code=info.code, county=info.county, evidence=p.evidence)
        for p in ctx.values["parties"]
        if p.municipality_code and (info := ctx.kb.municipalities.get(p.municipality_code))
    ]


def _parties_from_section(ctx: Context, start: int, end: int) -> list[Party]:
    entries: list[tuple[int, int]] = []
    prose: set[tuple[int, int]] = set()  # entries that are sentences of a long paragraph
    blocks = ctx.blocks_between(start, end)
    items = [b for b in blocks if b.kind in ("list_item", "table_cell")]
    if items:
        entries = [(b.start, b.end) for b in items if b.kind == "list_item"] or _table_rows(
            ctx, items
        )
    else:
        for b in blocks:
            if b.kind != "paragraph":
                continue
            pos = b.start
            for line in ctx.text[b.start : b.end].split("\n"):
                if len(line) <= 150:
                    entries.append((pos, pos + len(line)))
                else:  # prose: a sentence at a time
                    sentences = [
                        (max(pos, s.start_char), min(pos + len(line), s.end_char))
                        for s in ctx.sentences(pos, pos + len(line))
                    ]
                    entries += sentences
                    prose.update(sentences)
                pos += len(line) + 1
    prose = {part for s, e in prose for part in _affirmed(ctx, s, e)}
    entries = [part for s, e in entries for part in _affirmed(ctx, s, e)]
    # the sentence that says who the agreement is between names them all
    for s, e in entries:
        if PARTY_SENTENCE.search(ctx.text, s, e):
            mentions = find_mentions(ctx, s, e, others=True)
            if len(mentions) > 1:
                return _parties_from(ctx, mentions, e)
    sentence = ctx.kb.pattern("parties", "sentence")
    found: list[tuple[bool, list[Party]]] = []
    for s, e in entries:
        mentions = find_mentions(ctx, s, e, others=True)
        if len(mentions) > 1 or (mentions and sentence.search(ctx.text, s, e)):
            found.append(((s, e) in prose, _parties_from(ctx, mentions, e)))
        elif party := _party_from_entry(ctx, s, e, mentions[0].resolved if mentions else None):
            found.append(((s, e) in prose, [party]))
    # Entries that name the parties line by line say who they are; a sentence of prose
    # beside them tells about them ("hör Finspång till lokalpolisområde Norrköping, som
    # även omfattar Norrköpings kommun").
    listed = sum(len(ps) for in_prose, ps in found if not in_prose) >= 2
    parties = [p for in_prose, ps in found if not (listed and in_prose) for p in ps]
    if not parties and blocks:
        parties = _parties_in_prose(ctx, blocks[0].start, blocks[-1].end)
    return parties


def _affirmed(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """An entry without its sentences that say someone is *not* a party ("Hylte kommun
    har en egen överenskommelse och är inte part i denna")."""
    negated = ctx.kb.pattern("parties", "not_a_party")
    if not negated.search(ctx.text, start, end):
        return [(start, end)]
    return [
        (max(start, s.start_char), min(end, s.end_char))
        for s in ctx.sentences(start, end)
        if not negated.search(ctx.text, max(start, s.start_char), min(end, s.end_char))
    ]


TABLE_HEADER = regex.compile(
    r"(?i)^(?:parter?|part|namn|organisation\w*|org\.?\s*nr|adress|roll|benämning|kontakt\w*)$"
)


def _table_rows(ctx: Context, cells: Any) -> list[tuple[int, int]]:
    """One entry per table row; a header row ("Part | Organisationsnummer") is skipped."""
    rows: dict[tuple[int | None, int | None], list[int]] = {}
    for c in cells:
        if c.row == 0 and TABLE_HEADER.match(ctx.document.block_text(c).strip()):
            continue
        rows.setdefault((c.table, c.row), [c.start, c.end])[1] = c.end
    return [(s, e) for s, e in rows.values()]


def _party_from_entry(
    ctx: Context, start: int, end: int, resolved: Resolved | None
) -> Party | None:
    text = ctx.text
    start = after_numbering(text, start, end)
    if bullet := ENTRY_BULLET.match(text, start, end):
        start = bullet.end()
    start, end = trimmed_span(text, start, end)
    entry = text[start:end]
    if not entry or len(entry) > 400:
        return None
    if len(entry.split()) > 12 and not ORG_NUMBER.search(entry):
        return None  # prose, not an entry
    resolved = resolved or _resolve(ctx, entry)
    if resolved is None:
        return None
    name_end = NAME_END.search(entry)
    name_stop = start + (name_end.start() if name_end else len(entry))
    name = clean_value(text[start:name_stop])
    if not name:
        return None
    org = _org_number(entry)
    address = ADDRESS.search(entry, name_end.start() if name_end else len(entry))
    alias = ALIAS.search(entry)
    return Party(
        name=name,
        kind=resolved.kind,
        municipality_code=resolved.municipality.code if resolved.municipality else None,
        police_area=resolved.area,
        police_region=resolved.region,
        org_number=org,
        address=clean_value(address.group()) if address else None,
        alias=clean_value(alias.group("a") or alias.group("b")) if alias else None,
        evidence=ctx.evidence(start, end),
    )


def _resolve(ctx: Context, entry: str) -> Resolved | None:
    if PRISON.search(entry) and not _starts_with_municipality(entry):
        return Resolved("prison_probation")
    if POLICE.search(entry) and not _starts_with_municipality(entry):
        areas = list(police_area_in(ctx, entry))
        if areas:
            _, area, region = areas[0]
            return Resolved("police", area=area, region=region)
        return Resolved("police")
    found = next(find_municipalities(entry), None)
    if found is not None:
        return Resolved("municipality", municipality=found.info)
    if (
        ctx.kb.pattern("signatures", "org_words").search(entry)
        and not entry.endswith(":")
        and not _FINITE_VERB.search(entry)
    ):
        return Resolved("other")
    return None


def _starts_with_municipality(entry: str) -> bool:
    found = next(find_municipalities(entry), None)
    return found is not None and found.start == 0


def _org_number(entry: str) -> str | None:
    for m in ORG_NUMBER.finditer(entry):
        digits = m.group(1) + m.group(2)
        if luhn_valid(digits):
            return f"{m.group(1)}-{m.group(2)}"
    return None


def luhn_valid(digits: str) -> bool:
    """The Luhn check that Swedish organisation numbers carry in their last digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _parties_in_prose(ctx: Context, start: int, end: int) -> list[Party]:
    """Parties named in running text: municipalities, police areas, Kriminalvården; not
    in a sentence that says someone is not a party."""
    mentions = [
        m for s, e in _affirmed(ctx, start, end) for m in find_mentions(ctx, s, e, others=False)
    ]
    return _parties_from(ctx, mentions, end)


def _parties_from(ctx: Context, mentions: list[Mention], end: int) -> list[Party]:
    """A party per mention; the text up to the next mention may give its org number and
    the short name it is called by."""
    text = ctx.text
    parties = []
    for i, m in enumerate(mentions):
        tail_end = mentions[i + 1].start if i + 1 < len(mentions) else end
        tail = text[m.end : tail_end]
        alias = ALIAS.search(tail)
        r = m.resolved
        parties.append(
            Party(
                name=_prose_name(text[m.start : m.end], r),
                kind=r.kind,
                municipality_code=r.municipality.code if r.municipality else None,
                police_area=r.area,
                police_region=r.region,
                org_number=_org_number(tail[:80]),
                alias=clean_value(alias.group("a") or alias.group("b")) if alias else None,
                evidence=ctx.evidence(m.start, m.end),
            )
        )
    return parties


def _prose_name(written: str, resolved: Resolved) -> str:
    written = clean_value(written)
    if resolved.municipality and _GENITIVE_KOMMUN.search(written):
        return written[:-1]  # a genitive ("... kommuns lokala råd") names the kommun
    if resolved.kind == "police" and resolved.area and not LOCAL_AREA.search(written):
        return f"Lokalpolisområde {resolved.area}"
    if resolved.kind == "police" and _LOCAL_AREA_WORD.match(written):
        return f"Lokalpolisområde {resolved.area}" if resolved.area else written
    return written


def _parties_from_mentions(ctx: Context) -> list[Party]:
    """No party list: a sentence that says who the agreement is between, else the title,
    the opening paragraphs and the organisations under the signatures. A later opening
    paragraph adds only kinds of party not yet named: "Nynäshamns kommun, som ingår i
    samma lokalpolisområde, har tagit fram egna medborgarlöften" names a neighbour."""
    for sent in ctx.sentences(0, ctx.signature_zone_start):
        if PARTY_SENTENCE.search(sent.text):
            mentions = find_mentions(ctx, sent.start_char, sent.end_char, others=True)
            if len(mentions) > 1:
                return _parties_from(ctx, mentions, sent.end_char)
    blocks = [b for b in ctx.document.blocks if b.kind not in ("header", "footer")]
    head = [b for b in blocks[:12] if b.kind in HEADING_KINDS][:2]
    paragraphs = [b for b in blocks if b.kind == "paragraph"][:3]
    parties: list[Party] = []
    for b in head:
        parties += _parties_in_prose(ctx, b.start, b.end)
    opening: list[Party] = []
    for b in paragraphs:
        have = {p.kind for p in opening}
        opening += [p for p in _parties_in_prose(ctx, b.start, b.end) if p.kind not in have]
    parties += opening
    zone = ctx.signature_zone_start
    if zone < len(ctx.text):
        signed = _parties_in_prose(ctx, zone, ctx.signature_zone[1])
        have = {p.kind for p in parties}
        parties += [p for p in signed if p.kind not in have or p.kind == "municipality"]
    if not parties:
        parties = _parties_in_prose(ctx, 0, len(ctx.text))[:1]
    return parties


def _dedupe(parties: list[Party]) -> list[Party]:
    seen: set[tuple[str, str]] = set()
    out = []
    police_with_area = any(p.kind == "police" and p.police_area for p in parties)
    districts = {a.district.casefold() for a in knowledge().police_areas}
    local = any(
        p.kind == "police" and p.police_area and p.police_area.casefold() not in districts
        for p in parties
    )
    for p in parties:
        if p.kind == "police" and not p.police_area and police_with_area:
            continue
        if p.kind == "police" and local and (p.police_area or "").casefold() in districts:
            continue  # "tillhör polisområde X": the lokalpolisområde is the party
        key = (p.kind, p.municipality_code or p.police_area or p.name.casefold())
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out

"""Parties and the municipalities among them.

A "Parter" section is read entry by entry (name, org number, address, alias). Where the
document has none, the parties are the municipalities and police areas named in its
title and opening paragraphs, and the organisations under its signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from samverkan_extract.extractors.context import Context, clean_value, trimmed_span
from samverkan_extract.knowledge import MunicipalityInfo, knowledge
from samverkan_extract.schema import Municipality, Party

POLICE = regex.compile(r"(?i)polis|(?<!\w)LPO(?!\w)|lokalpolisområde")
PRISON = regex.compile(r"(?i)kriminalvård|frivård")
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
NUMBERING = regex.compile(r"^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-–•*])\s*")
AREA_PREFIX = (
    r"(?:lokalpolisområde(?:t|ts|s)?|LPO|lokalpolisområdeschef(?:en)?(?:\s+för)?|"
    r"polisområde(?:t)?|chef\s+(?:för\s+)?(?:LPO|lokalpolisområde(?:t)?))"
)
GENERIC_AREA = (
    r"(?!(?i:lokalpolis|polis|LPO\b|kommun|region))"
    r"(?:(?:Mitt|Norra|Södra|Östra|Västra|Nordöstra|Nordvästra|Sydöstra|Sydvästra|Inre|Yttre|Centrala)\s+)?"
    r"\p{Lu}[\p{L}-]+s?(?:\s*/\s*\p{Lu}[\p{L}-]+)?"
    r"(?:\s+(?:Norr|Syd|Söder|Öst|Öster|Väst|Väster|Nord|Centrum|City|Inre|Yttre))?"
)


PRISON_NAME = regex.compile(
    r"Kriminalvården(?:\s*,?\s*(?:frivården|anstalten|häktet|frivårdskontor(?:et)?|region)"
    r"\s+\p{Lu}[\p{L}-]+|\s+(?:Region\s+)?\p{Lu}[\p{L}-]+)*"
)
POLICE_NAME = regex.compile(
    r"(?<![\w-])(?:Polismyndigheten|Polisen|Polisregion\s+\p{Lu}[\p{L}-]+)(?![\w-])"
)
# What may stand between two mentions of one police party ("Polismyndigheten genom
# lokalpolisområde Gävle", "Polisområde Värmland, lokalpolisområde Karlstad").
POLICE_LINK = regex.compile(r"(?i)\s*(?:,|–|-|genom|via|i|inom|för)?\s*(?:,\s*)?")
LOCAL_AREA = regex.compile(r"(?i)lokalpolis|LPO")
# "Överenskommelsen tecknas mellan X och Y", "Parter i denna överenskommelse är X och Y".
PARTY_SENTENCE = regex.compile(
    r"(?i)\b(?:tecknas|tecknad|tecknat|ingås|ingåtts|ingången|sluts|slutits|träffats|träffas)"
    r"\s+(?:\w+\s+){0,2}mellan\b|\bparter(?:na)?\s+(?:i\s+\w+\s+\w+\s+)?är\b"
)
QUOTES = "“”\"'«»„"
# What stands before a name that is no party of its own: a short name being given, or
# the post code of an address.
NOT_A_PARTY_BEFORE = regex.compile(
    r"(?i)(?:\b(?:nedan|hädanefter)\s+(?:kallad|kallat|benämnd|benämnt|kallas|benämns)?"
    r"|\b\d{3}\s?\d{2})\s*$"
)


@dataclass
class Resolved:
    kind: str
    municipality: MunicipalityInfo | None = None
    area: str | None = None
    region: str | None = None


@cache
def _municipality_pattern() -> regex.Pattern[str]:
    forms = [regex.escape(f) for f, _ in knowledge().municipality_forms()]
    return regex.compile(r"(?<![\w-])(?:" + "|".join(forms) + r")s?(?![\w-])", regex.I)


@cache
def _police_pattern() -> regex.Pattern[str]:
    known = "|".join(regex.escape(f) for f, _ in knowledge().area_names())
    area = rf"(?P<area>(?:{known})s?(?![\p{{L}}])|{GENERIC_AREA})"
    before = (
        rf"(?P<gen>(?:{known})s?|\p{{Lu}}[\p{{L}}-]+s)[ \t]+lokalpolisområde(?:t)?(?![\p{{L}}])"
    )
    return regex.compile(rf"(?<![\w]){AREA_PREFIX}[ \t]+{area}|{before}", regex.I)


def find_municipalities(text: str, start: int = 0, end: int | None = None):  # type: ignore[no-untyped-def]
    """Municipality mentions: (match, MunicipalityInfo)."""
    forms = _forms_by_casefold()
    for m in _municipality_pattern().finditer(text, start, len(text) if end is None else end):
        written = m.group()
        info = forms.get(written.casefold()) or forms.get(written[:-1].casefold())
        if info is not None and _has_capital(written):
            yield m, info


@cache
def _forms_by_casefold() -> dict[str, MunicipalityInfo]:
    return {f.casefold(): m for f, m in knowledge().municipality_forms()}


def _has_capital(written: str) -> bool:
    return written[:1].isupper()


def police_area_in(ctx: Context, text: str, start: int = 0, end: int | None = None):  # type: ignore[no-untyped-def]
    """Police-area mentions: (match, area name as the table has it, region or None)."""
    end = len(text) if end is None else end
    for m in _police_pattern().finditer(text, start, end):
        written = m.group("area") or m.group("gen")
        if not written or not written[0].isupper():
            continue
        area, region = resolve_area(ctx, written)
        if area:
            yield m, area, region


def resolve_area(ctx: Context, written: str) -> tuple[str | None, str | None]:
    kb = ctx.kb
    written = clean_value(written)
    for candidate in (written, written[:-1] if written.endswith("s") else None):
        if candidate:
            found = kb.find_police_area(candidate)
            if found:
                return found.area, found.region
    stripped = written[:-1] if written.endswith("s") else written
    if written.endswith("s") and kb.municipality_by_short_name(stripped):
        written = stripped
    if written.casefold() in {"polisen", "polismyndigheten", "region"}:
        return None, None
    ctx.warnings.append(f"police area {written!r} is not in the reference table")
    return written, None


@dataclass
class Mention:
    """One organisation named in running text; several police mentions may make one party."""

    start: int
    end: int
    resolved: Resolved
    local: bool = False  # a lokalpolisområde, not a polisområde or the whole police


@cache
def _other_organisations() -> regex.Pattern[str]:
    heads = "|".join(knowledge().vocabulary["parties"]["other_organisations"])
    return regex.compile(rf"(?<![\w-])(?:{heads})(?:\s+\p{{Lu}}[\p{{L}}-]+){{0,3}}")


def find_mentions(ctx: Context, start: int, end: int, *, others: bool) -> list[Mention]:
    """The organisations a stretch of text names, in order, one per party: municipalities,
    police (an area's mentions joined), Kriminalvården and, with ``others``, the
    organisations of the vocabulary."""
    text = ctx.text
    raw: list[Mention] = []
    for m, info in find_municipalities(text, start, end):
        raw.append(Mention(m.start(), m.end(), Resolved("municipality", municipality=info)))
    for m, area, region in police_area_in(ctx, text, start, end):
        s, e = trimmed_span(text, m.start(), m.end())
        local = LOCAL_AREA.search(text, s, e) is not None
        raw.append(Mention(s, e, Resolved("police", area=area, region=region), local))
    for m in POLICE_NAME.finditer(text, start, end):
        raw.append(Mention(m.start(), m.end(), Resolved("police")))
    for m in PRISON_NAME.finditer(text, start, end):
        raw.append(Mention(m.start(), m.end(), Resolved("prison_probation")))
    if others:
        for m in _other_organisations().finditer(text, start, end):
            raw.append(Mention(m.start(), m.end(), Resolved("other")))
    raw.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for mention in raw:
        if kept and mention.start < kept[-1].end:
            continue
        if text[mention.start - 1 : mention.start] in QUOTES:
            continue  # a short name being defined: «"Kriminalvården"»
        if NOT_A_PARTY_BEFORE.search(text, max(0, mention.start - 30), mention.start):
            continue  # "nedan kallad Kriminalvården", "651 84 Karlstad"
        prev = kept[-1] if kept else None
        if (
            prev is not None
            and prev.resolved.kind == mention.resolved.kind == "police"
            and POLICE_LINK.fullmatch(text, prev.end, mention.start)
        ):
            kept[-1] = _join_police(prev, mention)
            continue
        kept.append(mention)
    return kept


def _join_police(a: Mention, b: Mention) -> Mention:
    """One police party: its area is the lokalpolisområde where one is named."""
    best = max((a, b), key=lambda m: (m.resolved.area is not None, m.local))
    return Mention(a.start, b.end, best.resolved, best.local)


def extract_parties(ctx: Context) -> tuple[list[Party], list[Municipality]]:
    parties: list[Party] = []
    for section in ctx.sections_about("parties"):
        parties = _parties_from_section(ctx, section.body_start, section.end)
        if parties:
            break
    if not parties:
        parties = _parties_from_mentions(ctx)
    parties = _dedupe(parties)
    municipalities = [
        Municipality(name=info.name, code=info.code, county=info.county, evidence=p.evidence)
        for p in parties
        if p.municipality_code and (info := ctx.kb.municipalities.get(p.municipality_code))
    ]
    return parties, municipalities


def _parties_from_section(ctx: Context, start: int, end: int) -> list[Party]:
    entries: list[tuple[int, int]] = []
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
                    entries += [
                        (max(pos, s.start_char), min(pos + len(line), s.end_char))
                        for s in ctx.sentences(pos, pos + len(line))
                    ]
                pos += len(line) + 1
    # the sentence that says who the agreement is between names them all
    for s, e in entries:
        if PARTY_SENTENCE.search(ctx.text, s, e):
            mentions = find_mentions(ctx, s, e, others=True)
            if len(mentions) > 1:
                return _parties_from(ctx, mentions, e)
    parties = []
    sentence = ctx.kb.pattern("parties", "sentence")
    for s, e in entries:
        mentions = find_mentions(ctx, s, e, others=True)
        if len(mentions) > 1 or (mentions and sentence.search(ctx.text, s, e)):
            parties += _parties_from(ctx, mentions, e)
        elif party := _party_from_entry(ctx, s, e, mentions[0].resolved if mentions else None):
            parties.append(party)
    if not parties and blocks:
        parties = _parties_in_prose(ctx, blocks[0].start, blocks[-1].end)
    return parties


TABLE_HEADER = regex.compile(
    r"(?i)^(?:parter?|part|namn|organisation\w*|org\.?\s*nr|adress|roll|benämning|kontakt\w*)$"
)


def _table_rows(ctx: Context, cells) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
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
    lead = NUMBERING.match(text, start, end)
    if lead:
        start = lead.end()
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
        kind=resolved.kind,  # type: ignore[arg-type]
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
        return Resolved("municipality", municipality=found[1])
    if (
        ctx.kb.pattern("signatures", "org_words").search(entry)
        and not entry.endswith(":")
        and not regex.search(r"(?i)\b(?:är|ska|har)\b", entry)
    ):
        return Resolved("other")
    return None


def _starts_with_municipality(entry: str) -> bool:
    found = next(find_municipalities(entry), None)
    return found is not None and found[0].start() == 0


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
    """Parties named in running text: municipalities, police areas, Kriminalvården."""
    return _parties_from(ctx, find_mentions(ctx, start, end, others=False), end)


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
                kind=r.kind,  # type: ignore[arg-type]
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
    if resolved.municipality and regex.search(r"(?i)(?:kommun|stad)s$", written):
        return written[:-1]  # a genitive ("... kommuns lokala råd") names the kommun
    if resolved.kind == "police" and resolved.area and not LOCAL_AREA.search(written):
        return f"Lokalpolisområde {resolved.area}"
    if resolved.kind == "police" and regex.match(r"(?i)lokalpolisområde\w*\s", written):
        return f"Lokalpolisområde {resolved.area}" if resolved.area else written
    return written


def _parties_from_mentions(ctx: Context) -> list[Party]:
    """No party list: a sentence that says who the agreement is between, else the title,
    the opening paragraphs and the organisations under the signatures."""
    for sent in ctx.sentences(0, ctx.signature_zone_start):
        if PARTY_SENTENCE.search(sent.text):
            mentions = find_mentions(ctx, sent.start_char, sent.end_char, others=True)
            if len(mentions) > 1:
                return _parties_from(ctx, mentions, sent.end_char)
    blocks = [b for b in ctx.document.blocks if b.kind not in ("header", "footer")]
    head = [b for b in blocks[:12] if b.kind == "heading"][:2]
    paragraphs = [b for b in blocks if b.kind == "paragraph"][:3]
    parties: list[Party] = []
    for b in head + paragraphs:
        parties += _parties_in_prose(ctx, b.start, b.end)
    zone = ctx.signature_zone_start
    if zone < len(ctx.text):
        signed = _parties_in_prose(ctx, zone, len(ctx.text))
        have = {p.kind for p in parties}
        parties += [p for p in signed if p.kind not in have or p.kind == "municipality"]
    if not parties:
        parties = _parties_in_prose(ctx, 0, len(ctx.text))[:1]
    return parties


def _dedupe(parties: list[Party]) -> list[Party]:
    seen: set[tuple[str, str]] = set()
    out = []
    police_with_area = any(p.kind == "police" and p.police_area for p in parties)
    for p in parties:
        if p.kind == "police" and not p.police_area and police_with_area:
            continue
        key = (p.kind, p.municipality_code or p.police_area or p.name.casefold())
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out

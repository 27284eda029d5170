"""Organisations named in running text: municipalities, police areas, Kriminalvården.

Every written form of the 290 municipalities (names, genitives, "X stad"), the police
areas of ``data/police_areas.csv`` after "lokalpolisområde"/"LPO" (or an area the table
does not know, kept as written with a warning), "Polisen"/"Polismyndigheten",
Kriminalvården with its units, and the other organisations of the vocabulary. Mentions
of one police party (the authority named, then its lokalpolisområde) are joined into one.
Parties, forums and commitments all read these mentions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, NamedTuple

import regex

from samverkan_extract.extractors.context import Context, clean_value, trimmed_span
from samverkan_extract.knowledge import Knowledge, MunicipalityInfo, knowledge
from samverkan_extract.schema import PartyKind

AREA_PREFIX = (
    r"(?:lokalpolisområde(?:t|ts|s)?|LPO|lokalpolisområdeschef(?:en)?(?:\s+för)?|"
    r"polisområde(?:t)?|chef\s+(?:för\s+)?(?:LPO|lokalpolisområde(?:t)?))"
)
# A direction after an area's name: "Hälsingland Västra", "Stockholm Norra".
DIRECTION = r"(?:Norra|Södra|Östra|Västra)"
GENERIC_AREA = (
    r"(?!(?i:lokalpolis|polis|LPO\b|kommun|region))"
    r"(?:(?:Mitt|Norra|Södra|Östra|Västra|Nordöstra|Nordvästra|Sydöstra|Sydvästra|Inre|Yttre|Centrala)\s+)?"
    r"\p{Lu}[\p{L}-]+s?(?:\s*/\s*\p{Lu}[\p{L}-]+)?"
    r"(?:\s+(?:Norr|Syd|Söder|Öst|Öster|Väst|Väster|Nord|Norra|Södra|Östra|Västra|Centrum|City|Inre|Yttre))?"
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
QUOTES = "“”\"'«»„"
# What stands before a name that is no party of its own: a short name being given, or
# the post code of an address.
NOT_A_PARTY_BEFORE = regex.compile(
    r"(?i)(?:\b(?:nedan|hädanefter)\s+(?:kallad|kallat|benämnd|benämnt|kallas|benämns)?"
    r"|\b\d{3}\s?\d{2})\s*$"
)


@dataclass
class Resolved:
    kind: PartyKind
    municipality: MunicipalityInfo | None = None
    area: str | None = None
    region: str | None = None


def _police_pattern() -> regex.Pattern[str]:
    return knowledge().derived("police_pattern", _build_police_pattern)


def _build_police_pattern(kb: Knowledge) -> regex.Pattern[str]:
    known = "|".join(regex.escape(f) for f, _ in kb.area_names())
    area = rf"(?P<area>(?:{known})s?(?:[ \t]+{DIRECTION})?(?![\p{{L}}])|{GENERIC_AREA})"
    before = (
        rf"(?P<gen>(?:{known})s?|\p{{Lu}}[\p{{L}}-]+s)[ \t]+lokalpolisområde(?:t)?(?![\p{{L}}])"
    )
    return regex.compile(rf"(?<![\w]){AREA_PREFIX}[ \t]+{area}|{before}", regex.I)


class Found(NamedTuple):
    """A municipality named in the text: where, and which."""

    start: int
    end: int
    info: MunicipalityInfo


# A word as municipality names are made of: letters and hyphens ("Malung-Sälen").
_NAME_WORD = regex.compile(r"(?<![\w-])\p{L}[\p{L}-]*")
# The most words a written form has ("Upplands Väsby kommun").
_MOST_WORDS = 3


def find_municipalities(text: str, start: int = 0, end: int | None = None) -> Iterator[Found]:
    """Municipality mentions, longest form first where several start at one word: a run
    of one to three words set apart by single spaces, read with or without a genitive
    "s", looked up case-insensitively among every written form (one dictionary, no
    pattern of 1,125 alternatives to compile); written with a capital."""
    forms = _forms_by_casefold()
    stop = len(text) if end is None else end
    words = [(m.start(), m.end()) for m in _NAME_WORD.finditer(text, start, stop)]
    i = 0
    while i < len(words):
        found = _form_at(text, stop, words, i, forms)
        if found is None:
            i += 1
            continue
        yield found
        while i < len(words) and words[i][0] < found.end:
            i += 1


def _form_at(
    text: str, stop: int, words: list[tuple[int, int]], i: int, forms: dict[str, MunicipalityInfo]
) -> Found | None:
    s = words[i][0]
    if not _has_capital(text[s]):
        return None
    last = i
    while last + 1 < len(words) and last - i + 1 < _MOST_WORDS:
        gap_at = words[last][1]
        if words[last + 1][0] != gap_at + 1 or text[gap_at] != " ":
            break
        last += 1
    for k in range(last, i - 1, -1):
        e = words[k][1]
        if e < stop and (text[e].isalnum() or text[e] == "_"):
            continue  # a word running into digits is no name ("Lund2")
        written = text[s:e].casefold()
        info = forms.get(written) or (forms.get(written[:-1]) if written.endswith("s") else None)
        if info is not None:
            return Found(s, e, info)
    return None


def _forms_by_casefold() -> dict[str, MunicipalityInfo]:
    return knowledge().derived("forms_by_casefold", _build_forms_by_casefold)


def _build_forms_by_casefold(kb: Knowledge) -> dict[str, MunicipalityInfo]:
    return {f.casefold(): m for f, m in kb.municipality_forms()}


def _has_capital(written: str) -> bool:
    return written[:1].isupper()


# "<Name>(s) kommun": where a municipality is named, spelt right or not.
_KOMMUN = regex.compile(
    r"(?<![\w-])(?P<name>\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)?)(?=[ \t]+kommun\b)"
)
# How alike a misspelt name must be to the one it is read as (difflib's ratio).
CLOSE_NAME = 0.88


def misspelt_municipalities(
    ctx: Context, start: int, end: int
) -> Iterator[tuple[int, int, MunicipalityInfo]]:
    """ "Kristinhamns kommun": a name no municipality has, read as the one it is closest
    to when exactly one is that close, with a warning naming both."""
    known = _forms_by_casefold()
    for m in _KOMMUN.finditer(ctx.text, start, end):
        written = m.group("name")
        if written.casefold() in known or f"{written} kommun".casefold() in known:
            continue
        info = _closest_municipality(ctx.kb, written)
        if info is not None:
            warning = f"municipality {written!r} is not in the reference table; read as {info.name}"
            if warning not in ctx.warnings:
                ctx.warnings.append(warning)
            yield m.start(), m.end() + len(" kommun"), info


def _closest_municipality(kb: Knowledge, written: str) -> MunicipalityInfo | None:
    folded = written.casefold()
    scores: dict[str, tuple[float, MunicipalityInfo]] = {}
    for info in kb.municipalities.values():
        for form in (info.short_name, info.genitive):
            ratio = SequenceMatcher(None, folded, form.casefold()).ratio()
            if ratio > scores.get(info.code, (0.0, info))[0]:
                scores[info.code] = (ratio, info)
    ranked = sorted(scores.values(), key=lambda s: -s[0])
    if ranked and ranked[0][0] >= CLOSE_NAME and (len(ranked) < 2 or ranked[1][0] < CLOSE_NAME):
        return ranked[0][1]
    return None


def police_area_in(ctx: Context, text: str, start: int = 0, end: int | None = None) -> Any:
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
                # the table's spelling of the same name; another name ("Sydnärke" for
                # the table's "Hallsberg") is kept as the document writes it
                same = _letters(candidate) == _letters(found.area)
                return (found.area if same else candidate), found.region
    stripped = written[:-1] if written.endswith("s") else written
    if written.endswith("s") and kb.municipality_by_short_name(stripped):
        written = stripped
    if written.casefold() in {"polisen", "polismyndigheten", "region"}:
        return None, None
    ctx.warnings.append(f"police area {written!r} is not in the reference table")
    return written, None


def _letters(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalpha())


@dataclass
class Mention:
    """One organisation named in running text; several police mentions may make one party."""

    start: int
    end: int
    resolved: Resolved
    local: bool = False  # a lokalpolisområde, not a polisområde or the whole police


def _other_organisations() -> regex.Pattern[str]:
    return knowledge().derived("other_organisations", _build_other_organisations)


def _build_other_organisations(kb: Knowledge) -> regex.Pattern[str]:
    heads = "|".join(kb.vocabulary["parties"]["other_organisations"])
    return regex.compile(rf"(?<![\w-])(?:{heads})(?:\s+\p{{Lu}}[\p{{L}}-]+){{0,3}}")


def find_mentions(ctx: Context, start: int, end: int, *, others: bool) -> list[Mention]:
    """The organisations a stretch of text names, in order, one per party: municipalities,
    police (an area's mentions joined), Kriminalvården and, with ``others``, the
    organisations of the vocabulary."""
    text = ctx.text
    raw: list[Mention] = []
    for found in find_municipalities(text, start, end):
        raw.append(Mention(found.start, found.end, Resolved("municipality", found.info)))
    for s, e, info in misspelt_municipalities(ctx, start, end):
        raw.append(Mention(s, e, Resolved("municipality", municipality=info)))
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
        if mention.start and text[mention.start - 1] in QUOTES:
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

"""Forums and standing methods, with how often they meet."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from samverkan_extract.dates import lookup_word, number_word
from samverkan_extract.extractors.context import Context, clean_value, trimmed_span
from samverkan_extract.schema import Forum

# Block kinds in which a document names a forum as such (a heading, a list entry).
NAMING_BLOCKS = ("heading", "list_item", "table_cell")
# A heading or list entry longer than this is prose; the forum is named by its match.
NAME_MAX = 90
# A sentence that opens with a name and "är": "Krogsamverkan Lund är ett forum för ...".
INTRODUCED_NAME = regex.compile(
    r"\s*(?P<name>\p{Lu}[\p{L}\-–]*(?:\s+(?:\p{Lu}[\p{L}\-–]*|och|för|i|mot)){0,4}?)\s+är\s+"
)

UNITS = {
    "vecka": 52,
    "veckan": 52,
    "månad": 12,
    "månaden": 12,
    "kvartal": 4,
    "kvartalet": 4,
    "termin": 2,
    "terminen": 2,
    "halvår": 2,
    "halvåret": 2,
    "år": 1,
    "året": 1,
}
_N = r"(?:\d+|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv)"
_UNIT = r"(?:veckan?|månad(?:en)?|kvartal(?:et)?|termin(?:en)?|halvår(?:et)?|år(?:et)?)"
_TAIL = r"(?:\s+(?:samt|och|eller)\s+(?:vid|när|då|efter|om|därutöver)\b[^.,;:\n]*)?"
FREQUENCY = regex.compile(
    rf"""(?ix)
    (?P<count>{_N})\s+gång(?:er)?\s+(?:per|i|om|varje|under\s+ett|/)\s*(?P<unit>{_UNIT}){_TAIL}
  | (?P<every>varje|var|varannan|vartannat|varannat|vart\s+annat)\s+(?P<unit2>vecka|månad|kvartal|termin|halvår|år)\w*{_TAIL}
  | (?P<adverb>veckovis|månatligen|månadsvis|kvartalsvis|årligen|dagligen){_TAIL}
    """
)
ADVERBS = {
    "veckovis": 52,
    "månatligen": 12,
    "månadsvis": 12,
    "kvartalsvis": 4,
    "årligen": 1,
    "dagligen": 365,
}


@dataclass
class Mention:
    type: str
    start: int
    end: int
    named: bool  # the document names it in a heading or list entry
    implies: tuple[str, ...]


def find_forum_mentions(ctx: Context, start: int = 0, end: int | None = None) -> list[Mention]:
    """Every forum term in the text, longest match first where terms overlap."""
    end = len(ctx.text) if end is None else end
    raw = []
    for term in ctx.kb.forums:
        for m in term.pattern.finditer(ctx.text, start, end):
            if m.end() == m.start():
                continue
            block = ctx.document.block_at(m.start())
            named = block is not None and block.kind in NAMING_BLOCKS
            if term.weak and not named:
                continue
            if term.id == "local_crime_prevention_council" and _national_bra(ctx.text, m):
                continue
            raw.append(Mention(term.id, m.start(), m.end(), named, term.implies))
    raw.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for mention in raw:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _national_bra(text: str, m: regex.Match[str]) -> bool:
    """ "Brå" is also the national council: "Brå:s rapport", "enligt Brå"."""
    after = text[m.end() : m.end() + 3]
    before = text[max(0, m.start() - 10) : m.start()].lower()
    return after.startswith((":s", "s ")) or before.rstrip().endswith(("enligt", "från"))


def extract_forums(ctx: Context) -> list[Forum]:
    limit = ctx.signature_zone_start
    forums: dict[str, Forum] = {}
    for mention in find_forum_mentions(ctx, 0, limit):
        name, ev_start, ev_end = _name(ctx, mention)
        key = mention.type
        if key not in forums:
            forums[key] = Forum(
                name=name,
                type=mention.type,  # type: ignore[arg-type]
                evidence=ctx.evidence(ev_start, ev_end),
            )
        elif mention.named and not _is_named(ctx, forums[key]):
            forums[key] = forums[key].model_copy(
                update={"name": name, "evidence": ctx.evidence(ev_start, ev_end)}
            )
    for forum in _other_forums(ctx):
        forums.setdefault(f"other:{forum.name.casefold()}", forum)
    _add_frequencies(ctx, forums)
    return list(forums.values())


def _is_named(ctx: Context, forum: Forum) -> bool:
    block = ctx.document.block_at(forum.evidence.start)
    return block is not None and block.kind in NAMING_BLOCKS


def _name(ctx: Context, mention: Mention) -> tuple[str, int, int]:
    """The forum's name as written: the whole heading or entry, or the term itself with
    the parenthesis that spells it out ("EST (Effektiv samordning för trygghet)")."""
    text = ctx.text
    block = ctx.document.block_at(mention.start)
    if mention.named and block is not None and block.end - block.start <= NAME_MAX:
        start, end = trimmed_span(text, block.start, block.end)
        return clean_value(text[start:end]), start, end
    end = mention.end
    paren = regex.match(r"\s*\([^()\n]{1,60}\)", text[end : end + 70])
    if paren:
        end += paren.end()
    return clean_value(text[mention.start : end]), mention.start, end


def _other_forums(ctx: Context) -> list[Forum]:
    """Forums the vocabulary does not know: sub-headings of a forum section with a forum
    noun ("Återfallsforum"), and names running text introduces as a forum
    ("Krogsamverkan Lund är ett forum för ...")."""
    nouns = ctx.kb.pattern("other_forums", "nouns")
    out = []
    for section in ctx.sections_about("forums"):
        for block in ctx.blocks_between(section.body_start, section.end):
            if block.kind != "heading" or block.level >= 6:
                continue
            text = ctx.document.block_text(block)
            if (
                find_forum_mentions(ctx, block.start, block.end)
                or nouns.search(text) is None
                or _names_a_party(ctx, block.start, block.end)
                or ctx.kb.pattern("meetings", "verbs").search(text) is not None
                or _is_topic(ctx, text)
            ):
                continue
            start, end = trimmed_span(ctx.text, block.start, block.end)
            out.append(_other(ctx, start, end))
    return out + _introduced_forums(ctx)


def _names_a_party(ctx: Context, start: int, end: int) -> bool:
    """ "X kommun och Polisen – samverkan för trygghet" is a title, not a forum."""
    from samverkan_extract.extractors.parties import find_mentions

    return bool(find_mentions(ctx, start, end, others=False))


def _introduced_forums(ctx: Context) -> list[Forum]:
    introduced = ctx.kb.pattern("other_forums", "introduced_as")
    nouns = ctx.kb.pattern("other_forums", "nouns")
    out = []
    for sent in ctx.sentences(0, ctx.signature_zone_start):
        m = INTRODUCED_NAME.match(sent.text)
        if m is None or introduced.match(sent.text, m.end()) is None:
            continue
        start = sent.start_char + m.start("name")
        end = sent.start_char + m.end("name")
        if nouns.search(ctx.text, start, end) is None or find_forum_mentions(ctx, start, end):
            continue
        out.append(_other(ctx, start, end))
    return out


def _other(ctx: Context, start: int, end: int) -> Forum:
    return Forum(
        name=clean_value(ctx.text[start:end]), type="other", evidence=ctx.evidence(start, end)
    )


def _is_topic(ctx: Context, text: str) -> bool:
    from samverkan_extract.sections import heading_topic

    return heading_topic(text) is not None


def _add_frequencies(ctx: Context, forums: dict[str, Forum]) -> None:
    """A sentence that says a forum meets N times a period gives its meetings per year.

    The forum is the one the sentence names, or else (when the sentence says it meets)
    the one its paragraph opens with, or the one whose heading it stands under.
    """
    verbs = ctx.kb.pattern("meetings", "verbs")
    by_type = {f.type: key for key, f in forums.items() if f.type != "other"}
    headed = _forum_headings(ctx, forums, by_type)
    for sent in ctx.sentences(0, ctx.signature_zone_start):
        freq = FREQUENCY.search(sent.text)
        if freq is None:
            continue
        start, end = _row_extent(ctx, sent.start_char, sent.end_char)
        mentions = find_forum_mentions(ctx, start, end)
        key: str | None
        if mentions:
            key = by_type.get(mentions[0].type)
        elif verbs.search(sent.text):
            key = _paragraph_subject(ctx, forums, by_type, sent.start_char) or headed(
                sent.start_char
            )
        else:
            continue
        if key is None or forums[key].meetings_per_year is not None:
            continue
        per_year = meetings_per_year(freq)
        if per_year is None:
            continue
        forums[key] = forums[key].model_copy(
            update={"meetings_per_year": per_year, "frequency_text": clean_value(freq.group())}
        )


def _paragraph_subject(
    ctx: Context, forums: dict[str, Forum], by_type: dict[str, str], offset: int
) -> str | None:
    """The forum a paragraph opens with ("**Lägesbildsgruppen** samlar ... Gruppen
    träffas varje vecka"), known or introduced by name."""
    block = ctx.document.block_at(offset)
    if block is None:
        return None
    mentions = find_forum_mentions(ctx, block.start, offset)
    if mentions:
        return by_type.get(mentions[0].type)
    named = [k for k, f in forums.items() if block.start <= f.evidence.start < offset]
    return min(named, key=lambda k: forums[k].evidence.start) if named else None


def _row_extent(ctx: Context, start: int, end: int) -> tuple[int, int]:
    """A table cell speaks for its whole row (forum | members | "varannan vecka")."""
    block = ctx.document.block_at(start)
    if block is None or block.kind != "table_cell":
        return start, end
    row = [
        b
        for b in ctx.document.blocks
        if b.kind == "table_cell" and b.table == block.table and b.row == block.row
    ]
    return row[0].start, row[-1].end


def _forum_headings(ctx: Context, forums: dict[str, Forum], by_type: dict[str, str]):  # type: ignore[no-untyped-def]
    """Which forum's section an offset stands in: a heading that names a known forum, or
    the heading an "other" forum was read from."""
    at_heading = {f.evidence.start: key for key, f in forums.items() if f.type == "other"}
    spans = []
    for section in ctx.sections:
        mentions = find_forum_mentions(ctx, section.heading.start, section.heading.end)
        key = by_type.get(mentions[0].type) if mentions else None
        if key is None:
            start, _ = trimmed_span(ctx.text, section.heading.start, section.heading.end)
            key = at_heading.get(start)
        if key is not None:
            spans.append((section.body_start, section.end, key))

    def headed(offset: int) -> str | None:
        inner = [s for s in spans if s[0] <= offset < s[1]]
        return min(inner, key=lambda s: s[1] - s[0])[2] if inner else None

    return headed


def meetings_per_year(m: regex.Match[str]) -> float | None:
    if m.group("count"):
        n = number_word(m.group("count"))
        unit = lookup_word(UNITS, m.group("unit"))
        return n * unit if n is not None and unit else None
    if m.group("every"):
        unit = lookup_word(UNITS, m.group("unit2"))
        if unit is None:
            return None
        every = m.group("every").lower()
        return unit / 2 if every.startswith(("varann", "vartann", "vart ")) else float(unit)
    if m.group("adverb"):
        adverb = lookup_word(ADVERBS, m.group("adverb"))
        return float(adverb) if adverb is not None else None
    return None

"""Forums and standing methods, with how often they meet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from samverkan_extract.dates import lookup_word, number_word
from samverkan_extract.document import after_numbering
from samverkan_extract.extractors.context import Context, clean_value, trimmed_span
from samverkan_extract.extractors.forum_terms import (
    Mention,
    find_forum_mentions,
    frequency_pattern,
    meets,
    opens_sentence,
)
from samverkan_extract.extractors.organisations import find_mentions
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.knowledge import Knowledge
from samverkan_extract.schema import Forum

# Patterns used in the functions below, compiled once.
_CAPITALISED_WORD = regex.compile(r"\p{Lu}\p{L}+")
_HYPHENED_BEFORE_PAREN = regex.compile(r"-\p{L}+(?=\s*\()")
_PARENTHESIS = regex.compile(r"\s*\([^()\n]{1,60}\)")
_APPOSITION = regex.compile(r"\s*(?:,|\s[–—-])\s*")
_WORD_CHAR = regex.compile(r"\w")
_TWO_WORDS_BEFORE = regex.compile(r"(\S+)\s+(?:\S+\s+)?$")
_TWO_WORDS_AFTER = regex.compile(r"\s+(?:\S+\s+)?\S+")
_OPENING_WORD = regex.compile(r"[\s*_]*(\p{L}+)")
_SPACES = regex.compile(r"\s+")

# A heading or list entry longer than this is prose; the forum is named by its match.
NAME_MAX = 90
# A sentence that opens with a name and "är": "Krogsamverkan Lund är ett forum för ...".
INTRODUCED_NAME = regex.compile(
    r"\s*(?P<name>\p{Lu}[\p{L}\-–]*(?:\s+(?:\p{Lu}[\p{L}\-–]*|och|för|i|mot)){0,4}?)\s+är\s+"
)
# Up to two proper-name words right after a forum's term: "Trygghetsrådet Norrby".
PROPER_NAME = regex.compile(r"(?:[ \t]+\p{Lu}[\p{L}\-–]*(?![\p{L}\-–])){1,2}")
# The municipality a council belongs to, before its term: "Exby trygghetsråd", "Exby kommuns Brå".
OWNER = regex.compile(
    r"(?<![\w-])(?P<place>\p{Lu}\p{L}+(?:[ \t]+\p{Lu}\p{L}+)?)(?:[ \t]+(?:kommuns|stads))?[ \t]+$"
)
# "i <Ort>" or "i <Ort> kommun" after a council's term.
IN_PLACE = regex.compile(r"[ \t]+i[ \t]+\p{Lu}\p{L}+(?:[ \t]+(?:kommun|stad))?\b")
# The words of a forum's name after a term: "för ANDT-frågor", "mot välfärdsbrott".
TOPIC = regex.compile(
    r"[ \t]+(?:för|mot|kring)[ \t]+[\p{L}\-]+(?=\s*[,.;:–(]|\s+\p{Ll}+(?:s|r|ar|er)\b)"
    r"|[ \t]+(?:för|i)[ \t]+(?:\p{Ll}+[ \t]+)?\p{Lu}[\p{L}\-]+"  # "för norra Exbygden"
)


@dataclass
class _Found:
    """A forum being read: its record and every place the text names it."""

    forum: Forum
    rank: tuple[int, int]  # how well its name is written; lower is better
    code: str | None = None  # the municipality its name holds ("Exby trygghetsråd")
    spans: list[tuple[int, int]] = field(default_factory=list)
    freq_rank: int = 99


@extractor("forums")
def extract_forums(ctx: Context) -> list[Forum]:
    limit = ctx.signature_zone_start
    found: list[_Found] = []
    for mention in find_forum_mentions(ctx, 0, limit):
        name, ev_start, ev_end, rank = _name(ctx, mention)
        code = _municipality_in(ctx, name)
        same = [f for f in found if f.forum.type == mention.type]
        target = next((f for f in same if code and f.code == code), same[0] if same else None)
        if target is not None and code and target.code and target.code != code:
            target = None  # one council per municipality: "Exby trygghetsråd", "Ort brå"
        if target is None:
            forum = Forum(
                name=name,
                type=mention.type,  # type: ignore[arg-type]  # ids of forums.toml, tested
                evidence=ctx.evidence(ev_start, ev_end),
            )
            found.append(_Found(forum, rank, code))
            target = found[-1]
        elif rank < target.rank:
            target.forum = target.forum.model_copy(
                update={"name": name, "evidence": ctx.evidence(ev_start, ev_end)}
            )
            target.rank = rank
            target.code = target.code or code
        target.spans.append((mention.start, mention.end))
    names = {f.forum.name.casefold(): f for f in found}
    for forum, spans in _other_forums(ctx):
        key = forum.name.casefold()
        if key in names:
            names[key].spans += spans
        elif not any(s < e2 and s2 < e for f in found for s2, e2 in f.spans for s, e in spans):
            names[key] = _Found(forum, (0, 0), None, list(spans))
            found.append(names[key])
    _add_frequencies(ctx, found)
    return [f.forum for f in found]


def _municipality_in(ctx: Context, name: str) -> str | None:
    words = _CAPITALISED_WORD.findall(name)
    for word in [" ".join(pair) for pair in zip(words, words[1:], strict=False)] + words:
        m = ctx.kb.municipality_by_short_name(word)
        if m is not None:
            return m.code
    return None


def _name(ctx: Context, mention: Mention) -> tuple[str, int, int, tuple[int, int]]:
    """The forum's name as written and how well it is written: the whole heading or entry,
    or the term with what completes it: a parenthesis or apposition that spells it out
    ("EST (Effektiv samordning för trygghet)", "SIG, social insatsgrupp"), a place
    ("Trygghetsrådet Norrby", "rådet i Exby") or a task ("Arbetsgruppen mot bedrägerier")."""
    text = ctx.text
    block = ctx.document.block_at(mention.start)
    if mention.named and block is not None and _names_only(ctx, mention, block.start, block.end):
        start, end = trimmed_span(text, block.start, block.end)
        words = after_numbering(text, start, end)
        if words < end:
            start = words
        return _case(clean_value(text[start:end])), start, end, (0, 0)
    start, end = mention.start, mention.end
    owner = OWNER.search(text, max(0, start - 40), start)
    if owner:
        place = owner.group("place")
        if ctx.kb.municipality_by_short_name(place) is not None:
            start = owner.start()
        elif ctx.kb.municipality_by_short_name(place.split()[-1]) is not None:
            start = owner.start() + place.rindex(" ") + 1
    hyphened = _HYPHENED_BEFORE_PAREN.match(text[end : end + 40])  # "BOB-samverkan (...)"
    if hyphened:
        end += hyphened.end()
    for pattern in (IN_PLACE, PROPER_NAME, TOPIC):
        m = pattern.match(text, end, min(len(text), end + 60))
        if m:
            end = m.end()
            break
    spelled = 1
    paren = _PARENTHESIS.match(text[end : end + 70])
    if paren:
        end += paren.end()
        spelled = 0
    else:
        appos = _APPOSITION.match(text[end : end + 5])
        if appos:
            other = [
                m
                for m in find_forum_mentions(ctx, end + appos.end(), min(len(text), end + 70))
                if m.start == end + appos.end() and m.type == mention.type
            ]
            if other:
                end = other[0].end
                spelled = 0
    place = 1 if opens_sentence(ctx, start) else 2
    return _case(clean_value(text[start:end])), start, end, (spelled, place)


def _case(name: str) -> str:
    """An upper-case heading ("STRATEGISKT RÅD") gives the name in sentence case;
    acronyms ("SSPF") stay as written."""
    if name.upper() != name or not any(len(w) > 5 and w.isalpha() for w in name.split()):
        return name
    return name[0] + name[1:].lower()


def _names_only(ctx: Context, mention: Mention, start: int, end: int) -> bool:
    """A heading or entry is the forum's name when it is short, names no other forum and
    is not a sentence ("Exby trygghetsråd sammanträder en gång i kvartalet.")."""
    if end - start > NAME_MAX:
        return False
    text = ctx.text[start:end].strip()
    if len({m.type for m in find_forum_mentions(ctx, start, end)}) > 1:
        return False
    if text.endswith(".") and len(text.split()) > 3:
        return False
    lead = ctx.text[start : mention.start]
    lead = lead[after_numbering(lead) :]
    if "," in lead or len(lead.split()) > 2:  # "Snabb sanering, EST-rapportering"
        return False
    return ctx.kb.pattern("meetings", "convenes").search(text) is None


def _other_forums(ctx: Context) -> list[tuple[Forum, list[tuple[int, int]]]]:
    """Forums the vocabulary does not know: sub-headings of a forum section, or the first
    cells of its table, with a forum noun ("Återfallsforum"), names running text introduces as a forum ("Krogsamverkan
    Lund är ett forum för ..."), and compounds with a forum noun that the text says meet
    ("Områdesgrupp Norr träffas varannan vecka")."""
    nouns = ctx.kb.pattern("other_forums", "nouns")
    out = []
    for section in ctx.sections_about("forums"):
        for block in ctx.blocks_between(section.body_start, section.end):
            # a sub-heading, or the first column of a table of forums (not its header)
            if block.kind != "heading" and not (
                block.kind == "table_cell" and not block.col and block.row
            ):
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
    out += _introduced_forums(ctx) + _meeting_compounds(ctx)
    return [(f, _occurrences(ctx, f)) for f in out]


def _occurrences(ctx: Context, forum: Forum) -> list[tuple[int, int]]:
    """Where the text names the forum: its name anywhere, case aside."""
    pattern = regex.compile(r"(?<![\w-])" + regex.escape(forum.name) + r"(?!\w)", regex.I)
    spans = [(m.start(), m.end()) for m in pattern.finditer(ctx.text, 0, ctx.signature_zone_start)]
    return spans or [(forum.evidence.start, forum.evidence.end)]


def _meeting_compounds(ctx: Context) -> list[Forum]:
    """A compound with a forum noun, and the proper name after it, in a sentence that says
    it meets and how often, or opening a sentence whose paragraph says so (in a section
    of forums, how often will do: "Återfallsforum – ... går igenom frigivningar varannan
    månad")."""
    compounds = ctx.kb.pattern("other_forums", "compounds")
    not_forums = ctx.kb.pattern("other_forums", "not_forums")
    forum_sections = [(s.body_start, s.end) for s in ctx.sections_about("forums")]
    out = []
    for sent in ctx.sentences(0, ctx.signature_zone_start):
        for m in compounds.finditer(ctx.text, sent.start_char, sent.end_char):
            start, end = m.start(), m.end()
            if _WORD_CHAR.match(ctx.text[end : end + 1]):
                continue
            if not_forums.fullmatch(ctx.text, start, end) or any(
                term.pattern.search(ctx.text, start, end) for term in ctx.kb.forums
            ):
                continue
            name = PROPER_NAME.match(ctx.text, end, sent.end_char)
            if name:
                end = name.end()
            if opens_sentence(ctx, start):
                block = ctx.document.block_at(start)
                if block is None:
                    continue
                listed = any(s <= start < e for s, e in forum_sections)
                if not meets(ctx, block.start, block.end, verb=not listed):
                    continue
            elif not (_beside_verb(ctx, start, end) and meets(ctx, sent.start_char, sent.end_char)):
                continue
            out.append(_other(ctx, start, end))
    return out


def _beside_verb(ctx: Context, start: int, end: int) -> bool:
    """The name stands next to the verb that says it meets: "sammankallas
    evenemangsgruppen", "där referensgruppen träffas"."""
    convenes = ctx.kb.pattern("meetings", "convenes")
    before = _TWO_WORDS_BEFORE.search(ctx.text[max(0, start - 40) : start])
    after = _TWO_WORDS_AFTER.match(ctx.text[end : end + 40])
    return bool(
        (before and convenes.search(before.group())) or (after and convenes.search(after.group()))
    )


def _names_a_party(ctx: Context, start: int, end: int) -> bool:
    """ "X kommun och Polisen – samverkan för trygghet" is a title, not a forum."""
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


def _add_frequencies(ctx: Context, found: list[_Found]) -> None:
    """A sentence that says a forum meets N times a period gives its meetings per year.

    The forum is the first one the sentence names, or else (when the sentence says it
    meets) the one its paragraph opens with, or the one whose heading it stands under
    (there, a sentence with no verb of meeting will do). A sentence that says the forum
    meets outranks one that only names it ("bjuds in till rådet en gång per år"); a
    count outranks "vid behov".
    """
    verbs = ctx.kb.pattern("meetings", "verbs")
    as_needed = ctx.kb.pattern("meetings", "as_needed")
    anaphors = ctx.kb.pattern("meetings", "anaphors")
    each = ctx.kb.pattern("meetings", "each")
    frequency = frequency_pattern(ctx.kb)
    headed = _forum_headings(ctx, found)
    for sent in ctx.sentences(0, ctx.signature_zone_start):
        freq = frequency.search(sent.text)
        per_year = meetings_per_year(ctx.kb, freq) if freq else None
        if per_year is None:
            freq = as_needed.search(sent.text)
            if freq is None:
                continue
        start, end = _row_extent(ctx, sent.start_char, sent.end_char)
        verb = verbs.search(sent.text) is not None
        opening = _OPENING_WORD.match(sent.text)
        anaphor = opening is not None and anaphors.fullmatch(opening.group(1)) is not None
        target = None if anaphor else _first_named(found, start, end)
        if target is not None:
            rank = 0 if verb else 2
        elif verb:
            target = _paragraph_subject(ctx, found, sent.start_char) or headed(sent.start_char)
            rank = 1
        else:  # under a forum's own heading: "... går igenom händelser varje tisdag"
            target = headed(sent.start_char)
            rank = 3
        if target is None:
            continue
        rank += 0 if per_year is not None else 10
        update = {"meetings_per_year": per_year, "frequency_text": clean_value(freq.group())}
        targets = [target]
        if each.search(sent.text):  # "Rådet i A och rådet i B sammanträder vardera ..."
            targets += [f for f in found if f.forum.type == target.forum.type and f is not target]
        for t in targets:
            if rank < t.freq_rank:
                t.freq_rank = rank
                t.forum = t.forum.model_copy(update=update)


def _first_named(found: list[_Found], start: int, end: int) -> _Found | None:
    inside = [(s, f) for f in found for s, e in f.spans if start <= s and e <= end]
    return min(inside, key=lambda x: x[0])[1] if inside else None


def _paragraph_subject(ctx: Context, found: list[_Found], offset: int) -> _Found | None:
    """The forum a paragraph opens with ("**Lägesbildsgruppen** samlar ... Gruppen
    träffas varje vecka"), known or introduced by name."""
    block = ctx.document.block_at(offset)
    if block is None:
        return None
    return _first_named(found, block.start, offset)


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


def _forum_headings(ctx: Context, found: list[_Found]) -> Any:
    """Which forum's section an offset stands in: a heading that names a forum."""
    spans = []
    for section in ctx.sections:
        target = _first_named(found, section.heading.start, section.heading.end)
        if target is not None:
            spans.append((section.body_start, section.end, target))

    def headed(offset: int) -> _Found | None:
        inner = [s for s in spans if s[0] <= offset < s[1]]
        return min(inner, key=lambda s: s[1] - s[0])[2] if inner else None

    return headed


def meetings_per_year(kb: Knowledge, m: regex.Match[str]) -> float | None:
    meetings = kb.vocabulary["meetings"]
    if m.group("count"):
        n = number_word(m.group("count"))
        unit = lookup_word(meetings["units"], m.group("unit"))
        return n * unit if n is not None and unit else None
    if m.group("every"):
        unit = lookup_word(meetings["units"], m.group("unit2"))
        every = lookup_word(meetings["every"], _SPACES.sub(" ", m.group("every")))
        if unit is None or not every:
            return None
        return round(unit / every, 2)
    if m.group("adverb"):
        adverb = lookup_word(meetings["adverbs"], m.group("adverb"))
        return float(adverb) if adverb is not None else None
    return None

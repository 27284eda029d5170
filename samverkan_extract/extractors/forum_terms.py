"""Forum terms in the text: where the document names a forum, found once per document.

Every term of ``data/forums.toml`` is looked for; where terms overlap the longest wins.
An everyday term ("arbetsgruppen") counts only where the document names it in a heading
or list entry, or where running text opens a sentence with it and says the group meets
or is set up. "Brå" is also the national council ("enligt Brå", "Brottsförebyggande
rådet (Brå)"), which is not a forum of the agreement. Forums and priority areas (whose
categories some forum terms imply) both read these mentions.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import regex

from samverkan_extract.extractors.context import Context
from samverkan_extract.knowledge import Knowledge

_LETTER = regex.compile(r"\p{L}")
# Block kinds in which a document names a forum as such (a heading, a list entry).
NAMING_BLOCKS = ("heading", "label", "list_item", "table_cell")
# The most words of a run-in title ("Gemensam ledningsgrupp." before its text).
RUN_IN_WORDS = 5
_OPEN_PAREN = regex.compile(r"[ \t]*\([ \t]*")
_CLOSE_PAREN = regex.compile(r"[ \t]*\)")
_N = r"(?:\d+|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv)"
_TAIL = r"(?:\s+(?:samt|och|eller)\s+(?:i\s+övrigt\s+|även\s+)?(?:vid|när|då|efter|om|därutöver)\b[^.,;:\n]*)?"


def _alternation(words: Iterable[str]) -> str:
    forms = sorted(words, key=len, reverse=True)
    return "|".join(w if "\\" in w else regex.escape(w).replace(r"\ ", r"\s+") for w in forms)


def frequency_pattern(kb: Knowledge) -> regex.Pattern[str]:
    """How often, built from ``[meetings]`` in vocabulary.toml once per process."""
    return kb.derived("forum_frequency", _compile_frequency)


def _compile_frequency(kb: Knowledge) -> regex.Pattern[str]:
    m = kb.vocabulary["meetings"]
    times, per = _alternation(m["times"]), _alternation(m["per"])
    units, every = _alternation(m["units"]), _alternation(m["every"])
    adverbs = _alternation(m["adverbs"])
    return regex.compile(
        rf"""(?ix)(?<![\w-])(?:
        (?P<count>{_N})\s*(?:{times})\s*(?:{per})?\s*(?P<unit>{units})(?!\w){_TAIL}
      | (?P<every>{every})\s+(?P<unit2>{units})(?:e|en|ar|arna)?(?!\w){_TAIL}
      | (?P<adverb>{adverbs})(?!\w){_TAIL}
        )"""
    )


@dataclass
class Mention:
    type: str
    start: int
    end: int
    named: bool  # the document names it in a heading or list entry
    implies: tuple[str, ...]


def find_forum_mentions(ctx: Context, start: int = 0, end: int | None = None) -> list[Mention]:
    """Every forum term in text[start:end], longest match first where terms overlap. The
    whole document is searched once, one pass per term; a stretch is a slice of that."""
    end = len(ctx.text) if end is None else end
    if "forum_mentions" not in ctx.memo:
        mentions = _forum_mentions(ctx, 0, len(ctx.text))
        ctx.memo["forum_mentions"] = (mentions, [m.start for m in mentions])
    mentions, starts = ctx.memo["forum_mentions"]
    first = bisect.bisect_left(starts, start)
    out = []
    for m in mentions[first:]:
        if m.start >= end:
            break
        if m.end <= end:
            out.append(m)
    return out


def _forum_mentions(ctx: Context, start: int, end: int) -> list[Mention]:
    raw = []
    for term in ctx.kb.forums:
        for m in term.finditer(ctx.text, start, end):
            if m.end() == m.start():
                continue
            block = ctx.document.block_at(m.start())
            named = block is not None and block.kind in NAMING_BLOCKS
            if term.weak and not named and not _weak_in_prose(ctx, m.start(), m.end()):
                continue
            if term.id == "local_crime_prevention_council" and _national_bra(ctx.text, m):
                continue
            raw.append(Mention(term.id, m.start(), m.end(), named, term.implies))
    raw.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for mention in raw:
        if kept and mention.start < kept[-1].end:
            continue
        prev = kept[-1] if kept else None
        if (
            prev is not None
            and prev.type != mention.type
            and _OPEN_PAREN.fullmatch(ctx.text, prev.end, mention.start)
            and _CLOSE_PAREN.match(ctx.text, mention.end)
        ):  # "Lägesbildsmöte (EST)": the name in brackets says which forum it is
            kept[-1] = replace(mention, start=prev.start, named=prev.named or mention.named)
            continue
        kept.append(mention)
    return kept


def _national_bra(text: str, m: regex.Match[str]) -> bool:
    """ "Brå" is also the national council: "Brå:s rapport", "enligt Brå", and
    "Brottsförebyggande rådet (Brå)" with no local name before it."""
    after = text[m.end() : m.end() + 3]
    before = text[max(0, m.start() - 60) : m.start()]
    if regex.search(
        r"(?:(?m:^)|[^\p{L}\s]|\b\p{Ll}+)\s*Brottsförebyggande\s+rådet\s*\(\s*$", before
    ):
        return True
    return after.startswith((":s", "s ")) or before.lower().rstrip().endswith(("enligt", "från"))


def sentence_at(ctx: Context, offset: int) -> Any:
    sents = ctx.sentences(offset, offset + 1)
    return sents[0] if sents else None


def meets(ctx: Context, start: int, end: int, *, verb: bool = True) -> bool:
    """The stretch says a group meets (unless ``verb`` is False), and how often or when."""
    text = ctx.text[start:end]
    return (not verb or ctx.kb.pattern("meetings", "convenes").search(text) is not None) and (
        frequency_pattern(ctx.kb).search(text) is not None
        or ctx.kb.pattern("meetings", "as_needed").search(text) is not None
    )


def opens_sentence(ctx: Context, start: int) -> bool:
    """Nothing but markup, numbering or a run-in label stands before ``start`` in its
    sentence ("Organisation. Arbetsgruppen ..." is split at the label's full stop)."""
    sent = sentence_at(ctx, start)
    if sent is None:
        return False
    return not _LETTER.search(ctx.text[sent.start_char : start].strip(" *_#>-–•\t"))


def _weak_in_prose(ctx: Context, start: int, end: int) -> bool:
    """An everyday term ("arbetsgruppen") names a forum in running text when the sentence
    opens with it (or is a short run-in title opening the paragraph) and its paragraph
    says it meets, when it is written as a name in mid-sentence and its sentence says it
    meets, or when the parties set it up ("tillsätta arbetsgrupper")."""
    sent = sentence_at(ctx, start)
    if sent is None:
        return False
    before = ctx.text[max(sent.start_char, start - 40) : start]
    if ctx.kb.pattern("other_forums", "set_up").search(before):
        return True
    block = ctx.document.block_at(start)
    b_start, b_end = (block.start, block.end) if block else (sent.start_char, sent.end_char)
    # a run-in title of its own opening the paragraph: "Gemensam ledningsgrupp. Kommun..."
    run_in = sent.start_char <= b_start + 2 and len(sent.text.split()) <= RUN_IN_WORDS
    if ctx.text[start].isupper() and meets(ctx, sent.start_char, sent.end_char):
        return True  # a name in mid-sentence: "finns Arbetsgruppen Trafik, som träffas ..."
    if not opens_sentence(ctx, start) and not run_in:
        return False
    return meets(ctx, b_start, b_end)

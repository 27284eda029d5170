"""Priority areas: the problems the parties agree to work on first.

Read from a priority section (its sub-headings, else its list entries, else its
sentences); where the document has none, from sentences that say what is prioritised.
A sentence that says something is not prioritised, and a sub-heading such as "Övriga
frågor" (``vocabulary.toml [priorities]``), name no area.
"""

from __future__ import annotations

import regex

from samverkan_extract.document import Block, after_numbering
from samverkan_extract.extractors.categories import categories_of
from samverkan_extract.extractors.context import Context, clean_value, trimmed_span
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.extractors.undertakings import find_undertakings, undertaking_text
from samverkan_extract.schema import PriorityArea

# Patterns used in the functions below, compiled once.
_NON_SPACE = regex.compile(r"\S")
_SENTENCE_STOP = regex.compile(r"[.!?](?=\s|$)")

PRIORITISE = regex.compile(r"(?i)priorit\w*|fokus\w*|särskilt\s+fokus|satsa\w*\s+på")
# Where an enumeration of areas is cut: commas, "och", "samt" ("i och kring stationen"
# is one place, not two areas).
ENUMERATION = regex.compile(
    r"\s*(?:,|;|(?<!\b(?:i|på|vid|kring|runt|för|mot|av|med|om|till|från|in)\s+)\boch\b|"
    r"\bsamt\b|\bsåväl\b|\bsom\b)\s*"
)
# An area heading longer than this is a sentence; it is read as prose instead.
AREA_MAX = 250
# An area named, then explained after a dash: "Välfärdsbrott – att förhindra att ...".
LEAD = regex.compile(r"(?P<lead>[^\n–—:]{3,80}?)\s+[–—]\s+\S")
# A sentence that points back at the areas the one before it named.
REFERS_BACK = regex.compile(
    r"(?i)\s*(?:dessa|de|detta|de\s+här)\s+(?:(?:två|tre|fyra|fem|sex)\s+)?"
    r"(?:\w+\s+)?(?:områden\w*|problem\w*|frågor\w*|ska|skall)\b"
)
COUNTED_OFF = regex.compile(r"(?i)\s*(?:det|den)\s+(?P<ordinal>\w+)\s+(?:\w+\s+)?är\s+")
# What the text gives as examples of an area ("brott mot särskilt utsatta som våld i nära
# relation, ..."): their categories are the area's too.
EXAMPLES = regex.compile(
    r"(?i)\b(?:som|såsom|t\.ex\.|till\s+exempel|bland\s+annat|exempelvis|inklusive|i\s+form\s+av)\s"
)


@extractor("priority_areas")
def extract_priority_areas(ctx: Context) -> list[PriorityArea]:
    kind = ctx.values.get("document_type")
    if kind is not None and kind.value == "medborgarlofte":
        promises = _from_promises(ctx)
        if promises:
            return promises
    for section in ctx.sections_about("priorities"):
        areas = _from_section(ctx, section.body_start, section.end)
        if areas:
            return areas
    return _from_lead_in(ctx) or _from_prose(ctx, 0, ctx.signature_zone_start, need_verb=True)


def _from_lead_in(ctx: Context) -> list[PriorityArea]:
    """A sentence that says what is prioritised and stops at a colon, over a list, under
    a heading about something else ("... har parterna enats om fyra prioriteringar:")."""
    blocks = ctx.document.blocks
    for n, block in enumerate(blocks[:-1]):
        if block.end > ctx.signature_zone_start or block.kind not in ("paragraph", "label"):
            continue
        text = ctx.document.block_text(block).rstrip()
        if not text.endswith(":") or not PRIORITISE.search(text.rsplit("\n", 1)[-1]):
            continue
        items = []
        for b in blocks[n + 1 :]:
            if b.kind != "list_item":
                break
            items.append(b)
        if items:
            return _from_items(ctx, items)
    return []


def _from_promises(ctx: Context) -> list[PriorityArea]:
    """A medborgarlöfte's promises are its priority areas: each with its own text and
    the categories its words name ("other" when they name none)."""
    areas = []
    for u in find_undertakings(ctx):
        cats = categories_of(ctx, ctx.text, u.start, u.end) or ["other"]
        areas.append(
            PriorityArea(
                text=undertaking_text(ctx, u),
                categories=cats,  # type: ignore[arg-type]  # ids of data/priorities.toml, tested
                evidence=ctx.evidence(u.start, u.end),
            )
        )
    return _merge_same(areas)


def _from_section(ctx: Context, start: int, end: int) -> list[PriorityArea]:
    blocks = ctx.blocks_between(start, end)
    headings = [b for b in blocks if b.kind == "heading"]
    own_end = headings[0].start if headings else end
    own_items = [b for b in blocks if b.kind in ("list_item", "table_cell") and b.end <= own_end]
    if own_items:
        return _from_items(ctx, own_items)
    if headings and headings[0].start > start:
        # its own text before the sub-headings says what is prioritised ("Parterna
        # prioriterar a, b och c"); the sub-headings are then about other things
        named = _from_prose(ctx, start, own_end, need_verb=True)
        if named:
            return named
    if headings:
        not_areas = ctx.kb.pattern("priorities", "not_areas")
        areas = []
        for i, h in enumerate(headings):
            s, e = trimmed_span(ctx.text, after_numbering(ctx.text, h.start, h.end), h.end)
            if not_areas.fullmatch(ctx.text, s, e):
                continue  # "3.4 Övriga frågor"
            body_end = headings[i + 1].start if i + 1 < len(headings) else end
            areas.append(_area(ctx, h.start, h.end, body_end, other_ok=True))
        return [a for a in areas if a is not None]
    return _from_prose(ctx, start, end, need_verb=False)


def _from_items(ctx: Context, items: list[Block]) -> list[PriorityArea]:
    """List entries, or a table's first column (its other columns describe the area)."""
    outer = min((b.depth for b in items if b.kind == "list_item"), default=0)
    items = [b for b in items if b.kind != "list_item" or b.depth == outer]  # not sub-points
    cells = [b for b in items if b.kind == "table_cell"]
    if cells:
        # the first table's first row is its header; a table that goes on after a page
        # break starts with data
        first_table = cells[0].table
        header = ctx.document.block_text(cells[0]).strip()
        first_col = [
            b
            for b in cells
            if (b.col or 0) == 0
            and ((b.row or 0) > 0 or b.table != first_table)
            and ctx.document.block_text(b).strip() != header  # a header repeated
        ]
        items = [b for b in items if b.kind == "list_item"] + first_col
    return [a for b in items if (a := _area(ctx, b.start, b.end, b.end, other_ok=True))]


def _area(
    ctx: Context, start: int, end: int, body_end: int, *, other_ok: bool
) -> PriorityArea | None:
    text = ctx.text
    start = after_numbering(text, start, end)
    start, end = trimmed_span(text, start, end)
    if end <= start or end - start > AREA_MAX:
        return None
    lead = LEAD.match(text, start, end)
    if lead and categories_of(ctx, text, start, start + len(lead.group("lead"))):
        end = start + len(lead.group("lead"))  # "Välfärdsbrott – att förhindra ...": the name
    cats = categories_of(ctx, text, start, end)
    examples = EXAMPLES.search(text, end, min(body_end, _sentence_end(text, end, body_end)))
    if examples:
        body_cats = categories_of(ctx, text, examples.end(), _sentence_end(text, end, body_end))
        cats += [c for c in body_cats if c not in cats]
    if not cats and body_end > end:
        # A heading that names a place or a theme ("Trygghet i Väster") is explained by
        # the first sentence of its text.
        cats = categories_of(ctx, text, end, _sentence_end(text, end, body_end))
    if not cats:
        if not other_ok:
            return None
        cats = ["other"]
    return PriorityArea(
        text=clean_value(text[start:end]),
        categories=cats,  # type: ignore[arg-type]  # ids of data/priorities.toml, tested
        evidence=ctx.evidence(start, end),
    )


def _sentence_end(text: str, start: int, limit: int) -> int:
    """End of the first sentence of an area's body text."""
    body = _NON_SPACE.search(text[start:limit])
    if body is None:
        return start
    m = _SENTENCE_STOP.search(text[start + body.start() : limit])
    return start + body.start() + m.end() if m else limit


def _from_prose(ctx: Context, start: int, end: int, *, need_verb: bool) -> list[PriorityArea]:
    """Areas named in running text: each enumerated phrase with a category is an area."""
    areas: list[PriorityArea] = []
    ordinal = ctx.kb.pattern("enumeration", "ordinals")
    not_prioritised = ctx.kb.pattern("priorities", "not_prioritised")
    sentences = ctx.sentences(start, end)
    for i, sent in enumerate(sentences):
        if not_prioritised.search(sent.text):
            continue  # "..., men det är inte ett prioriterat område"
        after = sentences[i + 1].text if i + 1 < len(sentences) else ""
        counted = COUNTED_OFF.match(sent.text)
        if counted and ordinal.fullmatch(counted.group("ordinal")):
            # "Det andra är narkotika, där ...": the area runs to the first comma
            a = sent.start_char + counted.end()
            comma = ctx.text.find(",", a, sent.end_char)
            b = comma if comma >= 0 else _sentence_end(ctx.text, a, sent.end_char) - 1
            if area := _area(ctx, a, b, b, other_ok=False):
                areas.append(area)
            continue
        # "... de största problemen är X, Y och Z. Dessa tre områden prioriteras."
        named_after = REFERS_BACK.match(after) is not None and PRIORITISE.search(after)
        if need_verb and not PRIORITISE.search(sent.text) and not named_after:
            continue
        if not categories_of(ctx, ctx.text, sent.start_char, sent.end_char):
            continue
        pos = sent.start_char
        for chunk in ENUMERATION.split(sent.text):
            idx = ctx.text.find(chunk, pos, sent.end_char) if chunk else -1
            if idx < 0:
                continue
            pos = idx + len(chunk)
            area = _area(ctx, idx, idx + len(chunk), idx + len(chunk), other_ok=False)
            if area:
                areas.append(area)
    return _merge_same(areas)


def _merge_same(areas: list[PriorityArea]) -> list[PriorityArea]:
    seen, out = set(), []
    for a in areas:
        if a.text.casefold() not in seen:
            seen.add(a.text.casefold())
            out.append(a)
    return out

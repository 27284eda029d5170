"""The priority categories of a stretch of text (``data/priorities.toml``).

A category counts where one of its terms is found and none of its ``unless`` terms
("bedrägerier mot äldre" is about vulnerable victims, not volume crime); a forum named
in the stretch adds the categories its type implies (SSPF: young people at risk).
Priority areas and commitments both read categories this way.
"""

from __future__ import annotations

from samverkan_extract.extractors.context import Context
from samverkan_extract.extractors.forum_terms import find_forum_mentions


def categories_of(ctx: Context, text: str, start: int, end: int) -> list[str]:
    cats: list[str] = []
    for term in ctx.kb.priorities:
        if term.pattern.search(text, start, end) and not (
            term.unless and term.unless.search(text, start, end)
        ):
            cats.append(term.id)
    for mention in find_forum_mentions(ctx, start, end):
        cats += [c for c in mention.implies if c not in cats]
    return cats

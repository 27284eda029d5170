"""Commitments: who undertakes what, as ``undertakings.py`` finds them.

Each undertaking becomes one commitment: its party as written with the kinds it stands
for, its text without the lead-in, and the priority categories of its text (or, when its
text names none, of the heading it is listed under).
"""

from __future__ import annotations

from samverkan_extract.extractors.categories import categories_of
from samverkan_extract.extractors.context import Context, clean_value
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.extractors.undertakings import find_undertakings, undertaking_text
from samverkan_extract.schema import Commitment, CommittingParty


@extractor("commitments")
def extract_commitments(ctx: Context) -> list[Commitment]:
    out = []
    for u in find_undertakings(ctx):
        cats = categories_of(ctx, ctx.text, u.start, u.end)
        if not cats and u.heading_start is not None and u.heading_end is not None:
            cats = categories_of(ctx, ctx.text, u.heading_start, u.heading_end)
        out.append(
            Commitment(
                party=CommittingParty(name=clean_value(u.party), kinds=list(u.kinds)),
                text=undertaking_text(ctx, u),
                categories=cats,  # type: ignore[arg-type]  # ids of data/priorities.toml, tested
                evidence=ctx.evidence(
                    u.lead_start if u.lead_start > u.start - 80 else u.start, u.end
                ),
            )
        )
    return out

"""Fields read from what the text mentions: follow-up and related documents."""

from __future__ import annotations

from typing import Any

from samverkan_extract.extractors.context import Context
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.schema import FollowUp, FollowUpFrequency, RelatedDocument

FREQUENCIES: tuple[FollowUpFrequency, ...] = ("biennial", "quarterly", "annual", "other")


@extractor("follow_up")
def extract_follow_up(ctx: Context) -> FollowUp | None:
    """The first sentence about follow-up that says how often, or any sentence with a
    frequency in a follow-up section."""
    mention = ctx.kb.pattern("follow_up", "mention")
    sections = [(s.start, s.end) for s in ctx.sections_about("follow_up")]
    for sent in ctx.sentences(0, ctx.signature_zone_start):
        in_section = any(s <= sent.start_char < e for s, e in sections)
        if not (in_section or mention.search(sent.text)):
            continue
        found = [
            (m.start(), freq)
            for freq in FREQUENCIES
            for m in ctx.kb.pattern("follow_up", freq).finditer(sent.text)
            if not _meets_then(ctx, sent.text, m.start())
        ]
        if found:
            freq = min(found)[1]  # the phrase that comes first names the frequency
            return FollowUp(
                frequency=freq,
                text=sent.text.strip(),
                evidence=ctx.evidence(sent.start_char, sent.end_char),
            )
    return None


def _meets_then(ctx: Context, text: str, at: int) -> bool:
    """The frequency at ``at`` is how often a forum meets ("Rådet sammanträder fyra
    gånger per år och följer upp ..."), not how often the agreement is followed up."""
    before = text[max(0, at - 30) : at]
    return ctx.kb.pattern("meetings", "convenes").search(before) is not None


def _own_type(ctx: Context) -> str | None:
    """The related document type the document itself is, if any (``genre.toml``)."""
    kind = ctx.values.get("document_type")
    if kind is None:
        return None
    entry: dict[str, Any] = next(
        (e for e in ctx.kb.genre["document_type"] if e["id"] == kind.value), {}
    )
    itself: str | None = entry.get("itself")
    return itself


@extractor("related_documents")
def extract_related_documents(ctx: Context) -> list[RelatedDocument]:
    found = []
    itself = _own_type(ctx)
    for term in ctx.kb.related_documents:
        if term.id == itself:
            continue  # a medborgarlöfte naming medborgarlöften speaks of itself
        m = term.pattern.search(ctx.text, 0, ctx.signature_zone_start)
        if m:
            found.append(
                (
                    m.start(),
                    RelatedDocument(
                        type=term.id,  # type: ignore[arg-type]  # ids of vocabulary.toml, tested
                        evidence=ctx.evidence(m.start(), m.end()),
                    ),
                )
            )
    return [doc for _, doc in sorted(found, key=lambda x: x[0])]

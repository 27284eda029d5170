"""What the document is: a samverkansöverenskommelse, a medborgarlöfte, one document
holding both, or another agreement ("Överenskommelse om samverkan",
"Trygghetsöverenskommelse", "Samverkansavtal").

The title says it in most documents: the kinds of ``data/genre.toml`` ``[[document_type]]``
are tried on it in order. A document whose headings open one part of each kind ("Del 1
Samverkansöverenskommelse", "Del 2 Medborgarlöften") is ``combined``. Without a title,
the first headings, then the first sentence that names a kind, decide.
"""

from __future__ import annotations

import regex

from samverkan_extract.document import HEADING_KINDS, Block
from samverkan_extract.extractors.context import Context
from samverkan_extract.extractors.registry import extractor
from samverkan_extract.extractors.undertakings import find_undertakings
from samverkan_extract.knowledge import Knowledge, compile_terms
from samverkan_extract.schema import DocumentTypeItem, Item

# How many blocks at the head of a document may carry its title or first headings.
HEAD_BLOCKS = 12
# A part headed "Medborgarlöften" is one when it holds at least this many promises.
MIN_PROMISES = 2


def _kinds(kb: Knowledge) -> list[tuple[str, regex.Pattern[str]]]:
    return [(e["id"], compile_terms(e["patterns"])) for e in kb.genre["document_type"]]


def _parts(kb: Knowledge) -> dict[str, regex.Pattern[str]]:
    parts = kb.genre["document_parts"]
    return {name: regex.compile(rf"(?i)^\W*(?:{'|'.join(p)})") for name, p in parts.items()}


@extractor("document_type")
def extract_document_type(ctx: Context) -> DocumentTypeItem | None:
    kinds = ctx.kb.derived("document_kinds", _kinds)
    title: Item | None = ctx.values.get("title")
    combined = _combined_parts(ctx)
    if combined is not None:
        return combined
    places: list[tuple[int, int]] = []
    if title is not None:
        places.append((title.evidence.start, title.evidence.end))
    head = [b for b in ctx.document.blocks[:HEAD_BLOCKS] if b.kind in HEADING_KINDS]
    places += [(b.start, b.end) for b in head]
    places.append((0, ctx.signature_zone_start))
    for start, end in places:
        for kind, pattern in kinds:
            m = pattern.search(ctx.text, start, end)
            if m is not None:
                whole = (start, end) if (start, end) != (0, ctx.signature_zone_start) else None
                ev = ctx.evidence(*(whole or (m.start(), m.end())))
                return DocumentTypeItem(value=kind, evidence=ev)  # type: ignore[arg-type]  # ids of genre.toml, tested
    return None


def _combined_parts(ctx: Context) -> DocumentTypeItem | None:
    """Headings opening a part of each kind, the promises' part holding promises ("X
    lovar att: ..."): the document holds both. Its evidence is the promises' heading."""
    parts = ctx.kb.derived("document_parts", _parts)
    first: dict[str, Block] = {}
    for block in ctx.document.blocks:
        if block.kind not in HEADING_KINDS:
            continue
        text = ctx.document.block_text(block)
        for name, pattern in parts.items():
            if name not in first and pattern.match(text) and len(text.split()) <= 8:
                first[name] = block
    if len(first) < len(parts):
        return None
    promises = first["promises"]
    listed = [u for u in find_undertakings(ctx) if u.start > promises.end]
    if len(listed) < MIN_PROMISES:
        return None
    return DocumentTypeItem(value="combined", evidence=ctx.evidence(promises.start, promises.end))

"""The normalised texts behind records: what evidence offsets point into.

Records carry their evidence but not the whole text, so exports that need it (REFI-QDA,
Label Studio, spaCy, per-document ``.txt`` files) read each source again with the same
reader. A file that changed since extraction (another sha256) or cannot be read is
reported, never paired with offsets that no longer fit it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from samverkan_extract.errors import InputError
from samverkan_extract.limits import DEFAULT_LIMITS, Limits
from samverkan_extract.readers import read_document
from samverkan_extract.schema import Agreement


@dataclass(frozen=True)
class SourceText:
    """An agreement with its normalised text, or why the text could not be had."""

    id: str
    agreement: Agreement
    text: str | None
    problem: str | None = None


def source_text(aid: str, agreement: Agreement, limits: Limits = DEFAULT_LIMITS) -> SourceText:
    """The normalised text of one record's source, checked against its sha256."""
    if not agreement.source.sha256:
        return SourceText(aid, agreement, None, "no source file (a record without evidence)")
    path = Path(agreement.source.path)
    try:
        document = read_document(path, limits)
    except InputError as exc:
        return SourceText(aid, agreement, None, exc.problem)
    if document.sha256 != agreement.source.sha256:
        return SourceText(
            aid, agreement, None, "changed since the record was extracted: extract it again"
        )
    return SourceText(aid, agreement, document.text)


def source_texts(
    items: Iterable[tuple[str, Agreement]],
    limits: Limits = DEFAULT_LIMITS,
    known: dict[str, str] | None = None,
) -> Iterator[SourceText]:
    """Every record's text, in order; ``known`` texts (by id) are used as they are."""
    for aid, agreement in items:
        if known is not None and aid in known:
            yield SourceText(aid, agreement, known[aid])
        else:
            yield source_text(aid, agreement, limits)

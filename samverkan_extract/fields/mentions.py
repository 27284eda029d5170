"""Fields read from what the text mentions: follow-up and related documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, get_args

from samverkan_extract.fields.base import (
    Column,
    Comparison,
    Dimension,
    Field,
    Table,
    compare_groups,
    dimension_label,
    each,
    evidence_columns,
    evidence_values,
    field_label,
    grouped,
    score_scalar,
    score_sets,
    with_details,
)
from samverkan_extract.labels import label
from samverkan_extract.schema import (
    FollowUp,
    FollowUpFrequency,
    RelatedDocument,
    RelatedDocumentType,
)

FOLLOW_UP_FREQUENCIES: tuple[str, ...] = get_args(FollowUpFrequency)
RELATED_DOCUMENT_TYPES: tuple[str, ...] = get_args(RelatedDocumentType)


def _follow_up(fu: FollowUp, lang: str = "sv") -> Any:
    yield (
        "",
        with_details(label("follow_up_frequencies", fu.frequency, lang), [fu.text]),
        fu.evidence,
    )


FOLLOW_UP = Field(
    name="follow_up",
    label=field_label("follow_up"),
    extractor="follow_up",
    show=_follow_up,
    summary=(
        Column(
            "follow_up",
            "string",
            "How often the agreement is followed up.",
            enum=FOLLOW_UP_FREQUENCIES,
            vocabulary="follow_up_frequencies",
        ),
    ),
    summarise=lambda a: (a.follow_up.frequency if a.follow_up else None,),
    compare=lambda a, b: [
        Comparison(
            "follow_up.frequency",
            a.follow_up.frequency if a.follow_up else None,
            b.follow_up.frequency if b.follow_up else None,
        )
    ],
    metrics=("follow_up",),
    score=lambda gold, pred: {
        "follow_up": score_scalar(
            (gold.get("follow_up") or {}).get("frequency"),
            (pred.get("follow_up") or {}).get("frequency"),
        )
    },
    colour="#cfbaf0",
)


def _rows(docs: list[RelatedDocument]) -> Iterable[tuple[Any, ...]]:
    for n, r in enumerate(docs):
        yield (n, r.type, *evidence_values(r.evidence))


RELATED_DOCUMENTS = Field(
    name="related_documents",
    label=field_label("related_documents"),
    extractor="related_documents",
    show=lambda items, lang: each(
        items, lambda d, lang: label("related_document_types", d.type, lang), lang
    ),
    summary=(Column("n_related_documents", "integer", "Number of related document types.", True),),
    summarise=lambda a: (len(a.related_documents),),
    table=Table(
        "related_documents",
        "One row per document type an agreement requires or refers to.",
        (
            Column(
                "type",
                "string",
                "Related document type id of the contract.",
                True,
                RELATED_DOCUMENT_TYPES,
                vocabulary="related_document_types",
            ),
            *evidence_columns("document mention"),
        ),
        _rows,
    ),
    dimensions=(
        Dimension(
            "related_documents",
            dimension_label("related_documents"),
            lambda: RELATED_DOCUMENT_TYPES,
            lambda a: {r.type for r in a.related_documents},
            vocabulary="related_document_types",
        ),
    ),
    compare=lambda a, b: compare_groups(
        "related_documents",
        grouped(a.related_documents, lambda r: r.type, lambda r: r.type),
        grouped(b.related_documents, lambda r: r.type, lambda r: r.type),
        RELATED_DOCUMENT_TYPES,
        by_value=False,
    ),
    metrics=("related_documents",),
    score=lambda gold, pred: {
        "related_documents": score_sets(
            (d["type"] for d in gold.get("related_documents") or []),
            (d["type"] for d in pred.get("related_documents") or []),
        )
    },
    colour="#c7f9cc",
)

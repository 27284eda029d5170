"""Who undertakes what, and what a document is (optional additions of contract v1)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, get_args

from samverkan_extract.fields.base import (
    Column,
    Comparison,
    Counts,
    Crosstab,
    Dimension,
    Field,
    Table,
    compare_groups,
    dimension_label,
    each,
    evidence_columns,
    evidence_values,
    field_label,
    join,
    plain,
    score_matched,
    score_scalar,
    token_set_ratio,
    with_details,
)
from samverkan_extract.fields.parties import PARTY_KINDS
from samverkan_extract.fields.priorities import PRIORITY_CATEGORIES
from samverkan_extract.labels import label
from samverkan_extract.schema import Agreement, Commitment, DocumentType, DocumentTypeItem

DOCUMENT_TYPES: tuple[str, ...] = get_args(DocumentType)


# --- document type --------------------------------------------------------------------------


def _document_type(item: DocumentTypeItem, lang: str = "sv") -> Any:
    yield "", label("document_types", item.value, lang), item.evidence


def _type_of(a: Agreement) -> str | None:
    return a.document_type.value if a.document_type else None


DOCUMENT_TYPE = Field(
    name="document_type",
    label=field_label("document_type"),
    extractor="document_type",
    show=_document_type,
    summary=(
        Column(
            "document_type",
            "string",
            "What the document is: samverkansöverenskommelse, medborgarlöfte, both, or "
            "another agreement.",
            enum=DOCUMENT_TYPES,
            vocabulary="document_types",
        ),
    ),
    summarise=lambda a: (_type_of(a),),
    dimensions=(
        Dimension(
            "document_types",
            dimension_label("document_types"),
            lambda: DOCUMENT_TYPES,
            lambda a: {t} if (t := _type_of(a)) else set(),
            vocabulary="document_types",
        ),
    ),
    compare=lambda a, b: [Comparison("document_type", _type_of(a), _type_of(b))],
    metrics=("document_type",),
    score=lambda gold, pred: {
        "document_type": score_scalar(
            plain(gold.get("document_type")), plain(pred.get("document_type"))
        )
    },
    colour="#ffe5a8",
    optional=True,
)


# --- commitments ----------------------------------------------------------------------------


def _text(c: Commitment, lang: str = "sv") -> str:
    return with_details(
        c.text, [c.party.name, *(label("priority_categories", x, lang) for x in c.categories)]
    )


def _rows(commitments: list[Commitment]) -> Iterable[tuple[Any, ...]]:
    """One row per commitment and category; a commitment with none keeps one row."""
    for n, c in enumerate(commitments):
        for cat in list[str | None](c.categories) or [None]:
            yield (n, c.party.name, join(c.party.kinds), c.text, cat, *evidence_values(c.evidence))


def _by_kind(a: Agreement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in a.commitments:
        for kind in c.party.kinds:
            out.setdefault(kind, []).append(c.text)
    return out


def _match(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> Counts:
    """A gold commitment is found by a predicted one of the same party kinds whose text
    has a token-set ratio of 80 or more with it."""

    def kinds(c: dict[str, Any]) -> frozenset[str]:
        return frozenset((c.get("party") or {}).get("kinds") or [])

    def same(g: dict[str, Any], p: dict[str, Any]) -> bool:
        return kinds(p) == kinds(g) and token_set_ratio(p.get("text", ""), g.get("text", "")) >= 80

    return score_matched(gold, pred, same, lambda c: f"{sorted(kinds(c))}: {c.get('text')}")


COMMITMENTS = Field(
    name="commitments",
    label=field_label("commitments"),
    extractor="commitments",
    show=lambda items, lang: each(items, _text, lang),
    summary=(Column("n_commitments", "integer", "Number of commitments.", True),),
    summarise=lambda a: (len(a.commitments),),
    table=Table(
        "commitments",
        "One row per commitment and category: who undertakes what (a commitment with two "
        "categories gives two rows).",
        (
            Column("party", "string", "The committing party as written.", True),
            Column("party_kinds", "string", "Kinds of party it stands for, joined with '; '."),
            Column("text", "string", "The undertaking as written, without its lead-in.", True),
            Column(
                "category",
                "string",
                "Priority category id of the contract (null if it has none).",
                enum=PRIORITY_CATEGORIES,
                vocabulary="priority_categories",
            ),
            *evidence_columns("commitment"),
        ),
        _rows,
        keyed=False,
    ),
    dimensions=(
        Dimension(
            "commitment_parties",
            dimension_label("commitment_parties"),
            lambda: PARTY_KINDS,
            lambda a: {k for c in a.commitments for k in c.party.kinds},
            vocabulary="party_kinds",
        ),
    ),
    crosstabs=(
        Crosstab(
            "commitments_by_party",
            dimension_label("commitments_by_party"),
            lambda: PARTY_KINDS,
            lambda: PRIORITY_CATEGORIES,
            lambda a: [
                (k, cat) for c in a.commitments for k in c.party.kinds for cat in c.categories
            ],
            row_vocabulary="party_kinds",
            column_vocabulary="priority_categories",
        ),
    ),
    compare=lambda a, b: compare_groups(
        "commitments", _by_kind(a), _by_kind(b), PARTY_KINDS, by_value=True
    ),
    metrics=("commitments",),
    score=lambda gold, pred: {
        "commitments": _match(gold.get("commitments") or [], pred.get("commitments") or [])
    },
    colour="#e9d8a6",
    optional=True,
)

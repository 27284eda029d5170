"""The document's own facts: its title, its date and its reference numbers."""

from __future__ import annotations

from typing import Any, get_args

from samverkan_extract.fields.base import (
    Column,
    Comparison,
    Field,
    each,
    field_label,
    fold,
    join,
    plain,
    score_scalar,
    score_sets,
)
from samverkan_extract.schema import Agreement, Item, Precision

PRECISIONS: tuple[str, ...] = get_args(Precision)


def iso_precision(value: str | None) -> str | None:
    """The precision of an ISO date as the text gave it: "2023-03-24" day, "2020-03" month,
    "2019" year."""
    if not value:
        return None
    return {10: "day", 7: "month", 4: "year"}.get(len(value))


def _item(item: Item, lang: str = "sv") -> Any:
    yield "", item.value, item.evidence


def _value(item: Item | None) -> str | None:
    return item.value if item is not None else None


def _scalar(name: str) -> Any:
    def score(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
        return {name: score_scalar(plain(gold.get(name)), plain(pred.get(name)))}

    return score


TITLE = Field(
    name="title",
    label=field_label("title"),
    extractor="title",
    show=_item,
    summary=(Column("title", "string", "The agreement's own title."),),
    summarise=lambda a: (_value(a.title),),
    compare=lambda a, b: [Comparison("title", _value(a.title), _value(b.title), fold=True)],
    metrics=("title",),
    score=_scalar("title"),
    colour="#ffd98e",
)

DOCUMENT_DATE = Field(
    name="document_date",
    label=field_label("document_date"),
    extractor="document_date",
    show=_item,
    summary=(
        Column(
            "document_date",
            "string",
            "The date the document states for itself (ISO 8601, the precision the text gives).",
            iso_date=True,
        ),
        Column(
            "document_date_precision",
            "string",
            "Precision of document_date: day, month or year.",
            enum=PRECISIONS,
            vocabulary="precisions",
        ),
    ),
    summarise=lambda a: (_value(a.document_date), iso_precision(_value(a.document_date))),
    compare=lambda a, b: [
        Comparison("document_date", _value(a.document_date), _value(b.document_date))
    ],
    metrics=("document_date",),
    score=_scalar("document_date"),
    colour="#f2c6de",
)


def _references(a: Agreement) -> str | None:
    return join(dict.fromkeys(r.value for r in a.reference_numbers))


REFERENCE_NUMBERS = Field(
    name="reference_numbers",
    label=field_label("reference_numbers"),
    extractor="reference_numbers",
    show=lambda items, lang: each(items, lambda r, _: r.value, lang),
    summary=(Column("reference_numbers", "string", "Diarienummer and similar, joined with '; '."),),
    summarise=lambda a: (_references(a),),
    compare=lambda a, b: [
        Comparison("reference_numbers", _references(a), _references(b), fold=True)
    ],
    metrics=("reference_numbers",),
    score=lambda gold, pred: {
        "reference_numbers": score_sets(
            (fold(plain(r)) for r in gold.get("reference_numbers") or []),
            (fold(plain(r)) for r in pred.get("reference_numbers") or []),
        )
    },
    colour="#e3d0ff",
)

"""Priority areas, one row per area and category, and the category matrix."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, get_args

from samverkan_extract.fields.base import (
    Column,
    Dimension,
    Field,
    Table,
    compare_groups,
    dimension_label,
    each,
    evidence_columns,
    evidence_values,
    field_label,
    score_sets,
    with_details,
)
from samverkan_extract.labels import label
from samverkan_extract.schema import Agreement, PriorityArea, PriorityCategory

PRIORITY_CATEGORIES: tuple[str, ...] = get_args(PriorityCategory)


def _rows(areas: list[PriorityArea]) -> Iterable[tuple[Any, ...]]:
    """One row per area and category; an area with no category keeps one row."""
    for n, p in enumerate(areas):
        for cat in list[str | None](p.categories) or [None]:
            yield (n, p.text, cat, *evidence_values(p.evidence))


def _by_category(a: Agreement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in a.priority_areas:
        for c in p.categories:
            out.setdefault(c, []).append(p.text)
    return out


PRIORITY_AREAS = Field(
    name="priority_areas",
    label=field_label("priority_areas"),
    extractor="priority_areas",
    show=lambda items, lang: each(
        items,
        lambda p, lang: with_details(
            p.text, [label("priority_categories", c, lang) for c in p.categories]
        ),
        lang,
    ),
    summary=(Column("n_priority_areas", "integer", "Number of priority areas.", True),),
    summarise=lambda a: (len(a.priority_areas),),
    table=Table(
        "priority_areas",
        "One row per priority area and category (an area with two categories gives two rows).",
        (
            Column("text", "string", "The priority area as written.", True),
            Column(
                "category",
                "string",
                "Priority category id of the contract (null if the area has none).",
                enum=PRIORITY_CATEGORIES,
                vocabulary="priority_categories",
            ),
            *evidence_columns("priority area"),
        ),
        _rows,
        keyed=False,
    ),
    dimensions=(
        Dimension(
            "priority_areas",
            dimension_label("priority_areas"),
            lambda: PRIORITY_CATEGORIES,
            lambda a: {c for p in a.priority_areas for c in p.categories},
            vocabulary="priority_categories",
        ),
    ),
    compare=lambda a, b: compare_groups(
        "priority_areas", _by_category(a), _by_category(b), PRIORITY_CATEGORIES, by_value=False
    ),
    metrics=("priority_categories",),
    score=lambda gold, pred: {
        "priority_categories": score_sets(
            (c for a in gold.get("priority_areas") or [] for c in a["categories"]),
            (c for a in pred.get("priority_areas") or [] for c in a["categories"]),
        )
    },
    colour="#ffcfd2",
)

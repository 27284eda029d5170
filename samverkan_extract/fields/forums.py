"""Forums and standing methods, how often they meet, and the forum-type matrix."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, get_args

from samverkan_extract.fields.base import (
    Column,
    Comparison,
    Counts,
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
    score_sets,
    with_details,
)
from samverkan_extract.labels import label, text
from samverkan_extract.schema import Agreement, Forum, ForumType

FORUM_TYPES: tuple[str, ...] = get_args(ForumType)


def _text(f: Forum, lang: str = "sv") -> str:
    freq = (
        f"{f.meetings_per_year:g}{text('per_year', lang)}"
        if f.meetings_per_year is not None
        else None
    )
    return with_details(f.name, [label("forum_types", f.type, lang), freq])


def _rows(forums: list[Forum]) -> Iterable[tuple[Any, ...]]:
    for n, f in enumerate(forums):
        yield (
            n,
            f.name,
            f.type,
            f.meetings_per_year,
            f.frequency_text,
            *evidence_values(f.evidence),
        )


def _meetings(a: Agreement, forum_type: str) -> str | None:
    values = sorted(
        {
            f.meetings_per_year
            for f in a.forums
            if f.type == forum_type and f.meetings_per_year is not None
        }
    )
    return "; ".join(f"{v:g}" for v in values) or None


def _compare(a: Agreement, b: Agreement) -> Iterator[Comparison]:
    fa = grouped(a.forums, lambda f: f.type, lambda f: f.name)
    fb = grouped(b.forums, lambda f: f.type, lambda f: f.name)
    yield from compare_groups("forums", fa, fb, FORUM_TYPES, by_value=False)
    for t in FORUM_TYPES:
        if t in fa and t in fb:
            yield Comparison(f"forums.{t}.meetings_per_year", _meetings(a, t), _meetings(b, t))


def _score_meetings(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> Counts:
    """Meetings per year, for the gold forums that state them: found when a predicted forum
    of the same type states the same number."""
    counts = Counts()
    for g in gold:
        if g.get("meetings_per_year") is None:
            continue
        stated = [p.get("meetings_per_year") for p in pred if p["type"] == g["type"]]
        if any(v is not None and abs(v - g["meetings_per_year"]) < 1e-6 for v in stated):
            counts.tp += 1
        else:
            counts.fn += 1
            counts.missed.append(f"{g['type']}: {g['meetings_per_year']:g}/year")
            if any(v is not None for v in stated):
                counts.fp += 1
                counts.extra.append(f"{g['type']}: {stated}")
    return counts


def _score(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Counts]:
    gf, pf = gold.get("forums") or [], pred.get("forums") or []
    return {
        "forums": score_sets((f["type"] for f in gf), (f["type"] for f in pf)),
        "forum_meetings": _score_meetings(gf, pf),
    }


FORUMS = Field(
    name="forums",
    label=field_label("forums"),
    extractor="forums",
    show=lambda items, lang: each(items, _text, lang),
    summary=(Column("n_forums", "integer", "Number of forums.", True),),
    summarise=lambda a: (len(a.forums),),
    table=Table(
        "forums",
        "One row per collaboration forum an agreement sets up or uses.",
        (
            Column("name", "string", "The forum's name as written.", True),
            Column(
                "type",
                "string",
                "Forum type id of the contract.",
                True,
                FORUM_TYPES,
                vocabulary="forum_types",
            ),
            Column("meetings_per_year", "number", "Meetings per year, when stated."),
            Column("frequency_text", "string", "The frequency as written."),
            *evidence_columns("forum"),
        ),
        _rows,
    ),
    dimensions=(
        Dimension(
            "forums",
            dimension_label("forums"),
            lambda: FORUM_TYPES,
            lambda a: {f.type for f in a.forums},
            vocabulary="forum_types",
        ),
    ),
    compare=_compare,
    metrics=("forums", "forum_meetings"),
    score=_score,
    colour="#90dbf4",
)

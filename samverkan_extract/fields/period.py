"""The validity period, and the day arithmetic the tables and filters do with it."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from samverkan_extract.dates import iso_to_date, period_years
from samverkan_extract.fields.base import Column, Comparison, Field, field_label, score_scalar
from samverkan_extract.labels import label, text
from samverkan_extract.schema import Agreement, Period, Precision

PRECISIONS: tuple[str, ...] = get_args(Precision)


def period_bounds(agreement: Agreement) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of validity; ``None`` where the text does not say."""
    p = agreement.period
    if p is None:
        return None, None
    return iso_to_date(p.start), iso_to_date(p.end, end=True)


def in_force_on(agreement: Agreement, day: dt.date) -> bool:
    """True when the stated period covers ``day``. An open end ("tills vidare") runs on;
    an unknown start cannot be shown to cover anything, so it never does."""
    start, end = period_bounds(agreement)
    return start is not None and start <= day and (end is None or day <= end)


def _show(p: Period, lang: str = "sv") -> Any:
    end = p.end or (text("open_ended", lang) if p.open_ended else "?")
    precision = label("precisions", p.precision, lang)
    yield "", f"{p.start or '?'} – {end} ({precision})", p.evidence


def _summarise(a: Agreement) -> tuple[Any, ...]:
    start, end = period_bounds(a)
    return (
        start,
        end,
        a.period.precision if a.period else None,
        period_years(start, end),
        bool(a.period and a.period.open_ended),
    )


def _compare(a: Agreement, b: Agreement) -> list[Comparison]:
    return [
        Comparison(
            f"period.{part}",
            getattr(a.period, part) if a.period else None,
            getattr(b.period, part) if b.period else None,
        )
        for part in ("start", "end", "precision")
    ] + [
        Comparison(
            "period.open_ended",
            "open-ended" if a.period and a.period.open_ended else None,
            "open-ended" if b.period and b.period.open_ended else None,
        )
    ]


def _score(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    gp, pp = gold.get("period") or {}, pred.get("period") or {}
    scores = {
        "period_start": score_scalar(gp.get("start"), pp.get("start")),
        "period_end": score_scalar(gp.get("end"), pp.get("end")),
    }
    if "open_ended" in gp:  # an optional addition: scored where the gold states it
        scores["period_open_ended"] = score_scalar(
            gp["open_ended"] or None, pp.get("open_ended") or None
        )
    return scores


PERIOD = Field(
    name="period",
    label=field_label("period"),
    extractor="period",
    show=_show,
    summary=(
        Column("period_start", "date", "First day of validity."),
        Column("period_end", "date", "Last day of validity; null when open-ended or not stated."),
        Column(
            "period_precision",
            "string",
            "Precision the period was written with.",
            enum=PRECISIONS,
            vocabulary="precisions",
        ),
        Column("years", "number", "Length of the period in years (days / 365.25)."),
        Column(
            "open_ended",
            "boolean",
            "True when the text says the period runs on ('tills vidare', 'löpande') with no end.",
            True,
        ),
    ),
    summarise=_summarise,
    compare=_compare,
    metrics=("period_start", "period_end", "period_open_ended"),
    score=_score,
    colour="#a6e3e9",
)

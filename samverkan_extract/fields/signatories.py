"""Signatories, their roles (``data/signatory_roles.toml``) and the role matrix."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import regex

from samverkan_extract.fields.base import (
    Column,
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
    fold,
    ratio,
    score_sets,
    with_details,
)
from samverkan_extract.fields.meta import PRECISIONS, iso_precision
from samverkan_extract.knowledge import knowledge
from samverkan_extract.labels import ROLES
from samverkan_extract.schema import Agreement, Signatory


def signatory_role_ids() -> tuple[str, ...]:
    return tuple(r.id for r in knowledge().roles)


def _role(s: Signatory) -> str:
    return knowledge().signatory_role(s.title)


def _text(s: Signatory, lang: str = "sv") -> str:
    return with_details(s.name, [s.title, s.organization, s.signed_place, s.signed_date])


def _rows(signatories: list[Signatory]) -> Iterable[tuple[Any, ...]]:
    for n, s in enumerate(signatories):
        yield (
            n,
            s.name,
            s.title,
            _role(s),
            s.organization,
            s.signed_date,
            iso_precision(s.signed_date),
            s.signed_place,
            *evidence_values(s.evidence),
        )


def _by_role(a: Agreement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in a.signatories:
        out.setdefault(_role(s), []).append(s.name)
    return {k: sorted(v, key=fold) for k, v in out.items()}


def _score(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Counts]:
    """Signatories by folded name (spaces dropped), titles fuzzily (ratio 85 or more),
    and (name, signed date) pairs."""
    gs, ps = gold.get("signatories") or [], pred.get("signatories") or []

    def name(s: dict[str, Any]) -> str:
        return regex.sub(r"\s+", "", fold(s.get("name", "")))

    by_name = {name(s): s for s in ps}
    titles = Counts()
    for g in gs:
        p = by_name.get(name(g))
        if p is None or not g.get("title"):
            continue
        if p.get("title") and ratio(g["title"], p["title"]) >= 85:
            titles.tp += 1
        else:
            titles.fn += 1
            titles.missed.append(f"{g['name']}: {g['title']}")
            if p.get("title"):
                titles.fp += 1
                titles.extra.append(f"{p['name']}: {p['title']}")
    return {
        "signatories": score_sets((name(s) for s in gs), (name(s) for s in ps)),
        "signatory_titles": titles,
        "signatory_dates": score_sets(
            ((name(s), s.get("signed_date")) for s in gs),
            ((name(s), s.get("signed_date")) for s in ps),
        ),
    }


SIGNATORIES = Field(
    name="signatories",
    label=field_label("signatories"),
    extractor="signatories",
    show=lambda items, lang: each(items, _text, lang),
    summary=(Column("n_signatories", "integer", "Number of signatories.", True),),
    summarise=lambda a: (len(a.signatories),),
    table=Table(
        "signatories",
        "One row per person who signs, with the role normalised.",
        (
            Column("name", "string", "The person who signs.", True),
            Column("title", "string", "The role as written."),
            Column(
                "role",
                "string",
                "The role normalised by data/signatory_roles.toml.",
                True,
                signatory_role_ids(),
                vocabulary=ROLES,
            ),
            Column("organization", "string", "The party or body under the name."),
            Column(
                "signed_date",
                "string",
                "Date of signing (ISO 8601, the precision the text gives).",
                iso_date=True,
            ),
            Column(
                "signed_date_precision",
                "string",
                "Precision of signed_date: day, month or year.",
                enum=PRECISIONS,
                vocabulary="precisions",
            ),
            Column("signed_place", "string", "Place of signing."),
            *evidence_columns("signatory"),
        ),
        _rows,
    ),
    dimensions=(
        Dimension(
            "signatory_roles",
            dimension_label("signatory_roles"),
            signatory_role_ids,
            lambda a: {_role(s) for s in a.signatories},
            vocabulary=ROLES,
        ),
    ),
    compare=lambda a, b: compare_groups(
        "signatories", _by_role(a), _by_role(b), signatory_role_ids(), by_value=True
    ),
    metrics=("signatories", "signatory_titles", "signatory_dates"),
    score=_score,
    colour="#fde4cf",
)

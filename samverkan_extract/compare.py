"""Comparing agreements: presence matrices, field-by-field differences, validity
timelines and how common each forum type and priority category is.

Matrices always have a column for every id of the contract, so an id that no agreement
uses shows as a column of zeros and matrices of different corpora line up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Literal

import pandas as pd

from samverkan_extract.corpus import (
    FORUM_TYPES,
    PRIORITY_CATEGORIES,
    RELATED_DOCUMENT_TYPES,
    Corpus,
    signatory_role,
    signatory_role_ids,
    signatory_roles,
)
from samverkan_extract.knowledge import knowledge
from samverkan_extract.schema import Agreement

MatrixKind = Literal["forums", "priority_areas", "related_documents", "signatory_roles"]
MATRIX_KINDS: tuple[str, ...] = ("forums", "priority_areas", "related_documents", "signatory_roles")


def _present(kind: str) -> tuple[tuple[str, ...], Callable[[Agreement], set[str]]]:
    """The ids of a dimension and what an agreement has of them."""
    if kind == "forums":
        return FORUM_TYPES, lambda a: {f.type for f in a.forums}
    if kind == "priority_areas":
        return PRIORITY_CATEGORIES, lambda a: {c for p in a.priority_areas for c in p.categories}
    if kind == "related_documents":
        return RELATED_DOCUMENT_TYPES, lambda a: {r.type for r in a.related_documents}
    if kind == "signatory_roles":
        return signatory_role_ids(), lambda a: {signatory_role(s.title) for s in a.signatories}
    raise ValueError(f"unknown matrix {kind!r}: choose one of {', '.join(MATRIX_KINDS)}")


def matrix(
    corpus: Corpus,
    kind: MatrixKind | str = "forums",
    by: Literal["agreement", "municipality"] | str = "agreement",
) -> pd.DataFrame:
    """0/1 presence: rows are agreements (by id) or municipalities (by name; 1 when any
    of its agreements has the id), columns every id of the dimension."""
    ids, present = _present(kind)
    if by == "agreement":
        rows = {aid: present(a) for aid, a in corpus.items()}
        index_name = "agreement_id"
    elif by == "municipality":
        rows = {}
        for a in corpus:
            have = present(a)
            for m in a.municipalities:
                rows.setdefault(m.name, set()).update(have)
        index_name = "municipality"
    else:
        raise ValueError(f"unknown grouping {by!r}: choose 'agreement' or 'municipality'")
    data = [[int(i in have) for i in ids] for have in rows.values()]
    return pd.DataFrame(
        data,
        index=pd.Index(list(rows), name=index_name, dtype="string"),
        columns=pd.Index(list(ids), name=kind),
        dtype="int64",
    )


def summary(corpus: Corpus) -> pd.DataFrame:
    """How many agreements have each forum type, priority category, related document
    type and signatory role, and what share of the corpus that is."""
    labels = {r.id: r.label for r in signatory_roles()}
    frames = []
    for kind in MATRIX_KINDS:
        counts = matrix(corpus, kind).sum(axis=0)
        frames.append(
            pd.DataFrame(
                {
                    "dimension": kind,
                    "id": counts.index,
                    "label": [
                        labels.get(i, i) if kind == "signatory_roles" else i for i in counts.index
                    ],
                    "count": counts.to_numpy(dtype="int64"),
                    "share": counts.to_numpy(dtype="float64") / len(corpus)
                    if len(corpus)
                    else float("nan"),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["dimension"] = pd.Categorical(out["dimension"], categories=list(MATRIX_KINDS))
    return out


def timeline(corpus: Corpus) -> pd.DataFrame:
    """Start and end of validity per agreement, earliest start first; agreements that
    state no period come last with empty dates."""
    t = corpus.agreements_table()
    out = t[
        [
            "agreement_id",
            "title",
            "municipalities",
            "period_start",
            "period_end",
            "period_precision",
            "years",
            "open_ended",
        ]
    ].rename(
        columns={"period_start": "start", "period_end": "end", "period_precision": "precision"}
    )
    return out.sort_values(
        ["start", "agreement_id"], na_position="last", kind="stable"
    ).reset_index(drop=True)


def in_force(corpus: Corpus, date: dt.date | str) -> Corpus:
    """The agreements whose stated period covers ``date`` (an open end runs on)."""
    return corpus.filter(valid_on=date)


# --- differences ------------------------------------------------------------------------

DIFF_COLUMNS = ["field", "change", "value_a", "value_b"]


def diff(a: Agreement, b: Agreement, *, include_same: bool = False) -> pd.DataFrame:
    """What changes from ``a`` to ``b``, one row per field (or per forum type, priority
    category, party kind, signatory role, document type): ``added`` when only ``b`` has
    it, ``removed`` when only ``a`` has it, ``changed`` when both differ."""
    rows: list[tuple[str, str, str | None, str | None]] = []

    def compare(
        field: str, va: str | None, vb: str | None, key: Callable[[str], str] = str
    ) -> None:
        if va is None and vb is None:
            return
        if va is None:
            rows.append((field, "added", va, vb))
        elif vb is None:
            rows.append((field, "removed", va, vb))
        elif key(va) != key(vb):
            rows.append((field, "changed", va, vb))
        elif include_same:
            rows.append((field, "same", va, vb))

    def compare_groups(
        prefix: str,
        ga: dict[str, list[str]],
        gb: dict[str, list[str]],
        order: Iterable[str],
        *,
        by_value: bool,
    ) -> None:
        fold = _fold if by_value else (lambda _: "")
        for k in _ordered(order, ga, gb):
            va = _join(ga.get(k))
            vb = _join(gb.get(k))
            compare(f"{prefix}.{k}", va, vb, key=fold)

    compare("title", _value(a.title), _value(b.title), key=_fold)
    compare("document_date", _value(a.document_date), _value(b.document_date))
    compare(
        "reference_numbers",
        _join([r.value for r in a.reference_numbers]),
        _join([r.value for r in b.reference_numbers]),
        key=_fold,
    )
    for part in ("start", "end", "precision"):
        compare(
            f"period.{part}",
            getattr(a.period, part) if a.period else None,
            getattr(b.period, part) if b.period else None,
        )
    kinds = ("municipality", "police", "prison_probation", "other")
    compare_groups("parties", _parties(a), _parties(b), kinds, by_value=True)
    fa, fb = _group(a.forums, "type", "name"), _group(b.forums, "type", "name")
    compare_groups("forums", fa, fb, FORUM_TYPES, by_value=False)
    for t in _ordered(FORUM_TYPES, fa, fb):
        if t in fa and t in fb:
            compare(f"forums.{t}.meetings_per_year", _meetings(a, t), _meetings(b, t))
    compare_groups(
        "priority_areas",
        _priorities(a),
        _priorities(b),
        PRIORITY_CATEGORIES,
        by_value=False,
    )
    compare_groups(
        "signatories", _signatories(a), _signatories(b), signatory_role_ids(), by_value=True
    )
    compare_groups(
        "related_documents",
        _group(a.related_documents, "type", "type"),
        _group(b.related_documents, "type", "type"),
        RELATED_DOCUMENT_TYPES,
        by_value=False,
    )
    compare(
        "follow_up.frequency",
        a.follow_up.frequency if a.follow_up else None,
        b.follow_up.frequency if b.follow_up else None,
    )
    df = pd.DataFrame(rows, columns=DIFF_COLUMNS).astype("string")
    df["change"] = pd.Categorical(df["change"], categories=["added", "removed", "changed", "same"])
    return df


def _value(item: object) -> str | None:
    return getattr(item, "value", None)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _join(values: list[str] | None) -> str | None:
    if not values:
        return None
    return "; ".join(dict.fromkeys(values))


def _ordered(order: Iterable[str], *groups: dict[str, list[str]]) -> list[str]:
    known = list(order)
    extra = [k for g in groups for k in g if k not in known]
    return [k for k in [*known, *dict.fromkeys(extra)] if any(k in g for g in groups)]


def _group(items: Iterable[object], key: str, value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        out.setdefault(getattr(item, key), []).append(str(getattr(item, value)))
    return out


def _parties(a: Agreement) -> dict[str, list[str]]:
    """Parties by kind, named in a normalised way so forms of one name compare equal."""
    munis = knowledge().municipalities
    out: dict[str, list[str]] = {}
    for p in a.parties:
        if p.kind == "municipality" and p.municipality_code in munis:
            label = f"{munis[p.municipality_code].name} ({p.municipality_code})"
        elif p.kind == "police" and p.police_area:
            label = f"Lokalpolisområde {p.police_area}"
        else:
            label = p.name
        out.setdefault(p.kind, []).append(label)
    return {k: sorted(v, key=_fold) for k, v in out.items()}


def _meetings(a: Agreement, forum_type: str) -> str | None:
    values = sorted(
        {
            f.meetings_per_year
            for f in a.forums
            if f.type == forum_type and f.meetings_per_year is not None
        }
    )
    return "; ".join(f"{v:g}" for v in values) or None


def _priorities(a: Agreement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in a.priority_areas:
        for c in p.categories:
            out.setdefault(c, []).append(p.text)
    return out


def _signatories(a: Agreement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in a.signatories:
        out.setdefault(signatory_role(s.title), []).append(s.name)
    return {k: sorted(v, key=_fold) for k, v in out.items()}

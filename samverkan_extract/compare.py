"""Comparing agreements: presence matrices, field-by-field differences, validity
timelines and how common each forum type and priority category is.

Matrices always have a column for every id of the dimension (the dimensions are
declared by the fields: forum types, priority categories, signatory roles, related
document types), so an id that no agreement uses shows as a column of zeros and
matrices of different corpora line up. A ``Corpus`` offers each of these as a method.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol, Self

import pandas as pd

from samverkan_extract.fields import FIELDS, Comparison, Dimension, dimensions
from samverkan_extract.knowledge import knowledge
from samverkan_extract.schema import Agreement
from samverkan_extract.tables import Records

MatrixKind = str
MATRIX_KINDS: tuple[str, ...] = tuple(d.name for d in dimensions())


class Corpus(Records, Protocol):
    """What the comparisons read of a corpus (``samverkan_extract.corpus.Corpus``)."""

    def agreements_table(self) -> pd.DataFrame: ...

    def filter(self, *, valid_on: dt.date | str | None = None) -> Self: ...


def dimension(kind: str) -> Dimension:
    for d in dimensions():
        if d.name == kind:
            return d
    raise ValueError(f"unknown matrix {kind!r}: choose one of {', '.join(MATRIX_KINDS)}")


def matrix(
    corpus: Records,
    kind: MatrixKind = "forums",
    by: Literal["agreement", "municipality"] | str = "agreement",
) -> pd.DataFrame:
    """0/1 presence: rows are agreements (by id) or municipalities (by name; 1 when any
    of its agreements has the id), columns every id of the dimension."""
    d = dimension(kind)
    ids = d.ids()
    rows: dict[str, set[str]]
    if by == "agreement":
        rows = {aid: d.present(a) for aid, a in corpus.items()}
        index_name = "agreement_id"
    elif by == "municipality":
        rows = {}
        for _, a in corpus.items():
            have = d.present(a)
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


def summary(corpus: Records) -> pd.DataFrame:
    """How many agreements have each id of every dimension, and what share that is."""
    labels = {r.id: r.label for r in knowledge().roles}
    frames = []
    n = len(corpus)
    for d in dimensions():
        counts = matrix(corpus, d.name).sum(axis=0)
        frames.append(
            pd.DataFrame(
                {
                    "dimension": d.name,
                    "id": counts.index,
                    "label": [labels.get(i, i) for i in counts.index],
                    "count": counts.to_numpy(dtype="int64"),
                    "share": counts.to_numpy(dtype="float64") / n if n else float("nan"),
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
    rows = [
        row
        for f in FIELDS
        for c in f.compare(a, b)
        if (row := _change(c, include_same)) is not None
    ]
    df = pd.DataFrame(rows, columns=DIFF_COLUMNS).astype("string")
    df["change"] = pd.Categorical(df["change"], categories=["added", "removed", "changed", "same"])
    return df


def _change(c: Comparison, include_same: bool) -> tuple[str, str, str | None, str | None] | None:
    if c.a is None and c.b is None:
        return None
    if c.a is None:
        return (c.path, "added", c.a, c.b)
    if c.b is None:
        return (c.path, "removed", c.a, c.b)
    same = c.presence_only or (_fold(c.a) == _fold(c.b) if c.fold else c.a == c.b)
    if not same:
        return (c.path, "changed", c.a, c.b)
    return (c.path, "same", c.a, c.b) if include_same else None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())

"""Comparing agreements: presence matrices, field-by-field differences, validity
timelines and how common each forum type and priority category is.

Matrices always have a column for every id of the dimension (the dimensions are
declared by the fields: forum types, priority categories, signatory roles, related
document types), so an id that no agreement uses shows as a column of zeros and
matrices of different corpora line up. A ``Corpus`` offers each of these as a method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, Self

import pandas as pd

from samverkan_extract.dates import as_date
from samverkan_extract.fields import FIELDS, Comparison, Crosstab, Dimension, crosstabs, dimensions
from samverkan_extract.fields.base import fold
from samverkan_extract.fields.parties import agreement_counties, agreement_regions
from samverkan_extract.fields.period import in_force_on, period_bounds
from samverkan_extract.labels import check_lang, label, labeller, period_text, text
from samverkan_extract.schema import Agreement
from samverkan_extract.tables import Records

MatrixKind = str
MATRIX_KINDS: tuple[str, ...] = tuple(d.name for d in dimensions())
CROSSTABS: tuple[str, ...] = tuple(c.name for c in crosstabs())
#: How a matrix groups agreements: one row per agreement, or per place.
GROUPINGS: tuple[str, ...] = ("agreement", "municipality", "county", "police_region", "police_area")
Grouping = Literal["agreement", "municipality", "county", "police_region", "police_area"]
How = Literal["any", "count", "share"]


class Corpus(Records, Protocol):
    """What the comparisons read of a corpus (``samverkan_extract.corpus.Corpus``)."""

    def agreements_table(self) -> pd.DataFrame: ...

    def filter(self, *, valid_on: dt.date | str | None = None) -> Self: ...


def dimension(kind: str) -> Dimension:
    for d in dimensions():
        if d.name == kind:
            return d
    raise ValueError(f"unknown matrix {kind!r}: choose one of {', '.join(MATRIX_KINDS)}")


# --- names of agreements and places ---------------------------------------------------------


def agreement_name(agreement: Agreement, aid: str = "", lang: str = "sv") -> str:
    """An agreement as people name it: "Ystads kommun (2024–2027)"; its title, or its id,
    when it names no municipality."""
    munis = ", ".join(m.name for m in agreement.municipalities)
    who = munis or (agreement.title.value if agreement.title else "") or aid
    start, end = period_bounds(agreement)
    years = period_text(start, end, bool(agreement.period and agreement.period.open_ended), lang)
    return f"{who} ({years})" if years else who


def agreement_names(corpus: Records, lang: str = "sv") -> dict[str, str]:
    """Every agreement's name by id, made unique: a repeated name gets its id after it."""
    names = {aid: agreement_name(a, aid, lang) for aid, a in corpus.items()}
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {aid: name if seen[name] == 1 else f"{name} [{aid}]" for aid, name in names.items()}


def places(agreement: Agreement, by: str) -> list[str]:
    """The places an agreement belongs to, by municipality, county, police region or
    lokalpolisområde (an agreement of three municipalities belongs to each)."""
    if by == "municipality":
        return list(dict.fromkeys(m.name for m in agreement.municipalities))
    if by == "county":
        return agreement_counties(agreement)
    if by == "police_region":
        return agreement_regions(agreement)
    if by == "police_area":
        return list(
            dict.fromkeys(
                p.police_area for p in agreement.parties if p.kind == "police" and p.police_area
            )
        )
    raise ValueError(f"unknown grouping {by!r}: choose one of {', '.join(GROUPINGS)}")


# --- matrices ---------------------------------------------------------------------------------


def matrix(
    corpus: Records,
    kind: MatrixKind = "forums",
    by: Grouping | str = "agreement",
    *,
    how: How | str = "any",
    lang: str | None = None,
) -> pd.DataFrame:
    """Presence of every id of a dimension (forum types, priority categories, ...).

    Rows are agreements (by id), or places (``by``: municipality, county, police_region,
    police_area; an agreement counts for each of its places). ``how``: ``any`` gives 1
    where the agreement (or any agreement of the place) has the id, ``count`` how many
    agreements of the place have it, ``share`` what share of them. Columns are every id of
    the dimension. With ``lang`` ("sv", "en") columns and agreements are named for people
    (labels, "Ystads kommun (2024–2027)") instead of by id.
    """
    d = dimension(kind)
    if how not in ("any", "count", "share"):
        raise ValueError(f"unknown how {how!r}: choose 'any', 'count' or 'share'")
    ids = d.ids()
    position = {i: n for n, i in enumerate(ids)}
    rows: dict[str, list[int]] = {}
    sizes: dict[str, int] = {}
    if by == "agreement":
        for aid, a in corpus.items():
            row = [0] * len(ids)
            for i in d.present(a):
                row[position[i]] = 1
            rows[aid] = row
            sizes[aid] = 1
        index_name = "agreement_id"
    elif by in GROUPINGS:
        for _, a in corpus.items():
            have = [position[i] for i in d.present(a)]
            for place in places(a, by):
                row = rows.setdefault(place, [0] * len(ids))
                sizes[place] = sizes.get(place, 0) + 1
                for p in have:
                    row[p] += 1
        index_name = by
    else:
        raise ValueError(f"unknown grouping {by!r}: choose one of {', '.join(GROUPINGS)}")
    if by != "agreement":
        rows = dict(sorted(rows.items(), key=lambda kv: fold(kv[0])))
    data: list[list[float]] | list[list[int]]
    if how == "share":
        data = [[v / sizes[k] for v in row] for k, row in rows.items()]
        dtype = "float64"
    elif how == "count" or by == "agreement":
        data, dtype = list(rows.values()), "int64"
    else:
        data, dtype = [[int(v > 0) for v in row] for row in rows.values()], "int64"
    index = list(rows)
    columns = list(ids)
    if lang is not None:
        check_lang(lang)
        if by == "agreement":
            names = agreement_names(corpus, lang)
            index = [names[i] for i in index]
            index_name = text("agreement", lang)
        else:
            index_name = label("groupings", by, lang)
        columns = [labeller(d.vocabulary, lang)(i) for i in ids]
    return pd.DataFrame(
        data if data else None,
        index=pd.Index(index, name=index_name, dtype="string"),
        columns=pd.Index(columns, name=kind if lang is None else d.label(lang)),
        dtype=dtype,
    )


def crosstab(
    corpus: Records, name: str = "commitments_by_party", *, lang: str | None = None
) -> pd.DataFrame:
    """Counts of items by two ids (commitments by party kind x priority category); every
    id of each side is a row or column, so tables of different corpora line up."""
    table = _crosstab(name)
    rows, cols = table.rows(), table.columns()
    rpos = {r: n for n, r in enumerate(rows)}
    cpos = {c: n for n, c in enumerate(cols)}
    data = [[0] * len(cols) for _ in rows]
    for _, a in corpus.items():
        for r, c in table.pairs(a):
            data[rpos[r]][cpos[c]] += 1
    index, columns = list(rows), list(cols)
    if lang is not None:
        check_lang(lang)
        index = [labeller(table.row_vocabulary, lang)(r) for r in rows]
        columns = [labeller(table.column_vocabulary, lang)(c) for c in cols]
    return pd.DataFrame(
        data,
        index=pd.Index(index, name=table.row_vocabulary or "row", dtype="string"),
        columns=pd.Index(columns, name=table.column_vocabulary or "column"),
        dtype="int64",
    )


def _crosstab(name: str) -> Crosstab:
    for c in crosstabs():
        if c.name == name:
            return c
    raise ValueError(f"unknown cross table {name!r}: choose one of {', '.join(CROSSTABS)}")


def summary(corpus: Records, *, lang: str = "sv", keep_duplicates: bool = False) -> pd.DataFrame:
    """How many agreements have each id of every dimension, and what share that is, with
    each dimension's and id's label. Likely duplicates (``duplicates``) count once unless
    ``keep_duplicates``."""
    check_lang(lang)
    counted = corpus if keep_duplicates else _unique(corpus)
    frames = []
    n = len(counted)
    for d in dimensions():
        counts = matrix(counted, d.name).sum(axis=0)
        name = labeller(d.vocabulary, lang)
        frames.append(
            pd.DataFrame(
                {
                    "dimension": d.name,
                    "dimension_label": d.label(lang),
                    "id": counts.index,
                    "label": [name(i) for i in counts.index],
                    "count": counts.to_numpy(dtype="int64"),
                    "share": counts.to_numpy(dtype="float64") / n if n else float("nan"),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["dimension"] = pd.Categorical(out["dimension"], categories=list(MATRIX_KINDS))
    return out


# --- likely duplicates ------------------------------------------------------------------------


def duplicates(corpus: Records) -> list[list[str]]:
    """Groups of agreement ids that are likely the same agreement, the first of each the
    one kept: the same file (sha256), or the same municipalities, period and title (the
    same agreement as PDF and as DOCX). Groups are in corpus order."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_by_key: dict[tuple[object, ...], str] = {}
    order = []
    for aid, a in corpus.items():
        parent[aid] = aid
        order.append(aid)
        for key in _duplicate_keys(a):
            if key in first_by_key:
                root, mine = find(first_by_key[key]), find(aid)
                if root != mine:
                    parent[mine] = root
            else:
                first_by_key[key] = aid
    groups: dict[str, list[str]] = {}
    for aid in order:
        groups.setdefault(find(aid), []).append(aid)
    return [g for g in groups.values() if len(g) > 1]


def _duplicate_keys(a: Agreement) -> Iterable[tuple[object, ...]]:
    if a.source.sha256:
        yield ("sha256", a.source.sha256)
    codes = tuple(sorted(m.code for m in a.municipalities))
    if codes and a.title and a.period and (a.period.start or a.period.end):
        yield ("same", codes, a.period.start, a.period.end, fold(a.title.value))


def duplicate_ids(corpus: Records) -> dict[str, str]:
    """Each likely duplicate's id and the id of the agreement it repeats (the one kept)."""
    return {dup: group[0] for group in duplicates(corpus) for dup in group[1:]}


class _Subset:
    def __init__(self, items: Sequence[tuple[str, Agreement]]) -> None:
        self._items = list(items)

    def items(self) -> Iterable[tuple[str, Agreement]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _unique(corpus: Records) -> Records:
    dropped = duplicate_ids(corpus)
    if not dropped:
        return corpus
    return _Subset([(aid, a) for aid, a in corpus.items() if aid not in dropped])


def in_force_today(corpus: Records, day: dt.date | str | None = None) -> list[str]:
    """Ids of the agreements in force on ``day`` (default today)."""
    when = as_date(day) if day is not None else dt.date.today()
    return [aid for aid, a in corpus.items() if in_force_on(a, when)]


def timeline(corpus: Corpus, *, day: dt.date | str | None = None, lang: str = "sv") -> pd.DataFrame:
    """Start and end of validity per agreement, earliest start first; agreements that
    state no period come last with empty dates. ``name`` is the agreement as people name
    it ("Ystads kommun (2024–2027)"), ``in_force`` whether it is in force on ``day``
    (default today)."""
    t = corpus.agreements_table()
    names = agreement_names(corpus, lang)
    t["name"] = pd.array([names[i] for i in t["agreement_id"]], dtype="string")
    current = set(in_force_today(corpus, day))
    t["in_force"] = pd.array([i in current for i in t["agreement_id"]], dtype="bool")
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
            "name",
            "in_force",
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

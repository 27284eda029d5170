"""What a field of the contract declares, once, for every part of the package.

A ``Field`` names the attribute of ``Agreement`` it fills and the extractor that fills it
(by its registered name, so the declaration imports no extractor), and says how its
value is shown (display, report, annotation exports), which columns and rows it gives
the tidy tables, which ids it puts on a presence matrix, how two records differ on it,
and how a prediction is scored against gold. Extraction, display, report, tables,
matrices, diff and evaluate all iterate over ``FIELDS`` and know no field by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from samverkan_extract.labels import Label, vocabulary
from samverkan_extract.schema import Agreement, Evidence

Row = tuple[Any, ...]


def field_label(name: str) -> Label:
    """A field's label, from ``data/labels.toml`` (``[fields]``)."""
    return vocabulary("fields")[name]


def dimension_label(name: str) -> Label:
    """A matrix's label, from ``data/labels.toml`` (``[dimensions]``)."""
    return vocabulary("dimensions")[name]


@dataclass(frozen=True)
class Column:
    """One column of a tidy table: its Frictionless type, meaning and allowed values.

    ``vocabulary`` names the labels of its ids (``data/labels.toml``), for views that show
    labels beside them; ``iso_date`` marks a string column holding an ISO date at the
    precision the text gives ("2023-03-24", "2020-03", "2019"), which a spreadsheet
    shows as a date where it is a full one."""

    name: str
    type: str  # Frictionless: string, integer, number, boolean, date
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    vocabulary: str | None = None
    iso_date: bool = False


@dataclass(frozen=True)
class Shown:
    """One value as people read it: where it is in the record, named like its field
    ("title", "forums[0]"), what it says, and the evidence it was read from."""

    field: str
    text: str
    evidence: Evidence | None


@dataclass(frozen=True)
class Table:
    """A long table with one row per item of a list field (or more: an area per category).
    ``rows`` gives ``(position, *values)`` for the columns after ``agreement_id`` and
    ``position``; ``keyed`` says whether (agreement_id, position) identifies a row."""

    name: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Any], Iterable[Row]]
    keyed: bool = True


@dataclass(frozen=True)
class Dimension:
    """A presence matrix: the ids of a dimension and which of them an agreement has;
    ``vocabulary`` names the labels of the ids (``data/labels.toml``)."""

    name: str
    label: Label
    ids: Callable[[], tuple[str, ...]]
    present: Callable[[Agreement], set[str]]
    vocabulary: str | None = None


@dataclass(frozen=True)
class Crosstab:
    """A cross table of counts: how many items of an agreement fall in each pair of ids
    (commitments by party kind and priority category). ``pairs`` gives every
    (row id, column id) pair an agreement has, once per item and pair."""

    name: str
    label: Label
    rows: Callable[[], tuple[str, ...]]
    columns: Callable[[], tuple[str, ...]]
    pairs: Callable[[Agreement], Iterable[tuple[str, str]]]
    row_vocabulary: str | None = None
    column_vocabulary: str | None = None


@dataclass(frozen=True)
class Comparison:
    """One line of a difference: a path, each side's value, and whether values are
    compared folded (case and spacing) or only for presence."""

    path: str
    a: str | None
    b: str | None
    fold: bool = False
    presence_only: bool = False


@dataclass
class Counts:
    """True positives, false positives, false negatives of one metric, and what the false
    ones were (for ``evaluate --errors``)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    extra: list[str] = field(default_factory=list, compare=False)  # false positives
    missed: list[str] = field(default_factory=list, compare=False)  # false negatives

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.extra += other.extra
        self.missed += other.missed

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


Scorer = Callable[[dict[str, Any], dict[str, Any]], dict[str, Counts]]


@dataclass(frozen=True)
class Field:
    """One field of the contract, declared once. See the module docstring."""

    name: str
    label: Label
    extractor: str
    # The values as people read them: (suffix of the path, text, evidence), ids shown by
    # their labels in the language given.
    show: Callable[[Any, str], Iterator[tuple[str, str, Evidence | None]]]
    summary: tuple[Column, ...] = ()
    summarise: Callable[[Agreement], Row] = lambda a: ()
    table: Table | None = None
    dimensions: tuple[Dimension, ...] = ()
    crosstabs: tuple[Crosstab, ...] = ()
    compare: Callable[[Agreement, Agreement], Iterable[Comparison]] = lambda a, b: ()
    metrics: tuple[str, ...] = ()
    score: Scorer = lambda gold, pred: {}
    colour: str = "#ddd"
    optional: bool = False  # an optional addition of contract v1, absent from older records
    notes: Sequence[str] = field(default_factory=tuple)

    def value(self, agreement: Agreement) -> Any:
        return getattr(agreement, self.name)

    def shown(self, agreement: Agreement, lang: str = "sv") -> Iterator[Shown]:
        """Every value this field holds in ``agreement``, in order."""
        value = self.value(agreement)
        if value is None or value == []:
            return
        for suffix, text, evidence in self.show(value, lang):
            yield Shown(self.name + suffix, text, evidence)


# --- helpers the declarations share ------------------------------------------------------


def evidence_columns(what: str) -> tuple[Column, ...]:
    return (
        Column(
            "evidence_text", "string", f"The text the {what} was read from (null in gold records)."
        ),
        Column("page", "integer", "1-based page of the evidence; null for formats without pages."),
        Column(
            "evidence_start",
            "integer",
            "Character offset where the evidence starts in the normalised text.",
        ),
        Column(
            "evidence_end",
            "integer",
            "Character offset where the evidence ends in the normalised text.",
        ),
    )


def evidence_values(ev: Evidence | None) -> Row:
    if ev is None or not ev.text:
        return (None, None, None, None)
    return (ev.text, ev.page, ev.start, ev.end)


def join(values: Iterable[str | None], sep: str = "; ") -> str | None:
    joined = sep.join(v for v in values if v)
    return joined or None


def with_details(main: str, extra: Iterable[str | None]) -> str:
    """ "Name — detail, detail": a value and what else the record says of it."""
    details = ", ".join(x for x in extra if x)
    return f"{main} — {details}" if details else main


def each(
    items: Sequence[Any], text: Callable[[Any, str], str], lang: str = "sv"
) -> Iterator[tuple[str, str, Evidence | None]]:
    """The values of a list field, named by position ("[0]")."""
    for n, item in enumerate(items):
        yield f"[{n}]", text(item, lang), item.evidence


def fold(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def plain(item: Any) -> Any:
    """An item as its plain value (gold files carry values; records carry items)."""
    if isinstance(item, dict) and "value" in item and "evidence" in item:
        return item["value"]
    return item


def score_sets(gold: Iterable[Any], pred: Iterable[Any]) -> Counts:
    g, p = set(gold), set(pred)
    return Counts(
        len(g & p),
        len(p - g),
        len(g - p),
        sorted(map(_said, p - g)),
        sorted(map(_said, g - p)),
    )


def score_matched(
    gold: Sequence[Any],
    pred: Sequence[Any],
    same: Callable[[Any, Any], bool],
    said: Callable[[Any], str],
) -> Counts:
    """Each gold item matched to the first unmatched prediction ``same`` accepts (gold,
    prediction); what stays unmatched is missed or extra, described by ``said``."""
    unmatched = list(pred)
    counts = Counts()
    for g in gold:
        match = next((i for i, p in enumerate(unmatched) if same(g, p)), None)
        if match is None:
            counts.fn += 1
            counts.missed.append(said(g))
        else:
            counts.tp += 1
            unmatched.pop(match)
    counts.fp += len(unmatched)
    counts.extra += [said(p) for p in unmatched]
    return counts


def score_scalar(gold: Any, pred: Any) -> Counts:
    g = None if gold is None else fold(gold)
    p = None if pred is None else fold(pred)
    if g is None and p is None:
        return Counts()
    if g == p:
        return Counts(1, 0, 0)
    return Counts(
        0,
        int(p is not None),
        int(g is not None),
        [_said(pred)] if p is not None else [],
        [_said(gold)] if g is not None else [],
    )


def _said(value: Any) -> str:
    if isinstance(value, tuple):
        return " / ".join("–" if v is None else str(v) for v in value)
    return str(value)


def grouped(
    items: Iterable[Any], key: Callable[[Any], str], value: Callable[[Any], str]
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        out.setdefault(key(item), []).append(value(item))
    return out


def compare_groups(
    prefix: str,
    ga: dict[str, list[str]],
    gb: dict[str, list[str]],
    order: Iterable[str],
    *,
    by_value: bool,
) -> Iterator[Comparison]:
    """One comparison per group key ("forums.est"): by the values joined, or by presence."""
    known = list(order)
    extra = [k for g in (ga, gb) for k in g if k not in known]
    for k in [*known, *dict.fromkeys(extra)]:
        if k in ga or k in gb:
            yield Comparison(
                f"{prefix}.{k}",
                _joined(ga.get(k)),
                _joined(gb.get(k)),
                fold=by_value,
                presence_only=not by_value,
            )


def _joined(values: list[str] | None) -> str | None:
    if not values:
        return None
    return "; ".join(dict.fromkeys(values))


def ratio(a: str, b: str) -> float:
    return 100 * SequenceMatcher(None, fold(a), fold(b)).ratio()


def token_set_ratio(a: str, b: str) -> float:
    """The token-set ratio: compare the shared words with each side's rest."""
    ta, tb = set(fold(a).split()), set(fold(b).split())
    common = " ".join(sorted(ta & tb))
    rest_a = (common + " " + " ".join(sorted(ta - tb))).strip()
    rest_b = (common + " " + " ".join(sorted(tb - ta))).strip()
    if not ta or not tb:
        return 0.0
    return max(ratio(common, rest_a), ratio(common, rest_b), ratio(rest_a, rest_b))

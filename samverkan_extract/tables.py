"""Tidy tables of records, as the field registry declares them.

``agreements`` has one row per agreement: its id, the summary columns every field
declares (in the registry's order), then what the record says of its source. Every
list field with a ``Table`` gives a long table with one row per item, keyed by
``agreement_id`` and ``position``. Every column is declared once, with its type and
description, so a table has the same shape in pandas, CSV with a datapackage, Excel,
Parquet and SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Protocol, get_args

import pandas as pd

from samverkan_extract.fields import FIELDS, Column, Field
from samverkan_extract.output import escape_surrogates
from samverkan_extract.schema import Agreement, SourceFormat

Items = Sequence[tuple[str, Agreement]]

SOURCE_FORMATS: tuple[str, ...] = get_args(SourceFormat)

AGREEMENT_ID = Column(
    "agreement_id", "string", "The agreement's stable id (its source file's stem).", True
)
POSITION = Column("position", "integer", "0-based position of the item in the record's list.", True)
SOURCE_COLUMNS = (
    Column(
        "source_path",
        "string",
        "Path of the file the record was read from (null for gold records).",
    ),
    Column("format", "string", "Format of the source file.", enum=SOURCE_FORMATS),
    Column("pages", "integer", "Number of pages of the source (null for formats without pages)."),
    Column("ocr", "boolean", "True when the text came from OCR."),
    Column("warnings", "integer", "Number of warnings the extractor gave.", True),
)
AGREEMENTS_DESCRIPTION = "One row per agreement: who, where, when and how much of each."


class Records(Protocol):
    """What the tables and comparisons read of a corpus."""

    def items(self) -> Iterable[tuple[str, Agreement]]: ...

    def __len__(self) -> int: ...


def _table_fields() -> list[Field]:
    return [f for f in FIELDS if f.table is not None]


@cache
def table_columns() -> dict[str, tuple[Column, ...]]:
    """Every tidy table's columns, in order: ``agreements`` first (the others refer to it)."""
    out = {
        "agreements": (
            AGREEMENT_ID,
            *(c for f in FIELDS for c in f.summary),
            *SOURCE_COLUMNS,
        )
    }
    for f in _table_fields():
        assert f.table is not None
        out[f.table.name] = (AGREEMENT_ID, POSITION, *f.table.columns)
    return out


def table_descriptions() -> dict[str, str]:
    out = {"agreements": AGREEMENTS_DESCRIPTION}
    out.update({f.table.name: f.table.description for f in _table_fields() if f.table})
    return out


def primary_key(table: str) -> list[str]:
    """An agreement by its id, a list item by id and position; a table whose rows are
    not one per item (an area per category) has none."""
    if table == "agreements":
        return ["agreement_id"]
    keyed = next(f.table.keyed for f in _table_fields() if f.table and f.table.name == table)
    return ["agreement_id", "position"] if keyed else []


def _has_source(agreement: Agreement) -> bool:
    return bool(agreement.source.sha256)


def _agreement_columns(items: Sequence[tuple[str, Agreement]]) -> list[list[Any]]:
    """The ``agreements`` table column by column: each field's summary columns filled for
    every agreement in one pass over that field, then the source's columns."""
    agreements = [a for _, a in items]
    columns: list[list[Any]] = [[aid for aid, _ in items]]
    for f in FIELDS:
        width = len(f.summary)
        if not width:
            continue
        summaries = [f.summarise(a) for a in agreements]
        columns += (
            [[s[k] for s in summaries] for k in range(width)]
            if summaries
            else [[] for _ in range(width)]
        )
    sources = [a.source if _has_source(a) else None for a in agreements]
    columns += [
        [s.path if s else None for s in sources],
        [s.format if s else None for s in sources],
        [s.pages if s else None for s in sources],
        [s.ocr if s else None for s in sources],
        [len(a.warnings) for a in agreements],
    ]
    return columns


def _item_columns(field: Field, items: Sequence[tuple[str, Agreement]]) -> list[list[Any]]:
    """A long table column by column: ``agreement_id``, then the columns of every row the
    field's ``Table`` gives for each agreement's items."""
    assert field.table is not None
    width = len(field.table.columns) + 1  # position, then the declared columns
    columns: list[list[Any]] = [[] for _ in range(width + 1)]
    ids = columns[0]
    rest = columns[1:]
    for aid, a in items:
        for row in field.table.rows(field.value(a) or []):
            ids.append(aid)
            for column, value in zip(rest, row, strict=True):
                column.append(value)
    return columns


def table_data(name: str, items: Iterable[tuple[str, Agreement]]) -> list[list[Any]]:
    """The values of one table, one list per column, in corpus order."""
    listed = list(items)
    if name == "agreements":
        return _agreement_columns(listed)
    field = next(f for f in _table_fields() if f.table and f.table.name == name)
    return _item_columns(field, listed)


def rows(name: str, items: Iterable[tuple[str, Agreement]]) -> list[tuple[Any, ...]]:
    """The rows of one table, in corpus order (``table_data`` transposed)."""
    return list(zip(*table_data(name, items), strict=True))


def _column(col: Column, vals: list[Any]) -> Any:
    """One column's values as the pandas array its declaration asks for."""
    if col.enum is not None:
        return pd.Categorical(vals, categories=list(col.enum))
    if col.type == "date":
        return pd.to_datetime(pd.Series(vals, dtype=object), errors="coerce").astype(
            "datetime64[ns]"
        )
    if col.type == "integer":
        return pd.array(vals, dtype="int64" if col.required else "Int64")
    if col.type == "number":
        return pd.array([float("nan") if v is None else v for v in vals], dtype="float64")
    if col.type == "boolean":
        return pd.array(vals, dtype="bool" if col.required else "boolean")
    try:
        return pd.array(vals, dtype="string")
    except UnicodeEncodeError:  # a file name that was not UTF-8: its bytes as \xNN
        return pd.array([v if v is None else escape_surrogates(v) for v in vals], dtype="string")


def frame(columns: tuple[Column, ...], data: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Columns of values (one list per declared column) as a DataFrame whose dtypes follow
    the declaration, also when empty."""
    if len(data) != len(columns):
        raise ValueError(f"{len(data)} columns of values for {len(columns)} declared")
    out = {col.name: _column(col, list(vals)) for col, vals in zip(columns, data, strict=True)}
    return pd.DataFrame(out, columns=[c.name for c in columns])


def build_table(name: str, items: Iterable[tuple[str, Agreement]]) -> pd.DataFrame:
    columns = table_columns().get(name)
    if columns is None:
        raise KeyError(f"no table {name!r}: one of {', '.join(table_columns())}")
    return frame(columns, table_data(name, items))

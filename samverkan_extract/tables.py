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


def _agreement_row(aid: str, a: Agreement) -> tuple[Any, ...]:
    src = _has_source(a)
    return (
        aid,
        *(v for f in FIELDS for v in f.summarise(a)),
        a.source.path if src else None,
        a.source.format if src else None,
        a.source.pages if src else None,
        a.source.ocr if src else None,
        len(a.warnings),
    )


def rows(name: str, items: Iterable[tuple[str, Agreement]]) -> list[tuple[Any, ...]]:
    """The rows of one table, in corpus order."""
    if name == "agreements":
        return [_agreement_row(aid, a) for aid, a in items]
    field = next(f for f in _table_fields() if f.table and f.table.name == name)
    assert field.table is not None
    return [(aid, *row) for aid, a in items for row in field.table.rows(field.value(a) or [])]


def frame(columns: tuple[Column, ...], data: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Rows as a DataFrame whose dtypes follow the declaration, also when empty."""
    out: dict[str, Any] = {}
    values = list(zip(*data, strict=True)) if data else [()] * len(columns)
    for col, column_values in zip(columns, values, strict=True):
        vals = list(column_values)
        if col.enum is not None:
            out[col.name] = pd.Categorical(vals, categories=list(col.enum))
        elif col.type == "date":
            dates = pd.to_datetime(pd.Series(vals, dtype=object), errors="coerce")
            out[col.name] = dates.astype("datetime64[ns]")
        elif col.type == "integer":
            out[col.name] = pd.array(vals, dtype="int64" if col.required else "Int64")
        elif col.type == "number":
            out[col.name] = pd.array(
                [float("nan") if v is None else v for v in vals], dtype="float64"
            )
        elif col.type == "boolean":
            out[col.name] = pd.array(vals, dtype="bool" if col.required else "boolean")
        else:
            try:
                out[col.name] = pd.array(vals, dtype="string")
            except UnicodeEncodeError:  # a file name that was not UTF-8: its bytes as \xNN
                out[col.name] = pd.array(
                    [v if v is None else escape_surrogates(v) for v in vals], dtype="string"
                )
    return pd.DataFrame(out, columns=[c.name for c in columns])


def build_table(name: str, items: Iterable[tuple[str, Agreement]]) -> pd.DataFrame:
    columns = table_columns().get(name)
    if columns is None:
        raise KeyError(f"no table {name!r}: one of {', '.join(table_columns())}")
    return frame(columns, rows(name, items))

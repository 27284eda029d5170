"""Writing a corpus's tidy tables to CSV (with a Frictionless datapackage), Excel,
Parquet and SQLite, and its records to JSON Lines.

Every file goes through ``output.atomic_path`` (a temporary file beside the target,
renamed onto it when complete), so an interrupted or failed export leaves the previous
file or none, never a broken one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from samverkan_extract.corpus import Corpus
from samverkan_extract.extras import require
from samverkan_extract.fields import Column
from samverkan_extract.output import atomic_path, atomic_write_text
from samverkan_extract.tables import primary_key, table_columns, table_descriptions
from samverkan_extract.version import __version__

# --- CSV + datapackage ------------------------------------------------------------------


def _field(col: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": col.name, "type": col.type, "description": col.description}
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.enum is not None:
        constraints["enum"] = list(col.enum)
    if constraints:
        field["constraints"] = constraints
    return field


def datapackage() -> dict[str, Any]:
    """A Frictionless Tabular Data Package describing every CSV and every column."""
    resources = []
    for name, columns in table_columns().items():
        schema: dict[str, Any] = {
            "fields": [_field(c) for c in columns],
            "missingValues": [""],
        }
        if primary_key(name):
            schema["primaryKey"] = primary_key(name)
        if name != "agreements":
            schema["foreignKeys"] = [
                {
                    "fields": ["agreement_id"],
                    "reference": {"resource": "agreements", "fields": ["agreement_id"]},
                }
            ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "description": table_descriptions()[name],
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "samverkan-agreements",
        "title": "Samverkansöverenskommelser: tidy tables",
        "description": (
            "Collaboration agreements between municipalities and the Swedish Police, "
            f"read by samverkan-extract {__version__} (contract v1)."
        ),
        "resources": resources,
    }


def write_csv(corpus: Corpus, directory: Path) -> list[Path]:
    """One CSV per tidy table and a ``datapackage.json``, written last so that it only
    ever describes files that are complete."""
    directory = Path(directory)
    written = []
    for name, df in corpus.tables().items():
        target = directory / f"{name}.csv"
        with atomic_path(target) as tmp:
            df.to_csv(tmp, index=False, date_format="%Y-%m-%d", encoding="utf-8")
        written.append(target)
    target = directory / "datapackage.json"
    atomic_write_text(target, json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n")
    return [*written, target]


# --- Excel ------------------------------------------------------------------------------


def write_xlsx(corpus: Corpus, path: Path) -> Path:
    """One sheet per tidy table and a ``columns`` sheet that says what each column is."""
    require("openpyxl", "excel", "Excel output (--xlsx)")
    tables = corpus.tables()
    described = pd.DataFrame(
        [
            (table, c.name, c.type, c.description)
            for table, columns in table_columns().items()
            for c in columns
        ],
        columns=["table", "column", "type", "description"],
    )
    path = Path(path)
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(
            tmp, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD"
        ) as writer:
            for name, df in tables.items():
                df.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
            described.to_excel(writer, sheet_name="columns", index=False, freeze_panes=(1, 0))
    return path


# --- Parquet ----------------------------------------------------------------------------


def write_parquet(corpus: Corpus, directory: Path) -> list[Path]:
    """One Parquet file per tidy table, types kept (dates, categories, nullable ints)."""
    require("pyarrow", "parquet", "Parquet output (--parquet)")
    directory = Path(directory)
    written = []
    for name, df in corpus.tables().items():
        target = directory / f"{name}.parquet"
        with atomic_path(target) as tmp:
            df.to_parquet(tmp, engine="pyarrow", index=False)
        written.append(target)
    return written


# --- SQLite -----------------------------------------------------------------------------

_SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(name: str) -> str:
    """The table's DDL; each column's description is kept as an SQL comment, which SQLite
    stores in ``sqlite_master`` for anyone who reads the schema."""
    columns = table_columns()[name]
    lines = []
    for c in columns:
        line = f"{c.name} {_SQL_TYPES[c.type]}"
        if c.required:
            line += " NOT NULL"
        if c.type == "boolean":
            line += f" CHECK ({c.name} IN (0, 1))"
        elif c.enum is not None:
            line += f" CHECK ({c.name} IN ({', '.join(map(_quote, c.enum))}))"
        lines.append((line, c.description))
    constraints = []
    if primary_key(name):
        constraints.append(f"PRIMARY KEY ({', '.join(primary_key(name))})")
    if name != "agreements":
        constraints.append(
            "FOREIGN KEY (agreement_id) REFERENCES agreements (agreement_id) ON DELETE CASCADE"
        )
    body = []
    for n, (line, description) in enumerate(lines):
        comma = "," if n < len(lines) - 1 or constraints else ""
        body.append(f"  {line}{comma} -- {' '.join(description.split())}")
    body += [f"  {c}{',' if n < len(constraints) - 1 else ''}" for n, c in enumerate(constraints)]
    return f"CREATE TABLE {name} (\n" + "\n".join(body) + "\n)"


def _sql_rows(df: pd.DataFrame, columns: Sequence[Column]) -> list[tuple[Any, ...]]:
    """Rows as plain Python values: dates as ISO text, booleans as 0/1, missing as NULL."""
    converted = []
    for c in columns:
        values = df[c.name].tolist()
        if c.type == "date":
            out = [None if pd.isna(v) else v.date().isoformat() for v in values]
        elif c.type == "boolean":
            out = [None if pd.isna(v) else int(bool(v)) for v in values]
        elif c.type == "integer":
            out = [None if pd.isna(v) else int(v) for v in values]
        elif c.type == "number":
            out = [None if pd.isna(v) else float(v) for v in values]
        else:
            out = [None if pd.isna(v) else str(v) for v in values]
        converted.append(out)
    return list(zip(*converted, strict=True))


def _insert_rows(con: sqlite3.Connection, name: str, df: pd.DataFrame) -> None:
    columns = table_columns()[name]
    placeholders = ", ".join("?" for _ in columns)
    names = ", ".join(c.name for c in columns)
    con.executemany(f"INSERT INTO {name} ({names}) VALUES ({placeholders})", _sql_rows(df, columns))


def write_sqlite(corpus: Corpus, path: Path) -> Path:
    """One table per tidy table, ``agreements.agreement_id`` the primary key the others
    refer to. Built in a temporary file and renamed, so a failure mid-way leaves the
    previous database untouched."""
    tables = corpus.tables()
    path = Path(path)
    with atomic_path(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            # A fresh file that is discarded on failure needs no journal.
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("PRAGMA synchronous = OFF")
            con.execute("PRAGMA foreign_keys = ON")
            for name, df in tables.items():
                con.execute(create_table_sql(name))
                _insert_rows(con, name, df)
                if name != "agreements":
                    con.execute(f"CREATE INDEX {name}_agreement ON {name} (agreement_id)")
            con.commit()
            problems = con.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise sqlite3.IntegrityError(f"foreign keys broken: {problems[:3]}")
        finally:
            con.close()
    return path


# --- JSON Lines -------------------------------------------------------------------------


def write_jsonl(corpus: Corpus, path: Path) -> Path:
    """The full contract records, one per line, in corpus order; streamed, so memory stays
    flat however many records there are."""
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for agreement in corpus:
            fh.write(json.dumps(agreement.to_dict(), ensure_ascii=False) + "\n")
    return path

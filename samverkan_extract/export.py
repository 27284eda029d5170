"""Writing a corpus's tidy tables to CSV (with a Frictionless datapackage), Excel,
Parquet and SQLite, and its records to JSON Lines.

Every file goes through ``output.atomic_path`` (a temporary file beside the target,
renamed onto it when complete), so an interrupted or failed export leaves the previous
file or none, never a broken one.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from samverkan_extract.compare import agreement_names
from samverkan_extract.corpus import Corpus
from samverkan_extract.extras import require
from samverkan_extract.fields import Column
from samverkan_extract.labels import check_lang, labeller, vocabularies, vocabulary
from samverkan_extract.output import (
    Cleaner,
    atomic_path,
    atomic_write_text,
    escape_surrogates,
    json_text,
)
from samverkan_extract.tables import primary_key, table_columns, table_descriptions
from samverkan_extract.version import __version__

# --- cleaning for spreadsheets -------------------------------------------------------------

#: CSV dialects: the default (UTF-8, comma, decimal point) for R, pandas and other tools,
#: and one that Swedish Excel opens by double-click (UTF-8 with a BOM, semicolon, decimal
#: comma).
CSV_DIALECTS: dict[str, dict[str, str]] = {
    "default": {"encoding": "utf-8", "sep": ",", "decimal": "."},
    "excel-sv": {"encoding": "utf-8-sig", "sep": ";", "decimal": ","},
}


def _string_columns(df: pd.DataFrame, columns: Sequence[Column]) -> list[str]:
    return [c.name for c in columns if c.type == "string" and c.name in df.columns]


def clean_frame(df: pd.DataFrame, columns: Sequence[Column], cleaner: Cleaner) -> pd.DataFrame:
    """The table with every string cell made safe by ``cleaner`` (control characters,
    undecodable bytes of file names, formulas); numbers and dates untouched."""
    out = df.copy()
    for name in _string_columns(df, columns):
        col = out[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            continue  # contract ids: safe by construction
        out[name] = pd.array(
            [None if v is None or v is pd.NA else cleaner(str(v)) for v in col.tolist()],
            dtype="string",
        )
    return out


# --- CSV + datapackage ------------------------------------------------------------------


def _field(col: Column, dialect: str = "default") -> dict[str, Any]:
    field: dict[str, Any] = {"name": col.name, "type": col.type, "description": col.description}
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.enum is not None:
        constraints["enum"] = list(col.enum)
    if constraints:
        field["constraints"] = constraints
    if col.type == "number" and CSV_DIALECTS[dialect]["decimal"] != ".":
        field["decimalChar"] = CSV_DIALECTS[dialect]["decimal"]
    return field


def datapackage(dialect: str = "default") -> dict[str, Any]:
    """A Frictionless Tabular Data Package describing every CSV and every column."""
    spec = CSV_DIALECTS[dialect]
    resources = []
    for name, columns in table_columns().items():
        schema: dict[str, Any] = {
            "fields": [_field(c, dialect) for c in columns],
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
                "encoding": spec["encoding"],
                "dialect": {"delimiter": spec["sep"], "header": True},
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
            f"read by samverkan-extract {__version__} (contract v1). Text cells that would "
            "start a spreadsheet formula (=, +, -, @, tab, carriage return) are prefixed "
            "with ' (the JSON, Parquet and SQLite exports keep the raw value)."
        ),
        "resources": resources,
    }


def frame_to_csv(df: pd.DataFrame, columns: Sequence[Column], dialect: str = "default") -> str:
    """One table as CSV text, its strings safe for a spreadsheet (formulas neutralised,
    control characters replaced, undecodable file-name bytes escaped)."""
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}: one of {', '.join(CSV_DIALECTS)}")
    spec = CSV_DIALECTS[dialect]
    cleaner = Cleaner(formulas=True)
    safe = clean_frame(df, columns, cleaner)
    cleaner.warn("CSV")
    return str(
        safe.to_csv(index=False, date_format="%Y-%m-%d", sep=spec["sep"], decimal=spec["decimal"])
    )


def write_csv(corpus: Corpus, directory: Path, *, dialect: str = "default") -> list[Path]:
    """One CSV per tidy table and a ``datapackage.json``, written last so that it only
    ever describes files that are complete. ``dialect``: ``default`` (UTF-8, comma) or
    ``excel-sv`` (UTF-8 with BOM, semicolon, decimal comma: Swedish Excel)."""
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}: one of {', '.join(CSV_DIALECTS)}")
    directory = Path(directory)
    columns = table_columns()
    written = []
    for name, df in corpus.tables().items():
        target = directory / f"{name}.csv"
        text = frame_to_csv(df, columns[name], dialect)
        atomic_write_text(target, text, encoding=CSV_DIALECTS[dialect]["encoding"])
        written.append(target)
    target = directory / "datapackage.json"
    atomic_write_text(target, json.dumps(datapackage(dialect), ensure_ascii=False, indent=2) + "\n")
    return [*written, target]


# --- Excel ------------------------------------------------------------------------------

#: Date cells show the date only (no time of day).
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MAX_WIDTH = 60


def _xlsx_columns(columns: Sequence[Column], lang: str) -> list[tuple[Column, Any]]:
    """Every column, each id column followed by a column of its labels in ``lang``."""
    out: list[tuple[Column, Any]] = []
    for c in columns:
        out.append((c, None))
        if c.vocabulary is not None:
            described = Column(
                f"{c.name}_label",
                "string",
                f"Label of {c.name} ({'Swedish' if lang == 'sv' else 'English'}).",
            )
            out.append((described, labeller(c.vocabulary, lang)))
    return out


def _iso_date(value: str) -> dt.date | str:
    """A full ISO date as a date; a reduced one ("2020-03") stays text."""
    if len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _sheet(
    wb: Any,
    name: str,
    df: pd.DataFrame,
    columns: Sequence[Column],
    lang: str,
    cleaner: Cleaner,
) -> None:
    """One sheet: a header, date cells with a date-only format, every text cell safe, the
    widths of the content, frozen header, and an Excel table (with its filter buttons)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    ws = wb.create_sheet(name)
    shown = _xlsx_columns(columns, lang)
    values: list[list[Any]] = []
    for c, label_of in shown:
        source = df[c.name if label_of is None else c.name.removesuffix("_label")]
        raw = source.tolist()
        col: list[Any]
        if label_of is not None:
            col = [None if v is None or v is pd.NA else cleaner(label_of(str(v))) for v in raw]
        elif c.type == "date":
            col = [None if pd.isna(v) else v.date() for v in raw]
        elif c.type == "boolean":
            col = [None if v is pd.NA or v is None else bool(v) for v in raw]
        elif c.type == "integer":
            col = [None if v is pd.NA or v is None else int(v) for v in raw]
        elif c.type == "number":
            col = [None if pd.isna(v) else float(v) for v in raw]
        elif c.iso_date:
            col = [None if v is pd.NA or v is None else _iso_date(cleaner(str(v))) for v in raw]
        else:
            col = [None if v is pd.NA or v is None else cleaner(str(v)) for v in raw]
        values.append(col)
    headers = [c.name for c, _ in shown]
    for n, (c, _) in enumerate(shown, 1):
        longest = max(
            [
                len(c.name),
                *(len(str(v)) if not isinstance(v, dt.date) else 10 for v in values[n - 1]),
            ]
        )
        ws.column_dimensions[get_column_letter(n)].width = min(MAX_WIDTH, longest + 2)
    ws.freeze_panes = "A2"
    ws.append(headers)
    formats = [
        DATE_FORMAT
        if c.type == "date" or c.iso_date
        else TEXT_FORMAT
        if c.type == "string"
        else None
        for c, _ in shown
    ]
    n_rows = len(df)
    for r in range(n_rows):
        row: list[Any] = []
        for col, fmt in zip(values, formats, strict=True):
            v = col[r]
            if fmt == DATE_FORMAT and isinstance(v, dt.date):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = DATE_FORMAT
                row.append(cell)
            elif isinstance(v, str) and v.startswith("="):  # never: neutralised above
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"  # text, never a formula
                row.append(cell)
            else:
                row.append(v)
        ws.append(row)
    if n_rows == 0:
        ws.append([None] * len(headers))  # an Excel table needs a row under its header
    last = get_column_letter(len(headers))
    table = Table(displayName=f"t_{name}", ref=f"A1:{last}{max(n_rows, 1) + 1}")
    table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)]
    table.autoFilter = AutoFilter(ref=table.ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    with warnings.catch_warnings():
        # "In write-only mode you must add table columns manually": they are, above.
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)


def write_xlsx(corpus: Corpus, path: Path, *, lang: str = "sv") -> Path:
    """One sheet per tidy table (ids and, beside each, their labels in ``lang``), a
    ``columns`` sheet saying what each column is and a ``labels`` sheet with every id's
    Swedish and English label. Dates are date cells shown as YYYY-MM-DD; text that would
    start a formula is prefixed with ' (OWASP); control characters are replaced."""
    require("openpyxl", "excel", "Excel output (--xlsx)")
    from openpyxl import Workbook

    check_lang(lang)
    tables = corpus.tables()
    columns = dict(table_columns())
    # The agreements as people name them ("Ystads kommun (2024–2027)"), beside their ids.
    names = agreement_names(corpus, lang)
    agreements = tables["agreements"]
    agreements.insert(
        1, "name", pd.Series([names[i] for i in agreements["agreement_id"]], dtype="string")
    )
    columns["agreements"] = (
        columns["agreements"][0],
        Column("name", "string", "The agreement as people name it: its municipalities and years."),
        *columns["agreements"][1:],
    )
    described = [
        (table, c.name, c.type, c.description)
        for table, cols in columns.items()
        for c, _ in _xlsx_columns(cols, lang)
    ]
    meta = (
        Column("table", "string", ""),
        Column("column", "string", ""),
        Column("type", "string", ""),
        Column("description", "string", ""),
    )
    label_rows = [
        (name, key, lab.sv, lab.en)
        for name in vocabularies()
        for key, lab in vocabulary(name).items()
    ]
    label_meta = (
        Column("vocabulary", "string", ""),
        Column("id", "string", ""),
        Column("sv", "string", ""),
        Column("en", "string", ""),
    )
    cleaner = Cleaner(formulas=True)
    path = Path(path)
    with atomic_path(path) as tmp:
        wb = Workbook(write_only=True)
        try:
            for name, df in tables.items():
                _sheet(wb, name, df, columns[name], lang, cleaner)
            _sheet(
                wb,
                "columns",
                pd.DataFrame(described, columns=[c.name for c in meta]),
                meta,
                lang,
                cleaner,
            )
            _sheet(
                wb,
                "labels",
                pd.DataFrame(label_rows, columns=[c.name for c in label_meta]),
                label_meta,
                lang,
                cleaner,
            )
            wb.save(tmp)
        except BaseException:
            for ws in wb.worksheets:  # end each sheet's stream, so nothing is left open
                try:
                    ws.close()
                except Exception:  # noqa: BLE001 - the first error is the one to raise
                    pass
            raise
    cleaner.warn(path)
    return path


# --- Parquet ----------------------------------------------------------------------------


def _arrow_type(pa: Any, col: Column, series: pd.Series) -> Any:
    if col.type == "date":
        return pa.date32()
    if col.type == "integer":
        return pa.int64()
    if col.type == "number":
        return pa.float64()
    if col.type == "boolean":
        return pa.bool_()
    if isinstance(series.dtype, pd.CategoricalDtype):
        return pa.dictionary(pa.int32(), pa.string())
    return pa.string()


def arrow_table(name: str, df: pd.DataFrame) -> Any:
    """One tidy table as an Arrow table: dates as ``date32`` (R reads them as Date), codes
    as strings, each column's description in its field metadata and the table's in the
    schema metadata."""
    pa = require("pyarrow", "parquet", "Parquet output (--parquet)")
    columns = table_columns()[name]
    safe = clean_frame(df, columns, Cleaner(controls=False))  # file names that were not UTF-8
    fields = [
        pa.field(
            c.name,
            _arrow_type(pa, c, safe[c.name]),
            nullable=not c.required,
            metadata={"description": c.description},
        )
        for c in columns
    ]
    schema = pa.schema(
        fields,
        metadata={
            "description": table_descriptions()[name],
            "source": f"samverkan-extract {__version__} (contract v1)",
        },
    )
    return pa.Table.from_pandas(safe, schema=schema, preserve_index=False)


def write_parquet(corpus: Corpus, directory: Path) -> list[Path]:
    """One Parquet file per tidy table: dates as date32, ids as dictionary strings, codes
    as strings, column descriptions in the schema metadata."""
    require("pyarrow", "parquet", "Parquet output (--parquet)")
    import pyarrow.parquet as pq

    directory = Path(directory)
    written = []
    for name, df in corpus.tables().items():
        target = directory / f"{name}.parquet"
        table = arrow_table(name, df)
        with atomic_path(target) as tmp:
            pq.write_table(table, tmp)
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
            out = [None if pd.isna(v) else escape_surrogates(str(v)) for v in values]
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
            fh.write(json_text(json.dumps(agreement.to_dict(), ensure_ascii=False)) + "\n")
    return path

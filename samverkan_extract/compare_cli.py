"""The ``compare`` command: extract many agreements, filter them, and write the report
and the exports the user asked for.

``cli.py`` owns the parser; ``add_arguments`` declares this command's options there, and
``run_compare(args, extract_all)`` does the work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from samverkan_extract.errors import SamverkanError

if TYPE_CHECKING:
    from samverkan_extract.schema import Agreement

ExtractAll = Callable[[argparse.Namespace, str], tuple[list["Agreement"], int]]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from exc


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``compare`` (the batch options are added by ``cli.py``)."""
    p.add_argument("paths", nargs="+", type=Path, help="agreement files or folders")
    p.add_argument("-o", "--output", type=Path, help="write the HTML report here")
    p.add_argument(
        "--csv", type=Path, metavar="DIR", help="one CSV per tidy table + datapackage.json"
    )
    p.add_argument(
        "--xlsx", type=Path, metavar="FILE", help="Excel workbook, one sheet per tidy table"
    )
    p.add_argument("--parquet", type=Path, metavar="DIR", help="one Parquet file per tidy table")
    p.add_argument(
        "--sqlite", type=Path, metavar="FILE", help="SQLite database, one table per tidy table"
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="the full records as JSON Lines")
    p.add_argument("--county", action="append", help="keep agreements in this county (repeatable)")
    p.add_argument(
        "--region", action="append", help="keep agreements in this police region (repeatable)"
    )
    p.add_argument(
        "--valid-on", type=_date, metavar="YYYY-MM-DD", help="keep agreements in force that day"
    )


def _check_dependencies(args: argparse.Namespace) -> None:
    """Fail before the slow extraction when an asked-for output cannot be written."""
    from samverkan_extract.extras import require

    if getattr(args, "xlsx", None):
        require("openpyxl", "excel", "Excel output (--xlsx)")
    if getattr(args, "parquet", None):
        require("pyarrow", "parquet", "Parquet output (--parquet)")
    if getattr(args, "output", None):
        require("matplotlib", "report", "The HTML report (-o report.html)")


def run_compare(args: argparse.Namespace, extract_all: ExtractAll) -> int:
    """Extract, filter, write every requested output; 1 when any file failed."""
    from samverkan_extract import export
    from samverkan_extract.compare import summary
    from samverkan_extract.corpus import Corpus

    _check_dependencies(args)
    agreements, failures = extract_all(args, "comparing")
    corpus = Corpus(agreements)
    read = len(corpus)
    corpus = corpus.filter(
        county=getattr(args, "county", None),
        region=getattr(args, "region", None),
        valid_on=getattr(args, "valid_on", None),
    )

    written: list[str] = []
    try:
        if getattr(args, "json", None):
            written.append(str(export.write_jsonl(corpus, args.json)))
        if getattr(args, "csv", None):
            export.write_csv(corpus, args.csv)
            written.append(f"{args.csv}/")
        if getattr(args, "xlsx", None):
            written.append(str(export.write_xlsx(corpus, args.xlsx)))
        if getattr(args, "parquet", None):
            export.write_parquet(corpus, args.parquet)
            written.append(f"{args.parquet}/")
        if getattr(args, "sqlite", None):
            written.append(str(export.write_sqlite(corpus, args.sqlite)))
        if getattr(args, "output", None):
            from samverkan_extract.report import write_report

            written.append(str(write_report(corpus, args.output, failures=failures)))
    except OSError as exc:
        where = exc.filename or "output"
        raise SamverkanError(f"cannot write {where}: {exc.strerror or exc}") from exc
    if not written:
        # Nothing asked for: show how common each forum type and priority is.
        table = summary(corpus)
        table["share"] = table["share"].map(lambda s: "" if s != s else f"{s:.0%}")
        sys.stdout.write(table.to_string(index=False) + "\n")

    munis = corpus.municipalities()
    filtered = f" of {read} read" if len(corpus) != read else ""
    print(
        f"compared {len(corpus)} agreements{filtered} "
        f"({munis['code'].nunique()} municipalities, {munis['county'].nunique()} counties); "
        f"{failures} file{'s' if failures != 1 else ''} failed"
        + (f"; wrote {', '.join(written)}" if written else ""),
        file=sys.stderr,
    )
    return 1 if failures else 0

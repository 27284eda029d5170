"""The ``compare`` command: extract many agreements, filter them, and write the report
and the exports the user asked for.

``cli.py`` owns the parser; ``add_arguments`` declares this command's options there, and
``run_compare(args, extract_all)`` does the work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from samverkan_extract.errors import SamverkanError

if TYPE_CHECKING:
    from samverkan_extract.schema import Agreement, ErrorRecord

ExtractAll = Callable[[argparse.Namespace, str], tuple[list["Agreement"], list["ErrorRecord"]]]

EPILOG = """\
examples:
  samverkan-extract compare corpus/agreements
      how common each forum type and priority category is (labels in Swedish)
  samverkan-extract compare corpus/agreements -o out/report.html --xlsx out/tables.xlsx
  samverkan-extract compare corpus/agreements --county "Skåne län" --valid-on 2024-06-01 -o out/skane.html
  samverkan-extract compare corpus/agreements --type medborgarlofte --lang en --csv out/csv
  samverkan-extract compare corpus/agreements --csv out/csv --csv-dialect excel-sv
  samverkan-extract compare corpus/agreements --corrections corrections.csv --json out/records.jsonl
  samverkan-extract compare corpus/agreements --qdpx out/agreements.qdpx --label-studio out/tasks.json

Unknown --county, --region or --type names are an error listing the closest known names;
a selection with no agreement left exits 1. Likely duplicates (the same file twice, or the
same agreement as PDF and DOCX) are compared once unless --keep-duplicates.
"""

#: The options that name an output file or folder, and what each writes.
OUTPUTS = (
    ("output", "the report"),
    ("csv", "CSV"),
    ("xlsx", "Excel"),
    ("parquet", "Parquet"),
    ("sqlite", "SQLite"),
    ("json", "JSON Lines"),
    ("qdpx", "REFI-QDA"),
    ("label_studio", "Label Studio"),
    ("docbin", "spaCy DocBin"),
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from exc


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``compare`` (the batch options are added by ``cli.py``)."""
    p.epilog = EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("paths", nargs="+", type=Path, help="agreement files or folders")
    p.add_argument("-o", "--output", type=Path, help="write the HTML report here")
    p.add_argument(
        "--csv", type=Path, metavar="DIR", help="one CSV per tidy table + datapackage.json"
    )
    p.add_argument(
        "--csv-dialect",
        choices=("default", "excel-sv"),
        default="default",
        help="default: UTF-8, comma; excel-sv: UTF-8 with BOM, semicolon, decimal comma "
        "(opens in Swedish Excel)",
    )
    p.add_argument(
        "--xlsx", type=Path, metavar="FILE", help="Excel workbook, one sheet per tidy table"
    )
    p.add_argument("--parquet", type=Path, metavar="DIR", help="one Parquet file per tidy table")
    p.add_argument(
        "--sqlite", type=Path, metavar="FILE", help="SQLite database, one table per tidy table"
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="the full records as JSON Lines")
    p.add_argument(
        "--qdpx",
        type=Path,
        metavar="FILE",
        help="REFI-QDA project (NVivo, ATLAS.ti, MAXQDA): texts, codes, every evidence coded",
    )
    p.add_argument(
        "--label-studio",
        type=Path,
        metavar="FILE",
        help="Label Studio tasks with the extraction as pre-annotations (+ .label-config.xml)",
    )
    p.add_argument(
        "--docbin",
        type=Path,
        metavar="FILE",
        help="spaCy DocBin (.spacy) of the texts with the evidence spans",
    )
    p.add_argument("--county", action="append", help="keep agreements in this county (repeatable)")
    p.add_argument(
        "--region", action="append", help="keep agreements in this police region (repeatable)"
    )
    p.add_argument(
        "--type",
        action="append",
        help="keep this document type: samverkansoverenskommelse, medborgarlofte, combined, "
        "other_agreement (repeatable)",
    )
    p.add_argument(
        "--valid-on", type=_date, metavar="YYYY-MM-DD", help="keep agreements in force that day"
    )
    p.add_argument(
        "--lang",
        choices=("sv", "en"),
        default="sv",
        help="language of labels in the report, summary and workbook (default: sv)",
    )
    p.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="compare likely duplicates too (default: each is compared once)",
    )
    p.add_argument(
        "--corrections",
        type=Path,
        metavar="FILE",
        help="apply a corrections file (agreement,path,value,by,reason) to the records",
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


def _resolved(path: Path) -> Path | None:
    """The path with symlinks resolved; ``None`` for one that cannot be (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


def refuse_inputs_as_outputs(inputs: Sequence[Path], outputs: Sequence[tuple[str, Path]]) -> None:
    """An output that would overwrite one of the input files, or write into an input
    folder, is refused before anything is read."""
    from samverkan_extract.api import expand_paths

    files: set[Path | None] = set()
    folders: set[Path | None] = set()
    for p in inputs:
        (folders if p.is_dir() else files).add(_resolved(p))
    files |= {_resolved(f) for f in expand_paths([p for p in inputs if p.is_dir()])}
    files.discard(None)
    folders.discard(None)
    for what, out in outputs:
        target = _resolved(out)
        if target is None:
            continue  # the writer will say what is wrong with it
        if target in files:
            raise SamverkanError(f"{out}: {what} would overwrite an input file; name another")
        if out.suffix == "" and target in folders:
            raise SamverkanError(f"{out}: {what} would write into an input folder; name another")


def _filters(args: argparse.Namespace) -> dict[str, str]:
    """The selection as people read it, for the report's header."""
    shown = {}
    for key in ("county", "region", "type"):
        if getattr(args, key, None):
            shown[key] = ", ".join(getattr(args, key))
    if getattr(args, "valid_on", None):
        shown["valid_on"] = args.valid_on.isoformat()
    return shown


def run_compare(args: argparse.Namespace, extract_all: ExtractAll) -> int:
    """Extract, filter, write every requested output; 1 when any file failed or nothing
    is left to compare."""
    from samverkan_extract import export
    from samverkan_extract.compare import CROSSTABS, crosstab, duplicate_ids, summary
    from samverkan_extract.corpus import Corpus, check_filter_names
    from samverkan_extract.corrections import load_corrections
    from samverkan_extract.fields import crosstabs
    from samverkan_extract.labels import count, text

    lang = getattr(args, "lang", "sv")
    _check_dependencies(args)
    check_filter_names(
        county=getattr(args, "county", None),
        region=getattr(args, "region", None),
        type=getattr(args, "type", None),
    )
    corrections = load_corrections(args.corrections) if getattr(args, "corrections", None) else None
    outputs = [(what, getattr(args, key)) for key, what in OUTPUTS if getattr(args, key, None)]
    refuse_inputs_as_outputs(args.paths, outputs)

    agreements, errors = extract_all(args, "comparing")
    corpus = Corpus(agreements, errors)
    if corrections is not None:
        corpus = corpus.corrected(corrections)
    read = len(corpus)
    corpus = corpus.filter(
        county=getattr(args, "county", None),
        region=getattr(args, "region", None),
        type=getattr(args, "type", None),
        valid_on=getattr(args, "valid_on", None),
    )
    filters = _filters(args)
    duplicates = {} if getattr(args, "keep_duplicates", False) else duplicate_ids(corpus)
    if duplicates:
        for dup, kept in duplicates.items():
            print(f"note: {dup}: likely a duplicate of {kept}; compared once", file=sys.stderr)
        corpus = corpus.deduplicated()
    if not len(corpus):
        if read:
            said = "; ".join(f"{k} {v}" for k, v in filters.items())
            print(
                f"error: no agreement left to compare: {count(read, 'agreement', 'en')} read, "
                f"none matches {said}",
                file=sys.stderr,
            )
        else:
            print("error: no agreement could be read", file=sys.stderr)
        return 1

    written: list[str] = []
    try:
        if getattr(args, "json", None):
            written.append(str(export.write_jsonl(corpus, args.json)))
        if getattr(args, "csv", None):
            export.write_csv(corpus, args.csv, dialect=getattr(args, "csv_dialect", "default"))
            written.append(f"{args.csv}/")
        if getattr(args, "xlsx", None):
            written.append(str(export.write_xlsx(corpus, args.xlsx, lang=lang)))
        if getattr(args, "parquet", None):
            export.write_parquet(corpus, args.parquet)
            written.append(f"{args.parquet}/")
        if getattr(args, "sqlite", None):
            written.append(str(export.write_sqlite(corpus, args.sqlite)))
        if (
            getattr(args, "qdpx", None)
            or getattr(args, "label_studio", None)
            or getattr(args, "docbin", None)
        ):
            written += _interchange(args, corpus, lang)
        if getattr(args, "output", None):
            from samverkan_extract.report import write_report

            report = write_report(
                corpus,
                args.output,
                errors=errors,
                filters=filters,
                duplicates=duplicates,
                read=read,
                lang=lang,
            )
            written.append(str(report))
    except OSError as exc:
        where = exc.filename or "output"
        raise SamverkanError(f"cannot write {where}: {exc.strerror or exc}") from exc
    if not written:
        # Nothing asked for: show how common each forum type and priority is.
        table = summary(corpus, lang=lang, keep_duplicates=True)
        table = table[["dimension_label", "label", "count", "share"]].rename(
            columns={
                "dimension_label": text("dimension", lang),
                "label": text("value", lang),
                "count": text("count", lang),
                "share": text("share_short", lang),
            }
        )
        share = text("share_short", lang)
        table[share] = table[share].map(lambda s: "" if s != s else f"{s:.0%}")
        sys.stdout.write(table.to_string(index=False) + "\n")
        for name in CROSSTABS:  # commitments by party kind x category, when there are any
            ct = crosstab(corpus, name, lang=lang)
            ct = ct.loc[ct.sum(axis=1) > 0, ct.sum(axis=0) > 0]
            if ct.size:
                title = next(c.label(lang) for c in crosstabs() if c.name == name)
                sys.stdout.write(f"\n{title}\n{ct.to_string()}\n")

    munis = corpus.municipalities()
    filtered = f" of {read} read" if len(corpus) != read else ""
    print(
        f"compared {count(len(corpus), 'agreement', 'en')}{filtered} "
        f"({count(munis['code'].nunique(), 'municipality', 'en')}, "
        f"{count(munis['county'].nunique(), 'county', 'en')}); "
        f"{len(errors)} file{'s' if len(errors) != 1 else ''} failed"
        + (f"; wrote {', '.join(written)}" if written else ""),
        file=sys.stderr,
    )
    return 1 if errors else 0


def _interchange(args: argparse.Namespace, corpus: object, lang: str) -> list[str]:
    from samverkan_extract import interchange
    from samverkan_extract.corpus import Corpus

    assert isinstance(corpus, Corpus)
    written = []
    if getattr(args, "qdpx", None):
        written.append(str(interchange.write_qdpx(corpus, args.qdpx, lang=lang)))
    if getattr(args, "label_studio", None):
        paths = interchange.write_label_studio(corpus, args.label_studio, lang=lang)
        written += [str(p) for p in paths]
    if getattr(args, "docbin", None):
        written.append(str(interchange.write_docbin(corpus, args.docbin)))
    return written

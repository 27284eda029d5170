"""The command line: ``extract``, ``compare``, ``text``, ``schema`` and ``evaluate``.

Each command imports what it needs when it runs, so ``--help``, ``--version`` and
``schema`` start without spaCy, pandas or pdfplumber.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from samverkan_extract.compare_cli import add_arguments as add_compare_arguments
from samverkan_extract.errors import InputError, SamverkanError
from samverkan_extract.limits import Limits
from samverkan_extract.output import atomic_write_text
from samverkan_extract.version import __version__

if TYPE_CHECKING:
    from samverkan_extract.schema import Agreement, ErrorRecord


def _add_batch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="parallel processes (default: the machine's cores)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--timeout",
        type=float,
        default=Limits.seconds_per_file,
        help="seconds allowed per file (default: %(default)s)",
    )
    p.add_argument(
        "--max-mb",
        type=float,
        default=Limits.max_file_mb,
        help="largest input file in MB (default: %(default)s)",
    )
    p.add_argument(
        "--max-pages",
        type=int,
        default=Limits.max_pages,
        help="most PDF pages read per file (default: %(default)s)",
    )
    p.add_argument(
        "--max-text-mb",
        type=float,
        default=Limits.max_text_mb,
        help="largest .txt/.md file in MB (default: %(default)s)",
    )
    p.add_argument(
        "--max-unpacked-mb",
        type=float,
        default=Limits.max_unpacked_mb,
        help="largest unpacked size of a .docx in MB (default: %(default)s)",
    )
    p.add_argument(
        "--max-chars",
        type=int,
        default=Limits.max_chars,
        help="most characters of text analysed per file (default: %(default)s)",
    )


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(
        seconds_per_file=args.timeout,
        max_file_mb=args.max_mb,
        max_pages=args.max_pages,
        max_text_mb=args.max_text_mb,
        max_unpacked_mb=args.max_unpacked_mb,
        max_chars=args.max_chars,
    )


def _report_folders(paths: Sequence[Path]) -> None:
    """Say what a folder held that is not read, so that no file goes missing unnoticed."""
    from samverkan_extract.readers import SUPPORTED_SUFFIXES

    for folder in paths:
        if not folder.is_dir():
            continue
        files = [f for f in folder.rglob("*") if f.is_file() and not f.name.startswith(".")]
        skipped = [f for f in files if f.suffix.lower() not in SUPPORTED_SUFFIXES]
        if len(skipped) == len(files):
            print(f"warning: {folder}: no .pdf, .docx, .txt or .md files", file=sys.stderr)
        elif skipped:
            print(
                f"note: {folder}: {len(skipped)} file(s) of other types not read "
                f"(e.g. {skipped[0].name})",
                file=sys.stderr,
            )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samverkan-extract",
        description="Read Swedish samverkansöverenskommelser into normalised records.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract records from files or folders")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument(
        "--format",
        choices=("json", "jsonl", "csv"),
        default="json",
        help="json: one record or a list; jsonl: a record per line; csv: a row per agreement",
    )
    p.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    _add_batch_options(p)

    p = sub.add_parser(
        "compare", help="compare agreements: HTML report, CSV, Excel, Parquet, SQLite, JSON Lines"
    )
    add_compare_arguments(p)
    _add_batch_options(p)

    p = sub.add_parser("text", help="print the normalised text that evidence points into")
    p.add_argument("path", type=Path)

    sub.add_parser("schema", help="print the JSON Schema of the contract")

    p = sub.add_parser("evaluate", help="score extraction against gold records")
    p.add_argument("--gold", type=Path, required=True, help="folder of gold .json records")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--per-document", action="store_true", help="also print each document's F1")
    p.add_argument(
        "--per-field",
        action="store_true",
        help="also print, document by document, each field that is not perfect and its counts",
    )
    p.add_argument(
        "--errors",
        action="store_true",
        help="also list every false positive and negative, with the evidence of each extra value",
    )
    _add_batch_options(p)

    return parser


def _extract_all(args: argparse.Namespace, label: str) -> tuple[list[Agreement], int]:
    from samverkan_extract.api import expand_paths
    from samverkan_extract.batch import Progress, run_batch
    from samverkan_extract.schema import ErrorRecord

    _report_folders(args.paths)
    paths = expand_paths(args.paths)
    if not paths:
        print("error: no supported files (.pdf, .docx, .txt, .md) found", file=sys.stderr)
        return [], 1
    progress = Progress(enabled=False if args.quiet else None, label=label)
    agreements, failures = [], 0
    for result in run_batch(paths, jobs=args.jobs, limits=_limits(args), progress=progress):
        if isinstance(result, ErrorRecord):
            failures += 1
            print(f"error: {result.error.path}: {result.error.message}", file=sys.stderr)
        else:
            agreements.append(result)
    return agreements, failures


def cmd_extract(args: argparse.Namespace) -> int:
    from samverkan_extract.api import expand_paths
    from samverkan_extract.batch import Progress, run_batch
    from samverkan_extract.schema import ErrorRecord

    _report_folders(args.paths)
    paths = expand_paths(args.paths)
    progress = Progress(enabled=False if args.quiet else None)
    results: list[Agreement | ErrorRecord] = []
    for result in run_batch(paths, jobs=args.jobs, limits=_limits(args), progress=progress):
        if isinstance(result, ErrorRecord):
            print(f"error: {result.error.path}: {result.error.message}", file=sys.stderr)
        results.append(result)
    failed = sum(isinstance(r, ErrorRecord) for r in results)
    if args.format == "csv":
        text = _agreements_csv(results)
    elif args.format == "jsonl":
        text = "".join(
            json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n" for r in results
        )
    else:
        records = [r.model_dump(mode="json") for r in results]
        single = len(args.paths) == 1 and args.paths[0].is_file() and len(records) == 1
        text = json.dumps(records[0] if single else records, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if failed or not results else 0


def _agreements_csv(results: list[Agreement | ErrorRecord]) -> str:
    """One row per agreement (the ``agreements`` tidy table); failed files as rows that
    name the file and the error, so nothing is silently missing."""
    from samverkan_extract.corpus import Corpus
    from samverkan_extract.schema import Agreement, ErrorRecord

    agreements = [r for r in results if isinstance(r, Agreement)]
    table = Corpus(agreements).agreements_table()
    errors = [r.error for r in results if isinstance(r, ErrorRecord)]
    if errors:
        import pandas as pd

        failed = pd.DataFrame(
            {
                "source_path": [e.path for e in errors],
                "error": [f"{e.type}: {e.message}" for e in errors],
            }
        )
        table = pd.concat([table, failed], ignore_index=True)
    return str(table.to_csv(index=False))


def cmd_compare(args: argparse.Namespace) -> int:
    from samverkan_extract.compare_cli import run_compare

    return run_compare(args, _extract_all)


def cmd_text(args: argparse.Namespace) -> int:
    from samverkan_extract.readers import read_document

    sys.stdout.write(read_document(args.path).text + "\n")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from samverkan_extract.schema import json_schema

    sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from samverkan_extract.evaluate import evaluate

    if not args.gold.is_dir():
        print(f"error: {args.gold}: not a folder of gold records", file=sys.stderr)
        return 2
    agreements, failures = _extract_all(args, "evaluating")
    predictions = {Path(a.source.path).stem: a.to_dict() for a in agreements}
    report = evaluate(args.gold, predictions)
    if args.per_document:
        from samverkan_extract.evaluate import Counts

        for stem, scores in report.documents.items():
            total = Counts()
            for c in scores.values():
                total.add(c)
            print(f"{stem:<40} F1 {total.f1:.3f}")
    if args.per_field:
        print(report.per_field())
    if args.errors:
        print(report.errors())
    print(report.table())
    return 1 if failures else 0


COMMANDS = {
    "extract": cmd_extract,
    "compare": cmd_compare,
    "text": cmd_text,
    "schema": cmd_schema,
    "evaluate": cmd_evaluate,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SamverkanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

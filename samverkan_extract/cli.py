"""The command line: ``extract``, ``compare``, ``text``, ``schema`` and ``evaluate``.

Each command imports what it needs when it runs, so ``--help``, ``--version`` and
``schema`` start without spaCy, pandas or pdfplumber.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from samverkan_extract.compare_cli import add_arguments as add_compare_arguments
from samverkan_extract.errors import InputError, SamverkanError
from samverkan_extract.limits import Limits
from samverkan_extract.output import atomic_write_text, escape_surrogates
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
    p.add_argument(
        "--max-memory-mb",
        type=float,
        default=Limits.max_memory_mb,
        help="memory a worker may use for one file, in MB; 0: no limit (default: %(default)s)",
    )


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(
        seconds_per_file=args.timeout,
        max_file_mb=args.max_mb,
        max_pages=args.max_pages,
        max_text_mb=args.max_text_mb,
        max_unpacked_mb=args.max_unpacked_mb,
        max_chars=args.max_chars,
        max_memory_mb=args.max_memory_mb,
    )


def _report_folders(paths: Sequence[Path]) -> None:
    """Say what a folder held that is not read, so that no file goes missing unnoticed."""
    from samverkan_extract.readers import SUPPORTED_SUFFIXES

    for folder in paths:
        if not folder.is_dir():
            continue
        files = [f for f in folder.rglob("*") if not f.is_dir() and not f.name.startswith(".")]
        skipped = [f for f in files if f.suffix.lower() not in SUPPORTED_SUFFIXES]
        if len(skipped) == len(files):
            print(f"warning: {folder}: no .pdf, .docx, .txt or .md files", file=sys.stderr)
        elif skipped:
            print(
                f"note: {folder}: {len(skipped)} file(s) of other types not read "
                f"(e.g. {skipped[0].name})",
                file=sys.stderr,
            )


MAIN_EPILOG = """\
examples:
  samverkan-extract extract corpus/agreements/001_269c87d33e37dbb2.txt
  samverkan-extract extract corpus/agreements --format jsonl -o out/records.jsonl
  samverkan-extract compare corpus/agreements -o out/report.html --xlsx out/tables.xlsx
  samverkan-extract text corpus/agreements/001_269c87d33e37dbb2.txt
  samverkan-extract schema > out/contract.schema.json
  samverkan-extract evaluate --gold corpus/gold corpus/agreements

'samverkan-extract COMMAND --help' shows each command's options and examples.
"""

EXTRACT_EPILOG = """\
examples:
  samverkan-extract extract agreement.pdf                     one record as contract JSON
  samverkan-extract extract corpus/agreements --format jsonl -o out/records.jsonl
  samverkan-extract extract corpus/agreements --format csv -o out/agreements.csv
  samverkan-extract extract corpus/agreements -o out/records/  one .json and one .txt per document
  samverkan-extract extract corpus/agreements --corrections corrections.csv -o out/records.jsonl

A file that cannot be read gives 'error: FILE: problem' on stderr (and an error record in
the output); the others are still extracted and the exit code is 1.
"""

TEXT_EPILOG = """\
examples:
  samverkan-extract text agreement.pdf                 the text evidence offsets point into
  samverkan-extract text a.pdf b.docx                  each headed by '==> FILE <=='
  samverkan-extract text corpus/agreements -o out/texts/   one .txt per document
"""

SCHEMA_EPILOG = """\
examples:
  samverkan-extract schema > out/contract.schema.json
  python3 -c "import json; print(sorted(json.load(open('out/contract.schema.json'))['properties']))"
"""

EVALUATE_EPILOG = """\
examples:
  samverkan-extract evaluate --gold corpus/gold corpus/agreements
  samverkan-extract evaluate --gold tests/data/gold tests/data/agreements --per-document
"""


def _sub(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    epilog: str,
    help: str,  # noqa: A002 - argparse's name
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help, epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samverkan-extract",
        description="Read Swedish samverkansöverenskommelser into normalised records.",
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = _sub(sub, "extract", EXTRACT_EPILOG, help="extract records from files or folders")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument(
        "--format",
        choices=("json", "jsonl", "csv"),
        default="json",
        help="json: one record or a list; jsonl: a record per line; csv: a row per agreement",
    )
    p.add_argument(
        "-o",
        "--output",
        type=str,
        help="write here instead of standard output; a folder (ending in '/') gets one .json "
        "and one normalised .txt per document",
    )
    p.add_argument(
        "--corrections",
        type=Path,
        metavar="FILE",
        help="apply a corrections file (agreement,path,value,by,reason) to the records",
    )
    _add_batch_options(p)

    p = sub.add_parser(
        "compare", help="compare agreements: HTML report, CSV, Excel, Parquet, SQLite, JSON Lines"
    )
    add_compare_arguments(p)
    _add_batch_options(p)

    p = _sub(sub, "text", TEXT_EPILOG, help="print the normalised text that evidence points into")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="one .txt per document here")

    _sub(sub, "schema", SCHEMA_EPILOG, help="print the JSON Schema of the contract")

    p = _sub(sub, "evaluate", EVALUATE_EPILOG, help="score extraction against gold records")
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


def _extract_all(args: argparse.Namespace, label: str) -> tuple[list[Agreement], list[ErrorRecord]]:
    from samverkan_extract.api import expand_paths
    from samverkan_extract.batch import Progress, run_batch
    from samverkan_extract.schema import ErrorInfo, ErrorRecord

    _report_folders(args.paths)
    paths = expand_paths(args.paths)
    if not paths:
        print("error: no supported files (.pdf, .docx, .txt, .md) found", file=sys.stderr)
        missing = ErrorRecord(
            error=ErrorInfo(
                path=" ".join(map(str, args.paths)), type="NoFiles", message="no supported files"
            )
        )
        return [], [missing]
    progress = Progress(enabled=False if args.quiet else None, label=label)
    agreements: list[Agreement] = []
    errors: list[ErrorRecord] = []
    for result in run_batch(paths, jobs=args.jobs, limits=_limits(args), progress=progress):
        if isinstance(result, ErrorRecord):
            errors.append(result)
            _print_error(result)
        else:
            agreements.append(result)
    return agreements, errors


def _print_error(result: ErrorRecord) -> None:
    path = escape_surrogates(result.error.path)
    print(f"error: {path}: {escape_surrogates(result.error.message)}", file=sys.stderr)


def _is_folder_output(path: str | None) -> bool:
    """``-o OUTDIR/``: a trailing slash asks for one file per document (``-o`` naming a
    folder without it stays an error, so a typo never scatters files)."""
    return path is not None and path.endswith(("/", "\\"))


def cmd_extract(args: argparse.Namespace) -> int:
    from samverkan_extract.api import expand_paths
    from samverkan_extract.batch import Progress, run_batch, write_records
    from samverkan_extract.compare_cli import refuse_inputs_as_outputs
    from samverkan_extract.corrections import load_corrections
    from samverkan_extract.output import json_text
    from samverkan_extract.schema import ErrorRecord

    corrections = load_corrections(args.corrections) if args.corrections else None
    folder_output = _is_folder_output(args.output)
    output = Path(args.output) if args.output else None
    if output is not None:
        refuse_inputs_as_outputs(args.paths, [("the output", output)])
    _report_folders(args.paths)
    paths = expand_paths(args.paths)
    progress = Progress(enabled=False if args.quiet else None)
    stream = run_batch(paths, jobs=args.jobs, limits=_limits(args), progress=progress)
    if corrections is None and not folder_output and args.format != "csv":
        # Streamed: each record written as it comes, in input order, nothing held. One
        # path that is not a folder gives one object, a record or an error record.
        single = len(args.paths) == 1 and not args.paths[0].is_dir()
        count, failed = write_records(
            stream, args.format, output, single=single, on_error=_print_error
        )
        return 1 if failed or not count else 0
    results: list[Agreement | ErrorRecord] = []
    for result in stream:
        if isinstance(result, ErrorRecord):
            _print_error(result)
        results.append(result)
    if corrections is not None:
        results = _corrected(results, corrections)
    failed = sum(isinstance(r, ErrorRecord) for r in results)
    if folder_output and output is not None:
        _write_folder(output, results, _limits(args))
        return 1 if failed or not results else 0
    if args.format == "csv":
        text = _agreements_csv(results)
    elif args.format == "jsonl":
        text = "".join(
            json_text(json.dumps(r.model_dump(mode="json"), ensure_ascii=False)) + "\n"
            for r in results
        )
    else:
        records = [r.model_dump(mode="json") for r in results]
        # One path that is not a folder gives one object, a record or an error record.
        single = len(args.paths) == 1 and not args.paths[0].is_dir() and len(records) == 1
        text = json.dumps(records[0] if single else records, ensure_ascii=False, indent=2)
        text = json_text(text) + "\n"
    if output is not None:
        atomic_write_text(output, text)
    else:
        sys.stdout.write(escape_surrogates(text))
    return 1 if failed or not results else 0


def _corrected(
    results: list[Agreement | ErrorRecord], corrections: list
) -> list[Agreement | ErrorRecord]:  # type: ignore[type-arg]
    """The records with the corrections applied, by the ids a corpus gives them."""
    from samverkan_extract.corpus import Corpus
    from samverkan_extract.schema import Agreement

    agreements = [r for r in results if isinstance(r, Agreement)]
    corrected = iter(Corpus(agreements).corrected(corrections).agreements)
    return [next(corrected) if isinstance(r, Agreement) else r for r in results]


def _write_folder(folder: Path, results: list[Agreement | ErrorRecord], limits: Limits) -> None:
    """One ``<id>.json`` (the record, or the error record) and one ``<id>.txt`` (the
    normalised text its evidence points into) per document."""
    from samverkan_extract.corpus import unique_ids
    from samverkan_extract.output import json_text
    from samverkan_extract.schema import Agreement
    from samverkan_extract.sources import source_text

    stems = [
        Path(r.source.path).stem if isinstance(r, Agreement) else Path(r.error.path).stem
        for r in results
    ]
    ids = unique_ids([escape_surrogates(s) or "document" for s in stems])
    for aid, r in zip(ids, results, strict=True):
        if isinstance(r, Agreement):
            atomic_write_text(folder / f"{aid}.json", json_text(r.to_json()) + "\n")
            st = source_text(aid, r, limits)
            if st.text is None:
                print(f"warning: {aid}: no text written: {st.problem}", file=sys.stderr)
            else:
                atomic_write_text(folder / f"{aid}.txt", st.text)
        else:
            body = json.dumps(r.model_dump(mode="json"), ensure_ascii=False, indent=2)
            atomic_write_text(folder / f"{aid}.error.json", json_text(body) + "\n")


def _agreements_csv(results: list[Agreement | ErrorRecord]) -> str:
    """One row per agreement (the ``agreements`` tidy table); failed files as rows that
    name the file and the error, so nothing is silently missing."""
    from samverkan_extract.corpus import Corpus
    from samverkan_extract.export import frame_to_csv
    from samverkan_extract.fields import Column
    from samverkan_extract.schema import Agreement, ErrorRecord
    from samverkan_extract.tables import table_columns

    agreements = [r for r in results if isinstance(r, Agreement)]
    table = Corpus(agreements).agreements_table()
    columns = list(table_columns()["agreements"])
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
        columns.append(Column("error", "string", "Why the file could not be read."))
    return frame_to_csv(table, columns)


def cmd_compare(args: argparse.Namespace) -> int:
    from samverkan_extract.compare_cli import run_compare

    return run_compare(args, _extract_all)


def cmd_text(args: argparse.Namespace) -> int:
    """The normalised text of each file: alone as it is, several each headed by
    ``==> FILE <==``, or with ``-o DIR`` one ``.txt`` per document."""
    from samverkan_extract.api import expand_paths
    from samverkan_extract.corpus import unique_ids
    from samverkan_extract.readers import read_document

    paths = expand_paths(args.paths)
    if not paths:
        print("error: no supported files (.pdf, .docx, .txt, .md) found", file=sys.stderr)
        return 1
    if args.output:
        from samverkan_extract.compare_cli import refuse_inputs_as_outputs

        refuse_inputs_as_outputs(args.paths, [("the output", args.output)])
    ids = unique_ids([escape_surrogates(p.stem) for p in paths])
    failed = 0
    for n, (aid, path) in enumerate(zip(ids, paths, strict=True)):
        try:
            text = read_document(path).text
        except InputError as exc:
            print(f"error: {escape_surrogates(str(exc))}", file=sys.stderr)
            failed += 1
            continue
        if args.output:
            atomic_write_text(args.output / f"{aid}.txt", text)
        elif len(paths) == 1:
            sys.stdout.write(escape_surrogates(text) + "\n")
        else:
            head = "\n" if n else ""
            sys.stdout.write(
                f"{head}==> {escape_surrogates(str(path))} <==\n{escape_surrogates(text)}\n"
            )
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from samverkan_extract.schema import json_schema

    sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from samverkan_extract.evaluate import evaluate

    if not args.gold.is_dir():
        print(f"error: {args.gold}: not a folder of gold records", file=sys.stderr)
        return 2
    agreements, errors = _extract_all(args, "evaluating")
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
    return 1 if errors else 0


COMMANDS = {
    "extract": cmd_extract,
    "compare": cmd_compare,
    "text": cmd_text,
    "schema": cmd_schema,
    "evaluate": cmd_evaluate,
}


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    """A warning as one line a user can read: ``warning: what``."""
    print(f"warning: {escape_surrogates(str(message))}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
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


def run() -> NoReturn:
    """The command's entry point: ``main()``, then leave without tearing the interpreter
    down. Freeing spaCy's, pydantic's and the patterns' objects one by one takes a
    seventh of a second and gives the system nothing it would not take back anyway;
    every output is written (and renamed into place) before ``main()`` returns, so only
    the standard streams are left to flush. An error ``main()`` does not handle leaves
    the ordinary way, with its traceback."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: nothing more can be said
        pass
    os._exit(code)


if __name__ == "__main__":
    run()

"""The Python API: ``extract`` one file into its record, ``extract_many`` into a ``Corpus``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from samverkan_extract.batch import run_batch
from samverkan_extract.corpus import Corpus
from samverkan_extract.corrections import load_corrections
from samverkan_extract.extractors import extract_agreement
from samverkan_extract.limits import DEFAULT_LIMITS, Limits
from samverkan_extract.readers import SUPPORTED_SUFFIXES, read_document
from samverkan_extract.schema import Agreement, ErrorRecord


def extract(path: str | Path, limits: Limits | None = None) -> Agreement:
    """Read one agreement file and return its normalised record.

    Raises ``InputError`` (naming the file and the problem) for input it cannot read;
    ``limits`` bounds its size (the time limit is the batch's).
    """
    return extract_agreement(read_document(path, limits))


def extract_many(
    paths: Iterable[str | Path],
    jobs: int | None = None,
    limits: Limits | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
    corrections: str | Path | None = None,
) -> Corpus:
    """Extract files and folders in parallel (``jobs`` processes, default all cores).

    Files that cannot be read do not stop the batch: they are in ``corpus.errors``.
    ``corrections``: a corrections file (``samverkan_extract.corrections``) applied to
    the records, checked before any file is read.
    """
    checked = load_corrections(corrections) if corrections is not None else None
    agreements: list[Agreement] = []
    errors: list[ErrorRecord] = []
    files = expand_paths(paths)
    for result in run_batch(files, jobs=jobs, limits=limits or DEFAULT_LIMITS, progress=progress):
        if isinstance(result, ErrorRecord):
            errors.append(result)
        else:
            agreements.append(result)
    corpus = Corpus(agreements, errors)
    return corpus.corrected(checked) if checked is not None else corpus


def normalised_text(path: str | Path, limits: Limits | None = None) -> str:
    """The text that evidence offsets point into."""
    return read_document(path, limits).text


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the supported files inside directories, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                f
                for f in p.rglob("*")
                if f.suffix.lower() in SUPPORTED_SUFFIXES
                and not f.name.startswith(".")
                and (f.is_file() or not f.exists())
            )
        else:
            out.append(p)
    return out

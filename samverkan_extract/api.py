"""The Python API: ``extract`` one file into its record, ``extract_many`` into a ``Corpus``.

Imports are made where they are needed, so that ``import samverkan_extract.api`` (and a
command that only lists files) does not load spaCy or pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING

from samverkan_extract.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from samverkan_extract.corpus import Corpus
    from samverkan_extract.schema import Agreement

ProgressCallback = Callable[[int, int, Path], None]


def extract(path: str | Path, limits: Limits | None = None) -> Agreement:
    """Read one agreement file and return its normalised record.

    Raises ``InputError`` (naming the file and the problem) for input it cannot read;
    ``limits`` bounds its size (the time limit is the batch's).
    """
    from samverkan_extract.extractors import extract_agreement
    from samverkan_extract.readers import read_document

    return extract_agreement(read_document(path, limits))


def extract_many(
    paths: Iterable[str | Path],
    jobs: int | None = None,
    limits: Limits | None = None,
    progress: ProgressCallback | bool | None = None,
    corrections: str | Path | None = None,
    executor: Executor | None = None,
) -> Corpus:
    """Extract files and folders in parallel (``jobs`` processes, default all cores).

    Files that cannot be read do not stop the batch: they are in ``corpus.errors``.
    ``corrections``: a corrections file (``samverkan_extract.corrections``) applied to
    the records, checked before any file is read.
    ``progress=True`` shows a bar (``tqdm.auto``: a widget in Jupyter, text elsewhere;
    without tqdm, a line on stderr); a callable gets ``(done, total, path)`` per file.
    ``executor`` runs the files on any ``concurrent.futures.Executor`` instead, such as a
    Dask cluster's ``client.get_executor()``, with the same error records and limits.
    """
    from samverkan_extract.batch import run_batch
    from samverkan_extract.corpus import Corpus
    from samverkan_extract.corrections import load_corrections
    from samverkan_extract.schema import ErrorRecord

    checked = load_corrections(corrections) if corrections is not None else None
    agreements: list[Agreement] = []
    errors: list[ErrorRecord] = []
    files = expand_paths(paths)
    callback, finish = _progress(progress, len(files))
    try:
        for result in run_batch(
            files,
            jobs=jobs,
            limits=limits or DEFAULT_LIMITS,
            progress=callback,
            executor=executor,
        ):
            if isinstance(result, ErrorRecord):
                errors.append(result)
            else:
                agreements.append(result)
    finally:
        finish()
    corpus = Corpus(agreements, errors)
    return corpus.corrected(checked) if checked is not None else corpus


def _progress(
    progress: ProgressCallback | bool | None, total: int
) -> tuple[ProgressCallback | None, Callable[[], None]]:
    """The callback ``run_batch`` gets for ``progress``, and what closes it."""
    if progress is None or progress is False:
        return None, lambda: None
    if progress is not True:
        return progress, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        from samverkan_extract.batch import Progress

        return Progress(enabled=True), lambda: None
    bar = tqdm(total=total, desc="extracting", unit="file")

    def update(done: int, total: int, path: Path) -> None:
        bar.update(done - bar.n)

    return update, bar.close


def normalised_text(path: str | Path, limits: Limits | None = None) -> str:
    """The text that evidence offsets point into."""
    from samverkan_extract.readers import read_document

    return read_document(path, limits).text


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the supported files inside directories, in a stable order.

    Inside a folder, a named pipe, socket or device with a supported name is listed too
    (it gives an error record naming what it is, never a hang); hidden files are not."""
    from samverkan_extract.readers import SUPPORTED_SUFFIXES

    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                f
                for f in p.rglob("*")
                if f.suffix.lower() in SUPPORTED_SUFFIXES
                and not f.name.startswith(".")
                and not f.is_dir()
            )
        else:
            out.append(p)
    return out

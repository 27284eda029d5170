"""The unseen sets (``tests/data/unseen``, ``unseen4`` and ``breadth``: agreements the
rules were not written for, in other hands and layouts) rendered as born-digital PDF and
as DOCX by ``tests/fixtures/render.py``: each document scores (micro-F1 against its
gold record) no more than 0.02 below the same agreement read as TXT/MD, and every
evidence quote is ``text[start:end]`` of the read document.

The renderings are made once and kept in ``tests/.rendered/<set>/`` (``render_all``
renders again only what is older than its source or the renderer). A loss whose cause
lies in the PDF reader or in an extractor, not in the rendering, is marked
``xfail(strict=True)`` with its cause: when that cause is fixed the test passes, and
the strict mark says to take the entry out of ``KNOWN_LOSSES``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from samverkan_extract import Agreement, extract
from samverkan_extract.document import Document
from samverkan_extract.evaluate import Counts
from samverkan_extract.extractors import extract_agreement
from samverkan_extract.readers import read_document
from tests.conftest import ROOT
from tests.fixtures.scoring import evidences, micro, score_diff

pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")
pytest.importorskip("docx")

from tests.fixtures import render  # noqa: E402

PARITY_MARGIN = 0.02
SETS = {name: ROOT / "tests" / "data" / name for name in ("unseen", "unseen4", "breadth")}
RENDERED = ROOT / "tests" / ".rendered"
FORMATS = ("pdf", "docx")

# (format, document): why it scores lower than its text, where the cause is not the
# rendering (the PDF reader and the extractors are worked on elsewhere).
KNOWN_LOSSES = {
    ("pdf", "hudiksvall_medborgarlofte_2023"): (
        "PDF reader: 'Tomas Ek, lokalpolisområdeschef' / 'Hudiksvall' in a signature cell: "
        "the line stops 53 pt short of the cell's edge and 'Hudiksvall' overflows it by "
        "1 pt, so the wrap cannot be told from a typed break by the layout alone; the "
        "police area named only there is lost"
    ),
}


def sources(folder: Path) -> dict[str, Path]:
    return {src.stem: src for src in render.collect_sources([folder / "agreements"])}


CASES = [
    pytest.param(
        fmt,
        name,
        stem,
        id=f"{fmt}-{name}-{stem}",
        marks=(
            [pytest.mark.xfail(strict=True, reason=KNOWN_LOSSES[(fmt, stem)])]
            if (fmt, stem) in KNOWN_LOSSES
            else []
        ),
    )
    for fmt in FORMATS
    for name, folder in SETS.items()
    for stem in sources(folder)
]


@pytest.fixture(scope="session")
def rendered() -> dict[tuple[str, str], dict[str, Path]]:
    """(set, format) -> {stem: rendered file}, rendered once into tests/.rendered."""
    out: dict[tuple[str, str], dict[str, Path]] = {}
    for name, folder in SETS.items():
        found = render.render_all(
            list(sources(folder).values()), RENDERED / name, scanned=0, two_column=0
        )
        for fmt in FORMATS:
            out[(name, fmt)] = {p.stem: p for p in found[fmt]}
    return out


@functools.cache
def gold(name: str, stem: str) -> dict[str, Any]:
    return json.loads((SETS[name] / "gold" / f"{stem}.json").read_text("utf-8"))


@functools.cache
def text_score(name: str, stem: str) -> tuple[float, dict[str, Counts]]:
    return micro(gold(name, stem), extract(sources(SETS[name])[stem]).to_dict())


@functools.cache
def document_of(path: Path) -> Document:
    return read_document(path)


@functools.cache
def record_of(path: Path) -> Agreement:
    return extract_agreement(document_of(path))


@pytest.mark.parametrize("fmt,name,stem", CASES)
def test_rendering_scores_as_well_as_its_text(
    fmt: str, name: str, stem: str, rendered: dict[tuple[str, str], dict[str, Path]]
) -> None:
    path = rendered[(name, fmt)][stem]
    record = record_of(path).to_dict()
    f1, scores = micro(gold(name, stem), record)
    f1_text, text_fields = text_score(name, stem)
    assert f1 >= f1_text - PARITY_MARGIN, (
        f"{name}/{stem}.{fmt} micro-F1 {f1:.3f} vs {f1_text:.3f} as text\n"
        + score_diff(text_fields, scores)
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(SETS))
def test_evidence_is_the_read_text(
    fmt: str, name: str, rendered: dict[tuple[str, str], dict[str, Path]]
) -> None:
    for stem, path in rendered[(name, fmt)].items():
        text = document_of(path).text
        for where, ev in evidences(record_of(path).to_dict()):
            assert text[ev["start"] : ev["end"]] == ev["text"], f"{stem}.{fmt} {where}"

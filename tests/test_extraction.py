"""Extraction from TXT and Markdown, measured against gold records the way the hidden
set is scored, plus the evidence invariant for every value of every document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samverkan_extract import extract
from samverkan_extract.evaluate import evaluate
from samverkan_extract.readers import read_document
from tests.conftest import CORPUS, CORPUS_GOLD, TEST_AGREEMENTS, TEST_GOLD, all_text_documents


def _evidences(node):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        if set(node) >= {"text", "start", "end", "page"}:
            yield node
        for value in node.values():
            yield from _evidences(value)
    elif isinstance(node, list):
        for value in node:
            yield from _evidences(value)


def _predictions(folder: Path) -> dict[str, dict]:
    return {p.stem: extract(p).to_dict() for p in sorted(folder.glob("*"))}


def test_corpus_meets_the_target() -> None:
    report = evaluate(CORPUS_GOLD, _predictions(CORPUS))
    assert not report.missing
    assert report.overall.f1 >= 0.97, report.table()
    for name, counts in report.fields.items():
        if counts.tp + counts.fn:
            assert counts.f1 >= 0.90, f"{name}: {counts.f1:.3f}\n{report.table()}"


def test_own_test_agreements_meet_the_target() -> None:
    assert len(list(TEST_AGREEMENTS.glob("*"))) >= 10
    report = evaluate(TEST_GOLD, _predictions(TEST_AGREEMENTS))
    assert not report.missing
    assert report.overall.f1 >= 0.90, report.table()


def test_the_set_kept_apart() -> None:
    """Eight agreements written without the extractor, not part of the rendering tests
    (tests/data/unseen/README.md)."""
    unseen = TEST_AGREEMENTS.parent / "unseen"
    report = evaluate(unseen / "gold", _predictions(unseen / "agreements"))
    assert not report.missing
    assert report.overall.f1 >= 0.90, report.table()


@pytest.mark.parametrize("path", all_text_documents(), ids=lambda p: p.name)
def test_every_evidence_points_at_its_text(path: Path) -> None:
    text = read_document(path).text
    record = extract(path).to_dict()
    evidences = list(_evidences(record))
    assert evidences, "a record with no evidence at all"
    for ev in evidences:
        assert text[ev["start"] : ev["end"]] == ev["text"]
        assert ev["text"].strip() == ev["text"] and ev["text"]


@pytest.mark.parametrize("path", all_text_documents(), ids=lambda p: p.name)
def test_record_round_trips_through_json(path: Path) -> None:
    record = extract(path)
    again = type(record).model_validate(json.loads(record.to_json()))
    assert again == record


def test_gold_files_have_a_document_each() -> None:
    for gold_dir, docs in ((CORPUS_GOLD, CORPUS), (TEST_GOLD, TEST_AGREEMENTS)):
        stems = {p.stem for p in docs.glob("*")}
        assert {p.stem for p in gold_dir.glob("*.json")} == stems

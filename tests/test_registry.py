"""The field registry is the one declaration of every field: it must cover the contract
exactly, and each of its fields must have its extractor, its view and its scoring."""

from __future__ import annotations

import samverkan_extract.extractors  # noqa: F401 - registers the extractors
from samverkan_extract.extractors.registry import EXTRACTORS
from samverkan_extract.fields import FIELDS, dimensions, metrics
from samverkan_extract.schema import Agreement
from samverkan_extract.tables import table_columns
from tests.conftest import CORPUS_GOLD

RECORD_ONLY = {"schema_version", "source", "warnings", "corrections"}


def test_the_registry_declares_every_field_of_the_contract_once() -> None:
    names = [f.name for f in FIELDS]
    assert len(names) == len(set(names))
    assert set(names) == set(Agreement.model_fields) - RECORD_ONLY


def test_every_field_has_a_registered_extractor() -> None:
    assert {f.extractor for f in FIELDS} == set(EXTRACTORS)


def test_metrics_columns_and_dimensions_are_unique() -> None:
    assert len(metrics()) == len(set(metrics()))
    assert len({d.name for d in dimensions()}) == len(dimensions())
    for table, columns in table_columns().items():
        names = [c.name for c in columns]
        assert len(names) == len(set(names)), table


def test_every_field_shows_and_scores_a_gold_record() -> None:
    import json

    gold = json.loads(next(CORPUS_GOLD.glob("*.json")).read_text("utf-8"))
    record = Agreement.from_record(gold)
    for f in FIELDS:
        shown = list(f.shown(record))
        if f.value(record):
            assert shown and all(s.field.startswith(f.name) for s in shown), f.name
        if not f.optional or f.name in gold:
            scores = f.score(gold, gold)
            assert set(scores) <= set(f.metrics), f.name
            assert all(c.fp == 0 and c.fn == 0 for c in scores.values()), f.name

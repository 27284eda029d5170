"""No rule may be written for one seed: the extraction code and its vocabularies name
no seed person, place or sentence. The names are read from the seeds' gold records, so
the test grows with the corpus."""

from __future__ import annotations

import json

from tests.conftest import CORPUS, CORPUS_GOLD, ROOT

CODE = [p for p in (ROOT / "samverkan_extract").rglob("*") if p.suffix in (".py", ".toml")]
# Reference tables list every municipality and police area by design: not rules.
REFERENCE_TABLES = {"municipalities.csv", "police_areas.csv", "counties.csv"}


def _seed_strings() -> set[str]:
    strings: set[str] = set()
    for gold in CORPUS_GOLD.glob("*.json"):
        record = json.loads(gold.read_text("utf-8"))
        for s in record["signatories"]:
            strings.add(s["name"])
            if s.get("signed_place"):
                strings.add(s["signed_place"])
        for m in record["municipalities"]:
            strings.add(m["name"])
        for p in record["parties"]:
            if p.get("police_area"):
                strings.add(p["police_area"])
    return strings


def _seed_sentences() -> list[str]:
    sentences = []
    for doc in CORPUS.glob("*"):
        for line in doc.read_text("utf-8").splitlines():
            line = line.strip(" -*#")
            if len(line) > 40:
                sentences.append(line[:40])
    return sentences


def test_code_names_no_seed_person_or_place() -> None:
    strings = _seed_strings()
    assert len(strings) > 10
    for path in CODE:
        text = path.read_text("utf-8")
        found = [s for s in strings if s in text]
        assert not found, f"{path.name} names {found}"


def test_code_quotes_no_seed_sentence() -> None:
    sentences = _seed_sentences()
    for path in CODE:
        text = path.read_text("utf-8")
        assert not [s for s in sentences if s in text], path.name


def test_reference_tables_are_the_only_data_naming_places() -> None:
    data = {p.name for p in (ROOT / "samverkan_extract" / "data").glob("*.csv")}
    assert data <= REFERENCE_TABLES | {"signatory_roles.csv"}

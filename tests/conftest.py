"""Shared fixtures: the bundled corpus and the hand-written test agreements."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "agreements"
CORPUS_GOLD = ROOT / "corpus" / "gold"
TEST_AGREEMENTS = ROOT / "tests" / "data" / "agreements"
TEST_GOLD = ROOT / "tests" / "data" / "gold"


def all_text_documents() -> list[Path]:
    return sorted(CORPUS.glob("*")) + sorted(TEST_AGREEMENTS.glob("*"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT

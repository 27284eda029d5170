"""Limits are a value passed down, never process state: one call's limits do not leak."""

from __future__ import annotations

import samverkan_extract as se
from samverkan_extract.batch import extract_one, run_batch
from samverkan_extract.limits import Limits
from samverkan_extract.schema import ErrorRecord
from tests.conftest import CORPUS


def test_a_batch_with_tight_limits_leaves_later_extractions_alone() -> None:
    path = sorted(CORPUS.glob("*.txt"))[0]
    tight = Limits(max_chars=10)
    (result,) = run_batch([path], jobs=1, limits=tight)
    assert isinstance(result, ErrorRecord)
    assert "over the limit of 10" in result.error.message
    assert isinstance(extract_one(path, tight), ErrorRecord)
    # The same process, no limits given: the defaults hold again.
    record = se.extract(path)
    assert record.title is not None and record.parties
    assert not isinstance(extract_one(path), ErrorRecord)


def test_limits_given_to_extract_apply_to_that_call_only() -> None:
    path = sorted(CORPUS.glob("*.txt"))[0]
    try:
        se.extract(path, limits=Limits(max_chars=10))
    except se.InputError as exc:
        assert "over the limit of 10" in exc.problem
    else:  # pragma: no cover - the limit must refuse the file
        raise AssertionError("a 10-character limit let a whole agreement through")
    assert se.extract(path).parties

"""The field registry: every field of the contract, declared once, in the contract's order.

See ``fields/base.py`` for what a declaration says. Adding a field means adding its
declaration here (and its extractor, registered under the same name); everything that
walks a record (extraction, display, report, tables, matrices, diff, evaluate) follows.
"""

from __future__ import annotations

from samverkan_extract.fields.base import (
    Column,
    Comparison,
    Counts,
    Crosstab,
    Dimension,
    Field,
    Label,
    Shown,
    Table,
)
from samverkan_extract.fields.commitments import COMMITMENTS, DOCUMENT_TYPE
from samverkan_extract.fields.forums import FORUMS
from samverkan_extract.fields.mentions import FOLLOW_UP, RELATED_DOCUMENTS
from samverkan_extract.fields.meta import DOCUMENT_DATE, REFERENCE_NUMBERS, TITLE
from samverkan_extract.fields.parties import MUNICIPALITIES, PARTIES
from samverkan_extract.fields.period import PERIOD
from samverkan_extract.fields.priorities import PRIORITY_AREAS
from samverkan_extract.fields.signatories import SIGNATORIES

FIELDS: tuple[Field, ...] = (
    TITLE,
    DOCUMENT_DATE,
    DOCUMENT_TYPE,
    REFERENCE_NUMBERS,
    PERIOD,
    PARTIES,
    MUNICIPALITIES,
    FORUMS,
    PRIORITY_AREAS,
    SIGNATORIES,
    FOLLOW_UP,
    RELATED_DOCUMENTS,
    COMMITMENTS,
)


def field_named(name: str) -> Field:
    for f in FIELDS:
        if f.name == name:
            return f
    raise KeyError(f"no field {name!r}: one of {', '.join(f.name for f in FIELDS)}")


def dimensions() -> tuple[Dimension, ...]:
    """Every presence matrix the fields declare, in field order."""
    return tuple(d for f in FIELDS for d in f.dimensions)


def crosstabs() -> tuple[Crosstab, ...]:
    """Every cross table the fields declare, in field order."""
    return tuple(c for f in FIELDS for c in f.crosstabs)


def metrics() -> tuple[str, ...]:
    """Every evaluation metric, in field order."""
    return tuple(m for f in FIELDS for m in f.metrics)


__all__ = [
    "FIELDS",
    "Column",
    "Comparison",
    "Counts",
    "Crosstab",
    "Dimension",
    "Field",
    "Label",
    "Shown",
    "Table",
    "crosstabs",
    "dimensions",
    "field_named",
    "metrics",
]

"""Extractors: one module per field of the contract, all reading one ``Context``.

``extract_agreement`` first asks ``genre`` whether the document reads as an agreement at
all; if it does, it runs the extractor of every field of ``fields.FIELDS``, in order,
each registered under its field's name (``extractors/registry.py``).
"""

from __future__ import annotations

import importlib
import pkgutil

from samverkan_extract.document import Document
from samverkan_extract.extractors.context import Context
from samverkan_extract.extractors.genre import assess
from samverkan_extract.extractors.registry import EXTRACTORS
from samverkan_extract.fields import FIELDS
from samverkan_extract.schema import Agreement, Source


def _register_all() -> None:
    """Import every module of this package: each extractor registers itself."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_register_all()


def extract_agreement(document: Document) -> Agreement:
    """Every field of the contract from one read document.

    A document that clearly is something else (``genre.assess``: a news item, a guide, a
    protocol, no agreement words or no police) gets the empty record: its source, the
    reader's warnings and one ``not_an_agreement`` warning; no value is taken from it, not
    even its first line as a title. A doubtful one is read, with a ``genre_uncertain``
    warning that says why.
    """
    ctx = Context(document)
    genre = assess(document, ctx.sections)
    if not genre.is_agreement:
        return Agreement(
            source=_source(document),
            warnings=list(dict.fromkeys([*document.warnings, genre.warning()])),
        )
    if genre.is_doubtful:
        ctx.warnings.append(genre.warning())
    for f in FIELDS:
        ctx.values[f.name] = EXTRACTORS[f.extractor](ctx)
    return Agreement(
        source=_source(document),
        warnings=list(dict.fromkeys(document.warnings + ctx.warnings)),
        **ctx.values,
    )


def _source(document: Document) -> Source:
    return Source(
        path=document.path,
        format=document.format,  # type: ignore[arg-type]  # a reader sets a contract format
        sha256=document.sha256,
        pages=document.pages,
        ocr=document.ocr,
    )

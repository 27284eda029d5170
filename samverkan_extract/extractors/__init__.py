"""Extractors: one module per field of the contract, all reading one ``Context``."""

from __future__ import annotations

from samverkan_extract.dates import forget_dates
from samverkan_extract.document import Document
from samverkan_extract.extractors.context import Context
from samverkan_extract.extractors.forums import extract_forums
from samverkan_extract.extractors.genre import assess
from samverkan_extract.extractors.mentions import extract_follow_up, extract_related_documents
from samverkan_extract.extractors.meta import (
    extract_document_date,
    extract_reference_numbers,
    extract_title,
)
from samverkan_extract.extractors.parties import extract_parties
from samverkan_extract.extractors.period import extract_period
from samverkan_extract.extractors.priorities import extract_priority_areas
from samverkan_extract.extractors.signatories import extract_signatories
from samverkan_extract.nlp import make_doc
from samverkan_extract.schema import Agreement, Source


def extract_agreement(document: Document) -> Agreement:
    """Every field of the contract from one read document.

    A document that does not read as a samverkansöverenskommelse (``genre.assess``) gets
    the empty record: its source, the reader's warnings and one ``not_an_agreement``
    warning; no value is taken from it, not even its first line as a title.
    """
    forget_dates()  # dates are remembered within one document only
    genre = assess(document)
    if not genre.is_agreement:
        return Agreement(
            source=_source(document),
            warnings=list(dict.fromkeys([*document.warnings, genre.warning()])),
        )
    ctx = Context(document, make_doc(document))
    parties, municipalities = extract_parties(ctx)
    agreement = Agreement(
        source=_source(document),
        title=extract_title(ctx),
        document_date=extract_document_date(ctx),
        reference_numbers=extract_reference_numbers(ctx),
        period=extract_period(ctx),
        parties=parties,
        municipalities=municipalities,
        forums=extract_forums(ctx),
        priority_areas=extract_priority_areas(ctx),
        signatories=extract_signatories(ctx),
        follow_up=extract_follow_up(ctx),
        related_documents=extract_related_documents(ctx),
    )
    agreement.warnings = list(dict.fromkeys(document.warnings + ctx.warnings))
    return agreement


def _source(document: Document) -> Source:
    return Source(
        path=document.path,
        format=document.format,  # type: ignore[arg-type]
        sha256=document.sha256,
        pages=document.pages,
        ocr=document.ocr,
    )

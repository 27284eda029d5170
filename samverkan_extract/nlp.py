"""The spaCy side: a blank Swedish pipeline that carries the document's layout.

No pretrained Swedish model is used. The pipeline tokenises (with Swedish abbreviations
kept whole), splits sentences at punctuation and at line breaks, and lays the reader's
blocks and the document's sections on the Doc as span groups, the way spacy-layout does,
so that extractors and displaCy read one object.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from samverkan_extract.document import Document
from samverkan_extract.sections import find_sections

ABBREVIATIONS = (
    "bl.a.",
    "t.ex.",
    "fr.o.m.",
    "t.o.m.",
    "m.m.",
    "o.s.v.",
    "d.v.s.",
    "dvs.",
    "s.k.",
    "resp.",
    "ca.",
    "nr.",
    "tf.",
    "f.d.",
    "p.g.a.",
    "pga.",
    "m.fl.",
    "org.nr.",
    "osv.",
    "inkl.",
    "exkl.",
    "jfr.",
    "enl.",
    "kl.",
    "st.",
    "t.f.",
    "a.a.",
    "b.la.",
)


@Language.component("line_break_sentences")
def line_break_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence: headings, list items and signature lines stand alone."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
        elif "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.component("layout_spans")
def layout_spans(doc: Doc) -> Doc:
    """Blocks and sections from the reader, as span groups labelled by kind and topic."""
    document: Document | None = doc.user_data.get("document")
    if document is None:
        return doc
    blocks = []
    for b in document.blocks:
        span = doc.char_span(b.start, b.end, label=b.kind, alignment_mode="expand")
        if span is not None:
            blocks.append(span)
    doc.spans["blocks"] = blocks
    sections = []
    for s in find_sections(document):
        span = doc.char_span(s.start, s.end, label=s.topic or "section", alignment_mode="expand")
        if span is not None:
            sections.append(span)
    doc.spans["sections"] = sections
    return doc


@cache
def get_nlp() -> Language:
    """Build the pipeline once per process: creating it is the slow part."""
    nlp = spacy.blank("sv")
    for abbr in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
        nlp.tokenizer.add_special_case(abbr.capitalize(), [{"ORTH": abbr.capitalize()}])
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_break_sentences")
    nlp.add_pipe("layout_spans")
    return nlp


def make_doc(document: Document) -> Doc:
    nlp = get_nlp()
    doc = nlp.make_doc(document.text)
    doc.user_data["document"] = document
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def sentences_in(doc: Doc, start: int, end: int) -> list[Span]:
    return [s for s in doc.sents if s.start_char < end and s.end_char > start]

"""The spaCy side: a blank Swedish pipeline that finds tokens and sentences.

No pretrained Swedish model is used. The pipeline tokenises (with Swedish abbreviations
kept whole) and splits sentences at punctuation and at line breaks, so that headings,
list items and signature lines stand alone. Layout stays on the ``Document`` (blocks
with offsets) and sections are found once per document by ``sections.find_sections``.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from samverkan_extract.document import Document

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


@cache
def get_nlp() -> Language:
    """Build the pipeline once per process: creating it is the slow part."""
    nlp = spacy.blank("sv")
    tokenizer: Tokenizer = nlp.tokenizer  # a blank pipeline's is spaCy's own Tokenizer
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
        tokenizer.add_special_case(abbr.capitalize(), [{"ORTH": abbr.capitalize()}])
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_break_sentences")
    return nlp


def make_doc(document: Document) -> Doc:
    """The document's text as a Doc with its sentences."""
    return get_nlp()(document.text)

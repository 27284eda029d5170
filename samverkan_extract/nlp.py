"""The spaCy side: a blank Swedish pipeline that finds tokens and sentences.

No pretrained Swedish model is used. The pipeline tokenises (with Swedish abbreviations
kept whole) and splits sentences at punctuation and at line breaks, so that headings,
list items and signature lines stand alone. Layout stays on the ``Document`` (blocks
with offsets) and sections are found once per document by ``sections.find_sections``.
"""

from __future__ import annotations

from functools import cache

import numpy
import spacy
from spacy.attrs import IDX, IS_LOWER, IS_PUNCT, LENGTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
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


# What ends a sentence when it stands as a token of its own (spaCy's sentencizer's set).
SENTENCE_ENDS = frozenset(Sentencizer.default_punct_chars)
_END_CODES = numpy.array(sorted(ord(c) for c in SENTENCE_ENDS if len(c) == 1), dtype=numpy.uint32)


@Language.component("sentences")
def sentences(doc: Doc) -> Doc:
    """Sentence starts, the way spaCy's sentencizer sets them, and after every line break:
    headings, list items and signature lines stand alone.

    A sentence ends at a token of ``SENTENCE_ENDS`` and goes on over the punctuation
    after it; the next other token starts a new one, unless it is a word in lower case
    on the same line (a sentence opens with a capital or a digit: "ca. tio", and a speck
    a scan read as a full stop, "en del av. kommunens"). Worked out on the token arrays
    at once, not token by token, since this runs over every token of every document."""
    n = len(doc)
    if not n:
        return doc
    arr = doc.to_array([IDX, LENGTH, IS_PUNCT, IS_LOWER]).astype("int64")
    idx, length, punct = arr[:, 0], arr[:, 1], arr[:, 2].astype(bool)
    lower = arr[:, 3].astype(bool)
    codes = numpy.frombuffer(doc.text.encode("utf-32-le"), dtype=numpy.uint32)
    is_end = (length == 1) & numpy.isin(codes[numpy.minimum(idx, len(codes) - 1)], _END_CODES)
    starts = numpy.zeros(n, dtype=bool)
    starts[0] = True
    # a word after an end and only punctuation since: the first word of a new sentence
    words = numpy.flatnonzero(~punct & ~is_end)
    ends_before = numpy.concatenate(([0], numpy.cumsum(is_end)))  # ends among tokens [0, k)
    since = numpy.concatenate(([0], words[:-1] + 1))
    starts[words[(ends_before[words] > ends_before[since]) & ~lower[words]]] = True
    # a line break in the space before a token, or a space token of breaks before it
    breaks = numpy.flatnonzero(codes == 10)
    token_end = idx + length
    gap_has_break = numpy.searchsorted(breaks, idx[1:]) > numpy.searchsorted(breaks, token_end[:-1])
    starts[1:] |= gap_has_break
    in_token = numpy.searchsorted(breaks, token_end[:-1]) > numpy.searchsorted(breaks, idx[:-1])
    starts[1:] |= in_token
    doc.from_array([SENT_START], numpy.where(starts, 1, -1).reshape(-1, 1).astype("uint64"))  # type: ignore[arg-type]  # a 2-d int array is thinc's Ints2d
    return doc


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Each sentence's start and end in the text, as ``doc.sents`` gives them."""
    n = len(doc)
    if not n:
        return []
    arr = doc.to_array([IDX, LENGTH, SENT_START]).astype("int64")
    starts = numpy.flatnonzero(arr[:, 2] == 1)
    if not len(starts) or starts[0] != 0:
        starts = numpy.concatenate(([0], starts))
    lasts = numpy.concatenate((starts[1:] - 1, [n - 1]))
    begin = arr[starts, 0]
    finish = arr[lasts, 0] + arr[lasts, 1]
    return list(zip(begin.tolist(), finish.tolist(), strict=True))


@cache
def get_nlp() -> Language:
    """Build the pipeline once per process: creating it is the slow part."""
    nlp = spacy.blank("sv")
    tokenizer: Tokenizer = nlp.tokenizer  # a blank pipeline's is spaCy's own Tokenizer
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
        tokenizer.add_special_case(abbr.capitalize(), [{"ORTH": abbr.capitalize()}])
    nlp.add_pipe("sentences")
    return nlp


def make_doc(document: Document) -> Doc:
    """The document's text as a Doc with its sentences."""
    return get_nlp()(document.text)

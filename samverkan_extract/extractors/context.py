"""What every extractor reads: one ``Context`` per document.

It owns everything computed once per document and asked for by several extractors: the
spaCy Doc (built only when an extractor asks, so a document the genre gate turns away
never pays for it), the sections, the sentences, the dates of a stretch of text, where
the signatures start, and the values of the fields extracted so far. Knowledge built
once per process is on ``Knowledge``; nothing here outlives the document.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import regex

from samverkan_extract.dates import DateMatch, find_dates
from samverkan_extract.document import Block, Document
from samverkan_extract.extractors.signature_zone import find_signature_zone
from samverkan_extract.knowledge import Knowledge, knowledge
from samverkan_extract.nlp import make_doc, sentence_spans
from samverkan_extract.schema import Evidence
from samverkan_extract.sections import Section, find_sections

# Patterns used in the functions below, compiled once.
_SPACES = regex.compile(r"\s+")

if TYPE_CHECKING:
    from spacy.tokens import Doc

_TRIM = " \t\n.,;:–-—\"'”“»«*"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the document: where it is and what it says."""

    start_char: int
    end_char: int
    text: str


@dataclass
class Context:
    document: Document
    kb: Knowledge = field(default_factory=knowledge)
    warnings: list[str] = field(default_factory=list)
    # The fields extracted so far, by name: a later extractor reads an earlier one's value
    # (the municipalities are those of the parties).
    values: dict[str, Any] = field(default_factory=dict)
    memo: dict[object, Any] = field(default_factory=dict)  # results asked for again

    @cached_property
    def doc(self) -> Doc:
        return make_doc(self.document)

    @cached_property
    def sections(self) -> list[Section]:
        return find_sections(self.document)

    @property
    def text(self) -> str:
        return self.document.text

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for text[start:end], trimmed of surrounding space and punctuation."""
        text = self.text
        while start < end and text[start] in " \t\n":
            start += 1
        while end > start and text[end - 1] in " \t\n":
            end -= 1
        return Evidence(
            text=text[start:end], start=start, end=end, page=self.document.page_at(start)
        )

    def sections_about(self, topic: str) -> list[Section]:
        return [s for s in self.sections if s.topic == topic]

    def blocks_between(self, start: int, end: int) -> list[Block]:
        return [b for b in self.document.blocks if b.start >= start and b.end <= end]

    def dates(self, start: int, end: int) -> list[DateMatch]:
        """The dates written within text[start:end]; the text is scanned once."""
        found, starts = self._all_dates
        out = []
        for d in found[bisect.bisect_left(starts, start) :]:
            if d.start >= end:
                break
            if d.end <= end:
                out.append(d)
        return out

    @cached_property
    def _all_dates(self) -> tuple[list[DateMatch], list[int]]:
        found = find_dates(self.text)
        return found, [d.start for d in found]

    def sentences(self, start: int = 0, end: int | None = None) -> list[Sentence]:
        end = len(self.text) if end is None else end
        sents = self._sentences
        first = bisect.bisect_right(self._sentence_ends, start)  # first ending after start
        out = []
        for s in sents[first:]:
            if s.start_char >= end:
                break
            out.append(s)
        return out

    @cached_property
    def _sentence_ends(self) -> list[int]:
        return [s.end_char for s in self._sentences]

    @cached_property
    def _sentences(self) -> list[Sentence]:
        """The Doc's sentences, rejoined where a full stop inside a date on one line ended
        one: the tokenizer knows "jan." but not "JAN.", so "1 JAN. 2024" was cut in two."""
        dates = self.dates(0, len(self.text))  # in order, never overlapping
        starts = [d.start for d in dates]
        spans: list[tuple[int, int]] = []
        for s, e in sentence_spans(self.doc):
            if spans and "\n" not in self.text[spans[-1][1] : s]:
                i = bisect.bisect_left(starts, spans[-1][1]) - 1
                if i >= 0 and dates[i].end > s:
                    spans[-1] = (spans[-1][0], e)
                    continue
            spans.append((s, e))
        return [Sentence(s, e, self.text[s:e]) for s, e in spans]

    @cached_property
    def signature_zone(self) -> tuple[int, int]:
        """Where the signatures are: their start and end in the text."""
        return find_signature_zone(self.document)

    @property
    def signature_zone_start(self) -> int:
        return self.signature_zone[0]


def clean_value(text: str) -> str:
    """A value as the contract wants it: one line, no markup, no surrounding punctuation."""
    text = _SPACES.sub(" ", text.replace("\u00ad", ""))
    return text.strip(_TRIM)


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end

"""What every extractor reads: the document, its Doc, its sections and the knowledge."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property

import regex
from spacy.tokens import Doc, Span

from samverkan_extract.dates import find_dates
from samverkan_extract.document import Block, Document
from samverkan_extract.knowledge import Knowledge, knowledge
from samverkan_extract.schema import Evidence
from samverkan_extract.sections import Section, find_sections

_TRIM = " \t\n.,;:–-—\"'”“»«*"


@dataclass
class Context:
    document: Document
    doc: Doc
    kb: Knowledge = field(default_factory=knowledge)
    warnings: list[str] = field(default_factory=list)
    memo: dict[object, object] = field(default_factory=dict)  # results asked for again

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

    def sentences(self, start: int = 0, end: int | None = None) -> list[Span]:
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
    def _sentences(self) -> list[Span]:
        """The Doc's sentences, rejoined where a full stop inside a date on one line ended
        one: the tokenizer knows "jan." but not "JAN.", so "1 JAN. 2024" was cut in two."""
        dates = find_dates(self.text)  # in order, never overlapping
        starts = [d.start for d in dates]
        out: list[Span] = []
        for sent in self.doc.sents:
            if out and "\n" not in self.text[out[-1].end_char : sent.start_char]:
                i = bisect.bisect_left(starts, out[-1].end_char) - 1
                if i >= 0 and dates[i].end > sent.start_char:
                    out[-1] = self.doc[out[-1].start : sent.end]
                    continue
            out.append(sent)
        return out

    @cached_property
    def signature_zone_start(self) -> int:
        from samverkan_extract.extractors.signatories import find_signature_zone

        return find_signature_zone(self)

    def heading_block(self, offset: int) -> Block | None:
        block = self.document.block_at(offset)
        return block if block is not None and block.kind == "heading" else None


def clean_value(text: str) -> str:
    """A value as the contract wants it: one line, no markup, no surrounding punctuation."""
    text = regex.sub(r"\s+", " ", text.replace("\u00ad", ""))
    return text.strip(_TRIM)


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end

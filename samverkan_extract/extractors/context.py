"""What every extractor reads: the document, its Doc, its sections and the knowledge."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import regex
from spacy.tokens import Doc, Span

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
        return [s for s in self.doc.sents if s.start_char < end and s.end_char > start]

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

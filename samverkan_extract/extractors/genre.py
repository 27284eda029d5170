"""Is this document a samverkansöverenskommelse at all?

One job: score how agreement-like a read document is, from evidence in its text: words
that name the document type, the words such agreements are written in, the police, a
kommun, headings of the sections agreements have, the share of Swedish function words,
and markers of other genres (a protocol, an invoice, a recipe, a news item). Word
lists, weights and thresholds are in ``data/genre.toml``.

The extractors read any text they are given, so a recipe or an invoice would come back
with a "party" or a "period" made up from stray words; ``extract_agreement`` asks this
module first and, for a document that is not an agreement, returns the empty record
with the warning ``not_an_agreement: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import regex

from samverkan_extract.document import Document
from samverkan_extract.extractors.organisations import find_municipalities
from samverkan_extract.knowledge import Knowledge, compile_terms, knowledge
from samverkan_extract.sections import Section

# The warnings' stable prefixes: a program tells the cases by ``startswith``.
NOT_AN_AGREEMENT = "not_an_agreement"
GENRE_UNCERTAIN = "genre_uncertain"
_MESSAGE = "the document does not read as a samverkansöverenskommelse, so nothing was extracted"
_DOUBT = "the document may not be a samverkansöverenskommelse or medborgarlöfte; read as one"

_WORD = regex.compile(r"\p{L}+")


@dataclass(frozen=True)
class Signal:
    """One kind of evidence: how often it was found (counted up to where it saturates)
    and what it adds to the score."""

    name: str
    hits: int
    points: float


@dataclass(frozen=True)
class Genre:
    """How agreement-like a document is, and why."""

    score: float
    threshold: float
    doubtful_from: float  # a score from here up to the threshold is read, with a warning
    swedish_share: float | None  # None: too few function words to judge
    is_swedish: bool
    signals: dict[str, Signal]
    other_genres: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required signals not found

    @property
    def is_agreement(self) -> bool:
        """Read as an agreement or promise: clearly so, or with a doubt (``is_doubtful``).
        A text that reads as another genre is never given the benefit of a doubt."""
        if not self.is_swedish or self.missing:
            return False
        bar = self.threshold if self.other_genres else self.doubtful_from
        return self.score >= bar

    @property
    def is_doubtful(self) -> bool:
        """Read, but not by a clear margin: the record says so in a warning."""
        return self.is_agreement and self.score < self.threshold

    def reason(self) -> str:
        """Why the document is not an agreement, in a few words."""
        reasons = []
        if not self.is_swedish:
            reasons.append(f"the text is not Swedish (Swedish share {self.swedish_share:.2f})")
        if self.missing:
            reasons.append(", ".join("no " + _LABELS.get(m, m) for m in self.missing))
        if self.other_genres:
            reasons.append("it reads as " + ", ".join(f"a {g}" for g in self.other_genres))
        if self.score < self.threshold:
            reasons.append(f"score {self.score:.1f} below {self.threshold:.1f}")
        return "; ".join(reasons)

    def warning(self) -> str:
        if self.is_doubtful:
            return f"{GENRE_UNCERTAIN}: {_DOUBT} ({self.reason()})"
        return f"{NOT_AN_AGREEMENT}: {_MESSAGE} ({self.reason()})"


_LABELS = {
    "agreement": "word naming an agreement (överenskommelse, samverkansavtal ...)",
    "police": "mention of the police",
    "municipality": "mention of a kommun",
    "collaboration": "collaboration vocabulary",
    "headings": "agreement section headings",
}


@dataclass(frozen=True)
class _Rules:
    threshold: float
    doubtful_from: float
    penalty: float
    required: tuple[str, ...]
    min_function_words: int
    min_swedish_share: float
    swedish: frozenset[str]
    english: frozenset[str]
    patterns: dict[str, list[regex.Pattern[str]]]
    weights: dict[str, tuple[float, int]]  # weight, saturate
    heading_topics: frozenset[str]
    # Signals that also count the municipalities named (every written form in the table).
    municipality_names: frozenset[str]
    other_genres: dict[str, tuple[int, float, list[regex.Pattern[str]]]]


def _rules() -> _Rules:
    return knowledge().derived("genre_rules", _build_rules)


def _build_rules(kb: Knowledge) -> _Rules:
    spec: dict[str, Any] = kb.genre
    language = spec["language"]
    patterns: dict[str, list[regex.Pattern[str]]] = {}
    weights: dict[str, tuple[float, int]] = {}
    heading_topics: frozenset[str] = frozenset()
    names: set[str] = set()
    for name, signal in spec["signals"].items():
        weights[name] = (float(signal["weight"]), max(1, int(signal["saturate"])))
        if "topics" in signal:
            heading_topics = frozenset(signal["topics"])
            continue
        patterns[name] = [compile_terms(signal.get("patterns", []), signal.get("acronyms", []))]
        if signal.get("municipality_names"):
            names.add(name)
    return _Rules(
        threshold=float(spec["threshold"]),
        doubtful_from=float(spec["doubtful_from"]),
        penalty=float(spec["penalty"]),
        required=tuple(spec.get("required", ())),
        min_function_words=int(language["min_function_words"]),
        min_swedish_share=float(language["min_swedish_share"]),
        swedish=frozenset(w.casefold() for w in language["swedish"]),
        english=frozenset(w.casefold() for w in language["english"]),
        patterns=patterns,
        weights=weights,
        heading_topics=heading_topics,
        municipality_names=frozenset(names),
        other_genres={
            name: (
                int(g["min_markers"]),
                float(g.get("penalty", spec["penalty"])),
                [compile_terms([m]) for m in g["markers"]],
            )
            for name, g in spec.get("other_genres", {}).items()
        },
    )


def _count(patterns: list[regex.Pattern[str]], text: str, most: int) -> int:
    """How often the patterns are found, counted up to ``most`` (a signal saturates
    there, so the rest of the text need not be searched)."""
    hits = 0
    for pattern in patterns:
        for _ in pattern.finditer(text):
            hits += 1
            if hits >= most:
                return hits
    return hits


def swedish_share(text: str) -> tuple[float | None, int]:
    """The share of Swedish among the Swedish and English function words, and their count."""
    rules = _rules()
    sv = en = 0
    for m in _WORD.finditer(text):
        word = m.group().casefold()
        if word in rules.swedish:
            sv += 1
        elif word in rules.english:
            en += 1
    total = sv + en
    return (sv / total if total else None), total


def assess(document: Document, sections: list[Section]) -> Genre:
    """Score how agreement-like ``document`` is; ``sections`` are its sections, found
    once for all who read them."""
    rules = _rules()
    text = document.text
    signals: dict[str, Signal] = {}
    for name, (weight, saturate) in rules.weights.items():
        if name in rules.patterns:
            hits = _count(rules.patterns[name], text, saturate)
            if name in rules.municipality_names and hits < saturate:
                hits += sum(1 for _ in islice(find_municipalities(text), saturate - hits))
        else:
            hits = len({s.topic for s in sections if s.topic} & rules.heading_topics)
        signals[name] = Signal(name, hits, weight * min(hits, saturate) / saturate)
    others = {
        name: penalty
        for name, (least, penalty, markers) in rules.other_genres.items()
        if sum(1 for m in markers if m.search(text)) >= least
    }
    score = sum(s.points for s in signals.values()) - sum(others.values())
    share, counted = swedish_share(text)
    is_swedish = (
        share is None or counted < rules.min_function_words or share >= rules.min_swedish_share
    )
    return Genre(
        score=round(score, 3),
        threshold=rules.threshold,
        doubtful_from=rules.doubtful_from,
        swedish_share=share,
        is_swedish=is_swedish,
        signals=signals,
        other_genres=list(others),
        missing=[r for r in rules.required if r in signals and signals[r].hits == 0],
    )

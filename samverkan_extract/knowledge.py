"""Reference knowledge loaded once from ``data/``: municipalities, police areas and the
vocabularies the extractors match. Nothing here is written in code."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import regex

T = TypeVar("T")


@dataclass(frozen=True)
class MunicipalityInfo:
    code: str
    name: str
    short_name: str
    genitive: str
    county_code: str
    county: str
    aliases: tuple[str, ...]

    @property
    def region(self) -> str | None:
        return knowledge().county_regions.get(self.county_code)


@dataclass(frozen=True)
class PoliceArea:
    area: str
    district: str
    region: str
    municipality_codes: tuple[str, ...]
    aliases: tuple[str, ...]


# How far before and after its anchor an anchored term may reach.
ANCHOR_REACH = 80


@dataclass(frozen=True)
class Term:
    """One vocabulary entry: an id and the compiled pattern that finds it."""

    id: str
    pattern: regex.Pattern[str]
    weak: bool = False
    implies: tuple[str, ...] = ()
    # Where this also matches, the term does not count ("bedrägerier mot äldre" is about
    # vulnerable victims, not volume crime).
    unless: regex.Pattern[str] | None = None
    # A fixed word the pattern always holds: the text is searched for it, and the
    # pattern tried only around it.
    anchor: regex.Pattern[str] | None = None

    def finditer(
        self, text: str, start: int = 0, end: int | None = None
    ) -> Iterator[regex.Match[str]]:
        """The term's matches in text[start:end]."""
        end = len(text) if end is None else end
        if self.anchor is None:
            yield from self.pattern.finditer(text, start, end)
            return
        last = start
        for a in self.anchor.finditer(text, start, end):
            around = max(last, a.start() - ANCHOR_REACH)
            for m in self.pattern.finditer(text, around, min(end, a.end() + ANCHOR_REACH)):
                if m.start() <= a.start() < m.end():
                    last = m.end()
                    yield m
                    break


def _read_text(name: str) -> str:
    return resources.files("samverkan_extract.data").joinpath(name).read_text("utf-8")


def _read_csv(name: str) -> list[dict[str, str]]:
    lines = [ln for ln in _read_text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(_read_text(name))


def compile_terms(patterns: Sequence[str], acronyms: Sequence[str] = ()) -> regex.Pattern[str]:
    """One pattern for a list: words case-insensitive, acronyms case-sensitive."""
    parts = [rf"(?i:(?<![\w-])(?:{p}))" for p in patterns]
    parts += [rf"(?<![\w-]){regex.escape(a)}(?![\w])" for a in acronyms]
    return regex.compile("|".join(parts) or r"(?!x)x")


@dataclass(frozen=True)
class Role:
    """A normalised signatory role: its id, Swedish label and the titles it covers."""

    id: str
    label: str
    pattern: regex.Pattern[str] | None


@dataclass
class Knowledge:
    municipalities: dict[str, MunicipalityInfo]
    county_regions: dict[str, str]
    police_areas: list[PoliceArea]
    forums: list[Term]
    priorities: list[Term]
    topics: list[Term]
    related_documents: list[Term]
    vocabulary: dict[str, Any]
    # What tells an agreement from other documents (``data/genre.toml``).
    genre: dict[str, Any] = field(default_factory=dict)
    # Signatory roles in the order they are tried (``data/signatory_roles.toml``).
    roles: tuple[Role, ...] = ()
    _patterns: dict[str, regex.Pattern[str]] = field(default_factory=dict)
    _derived: dict[str, Any] = field(default_factory=dict)

    def derived(self, name: str, build: Callable[[Knowledge], T]) -> T:
        """Something built from the knowledge once per process (a compiled pattern, an
        index), by the module that needs it: ``kb.derived("forum_frequency", compile)``."""
        if name not in self._derived:
            self._derived[name] = build(self)
        return self._derived[name]  # type: ignore[no-any-return]  # stored by ``build``

    def pattern(self, section: str, key: str) -> regex.Pattern[str]:
        """A compiled pattern from ``vocabulary.toml``, e.g. ``pattern("meetings", "verbs")``."""
        cache_key = f"{section}.{key}"
        if cache_key not in self._patterns:
            self._patterns[cache_key] = compile_terms(self.vocabulary[section][key])
        return self._patterns[cache_key]

    def municipality_forms(self) -> list[tuple[str, MunicipalityInfo]]:
        """Every written form of every municipality, longest first, for matching."""
        forms: dict[str, MunicipalityInfo] = {}
        for m in self.municipalities.values():
            for form in (
                m.name,
                f"{m.short_name} kommun",
                f"{m.genitive} kommun",
                f"{m.short_name} stad",
                f"{m.genitive} stad",
                *m.aliases,
            ):
                forms.setdefault(form, m)
        return sorted(forms.items(), key=lambda kv: -len(kv[0]))

    def area_names(self) -> list[tuple[str, PoliceArea]]:
        names: dict[str, PoliceArea] = {}
        for a in self.police_areas:
            for form in (a.area, *a.aliases):
                names.setdefault(form, a)
        return sorted(names.items(), key=lambda kv: -len(kv[0]))

    def find_police_area(self, name: str) -> PoliceArea | None:
        folded = name.casefold().strip()
        for form, area in self.area_names():
            if form.casefold() == folded:
                return area
        return None

    def signatory_role(self, title: str | None) -> str:
        """The role id for a title as written; ``other`` when none fits or no title."""
        if title:
            folded = " ".join(title.split())
            for role in self.roles:
                if role.pattern is not None and role.pattern.search(folded):
                    return role.id
        return "other"

    def municipality_region(self, code: str | None) -> str | None:
        """The police region covering a municipality, via its county."""
        info = self.municipalities.get(code or "")
        return self.county_regions.get(info.county_code) if info else None

    def police_region(self, region: str | None, area: str | None) -> str | None:
        """A police party's region as recorded, else looked up from its area."""
        if region:
            return region
        found = self.find_police_area(area) if area else None
        return found.region if found else None

    def municipality_by_short_name(self, name: str) -> MunicipalityInfo | None:
        """The municipality a short name or its genitive names ("Lund", "Lunds")."""
        return self.derived("short_names", _short_names).get(name.casefold().strip())


def _short_names(kb: Knowledge) -> dict[str, MunicipalityInfo]:
    names: dict[str, MunicipalityInfo] = {}
    for m in kb.municipalities.values():  # the first municipality to use a form keeps it
        for form in (m.short_name.casefold(), m.genitive.casefold()):
            names.setdefault(form, m)
    return names


def _terms(entries: list[dict[str, Any]]) -> list[Term]:
    terms = []
    for e in entries:
        implies = tuple(e.get("implies", ()))
        if e.get("patterns") or e.get("acronyms"):
            terms.append(
                Term(
                    e["type"],
                    compile_terms(e.get("patterns", []), e.get("acronyms", [])),
                    False,
                    implies,
                )
            )
        for a in e.get("anchored", ()):
            anchor = regex.compile(regex.escape(a["anchor"]), regex.I)
            terms.append(
                Term(e["type"], compile_terms([a["pattern"]]), False, implies, None, anchor)
            )
        if e.get("weak_patterns"):
            terms.append(Term(e["type"], compile_terms(e["weak_patterns"]), True, implies))
    return terms


def _topic(topic: str, patterns: list[str]) -> Term:
    """Known "other" sections are matched at the heading's start ("Ekonomi", not
    "Kriminell ekonomi"); the topics the extractors read, anywhere in it."""
    if topic != "other":
        return Term(topic, compile_terms(patterns))
    alternatives = "|".join(patterns)
    return Term(
        topic,
        regex.compile(rf"(?i)^\W*(?:{alternatives})"),
    )


def _roles() -> tuple[Role, ...]:
    roles = []
    for entry in _toml("signatory_roles.toml")["role"]:
        patterns = entry.get("patterns", [])
        pattern = regex.compile("(?i:" + "|".join(patterns) + ")") if patterns else None
        roles.append(Role(entry["id"], entry.get("label", entry["id"]), pattern))
    ids = [r.id for r in roles]
    if len(set(ids)) != len(ids) or "other" not in ids:
        raise ValueError("signatory_roles.toml: role ids must be unique and include 'other'")
    return tuple(roles)


@cache
def knowledge() -> Knowledge:
    municipalities = {
        row["code"]: MunicipalityInfo(
            code=row["code"],
            name=row["name"],
            short_name=row["short_name"],
            genitive=row["genitive"],
            county_code=row["county_code"],
            county=row["county"],
            aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
        )
        for row in _read_csv("municipalities.csv")
    }
    county_regions = {row["code"]: row["police_region"] for row in _read_csv("counties.csv")}
    police_areas = [
        PoliceArea(
            area=row["area"],
            district=row["police_district"],
            region=row["region"],
            municipality_codes=tuple(c for c in row["municipality_codes"].split(";") if c),
            aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
        )
        for row in _read_csv("police_areas.csv")
    ]
    forums = _toml("forums.toml")["forum"]
    priorities = _toml("priorities.toml")["category"]
    vocabulary = _toml("vocabulary.toml")
    return Knowledge(
        municipalities=municipalities,
        county_regions=county_regions,
        police_areas=police_areas,
        forums=_terms(forums),
        priorities=[
            Term(
                cat,
                compile_terms(spec.get("patterns", []), spec.get("acronyms", [])),
                unless=compile_terms(spec["unless"]) if spec.get("unless") else None,
            )
            for cat, spec in priorities.items()
        ],
        topics=[_topic(t, p) for t, p in vocabulary["topics"].items()],
        related_documents=[
            Term(t, compile_terms(p)) for t, p in vocabulary["related_documents"].items()
        ],
        vocabulary=vocabulary,
        genre=_toml("genre.toml"),
        roles=_roles(),
    )

"""Many agreements as one ``Corpus`` with tidy pandas tables.

Every table is one call and has the same shape everywhere it goes (pandas, CSV with a
datapackage, Excel, Parquet, SQLite) because every column is declared once, in
``TABLES``, with its type and description.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, overload

import pandas as pd
import regex

from samverkan_extract.knowledge import knowledge
from samverkan_extract.schema import (
    Agreement,
    ErrorRecord,
    Evidence,
    FollowUpFrequency,
    ForumType,
    PartyKind,
    Precision,
    PriorityCategory,
    RelatedDocumentType,
    SourceFormat,
)

if TYPE_CHECKING:
    from samverkan_extract.compare import MatrixKind
    from samverkan_extract.limits import Limits

FORUM_TYPES: tuple[str, ...] = get_args(ForumType)
PRIORITY_CATEGORIES: tuple[str, ...] = get_args(PriorityCategory)
RELATED_DOCUMENT_TYPES: tuple[str, ...] = get_args(RelatedDocumentType)
PARTY_KINDS: tuple[str, ...] = get_args(PartyKind)
FOLLOW_UP_FREQUENCIES: tuple[str, ...] = get_args(FollowUpFrequency)
PRECISIONS: tuple[str, ...] = get_args(Precision)
SOURCE_FORMATS: tuple[str, ...] = get_args(SourceFormat)


# --- signatory roles (knowledge in data/signatory_roles.toml) -------------------------


@dataclass(frozen=True)
class Role:
    """A normalised signatory role: its id, Swedish label and the titles it covers."""

    id: str
    label: str
    pattern: regex.Pattern[str] | None


@cache
def signatory_roles() -> tuple[Role, ...]:
    """The roles of ``data/signatory_roles.toml`` in the order they are tried."""
    text = resources.files("samverkan_extract.data").joinpath("signatory_roles.toml")
    roles = []
    for entry in tomllib.loads(text.read_text("utf-8"))["role"]:
        patterns = entry.get("patterns", [])
        pattern = regex.compile("(?i:" + "|".join(patterns) + ")") if patterns else None
        roles.append(Role(entry["id"], entry.get("label", entry["id"]), pattern))
    ids = [r.id for r in roles]
    if len(set(ids)) != len(ids) or "other" not in ids:
        raise ValueError("signatory_roles.toml: role ids must be unique and include 'other'")
    return tuple(roles)


def signatory_role_ids() -> tuple[str, ...]:
    return tuple(r.id for r in signatory_roles())


def signatory_role(title: str | None) -> str:
    """The role id for a title as written; ``other`` when none fits or there is no title."""
    if title:
        folded = " ".join(title.split())
        for role in signatory_roles():
            if role.pattern is not None and role.pattern.search(folded):
                return role.id
    return "other"


# --- dates ------------------------------------------------------------------------------


def iso_to_date(value: str | None, *, end: bool = False) -> dt.date | None:
    """An ISO date of any precision ("2019", "2020-03", "2023-03-24") as one day: the
    first day it covers, or with ``end`` the last, so year periods compare as days."""
    if not value:
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        month = int(parts[1])
        if len(parts) == 2:
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return dt.date(year, month, int(parts[2]))
    except (ValueError, IndexError):
        return None


def as_date(value: dt.date | str) -> dt.date:
    """A date given as ``date``, ``datetime``, ``Timestamp`` or ISO string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = iso_to_date(str(value))
    if parsed is None:
        raise ValueError(f"not a date: {value!r} (expected YYYY-MM-DD)")
    return parsed


def period_bounds(agreement: Agreement) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of validity; ``None`` where the text does not say."""
    p = agreement.period
    if p is None:
        return None, None
    return iso_to_date(p.start), iso_to_date(p.end, end=True)


def in_force_on(agreement: Agreement, day: dt.date) -> bool:
    """True when the stated period covers ``day``. An open end ("tills vidare") runs on;
    an unknown start cannot be shown to cover anything, so it never does."""
    start, end = period_bounds(agreement)
    return start is not None and start <= day and (end is None or day <= end)


def period_years(start: dt.date | None, end: dt.date | None) -> float | None:
    """Length in years: whole months / 12 when the period ends the day before a month-day
    like its start (2024-01-01 to 2026-12-31 is 3.0), else days / 365.25."""
    if start is None or end is None:
        return None
    after = end + dt.timedelta(days=1)
    if after.day == start.day:
        return ((after.year - start.year) * 12 + after.month - start.month) / 12
    return ((end - start).days + 1) / 365.25


# --- reference look-ups -------------------------------------------------------------------


def _fold_county(name: str) -> str:
    return " ".join(name.casefold().split()).removesuffix(" län")


def _fold_region(name: str) -> str:
    folded = " ".join(name.casefold().split())
    for prefix in ("polisregion ", "region "):
        folded = folded.removeprefix(prefix)
    return folded


def municipality_county_code(code: str | None) -> str | None:
    info = knowledge().municipalities.get(code or "")
    return info.county_code if info else None


def municipality_region(code: str | None) -> str | None:
    """The police region covering a municipality, via its county."""
    county_code = municipality_county_code(code)
    return knowledge().county_regions.get(county_code) if county_code else None


def party_region(police_region: str | None, police_area: str | None) -> str | None:
    """A police party's region as recorded, else looked up from its area."""
    if police_region:
        return police_region
    area = knowledge().find_police_area(police_area) if police_area else None
    return area.region if area else None


def agreement_counties(agreement: Agreement) -> list[str]:
    return _unique(m.county for m in agreement.municipalities)


def agreement_regions(agreement: Agreement) -> list[str]:
    """Police regions of an agreement: from its municipalities' counties, or, when none is
    known that way, from its police parties."""
    regions = _unique(municipality_region(m.code) for m in agreement.municipalities)
    if not regions:
        regions = _unique(
            party_region(p.police_region, p.police_area)
            for p in agreement.parties
            if p.kind == "police"
        )
    return regions


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


# --- records without evidence (gold files) ---------------------------------------------

_NO_EVIDENCE: dict[str, Any] = {"text": "", "start": 0, "end": 0, "page": None}
_NO_SOURCE: dict[str, Any] = {"path": "", "format": "txt", "sha256": "", "pages": None}


def _with_evidence(obj: Any) -> Any:
    if isinstance(obj, Mapping) and "evidence" not in obj:
        return {**obj, "evidence": dict(_NO_EVIDENCE)}
    return obj


def _item(value: Any) -> Any:
    if value is None or isinstance(value, Mapping):
        return _with_evidence(value)
    return {"value": str(value), "evidence": dict(_NO_EVIDENCE)}


def record_to_agreement(record: Mapping[str, Any] | Agreement) -> Agreement:
    """A contract record, or a gold-style one (plain values, no evidence, no source), as an
    ``Agreement``. Missing evidence becomes empty evidence and a missing source an empty
    one (``path`` and ``sha256`` ""); the tables show both as missing values."""
    if isinstance(record, Agreement):
        return record
    d = dict(record)
    d.setdefault("schema_version", "1")
    if not d.get("source"):
        d["source"] = dict(_NO_SOURCE)
    for key in ("title", "document_date"):
        if key in d:
            d[key] = _item(d[key])
    d["reference_numbers"] = [_item(v) for v in d.get("reference_numbers") or []]
    if d.get("period") is not None:
        d["period"] = _with_evidence(d["period"])
    for key in ("parties", "forums", "priority_areas", "signatories", "related_documents"):
        d[key] = [_with_evidence(v) for v in d.get(key) or []]
    if d.get("follow_up") is not None:
        d["follow_up"] = {"text": "", **_with_evidence(d["follow_up"])}
    return Agreement.model_validate(d)


def _has_source(agreement: Agreement) -> bool:
    return bool(agreement.source.sha256)


def _default_id(agreement: Agreement, index: int) -> str:
    return Path(agreement.source.path).stem if agreement.source.path else f"agreement-{index + 1}"


def unique_ids(raw: Sequence[str]) -> list[str]:
    """Ids made unique in a stable way: a repeated stem gets ``-2``, ``-3`` ... in order,
    never one that another record has as its own id."""
    taken = set(raw)
    seen: set[str] = set()
    out = []
    for rid in raw:
        new, n = rid, 1
        while new in seen or (new != rid and new in taken):
            n += 1
            new = f"{rid}-{n}"
        seen.add(new)
        out.append(new)
    return out


# --- table declarations -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a tidy table: its Frictionless type, meaning and allowed values."""

    name: str
    type: str  # Frictionless: string, integer, number, boolean, date
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None


def _evidence_columns(what: str) -> tuple[Column, ...]:
    return (
        Column(
            "evidence_text", "string", f"The text the {what} was read from (null in gold records)."
        ),
        Column("page", "integer", "1-based page of the evidence; null for formats without pages."),
        Column(
            "evidence_start",
            "integer",
            "Character offset where the evidence starts in the normalised text.",
        ),
        Column(
            "evidence_end",
            "integer",
            "Character offset where the evidence ends in the normalised text.",
        ),
    )


_ID = Column("agreement_id", "string", "The agreement's stable id (its source file's stem).", True)
_POSITION = Column(
    "position", "integer", "0-based position of the item in the record's list.", True
)


def _role_enum() -> tuple[str, ...]:
    return signatory_role_ids()


TABLE_DESCRIPTIONS: dict[str, str] = {
    "agreements": "One row per agreement: who, where, when and how much of each.",
    "parties": "One row per party of an agreement.",
    "municipalities": "One row per municipality that is a party, with county and police region.",
    "forums": "One row per collaboration forum an agreement sets up or uses.",
    "priority_areas": "One row per priority area and category (an area with two categories gives two rows).",
    "signatories": "One row per person who signs, with the role normalised.",
    "related_documents": "One row per document type an agreement requires or refers to.",
}


@cache
def table_columns() -> dict[str, tuple[Column, ...]]:
    """Every tidy table's columns, in order: the one place they are declared."""
    return {
        "agreements": (
            _ID,
            Column("title", "string", "The agreement's own title."),
            Column(
                "document_date",
                "string",
                "The date the document states for itself (ISO 8601, the precision the text gives).",
            ),
            Column(
                "municipalities",
                "string",
                "Names of the municipalities that are parties, joined with '; '.",
            ),
            Column("municipality_codes", "string", "Their SCB kommunkoder, joined with ';'."),
            Column("county", "string", "Their counties (län), joined with '; '."),
            Column(
                "region",
                "string",
                "Police region(s): from the counties, else from the police party; joined with '; '.",
            ),
            Column("period_start", "date", "First day of validity."),
            Column(
                "period_end", "date", "Last day of validity; null when open-ended or not stated."
            ),
            Column(
                "period_precision",
                "string",
                "Precision the period was written with.",
                enum=PRECISIONS,
            ),
            Column("years", "number", "Length of the period in years (days / 365.25)."),
            Column(
                "open_ended",
                "boolean",
                "True when a start is stated and no end ('tills vidare').",
                True,
            ),
            Column("n_parties", "integer", "Number of parties.", True),
            Column("party_kinds", "string", "Kinds of the parties in order, joined with '; '."),
            Column(
                "n_municipalities", "integer", "Number of municipalities that are parties.", True
            ),
            Column("n_forums", "integer", "Number of forums.", True),
            Column("n_priority_areas", "integer", "Number of priority areas.", True),
            Column("n_signatories", "integer", "Number of signatories.", True),
            Column("n_related_documents", "integer", "Number of related document types.", True),
            Column(
                "follow_up",
                "string",
                "How often the agreement is followed up.",
                enum=FOLLOW_UP_FREQUENCIES,
            ),
            Column("reference_numbers", "string", "Diarienummer and similar, joined with '; '."),
            Column(
                "source_path",
                "string",
                "Path of the file the record was read from (null for gold records).",
            ),
            Column("format", "string", "Format of the source file.", enum=SOURCE_FORMATS),
            Column(
                "pages",
                "integer",
                "Number of pages of the source (null for formats without pages).",
            ),
            Column("ocr", "boolean", "True when the text came from OCR."),
            Column("warnings", "integer", "Number of warnings the extractor gave.", True),
        ),
        "parties": (
            _ID,
            _POSITION,
            Column("name", "string", "The party as the document names it.", True),
            Column("kind", "string", "Kind of party.", True, PARTY_KINDS),
            Column("municipality_code", "string", "SCB kommunkod, for municipalities."),
            Column("police_area", "string", "Lokalpolisområde, for the police."),
            Column(
                "police_region",
                "string",
                "Police region, for the police (recorded or looked up from the area).",
            ),
            Column("org_number", "string", "Organisation number."),
            Column("address", "string", "Address as written."),
            Column("alias", "string", "The short name the text defines for the party."),
            *_evidence_columns("party"),
        ),
        "municipalities": (
            _ID,
            _POSITION,
            Column("name", "string", "Official name of the municipality.", True),
            Column("code", "string", "SCB kommunkod (4 digits).", True),
            Column("county", "string", "County (län).", True),
            Column("county_code", "string", "SCB länskod."),
            Column("region", "string", "Police region covering the county."),
            *_evidence_columns("municipality"),
        ),
        "forums": (
            _ID,
            _POSITION,
            Column("name", "string", "The forum's name as written.", True),
            Column("type", "string", "Forum type id of the contract.", True, FORUM_TYPES),
            Column("meetings_per_year", "number", "Meetings per year, when stated."),
            Column("frequency_text", "string", "The frequency as written."),
            *_evidence_columns("forum"),
        ),
        "priority_areas": (
            _ID,
            _POSITION,
            Column("text", "string", "The priority area as written.", True),
            Column(
                "category",
                "string",
                "Priority category id of the contract (null if the area has none).",
                enum=PRIORITY_CATEGORIES,
            ),
            *_evidence_columns("priority area"),
        ),
        "signatories": (
            _ID,
            _POSITION,
            Column("name", "string", "The person who signs.", True),
            Column("title", "string", "The role as written."),
            Column(
                "role",
                "string",
                "The role normalised by data/signatory_roles.toml.",
                True,
                _role_enum(),
            ),
            Column("organization", "string", "The party or body under the name."),
            Column(
                "signed_date", "string", "Date of signing (ISO 8601, the precision the text gives)."
            ),
            Column("signed_place", "string", "Place of signing."),
            *_evidence_columns("signatory"),
        ),
        "related_documents": (
            _ID,
            _POSITION,
            Column(
                "type",
                "string",
                "Related document type id of the contract.",
                True,
                RELATED_DOCUMENT_TYPES,
            ),
            *_evidence_columns("document mention"),
        ),
    }


def _evidence_values(ev: Evidence | None) -> tuple[Any, ...]:
    if ev is None or not ev.text:
        return (None, None, None, None)
    return (ev.text, ev.page, ev.start, ev.end)


def _frame(columns: tuple[Column, ...], rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Rows as a DataFrame whose dtypes follow the declaration, also when empty."""
    data: dict[str, Any] = {}
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    for col, column_values in zip(columns, values, strict=True):
        vals = list(column_values)
        if col.enum is not None:
            data[col.name] = pd.Categorical(vals, categories=list(col.enum))
        elif col.type == "date":
            dates = pd.to_datetime(pd.Series(vals, dtype=object), errors="coerce")
            data[col.name] = dates.astype("datetime64[ns]")
        elif col.type == "integer":
            data[col.name] = pd.array(vals, dtype="int64" if col.required else "Int64")
        elif col.type == "number":
            data[col.name] = pd.array(
                [float("nan") if v is None else v for v in vals], dtype="float64"
            )
        elif col.type == "boolean":
            data[col.name] = pd.array(vals, dtype="bool" if col.required else "boolean")
        else:
            data[col.name] = pd.array(vals, dtype="string")
    return pd.DataFrame(data, columns=[c.name for c in columns])


# --- the corpus ---------------------------------------------------------------------------


class Corpus:
    """Agreements with stable ids, the errors of files that could not be read, and
    tidy tables over them. Filters return a new ``Corpus``; nothing is changed in place."""

    def __init__(
        self,
        agreements: Iterable[Agreement] = (),
        errors: Iterable[ErrorRecord] = (),
        ids: Sequence[str] | None = None,
    ) -> None:
        self.agreements: list[Agreement] = list(agreements)
        self.errors: list[ErrorRecord] = list(errors)
        if ids is None:
            self.ids = unique_ids([_default_id(a, i) for i, a in enumerate(self.agreements)])
        else:
            self.ids = [str(i) for i in ids]
            if len(set(self.ids)) != len(self.ids):
                raise ValueError("agreement ids must be unique")
        if len(self.ids) != len(self.agreements):
            raise ValueError(f"{len(self.ids)} ids for {len(self.agreements)} agreements")
        self._position = {aid: n for n, aid in enumerate(self.ids)}
        self._tables: dict[str, pd.DataFrame] = {}

    # construction -----------------------------------------------------------------------

    @classmethod
    def from_paths(
        cls,
        paths: Iterable[str | Path],
        jobs: int | None = None,
        progress: Callable[[int, int, Path], None] | None = None,
        limits: Limits | None = None,
    ) -> Corpus:
        """Extract files and folders in parallel (``jobs`` processes, default all cores);
        unreadable files land in ``errors`` and the rest are still read."""
        from samverkan_extract.api import expand_paths
        from samverkan_extract.batch import run_batch
        from samverkan_extract.limits import DEFAULT_LIMITS

        agreements: list[Agreement] = []
        errors: list[ErrorRecord] = []
        files = expand_paths(paths)
        for result in run_batch(
            files, jobs=jobs, limits=limits or DEFAULT_LIMITS, progress=progress
        ):
            if isinstance(result, ErrorRecord):
                errors.append(result)
            else:
                agreements.append(result)
        return cls(agreements, errors)

    @classmethod
    def from_records(
        cls,
        records: Mapping[str, Mapping[str, Any] | Agreement]
        | Iterable[Mapping[str, Any] | Agreement],
        ids: Sequence[str] | None = None,
    ) -> Corpus:
        """Contract records, gold-style dicts or ``Agreement`` objects; ids are the mapping's
        keys, else ``ids``, else the source stems. Error records go to ``errors``."""
        if isinstance(records, Mapping):
            ids = list(records.keys())
            records = list(records.values())
        agreements: list[Agreement] = []
        errors: list[ErrorRecord] = []
        kept: list[int] = []
        for n, rec in enumerate(records):
            if isinstance(rec, Mapping) and "error" in rec:
                errors.append(ErrorRecord.model_validate(rec))
                continue
            agreements.append(record_to_agreement(rec))
            kept.append(n)
        if ids is not None:
            given = list(ids)
            ids = [given[n] for n in kept]
        return cls(agreements, errors, ids)

    @classmethod
    def from_json(cls, paths: Iterable[str | Path]) -> Corpus:
        """Records from ``.json`` files (one record, id = file stem, or a list) and
        ``.jsonl`` files (one per line), e.g. gold folders or ``compare --json`` output."""
        records: list[Any] = []
        ids: list[str] = []
        for path in map(Path, paths):
            files = sorted(path.glob("*.json*")) if path.is_dir() else [path]
            for f in files:
                text = f.read_text("utf-8")
                if f.suffix == ".jsonl":
                    items = [json.loads(line) for line in text.splitlines() if line.strip()]
                else:
                    data = json.loads(text)
                    items = data if isinstance(data, list) else [data]
                for n, item in enumerate(items):
                    records.append(item)
                    src = (item.get("source") or {}).get("path") or ""
                    single = f.suffix == ".json" and len(items) == 1
                    ids.append(f.stem if single else (Path(src).stem or f"{f.stem}-{n + 1}"))
        return cls.from_records(records, ids=unique_ids(ids))

    # sequence protocol ------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.agreements)

    def __iter__(self) -> Iterator[Agreement]:
        return iter(self.agreements)

    @overload
    def __getitem__(self, key: int | str) -> Agreement: ...

    @overload
    def __getitem__(self, key: slice) -> Corpus: ...

    def __getitem__(self, key: int | str | slice) -> Agreement | Corpus:
        """By position, by agreement id, or a slice as a new corpus."""
        if isinstance(key, slice):
            return self._subset(range(len(self))[key])
        if isinstance(key, str):
            return self.agreements[self._position[key]]
        return self.agreements[key]

    def __repr__(self) -> str:
        return f"Corpus({len(self)} agreements, {len(self.errors)} errors)"

    def items(self) -> Iterator[tuple[str, Agreement]]:
        return zip(self.ids, self.agreements, strict=True)

    def to_records(self) -> list[dict[str, Any]]:
        """The full contract records, in order."""
        return [a.to_dict() for a in self.agreements]

    def _subset(self, positions: Iterable[int]) -> Corpus:
        positions = list(positions)
        return Corpus(
            [self.agreements[n] for n in positions], self.errors, [self.ids[n] for n in positions]
        )

    # filters ----------------------------------------------------------------------------

    def filter(
        self,
        *,
        county: str | Iterable[str] | None = None,
        region: str | Iterable[str] | None = None,
        valid_on: dt.date | str | None = None,
        municipality: str | Iterable[str] | None = None,
    ) -> Corpus:
        """Agreements that match every given condition (any of several values each).

        ``county``: "Skåne län", "Skåne" or a länskod; ``region``: "Syd", "Region Syd";
        ``municipality``: a name ("Lund", "Lunds kommun") or SCB code; ``valid_on``: a day
        the period covers (see ``in_force_on``).
        """
        counties = {_fold_county(c) for c in _many(county)}
        regions = {_fold_region(r) for r in _many(region)}
        munis = {_fold_municipality(m) for m in _many(municipality)}
        day = as_date(valid_on) if valid_on is not None else None
        keep = []
        for n, a in enumerate(self.agreements):
            if counties and not counties & _county_keys(a):
                continue
            if regions and not regions & {_fold_region(r) for r in agreement_regions(a)}:
                continue
            if munis and not munis & _municipality_keys(a):
                continue
            if day is not None and not in_force_on(a, day):
                continue
            keep.append(n)
        return self._subset(keep)

    # tables -----------------------------------------------------------------------------

    def agreements_table(self) -> pd.DataFrame:
        """One row per agreement."""
        return self._table("agreements", self._agreement_rows)

    def parties(self) -> pd.DataFrame:
        return self._table("parties", self._party_rows)

    def municipalities(self) -> pd.DataFrame:
        return self._table("municipalities", self._municipality_rows)

    def forums(self) -> pd.DataFrame:
        return self._table("forums", self._forum_rows)

    def priority_areas(self) -> pd.DataFrame:
        """One row per area and category; an area with no category keeps one row."""
        return self._table("priority_areas", self._priority_rows)

    def signatories(self) -> pd.DataFrame:
        return self._table("signatories", self._signatory_rows)

    def related_documents(self) -> pd.DataFrame:
        return self._table("related_documents", self._related_rows)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every tidy table by name, ``agreements`` first (the others refer to it)."""
        return {
            "agreements": self.agreements_table(),
            "parties": self.parties(),
            "municipalities": self.municipalities(),
            "forums": self.forums(),
            "priority_areas": self.priority_areas(),
            "signatories": self.signatories(),
            "related_documents": self.related_documents(),
        }

    # comparison: compare.py's functions, one call away ----------------------------------

    def matrix(self, kind: MatrixKind | str = "forums", by: str = "agreement") -> pd.DataFrame:
        """0/1 presence of every forum type, priority category, related document type or
        signatory role (``kind``) per agreement or per municipality (``by``)."""
        from samverkan_extract.compare import matrix

        return matrix(self, kind, by)

    def summary(self) -> pd.DataFrame:
        """How many agreements have each id of every matrix, and what share that is."""
        from samverkan_extract.compare import summary

        return summary(self)

    def timeline(self) -> pd.DataFrame:
        """Start and end of validity per agreement (datetime64), earliest first."""
        from samverkan_extract.compare import timeline

        return timeline(self)

    def in_force(self, date: dt.date | str) -> Corpus:
        """The agreements whose stated period covers ``date``."""
        from samverkan_extract.compare import in_force

        return in_force(self, date)

    def diff(
        self, a: int | str | Agreement, b: int | str | Agreement, *, include_same: bool = False
    ) -> pd.DataFrame:
        """What changes from ``a`` to ``b`` (positions, ids or records), field by field."""
        from samverkan_extract.compare import diff

        first = a if isinstance(a, Agreement) else self[a]
        second = b if isinstance(b, Agreement) else self[b]
        return diff(first, second, include_same=include_same)

    def _repr_html_(self) -> str:
        """A notebook shows one row per agreement and the files not read."""
        from samverkan_extract.display import corpus_html

        return corpus_html(self)

    def _table(self, name: str, rows: Callable[[], list[tuple[Any, ...]]]) -> pd.DataFrame:
        # Built once per corpus and handed out as copies, so callers may change theirs.
        if name not in self._tables:
            self._tables[name] = _frame(table_columns()[name], rows())
        return self._tables[name].copy()

    def _agreement_rows(self) -> list[tuple[Any, ...]]:
        rows = []
        for aid, a in self.items():
            start, end = period_bounds(a)
            years = period_years(start, end)
            src = _has_source(a)
            rows.append(
                (
                    aid,
                    a.title.value if a.title else None,
                    a.document_date.value if a.document_date else None,
                    _join(m.name for m in a.municipalities),
                    _join((m.code for m in a.municipalities), ";"),
                    _join(agreement_counties(a)),
                    _join(agreement_regions(a)),
                    start,
                    end,
                    a.period.precision if a.period else None,
                    years,
                    start is not None and end is None,
                    len(a.parties),
                    _join(p.kind for p in a.parties),
                    len(a.municipalities),
                    len(a.forums),
                    len(a.priority_areas),
                    len(a.signatories),
                    len(a.related_documents),
                    a.follow_up.frequency if a.follow_up else None,
                    _join(r.value for r in a.reference_numbers),
                    a.source.path if src else None,
                    a.source.format if src else None,
                    a.source.pages if src else None,
                    a.source.ocr if src else None,
                    len(a.warnings),
                )
            )
        return rows

    def _party_rows(self) -> list[tuple[Any, ...]]:
        return [
            (
                aid,
                n,
                p.name,
                p.kind,
                p.municipality_code,
                p.police_area,
                party_region(p.police_region, p.police_area) if p.kind == "police" else None,
                p.org_number,
                p.address,
                p.alias,
                *_evidence_values(p.evidence),
            )
            for aid, a in self.items()
            for n, p in enumerate(a.parties)
        ]

    def _municipality_rows(self) -> list[tuple[Any, ...]]:
        return [
            (
                aid,
                n,
                m.name,
                m.code,
                m.county,
                municipality_county_code(m.code),
                municipality_region(m.code),
                *_evidence_values(m.evidence),
            )
            for aid, a in self.items()
            for n, m in enumerate(a.municipalities)
        ]

    def _forum_rows(self) -> list[tuple[Any, ...]]:
        return [
            (
                aid,
                n,
                f.name,
                f.type,
                f.meetings_per_year,
                f.frequency_text,
                *_evidence_values(f.evidence),
            )
            for aid, a in self.items()
            for n, f in enumerate(a.forums)
        ]

    def _priority_rows(self) -> list[tuple[Any, ...]]:
        return [
            (aid, n, p.text, cat, *_evidence_values(p.evidence))
            for aid, a in self.items()
            for n, p in enumerate(a.priority_areas)
            for cat in (list[str | None](p.categories) or [None])
        ]

    def _signatory_rows(self) -> list[tuple[Any, ...]]:
        return [
            (
                aid,
                n,
                s.name,
                s.title,
                signatory_role(s.title),
                s.organization,
                s.signed_date,
                s.signed_place,
                *_evidence_values(s.evidence),
            )
            for aid, a in self.items()
            for n, s in enumerate(a.signatories)
        ]

    def _related_rows(self) -> list[tuple[Any, ...]]:
        return [
            (aid, n, r.type, *_evidence_values(r.evidence))
            for aid, a in self.items()
            for n, r in enumerate(a.related_documents)
        ]


def _join(values: Iterable[str | None], sep: str = "; ") -> str | None:
    joined = sep.join(v for v in values if v)
    return joined or None


def _many(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _county_keys(agreement: Agreement) -> set[str]:
    keys: set[str] = set()
    for m in agreement.municipalities:
        folded = _fold_county(m.county)
        keys |= {folded, folded.removesuffix("s")}
        code = municipality_county_code(m.code)
        if code:
            keys.add(code)
    return keys


def _fold_municipality(name: str) -> str:
    folded = " ".join(name.casefold().split())
    for suffix in (" kommun", " stad"):
        folded = folded.removesuffix(suffix)
    return folded


def _municipality_keys(agreement: Agreement) -> set[str]:
    keys: set[str] = set()
    for m in agreement.municipalities:
        keys.add(m.code)
        keys.add(_fold_municipality(m.name))
        info = knowledge().municipalities.get(m.code)
        if info:
            keys |= {info.short_name.casefold(), info.genitive.casefold()}
    return keys

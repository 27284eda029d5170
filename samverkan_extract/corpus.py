"""Many agreements as one ``Corpus``: records with stable ids, the files that could not
be read, filters, and the tidy tables and comparisons over them.

A corpus holds records; it does not read files (``samverkan_extract.extract_many``
does). Its tables are those of ``tables.py`` (one per list field of the registry, and
``agreements``), reachable by name: ``corpus.forums()``, ``corpus.table("forums")``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import pandas as pd

from samverkan_extract import compare, tables
from samverkan_extract.corrections import CorrectionLine, apply_corrections, load_corrections
from samverkan_extract.dates import as_date
from samverkan_extract.errors import UnknownNameError
from samverkan_extract.fields.commitments import DOCUMENT_TYPES
from samverkan_extract.fields.parties import agreement_regions
from samverkan_extract.fields.period import in_force_on
from samverkan_extract.knowledge import knowledge
from samverkan_extract.labels import vocabulary
from samverkan_extract.output import escape_surrogates
from samverkan_extract.schema import Agreement, ErrorRecord, view


def _default_id(agreement: Agreement, index: int) -> str:
    """The source file's stem; the bytes of a name that was not UTF-8 written as \\xNN."""
    if not agreement.source.path:
        return f"agreement-{index + 1}"
    return escape_surrogates(Path(agreement.source.path).stem)


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
            agreements.append(Agreement.from_record(rec))
            kept.append(n)
        if ids is not None:
            given = list(ids)
            ids = [given[n] for n in kept]
        return cls(agreements, errors, ids)

    @classmethod
    def from_json(cls, paths: Iterable[str | Path]) -> Corpus:
        """Records read back from JSON: the way to keep extraction and analysis apart.

        ``paths`` are ``.json`` files (one record, whose id is the file stem, or a list of
        records), ``.jsonl`` files (one record per line: ``extract --format jsonl`` or
        ``compare --json`` output) and folders of them (``extract DIR -o OUTDIR/``
        output, gold folders). Ids of records from lists and lines are their source
        files' stems, made unique. Error records go to ``errors``. Every record is
        validated against the contract; a record that does not match it raises
        ``pydantic.ValidationError`` naming the field.

        >>> corpus = Corpus.from_json(["out/records.jsonl"])  # doctest: +SKIP
        """
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
        type: str | Iterable[str] | None = None,  # noqa: A002 - the CLI's --type
    ) -> Corpus:
        """Agreements that match every given condition (any of several values each).

        ``county``: "Skåne län", "Skåne" or a länskod; ``region``: "Syd", "Region Syd";
        ``municipality``: a name ("Lund", "Lunds kommun") or SCB code; ``type``: a
        document type id or label ("medborgarlofte", "Medborgarlöfte"); ``valid_on``: a
        day the period covers (an open end runs on; an unknown start covers nothing).

        A name that is no county, region, municipality or document type raises
        ``UnknownNameError`` listing the closest known names, rather than returning an
        empty corpus that looks like an answer.
        """
        check_filter_names(county=county, region=region, municipality=municipality, type=type)
        counties = {_fold_county(c) for c in _many(county)}
        regions = {_fold_region(r) for r in _many(region)}
        munis = {_fold_municipality(m) for m in _many(municipality)}
        types = {_type_id(t) for t in _many(type)}
        day = as_date(valid_on) if valid_on is not None else None
        keep = []
        for n, a in enumerate(self.agreements):
            if counties and not counties & _county_keys(a):
                continue
            if regions and not regions & {_fold_region(r) for r in agreement_regions(a)}:
                continue
            if munis and not munis & _municipality_keys(a):
                continue
            if types and not (a.document_type and a.document_type.value in types):
                continue
            if day is not None and not in_force_on(a, day):
                continue
            keep.append(n)
        return self._subset(keep)

    def corrected(self, corrections: str | Path | Sequence[CorrectionLine]) -> Corpus:
        """The corpus with a corrections file (or its checked lines) applied: each
        corrected record is a copy listing its corrections (``record.corrections``). A
        correction for an agreement not in the corpus is left out with a warning; one that
        does not fit its record raises ``CorrectionError`` naming the file and line."""
        lines = (
            load_corrections(corrections)
            if isinstance(corrections, str | Path)
            else list(corrections)
        )
        agreements, unused = apply_corrections(list(self.items()), lines)
        if unused:
            warnings.warn(
                f"{len(unused)} correction(s) for agreements not in this corpus: "
                + ", ".join(f"{c.where} ({c.agreement})" for c in unused[:5])
                + (" ..." if len(unused) > 5 else ""),
                stacklevel=2,
            )
        return Corpus(agreements, self.errors, self.ids)

    def duplicates(self) -> list[list[str]]:
        """Groups of ids that are likely one agreement (same file, or same municipalities,
        period and title in another format); the first of each group is the one kept."""
        return compare.duplicates(self)

    def deduplicated(self) -> Corpus:
        """The corpus without its likely duplicates (the first of each group is kept)."""
        dropped = compare.duplicate_ids(self)
        return self._subset(n for n, aid in enumerate(self.ids) if aid not in dropped)

    # tables -----------------------------------------------------------------------------

    def table(self, name: str) -> pd.DataFrame:
        """One tidy table by name (``tables.table_columns()`` lists them)."""
        # Built once per corpus and handed out as copies, so callers may change theirs.
        if name not in self._tables:
            self._tables[name] = tables.build_table(name, list(self.items()))
        return self._tables[name].copy()

    def agreements_table(self) -> pd.DataFrame:
        """One row per agreement."""
        return self.table("agreements")

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every tidy table by name, ``agreements`` first (the others refer to it)."""
        return {name: self.table(name) for name in tables.table_columns()}

    def __getattr__(self, name: str) -> Callable[[], pd.DataFrame]:
        """The long tables by name: ``corpus.forums()``, ``corpus.signatories()`` ..."""
        if name != "agreements" and name in tables.table_columns():
            return lambda: self.table(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *tables.table_columns()} - {"agreements"})

    # comparison: compare.py's functions, one call away ----------------------------------

    def matrix(
        self,
        kind: str = "forums",
        by: str = "agreement",
        *,
        how: str = "any",
        lang: str | None = None,
    ) -> pd.DataFrame:
        """Presence of every forum type, priority category, related document type,
        signatory role ... (``kind``) per agreement, municipality, county, police_region or
        police_area (``by``): 0/1 (``how="any"``), counts or shares; ``lang`` names rows
        and columns for people. See ``compare.matrix``."""
        return compare.matrix(self, kind, by, how=how, lang=lang)

    def crosstab(
        self, name: str = "commitments_by_party", *, lang: str | None = None
    ) -> pd.DataFrame:
        """Commitments by party kind x priority category (counts)."""
        return compare.crosstab(self, name, lang=lang)

    def summary(self, *, lang: str = "sv", keep_duplicates: bool = False) -> pd.DataFrame:
        """How many agreements have each id of every matrix, and what share that is
        (likely duplicates counted once), with labels in ``lang``."""
        return compare.summary(self, lang=lang, keep_duplicates=keep_duplicates)

    def timeline(self, *, day: dt.date | str | None = None, lang: str = "sv") -> pd.DataFrame:
        """Start and end of validity per agreement (datetime64), earliest first, with
        whether each is in force on ``day`` (default today)."""
        return compare.timeline(self, day=day, lang=lang)

    @property
    def plot(self) -> Any:
        """Charts of the corpus (matplotlib): ``corpus.plot.matrix("forums", by="county")``,
        ``corpus.plot.timeline()``."""
        return view("plot")(self)

    def in_force(self, date: dt.date | str) -> Corpus:
        """The agreements whose stated period covers ``date``."""
        return self.filter(valid_on=date)

    def diff(
        self, a: int | str | Agreement, b: int | str | Agreement, *, include_same: bool = False
    ) -> pd.DataFrame:
        """What changes from ``a`` to ``b`` (positions, ids or records), field by field."""
        first = a if isinstance(a, Agreement) else self[a]
        second = b if isinstance(b, Agreement) else self[b]
        return compare.diff(first, second, include_same=include_same)

    def _repr_html_(self) -> str:
        """A notebook shows one row per agreement and the files not read."""
        return str(view("corpus_html")(self))


# --- filter keys ----------------------------------------------------------------------------


def _known_counties() -> dict[str, str]:
    """Every accepted way to name a county, folded, with its official name."""
    out: dict[str, str] = {}
    for info in knowledge().municipalities.values():
        folded = _fold_county(info.county)
        out[folded] = info.county
        out[folded.removesuffix("s")] = info.county
        out[info.county_code] = info.county
    return out


def _known_regions() -> dict[str, str]:
    return {_fold_region(r): r for r in set(knowledge().county_regions.values())}


def _known_municipalities() -> dict[str, str]:
    out: dict[str, str] = {}
    for info in knowledge().municipalities.values():
        for form in (info.name, info.short_name, info.genitive):
            out[_fold_municipality(form)] = info.name
        out[info.code] = info.name
    return out


def _known_types() -> dict[str, str]:
    out: dict[str, str] = {}
    labels = vocabulary("document_types")
    for t in DOCUMENT_TYPES:
        out[t] = t
        if t in labels:
            out[" ".join(labels[t].sv.casefold().split())] = t
            out[" ".join(labels[t].en.casefold().split())] = t
    return out


def _type_id(name: str) -> str:
    return _known_types().get(" ".join(name.casefold().split()), name)


def _suggest(kind: str, name: str, known: dict[str, str], folded: str) -> UnknownNameError:
    close = difflib.get_close_matches(folded, list(known), n=4, cutoff=0.6)
    shown = list(dict.fromkeys(known[c] for c in close))
    if shown:
        hint = f"did you mean {' or '.join(repr(s) for s in shown)}?"
    else:
        names = sorted(set(known.values()))
        hint = f"known: {', '.join(names[:12])}{' ...' if len(names) > 12 else ''}"
    return UnknownNameError(f"unknown {kind} {name!r}: {hint}")


def check_filter_names(
    *,
    county: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    municipality: str | Iterable[str] | None = None,
    type: str | Iterable[str] | None = None,  # noqa: A002
) -> None:
    """Raise ``UnknownNameError`` (with the closest known names) for a county, police
    region, municipality or document type that does not exist. The command line calls it
    before reading any file."""
    checks = (
        ("county", county, _known_counties, _fold_county),
        ("police region", region, _known_regions, _fold_region),
        ("municipality", municipality, _known_municipalities, _fold_municipality),
        ("document type", type, _known_types, lambda t: " ".join(t.casefold().split())),
    )
    for kind, given, known_of, folder in checks:
        names = _many(given)
        if not names:
            continue
        known = known_of()
        for name in names:
            folded = folder(name)
            if folded not in known:
                raise _suggest(kind, name, known, folded)


def _many(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _fold_county(name: str) -> str:
    return " ".join(name.casefold().split()).removesuffix(" län")


def _fold_region(name: str) -> str:
    folded = " ".join(name.casefold().split())
    for prefix in ("polisregion ", "region "):
        folded = folded.removeprefix(prefix)
    return folded


def _fold_municipality(name: str) -> str:
    folded = " ".join(name.casefold().split())
    for suffix in (" kommun", " stad"):
        folded = folded.removesuffix(suffix)
    return folded


def _county_keys(agreement: Agreement) -> set[str]:
    munis = knowledge().municipalities
    keys: set[str] = set()
    for m in agreement.municipalities:
        folded = _fold_county(m.county)
        keys |= {folded, folded.removesuffix("s")}
        info = munis.get(m.code)
        if info:
            keys.add(info.county_code)
    return keys


def _municipality_keys(agreement: Agreement) -> set[str]:
    keys: set[str] = set()
    for m in agreement.municipalities:
        keys.add(m.code)
        keys.add(_fold_municipality(m.name))
        info = knowledge().municipalities.get(m.code)
        if info:
            keys |= {info.short_name.casefold(), info.genitive.casefold()}
    return keys

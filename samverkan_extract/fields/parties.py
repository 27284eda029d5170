"""The parties, the municipalities among them, and where in Sweden an agreement is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, get_args

from samverkan_extract.fields.base import (
    Column,
    Comparison,
    Counts,
    Field,
    Table,
    compare_groups,
    each,
    evidence_columns,
    evidence_values,
    field_label,
    fold,
    join,
    score_matched,
    score_sets,
    token_set_ratio,
    with_details,
)
from samverkan_extract.knowledge import knowledge
from samverkan_extract.labels import label
from samverkan_extract.schema import Agreement, Municipality, Party, PartyKind

PARTY_KINDS: tuple[str, ...] = get_args(PartyKind)


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def agreement_counties(agreement: Agreement) -> list[str]:
    return _unique(m.county for m in agreement.municipalities)


def agreement_regions(agreement: Agreement) -> list[str]:
    """Police regions of an agreement: from its municipalities' counties, or, when none is
    known that way, from its police parties."""
    kb = knowledge()
    regions = _unique(kb.municipality_region(m.code) for m in agreement.municipalities)
    if not regions:
        regions = _unique(
            kb.police_region(p.police_region, p.police_area)
            for p in agreement.parties
            if p.kind == "police"
        )
    return regions


# --- parties ------------------------------------------------------------------------------


def _party_text(p: Party, lang: str = "sv") -> str:
    return with_details(
        p.name,
        [
            label("party_kinds", p.kind, lang),
            p.municipality_code,
            p.police_area and f"LPO {p.police_area}",
            p.org_number and f"org. nr {p.org_number}",
            p.alias and f"“{p.alias}”",
        ],
    )


def _party_rows(parties: list[Party]) -> Iterable[tuple[Any, ...]]:
    kb = knowledge()
    for n, p in enumerate(parties):
        region = kb.police_region(p.police_region, p.police_area) if p.kind == "police" else None
        yield (
            n,
            p.name,
            p.kind,
            p.municipality_code,
            p.police_area,
            region,
            p.org_number,
            p.address,
            p.alias,
            *evidence_values(p.evidence),
        )


def _by_kind(a: Agreement) -> dict[str, list[str]]:
    """Parties by kind, named in a normalised way so forms of one name compare equal."""
    munis = knowledge().municipalities
    out: dict[str, list[str]] = {}
    for p in a.parties:
        if p.kind == "municipality" and p.municipality_code in munis:
            label = f"{munis[p.municipality_code].name} ({p.municipality_code})"
        elif p.kind == "police" and p.police_area:
            label = f"Lokalpolisområde {p.police_area}"
        else:
            label = p.name
        out.setdefault(p.kind, []).append(label)
    return {k: sorted(v, key=fold) for k, v in out.items()}


def _compare_parties(a: Agreement, b: Agreement) -> Iterable[Comparison]:
    return compare_groups("parties", _by_kind(a), _by_kind(b), PARTY_KINDS, by_value=True)


def _party_key(party: dict[str, Any]) -> tuple[str, str]:
    if party.get("municipality_code"):
        return ("municipality", party["municipality_code"])
    if party.get("kind") == "police" and party.get("police_area"):
        return ("police", fold(party["police_area"]))
    return (party.get("kind", "other"), fold(party.get("name", "")))


def _match_parties(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> Counts:
    """A gold party is found by its municipality code or police area, or by its kind and
    a name whose token-set ratio is 85 or more."""

    def same(g: dict[str, Any], p: dict[str, Any]) -> bool:
        key, k = _party_key(g), _party_key(p)
        return k == key or (
            key[0] != "municipality"
            and k[0] == key[0]
            and not (key[0] == "police" and g.get("police_area"))
            and token_set_ratio(k[1], key[1]) >= 85
        )

    def said(party: dict[str, Any]) -> str:
        kind, key = _party_key(party)
        return f"{party.get('name')} ({kind}: {key})"

    return score_matched(gold, pred, same, said)


def _score_parties(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Counts]:
    gp, pp = gold.get("parties") or [], pred.get("parties") or []
    return {
        "parties": _match_parties(gp, pp),
        "org_numbers": score_sets(
            (p["org_number"] for p in gp if p.get("org_number")),
            (p["org_number"] for p in pp if p.get("org_number")),
        ),
    }


PARTIES = Field(
    name="parties",
    label=field_label("parties"),
    extractor="parties",
    show=lambda items, lang: each(items, _party_text, lang),
    summary=(
        Column("n_parties", "integer", "Number of parties.", True),
        Column("party_kinds", "string", "Kinds of the parties in order, joined with '; '."),
    ),
    summarise=lambda a: (len(a.parties), join(p.kind for p in a.parties)),
    table=Table(
        "parties",
        "One row per party of an agreement.",
        (
            Column("name", "string", "The party as the document names it.", True),
            Column("kind", "string", "Kind of party.", True, PARTY_KINDS, vocabulary="party_kinds"),
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
            *evidence_columns("party"),
        ),
        _party_rows,
    ),
    compare=_compare_parties,
    metrics=("parties", "org_numbers"),
    score=_score_parties,
    colour="#b5e48c",
)


# --- municipalities -------------------------------------------------------------------------


def _municipality_rows(munis: list[Municipality]) -> Iterable[tuple[Any, ...]]:
    kb = knowledge()
    for n, m in enumerate(munis):
        info = kb.municipalities.get(m.code)
        yield (
            n,
            m.name,
            m.code,
            m.county,
            info.county_code if info else None,
            kb.municipality_region(m.code),
            *evidence_values(m.evidence),
        )


MUNICIPALITIES = Field(
    name="municipalities",
    label=field_label("municipalities"),
    extractor="municipalities",
    show=lambda items, lang: each(items, lambda m, _: f"{m.name} ({m.code}, {m.county})", lang),
    summary=(
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
        Column("n_municipalities", "integer", "Number of municipalities that are parties.", True),
    ),
    summarise=lambda a: (
        join(m.name for m in a.municipalities),
        join((m.code for m in a.municipalities), ";"),
        join(agreement_counties(a)),
        join(agreement_regions(a)),
        len(a.municipalities),
    ),
    table=Table(
        "municipalities",
        "One row per municipality that is a party, with county and police region.",
        (
            Column("name", "string", "Official name of the municipality.", True),
            Column("code", "string", "SCB kommunkod (4 digits).", True),
            Column("county", "string", "County (län).", True),
            Column("county_code", "string", "SCB länskod."),
            Column("region", "string", "Police region covering the county."),
            *evidence_columns("municipality"),
        ),
        _municipality_rows,
    ),
    metrics=("municipalities",),
    score=lambda gold, pred: {
        "municipalities": score_sets(
            (m["code"] for m in gold.get("municipalities") or []),
            (m["code"] for m in pred.get("municipalities") or []),
        )
    },
    colour="#d9ed92",
)

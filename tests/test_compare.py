"""Comparison against values read straight from the gold JSON files.

The corpus here is built with ``Corpus.from_records`` from the gold dicts (no extractor),
and every expected value is derived from those same dicts, so these tests check the
comparison code, not extraction accuracy.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any, get_args

import pandas as pd
import pytest

import samverkan_extract as se
from samverkan_extract.compare import diff, in_force, matrix, summary, timeline
from samverkan_extract.corpus import Corpus
from samverkan_extract.fields.signatories import signatory_role_ids
from samverkan_extract.knowledge import knowledge
from samverkan_extract.schema import ForumType, PartyKind, PriorityCategory, RelatedDocumentType
from tests.conftest import CORPUS, CORPUS_GOLD, TEST_GOLD


def load_gold(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))}


GOLD = load_gold(CORPUS_GOLD)
ALL_GOLD = {**GOLD, **load_gold(TEST_GOLD)}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.from_records(GOLD)


@pytest.fixture(scope="module")
def big() -> Corpus:
    return Corpus.from_records(ALL_GOLD)


def forum_types(record: dict[str, Any]) -> set[str]:
    return {f["type"] for f in record["forums"]}


def categories(record: dict[str, Any]) -> set[str]:
    return {c for p in record["priority_areas"] for c in p["categories"]}


def doc_types(record: dict[str, Any]) -> set[str]:
    return {d["type"] for d in record["related_documents"]}


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def covers(record: dict[str, Any], on: dt.date) -> bool:
    p = record["period"]
    if not p or not p["start"]:
        return False
    return day(p["start"]) <= on and (p["end"] is None or on <= day(p["end"]))


def ones(row: pd.Series) -> set[str]:
    return {col for col, v in row.items() if v == 1}


# --- the corpus -------------------------------------------------------------------------


def test_ids_are_the_gold_file_stems_and_the_corpus_is_a_sequence(corpus: Corpus) -> None:
    assert corpus.ids == list(GOLD)
    assert len(corpus) == len(GOLD)
    assert corpus[0] is corpus[corpus.ids[0]]
    assert [a.title.value for a in corpus] == [g["title"] for g in GOLD.values()]
    assert corpus[1:3].ids == corpus.ids[1:3]


def test_gold_records_without_evidence_show_missing_evidence(corpus: Corpus) -> None:
    forums = corpus.forums()
    assert forums["evidence_text"].isna().all()
    assert forums["page"].isna().all()
    assert corpus.agreements_table()["source_path"].isna().all()


def test_agreements_table_has_one_row_per_gold_record(corpus: Corpus) -> None:
    t = corpus.agreements_table().set_index("agreement_id")
    assert list(t.index) == list(GOLD)
    assert pd.api.types.is_datetime64_any_dtype(t["period_start"])
    assert pd.api.types.is_datetime64_any_dtype(t["period_end"])
    for stem, g in GOLD.items():
        row = t.loc[stem]
        assert row["period_start"].date() == day(g["period"]["start"])
        assert row["period_end"].date() == day(g["period"]["end"])
        assert row["municipalities"] == "; ".join(m["name"] for m in g["municipalities"])
        assert row["municipality_codes"] == ";".join(m["code"] for m in g["municipalities"])
        assert row["county"] == "; ".join(dict.fromkeys(m["county"] for m in g["municipalities"]))
        assert row["n_parties"] == len(g["parties"])
        assert row["n_forums"] == len(g["forums"])
        assert row["n_priority_areas"] == len(g["priority_areas"])
        assert row["n_signatories"] == len(g["signatories"])
        assert row["party_kinds"] == "; ".join(p["kind"] for p in g["parties"])
    # Year periods are whole years; Halland is police region Väst, Skåne/Kronoberg Syd.
    assert t.loc["002_5096e6c425a12633", "years"] == 5.0
    assert t.loc["000_5d68ca22a3f54acc", "years"] == 4.0
    assert t.loc["004_2318aa13b23974ad", "region"] == "Väst"
    assert t.loc["002_5096e6c425a12633", "region"] == "Syd"


def test_long_tables_have_one_row_per_item_and_contract_categories(corpus: Corpus) -> None:
    assert len(corpus.parties()) == sum(len(g["parties"]) for g in GOLD.values())
    assert len(corpus.municipalities()) == sum(len(g["municipalities"]) for g in GOLD.values())
    assert len(corpus.forums()) == sum(len(g["forums"]) for g in GOLD.values())
    assert len(corpus.signatories()) == sum(len(g["signatories"]) for g in GOLD.values())
    assert len(corpus.related_documents()) == sum(
        len(g["related_documents"]) for g in GOLD.values()
    )
    areas = corpus.priority_areas()
    assert len(areas) == sum(
        len(p["categories"]) for g in GOLD.values() for p in g["priority_areas"]
    )
    for stem, g in GOLD.items():
        assert set(areas.loc[areas["agreement_id"] == stem, "category"]) == categories(g)
    checks = [
        (corpus.forums(), "type", get_args(ForumType)),
        (areas, "category", get_args(PriorityCategory)),
        (corpus.related_documents(), "type", get_args(RelatedDocumentType)),
        (corpus.parties(), "kind", get_args(PartyKind)),
        (corpus.signatories(), "role", signatory_role_ids()),
    ]
    for frame, column, ids in checks:
        assert isinstance(frame[column].dtype, pd.CategoricalDtype)
        assert list(frame[column].cat.categories) == list(ids)


def test_tables_of_an_empty_corpus_keep_their_columns_and_types() -> None:
    empty = Corpus()
    for name, frame in empty.tables().items():
        assert frame.empty, name
        assert "agreement_id" in frame.columns
    assert pd.api.types.is_datetime64_any_dtype(empty.agreements_table()["period_start"])
    assert list(matrix(empty, "forums").columns) == list(get_args(ForumType))
    assert timeline(empty).empty


def test_tables_are_copies(corpus: Corpus) -> None:
    t = corpus.agreements_table()
    t.loc[0, "title"] = "changed"
    assert corpus.agreements_table().loc[0, "title"] != "changed"


# --- matrices ---------------------------------------------------------------------------


def test_forum_matrix_row_is_exactly_the_gold_forum_types(corpus: Corpus) -> None:
    m = matrix(corpus, "forums")
    assert list(m.columns) == list(get_args(ForumType))
    assert list(m.index) == list(GOLD)
    assert set(m.to_numpy().ravel()) <= {0, 1}
    for stem, g in GOLD.items():
        assert ones(m.loc[stem]) == forum_types(g), stem
    # Ids no gold record uses are still columns, all zero.
    unused = set(get_args(ForumType)) - set().union(*map(forum_types, GOLD.values()))
    assert unused and all(m[c].sum() == 0 for c in unused)


def test_priority_and_related_document_matrices_match_gold(big: Corpus) -> None:
    pm = matrix(big, "priority_areas")
    dm = matrix(big, "related_documents")
    assert list(pm.columns) == list(get_args(PriorityCategory))
    assert list(dm.columns) == list(get_args(RelatedDocumentType))
    for stem, g in ALL_GOLD.items():
        assert ones(pm.loc[stem]) == categories(g), stem
        assert ones(dm.loc[stem]) == doc_types(g), stem


def test_matrix_by_municipality_has_a_row_per_gold_municipality(big: Corpus) -> None:
    m = matrix(big, "forums", by="municipality")
    expected: dict[str, set[str]] = {}
    for g in ALL_GOLD.values():
        for muni in g["municipalities"]:
            expected.setdefault(muni["name"], set()).update(forum_types(g))
    assert set(m.index) == set(expected)
    for name, types in expected.items():
        assert ones(m.loc[name]) == types, name
    # One agreement for three municipalities gives each of them its forums.
    mora = forum_types(ALL_GOLD["mora_orsa_alvdalen_2023"])
    for name in ("Mora kommun", "Orsa kommun", "Älvdalens kommun"):
        assert ones(m.loc[name]) == mora


def test_signatory_role_matrix_from_gold_titles(corpus: Corpus) -> None:
    m = matrix(corpus, "signatory_roles")
    assert list(m.columns) == list(signatory_role_ids())
    assert ones(m.loc["000_5d68ca22a3f54acc"]) == {
        "municipal_board_chair",
        "municipal_director",
        "local_police_chief",
        "community_police_officer",
    }
    assert ones(m.loc["004_2318aa13b23974ad"]) == {
        "municipal_board_chair",
        "local_police_chief",
        "prison_probation_chief",
    }
    assert m["municipal_board_chair"].sum() == len(GOLD)


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Kommunstyrelsens ordförande", "municipal_board_chair"),
        ("Regionstyrelsens ordförande", "municipal_board_chair"),
        ("Regionstyrelsens vice ordförande", "deputy_chair"),
        ("Oppositionsråd", "deputy_chair"),
        ("Kommundirektör", "municipal_director"),
        ("Lokalpolisområdeschef", "local_police_chief"),
        ("TF Lokalpolisområdeschef", "local_police_chief"),
        ("tf. lokalpolisområdeschef", "local_police_chief"),
        ("Lokalpolisområdeschef Kävlinge", "local_police_chief"),
        ("Chef LPO Kiruna", "local_police_chief"),
        ("Polisområdeschef", "police_commander"),
        ("Kommunpolis Osby, Östra Göinge", "community_police_officer"),
        ("Kriminalvårdschef", "prison_probation_chief"),
        ("Frivårdschef", "prison_probation_chief"),
        ("Verkställande direktör", "other"),
        (None, "other"),
    ],
)
def test_signatory_roles_come_from_the_data_file(title: str | None, role: str) -> None:
    assert knowledge().signatory_role(title) == role


def test_every_gold_signatory_title_of_a_known_role_is_recognised() -> None:
    unrecognised = {
        s["title"]
        for g in ALL_GOLD.values()
        for s in g["signatories"]
        if knowledge().signatory_role(s["title"]) == "other"
    }
    # Neither is a role of the table (a housing company's CEO, a regional health director).
    assert unrecognised == {"Verkställande direktör", "Hälso- och sjukvårdsdirektör"}


def test_unknown_matrix_or_grouping_is_refused(corpus: Corpus) -> None:
    with pytest.raises(ValueError, match="unknown matrix"):
        matrix(corpus, "colours")
    with pytest.raises(ValueError, match="unknown grouping"):
        matrix(corpus, "forums", by="colour")


# --- summary ----------------------------------------------------------------------------


def test_summary_counts_and_shares_match_gold(corpus: Corpus) -> None:
    s = summary(corpus).set_index(["dimension", "id"])
    n = len(GOLD)
    for t in get_args(ForumType):
        count = sum(t in forum_types(g) for g in GOLD.values())
        assert s.loc[("forums", t), "count"] == count
        assert s.loc[("forums", t), "share"] == pytest.approx(count / n)
    for c in get_args(PriorityCategory):
        assert s.loc[("priority_areas", c), "count"] == sum(
            c in categories(g) for g in GOLD.values()
        )


# --- diff -------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(GOLD, 2)))
def test_diff_of_two_gold_records_lists_what_differs(corpus: Corpus, a: str, b: str) -> None:
    ga, gb = GOLD[a], GOLD[b]
    d = diff(corpus[a], corpus[b])
    assert list(d.columns) == ["field", "change", "value_a", "value_b"]
    rows = {r.field: r for r in d.itertuples()}
    for part in ("start", "end", "precision"):
        va, vb = ga["period"][part], gb["period"][part]
        if va == vb:
            assert f"period.{part}" not in rows
        else:
            row = rows[f"period.{part}"]
            assert (row.change, row.value_a, row.value_b) == ("changed", va, vb)

    def changed(prefix: str, change: str) -> set[str]:
        return {
            f.removeprefix(prefix)
            for f, r in rows.items()
            if f.startswith(prefix) and "." not in f.removeprefix(prefix) and r.change == change
        }

    for prefix, values in (
        ("forums.", forum_types),
        ("priority_areas.", categories),
        ("related_documents.", doc_types),
    ):
        assert changed(prefix, "added") == values(gb) - values(ga), prefix
        assert changed(prefix, "removed") == values(ga) - values(gb), prefix
        assert changed(prefix, "changed") == set(), prefix

    fa = (ga["follow_up"] or {}).get("frequency")
    fb = (gb["follow_up"] or {}).get("frequency")
    if fa == fb:
        assert "follow_up.frequency" not in rows
    else:
        expected = "added" if fa is None else "removed" if fb is None else "changed"
        assert rows["follow_up.frequency"].change == expected
    # Different municipalities: the municipality party changes.
    assert rows["parties.municipality"].change == "changed"


def test_diff_of_a_record_with_itself_is_empty(corpus: Corpus) -> None:
    assert diff(corpus[0], corpus[0]).empty
    same = diff(corpus[0], corpus[0], include_same=True)
    assert set(same["change"]) == {"same"}
    assert "period.start" in set(same["field"])


def test_diff_reports_forum_meetings_and_open_end(big: Corpus) -> None:
    # Umeå's council meets 4 times a year; Västerås (open-ended) has no council.
    d = diff(big["umea_2024"], big["vasteras_2023"]).set_index("field")
    assert d.loc["period.end", "change"] == "removed"
    assert d.loc["period.end", "value_a"] == ALL_GOLD["umea_2024"]["period"]["end"]
    assert d.loc["forums.local_crime_prevention_council", "change"] == "removed"
    assert d.loc["parties.prison_probation", "change"] == "added"
    # Same council, meeting six times a year instead of four: a changed frequency.
    umea = ALL_GOLD["umea_2024"]
    later = json.loads(json.dumps(umea))
    council = next(f for f in later["forums"] if f["type"] == "local_crime_prevention_council")
    council["meetings_per_year"] = 6
    pair = Corpus.from_records({"before": umea, "after": later})
    u = diff(pair["before"], pair["after"])
    assert u.values.tolist() == [
        ["forums.local_crime_prevention_council.meetings_per_year", "changed", "4", "6"]
    ]


# --- timeline and validity --------------------------------------------------------------


def test_timeline_has_gold_start_and_end_sorted_by_start(big: Corpus) -> None:
    t = timeline(big)
    assert len(t) == len(ALL_GOLD)
    for row in t.itertuples():
        period = ALL_GOLD[row.agreement_id]["period"]
        if period is None:
            assert pd.isna(row.start) and pd.isna(row.end)
            continue
        assert row.start.date() == day(period["start"])
        if period["end"] is None:
            assert pd.isna(row.end) and row.open_ended
        else:
            assert row.end.date() == day(period["end"])
    starts = t["start"].dropna().tolist()
    assert starts == sorted(starts)
    assert t["start"].isna().tolist() == sorted(t["start"].isna().tolist())  # missing last


@pytest.mark.parametrize(
    "on",
    ["2019-01-01", "2019-06-15", "2022-12-31", "2023-06-01", "2023-12-31", "2024-01-01"]
    + ["2026-12-31", "2027-01-01", "2028-12-31", "2029-01-01", "2035-01-01"],
)
def test_in_force_returns_exactly_the_gold_records_whose_period_covers_the_day(
    big: Corpus, on: str
) -> None:
    expected = [stem for stem, g in ALL_GOLD.items() if covers(g, day(on))]
    assert in_force(big, on).ids == expected
    assert in_force(big, day(on)).ids == expected


def test_open_ended_agreement_stays_in_force_and_no_period_never_is(big: Corpus) -> None:
    assert "vasteras_2023" in in_force(big, "2040-01-01").ids
    assert "vasteras_2023" not in in_force(big, "2023-04-30").ids
    assert all("linkoping_2023" not in in_force(big, f"{y}-06-01").ids for y in range(2015, 2035))


# --- filters ----------------------------------------------------------------------------


def by_county(county: str) -> list[str]:
    return [
        s for s, g in ALL_GOLD.items() if any(m["county"] == county for m in g["municipalities"])
    ]


def by_region(region: str) -> list[str]:
    """The gold agreements with a municipality in a county of the police region."""
    kb = knowledge()
    counties = {
        info.county
        for info in kb.municipalities.values()
        if kb.county_regions.get(info.county_code) == region
    }
    return [
        s for s, g in ALL_GOLD.items() if any(m["county"] in counties for m in g["municipalities"])
    ]


def test_filter_by_county(corpus: Corpus, big: Corpus) -> None:
    assert corpus.filter(county="Skåne län").ids == [
        "000_5d68ca22a3f54acc",
        "001_269c87d33e37dbb2",
        "003_a870417d0ab665fe",
    ]
    assert corpus.filter(county="Hallands län").ids == ["004_2318aa13b23974ad"]
    assert corpus.filter(county="Kronobergs län").ids == ["002_5096e6c425a12633"]
    # Short forms and several counties at once.
    assert corpus.filter(county="Halland").ids == ["004_2318aa13b23974ad"]
    assert corpus.filter(county="skåne").ids == corpus.filter(county="Skåne län").ids
    assert corpus.filter(county=["Hallands län", "Kronobergs län"]).ids == [
        "002_5096e6c425a12633",
        "004_2318aa13b23974ad",
    ]
    for county in ("Skåne län", "Dalarnas län", "Västra Götalands län", "Gotlands län"):
        assert big.filter(county=county).ids == by_county(county)
    assert corpus.filter(county="Norrbottens län").ids == []


def test_filter_by_police_region_and_combined(corpus: Corpus, big: Corpus) -> None:
    assert corpus.filter(region="Väst").ids == ["004_2318aa13b23974ad"]
    assert corpus.filter(region="Region Syd").ids == [
        s for s in GOLD if s != "004_2318aa13b23974ad"
    ]
    assert big.filter(region="Stockholm").ids == by_region("Stockholm")
    assert "norrtalje_2024" in by_region("Stockholm")
    skane_2024 = big.filter(county="Skåne län", valid_on="2024-06-01")
    assert skane_2024.ids == [
        s for s in by_county("Skåne län") if covers(ALL_GOLD[s], dt.date(2024, 6, 1))
    ]
    # Filters return a new corpus; the original is unchanged.
    assert len(big) == len(ALL_GOLD)


def test_filter_by_municipality(big: Corpus) -> None:
    assert big.filter(municipality="Osby").ids == ["000_5d68ca22a3f54acc"]
    assert big.filter(municipality="Tomelilla kommun").ids == ["ystad_tomelilla_2024"]
    assert big.filter(municipality="1381").ids == ["004_2318aa13b23974ad"]


# --- construction -----------------------------------------------------------------------


def test_from_paths_extracts_and_keeps_errors(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    files = sorted(CORPUS.glob("*.txt"))[:2]
    c = se.extract_many([*files, bad], jobs=1)
    assert c.ids == [f.stem for f in files]
    assert len(c.errors) == 1 and c.errors[0].error.path.endswith("empty.txt")
    forums = c.forums()
    assert forums["evidence_text"].notna().all()


def test_same_stem_in_two_folders_gets_distinct_stable_ids(tmp_path: Path) -> None:
    src = sorted(CORPUS.glob("*.txt"))[0]
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / src.name).write_bytes(src.read_bytes())
    c = se.extract_many([tmp_path], jobs=1)
    assert c.ids == [src.stem, f"{src.stem}-2"]


def test_from_records_rejects_duplicate_ids_and_accepts_error_records() -> None:
    g = GOLD["000_5d68ca22a3f54acc"]
    with pytest.raises(ValueError, match="unique"):
        Corpus.from_records([g, g], ids=["x", "x"])
    err = {"schema_version": "1", "error": {"path": "x.pdf", "type": "InputError", "message": "m"}}
    c = Corpus.from_records([g, err, g], ids=["a", "e", "b"])
    assert c.ids == ["a", "b"] and len(c.errors) == 1

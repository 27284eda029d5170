"""Labels for every id, comparison by place, filters that fail loudly, likely duplicates,
and the optional additions (document type, commitments, open-ended periods) in every
view. Built from gold records (no extractor), so the expected values are the gold's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest

from samverkan_extract import cli
from samverkan_extract.compare import (
    GROUPINGS,
    agreement_name,
    agreement_names,
    crosstab,
    duplicates,
    matrix,
    summary,
    timeline,
)
from samverkan_extract.corpus import Corpus
from samverkan_extract.errors import UnknownNameError
from samverkan_extract.fields import FIELDS, crosstabs, dimensions
from samverkan_extract.fields.signatories import signatory_role_ids
from samverkan_extract.labels import ROLES, count, label, vocabularies, vocabulary
from samverkan_extract.schema import (
    DocumentType,
    FollowUpFrequency,
    ForumType,
    PartyKind,
    Precision,
    PriorityCategory,
    RelatedDocumentType,
    json_schema,
)
from samverkan_extract.tables import table_columns
from tests.conftest import CORPUS, CORPUS_GOLD, ROOT, TEST_GOLD

BREADTH_GOLD = ROOT / "tests" / "data" / "breadth" / "gold"


def load(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))}


GOLD = {**load(CORPUS_GOLD), **load(TEST_GOLD), **load(BREADTH_GOLD)}


@pytest.fixture(scope="module")
def big() -> Corpus:
    return Corpus.from_records(GOLD)


# --- labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("forum_types", get_args(ForumType)),
        ("priority_categories", get_args(PriorityCategory)),
        ("document_types", get_args(DocumentType)),
        ("party_kinds", get_args(PartyKind)),
        ("related_document_types", get_args(RelatedDocumentType)),
        ("follow_up_frequencies", get_args(FollowUpFrequency)),
        ("precisions", get_args(Precision)),
        (ROLES, signatory_role_ids()),
        ("fields", tuple(f.name for f in FIELDS)),
        ("dimensions", tuple(d.name for d in dimensions()) + tuple(c.name for c in crosstabs())),
        ("groupings", GROUPINGS),
    ],
)
def test_every_id_has_a_swedish_and_an_english_label(name: str, ids: tuple[str, ...]) -> None:
    labels = vocabulary(name)
    assert set(labels) == set(ids)
    for key, lab in labels.items():
        assert lab.sv.strip() and lab.en.strip(), key
    assert name in vocabularies()


def test_every_vocabulary_a_column_or_dimension_names_exists() -> None:
    named = {c.vocabulary for cols in table_columns().values() for c in cols if c.vocabulary}
    named |= {d.vocabulary for d in dimensions() if d.vocabulary}
    assert named <= set(vocabularies())
    for cols in table_columns().values():
        for c in cols:
            if c.vocabulary and c.enum:
                assert set(c.enum) <= set(vocabulary(c.vocabulary)), c.name


def test_counts_read_right() -> None:
    assert count(1, "agreement", "en") == "1 agreement"
    assert count(2, "agreement", "en") == "2 agreements"
    assert count(0, "agreement", "en") == "0 agreements"
    assert count(1, "agreement") == "1 överenskommelse"
    assert count(3, "agreement") == "3 överenskommelser"
    assert count(1, "county", "en") == "1 county"


def test_agreements_are_named_for_people(big: Corpus) -> None:
    osby = big["000_5d68ca22a3f54acc"]
    assert agreement_name(osby) == "Osby kommun (2023–2026)"
    assert agreement_name(big["vasteras_2023"]).endswith("(2023–)")  # open-ended
    names = agreement_names(big)
    assert len(set(names.values())) == len(names)  # unique, even where two agree
    twice = Corpus([osby, osby], ids=["a", "b"])
    assert agreement_names(twice) == {
        "a": "Osby kommun (2023–2026) [a]",
        "b": "Osby kommun (2023–2026) [b]",
    }


def test_summary_has_labels_in_either_language(big: Corpus) -> None:
    sv = summary(big).set_index(["dimension", "id"])
    en = summary(big, lang="en").set_index(["dimension", "id"])
    assert sv.loc[("forums", "steering_group"), "label"] == "Styrgrupp"
    assert en.loc[("forums", "steering_group"), "label"] == "Steering group"
    assert sv.loc[("signatory_roles", "local_police_chief"), "label"] == "Lokalpolisområdeschef"
    assert en.loc[("forums", "est"), "dimension_label"] == "Forums"


def test_matrix_with_labels_keeps_the_same_numbers(big: Corpus) -> None:
    ids = matrix(big, "forums")
    named = matrix(big, "forums", lang="en")
    assert list(named.columns) == [label("forum_types", c, "en") for c in ids.columns]
    assert list(named.index) == [agreement_names(big, "en")[i] for i in ids.index]
    assert (named.to_numpy() == ids.to_numpy()).all()


# --- by place and time ----------------------------------------------------------------------


def expected_by(by: str, kind: str = "forums") -> dict[str, list[set[str]]]:
    """Each place's agreements' forum types, from the gold records."""
    from samverkan_extract.compare import places

    out: dict[str, list[set[str]]] = {}
    for stem, g in GOLD.items():
        a = Corpus.from_records({stem: g})[0]
        for place in places(a, by):
            out.setdefault(place, []).append({f["type"] for f in g["forums"]})
    return out


@pytest.mark.parametrize("by", ["municipality", "county", "police_region", "police_area"])
def test_matrix_by_place_as_any_count_and_share(big: Corpus, by: str) -> None:
    expected = expected_by(by)
    anyof = matrix(big, "forums", by)
    counts = matrix(big, "forums", by, how="count")
    shares = matrix(big, "forums", by, how="share")
    assert set(anyof.index) == set(expected)
    for place, agreements in expected.items():
        for t in get_args(ForumType):
            n = sum(t in types for types in agreements)
            assert counts.loc[place, t] == n, (place, t)
            assert anyof.loc[place, t] == int(n > 0)
            assert shares.loc[place, t] == pytest.approx(n / len(agreements))


def test_counties_and_regions_of_the_gold(big: Corpus) -> None:
    regions = matrix(big, "priority_areas", "police_region", how="count")
    assert {"Syd", "Väst", "Stockholm"} <= set(regions.index)
    counties = matrix(big, "forums", "county")
    assert "Skåne län" in counties.index and "Hallands län" in counties.index
    with pytest.raises(ValueError, match="unknown grouping"):
        matrix(big, "forums", "parish")
    with pytest.raises(ValueError, match="unknown how"):
        matrix(big, "forums", "county", how="mean")


def test_timeline_says_what_is_in_force_on_a_day(big: Corpus) -> None:
    t = timeline(big, day="2024-06-01").set_index("agreement_id")
    assert bool(t.loc["vasteras_2023", "in_force"])  # open-ended, started 2023
    assert not bool(t.loc["linkoping_2023", "in_force"])  # no period stated
    assert sorted(big.in_force("2024-06-01").ids) == sorted(
        i for i in t.index if t.loc[i, "in_force"]
    )
    assert t.loc["000_5d68ca22a3f54acc", "name"] == "Osby kommun (2023–2026)"


def test_commitments_cross_table_counts_party_kind_by_category(big: Corpus) -> None:
    ct = crosstab(big)
    assert list(ct.index) == list(get_args(PartyKind))
    assert list(ct.columns) == list(get_args(PriorityCategory))
    expected: dict[tuple[str, str], int] = {}
    for g in GOLD.values():
        for c in g.get("commitments") or []:
            for k in c["party"]["kinds"]:
                for cat in c.get("categories") or []:
                    expected[(k, cat)] = expected.get((k, cat), 0) + 1
    assert expected, "the breadth gold has commitments"
    for (k, cat), n in expected.items():
        assert ct.loc[k, cat] == n
    assert int(ct.to_numpy().sum()) == sum(expected.values())
    assert crosstab(big, lang="sv").index[1] == "Polisen"


# --- filters fail loudly --------------------------------------------------------------------


def test_filter_by_document_type_id_or_label(big: Corpus) -> None:
    promises = [s for s, g in GOLD.items() if g.get("document_type") == "medborgarlofte"]
    assert promises
    assert big.filter(type="medborgarlofte").ids == promises
    assert big.filter(type="Medborgarlöfte").ids == promises
    assert big.filter(type="citizen promise").ids == promises


@pytest.mark.parametrize(
    ("option", "typo", "suggested"),
    [
        ("county", "Skane", "Skåne län"),
        ("county", "Halands län", "Hallands län"),
        ("region", "Sydd", "Syd"),
        ("municipality", "Osbyy", "Osby kommun"),
        ("type", "medborgarlöften", "medborgarlofte"),
    ],
)
def test_an_unknown_name_raises_with_the_closest_known(
    big: Corpus, option: str, typo: str, suggested: str
) -> None:
    with pytest.raises(UnknownNameError, match=f"did you mean.*{suggested}"):
        big.filter(**{option: typo})
    with pytest.raises(ValueError):  # also a ValueError, for callers that catch those
        big.filter(**{option: typo})


def test_the_typo_county_exits_non_zero_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    code = cli.main(
        ["compare", str(tmp_path / "nothing-read"), "-q", "--county", "Skane", "-o", str(out)]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert "unknown county 'Skane'" in err and "Skåne län" in err
    assert not out.exists()


def test_an_empty_selection_exits_non_zero_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    code = cli.main(
        ["compare", str(CORPUS), "-q", "-j", "1", "--county", "Norrbottens län", "-o", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "no agreement left to compare: 5 agreements read, none matches county Norrbottens län"
        in err
    )
    assert not out.exists()


# --- likely duplicates ----------------------------------------------------------------------


def test_same_file_twice_and_same_agreement_in_two_formats_are_duplicates() -> None:
    osby = dict(GOLD["000_5d68ca22a3f54acc"])
    as_pdf = {**osby, "source": {"path": "x/osby.pdf", "format": "pdf", "sha256": "a" * 64}}
    as_docx = {**osby, "source": {"path": "x/osby.docx", "format": "docx", "sha256": "b" * 64}}
    copy = {**as_pdf, "source": {**as_pdf["source"], "path": "y/osby-copy.pdf"}}
    other = GOLD["001_269c87d33e37dbb2"]
    c = Corpus.from_records({"pdf": as_pdf, "other": other, "docx": as_docx, "copy": copy})
    assert duplicates(c) == [["pdf", "docx", "copy"]]
    assert c.deduplicated().ids == ["pdf", "other"]
    # Shares count each agreement once, unless asked otherwise.
    s = summary(c).set_index(["dimension", "id"])
    kept = summary(c, keep_duplicates=True).set_index(["dimension", "id"])
    t = GOLD["000_5d68ca22a3f54acc"]["forums"][0]["type"]
    assert s.loc[("forums", t), "share"] == pytest.approx(
        sum(t in {f["type"] for f in g["forums"]} for g in (osby, other)) / 2
    )
    assert kept.loc[("forums", t), "count"] >= 3


def test_compare_reports_duplicates_and_keeps_them_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = sorted(CORPUS.glob("*.txt"))[0]
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).write_bytes(src.read_bytes())
    base = ["compare", str(tmp_path / "in"), "-q", "-j", "1", "--json"]
    assert cli.main([*base, str(tmp_path / "one.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "note: b: likely a duplicate of a; compared once" in err
    assert "compared 1 agreement " in err
    assert len((tmp_path / "one.jsonl").read_text().splitlines()) == 1
    assert cli.main([*base, str(tmp_path / "two.jsonl"), "--keep-duplicates"]) == 0
    assert "compared 2 agreements" in capsys.readouterr().err
    assert len((tmp_path / "two.jsonl").read_text().splitlines()) == 2


# --- the optional additions in every view -----------------------------------------------------


def test_optional_additions_are_in_the_schema_and_the_tables(big: Corpus) -> None:
    props = json_schema()["properties"]
    assert {"document_type", "commitments", "corrections"} <= set(props)
    period = json_schema()["$defs"]["Period"]["properties"]
    assert "open_ended" in period
    agreements = big.agreements_table().set_index("agreement_id")
    assert agreements.loc["alingsas_medborgarlofte_2023", "document_type"] == "medborgarlofte"
    assert bool(agreements.loc["vasteras_2023", "open_ended"])
    commitments = big.commitments()
    assert len(commitments) == sum(
        max(1, len(c.get("categories") or []))
        for g in GOLD.values()
        for c in g.get("commitments") or []
    )


def test_optional_additions_in_the_notebook_view(big: Corpus) -> None:
    html = big["alingsas_medborgarlofte_2023"]._repr_html_()
    assert "Medborgarlöfte" in html  # document type, by its label
    assert 'data-field="commitments[0]"' in html
    assert "tills vidare" in big["vasteras_2023"]._repr_html_()
    assert "Medborgarlöfte" in big.filter(type="medborgarlofte")._repr_html_()


def test_optional_additions_reach_every_export(big: Corpus, tmp_path: Path) -> None:
    from samverkan_extract import export

    promises = big.filter(type="medborgarlofte")
    export.write_csv(promises, tmp_path / "csv")
    export.write_sqlite(promises, tmp_path / "a.db")
    export.write_jsonl(promises, tmp_path / "r.jsonl")
    n = sum(
        max(1, len(c.get("categories") or []))
        for s in promises.ids
        for c in GOLD[s].get("commitments") or []
    )
    assert n
    rows = (tmp_path / "csv" / "commitments.csv").read_text("utf-8").splitlines()
    assert len(rows) - 1 == n
    assert "medborgarlofte" in (tmp_path / "csv" / "agreements.csv").read_text("utf-8")
    import sqlite3

    con = sqlite3.connect(tmp_path / "a.db")
    assert con.execute("SELECT COUNT(*) FROM commitments").fetchone()[0] == n
    assert {r[0] for r in con.execute("SELECT document_type FROM agreements")} == {"medborgarlofte"}
    con.close()
    back = Corpus.from_json([tmp_path / "r.jsonl"])
    assert [len(a.commitments) for a in back] == [len(a.commitments) for a in promises]
    pytest.importorskip("openpyxl")
    export.write_xlsx(promises, tmp_path / "t.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb["commitments"].max_row - 1 == n


def test_compare_summary_prints_the_commitments_cross_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    promise = (
        ROOT / "tests" / "data" / "breadth" / "agreements" / "alingsas_medborgarlofte_2023.txt"
    )
    assert cli.main(["compare", str(promise), "-q", "-j", "1"]) == 0
    out = capsys.readouterr().out
    assert "Åtaganden per part och område" in out and "Polisen" in out

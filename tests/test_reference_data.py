"""Checks of the reference CSVs in samverkan_extract/data/ (read directly; the package is not imported)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "samverkan_extract" / "data"
REGIONS = {"Nord", "Mitt", "Bergslagen", "Stockholm", "Öst", "Väst", "Syd"}
COUNTY_SIZES = {
    "01": 26,
    "03": 8,
    "04": 9,
    "05": 13,
    "06": 13,
    "07": 8,
    "08": 12,
    "09": 1,
    "10": 5,
    "12": 33,
    "13": 6,
    "14": 49,
    "17": 16,
    "18": 12,
    "19": 10,
    "20": 15,
    "21": 10,
    "22": 7,
    "23": 8,
    "24": 15,
    "25": 14,
}


def read_rows(name: str) -> list[dict[str, str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


@pytest.fixture(scope="module")
def municipalities() -> list[dict[str, str]]:
    return read_rows("municipalities.csv")


@pytest.fixture(scope="module")
def counties() -> list[dict[str, str]]:
    return read_rows("counties.csv")


@pytest.fixture(scope="module")
def areas() -> list[dict[str, str]]:
    return read_rows("police_areas.csv")


def test_files_start_with_source_comments():
    for name in ("municipalities.csv", "counties.csv", "police_areas.csv"):
        first = (DATA / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#"), name


def test_municipality_header(municipalities):
    assert list(municipalities[0]) == [
        "code",
        "name",
        "short_name",
        "genitive",
        "county_code",
        "county",
        "aliases",
    ]


def test_290_unique_four_digit_codes(municipalities):
    codes = [m["code"] for m in municipalities]
    assert len(codes) == 290
    assert len(set(codes)) == 290
    assert all(len(c) == 4 and c.isdigit() for c in codes)


def test_codes_start_with_county_code(municipalities):
    bad = [m["code"] for m in municipalities if not m["code"].startswith(m["county_code"])]
    assert not bad


def test_no_empty_fields_and_unique_names(municipalities):
    for m in municipalities:
        for field in ("name", "short_name", "genitive", "county_code", "county"):
            assert m[field].strip(), (m["code"], field)
        assert m["name"] == m["name"].strip()
    assert len({m["name"] for m in municipalities}) == 290
    assert len({m["short_name"] for m in municipalities}) == 290


def test_21_counties_with_expected_sizes(municipalities, counties):
    per_county = Counter(m["county_code"] for m in municipalities)
    assert len(per_county) == 21
    assert dict(per_county) == COUNTY_SIZES
    county_codes = {c["code"] for c in counties}
    assert len(counties) == 21
    assert set(per_county) <= county_codes
    county_names = {c["code"]: c["name"] for c in counties}
    for m in municipalities:
        assert m["county"] == county_names[m["county_code"]], m["code"]


def test_counties_have_valid_regions(counties):
    assert {c["police_region"] for c in counties} == REGIONS
    by_code = {c["code"]: c["police_region"] for c in counties}
    assert by_code["12"] == "Syd"
    assert by_code["13"] == "Väst"
    assert by_code["09"] == "Stockholm"
    assert by_code["04"] == "Öst"
    assert by_code["20"] == "Bergslagen"
    assert by_code["21"] == "Mitt"
    assert by_code["24"] == "Nord"


@pytest.mark.parametrize(
    "code, short_name, name, genitive, county_code, county",
    [
        ("1273", "Osby", "Osby kommun", "Osbys", "12", "Skåne län"),
        ("1290", "Kristianstad", "Kristianstads kommun", "Kristianstads", "12", "Skåne län"),
        ("0761", "Lessebo", "Lessebo kommun", "Lessebos", "07", "Kronobergs län"),
        ("1231", "Burlöv", "Burlövs kommun", "Burlövs", "12", "Skåne län"),
        ("1381", "Laholm", "Laholms kommun", "Laholms", "13", "Hallands län"),
        ("0180", "Stockholm", "Stockholms stad", "Stockholms", "01", "Stockholms län"),
        ("1480", "Göteborg", "Göteborgs Stad", "Göteborgs", "14", "Västra Götalands län"),
        ("2480", "Umeå", "Umeå kommun", "Umeås", "24", "Västerbottens län"),
        (
            "0114",
            "Upplands Väsby",
            "Upplands Väsby kommun",
            "Upplands Väsbys",
            "01",
            "Stockholms län",
        ),
        ("0980", "Gotland", "Region Gotland", "Gotlands", "09", "Gotlands län"),
        ("1280", "Malmö", "Malmö stad", "Malmös", "12", "Skåne län"),
        ("1490", "Borås", "Borås Stad", "Borås", "14", "Västra Götalands län"),
        ("2460", "Vännäs", "Vännäs kommun", "Vännäs", "24", "Västerbottens län"),
        ("1497", "Hjo", "Hjo kommun", "Hjos", "14", "Västra Götalands län"),
        ("1293", "Hässleholm", "Hässleholms kommun", "Hässleholms", "12", "Skåne län"),
    ],
)
def test_sample_municipalities(
    municipalities, code, short_name, name, genitive, county_code, county
):
    by_code = {m["code"]: m for m in municipalities}
    m = by_code[code]
    assert (m["short_name"], m["name"], m["genitive"], m["county_code"], m["county"]) == (
        short_name,
        name,
        genitive,
        county_code,
        county,
    )


def test_sample_aliases(municipalities):
    by_code = {m["code"]: m for m in municipalities}
    assert "Stockholms kommun" in by_code["0180"]["aliases"].split(";")
    assert "Göteborgs kommun" in by_code["1480"]["aliases"].split(";")
    assert "Malmö kommun" in by_code["1280"]["aliases"].split(";")
    assert "Gotlands kommun" in by_code["0980"]["aliases"].split(";")


def test_police_area_header(areas):
    assert list(areas[0]) == ["area", "police_district", "region", "municipality_codes", "aliases"]


def test_police_areas_are_well_formed(areas):
    names = [a["area"] for a in areas]
    assert len(names) == len(set(names)), "duplicate area names"
    for a in areas:
        assert a["area"].strip() and a["police_district"].strip(), a
        assert a["region"] in REGIONS, a["area"]
        codes = a["municipality_codes"].split(";")
        assert codes and all(codes), a["area"]
        assert len(codes) == len(set(codes)), a["area"]


def test_police_area_codes_exist(areas, municipalities):
    known = {m["code"] for m in municipalities}
    unknown = {
        a["area"]: [c for c in a["municipality_codes"].split(";") if c not in known] for a in areas
    }
    assert not {k: v for k, v in unknown.items() if v}


def test_police_area_region_matches_county_region(areas, municipalities, counties):
    region_of_county = {c["code"]: c["police_region"] for c in counties}
    county_of = {m["code"]: m["county_code"] for m in municipalities}
    wrong = [
        (a["area"], c)
        for a in areas
        for c in a["municipality_codes"].split(";")
        if region_of_county[county_of[c]] != a["region"]
    ]
    assert not wrong


def test_every_municipality_in_some_police_area(areas, municipalities):
    covered = {c for a in areas for c in a["municipality_codes"].split(";")}
    missing = sorted(
        f"{m['code']} {m['short_name']}" for m in municipalities if m["code"] not in covered
    )
    assert not missing, f"municipalities without a police area: {missing}"


def test_sketch_police_areas(areas):
    by_name = {a["area"]: a for a in areas}
    assert set(by_name["Hässleholm"]["municipality_codes"].split(";")) == {"1293", "1256", "1273"}
    assert set(by_name["Kävlinge"]["municipality_codes"].split(";")) == {
        "1231",
        "1261",
        "1262",
        "1230",
    }
    assert set(by_name["Halmstad/Laholm"]["municipality_codes"].split(";")) == {"1380", "1381"}
    assert "Halmstad-Laholm" in by_name["Halmstad/Laholm"]["aliases"].split(";")
    assert "1280" in by_name["Malmö Norr"]["municipality_codes"].split(";")
    assert by_name["Umeå"]["region"] == "Nord"


def test_aliases_do_not_clash_with_other_area_names(areas):
    names = {a["area"].casefold(): a["area"] for a in areas}
    for a in areas:
        for alias in filter(None, a["aliases"].split(";")):
            other = names.get(alias.casefold())
            assert other in (None, a["area"]), (a["area"], alias)

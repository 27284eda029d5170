"""Extraction across phrasings and layouts the seeds do not use.

Each case is a small agreement written here: one way of stating the parties, the period,
a forum or the signatures, with the values a careful reader takes from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from samverkan_extract import extract
from tests.fixtures.snippets import HEAD, agreement

PARTY_SENTENCES = [
    (
        "Denna överenskommelse har ingåtts mellan Luleå kommun och Polismyndigheten, "
        "lokalpolisområde Luleå.",
        [("municipality", "2580", None), ("police", None, "Luleå")],
    ),
    (
        "Parter är Östersunds kommun (org.nr 212000-2411), Polisen lokalpolisområde Östersund "
        "och Kriminalvården, frivården Östersund.",
        [
            ("municipality", "2380", None),
            ("police", None, "Östersund"),
            ("prison_probation", None, None),
        ],
    ),
    (
        "Överenskommelsen är tecknad mellan Eslövs kommun, Hörby kommun och "
        "lokalpolisområde Eslöv.",
        [("municipality", "1285", None), ("municipality", "1266", None), ("police", None, "Eslöv")],
    ),
    (
        "Parterna är Karlstads kommun, nedan kallad kommunen, och Polisområde Värmland, "
        "lokalpolisområde Karlstad, nedan kallad polisen.",
        [("municipality", "1780", None), ("police", None, "Karlstad")],
    ),
    (
        "Överenskommelsen sluts mellan Region Gävleborg, Gävle kommun, Räddningstjänsten "
        "Gästrikland och Polismyndigheten genom lokalpolisområde Gävle.",
        [
            ("other", None, None),
            ("municipality", "2180", None),
            ("other", None, None),
            ("police", None, "Gävle"),
        ],
    ),
    (
        "Hässleholms kommun och lokalpolisområde Hässleholm ingår denna överenskommelse.",
        [("municipality", "1293", None), ("police", None, "Hässleholm")],
    ),
]


@pytest.mark.parametrize("sentence,expected", PARTY_SENTENCES)
def test_a_sentence_naming_the_parties_gives_one_party_each(
    tmp_path: Path, sentence: str, expected: list[tuple[str, str | None, str | None]]
) -> None:
    record = agreement(tmp_path, f"Parter\n\n{sentence}\n")
    got = [(p.kind, p.municipality_code, p.police_area) for p in record.parties]
    assert got == expected
    assert [m.code for m in record.municipalities] == [c for k, c, _ in expected if c]


def test_org_number_goes_to_the_party_it_follows(tmp_path: Path) -> None:
    record = agreement(tmp_path, f"Parter\n\n{PARTY_SENTENCES[1][0]}\n")
    assert [p.org_number for p in record.parties] == ["212000-2411", None, None]


def test_parties_from_the_sentence_that_says_who_signs_without_a_parties_section(
    tmp_path: Path,
) -> None:
    body = (
        "Inledning\n\nÖverenskommelsen tecknas mellan Nacka kommun och Polismyndigheten, "
        "lokalpolisområde Nacka. Den beskriver hur parterna samverkar.\n"
    )
    record = agreement(tmp_path, body)
    assert [(p.kind, p.municipality_code, p.police_area) for p in record.parties] == [
        ("municipality", "0182", None),
        ("police", None, "Nacka"),
    ]


PERIODS = [
    ("gäller mellan 2024-01-01 och 2026-12-31.", ("2024-01-01", "2026-12-31")),
    (
        "gäller från och med den 1 mars 2024 till och med den 28 februari 2027.",
        ("2024-03-01", "2027-02-28"),
    ),
    ("gäller under perioden 2024–2027.", ("2024-01-01", "2027-12-31")),
    ("gäller från den 1 juli 2024 och löper i tre år.", ("2024-07-01", "2027-06-30")),
    ("gäller från och med 2024-05-01 och tills vidare.", ("2024-05-01", None)),
    (
        "börjar gälla när den undertecknats och gäller till den 31 december 2027.",
        (None, "2027-12-31"),
    ),
    ("gäller 1 mars–28 februari 2026.", None),  # ends before it starts: no shared year
    ("gäller 1 januari–31 december 2026.", ("2026-01-01", "2026-12-31")),
    ("gäller från den 1 maj 2023 och löper ut den 30 april 2026.", ("2023-05-01", "2026-04-30")),
    ("gäller för 2025, 2026 och 2027.", ("2025-01-01", "2027-12-31")),
]


@pytest.mark.parametrize("phrase,expected", PERIODS)
def test_period_phrasings(
    tmp_path: Path, phrase: str, expected: tuple[str | None, str | None]
) -> None:
    record = agreement(tmp_path, f"Giltighetstid\n\nÖverenskommelsen {phrase}\n")
    if expected is None:
        assert record.period is None or record.period.precision == "year"
        return
    assert record.period is not None
    assert (record.period.start, record.period.end) == expected


def test_a_period_counted_from_the_signing_has_no_dates(tmp_path: Path) -> None:
    body = (
        "Giltighetstid\n\nÖverenskommelsen gäller i tre år från undertecknandet.\n\n"
        "Den tidigare överenskommelsen gäller till och med 2025-06-30.\n"
    )
    record = agreement(tmp_path, body)
    assert record.period is None
    assert any("signing" in w for w in record.warnings)


def test_a_party_sentence_in_a_parties_section_of_prose(tmp_path: Path) -> None:
    body = (
        "Parter\n\nÖverenskommelsen ingås mellan Piteå kommun (nedan ”kommunen”), Region "
        "Norrbotten och Polismyndigheten genom lokalpolisområde Piteå (nedan ”polisen”). "
        "Polisen företräds av chefen för lokalpolisområdet, som ingår i polisområde "
        "Norrbotten inom polisregion Nord, och har länge samverkat med kommunen.\n"
    )
    record = agreement(tmp_path, body)
    assert [(p.kind, p.municipality_code, p.police_area, p.alias) for p in record.parties] == [
        ("municipality", "2581", None, "kommunen"),
        ("other", None, None, None),
        ("police", None, "Piteå", "polisen"),
    ]


def test_a_party_list_entry_with_its_address_and_short_name(tmp_path: Path) -> None:
    body = (
        "Parter\n\n"
        "- Skellefteå kommun, org.nr 212000-2726, 931 85 Skellefteå, nedan kallad kommunen\n"
        "- Kriminalvården, frivården Skellefteå, org.nr 202100-0225, nedan kallad "
        "Kriminalvården\n"
    )
    record = agreement(tmp_path, body)
    assert [(p.kind, p.address, p.alias) for p in record.parties] == [
        ("municipality", "931 85 Skellefteå", "kommunen"),
        ("prison_probation", None, "Kriminalvården"),
    ]


@pytest.mark.parametrize(
    "head,expected",
    [
        ("Kommunens diarienummer: KS-2024-00123\n", ["KS-2024-00123"]),
        ("                                        BUN24/0456\n", ["BUN24/0456"]),
    ],
)
def test_reference_numbers_labelled_or_alone_at_the_head(
    tmp_path: Path, head: str, expected: list[str]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(head + "\n" + HEAD, encoding="utf-8")
    assert [r.value for r in extract(path).reference_numbers] == expected


SIGNATURES = {
    "tabs": (
        "Luleå den 12 december 2024\n\nFör Luleå kommun\t\t\tFör Polismyndigheten\n\n"
        "Maria Lindqvist\t\t\tJohan Nilsson\n"
        "Kommunstyrelsens ordförande\t\tLokalpolisområdeschef\n"
    ),
    "aligned spaces": (
        "Luleå 2024-12-12                      Luleå 2024-12-12\n\n"
        "______________________                ______________________\n"
        "Maria Lindqvist                       Johan Nilsson\n"
        "Kommunstyrelsens ordförande           Lokalpolisområdeschef\n"
        "Luleå kommun                          Polismyndigheten\n"
    ),
    "one line each": (
        "2024-12-12\n\nMaria Lindqvist, kommunstyrelsens ordförande, Luleå kommun\n\n"
        "Johan Nilsson, lokalpolisområdeschef, lokalpolisområde Luleå\n"
    ),
    "flattened rows": (
        "Luleå 2024-12-12\n\nLuleå kommun\nPolismyndigheten\nMaria Lindqvist\nJohan Nilsson\n"
        "Kommunstyrelsens ordförande\nLokalpolisområdeschef\n"
    ),
    "labels": (
        "För kommunen:\nMaria Lindqvist, Kommunstyrelsens ordförande\nDatum: 2024-12-12\n\n"
        "För polisen:\nJohan Nilsson, Lokalpolisområdeschef\nDatum: 2024-12-12\n"
    ),
    "field labels": (
        "Luleå den 12 december 2024\n\nFör Luleå kommun\n\nUnderskrift: ____________\n"
        "Namnförtydligande: Maria Lindqvist\nBefattning: Kommunstyrelsens ordförande\n\n"
        "För Polismyndigheten\n\nUnderskrift: ____________\n"
        "Namnförtydligande: Johan Nilsson\nBefattning: Lokalpolisområdeschef\n"
    ),
    "name and title on lines of a paragraph": (
        "Luleå den 12 december 2024\n\nMaria Lindqvist, kommunstyrelsens ordförande\n"
        "Johan Nilsson, lokalpolisområdeschef\n"
    ),
    "a table with a date column": (
        "| Part | Namn | Befattning | Ort och datum |\n|---|---|---|---|\n"
        "| Luleå kommun | Maria Lindqvist | Kommunstyrelsens ordförande | Luleå 2024-12-12 |\n"
        "| Polismyndigheten | Johan Nilsson | Lokalpolisområdeschef | Luleå 2024-12-12 |\n"
    ),
}


@pytest.mark.parametrize("layout", list(SIGNATURES))
def test_signature_layouts(tmp_path: Path, layout: str) -> None:
    body = (
        "Uppföljning\n\nÖverenskommelsen följs upp årligen i det lokala brottsförebyggande "
        "rådet, där kommunens säkerhetschef Anna Berg är sammankallande.\n\nUnderskrifter\n\n"
        + SIGNATURES[layout]
    )
    record = agreement(tmp_path, body)
    got = [(s.name, (s.title or "").casefold(), s.signed_date) for s in record.signatories]
    assert got == [
        ("Maria Lindqvist", "kommunstyrelsens ordförande", "2024-12-12"),
        ("Johan Nilsson", "lokalpolisområdeschef", "2024-12-12"),
    ]


def test_a_forum_introduced_in_prose_with_its_frequency(tmp_path: Path) -> None:
    body = (
        "Samverkansforum\n\nKrogsamverkan Umeå är ett forum för kommunens "
        "alkoholhandläggare, polisen och krögarna. Krogsamverkan träffas en gång i månaden.\n"
    )
    record = agreement(tmp_path, body)
    others = [f for f in record.forums if f.type == "other"]
    assert [(f.name, f.meetings_per_year) for f in others] == [("Krogsamverkan Umeå", 12)]


def test_a_sub_heading_without_a_forum_noun_is_not_a_forum(tmp_path: Path) -> None:
    body = (
        "Samverkansforum\n\nÅterfallsforum\n\nI forumet samordnar socialtjänsten och polisen "
        "insatser kring enskilda. Forumet träffas sex gånger per år.\n\nKunskapsunderlag\n\n"
        "Parterna tar fram underlag tillsammans och delar statistik på gruppnivå när det "
        "behövs för arbetet.\n"
    )
    record = agreement(tmp_path, body)
    assert [(f.type, f.name, f.meetings_per_year) for f in record.forums] == [
        ("other", "Återfallsforum", 6)
    ]


def test_run_in_headings_name_forums_and_priority_areas(tmp_path: Path) -> None:
    body = (
        "II. PRIORITERADE OMRÅDEN\n\nTrygghet i Centrum\nParterna ska genom situationell "
        "prevention och ökad närvaro öka tryggheten i stadskärnan och kring resecentrum, "
        "där många upplever otrygghet.\n\nIII. SAMVERKANSFORUM\n\n"
        "Arbetsgrupp mot våld i nära relationer\nI arbetsgruppen ingår socialtjänstens "
        "våldsteam och kommunpolisen. Gruppen ska samordna stödet till våldsutsatta. "
        "Arbetsgruppen träffas sex gånger per år.\n\nIV. UNDERLAG\n\nParterna tar fram en "
        "gemensam lägesbild varje år, som redovisas för kommunstyrelsen.\n"
    )
    record = agreement(tmp_path, body)
    assert [(a.text, a.categories) for a in record.priority_areas] == [
        ("Trygghet i Centrum", ["public_space_safety"])
    ]
    assert [(f.type, f.meetings_per_year) for f in record.forums] == [("working_group", 6)]


PRIORITY_LAYOUTS = {
    "run-in label over a list": (
        "Prioriterade områden: Parterna prioriterar följande under perioden:\n\n"
        "- Narkotika bland unga\n- Våld i nära relationer\n\n"
        "Samverkansformer: Samverkan sker i styrgruppen.\n"
    ),
    "nested points are not areas": (
        "Prioriterade områden\n\n1. Narkotika bland unga\n   - langning vid skolor\n"
        "   - missbruk bland unga vuxna\n2. Våld i nära relationer\n"
        "   - stöd till barn som bevittnat våld\n"
    ),
    "counted off in prose": (
        "PRIORITERINGAR. Parterna ska arbeta med två områden. Det första är narkotika bland "
        "unga, där skolan är en viktig arena. Det andra området är våld i nära relationer, "
        "med fokus på stöd till barnen.\n"
    ),
    "named, then explained after a dash": (
        "Prioriterade områden\n\n- Narkotika bland unga – att upptäcka och stödja barn och "
        "unga tidigt\n- Våld i nära relationer – att stödja den som utsatts\n"
    ),
}


@pytest.mark.parametrize("layout", list(PRIORITY_LAYOUTS))
def test_priority_layouts(tmp_path: Path, layout: str) -> None:
    record = agreement(tmp_path, PRIORITY_LAYOUTS[layout])
    got = [(a.text.casefold(), a.categories) for a in record.priority_areas]
    assert got == [
        ("narkotika bland unga", ["youth_crime", "drugs"]),
        ("våld i nära relationer", ["domestic_violence"]),
    ]


def test_safety_in_a_named_place_is_public_space_safety(tmp_path: Path) -> None:
    body = "Prioriterade områden\n\n- Trygghet kring Stortorget\n- Otrygghet i Norrby\n"
    record = agreement(tmp_path, body)
    assert [a.categories for a in record.priority_areas] == [
        ["public_space_safety"],
        ["public_space_safety"],
    ]


@pytest.mark.parametrize("where", ["above", "below"])
def test_a_row_of_place_and_date_entries_dates_each_block(tmp_path: Path, where: str) -> None:
    row = "Luleå den 3 mars 2025 Boden den 5 mars 2025\n\n"
    blocks = (
        "Maria Lindqvist\nKommunstyrelsens ordförande\n\n"
        "Johan Nilsson\nKommunstyrelsens ordförande\n\n"
    )
    body = "Underskrifter\n\n" + (row + blocks if where == "above" else blocks + row)
    record = agreement(tmp_path, body)
    assert [(s.name, s.signed_date, s.signed_place) for s in record.signatories] == [
        ("Maria Lindqvist", "2025-03-03", "Luleå"),
        ("Johan Nilsson", "2025-03-05", "Boden"),
    ]


def test_a_period_to_the_end_of_a_year(tmp_path: Path) -> None:
    record = agreement(
        tmp_path, "Giltighetstid\n\nAvtalet gäller från den 1 mars 2025 till utgången av 2027.\n"
    )
    assert record.period is not None
    assert (record.period.start, record.period.end) == ("2025-03-01", "2027-12-31")


def test_areas_named_in_the_sentence_before_the_one_that_prioritises_them(
    tmp_path: Path,
) -> None:
    body = (
        "Lägesbild\n\nLägesbilden visar att de största problemen är narkotika bland unga och "
        "våld i nära relationer. Dessa två områden är överenskommelsens prioriteringar.\n"
    )
    cats = {c for a in agreement(tmp_path, body).priority_areas for c in a.categories}
    assert cats == {"drugs", "youth_crime", "domestic_violence"}


def test_a_heading_over_the_line_that_opens_its_list(tmp_path: Path) -> None:
    body = (
        "Prioriterade områden\nParterna prioriterar:\n  a. narkotika bland unga,\n"
        "  b. våld i nära relationer.\n\nSamverkan\n\nStyrgruppen möts två gånger per år.\n"
    )
    record = agreement(tmp_path, body)
    assert [a.categories for a in record.priority_areas] == [
        ["youth_crime", "drugs"],
        ["domestic_violence"],
    ]


def test_an_upper_case_title_over_its_parties_and_a_labelled_reference(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "SAMVERKANSÖVERENSKOMMELSE\nPiteå kommun och lokalpolisområde Piteå\n\n"
        "Ärendenummer kommunen: KS 2025/00123\n\n" + HEAD,
        encoding="utf-8",
    )
    record = extract(path)
    assert record.title is not None and record.title.value == "SAMVERKANSÖVERENSKOMMELSE"
    assert [r.value for r in record.reference_numbers] == ["KS 2025/00123"]

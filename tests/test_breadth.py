"""The documents researchers hold besides samverkansöverenskommelser: medborgarlöften,
combined documents, other agreements, open-ended periods, commitments, and the texts about
agreements that are not agreements. Each case is written here, with invented places'
wording; the sets in tests/data/breadth are scored as a whole at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from samverkan_extract import extract
from samverkan_extract.evaluate import evaluate
from samverkan_extract.extractors.genre import GENRE_UNCERTAIN, NOT_AN_AGREEMENT
from samverkan_extract.schema import Agreement
from tests.conftest import ROOT
from tests.fixtures.snippets import agreement

BREADTH = ROOT / "tests" / "data" / "breadth"
UNSEEN4 = ROOT / "tests" / "data" / "unseen4"

PROMISE = """Medborgarlöfte för Ljusdals kommun 2025

Polisen och Ljusdals kommun har tillsammans tagit fram ett medborgarlöfte utifrån
medborgardialoger och polisens trygghetsmätning. Löftet gäller under 2025.

Polisen lovar att:
- genomföra hastighetskontroller på riksväg 83 under sommaren
- vara synliga vid resecentrum fredagskvällar

Kommunen lovar att:
- förbättra belysningen i Folkparken
- erbjuda föräldrastöd till föräldrar med barn i mellanstadiet

Vi följer upp löftet varje kvartal.

Ljusdal den 3 februari 2025

Karin Ström                                  Jonas Ek
Kommunstyrelsens ordförande                  Lokalpolisområdeschef Hälsingland Västra
"""


def _write(tmp_path: Path, text: str, name: str = "doc.txt") -> Agreement:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(path)


def test_a_medborgarlofte_gets_every_field_that_applies(tmp_path: Path) -> None:
    record = _write(tmp_path, PROMISE)
    assert record.document_type is not None and record.document_type.value == "medborgarlofte"
    assert (record.period.start, record.period.end) == ("2025-01-01", "2025-12-31")  # type: ignore[union-attr]
    police = [p for p in record.parties if p.kind == "police"]
    assert [p.police_area for p in police] == ["Hälsingland Västra"]  # from the signer's title
    assert [m.code for m in record.municipalities] == ["2161"]
    assert [a.text for a in record.priority_areas][:1] == [
        "genomföra hastighetskontroller på riksväg 83 under sommaren"
    ]
    assert {c for a in record.priority_areas for c in a.categories} >= {
        "traffic",
        "public_space_safety",
        "youth_crime",
    }
    kinds = [c.party.kinds for c in record.commitments]
    assert kinds == [["police"], ["police"], ["municipality"], ["municipality"]]
    assert record.commitments[2].text == "förbättra belysningen i Folkparken"
    assert [(s.name, s.signed_date, s.signed_place) for s in record.signatories] == [
        ("Karin Ström", "2025-02-03", "Ljusdal"),
        ("Jonas Ek", "2025-02-03", "Ljusdal"),
    ]
    assert record.follow_up is not None and record.follow_up.frequency == "quarterly"
    # the promises are the document itself, not a document it refers to
    assert "citizen_promise" not in {d.type for d in record.related_documents}


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Samverkansöverenskommelse 2024–2026", "samverkansoverenskommelse"),
        ("Samverkansöverenskommelse och medborgarlöften 2024–2026", "combined"),
        ("Överenskommelse om samverkan för ökad trygghet i Ydre kommun", "other_agreement"),
        ("TRYGGHETSÖVERENSKOMMELSE 2025", "other_agreement"),
        ("Samverkansavtal mellan Ydre kommun och Polisen", "other_agreement"),
    ],
)
def test_the_title_says_what_the_document_is(tmp_path: Path, title: str, kind: str) -> None:
    body = (
        f"{title}\n\nParter\n\nYdre kommun och Polismyndigheten, lokalpolisområde Östergötland.\n\n"
        "Giltighetstid\n\nÖverenskommelsen gäller 2024–2026.\n"
    )
    record = _write(tmp_path, body)
    assert record.document_type is not None
    assert record.document_type.value == kind
    assert record.document_type.evidence.text == title


@pytest.mark.parametrize(
    ("sentence", "start", "end", "open_ended"),
    [
        (
            "Överenskommelsen gäller från och med den 1 mars 2022 och tills vidare.",
            "2022-03-01",
            None,
            True,
        ),
        ("Avtalet gäller från 2021-05-17 och löper tills vidare.", "2021-05-17", None, True),
        ("Avtalet gäller löpande från och med den 1 september 2023.", "2023-09-01", None, True),
        ("Överenskommelsen gäller 2019-03-01--2021-02-28.", "2019-03-01", "2021-02-28", False),
        ("Överenskommelsen gäller 2022-04-01—2024-03-31.", "2022-04-01", "2024-03-31", False),
        (
            "Den gäller den 1 september 2016 till den 31 augusti 2018.",
            "2016-09-01",
            "2018-08-31",
            False,
        ),
        ("Perioden är 1 april 2021 - 31 mars 2023:", "2021-04-01", "2023-03-31", False),
        (
            "Den gäller 2024 till och med 2026, men kan förlängas.",
            "2024-01-01",
            "2026-12-31",
            False,
        ),
        (
            "Den gäller från vecka 10 2024 till och med vecka 9 2026.",
            "2024-03-04",
            "2026-03-01",
            False,
        ),
    ],
)
def test_periods_as_written_in_the_wild(
    tmp_path: Path, sentence: str, start: str, end: str | None, open_ended: bool
) -> None:
    record = agreement(tmp_path, f"Giltighetstid\n\n{sentence}\n")
    assert record.period is not None
    assert (record.period.start, record.period.end) == (start, end)
    assert record.period.open_ended is open_ended


def test_an_extension_clause_is_a_warning_not_a_new_end(tmp_path: Path) -> None:
    record = agreement(
        tmp_path, "Giltighetstid\n\nDen gäller 2024–2026 och kan förlängas med ett år.\n"
    )
    assert record.period is not None and record.period.end == "2026-12-31"
    assert any("may be extended" in w for w in record.warnings)


@pytest.mark.parametrize(
    ("sentence", "party", "kinds", "text"),
    [
        (
            "Kommunen ansvarar för samordningen av BRÅ.",
            "Kommunen",
            ["municipality"],
            "samordningen av BRÅ",
        ),
        (
            "Polisen åtar sig att redovisa lägesbilden vid varje möte.",
            "Polisen",
            ["police"],
            "redovisa lägesbilden vid varje möte",
        ),
        (
            "Kriminalvården ska delta i SSPF och i den operativa gruppen.",
            "Kriminalvården",
            ["prison_probation"],
            "delta i SSPF och i den operativa gruppen",
        ),
        (
            "Respektive kommun ansvarar för sitt eget råd.",
            "Respektive kommun",
            ["municipality"],
            "sitt eget råd",
        ),
    ],
)
def test_commitments_in_a_roles_section(
    tmp_path: Path, sentence: str, party: str, kinds: list[str], text: str
) -> None:
    record = agreement(tmp_path, f"Ansvarsfördelning\n\n{sentence}\n")
    assert [(c.party.name, c.party.kinds, c.text) for c in record.commitments] == [
        (party, kinds, text)
    ]


def test_a_sentence_naming_no_party_is_no_commitment(tmp_path: Path) -> None:
    record = agreement(
        tmp_path, "Ansvarsfördelning\n\nUtifrån lägesbilden lovar parterna följande.\n"
    )
    assert record.commitments == []


def test_a_misspelt_kommun_is_read_as_the_close_one_with_a_warning(tmp_path: Path) -> None:
    body = "Parter\n\nÖverenskommelsen tecknas mellan Kristinhamns kommun och Polisen.\n"
    record = agreement(tmp_path, body)
    assert [m.code for m in record.municipalities] == ["1781"]
    assert any("Kristinhamn" in w and "Kristinehamns kommun" in w for w in record.warnings)


def test_a_neighbour_said_not_to_be_a_party_is_none(tmp_path: Path) -> None:
    body = (
        "Parter\n\nYdre kommun och Polismyndigheten, lokalpolisområde Östergötland. "
        "Kinda kommun ingår i samma lokalpolisområde men omfattas inte av denna överenskommelse.\n"
    )
    record = agreement(tmp_path, body)
    assert [m.name for m in record.municipalities] == ["Ydre kommun"]


def test_a_doubtful_document_is_read_with_a_warning(tmp_path: Path) -> None:
    text = "Polisen lovar att vara synlig i Ydre centrum på fredagskvällar.\n"
    record = _write(tmp_path, text)
    uncertain = [w for w in record.warnings if w.startswith(GENRE_UNCERTAIN)]
    assert len(uncertain) == 1 and "score" in uncertain[0]
    assert [p.kind for p in record.parties] == ["police"]


@pytest.mark.parametrize("path", sorted((BREADTH / "near_misses").glob("*")), ids=lambda p: p.name)
def test_texts_about_agreements_stay_empty(path: Path) -> None:
    record = extract(path)
    assert [w for w in record.warnings if w.startswith(NOT_AN_AGREEMENT)]
    assert not record.parties and not record.period and not record.commitments


@pytest.mark.parametrize("path", sorted((BREADTH / "agreements").glob("*")), ids=lambda p: p.name)
def test_every_agreement_and_promise_gets_a_record(path: Path) -> None:
    record = extract(path)
    assert not [w for w in record.warnings if w.startswith(NOT_AN_AGREEMENT)]
    assert record.document_type is not None and record.parties


@pytest.mark.parametrize("folder", [BREADTH, UNSEEN4], ids=lambda p: p.name)
def test_the_sets_written_without_the_extractor(folder: Path) -> None:
    """Written by sessions that neither read nor ran the extractor (their READMEs); first
    sight 0.752 (breadth) and 0.906 (unseen4), before any rule changed for them."""
    predictions = {p.stem: extract(p).to_dict() for p in sorted((folder / "agreements").glob("*"))}
    report = evaluate(folder / "gold", predictions)
    assert not report.missing
    assert report.overall.f1 >= 0.95, report.table()


def test_promises_as_labelled_sentences_and_a_year_in_the_title(tmp_path: Path) -> None:
    text = (
        "Medborgarlöfte 2025 – Ydre kommun\n\nPolisen och Ydre kommun har genom "
        "medborgardialoger tagit fram en gemensam bild av vad som skapar otrygghet.\n\n"
        "Våra löften\n\n"
        "Löfte 1: Polisen och kommunen lovar att genomföra fyra trygghetsvandringar i Österbymo.\n\n"
        "Löfte 2: Kommunen lovar att utöka belysningen längs Storgatan.\n\n"
        "Ydre 2025-01-20\n\nAnna Berg, kommunstyrelsens ordförande\n"
    )
    record = _write(tmp_path, text)
    assert record.period is not None
    assert (record.period.start, record.period.end) == ("2025-01-01", "2025-12-31")
    assert [(c.party.kinds, c.text) for c in record.commitments] == [
        (["municipality", "police"], "genomföra fyra trygghetsvandringar i Österbymo"),
        (["municipality"], "utöka belysningen längs Storgatan"),
    ]


def test_promises_as_paragraphs_under_their_lead_in(tmp_path: Path) -> None:
    text = (
        "# Medborgarlöften för Ydre kommun 2024–2025\n\n"
        "Ydre kommun och Polisen lovar gemensamt att:\n\n"
        "Öka den synliga närvaron i Österbymo centrum under helgkvällar.\n\n"
        "Genomföra riktade insatser mot narkotikaförsäljning vid busstationen.\n\n"
        "Ydre den 5 mars 2024\n\nAnna Berg\nKommunstyrelsens ordförande\n"
    )
    record = _write(tmp_path, text, "p.md")
    assert [c.text for c in record.commitments] == [
        "Öka den synliga närvaron i Österbymo centrum under helgkvällar",
        "Genomföra riktade insatser mot narkotikaförsäljning vid busstationen",
    ]
    assert {c for a in record.priority_areas for c in a.categories} == {
        "public_space_safety",
        "drugs",
    }

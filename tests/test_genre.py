"""A document that is not a samverkansöverenskommelse gets one ``not_an_agreement``
warning and the empty record; every agreement is still read as one.

The non-agreements are in ``tests/data/not_agreements/`` (a recipe, an invoice to a
kommun, an English report on a council–police partnership, a kommunstyrelse protocol
that mentions the police in passing, a news article about a shooting) and written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from samverkan_extract import extract
from samverkan_extract.extractors.genre import NOT_AN_AGREEMENT, assess
from samverkan_extract.fields import FIELDS
from samverkan_extract.knowledge import knowledge
from samverkan_extract.readers import read_document
from samverkan_extract.schema import Agreement
from samverkan_extract.sections import find_sections
from tests.conftest import ROOT, all_text_documents

NOT_AGREEMENTS = sorted((ROOT / "tests" / "data" / "not_agreements").glob("*"))
# Everything a record holds besides its source, its version and its warnings.
EXTRACTED = tuple(f.name for f in FIELDS)


def genre_warnings(record: Agreement) -> list[str]:
    return [w for w in record.warnings if w.startswith(NOT_AN_AGREEMENT)]


def assert_empty_record(record: Agreement) -> None:
    data = record.to_dict()
    assert {k: data[k] for k in EXTRACTED if data[k]} == {}
    assert len(genre_warnings(record)) == 1, record.warnings


def write(tmp_path: Path, text: str, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_there_is_one_of_each_kind_of_non_agreement() -> None:
    names = {p.stem for p in NOT_AGREEMENTS}
    assert len(names) >= 5
    for kind in ("recept", "faktura", "english", "protokoll", "nyhet"):
        assert any(kind in n for n in names), kind


@pytest.mark.parametrize("path", NOT_AGREEMENTS, ids=lambda p: p.name)
def test_a_non_agreement_gives_the_warning_and_no_values(path: Path) -> None:
    record = extract(path)
    assert_empty_record(record)
    # The source is still described: the record says which file was not an agreement.
    assert record.source.path == str(path) and record.source.sha256
    assert record.source.format == path.suffix.lstrip(".")


@pytest.mark.parametrize("path", all_text_documents(), ids=lambda p: p.name)
def test_every_agreement_is_read_as_one(path: Path) -> None:
    document = read_document(path)
    genre = assess(document, find_sections(document))
    assert genre.is_agreement, genre.reason()
    # Not by a hair: every agreement clears the threshold by a wide margin.
    assert genre.score >= genre.threshold + 4
    record = extract(path)
    assert genre_warnings(record) == []
    assert record.title is not None and record.parties


def test_the_draft_agreement_is_an_agreement() -> None:
    record = extract(ROOT / "tests" / "data" / "agreements" / "orebro_utkast_2025.md")
    assert genre_warnings(record) == [] and record.period is not None


SHORT_AGREEMENTS = {
    "two lines": (
        "Samverkansöverenskommelse 2024–2026\n\n"
        "Överenskommelsen gäller 2024–2026 mellan Osby kommun och lokalpolisområde "
        "Hässleholm.\n"
    ),
    "no headings": (
        "Överenskommelse om samverkan mellan Tierps kommun och Polisen\n\n"
        "Tierps kommun och Polismyndigheten, lokalpolisområde Uppsala norra, är överens om "
        "att gemensamt arbeta för minskad brottslighet och ökad trygghet. Parterna "
        "prioriterar unga i riskzon och trafiksäkerhet. Överenskommelsen gäller från den "
        "1 januari 2025 till den 31 december 2026 och följs upp årligen.\n\n"
        "Tierp den 12 december 2024\n\n"
        "Anna Berg, kommunstyrelsens ordförande\nPer Ek, lokalpolisområdeschef\n"
    ),
    "quoted in a protocol extract": (
        "PROTOKOLLSUTDRAG\n\nKommunstyrelsen, sammanträdesdatum 2024-02-20. Justerare: Olle "
        "Strand. Justeringens datum: 2024-02-23.\n\n"
        "Kommunstyrelsen beslutar att godkänna samverkansöverenskommelsen enligt bilaga.\n\n"
        "Samverkansöverenskommelse mellan Tierps kommun och lokalpolisområde Uppsala norra\n\n"
        "Parter\n\nTierps kommun och Polismyndigheten, lokalpolisområde Uppsala norra.\n\n"
        "Giltighetstid\n\nÖverenskommelsen gäller från 2024-03-01 till 2027-02-28.\n\n"
        "Prioriterade områden\n\n- Unga i riskzon\n- Narkotika\n\n"
        "Samverkansforum\n\nLokala brottsförebyggande rådet träffas fyra gånger per år. "
        "Parterna samverkar också i SSPF.\n\n"
        "Uppföljning\n\nÖverenskommelsen följs upp årligen.\n"
    ),
}


@pytest.mark.parametrize("name", SHORT_AGREEMENTS)
def test_short_agreements_are_agreements(tmp_path: Path, name: str) -> None:
    record = extract(write(tmp_path, SHORT_AGREEMENTS[name]))
    assert genre_warnings(record) == []
    assert record.period is not None and record.parties


WRITTEN_NON_AGREEMENTS = {
    # A protocol that approves an agreement is not the agreement.
    "protocol approving an agreement": (
        "PROTOKOLLSUTDRAG\n\nKommunstyrelsen\nSammanträdesdatum 2024-02-20\n\n"
        "§ 27 Samverkansöverenskommelse mellan kommunen och lokalpolisområdet 2024–2027\n\n"
        "Kommunen och lokalpolisområdet har tagit fram ett förslag till ny "
        "samverkansöverenskommelse för perioden 2024–2027.\n\n"
        "Kommunstyrelsen beslutar att godkänna samverkansöverenskommelsen med "
        "Polismyndigheten.\n\nJusterare: Olle Strand\nJusteringens datum: 2024-02-23\n"
    ),
    # English, even one that names the Swedish document type.
    "English memorandum": (
        "Memorandum of Understanding between Tierp Municipality and the Swedish Police "
        "Authority\n\nThis agreement (samverkansöverenskommelse) sets out how the "
        "municipality and the local police area will work together to reduce crime. The "
        "parties will meet four times a year in the local crime prevention council. The "
        "agreement is valid from 1 January 2025 to 31 December 2027 and will be followed "
        "up each year.\n"
    ),
    "a single word": "Hej\n",
    "a Swedish letter about a school": (
        "Hej alla vårdnadshavare!\n\nNästa vecka har skolan studiedag på onsdagen och "
        "fritids är öppet som vanligt. Kommunen bjuder på lunch för alla elever på fredag. "
        "Glöm inte att märka kläderna med namn.\n\nMed vänliga hälsningar\nRektor\n"
    ),
}


@pytest.mark.parametrize("name", WRITTEN_NON_AGREEMENTS)
def test_written_non_agreements_give_the_empty_record(tmp_path: Path, name: str) -> None:
    assert_empty_record(extract(write(tmp_path, WRITTEN_NON_AGREEMENTS[name])))


def test_the_warning_is_stable_and_says_why(tmp_path: Path) -> None:
    record = extract(ROOT / "tests" / "data" / "not_agreements" / "english_partnership_report.md")
    (warning,) = record.warnings
    assert warning.startswith(
        "not_an_agreement: the document does not read as a samverkansöverenskommelse"
    )
    assert "not Swedish" in warning
    recipe = extract(ROOT / "tests" / "data" / "not_agreements" / "recept_kanelbullar.txt")
    assert "recipe" in recipe.warnings[0] and "no mention of the police" in recipe.warnings[0]


def test_reader_warnings_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "recept.txt"
    source = ROOT / "tests" / "data" / "not_agreements" / "recept_kanelbullar.txt"
    path.write_bytes(source.read_text("utf-8").encode("cp1252"))
    record = extract(path)
    assert len(record.warnings) == 2 and "cp1252" in record.warnings[0]
    assert_empty_record(record)


def test_the_rules_are_data() -> None:
    genre = knowledge().genre
    assert genre["threshold"] > 0 and set(genre["required"]) <= set(genre["signals"])
    assert {"protocol", "invoice", "recipe", "news"} <= set(genre["other_genres"])

"""Phrasings the fourth unseen set showed (issue 15), each written here with invented
wording: the rules they exercise are general, not tied to that set's documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from samverkan_extract import extract
from tests.fixtures.snippets import agreement


def test_the_period_of_an_earlier_agreement_does_not_win(tmp_path: Path) -> None:
    body = (
        "Bakgrund\n\nDenna överenskommelse ersätter överenskommelsen för perioden 2015–2018, "
        "som parterna utvärderade under hösten.\n\n"
        "Giltighetstid\n\nÖverenskommelsen gäller 2019--2022.\n"
    )
    record = agreement(tmp_path, body)
    assert record.period is not None
    assert (record.period.start, record.period.end) == ("2019-01-01", "2022-12-31")


def test_a_period_only_in_the_title(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "Samverkansöverenskommelse för Ydre 2022–2025\n\n1 INLEDNING\n\nYdre kommun och "
        "Polismyndigheten, lokalpolisområde Östergötland, samverkar mot brott och för ökad "
        "trygghet i hela kommunen.\n",
        encoding="utf-8",
    )
    record = extract(path)
    assert record.period is not None
    assert (record.period.start, record.period.end, record.period.precision) == (
        "2022-01-01",
        "2025-12-31",
        "year",
    )


@pytest.mark.parametrize(
    ("sentence", "categories"),
    [
        (
            "Parterna prioriterar öppen narkotikahandel, otrygghet i och kring "
            "pendeltågsstationerna och ungdomar som rekryteras till kriminella nätverk.",
            {"drugs", "public_space_safety", "youth_crime", "organised_crime"},
        ),
        (
            "Våld i nära relationer, narkotika bland unga och inbrott i fritidshus är de "
            "problem som lägesbilden lyfter tydligast. Dessa tre ska parterna prioritera.",
            {"domestic_violence", "drugs", "youth_crime", "volume_crime"},
        ),
    ],
)
def test_priority_areas_named_in_prose(tmp_path: Path, sentence: str, categories: set[str]) -> None:
    record = agreement(tmp_path, f"Prioriteringar\n\n{sentence}\n")
    assert {c for a in record.priority_areas for c in a.categories} == categories


def test_a_section_topic_over_an_indented_numbered_list_is_a_heading(tmp_path: Path) -> None:
    body = (
        "4. Prioriterade områden\n\n   1. Narkotika bland unga\n   2. Stölder från företag\n\n"
        "5. Samverkansforum\n\nStyrgruppen träffas två gånger per år och leder arbetet.\n"
    )
    record = agreement(tmp_path, body)
    assert [a.text for a in record.priority_areas] == [
        "Narkotika bland unga",
        "Stölder från företag",
    ]


@pytest.mark.parametrize(
    ("sentence", "frequency"),
    [
        ("Överenskommelsen följs upp vartannat år i styrgruppen.", "biennial"),
        ("Styrgruppen följer upp överenskommelsen en gång per år.", "annual"),
        ("Överenskommelsen följs upp varje kvartal i rådet.", "quarterly"),
        ("Trygghetssamordnaren och kommunpolisen följer upp arbetet varje tertial.", "other"),
        ("Överenskommelsen följs upp halvårsvis i styrgruppen.", "other"),
        ("Överenskommelsen följs upp efter halva avtalsperioden och inför en ny.", "other"),
    ],
)
def test_follow_up_frequencies(tmp_path: Path, sentence: str, frequency: str) -> None:
    record = agreement(tmp_path, f"Uppföljning\n\n{sentence}\n")
    assert record.follow_up is not None and record.follow_up.frequency == frequency


def test_a_forum_meeting_frequency_is_not_the_follow_up(tmp_path: Path) -> None:
    body = (
        "Samverkansforum\n\nYdre brottsförebyggande råd sammanträder fyra gånger per år och "
        "är det forum där överenskommelsen följs upp. Rådet gör en uppföljning av "
        "överenskommelsen en gång per år.\n"
    )
    record = agreement(tmp_path, body)
    assert record.follow_up is not None and record.follow_up.frequency == "annual"


def test_frequencies_in_a_forum_table_belong_to_their_rows(tmp_path: Path) -> None:
    body = (
        "Samverkansforum\n\n| Forum | Deltagare | Möten |\n|---|---|---|\n"
        "| Styrgrupp för trygghet | Kommundirektören | två gånger per år |\n"
        "| Föreningsforum för trygghet | Föreningar och polisen | varje tertial |\n"
        "| SSPF | Socialtjänsten | löpande |\n"
    )
    path = tmp_path / "f.md"
    from tests.fixtures.snippets import HEAD

    path.write_text(HEAD + "\n" + body, encoding="utf-8")
    record = extract(path)
    got = {(f.type, f.meetings_per_year) for f in record.forums}
    assert got == {("steering_group", 2), ("other", 3), ("sspf", None)}


def test_a_grid_of_signatures_with_place_and_date_cells(tmp_path: Path) -> None:
    body = (
        "Underskrifter\n\n| | |\n|---|---|\n"
        "| Ort och datum: Ydre 2015-08-24 | Ort och datum: Kinda 2015-08-25 |\n"
        "| Anna Berg<br>Kommunstyrelsens ordförande<br>Ydre kommun | Per Lund<br>"
        "Kommunstyrelsens ordförande<br>Kinda kommun |\n"
    )
    path = tmp_path / "g.md"
    from tests.fixtures.snippets import HEAD

    path.write_text(HEAD + "\n" + body, encoding="utf-8")
    record = extract(path)
    assert [(s.name, s.signed_date, s.signed_place) for s in record.signatories] == [
        ("Anna Berg", "2015-08-24", "Ydre"),
        ("Per Lund", "2015-08-25", "Kinda"),
    ]


def test_two_name_and_title_entries_on_one_line(tmp_path: Path) -> None:
    body = (
        "Uppföljning\n\nAvtalet följs upp årligen i rådet och kan revideras om parterna är "
        "överens om det.\n\nYdre 2010-03-22\n\n"
        "Anna Berg, kommunstyrelsens ordförande Per-Olof Lund, polisområdeschef\n"
    )
    record = agreement(tmp_path, body)
    assert [(s.name, s.title) for s in record.signatories] == [
        ("Anna Berg", "kommunstyrelsens ordförande"),
        ("Per-Olof Lund", "polisområdeschef"),
    ]


def test_a_registry_stamp_dates_the_document(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text(
        "Kommunstyrelsen 2013-02-11                              Dnr KS 2013/87\n\n"
        "Samverkansöverenskommelse\n\nParter\n\nYdre kommun och Polismyndigheten i "
        "Östergötlands län samverkar för ett tryggare Ydre.\n",
        encoding="utf-8",
    )
    record = extract(path)
    assert record.document_date is not None and record.document_date.value == "2013-02-11"
    assert [r.value for r in record.reference_numbers] == ["KS 2013/87"]


def test_a_neighbour_named_in_a_later_opening_paragraph_is_not_a_party(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "Medborgarlöfte 2024\n\nTierps kommun och Polisen i lokalpolisområde Uppsala norra "
        "har kommit överens om vad vi ska göra tillsammans.\n\nUnder våren genomfördes "
        "en medborgardialog.\n\nÄlvkarleby kommun, som ingår i samma lokalpolisområde, har "
        "egna medborgarlöften.\n\nVi lovar att:\n\n• genomföra trygghetsvandringar\n",
        encoding="utf-8",
    )
    record = extract(path)
    assert [p.name for p in record.parties if p.kind == "municipality"] == ["Tierps kommun"]


def test_a_grid_of_name_title_cells_under_their_own_date_cells(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text(
        "# Samverkansöverenskommelse 2024–2027\n\nKävlinge kommun, Lomma kommun och "
        "Polisen, lokalpolisområde Lund, ingår denna överenskommelse.\n\n## Underskrifter\n\n"
        "| | |\n|---|---|\n"
        "| Ort och datum: Kävlinge 2024-03-04 | Ort och datum: Lomma 2024-03-06 |\n"
        "| **Anna Holm**, kommunstyrelsens ordförande, Kävlinge kommun | "
        "**Per Dahl**, kommunstyrelsens ordförande, Lomma kommun |\n"
        "| Ort och datum: Lund 2024-03-11 | |\n"
        "| **Eva Lind**, lokalpolisområdeschef, Lokalpolisområde Lund | |\n",
        encoding="utf-8",
    )
    dates = {s.name: s.signed_date for s in extract(path).signatories}
    assert dates == {"Anna Holm": "2024-03-04", "Per Dahl": "2024-03-06", "Eva Lind": "2024-03-11"}


@pytest.mark.parametrize(
    ("line", "references"),
    [
        ("Dnr KS.2022.0145", ["KS.2022.0145"]),
        ("Diarienummer: Ks 2024/77", ["Ks 2024/77"]),
        ("Diarienummer: KS 2019/31 (Mora), KS 2019/204 (Orsa)", ["KS 2019/31", "KS 2019/204"]),
    ],
)
def test_reference_numbers_as_registries_write_them(
    tmp_path: Path, line: str, references: list[str]
) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        f"Samverkansöverenskommelse\n{line}\n\nMora kommun och Polisen, lokalpolisområde "
        "Mora, samverkar för ökad trygghet.\n",
        encoding="utf-8",
    )
    assert [r.value for r in extract(path).reference_numbers] == references


def test_a_sentence_of_context_in_a_party_section_adds_no_party(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "Samverkansavtal 2022–2025\n\n1. Parter\n\nSöderköpings kommun, org.nr 212000-0472, "
        "nedan kallad kommunen.\nPolismyndigheten, lokalpolisområde Norrköping, nedan kallad "
        "polisen.\n\nSedan polisens omorganisation den 1 januari 2015 hör Söderköping till "
        "lokalpolisområde Norrköping, som även omfattar Norrköpings kommun och Finspångs "
        "kommun. Kommunens bostadsbolag deltar i delar av arbetet.\n\n2. Giltighetstid\n\n"
        "Avtalet gäller 2022-01-01--2025-12-31.\n",
        encoding="utf-8",
    )
    parties = [(p.kind, p.municipality_code or p.police_area) for p in extract(path).parties]
    assert parties == [("municipality", "0582"), ("police", "Norrköping")]


def test_a_neighbour_with_its_own_promises_is_not_a_party(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "Medborgarlöfte Arjeplog 2023\n\nMedborgarlöftet är ett gemensamt åtagande från "
        "Polisen och Arjeplogs kommun. Arvidsjaurs kommun, som hör till samma "
        "lokalpolisområde, har ett eget medborgarlöfte.\n\nVi lovar att:\n\n"
        "• genomföra trygghetsvandringar\n",
        encoding="utf-8",
    )
    assert [p.municipality_code for p in extract(path).parties if p.kind == "municipality"] == [
        "2506"
    ]


def test_numbered_titles_with_their_text_right_under_them(tmp_path: Path) -> None:
    """No blank line after a numbered title: "3 Prioriterade områden" over its numbered
    sub-titles, "4.1 <forum>" over the sentence about it, "5.1 Kommunen ska ..." clauses."""
    path = tmp_path / "t.txt"
    path.write_text(
        "Samverkansöverenskommelse för Ovanåker 2021–2024\n\n"
        "1 Parter\nParter är Ovanåkers kommun och Polisen, lokalpolisområde Hälsingland.\n\n"
        "2 Prioriterade områden\n2.1 Narkotika bland unga\n2.2 Våld i nära relationer\n\n"
        "3 Samverkansforum\n3.1 Ovanåkers brottsförebyggande råd\n"
        "Rådet är det strategiska forumet och sammanträder varje kvartal.\n\n"
        "4 Åtaganden\n4.1 Kommunen ska samordna arbetet i rådet.\n"
        "4.2 Polisen ska delta i samtliga forum och ta fram lägesbilden.\n",
        encoding="utf-8",
    )
    record = extract(path)
    assert {c for p in record.priority_areas for c in p.categories} >= {
        "drugs",
        "domestic_violence",
    }
    assert [(f.type, f.meetings_per_year) for f in record.forums] == [
        ("local_crime_prevention_council", 4)
    ]
    assert [(c.party.kinds, c.text) for c in record.commitments] == [
        (["municipality"], "samordna arbetet i rådet"),
        (["police"], "delta i samtliga forum och ta fram lägesbilden"),
    ]


def test_undertakings_in_an_agreement_written_as_prose(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "Trygghetsöverenskommelse för Ljusdals kommun 2016–2018\n\n"
        "Ljusdals kommun och Polismyndigheten har kommit överens om att samverka för att "
        "minska brottsligheten och öka tryggheten i kommunen under tre år.\n\n"
        "Kommunen ansvarar för samordningen av rådets arbete. Polisen ansvarar för att "
        "rådet får statistik inför varje möte.\n",
        encoding="utf-8",
    )
    assert [(c.party.kinds, c.text) for c in extract(path).commitments] == [
        (["municipality"], "samordningen av rådets arbete"),
        (["police"], "att rådet får statistik inför varje möte"),
    ]


def test_a_title_line_that_cannot_end_where_it_does(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "        Överenskommelse om samverkan mellan\n"
        "    Bergs kommun och Polismyndigheten i Jämtlands län\n\n"
        "Bakgrund\n\nBergs kommun och polisen har samarbetat sedan länge och vill nu göra "
        "arbetet mot brott mer samordnat i hela kommunen.\n",
        encoding="utf-8",
    )
    title = extract(path).title
    assert title is not None
    assert title.value == (
        "Överenskommelse om samverkan mellan Bergs kommun och Polismyndigheten i Jämtlands län"
    )


@pytest.mark.parametrize(
    ("head", "date"),
    [
        ("Tanums kommun | Polisen                              2018-05-14", "2018-05-14"),
        ("Den 1 mars 2018 träffades parterna", None),
    ],
)
def test_a_date_closing_the_letterhead(tmp_path: Path, head: str, date: str | None) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        f"{head}\n\n          SAMVERKANSÖVERENSKOMMELSE 2018–2020\n\n"
        "Tanums kommun och Polisen, lokalpolisområde Norra Bohuslän, ingår denna "
        "överenskommelse för att minska brottsligheten i kommunen.\n",
        encoding="utf-8",
    )
    found = extract(path).document_date
    assert (found.value if found else None) == date


def test_what_is_not_prioritised_is_no_area(tmp_path: Path) -> None:
    body = (
        "Prioriterade områden\n\nParterna prioriterar narkotika bland unga och "
        "trafiksäkerhet. Därutöver följer parterna utvecklingen av bedrägerier mot äldre, "
        "men det är inte ett prioriterat område under perioden.\n"
    )
    record = agreement(tmp_path, body)
    assert {c for p in record.priority_areas for c in p.categories} == {
        "drugs",
        "youth_crime",
        "traffic",
    }


def test_a_sub_heading_of_other_questions_is_no_area(tmp_path: Path) -> None:
    body = (
        "3 Prioriterade områden\n\n3.1 Narkotika bland unga\n\nUnga ska inte komma i "
        "kontakt med narkotika i skolan eller på fritiden.\n\n3.2 Övriga frågor\n\n"
        "Parterna håller varandra informerade om trafiksäkerhet och bedrägerier mot äldre.\n"
    )
    record = agreement(tmp_path, body)
    assert [p.text for p in record.priority_areas] == ["Narkotika bland unga"]


def test_a_signature_table_read_row_by_row_with_title_and_date_on_one_line(
    tmp_path: Path,
) -> None:
    """What a scan of a borderless signature table reads: each name over "title date"."""
    body = (
        "Underskrifter\n\nNamn Befattning Datum\n\nLisa Holm (S)\n\n"
        "Kommunstyrelsens ordförande 2021-03-02\n\nOla Berg\n\nlokalpolisområdeschef 2021-03-09\n"
    )
    signed = [(s.name, s.title, s.signed_date) for s in agreement(tmp_path, body).signatories]
    assert signed == [
        ("Lisa Holm", "Kommunstyrelsens ordförande", "2021-03-02"),
        ("Ola Berg", "lokalpolisområdeschef", "2021-03-09"),
    ]


def test_a_signers_line_set_as_a_heading_is_no_title(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text(
        "Sollentuna kommun och Polismyndigheten, lokalpolisområde Sollentuna, har kommit "
        "överens om att samverka för att minska brottsligheten i kommunen. Överenskommelsen "
        "gäller i tre år från och med den 1 mars 2021.\n\n"
        "Sollentuna den 20 februari 2021\n\n### Eva Lund (M), kommunstyrelsens ordförande\n\n"
        "### Per Ek, lokalpolisområdeschef\n",
        encoding="utf-8",
    )
    assert extract(path).title is None


@pytest.mark.parametrize(
    ("heading", "topic"),
    [("Samverkansförum", "forums"), ("Prioriterade omraden", "priorities"), ("Parter", "parties")],
)
def test_a_heading_read_with_a_swedish_letter_wrong(heading: str, topic: str) -> None:
    """OCR reads å, ä and ö with and without their marks; the topic is still found."""
    from samverkan_extract.sections import heading_topic

    assert heading_topic(heading) == topic


def test_a_lead_in_set_as_a_heading_names_no_section() -> None:
    """ "Under avtalstiden ska parterna arbeta med" goes on below: no topic, though it
    names the agreement's period ("avtalstiden")."""
    from samverkan_extract.sections import heading_topic

    assert heading_topic("Under avtalstiden ska parterna särskilt arbeta med") is None
    assert heading_topic("Avtalstid") == "period"


@pytest.mark.parametrize("brk", ["\n", "\n\n"])
def test_a_range_broken_after_its_dash(tmp_path: Path, brk: str) -> None:
    """A range whose end date opens the next line or paragraph (a page break, a
    rendering that sets the end apart): "gäller 1 mars 2023 –" / "28 februari 2026."."""
    body = f"Parter och giltighet\n\nÖverenskommelsen gäller 1 mars 2023 –{brk}28 februari 2026.\n"
    record = agreement(tmp_path, body)
    assert record.period is not None
    assert (record.period.start, record.period.end) == ("2023-03-01", "2026-02-28")


def test_a_medborgarlofte_named_under_the_site_name_is_the_title(tmp_path: Path) -> None:
    """A page whose site name is a heading over the promise's own heading: the title is
    the heading that names the medborgarlöfte."""
    path = tmp_path / "page.md"
    path.write_text(
        "# Exby kommun\n\n# Medborgarlöfte för Exby 2024\n\nExby kommun och Polisen, "
        "lokalpolisområde Exby, lovar att arbeta för ökad trygghet i centrum.\n",
        encoding="utf-8",
    )
    record = extract(path)
    assert record.title is not None
    assert record.title.value == "Medborgarlöfte för Exby 2024"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Rådet är en del av. kommunens folkhälsoarbete. Polisen deltar.",
            ["Rådet är en del av. kommunens folkhälsoarbete.", "Polisen deltar."],
        ),
        (
            "Gruppen träffas ca. tio gånger per år. Kommunen kallar.",
            ["Gruppen träffas ca. tio gånger per år.", "Kommunen kallar."],
        ),
        (
            "Rådet möts i maj. 2024 års plan antas då.",
            ["Rådet möts i maj.", "2024 års plan antas då."],
        ),
    ],
)
def test_a_sentence_opens_with_a_capital_or_a_digit(text: str, expected: list[str]) -> None:
    """A full stop before a word in lower case ends no sentence: an abbreviation, or a
    speck a scan read as a full stop; the frequency after it stays with its forum."""
    from samverkan_extract.nlp import get_nlp

    assert [s.text.strip() for s in get_nlp()(text).sents] == expected


def test_a_lead_in_set_as_an_item_of_the_list_it_introduces(tmp_path: Path) -> None:
    """ "• Polisen lovar att" over "• öka närvaron ...": the item that only names a party
    and its verb leads in the items after it, up to the next such item."""
    body = (
        "Medborgarlöfte\n\n"
        "- Polisen lovar att\n- öka närvaron vid stationen på fredagskvällar\n"
        "- genomföra trafikkontroller vid skolorna\n"
        "- Polisen och kommunen lovar tillsammans att\n"
        "- genomföra en trygghetsvandring i centrum under hösten\n"
    )
    record = agreement(tmp_path, body)
    assert [(c.party.kinds, c.text) for c in record.commitments] == [
        (["police"], "öka närvaron vid stationen på fredagskvällar"),
        (["police"], "genomföra trafikkontroller vid skolorna"),
        (["municipality", "police"], "genomföra en trygghetsvandring i centrum under hösten"),
    ]

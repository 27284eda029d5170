"""Forums and their meetings across phrasings the seeds do not use.

Each case is a short invented agreement (invented forum and place names) with one way of
naming a forum or saying how often it meets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from samverkan_extract.schema import Agreement
from tests.fixtures.snippets import agreement


def forums(record: Agreement) -> list[tuple[str, float | None]]:
    return [(f.type, f.meetings_per_year) for f in record.forums]


@pytest.mark.parametrize(
    ("sentence", "per_year"),
    [
        ("Trygghetsrådet sammanträder fyra ggr/år.", 4),
        ("Trygghetsrådet sammanträder 5 ggr per år.", 5),
        ("Trygghetsrådet träffas sex gånger under året.", 6),
        ("Trygghetsrådet träffas varje tisdag.", 52),
        ("Trygghetsrådet träffas varannan torsdag.", 26),
        ("Trygghetsrådet träffas var tredje månad.", 4),
        ("Trygghetsrådet träffas halvårsvis.", 2),
        ("Trygghetsrådet träffas två gånger per läsår.", 2),
    ],
)
def test_frequency_phrasings(tmp_path: Path, sentence: str, per_year: float) -> None:
    record = agreement(tmp_path, "Samverkansformer\n\n" + sentence + "\n")
    assert forums(record) == [("local_crime_prevention_council", per_year)]


def test_a_sentence_that_says_the_forum_meets_outranks_a_mention(tmp_path: Path) -> None:
    body = (
        "Bakgrund\n\nRegionen bjuds in till trygghetsrådet en gång per år.\n\n"
        "Samverkansformer\n\nTrygghetsrådet leds av kommunstyrelsens ordförande. "
        "Trygghetsrådet sammanträder åtta gånger per år.\n"
    )
    record = agreement(tmp_path, body)
    assert forums(record) == [("local_crime_prevention_council", 8)]
    assert record.forums[0].frequency_text == "åtta gånger per år"
    assert record.forums[0].name == "Trygghetsrådet"


def test_a_named_local_council_is_not_the_national_one(tmp_path: Path) -> None:
    body = (
        "Bakgrund\n\nBrottsförebyggande rådet (Brå) ger stöd i metodfrågor.\n\n"
        "Samverkansformer\n\nSamverkan sker i Exbo kommuns brottsförebyggande råd, som "
        "träffas tre gånger under året.\n"
    )
    record = agreement(tmp_path, body)
    assert forums(record) == [("local_crime_prevention_council", 3)]
    assert record.forums[0].name == "Exbo kommuns brottsförebyggande råd"


def test_an_anaphor_speaks_of_the_forum_under_its_heading(tmp_path: Path) -> None:
    body = (
        "Samverkansformer\n\n1. Styrgrupp\n\nStyrgruppen beslutar om inriktningen.\n\n"
        "2. Brottsförebyggande rådet i Kalmar kommun\n\nBrottsförebyggande rådet är "
        "kommunens forum. Rådet sammanträder fem gånger om året och rapporterar till "
        "styrgruppen.\n"
    )
    record = agreement(tmp_path, body)
    assert forums(record) == [("steering_group", None), ("local_crime_prevention_council", 5)]
    assert record.forums[1].name == "Brottsförebyggande rådet i Kalmar kommun"


def test_a_working_group_opening_a_paragraph_that_says_it_meets(tmp_path: Path) -> None:
    body = (
        "Samverkansformer\n\nArbetsgruppen mot bidragsfusk samordnar kontrollerna. "
        "Gruppen träffas varannan vecka.\n\n"
        "Ledningsgruppen ansvarar för budgeten.\n"
    )
    record = agreement(tmp_path, body)
    assert forums(record) == [("working_group", 26)]
    assert record.forums[0].name == "Arbetsgruppen mot bidragsfusk"


def test_working_groups_the_parties_set_up(tmp_path: Path) -> None:
    body = (
        "Samverkansformer\n\nTrygghetsrådet kan inrätta arbetsgrupper för enskilda "
        "uppdrag. Trygghetsrådet träffas en gång i månaden.\n"
    )
    record = agreement(tmp_path, body)
    assert forums(record) == [("local_crime_prevention_council", 12), ("working_group", None)]


@pytest.mark.parametrize(
    ("body", "name", "per_year", "text"),
    [
        (
            "Stationsgrupp Norrvik samlar kommunen, polisen och Exbo bostäder och träffas "
            "varannan vecka.",
            "Stationsgrupp Norrvik",
            26,
            "varannan vecka",
        ),
        (
            "Hamnsamverkan Ekö – kommunen, polisen och hamnbolaget möts fyra gånger per år.",
            "Hamnsamverkan Ekö",
            4,
            "fyra gånger per år",
        ),
        (
            "Inför varje stor mässa sammankallas mässgruppen med kommunen och polisen.",
            "mässgruppen",
            None,
            "Inför varje stor mässa",
        ),
        (
            "Frivårdsforum. När en person friges kallar frivården till ett möte. "
            "Forumet träffas vid behov.",
            "Frivårdsforum",
            None,
            "vid behov",
        ),
    ],
)
def test_other_forums_the_text_says_meet(
    tmp_path: Path, body: str, name: str, per_year: float | None, text: str
) -> None:
    record = agreement(tmp_path, "Samverkansformer\n\n" + body + "\n")
    assert [(f.type, f.name, f.meetings_per_year, f.frequency_text) for f in record.forums] == [
        ("other", name, per_year, text)
    ]


def test_compounds_that_are_not_forums(tmp_path: Path) -> None:
    body = (
        "Samverkansformer\n\nRapporter från fältgruppen och väktarna sammanställs, och "
        "EST-gruppen träffas varje vecka. Målgruppen samlas varje månad på fritidsgården.\n"
    )
    record = agreement(tmp_path, body)
    assert forums(record) == [("est", 52)]


def test_one_council_per_municipality(tmp_path: Path) -> None:
    body = (
        "Samverkansformer\n\nOsby kommuns brottsförebyggande råd sammanträder tre gånger "
        "om året.\n\nÖstra Göinges trygghetsråd sammanträder en gång i kvartalet.\n"
    )
    record = agreement(tmp_path, body)
    assert [(f.name, f.meetings_per_year) for f in record.forums] == [
        ("Osby kommuns brottsförebyggande råd", 3),
        ("Östra Göinges trygghetsråd", 4),
    ]


def test_as_needed_is_kept_as_text(tmp_path: Path) -> None:
    body = "Samverkansformer\n\nVid behov aktiveras BOB. SSPF-gruppen sammankallas vid behov.\n"
    record = agreement(tmp_path, body)
    assert [(f.type, f.meetings_per_year, f.frequency_text) for f in record.forums] == [
        ("bob", None, "Vid behov"),
        ("sspf", None, "vid behov"),
    ]


def test_heading_names_lose_numbering_and_capitals(tmp_path: Path) -> None:
    body = (
        "## Samverkansformer\n\n### 4.1 Lägesbildsgrupp\n\nLägesbildsgruppen träffas varje "
        "vecka.\n\n### 4.2 STRATEGISKT RÅD\n\nRådet sammanträder två gånger per år.\n\n"
        "### 4.3 SSPF och SIG\n\nKommunen deltar i SSPF (skola, socialtjänst, polis och "
        "fritid) och i SIG, social insatsgrupp.\n"
    )
    record = agreement(tmp_path, body, name="a.md")
    assert [(f.name, f.meetings_per_year) for f in record.forums] == [
        ("Lägesbildsgrupp", 52),
        ("Strategiskt råd", 2),
        ("SSPF (skola, socialtjänst, polis och fritid)", None),
        ("SIG, social insatsgrupp", None),
    ]


def test_a_name_in_brackets_says_which_forum_it_is(tmp_path: Path) -> None:
    body = (
        "Samverkansforum\n\n| Forum | Deltagare | Möten |\n|---|---|---|\n"
        "| Lägesbildsmöte (EST) | Trygghetssamordnare, kommunpolis | varje måndag |\n"
    )
    assert forums(agreement(tmp_path, body, "a.md")) == [("est", 52)]


def test_a_frequency_under_a_forums_own_heading(tmp_path: Path) -> None:
    body = (
        "4 Samverkansforum\n\n4.1 EST (Effektiv samordning för trygghet)\n"
        "Säkerhetssamordnaren, fältsekreterarna och kommunpolisen går igenom händelser "
        "och platser varje tisdag.\n"
    )
    assert forums(agreement(tmp_path, body)) == [("est", 52)]


def test_an_everyday_term_in_a_run_in_title(tmp_path: Path) -> None:
    body = (
        "Samverkansforum\n\n**Gemensam ledningsgrupp.** Kommuncheferna och "
        "lokalpolisområdeschefen träffas tre gånger per år och beslutar om insatser.\n"
    )
    assert forums(agreement(tmp_path, body, "a.md")) == [("steering_group", 3)]


def test_an_everyday_term_written_as_a_name_in_mid_sentence(tmp_path: Path) -> None:
    body = (
        "Organisation\n\nDet gemensamma arbetet leds av kommunledningen. Under den finns "
        "Arbetsgruppen Trafik, som träffas fyra gånger per år.\n"
    )
    assert forums(agreement(tmp_path, body)) == [("working_group", 4)]


@pytest.mark.parametrize(
    "paragraph",
    [
        "**Frigivningsforum** – socialtjänsten, polisen och frivården går igenom "
        "planerade frigivningar varannan månad.",
        "**Krogrådet**, med krögare, ordningsvakter och polisen, träffas inför större "
        "helger och evenemang.",
    ],
)
def test_a_forum_the_vocabulary_does_not_know_in_a_section_of_forums(
    tmp_path: Path, paragraph: str
) -> None:
    record = agreement(tmp_path, "## Samverkansforum\n\n" + paragraph + "\n", "a.md")
    assert [f.type for f in record.forums] == ["other"]

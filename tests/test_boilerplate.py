"""Web-page chrome in text copied from a page (issue 11, item 6): the readers drop
navigation and boilerplate lines from data/boilerplate.toml, says how many, and never
drops content. Every snippet here is invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from samverkan_extract.readers import read_document
from samverkan_extract.readers.boilerplate import boilerplate, drop_boilerplate

CHROME_WARNING = "line(s) of web-page navigation and boilerplate"


def read(tmp_path: Path, text: str, suffix: str = ".txt") -> tuple[str, list[str]]:
    path = tmp_path / f"page{suffix}"
    path.write_text(text, encoding="utf-8")
    document = read_document(path)
    return document.text, document.warnings


def dropped(lines: str) -> list[str]:
    raw = lines.split("\n")
    out, _ = drop_boilerplate(raw)
    return [a for a, b in zip(raw, out, strict=True) if a != b]


@pytest.mark.parametrize(
    "line",
    [
        "Hoppa till huvudinnehållet",
        "Gå direkt till innehåll",
        "Till toppen av sidan",
        "Tillbaka till toppen",
        "Sök",
        "Sök på webbplatsen",
        "Meny",
        "Stäng menyn",
        "Språk / Language",
        "Vi använder kakor för att ge dig en så bra upplevelse som möjligt.",
        "Webbplatsen använder cookies. Läs mer om cookies",
        "Godkänn alla kakor",
        "Endast nödvändiga cookies",
        "OK Läs mer om kakor",
        "Du behöver aktivera JavaScript för att se kartan.",
        "Startsida > Kommun och politik > Trygghet",
        "Du är här: Start / Bo och leva / Trygghet",
        "Polisen › Om Polisen › Medborgarlöften › Jämtland",
        "Dela",
        "Dela sidan: Facebook | LinkedIn | E-post",
        "Skriv ut",
        "Lyssna · Dela · Skriv ut",
        "Sidan uppdaterades 2023-11-02",
        "Senast uppdaterad: 4 april 2022",
        "Publicerad 12 maj 2021 kl 09.30",
        "Sidansvarig: Kommunledningskontoret",
        "Hjälpte informationen på sidan dig?  Ja  Nej",
        "Om webbplatsen · Kakor · Tillgänglighetsredogörelse",
        "Följ oss i sociala medier",
    ],
)
def test_chrome_lines_are_matched(line: str) -> None:
    assert boilerplate().lines.fullmatch(line), line


@pytest.mark.parametrize(
    "line",
    [
        "Prioriterade områden",  # a heading
        "Kontakt",  # a heading an agreement may have
        "Relaterade dokument",  # the related documents of an agreement
        "Sök bidrag för trygghetsskapande åtgärder senast den 15 mars.",  # a sentence
        "Dela upp arbetet mellan kommunen och polisen",  # a list item with a verb
        "Skriv ut och skicka in blanketten till kommunen.",
        "Överenskommelsen publicerades på kommunens webbplats i maj.",
        "Lyssna på unga i medborgardialoger",
        "Startsidan för samverkan uppdateras varje år av kommunen.",
        "Kommunen och polisen använder gemensamma lägesbilder.",
        "Hjo den 15 december 2023",
        "Åsa Öberg, kommunstyrelsens ordförande",
        "Medborgarlöfte för Hjo kommun 2024–2025",
        "Nyhet · Publicerad 2025-02-18",  # a news item's own date: the genre check reads it
    ],
)
def test_content_lines_are_not_matched(line: str) -> None:
    assert not boilerplate().lines.fullmatch(line), line


def test_a_web_copy_loses_its_chrome_and_keeps_its_content(tmp_path: Path) -> None:
    page = """Gå till innehållet
Tryggby kommun
Meny
Sök
Kontakt
Vi använder kakor. Läs mer om kakor
Godkänn
Startsida > Trygghet och säkerhet > Medborgarlöfte

Medborgarlöfte 2025

Dela  Skriv ut  Lyssna

Tryggby kommun och Polisen har tagit fram ett gemensamt medborgarlöfte som gäller under 2025.

Vi lovar att:
- ordna trygghetsvandringar i Östra centrum
- följa upp klotter inom en vecka

Tryggby den 3 februari 2025

Kim Lund
Kommunstyrelsens ordförande

Relaterat
Brottsförebyggande rådet
Trygghetsmätningen 2024

Senast granskad 2025-02-04
Till toppen
Tryggby kommun, 123 45 Tryggby
Telefon 0123-45 67 00
Tillgänglighetsredogörelse
"""
    text, warnings = read(tmp_path, page)
    for kept in (
        "Medborgarlöfte 2025",
        "gemensamt medborgarlöfte som gäller under 2025.",
        "ordna trygghetsvandringar i Östra centrum",
        "Tryggby den 3 februari 2025",
        "Kim Lund",
        "Kommunstyrelsens ordförande",
    ):
        assert kept in text, kept
    for gone in (
        "Gå till innehållet",
        "Meny",
        "Kontakt",
        "kakor",
        "Godkänn",
        "Startsida",
        "Skriv ut",
        "Relaterat",
        "Trygghetsmätningen 2024",
        "Senast granskad",
        "Till toppen",
        "Telefon",
        "Tillgänglighet",
    ):
        assert gone not in text, gone
    assert text.startswith("Medborgarlöfte 2025")
    assert text.endswith("Kommunstyrelsens ordförande")
    (warning,) = [w for w in warnings if CHROME_WARNING in w]
    assert warning.startswith("dropped 17 line(s)")


def test_menu_entries_set_apart_go_with_the_chrome_beyond_them() -> None:
    """A page printed or scanned sets each menu entry apart ("Aktuellt", "Om Polisen"):
    the entries between the skip link and the breadcrumb go, the title between the
    breadcrumb and the share links stays, and so does a short paragraph after the last
    chrome line (the place and date over the signatures)."""
    page = """Hoppa till huvudinnehåll

Polisen

Aktuellt

Utsatt för brott

Kontakta Polisen

Startsida > Om Polisen > Medborgarlöften > Exby

Medborgarlöfte för Exby kommun 2025

Lyssna

Polisen och Exby kommun lovar att arbeta för ökad trygghet i Exby centrum.

Exby den 3 mars 2025

Anna Berg
Kommunstyrelsens ordförande

Sidan uppdaterades 2025-03-04"""
    gone = dropped(page)
    for line in ("Polisen", "Aktuellt", "Utsatt för brott", "Kontakta Polisen", "Lyssna"):
        assert line in gone, line
    for line in ("Medborgarlöfte för Exby kommun 2025", "Exby den 3 mars 2025", "Anna Berg"):
        assert line not in gone, line


def test_a_markdown_copy_loses_its_menu_of_links(tmp_path: Path) -> None:
    page = """[Till huvudinnehåll](#main)

* [Nyheter](https://example.se/nyheter)
* [Kontakt](https://example.se/kontakt)
* [Sök](https://example.se/sok)

Start › Trygghet › Samverkan

# Samverkansöverenskommelse för Tryggby 2024–2027

Överenskommelsen gäller från och med 2024 till och med 2027.

## Läs också

* [Lägesbild 2023](https://example.se/lagesbild)
* [Handlingsplan](https://example.se/plan)

[Till toppen](#top)
"""
    text, warnings = read(tmp_path, page, ".md")
    assert text.startswith("Samverkansöverenskommelse för Tryggby 2024–2027")
    assert text.endswith("Överenskommelsen gäller från och med 2024 till och med 2027.")
    assert any(w.startswith("dropped 9 line(s)") for w in warnings), warnings


def test_content_in_the_middle_stays_even_when_short(tmp_path: Path) -> None:
    """Only whole-line matches are dropped in the middle of a text; short lines that are
    not chrome by pattern (a heading, list items) stay, and no warning is given."""
    agreement = """Samverkansöverenskommelse

Kontakt
Kommunens samordnare är kontaktperson för överenskommelsen.

Relaterade dokument
Lägesbild 2024
Handlingsplan mot våld

Sök stöd hos kommunen
- Dela information mellan parterna varje månad.
- Skriv ut lägesbilden inför varje möte.
"""
    text, warnings = read(tmp_path, agreement)
    for line in agreement.splitlines():
        line = line.lstrip("- ")
        if line:
            assert line in text, line
    assert not any(CHROME_WARNING in w for w in warnings)


def test_every_seed_and_test_agreement_keeps_every_line() -> None:
    """Documents without chrome lose nothing."""
    from tests.conftest import all_text_documents

    for path in all_text_documents():
        if path.suffix not in (".txt", ".md"):
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        assert dropped(text) == [], path.name


def test_the_patterns_live_in_data() -> None:
    from importlib import resources

    data = resources.files("samverkan_extract.data").joinpath("boilerplate.toml").read_text()
    assert "[lines]" in data and "link_list_headings" in data
    assert boilerplate().short_words >= 4


def test_a_web_page_pasted_into_word_loses_its_chrome(tmp_path: Path) -> None:
    """In a DOCX each paragraph is a block: the same rule drops the menu, cookie notice
    and breadcrumbs above the content and the list of links under it, keeps the title
    and the signatures, and lays the text out again so every block's offsets hold. The
    site's name, a paragraph of its own between the skip link and the menu, goes with
    them."""
    docx = pytest.importorskip("docx")
    word = docx.Document()
    for line in ("Till innehållet", "Arboga kommun", "Meny", "Sök", "Vi använder kakor"):
        word.add_paragraph(line)
    word.add_paragraph("Startsida / Trygghet / Medborgarlöfte")
    word.add_heading("Medborgarlöfte för Arboga 2025", level=1)
    word.add_paragraph("Arboga kommun och Polisen lovar att arbeta mot otrygghet i centrum.")
    word.add_paragraph("Eva Strand, kommunstyrelsens ordförande")
    word.add_paragraph("Relaterade länkar")
    for link in ("Trygghetsvandringar", "Grannsamverkan", "Kontakta polisen"):
        word.add_paragraph(link, style="List Bullet")
    path = tmp_path / "page.docx"
    word.save(path)
    document = read_document(path)
    assert document.text.startswith("Medborgarlöfte för Arboga 2025")
    assert "Eva Strand, kommunstyrelsens ordförande" in document.text
    for gone in ("Till innehållet", "Meny", "Sök", "kakor", "Startsida", "Relaterade länkar"):
        assert gone not in document.text
    assert "Grannsamverkan" not in document.text
    assert any(CHROME_WARNING in w for w in document.warnings)
    assert [document.block_text(b) for b in document.blocks] == document.text.split("\n\n")


def test_a_text_that_is_nothing_but_chrome_is_kept(tmp_path: Path) -> None:
    """Lines every one of which a web page could carry ("X", a share link's name) are no
    web page when nothing else is there: the text is read as it is."""
    text, warnings = read(tmp_path, "X\nÄlmhult\n")
    assert text == "X\nÄlmhult"
    assert not any(CHROME_WARNING in w for w in warnings)

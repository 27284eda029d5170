"""The DOCX reader, on agreements rendered with ``tests/fixtures/render.py`` and on
small documents built here with python-docx.

* parity: every seed and every own test agreement, rendered to DOCX, scores (micro-F1
  against its gold record) no more than 0.02 below the same agreement read as TXT/MD,
  and every evidence quote is ``text[start:end]`` of the read document;
* side-by-side signature blocks in a borderless table (2 and 3 columns, one or two
  rows) give each person their own name, title and organisation;
* what ``readers/docx/`` promises: header and footer read once each, without page
  numbers, and never taken for body values; tables one cell per block with merged
  cells once; headings from the paragraph style, outline level or a short all-bold
  line; list items from numbering or a List style; content controls, tracked
  insertions in and deletions out, text boxes after their paragraph; body order.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from samverkan_extract import extract
from samverkan_extract.document import Document
from samverkan_extract.evaluate import Counts
from samverkan_extract.readers import read_document
from tests.fixtures.scoring import documents, evidences, micro, score_diff
from tests.fixtures.signatures import (
    BODY,
    PERSONS,
    SIGNATURE_LAYOUTS,
    SIGNED,
    assert_signatories,
    parties_sentence,
    signature_agreement,
)

docx = pytest.importorskip("docx")

from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402

from tests.fixtures import render  # noqa: E402

PARITY_MARGIN = 0.02


DOCS = documents()
SOURCES = {src.stem: src for src, _ in DOCS}
GOLD = {src.stem: gold for src, gold in DOCS}
STEMS = list(SOURCES)


def texts(document: Document, *kinds: str) -> list[str]:
    return [document.block_text(b) for b in document.blocks if not kinds or b.kind in kinds]


# --------------------------------------------------------------------------------------
# 1. parity with the text
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def rendered_docx(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("docx")
    return {stem: render.render_docx(src, out / f"{stem}.docx") for stem, src in SOURCES.items()}


@pytest.fixture(scope="session")
def text_scores() -> dict[str, tuple[float, dict[str, Counts]]]:
    return {
        stem: micro(json.loads(GOLD[stem].read_text("utf-8")), extract(src).to_dict())
        for stem, src in SOURCES.items()
    }


@functools.cache
def document_of(path: Path) -> Document:
    return read_document(path)


@pytest.mark.parametrize("stem", STEMS)
def test_docx_scores_as_well_as_its_text(
    stem: str, rendered_docx: dict[str, Path], text_scores: dict[str, Any]
) -> None:
    path = rendered_docx[stem]
    record = extract(path)
    assert record.source.format == "docx"
    assert record.source.ocr is False and record.source.pages is None
    gold = json.loads(GOLD[stem].read_text("utf-8"))
    f1, scores = micro(gold, record.to_dict())
    f1_text, text_fields = text_scores[stem]
    assert f1 >= f1_text - PARITY_MARGIN, (
        f"{stem}.docx micro-F1 {f1:.3f} vs {f1_text:.3f} as text\n"
        + score_diff(text_fields, scores)
    )
    text = document_of(path).text
    found = list(evidences(record.to_dict()))
    assert found
    for where, ev in found:
        assert text[ev["start"] : ev["end"]] == ev["text"], where
        assert ev["page"] is None, where  # a DOCX has no pages to point at


@pytest.mark.parametrize("stem", STEMS)
def test_rendered_docx_header_once_and_no_page_number_footer(
    stem: str, rendered_docx: dict[str, Path]
) -> None:
    """The fixture puts "Samverkansöverenskommelse" (or the agreement's letterhead) in
    the header and "Sida {PAGE} av {NUMPAGES}" in the footer: each header is one block,
    first; the footer has nothing but page numbering, so it leaves nothing."""
    document = document_of(rendered_docx[stem])
    assert document.blocks[0].kind == "header"
    first, rest = render.page_headers(render.parse_file(SOURCES[stem]))
    expected = {"\n".join(" ".join(x.split()) for x in lines) for lines in (first, rest)}
    assert sorted(texts(document, "header")) == sorted(expected)
    assert texts(document, "footer") == []
    source = render.plain_text(render.parse_file(SOURCES[stem]))
    assert document.text.count("Sida") == source.count("Sida")  # no "Sida 1 av 1" added
    assert render.HEADER_TEXT not in texts(document, "heading", "paragraph", "table_cell")


# --------------------------------------------------------------------------------------
# 2. side-by-side signature blocks
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", SIGNATURE_LAYOUTS)
def test_docx_side_by_side_signature_table(tmp_path: Path, layout: str) -> None:
    n, columns, per_block = SIGNATURE_LAYOUTS[layout]
    persons = PERSONS[:n]
    src = tmp_path / "agreement.txt"
    src.write_text(signature_agreement(persons, date_per_block=per_block), encoding="utf-8")
    path = render.render_docx(src, tmp_path / "agreement.docx")
    table = docx.Document(str(path)).tables[-1]
    assert len(table.columns) == columns and len(table.rows) == n // columns
    assert table.cell(0, 0).text.count(persons[0][0]) == 1
    document = read_document(path)
    cells = [b for b in document.blocks if b.kind == "table_cell"]
    assert [(b.row, b.col) for b in cells] == [(k // columns, k % columns) for k in range(n)]
    assert_signatories(extract(path), persons)


def test_docx_hand_made_signature_table_with_signature_lines(tmp_path: Path) -> None:
    """A 3-column table as people make it in Word: a line to sign on, then name, title
    and organisation as paragraphs of the cell, place and date in the cell's top."""
    persons = PERSONS[:3]
    d = docx.Document()
    for line in BODY.format(parties=parties_sentence(persons)).strip().split("\n\n"):
        d.add_paragraph(line)
    table = d.add_table(rows=1, cols=3)
    for k, (name, title, org) in enumerate(persons):
        cell = table.cell(0, k)
        cell.paragraphs[0].text = SIGNED
        for line in ("", "_______________________", name, title, org):
            cell.add_paragraph(line)
    path = tmp_path / "signed.docx"
    d.save(str(path))
    assert_signatories(extract(path), persons)


def side_by_side(persons: list[tuple[str, str, str]], gap: str) -> list[str]:
    """Name, title and organisation lines of signature blocks typed side by side, the
    columns set apart by tabs ("\t\t") or aligned with spaces (" ")."""
    rows = [[person[k] for person in persons] for k in range(3)]
    if gap == " ":
        width = max(len(x) for row in rows for x in row) + 4
        return ["".join(x.ljust(width) for x in row).rstrip() for row in rows]
    return [gap.join(row) for row in rows]


@pytest.mark.parametrize(
    "layout", ["tab_paragraphs", "space_paragraphs", "tab_line_breaks", "layout_table"]
)
def test_docx_signature_blocks_typed_side_by_side(tmp_path: Path, layout: str) -> None:
    """Signature blocks typed side by side in Word, columns set apart by tabs or runs
    of spaces: one paragraph a line, one paragraph with line breaks, or paragraphs in a
    one-cell layout table. Each line's columns are table cells (as the text reader reads
    such lines), so each person keeps their own title and organisation."""
    persons = PERSONS[:3]
    d = docx.Document()
    for line in BODY.format(parties=parties_sentence(persons)).strip().split("\n\n"):
        d.add_paragraph(line)
    d.add_paragraph(SIGNED)
    lines = side_by_side(persons, " " if layout == "space_paragraphs" else "\t\t")
    if layout == "tab_line_breaks":
        d.add_paragraph("\n".join(lines))
    elif layout == "layout_table":
        cell = d.add_table(rows=1, cols=1).cell(0, 0)
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    else:
        for line in lines:
            d.add_paragraph(line)
    path = tmp_path / "typed.docx"
    d.save(str(path))
    document = read_document(path)
    cells = [(b.row, b.col, document.block_text(b)) for b in document.blocks if b.table == 0]
    assert cells == [(r, c, persons[c][r]) for r in range(3) for c in range(3)]
    assert_signatories(extract(path), persons)


def test_docx_items_typed_with_tabs_are_no_columns(tmp_path: Path) -> None:
    """A numbered list typed with a tab after each number, and a line or two with a tab
    inside, stay paragraphs."""
    d = docx.Document()
    d.add_paragraph("Prioriterade områden", style="Heading 1")
    for line in ("1.\tNarkotika bland unga", "2.\tVåld i nära relationer", "3.\tTrafik"):
        d.add_paragraph(line)
    d.add_paragraph("Kontaktperson:\tAnna Berg")
    d.add_paragraph("Överenskommelsen gäller från den 1 januari 2025.")
    path = tmp_path / "items.docx"
    d.save(str(path))
    document = read_document(path)
    assert not [b for b in document.blocks if b.kind == "table_cell"]
    assert texts(document, "paragraph")[:3] == [
        "1. Narkotika bland unga",
        "2. Våld i nära relationer",
        "3. Trafik",
    ]


def test_docx_columns_in_a_table_cell_are_a_table_of_their_own() -> None:
    """A cell of a grid whose lines hold columns: the lines before stay the cell, the
    columns become a table numbered after it, and the tables after move up one."""
    from samverkan_extract.readers.docx.blocks import Pending, columns_as_tables

    cell = Pending(
        "table_cell",
        ["Ort och datum", "Anna Berg Per Holm", "Kommundirektör Lokalpolisområdeschef"],
        keep_breaks=True,
        table=2,
        row=1,
        col=0,
        raw=["Ort och datum", "Anna Berg\tPer Holm", "Kommundirektör\tLokalpolisområdeschef"],
    )
    blocks, next_table = columns_as_tables([cell], 3)
    assert next_table == 4
    assert [(b.table, b.row, b.col, b.lines) for b in blocks] == [
        (2, 1, 0, ["Ort och datum"]),
        (3, 0, 0, ["Anna Berg"]),
        (3, 0, 1, ["Per Holm"]),
        (3, 1, 0, ["Kommundirektör"]),
        (3, 1, 1, ["Lokalpolisområdeschef"]),
    ]


# --------------------------------------------------------------------------------------
# 4. what the DOCX reader promises, on documents built here
# --------------------------------------------------------------------------------------

TITLE = "Överenskommelse om samverkan för ökad trygghet i Alingsås 2025–2027"
PARTY_ROWS = [
    ("Part", "Organisationsnummer", "Adress"),
    ("Alingsås kommun", "212000-1405", "Stora torget 1, 441 30 Alingsås"),
    ("Polismyndigheten, lokalpolisområde Alingsås", "202100-0076", "Box 123, 441 21 Alingsås"),
]
HEADER_LINES = ["Samverkansöverenskommelse", "Dnr KS 2024/815"]
FOOTER_LINE = "Trygghetsenheten, Lerums kommun"


def add_field(paragraph: Any, instr: str, shown: str) -> None:
    """A complex field (begin, code, separate, shown result, end), as Word writes it."""
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}><w:t>{shown}</w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml))


def fill_header_and_footer(section: Any) -> None:
    header = section.header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = HEADER_LINES[0]
    header.add_paragraph(HEADER_LINES[1])
    footer = section.footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].text = FOOTER_LINE
    numbers = footer.add_paragraph("Sida ")
    add_field(numbers, "PAGE", "1")
    numbers.add_run(" av ")
    add_field(numbers, "NUMPAGES", "2")


def agreement_docx(path: Path) -> Path:
    """A whole small agreement: a running header with a reference number, a footer with
    page numbers, a title, a party table, a period, a forum, priorities as a list, and a
    signature table; and a second section that repeats the header and footer."""
    d = docx.Document()
    fill_header_and_footer(d.sections[0])
    d.add_paragraph(TITLE, style="Title")
    d.add_paragraph("Parter", style="Heading 1")
    table = d.add_table(rows=len(PARTY_ROWS), cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(PARTY_ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("Giltighetstid", style="Heading 1")
    d.add_paragraph("Överenskommelsen gäller från den 1 januari 2025 till den 31 december 2027.")
    d.add_paragraph("Samverkan", style="Heading 1")
    d.add_paragraph(
        "Kommunen och polisen träffas i styrgruppen fyra gånger per år och tar varje år "
        "fram en gemensam lägesbild."
    )
    d.add_paragraph("Prioriterade områden", style="Heading 1")
    for item in ("Unga i riskzon", "Narkotika", "Våld i nära relationer"):
        d.add_paragraph(item, style="List Bullet")
    fill_header_and_footer(d.add_section())
    d.add_paragraph("Uppföljning", style="Heading 1")
    d.add_paragraph("Överenskommelsen följs upp årligen i styrgruppen.")
    d.add_paragraph(SIGNED)
    signatures = d.add_table(rows=1, cols=2)
    for k, (name, title, org) in enumerate(PERSONS[:2]):
        cell = signatures.cell(0, k)
        for line in (name, title, org):
            cell.add_paragraph(line)
    d.save(str(path))
    return path


def test_docx_header_and_footer_are_read_once_without_page_numbers(tmp_path: Path) -> None:
    document = read_document(agreement_docx(tmp_path / "a.docx"))
    # two sections, each with its own header and footer part of the same text: once each
    assert texts(document, "header") == ["\n".join(HEADER_LINES)]
    assert texts(document, "footer") == [FOOTER_LINE]
    assert document.blocks[0].kind == "header" and document.blocks[-1].kind == "footer"
    assert "Sida" not in document.text  # "Sida {PAGE} av {NUMPAGES}" leaves nothing
    body = "\n".join(texts(document, "heading", "paragraph", "list_item", "table_cell"))
    for line in [*HEADER_LINES, FOOTER_LINE]:
        assert line not in body
    assert document.text.count(HEADER_LINES[1]) == 1


def test_docx_header_and_footer_do_not_leak_into_body_values(tmp_path: Path) -> None:
    path = agreement_docx(tmp_path / "a.docx")
    document = read_document(path)
    record = extract(path)
    assert record.title is not None and record.title.value == TITLE
    assert record.period is not None
    assert (record.period.start, record.period.end) == ("2025-01-01", "2027-12-31")
    # the footer names Lerums kommun: not a party, not a municipality
    assert {p.name for p in record.parties if p.kind == "municipality"} == {"Alingsås kommun"}
    assert [m.code for m in record.municipalities] == ["1489"]
    assert [s.name for s in record.signatories] == [p[0] for p in PERSONS[:2]]
    # a reference number printed in the running header is not lost
    assert "KS 2024/815" in [r.value for r in record.reference_numbers]
    dump = record.to_dict()
    for where, ev in evidences(dump):
        block = document.block_at(ev["start"])
        assert block is not None, where
        if where.startswith("$.reference_numbers"):
            continue
        assert block.kind not in ("header", "footer"), f"{where} taken from the {block.kind}"


def test_docx_party_table_gives_the_parties_with_org_numbers(tmp_path: Path) -> None:
    path = agreement_docx(tmp_path / "a.docx")
    document = read_document(path)
    cells = [b for b in document.blocks if b.kind == "table_cell" and b.table == 0]
    assert [document.block_text(b) for b in cells] == [v for row in PARTY_ROWS for v in row]
    assert [(b.row, b.col) for b in cells] == [(r, c) for r in range(3) for c in range(3)]
    parties = {p.kind: p for p in extract(path).parties}
    assert set(parties) == {"municipality", "police"}
    kommun, police = parties["municipality"], parties["police"]
    assert kommun.name == "Alingsås kommun" and kommun.municipality_code == "1489"
    assert kommun.org_number == "212000-1405"
    assert kommun.address == "Stora torget 1, 441 30 Alingsås"
    assert police.police_area == "Alingsås" and police.org_number == "202100-0076"
    assert police.address == "Box 123, 441 21 Alingsås"
    # the same table as a Markdown table gives the same parties
    md = tmp_path / "a.md"
    md.write_text(
        f"# {TITLE}\n\n## Parter\n\n"
        + "\n".join("| " + " | ".join(row) + " |" for row in PARTY_ROWS[:1])
        + "\n|---|---|---|\n"
        + "\n".join("| " + " | ".join(row) + " |" for row in PARTY_ROWS[1:])
        + "\n\n## Giltighetstid\n\nÖverenskommelsen gäller från den 1 januari 2025 till den "
        "31 december 2027.\n\nKommunen och polisen träffas i styrgruppen fyra gånger per år.\n",
        encoding="utf-8",
    )

    def party_dicts(p: Any) -> dict[str, Any]:
        return {k: v for k, v in p.model_dump(mode="json").items() if k != "evidence"}

    assert [party_dicts(p) for p in extract(md).parties] == [
        party_dicts(p) for p in extract(path).parties
    ]


def test_docx_merged_cells_are_read_once(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=4, cols=3)
    t.style = "Table Grid"
    t.cell(0, 0).text = "Forum"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "Mötesfrekvens och ansvar"  # across
    t.cell(1, 0).merge(t.cell(3, 0)).text = "Lokala brottsförebyggande rådet"  # down
    for r, (often, who) in enumerate(
        [("Fyra gånger per år", "Kommunen"), ("Vid behov", "Polisen"), ("Årligen", "Båda")], 1
    ):
        t.cell(r, 1).text = often
        t.cell(r, 2).text = who
    d.add_paragraph("Efter tabellen.")
    path = tmp_path / "merged.docx"
    d.save(str(path))
    # python-docx itself repeats a merged cell in every grid position it covers
    assert [c.text for c in t.rows[0].cells].count("Mötesfrekvens och ansvar") == 2
    document = read_document(path)
    assert document.text.count("Mötesfrekvens och ansvar") == 1
    assert document.text.count("Lokala brottsförebyggande rådet") == 1
    cells = [(b.row, b.col, document.block_text(b)) for b in document.blocks if b.table == 0]
    assert cells == [
        (0, 0, "Forum"),
        (0, 1, "Mötesfrekvens och ansvar"),
        (1, 0, "Lokala brottsförebyggande rådet"),
        (1, 1, "Fyra gånger per år"),
        (1, 2, "Kommunen"),
        (2, 1, "Vid behov"),
        (2, 2, "Polisen"),
        (3, 1, "Årligen"),
        (3, 2, "Båda"),
    ]
    assert all(b.kind == "table_cell" for b in document.blocks if b.table == 0)
    assert texts(document)[-1] == "Efter tabellen."


def test_docx_headings_come_from_styles_outline_levels_and_bold_lines(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Samverkansöverenskommelse 2025–2027", style="Title")
    d.add_paragraph("Bakgrund", style="Heading 1")
    d.add_paragraph("Lokala förhållanden", style="Heading 2")
    d.styles.add_style("Rubrik 1", WD_STYLE_TYPE.PARAGRAPH)
    d.add_paragraph("Syfte och mål", style="Rubrik 1")
    outlined = d.add_paragraph("Organisation")
    outlined._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="1"/>'))
    d.add_paragraph().add_run("Prioriterade områden").bold = True
    d.add_paragraph().add_run("Parter:").bold = True
    d.add_paragraph().add_run(
        "Hela denna mening är fet men den är en vanlig mening i avtalet och ingen rubrik, "
        "eftersom den är lång och slutar med punkt."
    ).bold = True
    d.add_paragraph("En vanlig mening i brödtexten.")
    path = tmp_path / "headings.docx"
    d.save(str(path))
    document = read_document(path)
    got = [(b.kind, b.level, document.block_text(b)) for b in document.blocks]
    assert got == [
        ("heading", 1, "Samverkansöverenskommelse 2025–2027"),
        ("heading", 2, "Bakgrund"),
        ("heading", 3, "Lokala förhållanden"),
        ("heading", 2, "Syfte och mål"),
        ("heading", 3, "Organisation"),
        ("heading", 4, "Prioriterade områden"),
        ("label", 0, "Parter:"),
        (
            "paragraph",
            0,
            "Hela denna mening är fet men den är en vanlig mening i avtalet och ingen rubrik, "
            "eftersom den är lång och slutar med punkt.",
        ),
        ("paragraph", 0, "En vanlig mening i brödtexten."),
    ]


def _set_numbering(paragraph: Any, num_id: int | str, level: int = 0) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def test_docx_list_items_come_from_numbering_and_list_styles(tmp_path: Path) -> None:
    d = docx.Document()
    bullet_id = d.styles["List Bullet"].element.pPr.numPr.numId.val
    number_id = d.styles["List Number"].element.pPr.numPr.numId.val
    d.add_paragraph("Parterna prioriterar:")
    d.add_paragraph("Unga i riskzon", style="List Bullet")
    d.add_paragraph("Narkotika", style="List Bullet 2")
    d.add_paragraph("Lägesbild", style="List Number")
    d.add_paragraph("Åtgärdsplan", style="List Number")
    _set_numbering(d.add_paragraph("Otrygga platser"), bullet_id)
    _set_numbering(d.add_paragraph("Uppföljning"), number_id)
    d.add_paragraph("• Trafiksäkerhet")
    removed = d.add_paragraph("Inte längre en punkt", style="List Bullet")
    _set_numbering(removed, 0)  # numId 0: numbering switched off
    d.add_paragraph("Vanlig text.")
    path = tmp_path / "lists.docx"
    d.save(str(path))
    document = read_document(path)
    got = [(b.kind, b.level, document.block_text(b)) for b in document.blocks]
    # level 0: a bullet, level 1: a numbered item; the number itself is not text
    assert got == [
        ("paragraph", 0, "Parterna prioriterar:"),
        ("list_item", 0, "Unga i riskzon"),
        ("list_item", 0, "Narkotika"),
        ("list_item", 1, "Lägesbild"),
        ("list_item", 1, "Åtgärdsplan"),
        ("list_item", 0, "Otrygga platser"),
        ("list_item", 1, "Uppföljning"),
        ("list_item", 0, "Trafiksäkerhet"),
        ("paragraph", 0, "Inte längre en punkt"),
        ("paragraph", 0, "Vanlig text."),
    ]


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_docx_content_controls_tracked_changes_and_text_boxes(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Samverkansöverenskommelse", style="Title")
    sect = d.element.body.find(qn("w:sectPr"))
    sect.addprevious(
        parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="Syfte"/></w:sdtPr><w:sdtContent>'
            "<w:p><w:r><w:t>Syftet är att minska brottsligheten i Alingsås.</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        )
    )
    sect.addprevious(
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
            "<w:p><w:r><w:t>Klicka här för att ange text.</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        )
    )
    tracked = d.add_paragraph()
    for xml in (
        f'<w:r {nsdecls("w")}><w:t xml:space="preserve">Parterna träffas </w:t></w:r>',
        f'<w:ins {nsdecls("w")} w:id="1" w:author="A"><w:r>'
        '<w:t xml:space="preserve">fyra gånger per år </w:t></w:r></w:ins>',
        f'<w:del {nsdecls("w")} w:id="2" w:author="A"><w:r>'
        '<w:delText xml:space="preserve">två gånger per år </w:delText></w:r></w:del>',
        f"<w:r {nsdecls('w')}><w:t>i styrgruppen.</w:t></w:r>",
    ):
        tracked._p.append(parse_xml(xml))
    anchor = d.add_paragraph("Lägesbilden tas fram årligen.")
    anchor._p.append(
        parse_xml(
            f'<w:r xmlns:w="{W_NS}"><w:drawing>'
            '<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
            'wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/'
            'drawingml/2006/main"><a:graphicData uri="http://schemas.microsoft.com/office/'
            'word/2010/wordprocessingShape"><wps:wsp xmlns:wps="http://schemas.microsoft.com/'
            'office/word/2010/wordprocessingShape"><wps:txbx><w:txbxContent><w:p><w:r>'
            "<w:t>Faktaruta: trygghetsmätningen görs varje höst.</w:t></w:r></w:p>"
            "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:inline>"
            "</w:drawing></w:r>"
        )
    )
    d.add_paragraph("Efter rutan.")
    path = tmp_path / "controls.docx"
    d.save(str(path))
    # the placeholder control ("Klicka här ...") and the deleted words are not text; the
    # text box follows the paragraph that anchors it
    assert texts(read_document(path)) == [
        "Samverkansöverenskommelse",
        "Syftet är att minska brottsligheten i Alingsås.",
        "Parterna träffas fyra gånger per år i styrgruppen.",
        "Lägesbilden tas fram årligen.",
        "Faktaruta: trygghetsmätningen görs varje höst.",
        "Efter rutan.",
    ]


def test_docx_body_reads_in_document_order(tmp_path: Path) -> None:
    """Paragraphs and tables interleaved come back in the order of the document, each
    block at its place in the text."""
    d = docx.Document()
    d.add_paragraph("Första stycket.")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "A1", "B1"
    d.add_paragraph("Andra stycket.")
    t = d.add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            t.cell(r, c).text = f"{'AB'[c]}{r + 2}"
    d.add_paragraph("Sista stycket.")
    path = tmp_path / "order.docx"
    d.save(str(path))
    document = read_document(path)
    assert texts(document) == [
        "Första stycket.",
        "A1",
        "B1",
        "Andra stycket.",
        "A2",
        "B2",
        "A3",
        "B3",
        "Sista stycket.",
    ]
    assert [b.table for b in document.blocks] == [None, 0, 0, None, 1, 1, 1, 1, None]
    starts = [b.start for b in document.blocks]
    assert starts == sorted(starts)
    assert document.text == "\n\n".join(texts(document))


def test_numbered_titles_ended_with_line_breaks(tmp_path: Path) -> None:
    """Titles typed at the head of a paragraph, each ended with a line break: every one
    is a heading, and a title over a sentence is a heading over a paragraph; the text,
    and so every offset, stays as it was."""
    docx = pytest.importorskip("docx")
    word = docx.Document()
    for lines in (
        ["3 Prioriterade områden", "3.1 Narkotika bland unga", "3.2 Otrygga platser"],
        ["4 Samverkansforum"],
        ["4.1 Gävle brå", "Rådet sammanträder fyra gånger per år under ledning av kommunen."],
        ["5 Parterna ska följa upp", "arbetet varje år."],
        ["Prioriteringar", "Parterna har enats om följande prioriteringar:"],
        ["Kontaktpersoner", "Anna Ek och Per Berg svarar på frågor om avtalet."],
    ):
        run = word.add_paragraph().add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
    path = tmp_path / "titles.docx"
    word.save(path)
    document = read_document(path)
    blocks = [(b.kind, b.level, document.block_text(b)) for b in document.blocks]
    assert blocks[:6] == [
        ("heading", 1, "3 Prioriterade områden"),
        ("heading", 2, "3.1 Narkotika bland unga"),
        ("heading", 2, "3.2 Otrygga platser"),
        ("paragraph", 0, "4 Samverkansforum"),
        ("heading", 2, "4.1 Gävle brå"),
        ("paragraph", 0, "Rådet sammanträder fyra gånger per år under ledning av kommunen."),
    ]
    assert blocks[6][0] == "paragraph"  # a title going on in lower case is a sentence
    assert blocks[7:] == [
        ("heading", 2, "Prioriteringar"),  # unnumbered, but it names a section
        ("paragraph", 0, "Parterna har enats om följande prioriteringar:"),
        ("paragraph", 0, "Kontaktpersoner\nAnna Ek och Per Berg svarar på frågor om avtalet."),
    ]

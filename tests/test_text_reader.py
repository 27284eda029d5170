"""The text reader: encodings, markup, headings, running headers, hyphenation."""

from __future__ import annotations

from pathlib import Path

import pytest

from samverkan_extract.errors import InputError
from samverkan_extract.readers import read_document

BODY = (
    "## Samverkansöverenskommelse för Åre kommun\n\n"
    "Parterna ska arbeta brottsföre-\nbyggande och trygghetsskapande i hela kommunen, "
    "med **särskilt** fokus på <b>ungdomar</b>.\n\n"
    "- Lokala brottsförebyggande rådet\n- Styrgrupp\n"
)


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "utf-16-le"])
def test_encodings_keep_swedish_letters(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(BODY.encode(codec))
    doc = read_document(path)
    assert "Åre kommun" in doc.text
    assert "brottsförebyggande" in doc.text  # hyphenation across the line joined
    assert "**" not in doc.text and "<b>" not in doc.text and "##" not in doc.text


def test_mixed_encodings_warn(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        "Överenskommelse för Växjö\n".encode() + "Styrgruppen träffas.\n".encode("cp1252")
    )
    doc = read_document(path)
    assert "Växjö" in doc.text
    path.write_bytes("Överenskommelse\n".encode() + "Växjö kommun\n".encode("cp1252"))
    doc = read_document(path)
    assert "Växjö kommun" in doc.text and any("mixed" in w for w in doc.warnings)


def test_blocks_and_headings(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(BODY, encoding="utf-8")
    doc = read_document(path)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "paragraph", "list_item", "list_item"]
    assert doc.block_text(doc.blocks[2]) == "Lokala brottsförebyggande rådet"


def test_plain_text_headings_and_page_noise(tmp_path: Path) -> None:
    text = (
        "Samverkan Mora\n\nGILTIGHETSTID\n\nÖverenskommelsen gäller från och med 2024-01-01 "
        "till och med 2026-12-31 för båda parterna.\n\nSida 1 av 2\n\f"
        "Samverkan Mora\n\n2.1 Prioriterade områden\n\nParterna prioriterar arbetet mot "
        "narkotika och våld i nära relationer.\n\nSida 2 av 2\n"
    )
    path = tmp_path / "b.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    headings = [doc.block_text(b) for b in doc.blocks if b.kind == "heading"]
    assert headings == ["GILTIGHETSTID", "2.1 Prioriterade områden"]
    assert "Sida" not in doc.text
    assert doc.text.count("Samverkan Mora") == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", "empty file"), (b"   \n\n", "empty file"), (bytes(range(256)) * 8, "binary data")],
)
def test_bad_text_is_one_clear_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem):
        read_document(path)


def test_a_space_aligned_table_with_wrapped_cells(tmp_path: Path) -> None:
    """A cell of a later column wrapped onto a line of its own goes on in that cell (a
    word broken at a hyphen joined again); a cell typed two spaces short of its column
    is still two cells."""
    path = tmp_path / "t.txt"
    path.write_text(
        "Forum\n\n"
        "   Ledningsgrupp        Kommunchefen och lokalpolis-      fyra gånger per år\n"
        "                        områdeschefen\n"
        "   Tierps trygghetsråd  Tierps kommun och polisen         varje tertial\n"
        "   SSPF                 Socialtjänsten, skolan,           vid behov\n"
        "                        polisen\n",
        encoding="utf-8",
    )
    document = read_document(path)
    cells = [
        (b.row, b.col, document.block_text(b)) for b in document.blocks if b.kind == "table_cell"
    ]
    assert cells == [
        (0, 0, "Ledningsgrupp"),
        (0, 1, "Kommunchefen och lokalpolisområdeschefen"),
        (0, 2, "fyra gånger per år"),
        (1, 0, "Tierps trygghetsråd"),
        (1, 1, "Tierps kommun och polisen"),
        (1, 2, "varje tertial"),
        (2, 0, "SSPF"),
        (2, 1, "Socialtjänsten, skolan, polisen"),
        (2, 2, "vid behov"),
    ]


def test_tables_drawn_in_ascii(tmp_path: Path) -> None:
    """A table drawn with '+---+' borders: its rows are rows, not columns of spaces; a
    line with an empty first cell goes on in the row above, and where a border stands
    between every two rows, the lines between two borders are one row."""
    path = tmp_path / "t.txt"
    path.write_text(
        "Underskrifter\n\n"
        "+--------------+-----------------------+-------------------+\n"
        "| Namn         | Befattning            | Ort och datum     |\n"
        "+==============+=======================+===================+\n"
        "| Lena Ek      | Kommunstyrelsens      | Sala 2024-02-01   |\n"
        "|              | ordförande            |                   |\n"
        "| Olof Berg    | Lokalpolisområdes-    | Västerås          |\n"
        "|              | chef                  | 2024-02-05        |\n"
        "+--------------+-----------------------+-------------------+\n\n"
        "Forum\n\n"
        "+--------------------+-------------------+\n"
        "| Forum              | Möten             |\n"
        "+====================+===================+\n"
        "| Trygghetsrådet     | fyra gånger       |\n"
        "|                    | per år            |\n"
        "+--------------------+-------------------+\n"
        "| Polisens           | varje vecka       |\n"
        "| lägesbildsmöte     |                   |\n"
        "+--------------------+-------------------+\n",
        encoding="utf-8",
    )
    document = read_document(path)
    tables: dict[int, list[list[str]]] = {}
    for b in document.blocks:
        if b.kind == "table_cell" and b.table is not None and b.row is not None:
            rows = tables.setdefault(b.table, [])
            while len(rows) <= b.row:
                rows.append([])
            rows[b.row].append(document.block_text(b))
    assert tables == {
        0: [
            ["Namn", "Befattning", "Ort och datum"],
            ["Lena Ek", "Kommunstyrelsens\nordförande", "Sala 2024-02-01"],
            ["Olof Berg", "Lokalpolisområdeschef", "Västerås\n2024-02-05"],
        ],
        1: [
            ["Forum", "Möten"],
            ["Trygghetsrådet", "fyra gånger\nper år"],
            ["Polisens\nlägesbildsmöte", "varje vecka"],
        ],
    }


def test_a_numbered_title_over_a_list_numbered_in_another_style(tmp_path: Path) -> None:
    """ "4. Prioriterade områden" over "1) Narkotika" ...: the list restarts in another
    style, so the line above is a title, and so is "5. Samverkansforum" after it."""
    path = tmp_path / "t.txt"
    path.write_text(
        "3. Utgångspunkter\n\nKommunerna ansvarar enligt lag för att ta fram en lägesbild och "
        "en åtgärdsplan för det brottsförebyggande arbetet.\n\n"
        "4. Prioriterade områden\n\n1) Narkotika\n2) Otrygga platser\n\n"
        "5. Samverkansforum\n\nBrå sammanträder fyra gånger per år och leds av kommunen.\n",
        encoding="utf-8",
    )
    document = read_document(path)
    kinds = [(b.kind, document.block_text(b)) for b in document.blocks]
    assert ("heading", "4. Prioriterade områden") in kinds
    assert ("heading", "5. Samverkansforum") in kinds
    assert [t for k, t in kinds if k == "list_item"] == ["Narkotika", "Otrygga platser"]


def test_a_footer_closing_with_its_page_number(tmp_path: Path) -> None:
    """ "Exby kommun – Polisen   Sida 1 (2)" at each page break is a footer, and the
    letterhead repeated under it a running header: neither is read as a table of two
    columns in the middle of the text."""
    page_break = (
        "\n\nÖrby kommun – Polisen                          Sida {n} (2)\n\n"
        "Örby kommun | Polisen                                  2019-03-01\n\n"
    )
    path = tmp_path / "t.txt"
    path.write_text(
        "Örby kommun | Polisen                                  2019-03-01\n\n"
        "SAMVERKANSÖVERENSKOMMELSE 2019–2021\n\nParterna prioriterar under perioden "
        "följande områden, som lägesbilden pekar ut:"
        + page_break.format(n=1)
        + "- narkotika bland unga,\n- trafiksäkerhet.\n"
        + page_break.format(n=2),
        encoding="utf-8",
    )
    document = read_document(path)
    assert not [b for b in document.blocks if b.kind == "table_cell"]
    assert "Sida" not in document.text
    assert [document.block_text(b) for b in document.blocks if b.kind == "list_item"] == [
        "narkotika bland unga,",
        "trafiksäkerhet.",
    ]

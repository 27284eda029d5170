"""The PDF reader's character source: pypdfium2 measured as pdfminer measures.

The layout was built on pdfplumber's characters and words. pypdfium2 reads them several
times faster; these tests hold it to pdfplumber's measures on the same pages:

* every character of a rendered agreement (TrueType subsets, standard fonts, a scaled
  text matrix) has pdfplumber's text and box (within half a point: PDFium rounds a
  font's fractional widths down, so a line drifts by up to that much) and size;
* the words are pdfplumber's words;
* ruled tables found on PDFium's paths are the tables pdfplumber finds;
* fake bold drawn as a second text object (which PDFium drops) still marks words bold;
* a ligature glyph is one character with both letters;
* a rotated page is read by pdfplumber, as before;
* a scanned page is rendered for OCR with the same pixels as pdfplumber's ``to_image``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

pdfplumber = pytest.importorskip("pdfplumber")
pdfium = pytest.importorskip("pypdfium2")
pytest.importorskip("reportlab")

from samverkan_extract.readers import read_document  # noqa: E402
from samverkan_extract.readers.pdf.chars import page_words  # noqa: E402
from samverkan_extract.readers.pdf.pdfium import PdfiumPage  # noqa: E402
from samverkan_extract.readers.pdf.plumber import plumber_chars, ruled_tables  # noqa: E402
from tests.conftest import TEST_AGREEMENTS  # noqa: E402
from tests.fixtures import render  # noqa: E402

DRIFT = 0.5  # points a character may stand off pdfplumber's along a line


def _pages(path: Path) -> list[tuple[Any, Any]]:
    document = pdfium.PdfDocument(path.read_bytes())
    plumber = pdfplumber.open(path)
    return [(document[k], plumber.pages[k]) for k in range(len(document))]


def _match(ours: list[Any], theirs: list[dict[str, Any]]) -> list[tuple[Any, dict[str, Any]]]:
    """Each of our visible characters with pdfplumber's nearest of the same text."""
    by_text: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in theirs:
        if not c["text"].isspace():
            by_text[c["text"]].append(c)
    pairs = []
    for c in ours:
        if c.text.isspace():
            continue
        near = min(by_text[c.text], key=lambda o: abs(o["x0"] - c.x0) + abs(o["top"] - c.top))
        pairs.append((c, near))
    return pairs


def _canvas(path: Path) -> Any:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), pagesize=A4)


@pytest.fixture(scope="module")
def agreement_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("source")
    return render.render_pdf(TEST_AGREEMENTS / "kalmar_2020.txt", out / "kalmar.pdf")


def test_characters_have_pdfplumbers_text_box_and_size(agreement_pdf: Path) -> None:
    for ours, theirs in _pages(agreement_pdf):
        text = PdfiumPage(ours).text()
        visible = [c for c in text.chars if not c.text.isspace()]
        assert len(visible) == len([c for c in theirs.chars if not c["text"].isspace()])
        for c, o in _match(text.chars, theirs.chars):
            assert abs(c.x0 - o["x0"]) <= DRIFT and abs(c.x1 - o["x1"]) <= DRIFT, (c, o)
            assert abs(c.top - o["top"]) < 0.01 and abs(c.bottom - o["bottom"]) < 0.01, (c, o)
            assert abs(c.size - o["size"]) < 0.01, (c, o)


def test_standard_fonts_and_a_scaled_text_matrix_are_measured_like_pdfminer(
    tmp_path: Path,
) -> None:
    c = _canvas(tmp_path / "standard.pdf")
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, "Helvetica, not embedded: descent from pdfminer's metrics")
    c.setFont("Times-Bold", 14)
    c.drawString(72, 730, "Times-Bold heading")
    c.saveState()
    c.transform(12, 0, 0, 12, 72, 700)
    c.setFont("Courier", 1)
    c.drawString(0, 0, "Courier at size 1, scaled twelve times")
    c.restoreState()
    c.save()
    [(ours, theirs)] = _pages(tmp_path / "standard.pdf")
    text = PdfiumPage(ours).text()
    for char, o in _match(text.chars, theirs.chars):
        assert abs(char.x0 - o["x0"]) < 0.01 and abs(char.x1 - o["x1"]) < 0.01, (char, o)
        assert abs(char.top - o["top"]) < 0.01 and abs(char.bottom - o["bottom"]) < 0.01
        assert abs(char.size - o["size"]) < 0.01
    bold = {w.text for w in page_words(text.chars, text.doubled) if w.bold}
    assert bold == {"Times-Bold", "heading"}


def test_words_are_pdfplumbers_words(agreement_pdf: Path) -> None:
    for ours, theirs in _pages(agreement_pdf):
        text = PdfiumPage(ours).text()
        mine = page_words(text.chars, text.doubled)
        theirs_words = page_words(plumber_chars(theirs)[0])
        assert [w.text for w in mine] == [w.text for w in theirs_words]
        assert [(w.size, w.bold) for w in mine] == [(w.size, w.bold) for w in theirs_words]


def _cells(tables: list[Any]) -> list[Any]:
    """Tables as their rounded boxes and cell boxes (PDFium's coordinates are floats)."""

    def box(b: Any) -> Any:
        return None if b is None else tuple(round(v, 2) for v in b)

    return [(box(t.bbox), [[box(c) for c in row] for row in t.rows]) for t in tables]


def test_ruled_tables_from_pdfium_paths_are_pdfplumbers(tmp_path: Path) -> None:
    # an agreement with a ruled party table and its signature table
    pdf = render.render_pdf(TEST_AGREEMENTS / "boras_2022.md", tmp_path / "tables.pdf")
    found = 0
    for ours, theirs in _pages(pdf):
        mine, expected = PdfiumPage(ours).ruled_tables(), ruled_tables(theirs)
        assert _cells(mine) == _cells(expected)
        found += len(mine)
    assert found >= 2, "the fixture should draw ruled tables"


def test_fake_bold_in_a_second_text_object_marks_words_bold(tmp_path: Path) -> None:
    c = _canvas(tmp_path / "bold.pdf")
    for _ in range(2):  # the same line drawn twice at the same place
        c.setFont("Helvetica", 12)
        c.drawString(72, 760, "Parter")
    c.drawString(72, 730, "Kalmar kommun")
    c.save()
    [(ours, theirs)] = _pages(tmp_path / "bold.pdf")
    text = PdfiumPage(ours).text()
    words = page_words(text.chars, text.doubled)
    assert [(w.text, w.bold) for w in words] == [
        ("Parter", True),
        ("Kalmar", False),
        ("kommun", False),
    ]
    expected = page_words(plumber_chars(theirs)[0])
    assert [(w.text, w.bold) for w in words] == [(w.text, w.bold) for w in expected]


def test_a_ligature_glyph_is_one_character(tmp_path: Path) -> None:
    fonts = render._register_fonts()  # noqa: SLF001
    c = _canvas(tmp_path / "ligature.pdf")
    c.setFont(fonts["serif"], 12)
    c.drawString(72, 760, "Samarbetet ﬁnansieras oﬀentligt")
    c.save()
    [(ours, theirs)] = _pages(tmp_path / "ligature.pdf")
    text = PdfiumPage(ours).text()
    mine = [w.text for w in page_words(text.chars, text.doubled)]
    assert mine == ["Samarbetet", "finansieras", "offentligt"]
    assert mine == [w.text for w in page_words(plumber_chars(theirs)[0])]


def test_a_rotated_page_is_read_upright_by_pdfplumber(tmp_path: Path) -> None:
    """A landscape page made by /Rotate: its text is drawn turned, so that it stands
    upright when the page is shown. pdfminer turns the page; PDFium would see the text
    on its side, so pdfplumber reads such a page."""
    c = _canvas(tmp_path / "rotated.pdf")
    c.setFont("Helvetica", 11)
    c.drawString(72, 760, "Sida 1: samverkan mellan kommun och polis.")
    c.showPage()
    c.setPageRotation(90)
    c.saveState()
    c.rotate(90)  # drawn turned a quarter: upright once the page is shown turned back
    c.setFont("Helvetica", 11)
    c.drawString(72, -100, "Sida 2: samverkan mellan kommun och polis.")
    c.restoreState()
    c.showPage()
    c.save()
    document = read_document(tmp_path / "rotated.pdf")
    assert document.pages == 2
    assert document.text.split("\n\n") == [
        "Sida 1: samverkan mellan kommun och polis.",
        "Sida 2: samverkan mellan kommun och polis.",
    ]
    assert [b.page for b in document.blocks] == [1, 2]


def test_a_scan_is_rendered_with_pdfplumbers_pixels(tmp_path: Path) -> None:
    from samverkan_extract.readers.ocr import RESOLUTION

    pdf = render.render_scanned_pdf(
        TEST_AGREEMENTS / "kalmar_2020.txt", tmp_path / "scan.pdf", seed=1, dpi=100
    )
    [(ours, theirs), *_] = _pages(pdf)
    mine = PdfiumPage(ours).render(RESOLUTION)
    expected = theirs.to_image(resolution=RESOLUTION).original.convert("L")
    assert mine.size == expected.size
    assert mine.tobytes() == expected.tobytes()

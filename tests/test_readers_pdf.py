"""The PDF reader on born-digital PDFs rendered from the text agreements.

* parity: every seed and every own test agreement, rendered to PDF, scores (micro-F1
  against its gold record) no more than 0.02 below the same agreement read as TXT/MD;
* evidence: every evidence quote is ``text[start:end]`` of the read document and its
  page is the page pdfplumber finds that text on;
* side-by-side signature blocks (2 and 3 columns, one or two rows) give each person
  their own name, title and organisation;
* layout: the running header and "Sida N av M" are dropped, line-end hyphenation is
  joined, doubled "fake bold" glyphs are removed, two text columns read column by
  column.

The PDFs are rendered once per session with ``tests/fixtures/render.py``.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from samverkan_extract import Agreement, extract
from samverkan_extract.document import Document
from samverkan_extract.evaluate import Counts
from samverkan_extract.extractors import extract_agreement
from samverkan_extract.readers import read_document
from samverkan_extract.readers.pdf.columns import document_gutters, page_gutters
from samverkan_extract.readers.pdf.lines import group_lines, split_fragments
from samverkan_extract.readers.pdf.model import PageContent, Word
from tests.fixtures.scoring import documents, evidences, micro, score_diff
from tests.fixtures.signatures import (
    PERSONS,
    SIGNATURE_LAYOUTS,
    assert_signatories,
    signature_agreement,
)

pdfplumber = pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")

from tests.fixtures import render  # noqa: E402

PARITY_MARGIN = 0.02
WORD = re.compile(r"\w+")
PAGE_LABEL = re.compile(r"(?im)^\s*sida\s+\d+\s+av\s+\d+\s*$")


DOCS = documents()
SOURCES = {src.stem: src for src, _ in DOCS}
GOLD = {src.stem: gold for src, gold in DOCS}
STEMS = list(SOURCES)
# drafts carry no signatures
SIGNED_STEMS = [s for s in STEMS if json.loads(GOLD[s].read_text("utf-8"))["signatories"]]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def body_crop(page: Any) -> Any:
    """The page inside the running header (top) and the page-number footer (bottom)."""
    return page.crop((0, 60, page.width, page.height - 55))


@dataclass
class Printed:
    """What pdfplumber finds in a PDF, independent of the reader under test (each file
    parsed once per session)."""

    lines: list[list[str]]  # each whole page's lines
    bodies: list[str]  # each page's text inside the running header and footer
    columns: list[str]  # each page body's text, column by column
    first_page_words: tuple[int, int]  # words in the left and right half of page 1
    defect: str | None  # text the fixture printed over other text, or across the gutter


@functools.cache
def printed(pdf_path: Path, columns: int) -> Printed:
    """pdfplumber's reading of a PDF laid out in ``columns`` text columns (plain
    extract_text interleaves two columns line by line, so they are cropped apart)."""
    lines, bodies, column_texts = [], [], []
    first = (0, 0)
    defect = None
    with pdfplumber.open(pdf_path) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            lines.append((page.extract_text() or "").strip().split("\n"))
            body = body_crop(page)
            bodies.append(body.extract_text() or "")
            x0, top, x1, bottom = body.bbox
            width = (x1 - x0) / columns
            for k in range(columns):
                box = (x0 + k * width, top, x0 + (k + 1) * width, bottom)
                column_texts.append(body.crop(box).extract_text() or "")
            words = body.extract_words()
            mid = float(page.width) / 2
            if n == 1:
                first = (
                    sum(1 for w in words if w["x1"] < mid),
                    sum(1 for w in words if w["x0"] > mid),
                )
            defect = defect or _overprint(page.chars, n)
            if columns == 2 and defect is None:
                for w in words:
                    if w["x0"] < mid - 5 < mid + 5 < w["x1"]:
                        defect = f"page {n}: {w['text'][:20]!r}... printed across the gutter"
                        break
    return Printed(lines, bodies, column_texts, first, defect)


def _overprint(chars: list[dict[str, Any]], page: int) -> str | None:
    """Two different glyphs printed over each other on one line (a table header wider
    than its cell in a narrow column): no reader can get those words apart."""
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in chars:
        if c["text"].strip():
            rows[round(c["top"])].append(c)
    for row in rows.values():
        row.sort(key=lambda c: c["x0"])
        for a, b in zip(row, row[1:], strict=False):
            same_glyph = b["text"] == a["text"] and abs(b["x0"] - a["x0"]) < 1
            if b["x0"] < a["x1"] - 1.0 and not same_glyph:
                return f"page {page}: {a['text']!r} and {b['text']!r} printed over each other"
    return None


class PdfPage:
    """What pdfplumber sees on one page: its words, and the words it breaks at a hyphen
    (so that a word the reader joined is still found on the page it came from)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = set(WORD.findall(text))
        self.prefixes = set(re.findall(r"(\w+)-(?=\s)", text))
        self.lines = [WORD.findall(line) for line in text.split("\n")]

    def has(self, word: str) -> bool:
        return word in self.tokens or any(
            word[:i] in self.prefixes and word[i:] in self.tokens for i in range(1, len(word))
        )

    def has_run(self, words: list[str]) -> bool:
        """The words one after another on one line (a name in a signature block)."""
        n = len(words)
        return any(
            line[i : i + n] == words for line in self.lines for i in range(len(line) - n + 1)
        )


@functools.cache
def document_of(pdf_path: Path) -> Document:
    """The read document of a rendered PDF (each file read once per session)."""
    return read_document(pdf_path)


@functools.cache
def record_of(pdf_path: Path) -> Agreement:
    """The record of a rendered PDF, made from its read document as ``extract`` makes
    it (``test_extract_is_the_record_of_the_read_document`` holds them equal), so
    that no file is read twice."""
    return extract_agreement(document_of(pdf_path))


@functools.cache
def pdf_pages(pdf_path: Path) -> list[PdfPage]:
    return [PdfPage(text) for text in printed(pdf_path, 1).bodies]


def pages_holding(pages: list[PdfPage], text: str) -> list[int]:
    """1-based pages on which every word of ``text`` is printed; for a quote that runs
    over a page break, the page it starts on."""
    words = WORD.findall(text)
    if not words:
        return []
    found = [i + 1 for i, page in enumerate(pages) if all(page.has(w) for w in words)]
    if found:
        return found
    return [
        i + 1
        for i in range(len(pages) - 1)
        if pages[i].has(words[0]) and all(pages[i].has(w) or pages[i + 1].has(w) for w in words)
    ]


# --------------------------------------------------------------------------------------
# session fixtures
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def born_digital(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("born_digital_pdf")
    return {stem: render.render_pdf(src, out / f"{stem}.pdf") for stem, src in SOURCES.items()}


@pytest.fixture(scope="session")
def two_column(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("two_column_pdf")
    return {
        stem: render.render_pdf(src, out / f"{stem}.pdf", columns=2)
        for stem, src in SOURCES.items()
    }


@pytest.fixture(scope="session")
def text_scores() -> dict[str, tuple[float, dict[str, Counts]]]:
    """Micro-F1 of every agreement read from its own TXT/MD file."""
    return {
        stem: micro(json.loads(GOLD[stem].read_text("utf-8")), extract(src).to_dict())
        for stem, src in SOURCES.items()
    }


# --------------------------------------------------------------------------------------
# 1. parity with the text
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_born_digital_pdf_scores_as_well_as_its_text(
    stem: str, born_digital: dict[str, Path], text_scores: dict[str, Any]
) -> None:
    pdf = born_digital[stem]
    record = record_of(pdf)
    assert record.source.format == "pdf"
    assert record.source.ocr is False, "a PDF with a text layer was sent to OCR"
    assert record.source.pages == len(printed(pdf, 1).lines)
    gold = json.loads(GOLD[stem].read_text("utf-8"))
    f1, scores = micro(gold, record.to_dict())
    f1_text, text_fields = text_scores[stem]
    assert f1 >= f1_text - PARITY_MARGIN, (
        f"{stem}.pdf micro-F1 {f1:.3f} vs {f1_text:.3f} as text\n" + score_diff(text_fields, scores)
    )


def test_extract_is_the_record_of_the_read_document(born_digital: dict[str, Path]) -> None:
    pdf = born_digital[STEMS[1]]
    assert extract(pdf).to_dict() == record_of(pdf).to_dict()


# --------------------------------------------------------------------------------------
# 3. evidence: offsets into the read text, pages where pdfplumber finds the text
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_evidence_is_the_text_at_its_offsets_on_its_page(
    stem: str, born_digital: dict[str, Path]
) -> None:
    pdf = born_digital[stem]
    document = document_of(pdf)
    record = record_of(pdf).to_dict()
    pages = pdf_pages(pdf)
    problems = []
    later_pages = 0  # values checked on a page after the first
    found_evidence = list(evidences(record))
    assert found_evidence
    for where, ev in found_evidence:
        assert document.text[ev["start"] : ev["end"]] == ev["text"], where
        assert ev["page"] is not None and 1 <= ev["page"] <= len(pages), (where, ev["page"])
        assert document.page_at(ev["start"]) == ev["page"], where
        holding = pages_holding(pages, ev["text"])
        if not holding:
            problems.append(f"{where}: {ev['text']!r} is on no page of the PDF")
        elif ev["page"] not in holding:
            problems.append(f"{where}: {ev['text']!r} has page {ev['page']}, PDF has {holding}")
        elif len(holding) == 1 and ev["page"] >= 2:
            later_pages += 1
    assert not problems, "\n".join(problems)
    if len(pages) >= 2 and stem in SIGNED_STEMS:
        # the signatures close a multi-page agreement: at least they are on a later page
        assert later_pages >= 1, "no value was checked on page 2 or later"


@pytest.mark.parametrize("stem", SIGNED_STEMS)
def test_pdf_signatories_carry_the_page_their_name_is_printed_on(
    stem: str, born_digital: dict[str, Path]
) -> None:
    pdf = born_digital[stem]
    record = record_of(pdf)
    gold = json.loads(GOLD[stem].read_text("utf-8"))["signatories"]
    assert record.signatories, f"no signatory read from the PDF (its gold record has {len(gold)})"
    pages = pdf_pages(pdf)
    for s in record.signatories:
        words = WORD.findall(s.name)
        printed_on = [i + 1 for i, page in enumerate(pages) if page.has_run(words)]
        assert len(printed_on) == 1, f"{s.name!r} printed on pages {printed_on}"
        assert s.evidence.page == printed_on[0], s.name
    if len(pages) >= 2:  # the signatures close the agreement: not on its first page
        assert max(s.evidence.page or 0 for s in record.signatories) >= 2


# --------------------------------------------------------------------------------------
# 2. side-by-side signature blocks
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", SIGNATURE_LAYOUTS)
def test_pdf_side_by_side_signature_blocks(tmp_path: Path, layout: str) -> None:
    n, columns, per_block = SIGNATURE_LAYOUTS[layout]
    persons = PERSONS[:n]
    src = tmp_path / "agreement.txt"
    src.write_text(signature_agreement(persons, date_per_block=per_block), encoding="utf-8")
    pdf = render.render_pdf(src, tmp_path / "agreement.pdf")
    # the fixture really sets the blocks side by side: first row's names on one line
    with pdfplumber.open(pdf) as doc:
        words = doc.pages[-1].extract_words()
    firsts = [next(w for w in words if w["text"] == name.split()[0]) for name, _, _ in persons]
    row = firsts[:columns]
    assert max(w["top"] for w in row) - min(w["top"] for w in row) < 1
    assert all(b["x0"] > a["x0"] + 100 for a, b in zip(row, row[1:], strict=False))
    if n > columns:
        assert firsts[columns]["top"] > row[0]["top"] + 20  # a second row below
    assert_signatories(extract(pdf), persons)


SIGNED_IN_CELLS = (
    "Samverkansöverenskommelse för Exby 2019–2021\n\n"
    "Exby kommun och lokalpolisområde Falkenberg/Hylte samverkar för ökad trygghet. "
    "Överenskommelsen gäller från 2019-03-01 till 2021-02-28.\n\n"
    "Exby 2019-02-25\n\n"
    "Sven-Åke Lindberg (S)\nkommunstyrelsens ordförande\nExby kommun\n\n"
    "Lena Ohlsson\nLokalpolisområdeschef, lokalpolisområde Falkenberg/Hylte\n"
)


def signature_cells(tmp_path: Path) -> list[str]:
    src = tmp_path / "signed.txt"
    src.write_text(SIGNED_IN_CELLS, encoding="utf-8")
    document = read_document(render.render_pdf(src, tmp_path / "signed.pdf"))
    return [document.block_text(b) for b in document.blocks if b.kind == "table_cell"]


def test_signature_cell_keeps_a_lower_case_title_on_its_own_line(tmp_path: Path) -> None:
    """The name line is far shorter than its cell: the title under it, though in lower
    case, would have fitted after it, so it was typed on a line of its own."""
    assert "Sven-Åke Lindberg (S)\nkommunstyrelsens ordförande\nExby kommun" in (
        signature_cells(tmp_path)
    )


def test_a_line_wrapped_inside_a_signature_cell_is_one_line(tmp_path: Path) -> None:
    assert "Lena Ohlsson\nLokalpolisområdeschef, lokalpolisområde Falkenberg/Hylte" in (
        signature_cells(tmp_path)
    )


# Invented cells whose second line fills the cell (the next column starts right after
# it, or the ruled cell's box ends there): (second line, third line, the cell's text).
FULL_LINES = {
    "lower_case": (
        "Regionstyrelsens vice",
        "ordförande",
        "Ylva Exberg\nRegionstyrelsens vice ordförande",
    ),
    "open_ending": (
        "Lokalpolisområdeschef, lokalpolisområde",
        "Exby/Ydala",
        "Ylva Exberg\nLokalpolisområdeschef, lokalpolisområde Exby/Ydala",
    ),
    "last_word": (
        "Ordförande i Hälso- och sjukvårdsnämnden",
        "Östra",
        "Ylva Exberg\nOrdförande i Hälso- och sjukvårdsnämnden Östra",
    ),
    "several_words": (
        "Hälso- och sjukvårdsdirektör",
        "Region Exby län",
        "Ylva Exberg\nHälso- och sjukvårdsdirektör\nRegion Exby län",
    ),
    "label": (
        "Underskrift: ____________________",
        "Namnförtydligande: Ylva Exberg",
        "Ylva Exberg\nUnderskrift: ____________________\nNamnförtydligande: Ylva Exberg",
    ),
}


def drawn_cells(path: Path, second: str, third: str, *, ruled: bool) -> Path:
    """Two cells side by side, drawn where a word processor would set them: the first
    column just wide enough for ``second`` (2 pt to spare, 12 pt of padding before the
    next column, or a ruled box with 6 pt insets), so that ``third`` would not fit
    after it; the second cell is short."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font, size, x0, inset = "Helvetica", 10, 65.0, 6.0
    width = stringWidth(second, font, size) + 2
    assert stringWidth(third.split()[0], font, size) > 2 + stringWidth(" ", font, size)
    text_x = [x0 + inset, x0 + 2 * inset + width + inset] if ruled else [x0, x0 + width + 12]
    cells = [["Ylva Exberg", second, third], ["Per Persson", "Kommunpolis"]]
    pdf = canvas.Canvas(str(path), pagesize=A4)
    top = A4[1] - 100
    pdf.setFont(font, size)
    pdf.drawString(x0, top + 40, "Exby 2025-01-15")
    for x, lines in zip(text_x, cells, strict=True):
        for k, line in enumerate(lines):
            pdf.drawString(x, top - 13 * k, line)
    if ruled:
        box_x = [x0, text_x[1] - inset, text_x[1] - inset + 160]
        bottom = top - 13 * 3
        for a, b in zip(box_x, box_x[1:], strict=False):
            pdf.rect(a, bottom, b - a, top + 14 - bottom)
    pdf.save()
    return path


@pytest.mark.parametrize("ruled", [False, True], ids=["borderless", "ruled"])
@pytest.mark.parametrize("case", FULL_LINES)
def test_a_cell_line_filling_its_cell_wraps_onto_the_next(
    tmp_path: Path, case: str, ruled: bool
) -> None:
    """In a cell, a line that fills it goes on with the next one when that line is in
    lower case, follows a word that needs more ("lokalpolisområde"), or is one word,
    the last of what the line says; a line of several capitalised words, or one opening
    with a label, was typed on a line of its own."""
    second, third, expected = FULL_LINES[case]
    document = read_document(drawn_cells(tmp_path / "cells.pdf", second, third, ruled=ruled))
    cells = [document.block_text(b) for b in document.blocks if b.kind == "table_cell"]
    assert expected in cells
    assert "Per Persson\nKommunpolis" in cells


# A page of an agreement's text before its signature page: the signatures start page 2,
# under the end of a short paragraph (a page mostly of signatures).
ON_PAGE_TWO = (
    "Samverkansöverenskommelse för Exby 2019–2021\n\n"
    + "".join(
        f"Parterna arbetar gemensamt med fråga {k} inom ramen för överenskommelsen. "
        "Arbetet följs upp i styrgruppen, som också tar ställning till hur lägesbilden "
        "ska uppdateras och vilka insatser som ska prioriteras under året.\n\n"
        for k in range(1, 14)
    )
    + "Överenskommelsen följs upp efter halva avtalsperioden och inför att en ny "
    "överenskommelse tas fram.\n\n"
)
GRID_DATED = """UNDERSKRIFTER


Ort och datum                             Ort och datum
Exby 2017-06-12                           Ydala 2017-06-13


.................................         .................................
Maria Lundgren                            Per-Erik Holm
Kommunstyrelsens ordförande               Kommunstyrelsens ordförande
Exby kommun                               Ydala kommun


Ort och datum                             Ort och datum
Zeta 2017-06-13                           Exby 2017-06-19


.................................         .................................
Helena Nordin                             Stefan Wallin
Kommunstyrelsens ordförande               Lokalpolisområdeschef
Zeta kommun                               Lokalpolisområde Exby
"""
GRID_FOR = """UNDERSKRIFTER

För Exby kommun
Exby 2024-12-09
Katarina Jonsson
Kommunstyrelsens ordförande

För Polismyndigheten
Exby 2024-12-11
Andreas Lund
Lokalpolisområdeschef

För Kriminalvården
Exby 2024-12-12
Birgitta Rahm
Frivårdschef

För Region Exby
Ydala 2024-12-17
Magnus Stenberg
Regiondirektör
"""
SIGNATORY_TABLE = """### Underskrifter

| Namn | Befattning | Part | Datum |
|---|---|---|---|
| Anders Fröjd | Kommundirektör | Exby kommun | 2024-03-18 |
| Sofia Hammarberg | Lokalpolisområdeschef | Polismyndigheten, lokalpolisområde Västra Exbybygden | 2024-03-20 |
| Mikael Strömqvist | Frivårdschef | Kriminalvården, frivården Exby | 2024-03-25 |
"""
# (source suffix, signature area, the cells in reading order)
LAST_PAGES = {
    "grid_dated": (
        ".txt",
        GRID_DATED,
        [
            "Ort och datum",
            "Ort och datum",
            "Exby 2017-06-12",
            "Ydala 2017-06-13",
            "Maria Lundgren\nKommunstyrelsens ordförande\nExby kommun",
            "Per-Erik Holm\nKommunstyrelsens ordförande\nYdala kommun",
            "Ort och datum",
            "Ort och datum",
            "Zeta 2017-06-13",
            "Exby 2017-06-19",
            "Helena Nordin\nKommunstyrelsens ordförande\nZeta kommun",
            "Stefan Wallin\nLokalpolisområdeschef\nLokalpolisområde Exby",
        ],
    ),
    "grid_for": (
        ".txt",
        GRID_FOR,
        [
            "För Exby kommun",
            "För Polismyndigheten",
            "Exby 2024-12-09",
            "Exby 2024-12-11",
            "Katarina Jonsson\nKommunstyrelsens ordförande",
            "Andreas Lund\nLokalpolisområdeschef",
            "För Kriminalvården",
            "För Region Exby",
            "Exby 2024-12-12",
            "Ydala 2024-12-17",
            "Birgitta Rahm\nFrivårdschef",
            "Magnus Stenberg\nRegiondirektör",
        ],
    ),
    "signatory_table": (
        ".md",
        SIGNATORY_TABLE,
        [
            "Namn",
            "Befattning",
            "Part",
            "Datum",
            "Anders Fröjd",
            "Kommundirektör",
            "Exby kommun",
            "2024-03-18",
            "Sofia Hammarberg",
            "Lokalpolisområdeschef",
            "Polismyndigheten, lokalpolisområde Västra Exbybygden",
            "2024-03-20",
            "Mikael Strömqvist",
            "Frivårdschef",
            "Kriminalvården, frivården Exby",
            "2024-03-25",
        ],
    ),
}


@pytest.mark.parametrize("layout", LAST_PAGES)
def test_a_page_mostly_of_signatures_is_not_read_as_two_text_columns(
    tmp_path: Path, layout: str
) -> None:
    """Signature blocks in a 2x2 grid, or a borderless table of signatories with wrapped
    cells, alone on a last page leave a gap down the page that no word crosses; their
    cells are still read row by row, each with its own lines, not as two columns of
    text (a title joined to the organisation under it, the cells read down one side)."""
    suffix, signatures, expected = LAST_PAGES[layout]
    source = ON_PAGE_TWO if suffix == ".txt" else "# " + ON_PAGE_TWO
    src = tmp_path / f"agreement{suffix}"
    src.write_text(source + signatures, encoding="utf-8")
    pdf = render.render_pdf(src, tmp_path / "agreement.pdf")
    with pdfplumber.open(pdf) as doc:  # the fixture: the signatures alone on page 2
        assert len(doc.pages) == 2
        last = doc.pages[1].extract_text()
        assert "fråga" not in last and expected[-1].split("\n")[0] in last
    document = read_document(pdf)
    cells = [document.block_text(b) for b in document.blocks if b.kind == "table_cell"]
    assert cells == expected


def test_one_line_paragraphs_set_apart_stay_apart(tmp_path: Path) -> None:
    """Where most paragraphs are one line, most gaps between lines are paragraph gaps:
    the line gap is measured under wrapped lines, so the one-line paragraphs, the place
    and date under them and the text above stay apart."""
    src = tmp_path / "web.txt"
    src.write_text(
        "Medborgarlöfte för Exby 2022–2023\n\n"
        "Exby kommun och Polisen i lokalpolisområde Exby har kommit överens om vad vi ska "
        "göra tillsammans för att öka tryggheten i Exby. Under hösten genomförde kommunen "
        "och polisen en gemensam medborgardialog i Exby centrum, i Ydala och i Zeta. Över "
        "sexhundra invånare svarade på våra frågor, på plats i centrumen och digitalt. "
        "Svaren har vägts samman med polisens trygghetsmätning och kommunens lägesbild.\n\n"
        + "".join(f"Vi lovar att genomföra insats nummer {k} i Exby centrum.\n\n" for k in range(8))
        + "Exby 2022-03-30\n",
        encoding="utf-8",
    )
    document = read_document(render.render_pdf(src, tmp_path / "web.pdf"))
    paragraphs = [document.block_text(b) for b in document.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 10
    assert paragraphs[0].endswith("kommunens lägesbild.")
    assert paragraphs[1:] == [
        f"Vi lovar att genomföra insats nummer {k} i Exby centrum." for k in range(8)
    ] + ["Exby 2022-03-30"]


def test_a_short_right_column_is_still_a_column(tmp_path: Path) -> None:
    """A one-page agreement in two columns whose right column holds only its end (a few
    lines and the signatures) is read column by column."""
    src = tmp_path / "short.txt"
    src.write_text(
        "Samverkansöverenskommelse för Exby 2021–2024\n\n"
        + "".join(
            f"Område {k}\n\nParterna arbetar gemensamt med fråga {k} inom ramen för "
            "överenskommelsen och följer upp arbetet i styrgruppen.\n\n"
            for k in range(1, 9)
        )
        + "Uppföljning\n\nEn gemensam uppföljning görs varje år.\n\n"
        "Exby den 28 juni 2021\n\nMaria Exberg\nKommunstyrelsens ordförande\n\n"
        "Anna Ydberg\nLokalpolisområdeschef\n",
        encoding="utf-8",
    )
    pdf = render.render_pdf(src, tmp_path / "short.pdf", columns=2)
    with pdfplumber.open(pdf) as doc:  # the fixture: one page, the end in the right column
        assert len(doc.pages) == 1
        right = [w for w in doc.pages[0].extract_words() if w["x0"] > doc.pages[0].width / 2]
        assert 0 < len({round(w["top"]) for w in right}) < 12
    text = read_document(pdf).text
    order = [text.index(f"fråga {k} ") for k in range(1, 9)]
    assert order == sorted(order)
    assert order[-1] < text.index("En gemensam uppföljning") < text.index("Maria Exberg")


def test_a_list_going_on_in_the_next_column_is_not_nested(tmp_path: Path) -> None:
    """A numbered list broken at the foot of the left column goes on at the head of the
    right one: its items there stand further right on the page, but no deeper in their
    column."""
    src = tmp_path / "list.txt"
    src.write_text(
        "Samverkansöverenskommelse för Exby 2025–2027\n\n"
        + "".join(
            f"Parterna arbetar gemensamt med fråga {k} inom ramen för överenskommelsen och "
            "följer upp arbetet i styrgruppen.\n\n"
            for k in range(12)
        )
        + "Parterna prioriterar följande områden:\n\n"
        + "".join(f"{k}. Område nummer {k} i Exby\n" for k in range(1, 9))
        + "\nArbetet följs upp varje år.\n",
        encoding="utf-8",
    )
    document = read_document(render.render_pdf(src, tmp_path / "list.pdf", columns=2))
    items = [b for b in document.blocks if b.kind == "list_item"]
    assert [document.block_text(b) for b in items] == [
        f"Område nummer {k} i Exby" for k in range(1, 9)
    ]
    middle = 595.0 / 2  # A4
    assert {b.bbox[0] < middle for b in items} == {True, False}, "the list is in both columns"
    assert [b.depth for b in items] == [0] * 8


NARROW_SIGNATURE_TABLE = """### Underskrifter

| | |
|---|---|
| Ort och datum: Exby 2023-02-06 | Ort och datum: Ydala 2023-02-08 |
| **Ulf Exberg**, Kommunstyrelsens ordförande, Exby kommun | **Lina Ydberg**, \
Kommunstyrelsens ordförande, Ydala kommun |
| Ort och datum: Zeta 2023-02-08 | Ort och datum: Exby 2023-02-13 |
| **Carl-Johan Zetterberg**, Kommunstyrelsens ordförande, Zeta kommun | **Sofia Malm**, \
Lokalpolisområdeschef, Lokalpolisområde Exby |
"""  # a backslash at a line's end goes on with the next: one table row


def test_a_narrow_signature_table_in_a_text_column_is_read_row_by_row(tmp_path: Path) -> None:
    """A two-column agreement's last page holds only a borderless table of signatures,
    set in the left column: its cells wrap and hyphenate so that they fill their narrow
    columns like prose, but its rows break across both columns at once, so it is read
    as a table, row by row."""
    src = tmp_path / "narrow.md"
    src.write_text(
        "# Samverkansöverenskommelse för Exby 2025–2027\n\n"
        + "".join(
            f"Parterna arbetar gemensamt med fråga {k} inom ramen för överenskommelsen och "
            "följer upp arbetet i styrgruppen.\n\n"
            for k in range(27)
        )
        + NARROW_SIGNATURE_TABLE,
        encoding="utf-8",
    )
    pdf = render.render_pdf(src, tmp_path / "narrow.pdf", columns=2)
    with pdfplumber.open(pdf) as doc:  # the fixture: the table alone on the last page
        assert len(doc.pages) == 2
        assert "fråga" not in doc.pages[1].extract_text()
    document = read_document(pdf)
    cells = [document.block_text(b) for b in document.blocks if b.kind == "table_cell"]
    assert cells[-6:] == [
        "Ulf Exberg, Kommunstyrelsens ordförande, Exby kommun",
        "Lina Ydberg, Kommunstyrelsens ordförande, Ydala kommun",
        "Ort och datum: Zeta 2023-02-08",
        "Ort och datum: Exby 2023-02-13",
        "Carl-Johan Zetterberg, Kommunstyrelsens ordförande, Zeta kommun",
        "Sofia Malm, Lokalpolisområdeschef, Lokalpolisområde Exby",
    ]


def _page(number: int, columns: list[tuple[float, float]], rows: int) -> PageContent:
    """A page of words filling the given columns (x-ranges), one line per 14 pt."""
    words = []
    for r in range(rows):
        top = 80.0 + 14 * r
        for x0, x1 in columns:
            step = (x1 - x0) / 4
            words += [
                Word("ord", x0 + k * step, x0 + (k + 1) * step - 4, top, top + 10, 10, False)
                for k in range(4)
            ]
    content = PageContent(number, 595.0, 842.0, words)
    content.lines = [split_fragments(ws) for ws in group_lines(words)]
    return content


def test_a_page_whose_own_gap_stands_off_the_documents_columns_takes_them() -> None:
    """Two pages in two columns (gutter 284-308) and a last page holding only a narrow
    table in the left column: the gap between the table's columns is no text column
    gutter; the page takes the document's."""
    text = [(65.0, 287.0), (308.0, 530.0)]
    pages = [_page(1, text, 40), _page(2, text, 40), _page(3, [(65.0, 165.0), (180.0, 280.0)], 14)]
    assert page_gutters(pages[2].fragments()), "the table's gap alone reads as a gutter"
    found = document_gutters(pages)
    assert [[(round(a), round(b)) for a, b in g] for g in found] == [[(284, 308)]] * 3


# --------------------------------------------------------------------------------------
# 5. layout: running header, page numbers, hyphenation, fake bold, two columns
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [1, 2])
@pytest.mark.parametrize("stem", STEMS)
def test_running_header_and_page_numbers_are_dropped(
    stem: str, columns: int, born_digital: dict[str, Path], two_column: dict[str, Path]
) -> None:
    pdf = (born_digital if columns == 1 else two_column)[stem]
    pages = printed(pdf, columns).lines
    # the fixture prints the header (or the agreement's letterhead on the first page) at
    # the top and "Sida N av M" at the foot of each page
    first, rest = render.page_headers(render.parse_file(SOURCES[stem]))
    assert all(
        lines[0] == " ".join((first if n == 0 else rest)[0].split())
        for n, lines in enumerate(pages)
    )
    assert all(PAGE_LABEL.match(lines[-1]) for lines in pages)
    document = document_of(pdf)
    labels = PAGE_LABEL.findall(document.text)
    assert not labels, f"page labels left in the text: {labels}"
    expected = [first] if len(pages) == 1 else [first, rest]
    expected_texts = {"\n".join(" ".join(x.split()) for x in lines) for lines in expected}
    headers = [document.block_text(b) for b in document.blocks if b.kind == "header"]
    assert sorted(headers) == sorted(expected_texts), (
        "each page header is kept once, as a header block"
    )
    body = [document.block_text(b) for b in document.blocks if b.kind != "header"]
    assert not expected_texts & set(body), "a copy of a page header left in the body"


@pytest.mark.parametrize("columns", [1, 2])
@pytest.mark.parametrize("stem", STEMS)
def test_line_end_hyphenation_is_joined(
    stem: str, columns: int, born_digital: dict[str, Path], two_column: dict[str, Path]
) -> None:
    """Every word the renderer broke at a line end comes back whole; a word with a real
    hyphen broken at its hyphen keeps it."""
    pdf = (born_digital if columns == 1 else two_column)[stem]
    source = render.plain_text(render.parse_file(SOURCES[stem]))
    source_words = set(WORD.findall(source))
    hyphenated_words = set(re.findall(r"\w+(?:-\w+)+", source))
    columns_text = "\n".join(printed(pdf, columns).columns)
    splits = re.findall(r"(\w+)-\n(\w+)", columns_text)
    inserted = [(a, b) for a, b in splits if a + b in source_words]
    real = [(a, b) for a, b in splits if f"{a}-{b}" in hyphenated_words]
    if not inserted:
        pytest.skip("the fixture broke no word at a line end in this agreement")
    text = document_of(pdf).text
    broken = [
        f"{a}-|{b}"
        for a, b in inserted
        if re.search(rf"\b{a}-?\s+{b}\b", text) and not re.search(rf"\b{a}-?\s+{b}\b", source)
    ]
    assert not broken, f"hyphenated words left broken in the text: {broken}"
    lost = [f"{a}-{b}" for a, b in real if f"{a}-{b}" not in text and f"{a}{b}" in text]
    assert not lost, f"real hyphens dropped at a line end: {lost}"


def _headings(src: Path) -> list[str]:
    return [e.text for e in render.parse_file(src) if e.kind in ("title", "heading")]


FAKE_BOLD = [STEMS[0], "kalmar_2020", "umea_2024"]


@pytest.mark.parametrize("stem", FAKE_BOLD)
def test_fake_bold_doubled_glyphs_are_removed(
    stem: str, tmp_path: Path, born_digital: dict[str, Path]
) -> None:
    pdf = render.render_pdf(SOURCES[stem], tmp_path / "bold.pdf", fake_bold_headings=True)
    headings = _headings(SOURCES[stem])
    assert headings
    with pdfplumber.open(pdf) as doc:
        raw = "\n".join(p.extract_text() or "" for p in doc.pages)
    first = next(h for h in headings if len(WORD.findall(h)[0]) >= 3)
    doubled = "".join(c * 2 for c in WORD.findall(first)[0])
    assert doubled in raw, "the fixture should print the headings twice"
    bold = read_document(pdf)
    plain = document_of(born_digital[stem])
    assert doubled not in bold.text
    assert bold.text == plain.text
    assert [(b.kind, b.level) for b in bold.blocks] == [(b.kind, b.level) for b in plain.blocks]
    heading_texts = {bold.block_text(b) for b in bold.blocks if b.kind == "heading"}
    missing = [h for h in headings if h not in heading_texts]
    assert not missing, f"headings not read as headings: {missing}"


def _letters_and_words(text: str) -> str:
    """The words of a text run together, numbers left out: what the reading order is
    compared on (spaces, line breaks, hyphenation and list numbers do not count)."""
    return "".join(w for w in WORD.findall(text) if not w.isdigit())


def _expected_body(src: Path) -> str:
    """The agreement's words before its signature area, in reading order. Page labels
    and lettered list markers ("a) "), which the reader drops, are left out."""
    parts: list[str] = []
    for e in render.parse_file(src):
        if e.kind == "signatures":
            break
        if e.kind == "table":
            parts += [c for row in e.rows for c in row]
        elif e.kind == "paragraph":
            lines = e.lines if e.breaks else [e.text]
            parts += [re.sub(r"^[a-z]\)\s+", "", ln) for ln in lines if not PAGE_LABEL.match(ln)]
        elif e.text and not PAGE_LABEL.match(e.text):
            parts.append(e.text)
    return _letters_and_words(" ".join(parts))


@pytest.mark.parametrize("columns", [1, 2])
@pytest.mark.parametrize("stem", STEMS)
def test_text_reads_column_by_column(
    stem: str, columns: int, born_digital: dict[str, Path], two_column: dict[str, Path]
) -> None:
    """The body text comes back in the source's order: with two text columns the left
    column, then the right one, never the two interleaved line by line (one column is
    the control)."""
    pdf = (born_digital if columns == 1 else two_column)[stem]
    seen = printed(pdf, columns)
    if seen.defect:
        pytest.skip(f"the fixture PDF cannot be read apart by anyone: {seen.defect}")
    if columns == 2:
        left, right = seen.first_page_words
        if right < 50:
            pytest.skip("the agreement is too short to fill two columns")
        assert left > 50
    document = document_of(pdf)
    body = "\n\n".join(
        PAGE_LABEL.sub("", document.block_text(b))  # page labels: tested above
        for b in document.blocks
        if b.kind not in ("header", "footer")
    )
    got = _letters_and_words(body)
    expected = _expected_body(SOURCES[stem])
    if not got.startswith(expected):
        at = next(
            (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
            min(len(expected), len(got)),
        )
        pytest.fail(
            f"reading order differs at letter {at}:\n"
            f"  expected …{expected[max(0, at - 60) : at + 60]}…\n"
            f"  got      …{got[max(0, at - 60) : at + 60]}…"
        )


def test_on_a_scan_a_line_naming_a_section_is_a_heading_over_anything_but_a_heading() -> None:
    """Sizes on a scan waver: "Giltighetstid" over a line of two dates (too short to be
    body text) is still a heading, since it names a section agreements have; a short
    line naming none stays a paragraph there."""
    from samverkan_extract.readers.pdf.headings import guess_headings
    from samverkan_extract.readers.pdf.units import Unit

    box = (0.0, 0.0, 100.0, 10.0)
    units = [
        Unit("paragraph", ["Giltighetstid"], 1, box),
        Unit("paragraph", ["2016-01-01 -- 2019-12-31"], 1, box),
        Unit("paragraph", ["Kontaktpersoner"], 1, box),
        Unit("paragraph", ["Anna Ek, Per Berg"], 1, box),
    ]
    guess_headings(units, (12.0, False))
    assert [u.kind for u in units] == ["heading", "paragraph", "paragraph", "paragraph"]


@pytest.mark.parametrize(
    ("text", "heading"),
    [("Prioriterade områden", True), ("Skövde kommun, 212000-1744", False)],
)
def test_on_a_scan_a_line_with_an_org_number_is_no_heading(text: str, heading: bool) -> None:
    """Digits read tall on a scan; no heading carries an org number."""
    from samverkan_extract.readers.pdf.headings import heading_key
    from samverkan_extract.readers.pdf.model import Line, Word
    from samverkan_extract.readers.pdf.units import Stats

    words, x = [], 0.0
    for w in text.split():
        words.append(Word(w, x, x + 8 * len(w), 0.0, 14.0, 14.0, False))
        x += 8 * len(w) + 4
    key = heading_key(Line(words), Stats(body_size=11.0, para_gap=1.0), ocr=True)
    assert (key is not None) == heading


def test_on_a_scan_a_word_broken_at_the_line_end_keeps_its_paragraph() -> None:
    """OCR measures a short last line smaller than the lines above: "Dessa tre områ-" /
    "den är överenskommelsens prioriteringar." is still one paragraph, one word."""
    from samverkan_extract.readers.pdf.flow import Flow
    from samverkan_extract.readers.pdf.model import Line, Word
    from samverkan_extract.readers.pdf.units import Stats

    def line(text: str, top: float, size: float) -> Line:
        words, x = [], 50.0
        for w in text.split():
            words.append(Word(w, x, x + 6 * len(w), top, top + size, size, False))
            x += 6 * len(w) + 4
        return Line(words)

    lines = [
        line("att våld mot äldre i deras hem ökar. Dessa tre områ-", 100.0, 11.0),
        line("den är överenskommelsens prioriteringar.", 114.0, 8.0),
    ]
    units = Flow(1, Stats(body_size=11.0, para_gap=1.0), ocr=True).units(lines, 500.0)
    assert [u.lines for u in units] == [
        [
            "att våld mot äldre i deras hem ökar. Dessa tre områ-",
            "den är överenskommelsens prioriteringar.",
        ]
    ]  # one paragraph; the document joins the word again

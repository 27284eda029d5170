"""OCR of scanned PDFs (Tesseract with its Swedish model).

Agreements are rendered as image-only "scanned" PDFs (grey, slightly rotated, noisy,
300 dpi like an office scanner) with ``tests/fixtures/render.py``; read back through
OCR, each must score (micro-F1 against its gold record) no more than 0.10 below the
same agreement read as TXT/MD. The record says its text came from OCR, evidence still
points into the read text, and a value keeps the page it is printed on.

A PDF with one born-digital page and one scanned page is read page by page: text
layer where there is one, OCR where there is none.

The tests skip (with the reason) only when the ``tesseract`` program or its Swedish
model is missing; CI installs both (``scripts/install-system-deps.sh``).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from samverkan_extract import Agreement
from samverkan_extract.document import Document
from samverkan_extract.extractors import extract_agreement
from samverkan_extract.readers import read_document
from tests.conftest import CORPUS, CORPUS_GOLD, TEST_AGREEMENTS, TEST_GOLD
from tests.fixtures.scoring import evidences, micro

pdfplumber = pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")
pytest.importorskip("pypdfium2")

from tests.fixtures import render  # noqa: E402

OCR_MARGIN = 0.10
SCAN_DPI = 300


def _tesseract_missing() -> str | None:
    """Why OCR cannot run here, or None."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "the tesseract program is not installed (apt-get install tesseract-ocr)"
    try:
        listed = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract --list-langs failed: {exc}"
    languages = {ln.strip() for ln in (listed.stdout + listed.stderr).splitlines()}
    if "swe" not in languages:
        return "Tesseract's Swedish model is not installed (apt-get install tesseract-ocr-swe)"
    return None


MISSING = _tesseract_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

# Three agreements laid out differently, and a fourth: a seed in Markdown with four
# signature blocks two by two; a plain-text agreement; an agreement with a ruled party
# table and organisation numbers; a seed whose priorities are a bulleted list.
SCANNED = {
    "000_5d68ca22a3f54acc": (CORPUS / "000_5d68ca22a3f54acc.txt", CORPUS_GOLD),
    "kalmar_2020": (TEST_AGREEMENTS / "kalmar_2020.txt", TEST_GOLD),
    "boras_2022": (TEST_AGREEMENTS / "boras_2022.md", TEST_GOLD),
    "002_5096e6c425a12633": (CORPUS / "002_5096e6c425a12633.txt", CORPUS_GOLD),
}
STEMS = list(SCANNED)


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """stem -> (scanned PDF, born-digital PDF of the same layout)."""
    out = tmp_path_factory.mktemp("scanned")
    result = {}
    for k, (stem, (src, _)) in enumerate(SCANNED.items()):
        scanned = render.render_scanned_pdf(src, out / f"{stem}.pdf", seed=k + 1, dpi=SCAN_DPI)
        digital = render.render_pdf(src, out / f"{stem}.digital.pdf")
        result[stem] = (scanned, digital)
    return result


@functools.cache
def ocr_read(path: Path) -> tuple[Document, Agreement]:
    """Read once (OCR takes seconds a page): the document, and its record made as
    ``samverkan_extract.extract`` makes it (``extract_agreement(read_document(path))``)."""
    document = read_document(path)
    return document, extract_agreement(document)


@pytest.mark.parametrize("stem", STEMS)
def test_scanned_pdf_scores_within_a_tenth_of_its_text(
    stem: str, scans: dict[str, tuple[Path, Path]]
) -> None:
    from samverkan_extract import extract

    src, gold_dir = SCANNED[stem]
    gold = json.loads((gold_dir / f"{stem}.json").read_text("utf-8"))
    f1_text, text_fields = micro(gold, extract(src).to_dict())
    _, record = ocr_read(scans[stem][0])
    f1, fields = micro(gold, record.to_dict())
    diff = ""
    for name, b in text_fields.items():
        o = fields[name]
        if (b.tp, b.fp, b.fn) != (o.tp, o.fp, o.fn):
            diff += f"\n  {name}: txt tp/fp/fn={b.tp}/{b.fp}/{b.fn}  got {o.tp}/{o.fp}/{o.fn}"
    assert f1 >= f1_text - OCR_MARGIN, (
        f"{stem} scanned micro-F1 {f1:.3f} vs {f1_text:.3f} as text{diff}"
    )


@pytest.mark.parametrize("stem", STEMS)
def test_scanned_pdf_is_read_by_ocr_with_evidence_into_its_text(
    stem: str, scans: dict[str, tuple[Path, Path]]
) -> None:
    scanned, digital = scans[stem]
    with pdfplumber.open(scanned) as pdf:
        pages = len(pdf.pages)
        assert all(not p.chars for p in pdf.pages), "the scan should have no text layer"
    document, record = ocr_read(scanned)
    assert record.source.format == "pdf"
    assert record.source.ocr is True
    assert document.ocr is True
    assert record.source.pages == pages
    assert {b.page for b in document.blocks} == set(range(1, pages + 1))
    found = list(evidences(record.to_dict()))
    assert found, "nothing read from the scan"
    for where, ev in found:
        assert document.text[ev["start"] : ev["end"]] == ev["text"], where
        assert ev["page"] is not None and 1 <= ev["page"] <= pages, where
    # the born-digital twin (same layout) is not OCRed
    assert read_document(digital).ocr is False


@pytest.mark.parametrize("stem", STEMS)
def test_scanned_pdf_values_keep_their_page(stem: str, scans: dict[str, tuple[Path, Path]]) -> None:
    """A signatory read from the scan carries the page its name is printed on, which is
    the page pdfplumber finds it on in the born-digital rendering of the same layout."""
    scanned, digital = scans[stem]
    with pdfplumber.open(digital) as pdf:
        printed = [p.extract_text() or "" for p in pdf.pages]
    _, record = ocr_read(scanned)
    checked = 0
    for s in record.signatories:
        on = [i + 1 for i, text in enumerate(printed) if s.name in text]
        if len(on) == 1:  # a name OCR got right
            assert s.evidence.page == on[0], s.name
            checked += 1
    if record.period is not None:
        words = re.findall(r"\w+", record.period.evidence.text)
        on = [i + 1 for i, text in enumerate(printed) if all(w in text for w in words)]
        if len(on) == 1:
            assert record.period.evidence.page == on[0]
            checked += 1
    assert checked >= 1, "no signatory or period of the scan could be placed on a page"


def _text_image(lines: list[str], dpi: int = 300) -> Any:
    """A white A4 page image with the lines printed on it, as a scanner would see it."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font_path = next(
        (
            d / "DejaVuSerif.ttf"
            for d in render._FONT_DIRS  # noqa: SLF001
            if (d / "DejaVuSerif.ttf").is_file()
        ),
        None,
    )
    if font_path is None:
        import reportlab

        font_path = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    font = ImageFont.truetype(str(font_path), size=int(dpi * 12 / 72))
    y = int(1.0 * dpi)
    for line in lines:
        draw.text((int(0.9 * dpi), y), line, fill=0, font=font)
        y += int(dpi * 20 / 72)
    return image


def test_mixed_pdf_ocrs_only_the_page_without_text(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    fonts = render._register_fonts()  # noqa: SLF001
    first = [
        "Samverkansöverenskommelse mellan Alingsås kommun och Polisen",
        "Överenskommelsen ingås mellan Alingsås kommun och lokalpolisområde Alingsås.",
    ]
    second = [
        "Giltighetstid",
        "Överenskommelsen gäller från den 1 januari 2025",
        "till den 31 december 2027.",
    ]
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.setFont(fonts["serif"], 12)
    for k, line in enumerate(first):
        c.drawString(72, height - 90 - 20 * k, line)
    c.showPage()
    c.drawImage(ImageReader(_text_image(second)), 0, 0, width=width, height=height)
    c.showPage()
    c.save()
    document = read_document(path)
    assert document.ocr is True and document.pages == 2
    page1 = " ".join(document.block_text(b) for b in document.blocks if b.page == 1)
    page2 = " ".join(document.block_text(b) for b in document.blocks if b.page == 2)
    # page 1 from its text layer, exactly
    assert page1 == " ".join(first)
    # page 2 by OCR: the words come back (OCR may slip on a letter, not on these)
    for word in ("Giltighetstid", "gäller", "januari", "2025", "december", "2027"):
        assert word in page2, (word, page2)
    record = extract_agreement(document)
    assert record.source.ocr is True
    assert record.period is not None
    assert (record.period.start, record.period.end) == ("2025-01-01", "2027-12-31")
    assert record.period.evidence.page == 2


# An invented medborgarlöfte whose layout a scan loses most of: numbered headings set
# bold at body size, promises that open in lower case under a bullet, a title's period
# with an en dash, and two signature blocks side by side.
PROMISES = """Samverkansöverenskommelse och medborgarlöfte för Tranås 2025–2027

1. Parter
Överenskommelsen ingås mellan Tranås kommun, org.nr 212000-0597, och Polismyndigheten, \
lokalpolisområde Jönköping.

2. Giltighetstid
Överenskommelsen gäller från den 1 januari 2025 till den 31 december 2027.

3. Medborgarlöfte

Polisen lovar att:
• öka närvaron vid resecentrum fredags- och lördagskvällar
• genomföra trafikkontroller vid skolorna varje termin
• besöka högstadieskolorna och prata om narkotika

Kommunen lovar att:
• förbättra belysningen i Stadsparken och längs gångvägen till stationen
• erbjuda föräldrastöd till familjer med barn i riskzon

4. Underskrifter

Tranås den 10 december 2024

Anna Ek                              Per Holm
Kommunstyrelsens ordförande          Lokalpolisområdeschef
"""


def test_a_scanned_medborgarlofte_keeps_its_headings_promises_and_signers(
    tmp_path: Path,
) -> None:
    source = tmp_path / "tranas.txt"
    source.write_text(PROMISES, encoding="utf-8")
    scanned = render.render_scanned_pdf(source, tmp_path / "tranas.pdf", seed=3, dpi=SCAN_DPI)
    document, record = ocr_read(scanned)
    headings = [document.block_text(b) for b in document.blocks if b.kind == "heading"]
    for heading in ("1. Parter", "2. Giltighetstid", "3. Medborgarlöfte", "4. Underskrifter"):
        assert heading in headings, headings
    assert record.title is not None
    assert record.title.value.endswith("Tranås 2025–2027")
    assert [p.org_number for p in record.parties] == ["212000-0597", None]
    promises = [(c.party.kinds, c.text.split()[0]) for c in record.commitments]
    assert promises == [
        (["police"], "öka"),
        (["police"], "genomföra"),
        (["police"], "besöka"),
        (["municipality"], "förbättra"),
        (["municipality"], "erbjuda"),
    ]
    assert [(s.name, s.title) for s in record.signatories] == [
        ("Anna Ek", "Kommunstyrelsens ordförande"),
        ("Per Holm", "Lokalpolisområdeschef"),
    ]

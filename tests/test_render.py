"""Tests for the fixture renderer (tests/fixtures/render.py).

They check the renderings with pdfplumber and python-docx directly, not with the
package, so that the fixtures can be trusted when the package is tested on them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fixtures import render  # noqa: E402

pdfplumber = pytest.importorskip("pdfplumber")
docx = pytest.importorskip("docx")
pytest.importorskip("reportlab")

SEED_DIRS = [
    ROOT / "corpus" / "agreements",
    ROOT.parent / "shared" / "seeds",
    Path("/work/shared/seeds"),
]

# the signatories of the five seed agreements, and how their signature area is laid out
SEEDS = {
    "000_5d68ca22a3f54acc": {
        "names": ["Niklas Larsson", "Niklas Årcen", "Petra Gummesson", "Veronica Gustafsson"],
        "columns": 2,
    },
    "001_269c87d33e37dbb2": {"names": ["Camilla Palm", "Fredrik Liljeroos"], "columns": 2},
    "002_5096e6c425a12633": {"names": ["Lotta Petersson", "Lars Altgård"], "columns": 2},
    "003_a870417d0ab665fe": {"names": ["Lars Johnson", "Patrik Ahrlin"], "columns": 2},
    # flattened side-by-side layout: rendered as one column of lines, no table
    "004_2318aa13b23974ad": {
        "names": ["Ove Bengtsson", "Gustav Rosén Zetterberg", "Linda Hilmarsson"],
        "columns": None,
    },
}


def _find_seed(stem: str) -> Path | None:
    for d in SEED_DIRS:
        for ext in (".txt", ".md"):
            p = d / f"{stem}{ext}"
            if p.is_file():
                return p
    return None


SEED_PATHS = {stem: _find_seed(stem) for stem in SEEDS}
AVAILABLE = [stem for stem, p in SEED_PATHS.items() if p is not None]
pytestmark = pytest.mark.skipif(not AVAILABLE, reason="seed agreements not found")

FOOTER_RE = re.compile(r"^Sida (\d+) av (\d+)$")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixtures")
    sources = [SEED_PATHS[s] for s in AVAILABLE]
    res = render.render_all(sources, out, scanned=2, two_column=2)
    return out, res


def _pdf_page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def _body_text(page_texts: list[str], headers: tuple[list[str], list[str]] | None = None) -> str:
    """Page texts without the page header (``headers``: its lines on the first page and
    on the others, as ``render.page_headers`` gives them; the fixed running header when
    not given) and the footer line."""
    out = []
    for n, t in enumerate(page_texts):
        lines = t.split("\n")
        if headers is None:
            if lines and lines[0].strip() == render.HEADER_TEXT:
                lines = lines[1:]
        else:
            head = headers[0] if n == 0 else headers[1]
            assert [_ws(x) for x in lines[: len(head)]] == [_ws(x) for x in head]
            lines = lines[len(head) :]
        if lines and FOOTER_RE.match(lines[-1].strip()):
            lines = lines[:-1]
        out.append("\n".join(lines))
    return "\n".join(out)


def _furniture_words(path: Path) -> Counter:
    """Words of the source that the renderings print in the page header or not at all:
    a letterhead over the title (the page header), a text dump's page numbers and each
    copy of its running header (the renderer numbers its pages and draws its own
    header)."""
    text = render.load_text(path)
    els = render.parse_file(path)
    head = {_ws(x) for e in els if e.kind == "letterhead" for x in e.raw_lines}
    words: Counter = Counter()
    for line in text.split("\n"):
        s = _ws(line)
        if s in head or (s and render._PAGE_NO.match(s)):
            words.update(re.findall(r"\w+", s))
    return words


def _ws(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _source_words(path: Path) -> Counter:
    """Words of the source file with markup removed by a crude, independent stripper.

    A word hyphenated at a line end ("brottsföre-" / "byggande") counts as one word,
    unless the next line starts with "och"/"eller" ("hälso- och").
    """
    text = render.load_text(path)
    text = re.sub(r"</?\w+\s*/?>", " ", text)
    text = re.sub(r"(?<!\w)_+|_+(?!\w)", " ", text)
    text = re.sub(
        r"(\w)-[ \t]*\n[ \t]*(?!(?:och|eller|samt|respektive|resp)\b)([a-zåäöé])", r"\1\2", text
    )
    return Counter(re.findall(r"\w+", text))


def _docx_expected_words(path: Path) -> Counter:
    """Source words less the numbers and letters of numbered list items (Word numbers
    them itself) and less the page furniture."""
    numbers = Counter(
        chr(96 + (e.number or 1)) if e.letter else str(e.number)
        for e in render.parse_file(path)
        if e.kind == "numbered"
    )
    return _source_words(path) - numbers - _furniture_words(path)


def _dehyphenated_words(text: str, vocabulary: Counter) -> Counter:
    """Words of extracted text; "xx-\\nyy" is joined when "xxyy" is a source word."""
    lines = text.split("\n")
    words: list[str] = []
    carry = None
    for line in lines:
        toks = re.findall(r"\w+", line)
        if carry is not None and toks and carry + toks[0] in vocabulary:
            toks[0] = carry + toks[0]
        elif carry is not None:
            words.append(carry)
        carry = None
        if re.search(r"\w-$", line.rstrip()) and toks:
            carry = toks.pop()
        words.extend(toks)
    if carry is not None:
        words.append(carry)
    return Counter(words)


def _assert_same_words(got: Counter, src: Counter) -> None:
    """got == src, except that a source word may come back as two pieces: a word
    hyphenated inside a table cell or a side-by-side signature block cannot be joined
    by reading lines, since the neighbouring cell's words sit on the same line."""
    # a line to sign on ("Underskrift: ______") is drawn, not a word
    got = Counter({w: n for w, n in got.items() if w.strip("_")})
    missing, extra = src - got, got - src
    for w, n in list(missing.items()):
        for _ in range(n):
            for i in range(2, len(w) - 1):
                a, b = w[:i], w[i:]
                if extra[a] > 0 and extra[b] > 0:
                    extra[a] -= 1
                    extra[b] -= 1
                    missing[w] -= 1
                    break
    missing, extra = +missing, +extra
    assert not missing and not extra, f"missing={dict(missing)} extra={dict(extra)}"


def _headings(stem: str) -> list[str]:
    els = render.parse_file(SEED_PATHS[stem])
    return [e.text for e in els if e.kind in ("title", "heading")]


# --------------------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", AVAILABLE)
def test_parse_signatures(stem):
    els = render.parse_file(SEED_PATHS[stem])
    sigs = [e for e in els if e.kind == "signatures"]
    assert len(sigs) == 1 and els[-1].kind == "signatures"
    sig = sigs[0]
    names = SEEDS[stem]["names"]
    if SEEDS[stem]["columns"] is None:
        assert sig.flat and not sig.blocks
        for n in names:
            assert n in sig.lines
    else:
        assert not sig.flat
        assert [b.lines[0] for b in sig.blocks] == names
        assert all(len(b.lines) >= 2 for b in sig.blocks)
    assert sum(1 for e in els if e.kind == "title") == 1


def test_parse_details():
    if "000_5d68ca22a3f54acc" in AVAILABLE:
        els = render.parse_file(SEED_PATHS["000_5d68ca22a3f54acc"])
        title = next(e for e in els if e.kind == "title")
        assert title.text == "Samverkansöverenskommelse 2023–2026"
        b = next(e for e in els if e.kind == "signatures").blocks[3]
        assert b.lines == [
            "Veronica Gustafsson",
            "Kommunpolis Osby, Östra Göinge",
            "Lokalpolisområde Hässleholm",
        ]
    if "001_269c87d33e37dbb2" in AVAILABLE:
        sig = render.parse_file(SEED_PATHS["001_269c87d33e37dbb2"])[-1]
        assert [b.place_date for b in sig.blocks] == [["2025-02-07 Kristianstad"]] * 2
        assert sig.lines == []
    if "002_5096e6c425a12633" in AVAILABLE:
        sig = render.parse_file(SEED_PATHS["002_5096e6c425a12633"])[-1]
        assert sig.lines == ["Lessebo 2019-04-26"]
        assert all(not b.place_date for b in sig.blocks)
    if "003_a870417d0ab665fe" in AVAILABLE:
        els = render.parse_file(SEED_PATHS["003_a870417d0ab665fe"])
        assert els[-1].lines == ["Burlöv 2020-03-XX"]
        assert [e.number for e in els if e.kind == "numbered"] == [1, 2, 3]
    if "004_2318aa13b23974ad" in AVAILABLE:
        els = render.parse_file(SEED_PATHS["004_2318aa13b23974ad"])
        assert (
            next(e for e in els if e.kind == "title").text == "SAMVERKANSÖVERENSKOMMELSE 2024–2026"
        )
        assert els[-1].lines[0] == "Laholm den 12 januari 2023"
        assert "BAKGRUND" in [e.text for e in els if e.kind == "heading"]


def test_parse_markup_and_tables():
    text = (
        "# Avtal om samverkan\n\nInledande *kursiv* och **fet** text med <b>html</b> och 2 * 3.\n\n"
        "| Forum | Möten |\n|---|---|\n| Lokala Brå | 4 |\n| EST | 52 |\n\n"
        "- punkt ett\n  fortsätter\n- punkt två\n\n3. tredje\n4. fjärde\n\n"
        "Ort och datum\n\nAnna Andersson\nKommunstyrelsens ordförande\nX kommun\n\n"
        "Bertil Berg\nLokalpolisområdeschef\nLPO Y\n\nCecilia Ceder\nKriminalvårdschef\nKriminalvården\n"
    )
    els = render.parse_agreement(text)
    kinds = [e.kind for e in els]
    assert kinds == [
        "title",
        "paragraph",
        "table",
        "bullet",
        "bullet",
        "numbered",
        "numbered",
        "signatures",
    ]
    assert els[1].text == "Inledande kursiv och fet text med html och 2 * 3."
    assert els[2].rows == [["Forum", "Möten"], ["Lokala Brå", "4"], ["EST", "52"]]
    assert els[3].text == "punkt ett fortsätter"
    assert els[5].number == 3
    sig = els[-1]
    assert sig.lines == ["Ort och datum"] and len(sig.blocks) == 3
    assert render._sig_columns(len(sig.blocks)) == 3


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16-le", b"\xff\xfe")],
)
def test_load_text_encodings(tmp_path, encoding, bom):
    text = "Överenskommelse för Hässleholm – 2024\r\nÅtgärdsplan\r\n"
    p = tmp_path / "a.txt"
    p.write_bytes(bom + text.encode(encoding))
    assert render.load_text(p) == text.replace("\r\n", "\n")


# --------------------------------------------------------------------------------------
# born-digital PDF
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", AVAILABLE)
def test_pdf_content(rendered, stem):
    out, _ = rendered
    pdf_path = out / "pdf" / f"{stem}.pdf"
    texts = _pdf_page_texts(pdf_path)
    assert len(texts) >= 1
    for i, t in enumerate(texts, 1):
        lines = [ln.strip() for ln in t.split("\n") if ln.strip()]
        assert lines[0] == render.HEADER_TEXT
        assert lines[-1] == f"Sida {i} av {len(texts)}"
    body = _body_text(texts)
    flat = _ws(body)
    for name in SEEDS[stem]["names"]:
        assert name in flat, name
    for h in _headings(stem):
        assert _ws(h) in flat, h
    # every content word, no more, no less (modulo hyphenation at line ends)
    src = _source_words(SEED_PATHS[stem])
    _assert_same_words(_dehyphenated_words(body, src), src)


def test_pdf_hyphenation_and_swedish_letters(rendered):
    out, _ = rendered
    split = 0
    for stem in AVAILABLE:
        body = _body_text(_pdf_page_texts(out / "pdf" / f"{stem}.pdf"))
        split += len(re.findall(r"[a-zåäö]-\n[a-zåäö]", body))
        assert "å" in body and "ä" in body and "ö" in body
        assert "\ufffd" not in body and "(cid:" not in body
    assert split >= 5


def test_pdf_signatures_side_by_side(rendered):
    out, _ = rendered
    for stem in AVAILABLE:
        cols = SEEDS[stem]["columns"]
        if cols is None:
            continue
        names = SEEDS[stem]["names"]
        with pdfplumber.open(out / "pdf" / f"{stem}.pdf") as pdf:
            words = pdf.pages[-1].extract_words()
        pos = {}
        for n in names:
            last = n.split()[-1]
            hits = [w for w in words if w["text"] == last]
            assert hits, n
            pos[n] = hits[-1]
        a, b = pos[names[0]], pos[names[1]]
        assert abs(a["top"] - b["top"]) < 1 and b["x0"] > a["x0"] + 100


def test_pdf_two_columns(rendered):
    out, res = rendered
    assert res["pdf2col"]
    for p in res["pdf2col"]:
        with pdfplumber.open(p) as pdf:
            page = pdf.pages[0]
            mid = page.width / 2
            words = [w for w in page.extract_words() if 80 < w["top"] < page.height - 80]
            left = [w for w in words if w["x1"] < mid]
            right = [w for w in words if w["x0"] > mid]
            assert len(left) > 50 and len(right) > 50
            assert not [w for w in words if w["x0"] < mid - 5 < mid + 5 < w["x1"]]
            # read column by column, inside the running header and footer (plain
            # extract_text interleaves the two columns line by line)
            texts = []
            for pg in pdf.pages:
                mid, top, bottom = pg.width / 2, 60, pg.height - 60
                for box in ((0, top, mid, bottom), (mid, top, pg.width, bottom)):
                    texts.append(pg.crop(box).extract_text() or "")
        src = _source_words(SEED_PATHS[p.stem])
        _assert_same_words(_dehyphenated_words("\n".join(texts), src), src)


def test_pdf_fake_bold(tmp_path):
    stem = AVAILABLE[0]
    p = render.render_pdf(SEED_PATHS[stem], tmp_path / "bold.pdf", fake_bold_headings=True)
    heading = next(e.text for e in render.parse_file(SEED_PATHS[stem]) if e.kind == "heading")
    doubled = "".join(c * 2 for c in heading.split()[0])
    with pdfplumber.open(p) as pdf:
        raw = "\n".join(pg.extract_text() for pg in pdf.pages)
        clean = "\n".join(pg.dedupe_chars().extract_text() for pg in pdf.pages)
    assert doubled in raw
    assert heading in _ws(clean)


def test_pdf_without_hyphenation(tmp_path):
    stem = AVAILABLE[0]
    p = render.render_pdf(SEED_PATHS[stem], tmp_path / "nohy.pdf", hyphenate=False)
    body = _body_text(_pdf_page_texts(p))
    assert not re.findall(r"[a-zåäö]-\n[a-zåäö]", body)


def test_deterministic(tmp_path):
    stem = AVAILABLE[0]
    a = render.render_pdf(SEED_PATHS[stem], tmp_path / "a.pdf").read_bytes()
    b = render.render_pdf(SEED_PATHS[stem], tmp_path / "b.pdf").read_bytes()
    assert a == b
    a = render.render_docx(SEED_PATHS[stem], tmp_path / "a.docx").read_bytes()
    b = render.render_docx(SEED_PATHS[stem], tmp_path / "b.docx").read_bytes()
    assert a == b


# --------------------------------------------------------------------------------------
# scanned PDF
# --------------------------------------------------------------------------------------


def test_scanned_pdf(rendered):
    out, res = rendered
    assert res["scanned"]
    for p in res["scanned"]:
        n_digital = len(_pdf_page_texts(out / "pdf" / p.name))
        with pdfplumber.open(p) as pdf:
            assert len(pdf.pages) == n_digital
            for page in pdf.pages:
                assert page.chars == []
                assert len(page.images) == 1


def test_scanned_deterministic(tmp_path):
    stem = AVAILABLE[0]
    a = render.render_scanned_pdf(
        SEED_PATHS[stem], tmp_path / "a.pdf", seed=3, dpi=100
    ).read_bytes()
    b = render.render_scanned_pdf(
        SEED_PATHS[stem], tmp_path / "b.pdf", seed=3, dpi=100
    ).read_bytes()
    c = render.render_scanned_pdf(
        SEED_PATHS[stem], tmp_path / "c.pdf", seed=4, dpi=100
    ).read_bytes()
    assert a == b and a != c


# --------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------


def _docx_body_text(d) -> str:
    parts = []
    for block in d.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    parts.append(cell.text)
        else:
            parts.append(block.text)
    return "\n".join(parts)


@pytest.mark.parametrize("stem", AVAILABLE)
def test_docx(rendered, stem):
    out, _ = rendered
    d = docx.Document(str(out / "docx" / f"{stem}.docx"))
    styles = [p.style.name for p in d.paragraphs]
    assert styles.count("Title") == 1
    assert any(s.startswith("Heading") for s in styles)
    names = SEEDS[stem]["names"]
    sig_tables = [t for t in d.tables if any(n in t._tbl.xml for n in names)]
    if SEEDS[stem]["columns"] is None:
        assert not sig_tables
    else:
        assert len(sig_tables) == 1
        t = sig_tables[0]
        assert len(t.columns) in (2, 3) and len(t.columns) == SEEDS[stem]["columns"]
        cells = [c.text for row in t.rows for c in row.cells]
        for n in names:
            assert sum(n in c for c in cells) == 1
        assert "w:tblBorders" not in t._tbl.xml and t.style.name != "Table Grid"
    text = _docx_body_text(d)
    for n in names:
        assert n in text
    src = _docx_expected_words(SEED_PATHS[stem])
    got = Counter(re.findall(r"\w+", text))
    _assert_same_words(got, src)
    sec = d.sections[0]
    assert sec.header.paragraphs[0].text == render.HEADER_TEXT
    footer_xml = sec.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "Sida" in footer_xml


def test_docx_lists(rendered):
    out, _ = rendered
    for stem in AVAILABLE:
        d = docx.Document(str(out / "docx" / f"{stem}.docx"))
        els = render.parse_file(SEED_PATHS[stem])
        styles = [p.style.name for p in d.paragraphs]
        n_bullets = sum(1 for e in els if e.kind == "bullet")
        n_numbered = sum(1 for e in els if e.kind == "numbered")
        assert styles.count("List Number") == n_numbered
        # short party lists may become a party table instead of bullets
        assert styles.count("List Bullet") <= n_bullets
        assert styles.count("List Bullet") >= n_bullets - 6


DATA_DIR = ROOT / "tests" / "data" / "agreements"
DATA_FILES = (
    sorted(p for p in DATA_DIR.glob("*") if p.suffix.lower() in (".txt", ".md"))
    if DATA_DIR.is_dir()
    else []
)


@pytest.mark.parametrize("src", DATA_FILES, ids=[p.name for p in DATA_FILES])
def test_data_agreements_faithful(tmp_path, src):
    """Every content word of each test agreement comes back from its PDF and DOCX."""
    words = _source_words(src) - _furniture_words(src)
    headers = render.page_headers(render.parse_file(src))
    pdf_path = render.render_pdf(src, tmp_path / f"{src.stem}.pdf")
    texts = _pdf_page_texts(pdf_path)
    for i, t in enumerate(texts, 1):
        assert t.strip().split("\n")[-1].strip() == f"Sida {i} av {len(texts)}"
    _assert_same_words(_dehyphenated_words(_body_text(texts, headers), words), words)
    d = docx.Document(str(render.render_docx(src, tmp_path / f"{src.stem}.docx")))
    got = Counter(re.findall(r"\w+", _docx_body_text(d)))
    words = _docx_expected_words(src)
    _assert_same_words(got, words)
    sec = d.sections[0]
    first = sec.first_page_header if sec.different_first_page_header_footer else sec.header
    assert [_ws(x.text) for x in first.paragraphs] == [_ws(x) for x in headers[0]]
    assert [_ws(x.text) for x in sec.header.paragraphs] == [_ws(x) for x in headers[1]]


# --------------------------------------------------------------------------------------
# render_all / CLI
# --------------------------------------------------------------------------------------


def test_render_all_layout_and_cache(tmp_path):
    sources = [SEED_PATHS[s] for s in AVAILABLE[:2]]
    res = render.render_all(sources, tmp_path, scanned=1, two_column=1)
    assert [p.name for p in res["pdf"]] == [f"{s.stem}.pdf" for s in sources]
    assert [p.name for p in res["docx"]] == [f"{s.stem}.docx" for s in sources]
    assert len(res["scanned"]) == 1 and len(res["pdf2col"]) == 1
    mtimes = {p: p.stat().st_mtime_ns for ps in res.values() for p in ps}
    res2 = render.render_all(sources, tmp_path, scanned=1, two_column=1)
    assert {p: p.stat().st_mtime_ns for ps in res2.values() for p in ps} == mtimes


def test_cli(tmp_path):
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    stem = AVAILABLE[0]
    (src_dir / f"{stem}.txt").write_bytes(SEED_PATHS[stem].read_bytes())
    (src_dir / "extra.md").write_text(
        "## Samverkansöverenskommelse\n\nText om samverkan.\n\nOsby 2024-01-01\n\nA B\nTitel\n\nC D\nTitel\n",
        encoding="cp1252",
    )
    out = tmp_path / "out"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.fixtures.render",
            str(src_dir),
            "-o",
            str(out),
            "--scanned",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert (out / "pdf" / f"{stem}.pdf").is_file()
    assert (out / "docx" / "extra.docx").is_file()
    assert not (out / "scanned").exists() or not any((out / "scanned").iterdir())


# --------------------------------------------------------------------------------------
# fidelity to the source layout
# --------------------------------------------------------------------------------------


def _pdf_lines(path: Path) -> list[str]:
    return _body_text(_pdf_page_texts(path)).split("\n")


def test_setext_headings_without_underline(tmp_path):
    text = (
        "Kommunen · Polisen\n\n\n"
        "Samverkansöverenskommelse för trygghet i Östersund\n"
        "==================================================\n\n"
        "Parter\n------\n\nÖverenskommelsen ingås mellan kommunen och polisen.\n\n"
        "Uppföljning\n-----------\n\nÖverenskommelsen följs upp årligen.\n\n"
        "Underskrifter\n-------------\n\nÖstersund den 12 juni 2023\n\n"
        "Karin Edholm, kommunstyrelsens ordförande\nAnneli Sjöström, lokalpolisområdeschef\n"
    )
    els = render.parse_agreement(text)
    assert [(e.kind, e.text) for e in els if e.kind in ("title", "heading")] == [
        ("title", "Samverkansöverenskommelse för trygghet i Östersund"),
        ("heading", "Parter"),
        ("heading", "Uppföljning"),
        ("heading", "Underskrifter"),
    ]
    assert not any(e.kind == "rule" for e in els)
    assert len({e.level for e in els if e.kind == "heading"}) == 1
    src = tmp_path / "setext.txt"
    src.write_text(text, encoding="utf-8")
    body = _body_text(_pdf_page_texts(render.render_pdf(src, tmp_path / "s.pdf")))
    assert "===" not in body and "---" not in body
    d = docx.Document(str(render.render_docx(src, tmp_path / "s.docx")))
    styles = {p.text: p.style.name for p in d.paragraphs}
    assert styles["Samverkansöverenskommelse för trygghet i Östersund"] == "Title"
    assert styles["Parter"].startswith("Heading")


def test_signature_org_line_stays_above_its_name(tmp_path):
    text = (
        "# Överenskommelse om samverkan\n\nText om samverkan.\n\n**Underskrifter**\n\n"
        "Trollhättan den 9 januari 2023  \nFör Trollhättans stad\n\n"
        "Peter Sundelin  \nKommunstyrelsens ordförande\n\n"
        "Vänersborg den 11 januari 2023  \nFör Polismyndigheten\n\n"
        "Annika Wester  \nLokalpolisområdeschef\n"
    )
    sig = render.parse_agreement(text)[-1]
    assert [(b.place_date, b.lines) for b in sig.blocks] == [
        (
            ["Trollhättan den 9 januari 2023", "För Trollhättans stad"],
            ["Peter Sundelin", "Kommunstyrelsens ordförande"],
        ),
        (
            ["Vänersborg den 11 januari 2023", "För Polismyndigheten"],
            ["Annika Wester", "Lokalpolisområdeschef"],
        ),
    ]
    src = tmp_path / "t.md"
    src.write_text(text, encoding="utf-8")
    d = docx.Document(str(render.render_docx(src, tmp_path / "t.docx")))
    cell = [p.text for p in d.tables[-1].cell(0, 0).paragraphs]
    assert cell.index("För Trollhättans stad") < cell.index("Peter Sundelin")
    lines = _pdf_lines(render.render_pdf(src, tmp_path / "t.pdf"))
    org = next(i for i, ln in enumerate(lines) if "För Trollhättans stad" in ln)
    name = next(i for i, ln in enumerate(lines) if "Peter Sundelin" in ln)
    assert org < name and "Peter" not in lines[org]


def test_signature_cells_line_up(tmp_path):
    # one block without a date, two with: every cell of the row gets the same number
    # of lines above the name, so that names (and dates) share a line
    text = (
        "Avtal om samverkan\n\nText om samverkan.\n\nH. Underskrifter\n\n"
        "Karin Löfstedt\nKommunstyrelsens ordförande\nNorrköpings kommun\n\n"
        "Norrköping 2022-01-20\n\nEmma Strandberg\nLokalpolisområdeschef\nLPO Norrköping\n\n"
        "Linköping 2022-01-24\n\nTommy Sandell\nPolisområdeschef\nPolisområde Östergötland\n"
    )
    els = render.parse_agreement(text)
    assert [e.text for e in els if e.kind == "heading"] == ["H. Underskrifter"]
    sig = els[-1]
    assert [b.place_date for b in sig.blocks] == [
        [],
        ["Norrköping 2022-01-20"],
        ["Linköping 2022-01-24"],
    ]
    src = tmp_path / "n.txt"
    src.write_text(text, encoding="utf-8")
    d = docx.Document(str(render.render_docx(src, tmp_path / "n.docx")))
    t = d.tables[-1]
    cells = [[p.text for p in t.cell(0, c).paragraphs] for c in range(len(t.columns))]
    name_rows = [
        next(
            i
            for i, x in enumerate(c)
            if x in ("Karin Löfstedt", "Emma Strandberg", "Tommy Sandell")
        )
        for c in cells
    ]
    assert len(set(name_rows)) == 1
    with pdfplumber.open(render.render_pdf(src, tmp_path / "n.pdf")) as pdf:
        words = pdf.pages[-1].extract_words()
    tops = {w["text"]: round(w["top"]) for w in words}
    assert tops["Karin"] == tops["Emma"] == tops["Tommy"]


def test_signature_dates_in_source_order():
    # person, date, person, date: each date stays under its person
    text = (
        "Avtal om samverkan\n\nText om samverkan.\n\nUnderskrifter\n\n"
        "Ulrika Dahl\nKommunstyrelsens ordförande\nDatum: 2023-12-18\n\n"
        "Robert Granlund\nLokalpolisområdeschef\nDatum: 2023-12-21\n"
    )
    sig = render.parse_agreement(text)[-1]
    assert [(b.place_date, b.tail) for b in sig.blocks] == [
        ([], ["Datum: 2023-12-18"]),
        ([], ["Datum: 2023-12-21"]),
    ]
    # one date after all persons stays below them
    text = (
        "Avtal om samverkan\n\nText om samverkan.\n\nUnderskrifter\n\n"
        "Anna Andersson\nKommunstyrelsens ordförande\n\n"
        "Bertil Berg\nLokalpolisområdeschef\n\nKalmar 2020-03-25\n\nCecilia Ceder\nFrivårdschef\n"
    )
    sig = render.parse_agreement(text)[-1]
    assert sig.lines == [] and [b.place_date for b in sig.blocks] == [[], [], ["Kalmar 2020-03-25"]]


def test_tab_date_row_stays_above_its_signatory(tmp_path):
    """Blocks typed side by side with tabs: a grid of cells in the PDF, lines typed with
    tabs in the DOCX, the dates above the names in both."""
    text = (
        "Avtal om samverkan\n\nText om samverkan.\n\nUNDERSKRIFTER.\n\n"
        "Karlskrona den 22 juni 2023\t\tKarlskrona den 22 juni 2023\n\n\n"
        "Magnus Bergdahl\t\t\tSofie Hultgren\n"
        "Kommunstyrelsens ordförande\t\tLokalpolisområdeschef\n"
        "Karlskrona kommun\t\t\tLPO Karlskrona\n"
    )
    sig = render.parse_agreement(text)[-1]
    assert [(b.place_date, b.lines) for b in sig.blocks] == [
        (
            ["Karlskrona den 22 juni 2023"],
            ["Magnus Bergdahl", "Kommunstyrelsens ordförande", "Karlskrona kommun"],
        ),
        (
            ["Karlskrona den 22 juni 2023"],
            ["Sofie Hultgren", "Lokalpolisområdeschef", "LPO Karlskrona"],
        ),
    ]
    assert not sig.rows and not sig.after and sig.columns == 2
    src = tmp_path / "k.txt"
    src.write_text(text, encoding="utf-8")
    lines = _pdf_lines(render.render_pdf(src, tmp_path / "k.pdf"))
    date = next(i for i, ln in enumerate(lines) if "22 juni 2023" in ln)
    name = next(i for i, ln in enumerate(lines) if "Magnus Bergdahl" in ln)
    assert date < name
    # typed with tabs in the source: typed with tabs in Word, one paragraph a line
    assert sig.typed[0] == "Karlskrona den 22 juni 2023\t\tKarlskrona den 22 juni 2023"
    d = docx.Document(str(render.render_docx(src, tmp_path / "k.docx")))
    paras = [p.text for p in d.paragraphs]
    date = paras.index("Karlskrona den 22 juni 2023\tKarlskrona den 22 juni 2023")
    assert paras.index("Magnus Bergdahl\tSofie Hultgren") > date
    assert not d.tables


def test_letterhead_and_running_header_go_to_the_page_header(tmp_path):
    """A letterhead in columns over the title is the first page's header; a text dump's
    running header (repeated at each "Sida N av M") is every page's header, its copies
    and the page numbers gone from the body."""

    def body(page: int) -> str:
        return "".join(
            f"Parterna samverkar kring trygghet och brott i område {page}.{k} varje år.\n\n"
            for k in range(40)
        )

    text = (
        "ENKÖPINGS KOMMUN                          POLISEN\n"
        "Datum 2016-08-25                          Dnr KS2016/412\n\n"
        "        Samverkansöverenskommelse för ett tryggare\n"
        "                Enköping 2016–2019\n\n"  # centred: one title over two lines
        + body(1)
        + "                                                    Sida 1 av 2\n"
        "Enköpings kommun – samverkan\n\n"
        + body(2)
        + "                                                    Sida 2 av 2\n"
        "Enköpings kommun – samverkan\n\nSlut på texten här.\n"
    )
    els = render.parse_agreement(text)
    first, rest = render.page_headers(els)
    assert [_ws(x) for x in first] == [
        "ENKÖPINGS KOMMUN POLISEN",
        "Datum 2016-08-25 Dnr KS2016/412",
    ]
    assert rest == ["Enköpings kommun – samverkan"]
    assert next(e.text for e in els if e.kind == "title") == (
        "Samverkansöverenskommelse för ett tryggare Enköping 2016–2019"
    )
    body_text = render.plain_text([e for e in els if e.kind != "letterhead"])
    assert "Sida" not in body_text and "samverkan\n" not in body_text
    src = tmp_path / "e.txt"
    src.write_text(text, encoding="utf-8")
    d = docx.Document(str(render.render_docx(src, tmp_path / "e.docx")))
    sec = d.sections[0]
    assert sec.different_first_page_header_footer
    assert [p.text for p in sec.first_page_header.paragraphs][1] == (
        "Datum 2016-08-25\t\tDnr KS2016/412"
    )
    assert [p.text for p in sec.header.paragraphs] == ["Enköpings kommun – samverkan"]
    pages = _pdf_page_texts(render.render_pdf(src, tmp_path / "e.pdf"))
    assert pages[0].startswith("ENKÖPINGS KOMMUN POLISEN\nDatum 2016-08-25 Dnr KS2016/412")
    assert all(t.startswith("Enköpings kommun – samverkan") for t in pages[1:])


@pytest.mark.parametrize(
    "lines,title",
    [
        (["Överenskommelse om samverkan", "mellan Exby kommun och Polisen"], 2),
        (["SAMVERKANSÖVERENSKOMMELSE – EXBY KOMMUN OCH", "LOKALPOLISOMRÅDE EXBY 2021–2024"], 2),
        (["Samverkansöverenskommelse för Exby kommun", "2023–2025"], 2),
        (["Samverkansöverenskommelse Exby 2022–2025", "Reviderad 2024-03-11"], 1),
        (["SAMVERKANSÖVERENSKOMMELSE", "Exby kommun och lokalpolisområde Exby"], 1),
    ],
)
def test_title_lines_and_subtitle(lines, title):
    """A title goes on over a line in lower case, in capitals under capitals, or of
    years; a stamp or a line of parties under it is a subtitle paragraph."""
    els = render.parse_agreement("\n".join(lines) + "\n\nParterna samverkar i Exby.\n")
    assert els[0].kind == "title" and els[0].text == " ".join(lines[:title])
    if title < len(lines):
        assert els[1].kind == "paragraph" and els[1].text == lines[1]


def test_tables_typed_with_tabs_stay_typed_with_tabs_in_the_docx(tmp_path):
    """A table whose cells the source sets apart by tabs (as typed in Word) is typed with
    tabs in the DOCX, one paragraph a row; aligned with spaces, it is a real table."""
    text = (
        "Avtal om samverkan\n\nParterna är:\n\n"
        "Part\tOrganisationsnummer\nLunds kommun\t212000-1124\n\n"
        "Forum                Möten\nStyrgruppen          fyra gånger per år\n\n"
        "Parterna följer upp arbetet varje år.\n\nUnderskrifter\n\n"
        "Namn\tBefattning\tDatum\nKarin Sjögren\tKommunstyrelsens ordförande\t2022-03-01\n"
        "Fredrik Åberg\tLokalpolisområdeschef\t2022-03-02\n"
    )
    els = render.parse_agreement(text)
    tables = [e for e in els if e.kind == "table"]
    assert [t.tabs for t in tables] == [True, False]
    assert els[-1].tabs and els[-1].rows[1][0] == "Karin Sjögren"
    src = tmp_path / "t.txt"
    src.write_text(text, encoding="utf-8")
    d = docx.Document(str(render.render_docx(src, tmp_path / "t.docx")))
    paras = [p.text for p in d.paragraphs]
    assert "Lunds kommun\t212000-1124" in paras
    assert "Karin Sjögren\tKommunstyrelsens ordförande\t2022-03-01" in paras
    assert len(d.tables) == 1 and d.tables[0].cell(1, 0).text == "Styrgruppen"


def test_side_by_side_blocks_over_several_groups_become_a_grid(tmp_path):
    """Blocks typed side by side with aligned spaces, in groups (place and date, a
    dotted line, name, title, organisation; two rows of two): one cell per person, in
    the source's rows and columns, the wrapped title line joined."""
    text = (
        "Avtal om samverkan\n\nText om samverkan.\n\nUNDERSKRIFTER\n\n"
        "Ort och datum                       Ort och datum\n"
        "Vilhelmina 2017-06-12               Dorotea 2017-06-13\n\n"
        ".............................       .............................\n"
        "Maria Lundgren                      Per-Erik Holm\n"
        "Kommunstyrelsens                    Kommunstyrelsens ordförande\n"
        "ordförande\n"
        "Vilhelmina kommun                   Dorotea kommun\n\n\n"
        "Ort och datum                       Ort och datum\n"
        "Åsele 2017-06-13                    Lycksele 2017-06-19\n\n"
        ".............................       .............................\n"
        "Helena Nordin                       Stefan Wallin\n"
        "Kommunstyrelsens ordförande         Lokalpolisområdeschef\n"
        "Åsele kommun                        Lokalpolisområde Södra Lappland\n"
    )
    sig = render.parse_agreement(text)[-1]
    assert sig.columns == 2 and not sig.rows and not sig.flat
    assert [(b.place_date, b.lines) for b in sig.blocks] == [
        (
            ["Ort och datum", "Vilhelmina 2017-06-12"],
            ["Maria Lundgren", "Kommunstyrelsens ordförande", "Vilhelmina kommun"],
        ),
        (
            ["Ort och datum", "Dorotea 2017-06-13"],
            ["Per-Erik Holm", "Kommunstyrelsens ordförande", "Dorotea kommun"],
        ),
        (
            ["Ort och datum", "Åsele 2017-06-13"],
            ["Helena Nordin", "Kommunstyrelsens ordförande", "Åsele kommun"],
        ),
        (
            ["Ort och datum", "Lycksele 2017-06-19"],
            ["Stefan Wallin", "Lokalpolisområdeschef", "Lokalpolisområde Södra Lappland"],
        ),
    ]
    src = tmp_path / "v.txt"
    src.write_text(text, encoding="utf-8")
    t = docx.Document(str(render.render_docx(src, tmp_path / "v.docx"))).tables[-1]
    assert len(t.rows) == 2 and len(t.columns) == 2
    assert "Per-Erik Holm" in t.cell(0, 1).text and "Helena Nordin" in t.cell(1, 0).text
    # a table of signatories with one person a row under a header stays a table
    text = (
        "Avtal om samverkan\n\nText om samverkan.\n\nUnderskrifter\n\n"
        "Namn                Befattning                     Datum\n"
        "Ingrid Söderlund    Kommunstyrelsens ordförande    2013-02-18\n"
        "Peter Malmgren      Polisområdeschef               2013-02-26\n"
    )
    sig = render.parse_agreement(text)[-1]
    assert sig.rows[1] == ["Ingrid Söderlund", "Kommunstyrelsens ordförande", "2013-02-18"]
    assert not sig.blocks


def test_separate_short_lines_stay_lines_and_wrapped_prose_reflows(tmp_path):
    text = (
        "Avtal om samverkan\n\n"
        "Cykelstölder i stadskärnan\nNarkotika i nöjeslivet\nTrygghet i parker\n\n"
        "Parterna ska arbeta med tre områden och har valt dessa efter en gemensam\n"
        "lägesbild som togs fram under hösten. Områdena följs upp varje år av\n"
        "styrgruppen.\n\n"
        "Underskrifter\n\nÖstersund den 12 juni 2023\n\n"
        "Karin Edholm, kommunstyrelsens ordförande\n"
        "Mats Ringdahl, regionstyrelsens ordförande\n"
        "Anneli Sjöström, lokalpolisområdeschef\n"
    )
    els = render.parse_agreement(text)
    paras = [e for e in els if e.kind == "paragraph"]
    assert paras[0].breaks and len(paras[0].lines) == 3
    assert not paras[1].breaks and paras[1].text.startswith("Parterna ska arbeta")
    sig = els[-1]
    assert not sig.blocks and "Mats Ringdahl, regionstyrelsens ordförande" in sig.lines
    src = tmp_path / "o.txt"
    src.write_text(text, encoding="utf-8")
    lines = [ln.strip() for ln in _pdf_lines(render.render_pdf(src, tmp_path / "o.pdf"))]
    for want in (
        "Narkotika i nöjeslivet",
        "Karin Edholm, kommunstyrelsens ordförande",
        "Mats Ringdahl, regionstyrelsens ordförande",
        "Anneli Sjöström, lokalpolisområdeschef",
    ):
        assert want in lines
    d = docx.Document(str(render.render_docx(src, tmp_path / "o.docx")))
    texts = [p.text for p in d.paragraphs]
    assert "Mats Ringdahl, regionstyrelsens ordförande" in texts
    assert any(t.startswith("Parterna ska arbeta") and "styrgruppen." in t for t in texts)


def test_lettered_items_are_a_lettered_list(tmp_path):
    """ "a) ..." / "b. ..." lines are a list, lettered in the PDF and numbered with
    letters in the DOCX (as Word makes them), under the line that opens them."""
    text = (
        "Avtal om samverkan\n\nParterna prioriterar:\n"
        "  a. unga i riskzon,\n  b. våld i nära relationer,\n  c. stölder av drivmedel.\n\n"
        "Fokusområden:\n\na) Cykelstölder\nb) Narkotika i nöjeslivet\n\n"
        "Parterna följer upp arbetet varje år.\n"
    )
    els = render.parse_agreement(text)
    items = [(e.number, e.letter, e.text) for e in els if e.kind == "numbered"]
    assert items == [
        (1, ".", "unga i riskzon,"),
        (2, ".", "våld i nära relationer,"),
        (3, ".", "stölder av drivmedel."),
        (1, ")", "Cykelstölder"),
        (2, ")", "Narkotika i nöjeslivet"),
    ]
    assert [e.text for e in els if e.kind == "paragraph"] == [
        "Parterna prioriterar:",
        "Fokusområden:",
        "Parterna följer upp arbetet varje år.",
    ]
    src = tmp_path / "l.txt"
    src.write_text(text, encoding="utf-8")
    lines = [ln.strip() for ln in _pdf_lines(render.render_pdf(src, tmp_path / "l.pdf"))]
    assert "b. våld i nära relationer," in lines and "b) Narkotika i nöjeslivet" in lines
    d = docx.Document(str(render.render_docx(src, tmp_path / "l.docx")))
    numbered = [p for p in d.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == [x[2] for x in items]
    xml = d.part.numbering_part.element.xml
    assert 'w:val="lowerLetter"' in xml and 'w:val="%1)"' in xml


def test_run_in_heading_line_over_long_text_is_its_own_paragraph():
    text = (
        "# Avtal\n\n**1. Barn och unga i riskzon**\n"
        "Parterna ska arbeta för att tidigt upptäcka barn och unga som riskerar att hamna i "
        "kriminalitet. Arbetet sker i första hand inom SSPF och i samarbete med skolorna.\n"
    )
    paras = [e for e in render.parse_agreement(text) if e.kind == "paragraph"]
    assert [p.text for p in paras][:2] == [
        "1. Barn och unga i riskzon",
        "Parterna ska arbeta för att tidigt upptäcka barn och unga som riskerar att hamna i "
        "kriminalitet. Arbetet sker i första hand inom SSPF och i samarbete med skolorna.",
    ]

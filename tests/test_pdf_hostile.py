"""Hostile PDFs and scans: the reader stays within its time, memory and one parse.

* The time limit holds during OCR: a 30-page and a 300-page image-only scan with
  ``--timeout 10`` / ``--timeout 20`` stop within a few seconds of the limit, and the
  Tesseract process running when the limit strikes is killed, not left running (each
  run gets its own temporary folder, so its Tesseract processes can be found by the
  image path they were given).
* No handler in the PDF reader or OCR swallows the time limit (``TimeLimitExceeded`` is
  a ``BaseException``): every handler that could catch it raises it again.
* A poster page (3 x A0, a file of about 1 KB) is rendered for OCR within
  ``ocr.MAX_PIXELS``, with a warning naming the page and the scale, and the process
  stays far below 1.5 GB.
* A text layer of unmapped glyphs read by OCR instead gets a warning saying so.
* The PDF is parsed once: the file is read once and that buffer parsed by pypdfium2
  once (OCR pages included); pdfplumber parses the same buffer only when needed.
* An xref chain in a loop is read; a page tree nested deeper than a recursive reader's
  stack, or an xref loop in a file cut before its end marker, gives one line "not a
  readable PDF (...)" or "truncated PDF: ..." error, never a ``RecursionError``.

The hostile files are made by ``tests/fixtures/bad.py`` (``hostile_pdfs``, ``scan_pdf``).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from samverkan_extract import batch
from samverkan_extract.errors import InputError
from samverkan_extract.readers import read_document
from samverkan_extract.schema import ErrorRecord
from tests.conftest import ROOT
from tests.fixtures.bad import hostile_pdfs, scan_pdf

pytest.importorskip("pypdfium2")
pytest.importorskip("reportlab")

BAD = ROOT / "tests" / "data" / "bad"
READERS = ROOT / "samverkan_extract" / "readers"


def _ocr_missing() -> str | None:
    from samverkan_extract.errors import MissingDependencyError
    from samverkan_extract.readers.ocr import check_ocr_available

    try:
        check_ocr_available()
    except MissingDependencyError as exc:
        return str(exc)
    return None


OCR_MISSING = _ocr_missing()
needs_ocr = pytest.mark.skipif(OCR_MISSING is not None, reason=OCR_MISSING or "")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("hostile")
    files = {}
    for name, make in hostile_pdfs().items():
        files[name] = out / name
        files[name].write_bytes(make())
    return files


def _cli(*args: str, env: dict[str, str] | None = None, limit: float = 120) -> tuple[Any, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "samverkan_extract.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=limit,
        env=env,
    )
    return done, time.perf_counter() - started


def _alive_with(marker: str) -> list[str]:
    """Processes (not zombies) whose command line mentions ``marker``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z":
            found.append(f"{proc.name}: {cmdline}")
    return found


# --- The time limit ------------------------------------------------------------------------


@needs_ocr
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for processes")
@pytest.mark.parametrize(("pages", "timeout"), [(30, 10), (300, 20)])
def test_time_limit_stops_ocr_and_kills_tesseract(tmp_path: Path, pages: int, timeout: int) -> None:
    scan = tmp_path / f"scan_{pages}.pdf"
    scan.write_bytes(scan_pdf(pages))
    # the start-up of the command (imports) does not count against the limit
    _, startup = _cli("extract", str(tmp_path / "missing.txt"), "-q")
    own = tmp_path / "tesseract_tmp"  # Tesseract's images of this run live here
    own.mkdir()
    env = {**os.environ, "TMPDIR": str(own)}
    done, elapsed = _cli(
        "extract",
        str(scan),
        "--timeout",
        str(timeout),
        "-q",
        "--format",
        "jsonl",
        env=env,
        limit=timeout + startup + 60,
    )
    still = _alive_with(str(own))
    record = json.loads(done.stdout.splitlines()[0])
    assert record["error"]["type"] == "Timeout", record
    assert elapsed - startup <= timeout + 5, f"stopped {elapsed - startup - timeout:.1f} s late"
    assert not still, f"Tesseract left running after the time limit: {still}"


def _handlers(tree: ast.AST) -> list[ast.ExceptHandler]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)]


def _catches_base(handler: ast.ExceptHandler) -> bool:
    """Whether a handler catches ``BaseException`` (bare, or by that name)."""
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        isinstance(n, ast.Name) and n.id in ("BaseException", "TimeLimitExceeded") for n in names
    )


def test_no_handler_in_the_pdf_reader_swallows_the_time_limit() -> None:
    """``except Exception`` cannot catch the limit; a handler that can must raise again."""
    modules = sorted((READERS / "pdf").glob("*.py")) + sorted(READERS.glob("ocr*.py"))
    checked = 0
    for module in modules:
        for handler in _handlers(ast.parse(module.read_text("utf-8"))):
            checked += 1
            if _catches_base(handler):
                last = handler.body[-1]
                assert isinstance(last, ast.Raise) and last.exc is None, (
                    f"{module.name}:{handler.lineno} catches the time limit without raising it"
                )
    assert checked >= 5


# --- Memory --------------------------------------------------------------------------------

_MEASURE = """
import json, resource, sys
from samverkan_extract.readers import read_document
document = read_document(sys.argv[1])
print(json.dumps({
    "warnings": document.warnings,
    "text": document.text,
    "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


@needs_ocr
def test_a_poster_page_is_rendered_for_ocr_within_the_pixel_cap(hostile: dict[str, Path]) -> None:
    poster = hostile["poster_3a0.pdf"]
    assert poster.stat().st_size < 1500
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(poster)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert any(
        w.startswith("page 1 is 99 x 140 inches: rendered for OCR at 42 dpi (scale 0.14)")
        for w in result["warnings"]
    ), result["warnings"]
    assert "Hjo kommun" in result["text"]  # the second page, from its text layer
    assert result["self_mb"] < 1000, f"peak RSS {result['self_mb']:.0f} MB"
    assert result["children_mb"] < 1500, f"Tesseract's peak RSS {result['children_mb']:.0f} MB"


def test_an_ordinary_page_is_rendered_at_full_resolution() -> None:
    from samverkan_extract.readers.ocr import MAX_PIXELS, RESOLUTION, ocr_scale

    assert ocr_scale(595, 842) == 1.0  # A4
    assert ocr_scale(842, 1191) == 1.0  # A3
    scale = ocr_scale(3 * 2384, 3 * 3370)
    assert 0.13 < scale < 0.15
    pixels = (3 * 2384 * RESOLUTION / 72 * scale) * (3 * 3370 * RESOLUTION / 72 * scale)
    assert pixels <= MAX_PIXELS * 1.001


# --- Unmapped glyphs -------------------------------------------------------------------------


@needs_ocr
def test_a_text_layer_of_unmapped_glyphs_read_by_ocr_says_so() -> None:
    document = read_document(BAD / "cid_glyphs.pdf")
    assert document.ocr is True
    assert any(
        w.startswith("page 1: its text layer is unmapped glyphs ((cid:NN) or U+FFFD")
        and "read by OCR" in w
        for w in document.warnings
    ), document.warnings


# --- One parse -------------------------------------------------------------------------------


class _Spy:
    """Counts how a PDF is opened: file reads of it, pypdfium2 documents, pdfplumber
    documents, and what each was given."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
        import pdfplumber
        import pypdfium2

        self.reads = 0
        self.pdfium: list[type] = []
        self.plumber: list[type] = []
        read_bytes, document, plumber_open = Path.read_bytes, pypdfium2.PdfDocument, pdfplumber.open

        def counting_read(p: Path) -> bytes:
            if Path(p) == path:
                self.reads += 1
            return read_bytes(p)

        def counting_document(source: Any, *args: Any, **kwargs: Any) -> Any:
            self.pdfium.append(type(source))
            return document(source, *args, **kwargs)

        def counting_open(source: Any, *args: Any, **kwargs: Any) -> Any:
            self.plumber.append(type(source))
            return plumber_open(source, *args, **kwargs)

        monkeypatch.setattr(Path, "read_bytes", counting_read)
        monkeypatch.setattr(pypdfium2, "PdfDocument", counting_document)
        monkeypatch.setattr(pdfplumber, "open", counting_open)


_HOCR = (
    b'<html><body><div class="ocr_page">'
    b'<span class="ocr_line" title="bbox 300 300 2000 360; baseline 0 -10; x_size 50">'
    b'<span class="ocrx_word" title="bbox 300 300 1000 360; x_wconf 95">Samverkan</span>'
    b"</span></div></body></html>"
)


def test_a_scan_is_parsed_once_whatever_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samverkan_extract.readers import ocr

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scan_pdf(3))
    monkeypatch.setattr(ocr, "_check", lambda: None)
    monkeypatch.setattr(ocr, "run_tesseract", lambda image: _HOCR)
    spy = _Spy(monkeypatch, scan)
    document = read_document(scan)
    assert document.ocr is True and document.pages == 3
    assert spy.reads == 1
    assert spy.pdfium == [bytes], "pypdfium2 parses the bytes once, for text and OCR"
    assert spy.plumber == []


def test_pdfplumber_parses_the_same_bytes_when_it_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rotated page is read by pdfplumber: from the buffer already read."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "rotated.pdf"
    c = canvas.Canvas(str(path))
    c.setPageRotation(90)
    c.rotate(90)
    c.setFont("Helvetica", 11)
    c.drawString(72, -100, "Samverkan mellan kommun och polis.")
    c.showPage()
    c.save()
    spy = _Spy(monkeypatch, path)
    document = read_document(path)
    assert "Samverkan mellan kommun och polis." in document.text
    assert spy.reads == 1
    assert spy.pdfium == [bytes]
    assert (
        len(spy.plumber) == 1 and spy.plumber[0] is not str and not issubclass(spy.plumber[0], Path)
    )


# --- Loops and nesting -----------------------------------------------------------------------


def test_an_xref_chain_in_a_loop_is_read(hostile: dict[str, Path]) -> None:
    document = read_document(hostile["xref_loop.pdf"])
    assert document.text == "Samverkansoverenskommelse mellan Hjo kommun"


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("nested_page_tree.pdf", "not a readable PDF ("),
        ("xref_loop_no_eof.pdf", "truncated PDF: the file stops before its %%EOF end marker ("),
    ],
)
def test_loops_and_deep_nesting_give_one_clear_error(
    hostile: dict[str, Path], name: str, start: str
) -> None:
    with pytest.raises(InputError) as raised:
        read_document(hostile[name])
    problem = raised.value.problem
    assert problem.startswith(start), problem
    assert "RecursionError" not in problem and "\n" not in problem
    result = batch.extract_one(hostile[name])
    assert isinstance(result, ErrorRecord)
    assert result.error.type == "InputError", result.error


def test_a_loop_in_a_truncated_file_is_named(hostile: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"\(objects nested too deeply, or in a loop\)"):
        read_document(hostile["xref_loop_no_eof.pdf"])


def test_hostile_files_are_small(hostile: dict[str, Path]) -> None:
    sizes = {name: path.stat().st_size for name, path in hostile.items()}
    assert sizes["poster_3a0.pdf"] < 1500 and sizes["xref_loop.pdf"] < 1000, sizes
    assert sizes["nested_page_tree.pdf"] < 200_000, sizes

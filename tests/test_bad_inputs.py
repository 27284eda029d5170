"""Bad inputs: every case gives one clear line (error type and a message naming the
problem) or a record with a warning, never a traceback; a batch mixing them with good
files keeps every good record whole. The cases are listed in tests/data/bad/README.md;
the big and uncommittable ones are made by tests/fixtures/bad.py."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from samverkan_extract import batch as batch_module
from samverkan_extract.api import extract
from samverkan_extract.batch import extract_one, run_batch
from samverkan_extract.cli import main
from samverkan_extract.errors import InputError, OutputError
from samverkan_extract.limits import Limits
from samverkan_extract.output import (
    atomic_path,
    atomic_write,
    atomic_write_text,
    escape_surrogates,
)
from samverkan_extract.readers import read_document
from samverkan_extract.schema import Agreement, ErrorRecord
from tests.conftest import CORPUS, ROOT, TEST_AGREEMENTS
from tests.fixtures.bad import BIG_MB, LATIN1_NAME, make_generated

BAD = ROOT / "tests" / "data" / "bad"


def _ocr_available() -> bool:
    from samverkan_extract.errors import MissingDependencyError
    from samverkan_extract.readers.ocr import check_ocr_available

    try:
        check_ocr_available()
    except MissingDependencyError:
        return False
    return True


@dataclass(frozen=True)
class Case:
    name: str
    outcome: str  # "error": an error record; "warning": a record with a warning; "record"
    kind: str = ""  # the error type
    message: str = ""  # part of the error message, or of one of the record's warnings
    generated: bool = False  # made by tests/fixtures/bad.py, not committed

    def __str__(self) -> str:
        return self.name


def _error(name: str, kind: str, message: str, generated: bool = False) -> Case:
    return Case(name, "error", kind, message, generated)


OCR = _ocr_available()

CASES = [
    _error("empty.txt", "InputError", "empty file"),
    _error("empty.pdf", "InputError", "empty file"),
    _error("empty.docx", "InputError", "empty file"),
    _error("noise.txt", "InputError", "binary data, not text"),
    _error("noise.pdf", "InputError", "not a PDF file (no %PDF header)"),
    _error("noise.docx", "InputError", "not a readable .docx (BadZipFile: File is not a zip file)"),
    _error("truncated.pdf", "InputError", "truncated PDF: the file stops before its %%EOF"),
    Case("no_eof_marker.pdf", "warning", message="the PDF stops before its %%EOF end marker"),
    _error("encrypted.pdf", "InputError", "encrypted PDF: a password is needed"),
    Case("encrypted_no_user_password.pdf", "record"),
    _error("no_pages.pdf", "InputError", "PDF has no pages"),
    Case("cid_glyphs.pdf", "record")
    if OCR
    else _error("cid_glyphs.pdf", "MissingDependencyError", "needs OCR"),
    _error("old_word.doc", "UnsupportedFormatError", "old Word .doc format: convert it to .docx"),
    _error("old_word_renamed.docx", "InputError", "old Word .doc format: convert it to .docx"),
    _error("encrypted.docx", "InputError", "encrypted .docx: a password is needed"),
    _error("missing_document.docx", "InputError", "its main part word/document.xml is missing"),
    _error("pdf_named.docx", "InputError", "not a .docx file (it is a PDF)"),
    _error("docx_named.pdf", "InputError", "not a PDF file (it is a ZIP archive"),
    Case("utf16_no_bom.txt", "warning", message="decoded as utf-16-le without a byte-order mark"),
    Case("mixed_encodings.txt", "warning", message="mixed encodings: 2 line(s) UTF-8"),
    _error("spreadsheet.xlsx", "UnsupportedFormatError", "unsupported file type '.xlsx'"),
    _error("document.odt", "UnsupportedFormatError", "unsupported file type '.odt'"),
    Case("web_page.txt", "warning", message="an HTML page, not plain text"),
    Case("recipe.txt", "record"),
    Case(
        "nul_bytes.txt", "warning", message="dropped 18 NUL byte(s): the rest of the file is text"
    ),
    Case("control_chars.txt", "warning", message="dropped 4 control character(s)"),
    Case("web_page_copy.txt", "warning", message="dropped 16 line(s) of web-page navigation"),
    _error("big.txt", "InputError", f"text file is {BIG_MB} MB, over the 2 MB limit", True),
    _error("zip_bomb.docx", "InputError", "unpacks to 300 MB, over the 200 MB limit", True),
    _error(
        "zip_bomb_lying.docx",
        "InputError",
        "unpacks to more than 200 MB although its headers claim 2 KB (zip bomb guard)",
        True,
    ),
    _error(
        "no_read_permission.txt",
        "InputError",
        "permission denied (no read permission, mode 000)",
        True,
    ),
    _error("agreement.pdf", "InputError", "is a directory, not a file", True),
    _error("loop_a.txt", "InputError", "symbolic link loop", True),
    _error("dangling.txt", "InputError", "broken symbolic link (its target nowhere.txt", True),
    _error("does_not_exist.txt", "InputError", "no such file", True),
    _error(
        "text_bomb.docx",
        "InputError",
        "text is over the limit of 1,000,000 characters (an agreement is far shorter): "
        "reading stopped there",
        True,
    ),
    _error("named_pipe.txt", "InputError", "not a regular file (a named pipe (FIFO))", True),
    Case(LATIN1_NAME, "warning", message="the file name is not valid UTF-8", generated=True),
]
BY_NAME = {c.name: c for c in CASES}


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The big and uncommittable cases, made once per session (the 50 MB file included)."""
    return make_generated(tmp_path_factory.mktemp("bad_generated"))


def case_path(case: Case, generated: dict[str, Path]) -> Path:
    return generated[case.name] if case.generated else BAD / case.name


def check_result(case: Case, result: Agreement | ErrorRecord) -> None:
    if case.outcome == "error":
        assert isinstance(result, ErrorRecord), (case.name, result)
        assert result.error.type == case.kind, (case.name, result.error)
        assert case.message in result.error.message, (case.name, result.error.message)
        assert "\n" not in result.error.message
        assert result.error.path.endswith(case.name)
        return
    assert isinstance(result, Agreement), (case.name, result)
    if case.outcome == "warning":
        assert any(case.message in w for w in result.warnings), (case.name, result.warnings)


# --- Each case on its own ---------------------------------------------------------------


def test_every_case_is_listed_and_documented(generated: dict[str, Path]) -> None:
    committed = {p.name for p in BAD.iterdir() if p.name != "README.md"}
    assert committed == {c.name for c in CASES if not c.generated}
    assert set(generated) == {c.name for c in CASES if c.generated}
    readme = (BAD / "README.md").read_text("utf-8")
    for case in CASES:
        assert f"`{escape_surrogates(case.name)}`" in readme, case.name
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case_gives_one_clear_outcome(
    case: Case, generated: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = case_path(case, generated)
    if path.is_dir():
        check_result(case, extract_one(path))
        with pytest.raises(InputError, match="is a directory, not a file"):
            read_document(path)
        return  # the CLI walks a directory as a folder: see the batch test
    # The CLI: one line "error: FILE: message" per failed file, the record in the output.
    out = tmp_path / "out.jsonl"
    code = main(["extract", str(path), "--format", "jsonl", "-o", str(out), "-q", "-j", "1"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == 1
    record = records[0]
    check_result(
        case,
        ErrorRecord.model_validate(record)
        if "error" in record
        else Agreement.model_validate(record),
    )
    if case.outcome == "error":
        assert code == 1
        assert captured.err.splitlines() == [f"error: {path}: {record['error']['message']}"]
    else:
        assert code == 0
        assert captured.err == ""
        assert record["source"]["path"] == str(path)
    if case.name == "cid_glyphs.pdf" and OCR:
        # The text layer is glyph ids only, so the page was read by OCR instead.
        assert record["source"]["ocr"] is True
        assert record["period"]["start"] == "2024-01-01"
        assert "Hjo kommun" in [p["name"] for p in record["parties"]]


def test_cid_pdf_has_no_usable_text_layer() -> None:
    import pdfplumber

    with pdfplumber.open(BAD / "cid_glyphs.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert text.count("(cid:") > 100 and "Hjo" not in text


def test_utf16_without_bom_keeps_swedish_letters() -> None:
    document = read_document(BAD / "utf16_no_bom.txt")
    for word in ("Samverkansöverenskommelse", "Åsa Öberg", "Pär Ängström", "områden"):
        assert word in document.text
    assert "\x00" not in document.text


def test_mixed_encodings_read_line_by_line() -> None:
    document = read_document(BAD / "mixed_encodings.txt")
    assert "är överens" in document.text  # a Latin-1 line
    assert "gånger per år" in document.text  # a UTF-8 line
    assert "Ã" not in document.text and "\ufffd" not in document.text


def test_html_named_txt_is_read_without_tags() -> None:
    document = read_document(BAD / "web_page.txt")
    assert "Samverkansöverenskommelse mellan Hjo kommun" in document.text
    assert "<p>" not in document.text and "<h1>" not in document.text


def test_not_an_agreement_still_gives_a_record() -> None:
    record = extract(BAD / "recipe.txt")
    assert record.source.path.endswith("recipe.txt")
    assert not record.signatories


def test_encrypted_pdf_without_user_password_is_read() -> None:
    record = extract(BAD / "encrypted_no_user_password.pdf")
    assert record.title is not None and "Samverkansöverenskommelse" in record.title.value


# --- Size limits -----------------------------------------------------------------------------


def test_big_text_file_refused_by_max_mb(
    generated: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    big = generated["big.txt"]
    assert big.stat().st_size >= BIG_MB * 1_000_000
    assert main(["extract", str(big), "--max-mb", "10", "-q", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {big}: file is {BIG_MB} MB, over the 10 MB limit\n"


def test_big_text_file_with_default_limits_is_never_loaded(generated: dict[str, Path]) -> None:
    """Under the default 200 MB file limit a 50 MB text file is still refused, by the
    plain-text limit, before a byte of it is read: time and memory stay flat."""
    extract_one(BAD / "empty.txt")  # imports done before measuring
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = extract_one(generated["big.txt"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 5_000_000, peak
    check_result(BY_NAME["big.txt"], result)


def test_zip_bomb_refused_without_unpacking(
    generated: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the zip bomb was unpacked")

    monkeypatch.setattr(zlib, "decompressobj", refuse)
    monkeypatch.setattr(zipfile.ZipExtFile, "read", refuse)
    check_result(BY_NAME["zip_bomb.docx"], extract_one(generated["zip_bomb.docx"]))


def test_lying_zip_bomb_is_counted_not_trusted(generated: dict[str, Path]) -> None:
    """Headers claiming 1 KB do not let 300 MB through: the members are inflated chunk
    by chunk and thrown away, so memory stays flat and the count stops at the limit."""
    bomb = generated["zip_bomb_lying.docx"]
    with zipfile.ZipFile(bomb) as z:
        assert sum(i.file_size for i in z.infolist()) < 10_000
    extract_one(BAD / "empty.docx")  # imports done before measuring
    tracemalloc.start()
    try:
        result = extract_one(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, peak
    check_result(BY_NAME["zip_bomb_lying.docx"], result)


def test_unpacked_size_limit_is_configurable(tmp_path: Path) -> None:
    from tests.fixtures.render import render_docx

    docx = render_docx(TEST_AGREEMENTS / "kalmar_2020.txt", tmp_path / "kalmar.docx")
    assert isinstance(extract_one(docx), Agreement)
    result = extract_one(docx, Limits(max_unpacked_mb=0.01))
    assert isinstance(result, ErrorRecord)
    assert "over the 0.01 MB limit (zip bomb guard)" in result.error.message


# --- Paths that are not readable files ---------------------------------------------------------


def test_unreadable_file_is_refused_for_root_too(generated: dict[str, Path]) -> None:
    """Mode 000 is refused by its mode bits, so the outcome does not depend on running
    as root (who could open it anyway)."""
    path = generated["no_read_permission.txt"]
    assert stat.S_IMODE(path.stat().st_mode) == 0
    with pytest.raises(InputError, match=r"permission denied \(no read permission, mode 000\)"):
        read_document(path)


def test_unreadable_by_this_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with read bits that this user may not read (os.access says no)."""
    path = tmp_path / "group_only.txt"
    shutil.copy(BAD / "recipe.txt", path)
    path.chmod(0o640)
    monkeypatch.setattr(os, "access", lambda p, mode: False)
    with pytest.raises(InputError, match=r"permission denied \(no read permission, mode 640\)"):
        read_document(path)


def test_self_loop_symlink(tmp_path: Path) -> None:
    link = tmp_path / "self.txt"
    link.symlink_to("self.txt")
    with pytest.raises(InputError, match="symbolic link loop"):
        read_document(link)


# --- Output files ------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_output_file_honours_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        target = tmp_path / "out" / "records.jsonl"
        atomic_write_text(target, "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert target.read_text() == "{}\n"


def test_output_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "records.jsonl"
    target.write_text("old\n")
    target.chmod(0o640)
    atomic_write(target, lambda tmp: tmp.write_text("new\n"))
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_output_is_atomic_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "records.jsonl"
    target.write_text("previous\n")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("half of a new fi")
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError, match="killed mid-write"):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]


def test_output_that_cannot_be_written_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        with atomic_path(tmp_path):
            pass
    blocker = tmp_path / "file.txt"
    blocker.write_text("")
    with pytest.raises(OutputError, match=r"file\.txt is a file, not a folder"):
        atomic_write_text(blocker / "sub" / "out.jsonl", "{}\n")
    good = sorted(CORPUS.glob("*"))[0]
    assert main(["extract", str(good), "-o", str(tmp_path), "-q", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert err == f"error: cannot write {tmp_path}: is a directory\n"


# --- The batch --------------------------------------------------------------------------------


def _crash_on_marker(path: Path, limits: Limits = batch_module.DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
    """A worker that dies on one file, as one killed for memory would."""
    if "crash" in Path(path).name:
        os._exit(9)
    return _REAL_EXTRACT_ONE(path, limits)


_REAL_EXTRACT_ONE = batch_module.extract_one


def test_a_worker_that_dies_costs_only_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = sorted(CORPUS.glob("*"))[:3]
    crash = tmp_path / "crash.txt"
    shutil.copy(good[0], crash)
    monkeypatch.setattr(batch_module, "extract_one", _crash_on_marker)
    paths = [good[0], crash, good[1], good[2]]
    results = list(run_batch(paths, jobs=2))
    assert [isinstance(r, Agreement) for r in results] == [True, False, True, True]
    error = results[1]
    assert isinstance(error, ErrorRecord) and error.error.type == "WorkerCrashed"
    assert error.error.path == str(crash)
    for path, result in zip(paths, results, strict=True):
        if isinstance(result, Agreement):
            assert result.source.path == str(path)


def _batch_dir(tmp: Path, generated: dict[str, Path]) -> tuple[list[Path], list[Path]]:
    """Every bad case and some good files in one folder; returns (bad, good)."""
    tmp.mkdir()
    bad = []
    for case in CASES:
        if case.generated:
            continue
        shutil.copy(BAD / case.name, tmp / case.name)
        bad.append(tmp / case.name)
    made = make_generated(tmp, big=False)
    os.link(generated["big.txt"], tmp / "big.txt")
    made["big.txt"] = tmp / "big.txt"
    bad += [made[c.name] for c in CASES if c.generated]
    good_sources = sorted(CORPUS.glob("*"))[:3] + [
        TEST_AGREEMENTS / "gotland_2021.txt",  # UTF-16 with a BOM
        TEST_AGREEMENTS / "kiruna_2025.txt",  # Windows-1252
        TEST_AGREEMENTS / "umea_2024.md",
    ]
    good = []
    for src in good_sources:
        shutil.copy(src, tmp / f"good_{src.name}")
        good.append(tmp / f"good_{src.name}")
    from tests.fixtures.render import render_docx, render_pdf

    good.append(render_pdf(TEST_AGREEMENTS / "kalmar_2020.txt", tmp / "good_kalmar.pdf"))
    good.append(render_docx(TEST_AGREEMENTS / "lund_2022.txt", tmp / "good_lund.docx"))
    return bad, good


def test_cli_batch_of_bad_and_good_files(tmp_path: Path, generated: dict[str, Path]) -> None:
    bad, good = _batch_dir(tmp_path / "batch", generated)
    inputs = sorted(bad + good, key=lambda p: p.name)
    out = tmp_path / "out" / "records.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "samverkan_extract.cli",
            "extract",
            *map(str, inputs),
            "--format",
            "jsonl",
            "-o",
            str(out),
            "-q",
            "-j",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        preexec_fn=lambda: os.umask(0o022),
        timeout=600,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""

    # The output: valid JSON Lines, written whole with the umask's mode, no leftovers.
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert [p.name for p in out.parent.iterdir()] == ["records.jsonl"]
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]

    # A directory given on the command line is walked as a folder (it holds no files),
    # so it gives no record; every other input gives exactly one, in input order.
    expected = [p for p in inputs if p.name != "agreement.pdf"]
    assert len(records) == len(expected)
    by_name = {}
    for path, record in zip(expected, records, strict=True):
        got = record["error"]["path"] if "error" in record else record["source"]["path"]
        assert got == str(path)
        by_name[path.name] = record

    # Every good file: the same complete record as extracting it alone.
    for path in good:
        record = by_name[path.name]
        assert "error" not in record, record
        assert record == extract(path).model_dump(mode="json"), path.name
        assert record["title"] and record["parties"] and record["signatories"], path.name

    # Every bad file: an error record (file, type, one-line message) or a warned record.
    for case in CASES:
        if case.name == "agreement.pdf":
            continue
        record = by_name[case.name]
        if case.outcome == "error":
            error = record["error"]
            assert set(error) == {"path", "type", "message"}
            assert error["type"] == case.kind, (case.name, error)
            assert case.message in error["message"], (case.name, error)
        else:
            assert "error" not in record, (case.name, record)
            if case.outcome == "warning":
                assert any(case.message in w for w in record["warnings"]), case.name

    # stderr: the directory named like a file said to hold nothing to read (it is walked
    # as a folder), then exactly one line per failure, in input order, and nothing else.
    failures = [
        f"error: {r['error']['path']}: {r['error']['message']}" for r in records if "error" in r
    ]
    assert len(failures) == sum(c.outcome == "error" for c in CASES) - 1
    folder = next(p for p in inputs if p.name == "agreement.pdf")
    assert proc.stderr.splitlines() == [
        f"warning: {folder}: no .pdf, .docx, .txt or .md files",
        *failures,
    ]

"""Exports researchers open in other tools: Excel and R details, CSV dialects, REFI-QDA,
Label Studio, spaCy, per-document files, corrections, and the output defects of hostile
input (formulas, control characters, file names that are not UTF-8, outputs that would
overwrite inputs)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

import samverkan_extract as se
from samverkan_extract import cli, export, interchange
from samverkan_extract.corpus import Corpus
from samverkan_extract.corrections import (
    apply_corrections,
    load_corrections,
    write_corrections,
)
from samverkan_extract.errors import CorrectionError
from samverkan_extract.fields import FIELDS
from samverkan_extract.report import render_report
from samverkan_extract.schema import Agreement
from samverkan_extract.tables import table_columns
from tests.conftest import CORPUS, CORPUS_GOLD, ROOT

XSD = ROOT / "tests" / "fixtures" / "refi_qda_project.xsd"
FORMULAS = ('=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR")


@pytest.fixture(scope="module")
def extracted() -> Corpus:
    return se.extract_many([CORPUS], jobs=1)


@pytest.fixture(scope="module")
def gold() -> Corpus:
    return Corpus.from_json([CORPUS_GOLD])


def hostile(base: Agreement, title: str, path: str = "/tmp/x.txt") -> Agreement:
    """A record whose title, forum name and source path carry ``title``."""
    record = base.model_copy(deep=True)
    assert record.title is not None
    record.title.value = title
    record.forums[0].name = title
    record.source.path = path
    return record


def every_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


# --- Excel ------------------------------------------------------------------------------------


def test_xlsx_dates_are_date_cells_without_a_time(extracted: Corpus, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = export.write_xlsx(extracted, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["agreements"]
    header = [c.value for c in ws[1]]
    for name in ("period_start", "period_end"):
        col = header.index(name) + 1
        cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
        dated = [c for c in cells if c.value is not None]
        assert dated, name
        for c in dated:
            assert c.is_date, (name, c.value)
            assert c.number_format == "yyyy-mm-dd"
            assert not re.search(r"[hs]|:", c.number_format)
            assert c.value.time() == __import__("datetime").time(0, 0)
    # document_date: a full date is a date cell, its precision in the next column.
    col = header.index("document_date") + 1
    prec = header.index("document_date_precision") + 1
    for r in range(2, ws.max_row + 1):
        value, precision = ws.cell(r, col), ws.cell(r, prec).value
        if precision == "day":
            assert value.is_date and value.number_format == "yyyy-mm-dd"
        elif precision in ("month", "year"):
            assert isinstance(value.value, str)
    # signed_date likewise in signatories.
    s = wb["signatories"]
    sh = [c.value for c in s[1]]
    signed = [s.cell(r, sh.index("signed_date") + 1) for r in range(2, s.max_row + 1)]
    assert any(c.is_date for c in signed)


def test_xlsx_has_tables_filters_widths_and_codes_as_text(
    extracted: Corpus, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = export.write_xlsx(extracted, tmp_path / "t.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    for name in [*table_columns(), "columns", "labels"]:
        ws = wb[name]
        assert len(ws.tables) == 1, name
        table = next(iter(ws.tables.values()))
        assert table.ref.startswith("A1:") and table.autoFilter is not None
        headers = [c.value for c in ws[1]]
        assert [c.name for c in table.tableColumns] == headers
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width > 8
    m = wb["municipalities"]
    col = [c.value for c in m[1]].index("code") + 1
    codes = [m.cell(r, col).value for r in range(2, m.max_row + 1)]
    assert all(isinstance(c, str) and len(c) == 4 for c in codes)
    f = wb["forums"]
    fh = [c.value for c in f[1]]
    labels = {f.cell(r, fh.index("type_label") + 1).value for r in range(2, f.max_row + 1)}
    assert "Steering group" in labels  # English labels beside the ids


def test_xlsx_and_csv_neutralise_formulas_and_control_characters(
    gold: Corpus, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    records = [hostile(gold[i % len(gold)], f) for i, f in enumerate(FORMULAS)]
    records.append(hostile(gold[0], "vertical\x0btab, bell\x07 and escape\x1b", "/tmp/b\x07d.txt"))
    corpus = Corpus(records, ids=[f"r{i}" for i in range(len(records))])
    with pytest.warns(UserWarning, match="control character"):
        path = export.write_xlsx(corpus, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), c.value
                    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", c.value)
    head = [c.value for c in wb["agreements"][1]]
    assert head[:2] == ["agreement_id", "name"]  # the agreement as people name it, beside its id
    at = head.index("title")
    titles = [r[at] for r in wb["agreements"].iter_rows(min_row=2, values_only=True)]
    assert titles[0] == "'" + FORMULAS[0] and titles[2] == "'-3+4"
    assert "vertical\ufffdtab" in titles[-1]
    export.write_csv(corpus, tmp_path / "csv")
    for f in (tmp_path / "csv").glob("*.csv"):
        for row in csv.reader(io.StringIO(f.read_text("utf-8"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (f.name, cell)
                assert not (cell.startswith("-") and not re.fullmatch(r"-[\d.]+", cell)), cell
    # The typed stores keep the raw value.
    export.write_sqlite(corpus, tmp_path / "a.db")
    con = sqlite3.connect(tmp_path / "a.db")
    raw = [r[0] for r in con.execute("SELECT title FROM agreements ORDER BY agreement_id")]
    con.close()
    assert raw[0] == FORMULAS[0]


def test_extract_format_csv_neutralises_formulas(tmp_path: Path) -> None:
    text = sorted(CORPUS.glob("*.txt"))[0].read_text("utf-8")
    evil = tmp_path / "=cmd calc.txt"
    evil.write_text(text, "utf-8")
    out = tmp_path / "a.csv"
    assert cli.main(["extract", str(evil), "-q", "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert rows[0]["agreement_id"] == "'=cmd calc"
    assert rows[0]["source_path"].startswith(str(tmp_path))  # an absolute path: safe


def test_csv_excel_sv_dialect(gold: Corpus, tmp_path: Path) -> None:
    export.write_csv(gold, tmp_path, dialect="excel-sv")
    raw = (tmp_path / "agreements.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[0] == "agreement_id" and "period_start" in header
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[0]["years"] in ("4,0", "4")  # decimal comma
    assert "Skåne län" in text
    package = json.loads((tmp_path / "datapackage.json").read_text("utf-8"))
    agreements = package["resources"][0]
    assert agreements["dialect"]["delimiter"] == ";" and agreements["encoding"] == "utf-8-sig"
    years = next(f for f in agreements["schema"]["fields"] if f["name"] == "years")
    assert years["decimalChar"] == ","


def test_parquet_dates_are_date32_with_descriptions(gold: Corpus, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    export.write_parquet(gold, tmp_path)
    schema = pq.read_schema(tmp_path / "agreements.parquet")
    assert schema.field("period_start").type == pa.date32()
    assert schema.field("period_end").type == pa.date32()
    desc = schema.field("period_start").metadata[b"description"].decode()
    assert desc == next(
        c.description for c in table_columns()["agreements"] if c.name == "period_start"
    )
    assert schema.metadata[b"description"].decode().startswith("One row per agreement")
    codes = pq.read_table(tmp_path / "municipalities.parquet").column("code").to_pylist()
    assert all(isinstance(c, str) and len(c) == 4 for c in codes)


# --- file names that are not UTF-8, control characters ----------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
def test_a_file_name_that_is_not_utf8_never_crashes_an_output(tmp_path: Path) -> None:
    source = sorted(CORPUS.glob("*.txt"))[0].read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsencode(folder) + b"/\xd6verenskommelse\x07.txt"
    with open(name, "wb") as fh:
        fh.write(source)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "samverkan_extract.cli", "extract", str(folder), "-q",
         "--format", "jsonl", "-o", str(out / "x.jsonl")],
        capture_output=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = (out / "x.jsonl").read_bytes()
    data.decode("utf-8")  # valid UTF-8
    assert json.loads(data)["source"]["path"].endswith("\udcd6verenskommelse\x07.txt")
    proc = subprocess.run(
        [sys.executable, "-m", "samverkan_extract.cli", "compare", str(folder), "-q",
         "-o", str(out / "r.html"), "--xlsx", str(out / "t.xlsx"), "--csv", str(out / "csv"),
         "--sqlite", str(out / "a.db"), "--parquet", str(out / "pq"),
         "--json", str(out / "r.jsonl"), "--qdpx", str(out / "p.qdpx"),
         "--label-studio", str(out / "ls.json")],
        capture_output=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    for f in out.rglob("*"):
        if f.suffix in (".html", ".csv", ".json", ".jsonl"):
            f.read_bytes().decode("utf-8")
    html = (out / "r.html").read_text("utf-8")
    assert "\\xd6verenskommelse" in html and "\x07" not in html
    assert "\\xd6verenskommelse" in every_xml(out / "t.xlsx")


def test_the_report_and_views_carry_no_control_characters(gold: Corpus) -> None:
    record = hostile(gold[0], "a\x0bb\x1bc")
    html = render_report(Corpus([record], ids=["x"]))
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", html)
    assert "a\ufffdb\ufffdc" in html
    assert "\x1b" not in record._repr_html_()


# --- inputs and outputs -----------------------------------------------------------------------


def test_an_output_naming_an_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "a.txt"
    src.write_bytes(sorted(CORPUS.glob("*.txt"))[0].read_bytes())
    before = src.read_bytes()
    assert cli.main(["extract", str(src), "-q", "-o", str(src)]) == 1
    assert "would overwrite an input file" in capsys.readouterr().err
    assert cli.main(["compare", str(tmp_path), "-q", "--json", str(src)]) == 1
    assert "would overwrite an input file" in capsys.readouterr().err
    assert src.read_bytes() == before


def test_one_bad_path_as_json_is_an_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["extract", str(tmp_path / "missing.pdf"), "-q", "--format", "json"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert isinstance(record, dict) and record["error"]["path"].endswith("missing.pdf")


def test_the_report_names_the_files_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(sorted(CORPUS.glob("*.txt"))[0].read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 nothing")
    out = tmp_path / "r.html"
    assert cli.main(["compare", str(folder), "-q", "-j", "1", "-o", str(out), "--lang", "en"]) == 1
    html = out.read_text("utf-8")
    assert 'id="errors"' in html and "broken.pdf" in html


def test_every_help_has_examples() -> None:
    parser = cli.build_parser()
    assert "examples:" in parser.format_help()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():  # type: ignore[attr-defined]
        assert "examples:" in p.format_help(), name
        assert "samverkan-extract " + name in p.format_help(), name


# --- per-document files and text --------------------------------------------------------------


def test_extract_to_a_folder_writes_a_json_and_a_txt_per_document(tmp_path: Path) -> None:
    out = tmp_path / "records"
    assert cli.main(["extract", str(CORPUS), "-q", "-j", "1", "-o", f"{out}/"]) == 0
    stems = sorted(p.stem for p in CORPUS.glob("*.txt"))
    assert sorted(p.stem for p in out.glob("*.json")) == stems
    assert sorted(p.stem for p in out.glob("*.txt")) == stems
    for stem in stems:
        record = Agreement.from_json((out / f"{stem}.json").read_text("utf-8"))
        text = (out / f"{stem}.txt").read_text("utf-8")
        for f in FIELDS:
            for shown in f.shown(record):
                ev = shown.evidence
                if ev is not None and ev.text:
                    assert text[ev.start : ev.end] == ev.text
    back = Corpus.from_json([out])
    assert back.ids == stems


def test_text_takes_many_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(CORPUS.glob("*.txt"))[:2]
    assert cli.main(["text", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert out.count("==> ") == 2 and f"==> {files[1]} <==" in out
    assert cli.main(["text", *map(str, files), "-o", str(tmp_path / "t")]) == 0
    for f in files:
        assert (tmp_path / "t" / f"{f.stem}.txt").read_text("utf-8") == se.normalised_text(f)


# --- corrections ------------------------------------------------------------------------------


def test_a_corrections_file_round_trips(gold: Corpus, tmp_path: Path) -> None:
    osby = gold.ids[0]
    sha = "f" * 64
    rows: list[dict[str, Any]] = [
        {"agreement": osby, "path": "period.end", "value": "2026-06-30", "by": "Anna", "reason": "§ 4"},
        {"agreement": osby, "path": "forums[1].type", "value": "steering_group", "by": "Anna", "reason": "a styrgrupp, not EST"},
        {"agreement": osby, "path": "title", "value": "Samverkan, Osby", "by": "Anna"},
        {"agreement": osby, "path": "forums[0].meetings_per_year", "value": 4, "by": "Anna"},
        {"agreement": osby, "path": "forums[2]", "value": None, "by": "Anna", "reason": "no forum"},
        {"agreement": sha, "path": "title", "value": "never used", "by": "Anna"},
    ]  # fmt: skip
    path = write_corrections(tmp_path / "corrections.csv", rows)
    lines = load_corrections(path)
    assert [c.line for c in lines] == [2, 3, 4, 5, 6, 7]
    records, unused = apply_corrections(list(gold.items()), lines)
    assert [c.agreement for c in unused] == [sha]
    a = records[0]
    assert a.period is not None and a.period.end == "2026-06-30"
    assert a.forums[1].type == "steering_group" and a.forums[0].meetings_per_year == 4
    assert a.title is not None and a.title.value == "Samverkan, Osby"
    assert len(a.forums) == len(gold[0].forums) - 1
    assert gold[0].period.end != "2026-06-30"  # the input record is not changed
    assert [(c.path, c.by) for c in a.corrections] == [(r["path"], "Anna") for r in rows[:5]]
    assert a.corrections[0].previous == gold[0].period.end
    assert a.corrections[1].reason == "a styrgrupp, not EST"
    # The corrected record round-trips through its JSON, corrections and all.
    assert Agreement.from_json(a.to_json()) == a
    assert Corpus.from_json([_write(tmp_path / "a.json", a)])[0] == a


def _write(path: Path, a: Agreement) -> Path:
    path.write_text(a.to_json(), "utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("x,period.end,31 dec 2026,Anna,", "period.end: invalid value.*ISO date"),
        ("x,forums[1].type,nonsense,Anna,", "forums\\[1\\].type: invalid value"),
        ("x,forums[1].kind,x,Anna,", "no field 'kind'"),
        ("x,source.path,x,Anna,", "no field 'source'"),
        ("x,period.end,2026-12-31,,", "no 'by'"),
        ("x,title,null,Anna,", ""),  # null title is allowed
        ("x,parties[0].kind,null,Anna,", "cannot be null"),
        ("x,forums[one].type,x,Anna,", "not a field path"),
    ],
)
def test_a_bad_correction_names_the_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "c.csv"
    path.write_text("# corrections\nagreement,path,value,by,reason\n" + line + "\n", "utf-8")
    if not problem:
        assert len(load_corrections(path)) == 1
        return
    with pytest.raises(CorrectionError, match=rf"^{re.escape(str(path))}:3: .*{problem}"):
        load_corrections(path)


def test_an_index_beyond_the_record_names_the_line(gold: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"agreement,path,value,by\n{gold.ids[0]},forums[99].type,est,Anna\n", "utf-8")
    with pytest.raises(CorrectionError, match=r"c.csv:2: forums\[99\].type: forums has \d+ item"):
        gold.corrected(path)


def test_corrections_are_applied_by_extract_compare_and_extract_many(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = sorted(CORPUS.glob("*.txt"))[0]
    path = tmp_path / "c.csv"
    path.write_text(
        f"agreement,path,value,by,reason\n{src.stem},title,Rättad titel,Anna,stavfel\n", "utf-8"
    )
    assert cli.main(["extract", str(src), "-q", "--corrections", str(path)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["title"]["value"] == "Rättad titel"
    assert record["title"]["evidence"]["text"]  # evidence kept
    assert record["corrections"][0]["by"] == "Anna"
    report = tmp_path / "r.html"
    assert cli.main(["compare", str(src), "-q", "--corrections", str(path), "-o", str(report)]) == 0
    html = report.read_text("utf-8")
    assert "Rättad titel" in html and 'class="badge"' in html and "stavfel" in html
    corpus = se.extract_many([src], jobs=1, corrections=path)
    assert corpus[0].title is not None and corpus[0].title.value == "Rättad titel"
    bad = tmp_path / "bad.csv"
    bad.write_text("agreement,path,value,by\nx,period.end,someday,Anna\n", "utf-8")
    assert cli.main(["compare", str(src), "-q", "--corrections", str(bad)]) == 1
    assert f"error: {bad}:2: period.end" in capsys.readouterr().err


# --- REFI-QDA, Label Studio, spaCy ----------------------------------------------------------


def evidence_of(corpus: Corpus) -> dict[str, list[tuple[str, int, int]]]:
    out: dict[str, list[tuple[str, int, int]]] = {}
    for aid, a in corpus.items():
        for f in FIELDS:
            for shown in f.shown(a):
                ev = shown.evidence
                if ev is not None and ev.text:
                    out.setdefault(aid, []).append((shown.field, ev.start, ev.end))
    return out


def test_qdpx_passes_the_standards_rules_and_holds_every_evidence(
    extracted: Corpus, tmp_path: Path
) -> None:
    etree = pytest.importorskip("lxml.etree")
    path = interchange.write_qdpx(extracted, tmp_path / "p.qdpx")
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert "project.qde" in names
        qde = z.read("project.qde")
        texts = {n: z.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(qde)
    assert schema.validate(doc), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert doc.tag == "{urn:QDA-XML:project:1.0}Project"
    codes = {c.get("guid"): c.get("name") for c in doc.iterfind(".//q:Code", ns)}
    assert set(codes.values()) == {f.label("sv") for f in FIELDS}
    guids = [e.get("guid") for e in doc.iter() if e.get("guid")]
    assert len(guids) == len(set(guids)), "GUIDs are unique"
    expected = evidence_of(extracted)
    sources = doc.findall(".//q:TextSource", ns)
    assert len(sources) == len(extracted)
    for src in sources:
        internal = src.get("plainTextPath")
        assert internal.startswith("internal://")
        text = texts["sources/" + internal.removeprefix("internal://")]
        aid = src.find("q:Description", ns).text.split(";")[0].removeprefix("agreement ")
        selections = src.findall("q:PlainTextSelection", ns)
        got = [
            (s.get("name"), int(s.get("startPosition")), int(s.get("endPosition")))
            for s in selections
        ]
        assert got == expected[aid]
        a = extracted[aid]
        assert text == se.normalised_text(a.source.path)
        for s in selections:
            ref = s.find("q:Coding/q:CodeRef", ns).get("targetGUID")
            assert ref in codes
            assert codes[ref] == next(
                f.label("sv") for f in FIELDS if s.get("name").startswith(f.name)
            )


def test_label_studio_tasks_load_back_with_every_span(extracted: Corpus, tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree")
    tasks_file, config = interchange.write_label_studio(extracted, tmp_path / "tasks.json")
    tasks = json.loads(tasks_file.read_text("utf-8"))
    labels = {e.get("value") for e in etree.parse(str(config)).iter("Label")}
    assert labels == {f.name for f in FIELDS}
    expected = evidence_of(extracted)
    assert [t["data"]["agreement_id"] for t in tasks] == extracted.ids
    for task in tasks:
        text = task["data"]["text"]
        result = task["predictions"][0]["result"]
        got = []
        for r in result:
            v = r["value"]
            assert utf16(text, v["start"], v["end"]) == v["text"]
            assert r["from_name"] == "field" and r["to_name"] == "text" and r["type"] == "labels"
            assert v["labels"][0] in labels
            got.append((r["meta"]["text"][0].split(":")[0], v["start"], v["end"]))
        assert got == expected[task["data"]["agreement_id"]]


def utf16(text: str, start: int, end: int) -> str:
    """A slice by UTF-16 code units, as JavaScript (Label Studio) slices."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def test_label_studio_offsets_count_as_javascript_does(extracted: Corpus, tmp_path: Path) -> None:
    src = next(iter(CORPUS.glob("*.txt")))
    text = src.read_text("utf-8")
    emoji = tmp_path / src.name
    emoji.write_text("🚓 " + text, "utf-8")  # an emoji before every evidence
    corpus = se.extract_many([emoji], jobs=1)
    task = interchange.label_studio_tasks(corpus)[0]
    python_start = corpus[0].forums[0].evidence.start
    regions = task["predictions"][0]["result"]
    region = next(r for r in regions if r["meta"]["text"][0].startswith("forums[0]"))
    assert region["value"]["start"] == python_start + 1  # the emoji is two UTF-16 units
    for r in regions:
        assert (
            utf16(task["data"]["text"], r["value"]["start"], r["value"]["end"])
            == r["value"]["text"]
        )


def test_docbin_loads_back_with_every_span(extracted: Corpus, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    path = interchange.write_docbin(extracted, tmp_path / "e.spacy")
    docs = list(DocBin().from_disk(path).get_docs(spacy.blank("sv").vocab))
    expected = evidence_of(extracted)
    assert [d.user_data["agreement_id"] for d in docs] == extracted.ids
    for doc in docs:
        aid = doc.user_data["agreement_id"]
        spans = doc.spans["evidence"]
        assert len(spans) == len(expected[aid])
        exact = [(p, s, e) for s, e, _, p in doc.user_data["evidence"]]
        assert exact == expected[aid]
        for span, (field_path, start, end) in zip(spans, expected[aid], strict=True):
            assert span.label_ == field_path.split("[")[0].split(".")[0]
            assert span.start_char <= start and end <= span.end_char  # token-aligned cover


def test_an_agreement_whose_source_changed_is_left_out_with_a_warning(
    tmp_path: Path,
) -> None:
    src = tmp_path / "a.txt"
    src.write_bytes(sorted(CORPUS.glob("*.txt"))[0].read_bytes())
    corpus = se.extract_many([src], jobs=1)
    src.write_text("changed", "utf-8")
    with pytest.warns(UserWarning, match="left out.*changed since"):
        tasks = interchange.label_studio_tasks(corpus)
    assert tasks == []


def test_the_readme_corrections_example_applies(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    example = readme.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "corrections.csv"
    path.write_text(example, "utf-8")
    corpus = se.extract_many([CORPUS / "000_5d68ca22a3f54acc.txt"], jobs=1, corrections=path)
    assert [c.path for c in corpus[0].corrections] == ["period.end", "forums[1].type", "forums[4]"]


def test_readme_and_docs_link_nothing_outside_the_repository() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text("utf-8")
        assert not re.search(r"https?://", text), page.name
        for target in re.findall(r"\]\(([^)#]+)", text):
            assert (page.parent / target).resolve().is_relative_to(ROOT), (page.name, target)
            assert (page.parent / target).exists(), (page.name, target)
        assert "../shared" not in text, page.name

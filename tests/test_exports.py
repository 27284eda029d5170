"""``compare`` end to end: every export exists, agrees with the records in row counts,
describes its columns, and is never left half-written."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import samverkan_extract as se
from samverkan_extract import cli, export
from samverkan_extract.corpus import Corpus
from samverkan_extract.errors import MissingDependencyError
from samverkan_extract.tables import table_columns
from tests.conftest import CORPUS, CORPUS_GOLD, ROOT

TABLES = list(table_columns())


def run_compare(argv: list[str]) -> int:
    """``samverkan-extract compare ...`` through the main CLI."""
    return cli.main(["compare", *argv])


def expected_rows(records: list[dict[str, Any]]) -> dict[str, int]:
    """Rows each table must have, counted from the records themselves."""
    return {
        "agreements": len(records),
        "parties": sum(len(r["parties"]) for r in records),
        "municipalities": sum(len(r["municipalities"]) for r in records),
        "forums": sum(len(r["forums"]) for r in records),
        "priority_areas": sum(
            max(1, len(p["categories"])) for r in records for p in r["priority_areas"]
        ),
        "signatories": sum(len(r["signatories"]) for r in records),
        "related_documents": sum(len(r["related_documents"]) for r in records),
    }


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """One full ``compare`` run with every output, shared by the checks below."""
    out = tmp_path_factory.mktemp("compare")
    cwd = os.getcwd()
    os.chdir(out)  # relative output paths, as a user would type them
    try:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = run_compare(
                [
                    str(CORPUS),
                    "-q",
                    "-o",
                    "OUT/report.html",
                    "--xlsx",
                    "OUT/tables.xlsx",
                    "--sqlite",
                    "OUT/agreements.db",
                    "--csv",
                    "OUT/csv",
                    "--parquet",
                    "OUT/pq",
                    "--json",
                    "OUT/records.jsonl",
                ]
            )
    finally:
        os.chdir(cwd)
    return out / "OUT", code, err.getvalue()


@pytest.fixture(scope="module")
def records(out: tuple[Path, int, str]) -> list[dict[str, Any]]:
    lines = (out[0] / "records.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_compare_writes_every_output_and_exits_0(out: tuple[Path, int, str]) -> None:
    folder, code, err = out
    assert code == 0, err
    for name in ("report.html", "tables.xlsx", "agreements.db", "records.jsonl"):
        assert (folder / name).is_file() and (folder / name).stat().st_size > 0, name
    for table in TABLES:
        assert (folder / "csv" / f"{table}.csv").is_file()
        assert (folder / "pq" / f"{table}.parquet").is_file()
    assert (folder / "csv" / "datapackage.json").is_file()
    summary = [line for line in err.splitlines() if line.startswith("compared")]
    assert len(summary) == 1 and "compared 5 agreements" in summary[0]
    assert not list(folder.rglob("*.part")), "temporary files left behind"


def test_json_lines_are_the_full_records(records: list[dict[str, Any]]) -> None:
    import samverkan_extract as se

    files = sorted(CORPUS.glob("*.txt"))
    assert [Path(r["source"]["path"]).stem for r in records] == [f.stem for f in files]
    for record, path in zip(records, files, strict=True):
        assert record == se.extract(path).to_dict()


def test_sqlite_row_counts_keys_and_a_join(
    out: tuple[Path, int, str], records: list[dict[str, Any]]
) -> None:
    con = sqlite3.connect(out[0] / "agreements.db")
    try:
        for table, n in expected_rows(records).items():
            assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == n, table
        pk = [r[1] for r in con.execute("PRAGMA table_info(agreements)") if r[5]]
        assert pk == ["agreement_id"]
        for table in TABLES[1:]:
            fks = con.execute(f"PRAGMA foreign_key_list({table})").fetchall()
            assert [(f[2], f[3], f[4]) for f in fks] == [
                ("agreements", "agreement_id", "agreement_id")
            ], table
        # A JOIN on the foreign key: forums and counties per agreement, as the records say.
        forums = dict(
            con.execute(
                "SELECT a.agreement_id, COUNT(f.position) FROM agreements AS a "
                "LEFT JOIN forums AS f ON f.agreement_id = a.agreement_id "
                "GROUP BY a.agreement_id"
            ).fetchall()
        )
        assert forums == {Path(r["source"]["path"]).stem: len(r["forums"]) for r in records}
        counties = con.execute(
            "SELECT a.agreement_id, m.county, a.period_start FROM agreements AS a "
            "JOIN municipalities AS m ON m.agreement_id = a.agreement_id ORDER BY a.agreement_id"
        ).fetchall()
        assert counties == [
            (Path(r["source"]["path"]).stem, m["county"], r["period"]["start"])
            for r in records
            for m in r["municipalities"]
        ]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(
                "INSERT INTO forums (agreement_id, position, name, type) "
                "VALUES ('no-such-agreement', 0, 'x', 'other')"
            )
    finally:
        con.close()


def test_excel_has_a_sheet_per_table_with_the_record_counts(
    out: tuple[Path, int, str], records: list[dict[str, Any]]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(out[0] / "tables.xlsx", read_only=True)
    try:
        assert wb.sheetnames == [*TABLES, "columns", "labels"]
        for table, n in expected_rows(records).items():
            rows = list(wb[table].iter_rows(values_only=True))
            data_columns = [
                h
                for h in rows[0]
                if not h.endswith("_label") and (table, h) != ("agreements", "name")
            ]
            assert data_columns == [c.name for c in table_columns()[table]], table
            for c in table_columns()[table]:  # every id column has its labels beside it
                if c.vocabulary:
                    assert rows[0][rows[0].index(c.name) + 1] == f"{c.name}_label"
            assert len(rows) - 1 == max(n, 1), table  # a table keeps one row, empty or not
    finally:
        wb.close()


def test_csv_counts_and_the_datapackage_describes_every_column(
    out: tuple[Path, int, str], records: list[dict[str, Any]]
) -> None:
    folder = out[0] / "csv"
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert sorted(resources) == sorted(p.stem for p in folder.glob("*.csv"))
    for table, n in expected_rows(records).items():
        with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) - 1 == n, table
        fields = resources[table]["schema"]["fields"]
        assert [f["name"] for f in fields] == rows[0], table
        for f in fields:
            assert f["type"] in {"string", "integer", "number", "boolean", "date"}
            assert f["description"].strip()
        assert resources[table]["path"] == f"{table}.csv"
        if table != "agreements":
            assert resources[table]["schema"]["foreignKeys"][0]["reference"] == {
                "resource": "agreements",
                "fields": ["agreement_id"],
            }
    assert resources["agreements"]["schema"]["primaryKey"] == ["agreement_id"]


def test_parquet_counts(out: tuple[Path, int, str], records: list[dict[str, Any]]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    for table, n in expected_rows(records).items():
        assert pq.read_metadata(out[0] / "pq" / f"{table}.parquet").num_rows == n, table


def test_report_has_a_section_per_agreement(out: tuple[Path, int, str]) -> None:
    html = (out[0] / "report.html").read_text("utf-8")
    assert html.count('<section class="agreement"') == 5


# --- filters and failures through the CLI -----------------------------------------------


def jsonl_ids(path: Path) -> list[str]:
    return [Path(json.loads(x)["source"]["path"]).stem for x in path.read_text().splitlines()]


def test_filters_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = {p.stem: json.loads(p.read_text("utf-8")) for p in CORPUS_GOLD.glob("*.json")}
    skane = sorted(s for s, g in gold.items() if g["municipalities"][0]["county"] == "Skåne län")
    args = [str(CORPUS), "-q", "-j", "1", "--json"]
    assert run_compare([*args, str(tmp_path / "a.jsonl"), "--county", "Skåne län"]) == 0
    assert jsonl_ids(tmp_path / "a.jsonl") == skane
    assert "compared 3 agreements of 5 read" in capsys.readouterr().err
    assert run_compare([*args, str(tmp_path / "b.jsonl"), "--region", "Väst"]) == 0
    assert jsonl_ids(tmp_path / "b.jsonl") == ["004_2318aa13b23974ad"]
    assert run_compare([*args, str(tmp_path / "c.jsonl"), "--valid-on", "2020-06-01"]) == 0
    assert jsonl_ids(tmp_path / "c.jsonl") == ["002_5096e6c425a12633", "003_a870417d0ab665fe"]


def test_a_bad_file_gives_exit_1_and_the_rest_is_still_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = sorted(CORPUS.glob("*.txt"))[0]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / good.name).write_bytes(good.read_bytes())
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    db = tmp_path / "a.db"
    assert run_compare([str(tmp_path / "in"), "-q", "-j", "1", "--sqlite", str(db)]) == 1
    err = capsys.readouterr().err
    assert "empty.txt" in err and "1 file failed" in err
    con = sqlite3.connect(db)
    assert con.execute("SELECT agreement_id FROM agreements").fetchall() == [(good.stem,)]
    con.close()


@pytest.mark.parametrize(
    ("module", "option", "extra"),
    [
        ("openpyxl", "--xlsx", "excel"),
        ("pyarrow", "--parquet", "parquet"),
        ("matplotlib", "-o", "report"),
    ],
)
def test_a_missing_extra_says_what_to_install(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    module: str,
    option: str,
    extra: str,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import now fails as if not installed
    target = tmp_path / "out"
    assert run_compare([str(CORPUS), "-q", option, str(target)]) == 1
    err = capsys.readouterr().err
    assert f"pip install 'samverkan-extract[{extra}]'" in err
    assert "Traceback" not in err
    assert not target.exists()


def test_writers_raise_missing_dependency_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingDependencyError, match=r"samverkan-extract\[excel\]"):
        export.write_xlsx(Corpus(), tmp_path / "never.xlsx")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingDependencyError, match=r"samverkan-extract\[parquet\]"):
        export.write_parquet(Corpus(), tmp_path / "pq")
    assert list(tmp_path.iterdir()) == []


# --- atomic writes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def gold_corpus() -> Corpus:
    return Corpus.from_json([CORPUS_GOLD])


def fail_after(n: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """A stand-in that does the real work ``n`` times, then fails as a crash would."""
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > n:
            raise OSError("disk gone mid-write")
        return real(*args, **kwargs)

    return wrapper


def test_failed_sqlite_write_keeps_the_previous_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold_corpus: Corpus
) -> None:
    db = tmp_path / "agreements.db"
    export.write_sqlite(gold_corpus, db)
    before = db.read_bytes()
    monkeypatch.setattr(export, "_insert_rows", fail_after(3, export._insert_rows))
    with pytest.raises(OSError, match="mid-write"):
        export.write_sqlite(gold_corpus[:2], db)
    assert db.read_bytes() == before
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM agreements").fetchone()[0] == len(gold_corpus)
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agreements.db"]


def test_failed_first_writes_leave_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold_corpus: Corpus
) -> None:

    monkeypatch.setattr(export, "_insert_rows", fail_after(2, export._insert_rows))
    with pytest.raises(OSError):
        export.write_sqlite(gold_corpus, tmp_path / "a.db")
    monkeypatch.setattr(export, "_sheet", fail_after(3, export._sheet))
    with pytest.raises(OSError):
        export.write_xlsx(gold_corpus, tmp_path / "t.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_failed_csv_export_leaves_complete_files_and_no_new_datapackage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold_corpus: Corpus
) -> None:

    export.write_csv(gold_corpus, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setattr(export, "frame_to_csv", fail_after(3, export.frame_to_csv))
    with pytest.raises(OSError):
        export.write_csv(gold_corpus[:1], tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert sorted(after) == sorted(before)  # nothing half-written, no .part left
    assert after["datapackage.json"] == before["datapackage.json"]
    assert after[f"{TABLES[3]}.csv"] == before[f"{TABLES[3]}.csv"]  # the one that failed


def test_killed_mid_write_leaves_the_previous_database(tmp_path: Path) -> None:
    """A real SIGKILL (no clean-up runs) half-way through the tables."""
    db = tmp_path / "agreements.db"
    export.write_sqlite(Corpus.from_json([CORPUS_GOLD]), db)
    before = db.read_bytes()
    script = textwrap.dedent(
        f"""
        import os, signal
        from samverkan_extract import export
        from samverkan_extract.corpus import Corpus
        real = export._insert_rows
        def insert(con, name, df):
            real(con, name, df)
            if name == "forums":
                os.kill(os.getpid(), signal.SIGKILL)
        export._insert_rows = insert
        corpus = Corpus.from_json([{str(CORPUS_GOLD)!r}])[:1]
        export.write_sqlite(corpus, {str(db)!r})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=False)
    assert proc.returncode == -signal.SIGKILL
    assert db.read_bytes() == before
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM agreements").fetchone()[0] == 5
    con.close()
    # Only the killed run's hidden temporary file may remain beside it; never the target.
    assert all(p.name.endswith(".part") for p in tmp_path.iterdir() if p != db)


def test_jsonl_round_trips_into_a_corpus(out: tuple[Path, int, str]) -> None:
    back = Corpus.from_json([out[0] / "records.jsonl"])
    assert back.ids == [p.stem for p in sorted(CORPUS.glob("*.txt"))]
    assert len(back.forums()) == len(se.extract_many([CORPUS], jobs=1).forums())

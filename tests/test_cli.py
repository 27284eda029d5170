"""The command line as a user meets it: output formats and bad input in a batch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from samverkan_extract.cli import main
from tests.conftest import CORPUS


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samverkan_extract.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_extract_one_file_prints_the_contract(capsys) -> None:  # type: ignore[no-untyped-def]
    path = sorted(CORPUS.glob("*"))[0]
    assert main(["extract", str(path), "-q", "-j", "1"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["schema_version"] == "1"
    assert record["source"]["format"] == "txt"
    assert record["title"]["evidence"]["text"]


def test_bad_inputs_each_give_one_line_and_the_rest_is_processed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "noise.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    odd = tmp_path / "agreement.rtf"
    odd.write_text("{\\rtf1}")
    good = sorted(CORPUS.glob("*"))[1]
    out = tmp_path / "out.jsonl"
    proc = run(
        "extract",
        str(tmp_path / "missing.txt"),
        str(empty),
        str(binary),
        str(odd),
        str(good),
        "--format",
        "jsonl",
        "-o",
        str(out),
        "-q",
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 4, proc.stderr
    assert "Traceback" not in proc.stderr
    for name, problem in (
        ("missing.txt", "no such file"),
        ("empty.txt", "empty file"),
        ("noise.txt", "binary data"),
        ("agreement.rtf", "unsupported file type"),
    ):
        assert any(name in ln and problem in ln for ln in lines), (name, lines)
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(records) == 5
    assert sum("error" in r for r in records) == 4
    assert records[-1]["source"]["path"].endswith(good.name)


def test_text_and_schema_commands() -> None:
    path = sorted(CORPUS.glob("*"))[0]
    proc = run("text", str(path))
    assert proc.returncode == 0 and "Samverkansöverenskommelse" in proc.stdout
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["schema_version"]["const"] == "1"
    for key in ("parties", "forums", "priority_areas", "signatories", "period"):
        assert key in schema["properties"]


def test_evaluate_prints_micro_f1() -> None:
    proc = run("evaluate", "--gold", str(CORPUS.parent / "gold"), str(CORPUS), "-q")
    assert proc.returncode == 0
    assert proc.stdout.strip().splitlines()[-1].startswith("micro-F1: ")


def test_folders_say_what_they_held_that_is_not_read(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    mixed, empty = tmp_path / "mixed", tmp_path / "empty"
    mixed.mkdir()
    empty.mkdir()
    source = sorted(CORPUS.glob("*.txt"))[0]
    (mixed / source.name).write_bytes(source.read_bytes())
    (mixed / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    out = tmp_path / "out.jsonl"
    code = main(["extract", str(mixed), str(empty), "-q", "--format", "jsonl", "-o", str(out)])
    err = capsys.readouterr().err.splitlines()
    assert code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert err == [
        f"note: {mixed}: 1 file(s) of other types not read (e.g. old.doc)",
        f"warning: {empty}: no .pdf, .docx, .txt or .md files",
    ]


def test_text_limits_are_options(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = sorted(CORPUS.glob("*.txt"))[0]
    code = main(["extract", str(source), "-q", "--max-chars", "100"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"error: {source}: ") and "100" in err

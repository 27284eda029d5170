"""The notebooks run top to bottom on a fresh kernel, the way a reader runs them.

Each is executed with nbclient in ``notebooks/`` (Jupyter's working directory for it);
any failing cell fails the test. The executed copy goes to ``tmp_path``, never into the
repository, whose notebooks are kept without outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOKS = ROOT / "notebooks"
QUICKSTART = NOTEBOOKS / "01_quickstart.ipynb"
COMPARE = NOTEBOOKS / "02_compare_agreements.ipynb"


def execute(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run every cell on a new python3 kernel; raises ``CellExecutionError`` on the first
    failing cell, with its traceback."""
    # The kernel inherits this environment: the notebook's files go to tmp_path and
    # matplotlib uses the inline backend, as in Jupyter, whatever the shell sets.
    monkeypatch.setenv("SAMVERKAN_NOTEBOOK_OUT", str(tmp_path / "out"))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    try:
        client.execute()
    finally:
        nbformat.write(nb, tmp_path / path.name)
    return nb


def outputs(nb: Any, mime: str) -> list[str]:
    return [
        out["data"][mime]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if mime in out.get("data", {})
    ]


@pytest.mark.parametrize("path", [QUICKSTART, COMPARE], ids=lambda p: p.stem)
def test_notebooks_are_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id


def test_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = execute(QUICKSTART, tmp_path, monkeypatch)
    html = "\n".join(outputs(nb, "text/html"))
    assert 'class="samverkan-agreement"' in html  # the record's own table
    assert 'class="samverkan-label"' in html  # show(): displaCy spans labelled by field
    assert (tmp_path / "out" / "csv" / "datapackage.json").is_file()
    assert not list(NOTEBOOKS.glob("out")), "the notebook wrote into the repository"


def test_compare_notebook_runs_and_plots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = execute(COMPARE, tmp_path, monkeypatch)
    images = outputs(nb, "image/png")
    assert len(images) >= 4  # two heat maps, the timeline, the Skåne heat map
    assert 'class="samverkan-corpus"' in "\n".join(outputs(nb, "text/html"))

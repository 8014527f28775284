"""notebooks/review_confidence.ipynb executes against real runs, so it never rots."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from report_runs import write_sample_run

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "review_confidence.ipynb"


def execute(run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Run every cell with VIDOC_RUN=run_dir; return the text output of each code cell."""
    monkeypatch.setenv("VIDOC_RUN", str(run_dir))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs: dict[str, str] = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        texts = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append(output.get("text", "") + data.get("text/plain", ""))
        outputs[f"cell{index}"] = "\n".join(texts)
    return outputs


def test_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    assert any("parameters" in cell.metadata.get("tags", []) for cell in notebook.cells)


def test_notebook_on_a_run_with_edits_and_failures(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write_sample_run(tmp_path)
    text = "\n".join(execute(tmp_path, monkeypatch).values())
    assert "tables agree" in text
    assert "flagged share %" in text and "25.0" in text
    assert "diacritics" in text  # edits by kind
    assert "don → đơn" in text  # the lines to check show what changed
    assert "not a PDF" in text  # failed inputs


def test_notebook_on_a_vidoc_run_of_the_samples(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    outdir = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", str(ROOT / "samples" / "garbled_ocr.txt"),
         "-o", str(outdir), "-w", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    text = "\n".join(execute(outdir, monkeypatch).values())
    assert "tables agree" in text
    assert "diacritics" in text  # the garbled sample gets its marks restored
    assert "garbled_ocr" in text  # and its lines are listed for checking

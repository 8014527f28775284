"""The CLI contract of `vidoc run`: --help; exit 0 all ok, 1 some inputs failed, 2 bad usage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

VIDOC = [sys.executable, "-m", "pipeline.cli"]
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def vidoc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VIDOC, *args], capture_output=True, text=True, env=ENV, timeout=120)


@pytest.fixture()
def good_text(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "chi-thi.txt"
    path.parent.mkdir()
    path.write_text("Độc lập - Tự do - Hạnh phúc\n", encoding="utf-8")
    return path


def test_help_explains_every_run_option() -> None:
    result = vidoc("run", "--help")
    assert result.returncode == 0
    for option in ("--outdir", "--workers", "--resume", "--include", "--exclude", "--executor",
                   "--scheduler", "--page-timeout", "--no-reorder"):
        assert option in result.stdout


def test_no_reorder_repairs_but_never_moves_lines(tmp_path: Path) -> None:
    """A folder known to be in order: a reversed paragraph stays as read; marks are restored."""
    cases_file = Path(__file__).parent / "data" / "reorder" / "cases.json"
    cases = json.loads(cases_file.read_text(encoding="utf-8"))
    case = next(c for c in cases if c["id"] == "full-reversal-accented")
    source = tmp_path / "in" / "ke-hoach.txt"
    source.parent.mkdir()
    source.write_text("\n".join(case["input"] + ["Dam bao tien do theo ke hoach cua tinh."]) + "\n",
                      encoding="utf-8")
    kinds = {}
    for flags in ((), ("--no-reorder",)):
        outdir = tmp_path / ("kept" if flags else "moved")
        result = vidoc("run", str(source), "-o", str(outdir), *flags)
        assert result.returncode == 0, result.stderr
        document = json.loads((outdir / "ke-hoach" / "document.json").read_text(encoding="utf-8"))
        kinds[flags] = {edit["kind"] for edit in document["edits"]}
    assert "reorder" in kinds[()] and "diacritics" in kinds[()]
    assert "reorder" not in kinds[("--no-reorder",)] and "diacritics" in kinds[("--no-reorder",)]


def test_all_inputs_ok_exits_0(tmp_path: Path, good_text: Path) -> None:
    result = vidoc("run", str(good_text.parent), "-o", str(tmp_path / "out"), "--no-repair")
    assert result.returncode == 0, result.stderr
    assert "1 ok, 0 failed" in result.stderr
    assert (tmp_path / "out" / "chi-thi" / "text.txt").is_file()


def test_some_inputs_failed_exits_1(tmp_path: Path, good_text: Path) -> None:
    (good_text.parent / "empty.txt").write_bytes(b"")
    result = vidoc("run", str(good_text.parent), "-o", str(tmp_path / "out"), "--no-repair")
    assert result.returncode == 1
    assert "empty.txt: empty file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ("run", "/no/such/folder", "-o", "OUT"),  # missing input
    ("run", "IN"),  # no --outdir
    ("run", "IN", "-o", "OUT", "--executor", "spark"),
    ("run", "IN", "-o", "OUT", "--workers", "-3"),
    ("run", "IN", "-o", "OUT", "--formats", "docx"),
    ("frobnicate",),
])
def test_bad_usage_exits_2(tmp_path: Path, good_text: Path, args: tuple[str, ...]) -> None:
    real = [str(good_text.parent) if a == "IN" else str(tmp_path / "out") if a == "OUT" else a
            for a in args]
    result = vidoc(*real)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr


def test_no_input_after_the_filters_names_them(tmp_path: Path, good_text: Path) -> None:
    result = vidoc("run", str(good_text.parent), "-o", str(tmp_path / "out"), "--include", "*.docx")
    assert result.returncode == 1
    assert "no input files found with --include '*.docx'" in result.stderr


def test_second_run_on_the_same_outdir_is_refused(tmp_path: Path, good_text: Path) -> None:
    import fcntl

    outdir = tmp_path / "out"
    outdir.mkdir()
    with open(outdir / ".vidoc.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = vidoc("run", str(good_text.parent), "-o", str(outdir), "--no-repair")
    assert result.returncode == 2
    assert "another vidoc run" in result.stderr


def test_repair_bad_inputs_get_one_line_naming_the_file(tmp_path: Path) -> None:
    """`vidoc repair` on a folder, a missing file or binary data: one line, no traceback."""
    folder = tmp_path / "scans"
    folder.mkdir()
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    cases = [(folder, "a folder, not a text file"), (tmp_path / "missing.txt", "no such file"),
             (binary, "not a text file")]
    for path, reason in cases:
        result = vidoc("repair", str(path))
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0], result.stderr
        assert "Traceback" not in result.stderr


def test_an_output_folder_that_is_a_file_gets_one_line(tmp_path: Path, good_text: Path) -> None:
    """`-o` naming an existing file: exit 2, one line naming it, the file left as it was."""
    taken = tmp_path / "notes.txt"
    taken.write_text("ghi chú của người dùng\n", encoding="utf-8")
    result = vidoc("run", str(good_text.parent), "-o", str(taken), "--no-repair")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"vidoc: {taken}: output folder is a file"
    assert taken.read_text(encoding="utf-8") == "ghi chú của người dùng\n"


def test_outputs_may_go_into_the_input_folder(tmp_path: Path, good_text: Path) -> None:
    """`vidoc run scans -o scans`: the inputs sit directly in OUTDIR and are still read;
    what vidoc wrote into its subfolders is not read back as input on the next run."""
    folder = good_text.parent
    for _ in range(2):
        result = vidoc("run", str(folder), "-o", str(folder), "--no-repair")
        assert result.returncode == 0, result.stderr
        assert "1 ok, 0 failed" in result.stderr
    assert (folder / "chi-thi" / "text.txt").is_file()


def test_repair_refuses_a_folder_as_its_output(tmp_path: Path, good_text: Path) -> None:
    for option in ("-o", "--edits"):
        result = vidoc("repair", str(good_text), option, str(tmp_path))
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip() == f"vidoc: {tmp_path}: a folder, not a file to write"


def test_ctrl_c_stops_with_one_line_and_exit_130(tmp_path: Path) -> None:
    """Interrupted (SIGINT, as Ctrl-C sends it): exit 130 and one line saying where the
    finished documents are, no traceback."""
    import signal
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    stripped = ("Uy ban nhan dan tinh de nghi cac so, ban, nganh chu dong trien khai thuc hien "
                "nhiem vu duoc giao va bao cao ket qua ve So Noi vu truoc ngay 15 hang thang.\n")
    for number in range(200):  # enough work that the run is still going when the signal comes
        (folder / f"cong-van-{number:03d}.txt").write_text(stripped * 20, encoding="utf-8")
    outdir = tmp_path / "out"
    process = subprocess.Popen([*VIDOC, "run", str(folder), "-o", str(outdir), "--workers", "1"],
                               stderr=subprocess.PIPE, text=True, env=ENV,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (outdir / ".vidoc.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == (
        f"vidoc: interrupted; the documents already finished are in {outdir} "
        "(run again with --resume to go on from there)")
    assert "Traceback" not in stderr
    finished = [folder for folder in outdir.iterdir() if (folder / "text.txt").is_file()]
    assert len(finished) < 100  # the documents not started were dropped, not run to the end


def test_a_document_without_text_is_named_and_not_called_confident(tmp_path: Path,
                                                                   good_text: Path) -> None:
    """A scan that gives no text (a blank or black page) is written, warned about in one line,
    and has no confidence in the report, so it heads the list of documents to check."""
    import csv

    from PIL import Image

    blank = good_text.parent / "blank.png"
    Image.new("L", (600, 800), 255).save(blank)
    outdir = tmp_path / "out"
    result = vidoc("run", str(good_text.parent), "-o", str(outdir), "--no-repair")
    assert result.returncode == 0, result.stderr
    assert f"vidoc: {blank}: no text found on any page" in result.stderr.splitlines()
    with open(outdir / "report" / "documents.csv", encoding="utf-8") as handle:
        rows = {row["document"]: row for row in csv.DictReader(handle)}
    assert rows["blank"]["lines"] == "0" and rows["blank"]["mean_confidence"] == ""
    assert float(rows["chi-thi"]["mean_confidence"]) > 0
    summary = vidoc("report", str(outdir)).stdout
    least = summary[summary.index("Least confident"):]
    assert least.index("blank") < least.index("chi-thi")


def test_an_unknown_ocr_language_is_one_line_before_any_page(tmp_path: Path) -> None:
    """`--lang xyz` (a typo) stops the run at once, naming the installed languages; it used to
    fail every page ("Could not initialize tesseract") and report the document as done."""
    from PIL import Image

    scan = tmp_path / "in" / "scan.png"
    scan.parent.mkdir()
    Image.new("L", (600, 800), 255).save(scan)
    result = vidoc("run", str(scan), "-o", str(tmp_path / "out"), "--lang", "xyz")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no language data for xyz (installed: " in lines[0], lines
    assert "vie" in lines[0]


def test_ctrl_c_during_a_repair_writes_nothing_and_says_so(tmp_path: Path) -> None:
    """`vidoc repair` interrupted: exit 130, one line, and no output file (not half of one)."""
    import random
    import signal
    import time

    rng = random.Random(1)
    words = ("uy ban nhan dan tinh de nghi cac so nganh chu dong trien khai thuc hien nhiem vu "
             "duoc giao va bao cao ket qua ve noi truoc ngay hang thang tang cuong").split()
    source = tmp_path / "cong-van.txt"
    source.write_text("\n\n".join(" ".join(rng.choice(words) for _ in range(14)) + "."
                                  for _ in range(3000)) + "\n", encoding="utf-8")
    target = tmp_path / "sua.txt"
    process = subprocess.Popen([*VIDOC, "repair", "-v", str(source), "-o", str(target)],
                               stderr=subprocess.PIPE, text=True, env=ENV,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stderr is not None
    for line in process.stderr:  # wait for the repair to start (its resources are loaded)
        if "repair resources loaded" in line:
            break
    time.sleep(0.5)  # well before the end of its ~20 s of work
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == f"vidoc: {source}: interrupted; nothing written"
    assert "Traceback" not in stderr
    assert not target.exists() and list(tmp_path.iterdir()) == [source]


def test_repair_writes_its_edits_as_csv_or_as_json_by_the_file_name(tmp_path: Path) -> None:
    """`--edits changes.json` gets JSON records (a CSV under that name would not parse)."""
    import csv

    source = tmp_path / "ke-hoach.txt"
    source.write_text("Dam bao tien do theo ke hoach cua tinh.\n", encoding="utf-8")
    tables = {}
    for name in ("edits.csv", "edits.json"):
        result = vidoc("repair", str(source), "-o", str(tmp_path / "out.txt"),
                       "--edits", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        tables[name] = (tmp_path / name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(tables["edits.csv"].splitlines()))
    records = json.loads(tables["edits.json"])
    assert rows and len(records) == len(rows)
    assert {record["kind"] for record in records} == {"diacritics"}
    assert [record["after"] for record in records] == [row["after"] for row in rows]
    assert all(isinstance(record["confidence"], float) and record["line"] == "p1-l1"
               for record in records)

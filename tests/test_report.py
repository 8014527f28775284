"""The run report tables: columns, agreement between tables, line confidence, edit spans."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from report_runs import ocr_line, sample_document, word_edit, write_sample_run
from rich.console import Console

from pipeline.batch import DocumentOutcome
from pipeline.document import Document, Edit, Line, Page, Word
from pipeline.report import (
    FLAG_BELOW,
    OCR_CALIBRATION,
    TABLE_COLUMNS,
    TEXT_CALIBRATION,
    calibrate,
    document_rows,
    edit_spans,
    line_confidence,
    ocr_evidence,
    raw_line_confidence,
    write_run_report,
)

REQUIRED = {
    "documents": ["document", "source", "pages", "mean_confidence", "edits", "flagged_lines",
                  "status", "seconds"],
    "pages": ["document", "page", "skew_deg", "rotation_deg", "mean_confidence",
              "flagged_lines"],
    "lines": ["document", "page", "line", "text", "confidence", "flagged"],
    "edits": ["document", "page", "line", "before", "after", "kind", "confidence", "reason"],
    "errors": ["document", "source", "error"],
    "words": ["document", "page", "line", "text", "conf"],
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("run")
    write_sample_run(outdir)
    return outdir


def _read(run_dir: Path, table: str, fmt: str = "parquet") -> pd.DataFrame:
    path = run_dir / "report" / f"{table}.{fmt}"
    return pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)


@pytest.mark.parametrize("table", sorted(REQUIRED))
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_every_table_has_the_contract_columns(run_dir: Path, table: str, fmt: str) -> None:
    frame = _read(run_dir, table, fmt)
    assert list(frame.columns) == TABLE_COLUMNS[table]
    assert set(REQUIRED[table]) <= set(frame.columns)


def test_csv_and_parquet_hold_the_same_rows(run_dir: Path) -> None:
    for table in TABLE_COLUMNS:
        parquet, csv = _read(run_dir, table), _read(run_dir, table, "csv")
        assert len(parquet) == len(csv), table
        if "confidence" in parquet:
            assert parquet["confidence"].fillna(-1).round(4).tolist() == \
                csv["confidence"].fillna(-1).round(4).tolist()


def test_numbers_agree_between_tables(run_dir: Path) -> None:
    documents = _read(run_dir, "documents").set_index("document")
    pages, lines, edits = _read(run_dir, "pages"), _read(run_dir, "lines"), _read(run_dir, "edits")
    ok = documents[documents["status"] == "ok"]
    assert len(ok) == 2
    for name, doc in ok.iterrows():
        doc_pages = pages[pages["document"] == name]
        doc_lines = lines[lines["document"] == name]
        assert doc["edits"] == (edits["document"] == name).sum()
        assert doc["pages"] == len(doc_pages)
        assert doc["flagged_lines"] == doc_pages["flagged_lines"].sum()
        assert doc["flagged_lines"] == doc_lines["flagged"].sum()
        assert doc["lines"] == doc_pages["lines"].sum() == len(doc_lines)
        assert math.isclose(doc["mean_confidence"], doc_lines["confidence"].mean(), abs_tol=1e-3)
        assert math.isclose(doc["min_confidence"], doc_lines["confidence"].min(), abs_tol=1e-4)
        for page in doc_pages.itertuples():
            on_page = doc_lines[doc_lines["page"] == page.page]
            assert page.flagged_lines == on_page["flagged"].sum()
            assert page.edits == ((edits["document"] == name) & (edits["page"] == page.page)).sum()
            assert math.isclose(page.mean_confidence, on_page["confidence"].mean(), abs_tol=1e-3)
    assert (lines["flagged"] == (lines["confidence"] < FLAG_BELOW)).all()
    assert set(edits["line"]) <= set(lines["line"])


def test_failed_input_is_a_document_row_and_an_error_row(run_dir: Path) -> None:
    documents, errors = _read(run_dir, "documents"), _read(run_dir, "errors")
    failed = documents[documents["status"] == "failed"]
    assert failed["document"].tolist() == errors["document"].tolist() == ["broken"]
    assert "not a PDF" in errors["error"].iloc[0]
    assert failed["pages"].iloc[0] == 0 and failed["edits"].iloc[0] == 0


def test_blank_lines_are_not_reported_and_whole_numbers_stay_whole(run_dir: Path) -> None:
    lines = _read(run_dir, "lines")
    assert not lines["text"].str.strip().eq("").any()
    assert "p2-l4" not in set(lines["line"])
    pages = _read(run_dir, "pages", "csv")
    assert pages["flagged_lines"].dtype.kind == "i"
    assert "1000" in (run_dir / "report" / "pages.csv").read_text()


def test_the_least_sure_edit_and_the_weakest_word_lower_a_line(run_dir: Path) -> None:
    lines = _read(run_dir, "lines")
    lines = lines[lines["document"] == "scan-a"].set_index("line")
    clean, garbled = lines.loc["p1-l1"], lines.loc["p2-l1"]
    assert not clean["flagged"] and garbled["flagged"]
    assert garbled["repair_confidence"] == pytest.approx(0.62)
    assert garbled["min_word_conf"] == 55
    assert garbled["original_text"] == "Các don vị triến khai"
    assert garbled["text"] == "Các đơn vị triển khai"


def test_line_confidence_definition() -> None:
    line = Line("p1-l1", "a b", conf=80, words=[Word("a", None, 90), Word("b", None, 50)])
    assert ocr_evidence(line) == pytest.approx((0.70 + 0.50) / 2)
    assert raw_line_confidence(line, []) == pytest.approx(0.6)
    assert raw_line_confidence(line, [0.9, 0.5]) == pytest.approx(0.3)
    assert line_confidence(line, []) == pytest.approx(calibrate(0.6, OCR_CALIBRATION), abs=1e-4)
    assert line_confidence(line, [0.9, 0.5]) < line_confidence(line, [0.9]) \
        < line_confidence(line, [])
    text_line = Line("p1-l1", "văn bản")
    assert ocr_evidence(text_line) is None
    # text input: the repair's evidence through the text map
    assert line_confidence(text_line, []) == pytest.approx(calibrate(1.0, TEXT_CALIBRATION))
    assert line_confidence(text_line, []) > FLAG_BELOW
    assert raw_line_confidence(text_line, [0.7]) == pytest.approx(0.7)
    assert line_confidence(text_line, [0.7]) == pytest.approx(calibrate(0.7, TEXT_CALIBRATION),
                                                              abs=1e-4)
    text_line.confidence = 0.6  # the repair doubted a word it kept
    assert raw_line_confidence(text_line, [0.7]) == pytest.approx(0.6)
    assert raw_line_confidence(text_line, []) == pytest.approx(0.6)
    no_words = Line("p1-l1", "x", conf=64)
    assert raw_line_confidence(no_words, []) == pytest.approx(0.64)
    unknown_words = Line("p1-l1", "x", conf=-1, words=[Word("x", None, -1)])
    assert ocr_evidence(unknown_words) is None
    assert 0.0 <= line_confidence(Line("p", "x", conf=250), [1.5]) <= 1.0


def test_calibration_map_is_monotone_and_bounded() -> None:
    assert calibrate(0.42, ()) == 0.42
    knots = ((0.2, 0.1), (0.6, 0.5), (0.9, 0.8))
    assert calibrate(0.0, knots) == 0.1 and calibrate(1.0, knots) == 0.8
    assert calibrate(0.4, knots) == pytest.approx(0.3)
    # isotonic fits can end with two knots at 1.0: only a raw 1.0 gets the last value
    tied = ((0.5, 0.2), (1.0, 0.8), (1.0, 0.99))
    assert calibrate(1.0, tied) == 0.99 and calibrate(0.75, tied) == pytest.approx(0.5)
    xs = [i / 100 for i in range(101)]
    for knots in (OCR_CALIBRATION, TEXT_CALIBRATION):
        ys = [calibrate(x, knots) for x in xs]
        assert ys == sorted(ys) and all(0.0 <= y < 1.0 for y in ys)
        assert [x for x, _ in knots] == sorted(x for x, _ in knots)


def test_edit_spans_replay_sequential_offsets() -> None:
    line = Line("p1-l1", "Các đơn vị triển khai", original_text="Cac don vị triến khai")
    first = Edit("p1-l1", 0, 3, "Cac", "Các", "diacritics", 0.9)
    second = Edit("p1-l1", 4, 7, "don", "đơn", "diacritics", 0.9)
    third = Edit("p1-l1", 11, 16, "triến", "triển", "ocr", 0.6)
    assert edit_spans(line, [first, second, third]) == [(0, 3), (4, 7), (11, 16)]


def test_edit_spans_when_lengths_change() -> None:
    # sequential: "nuoc" -> "nước" keeps length; "ngiêm" -> "nghiêm" grows by one
    line = Line("p1-l1", "a nghiêm xx túc", original_text="a ngiêm x túc")
    grow = Edit("p1-l1", 2, 7, "ngiêm", "nghiêm", "ocr", 0.8)
    # offsets of the second edit refer to the ORIGINAL text here ("x" at 8)
    later = Edit("p1-l1", 8, 9, "x", "xx", "ocr", 0.8)
    spans = edit_spans(line, [grow, later])
    assert [line.text[s:e] for s, e in spans] == ["nghiêm", "xx"]  # type: ignore[misc]


def test_edit_spans_fall_back_to_search_and_never_invent() -> None:
    line = Line("p1-l2", "dòng thứ hai")
    moved = Edit("p1-l2", 0, 0, "", "dòng thứ hai", "reorder", 0.7, "line order")
    vanished = Edit("p1-l2", 0, 2, "ab", "zz", "ocr", 0.5)
    assert edit_spans(line, [moved, vanished]) == [(0, 12), None]


def test_edits_rows_point_at_their_text_in_the_final_line(run_dir: Path) -> None:
    edits, lines = _read(run_dir, "edits"), _read(run_dir, "lines").set_index(["document", "line"])
    assert len(edits) == 3
    for edit in edits.itertuples():
        text = lines.loc[(edit.document, edit.line), "text"]
        assert text[edit.final_start:edit.final_end] == edit.after


def test_document_rows_is_pure_and_repeatable() -> None:
    document = sample_document()
    document.pages[1].lines[1].confidence = 0.7  # the repair's own doubt about the line
    first = document_rows(document, "doc", 0.5)
    second = document_rows(document, "doc", 0.5)
    assert first == second
    assert document.pages[1].lines[1].confidence == 0.7
    row = next(r for r in first["lines"] if r["line"] == "p2-l2")
    assert row["repair_confidence"] == pytest.approx(0.7)  # below its one edit's 0.91


def test_edit_page_comes_from_the_line_not_its_name() -> None:
    page = Page(3, lines=[Line("intro-1", "Đây", original_text="Day")])
    document = Document("x.txt", "text", pages=[page],
                        edits=[Edit("intro-1", 0, 3, "Day", "Đây", "diacritics", 0.95)])
    rows = document_rows(document, "x", 0.0)
    assert rows["edits"][0]["page"] == 3
    assert rows["pages"][0]["edits"] == 1


def test_empty_run_writes_empty_tables_with_columns(tmp_path: Path) -> None:
    write_run_report([], tmp_path)
    for table, columns in TABLE_COLUMNS.items():
        frame = pd.read_parquet(tmp_path / "report" / f"{table}.parquet")
        assert list(frame.columns) == columns and frame.empty
    assert (tmp_path / "report.html").is_file()


def test_write_run_report_replaces_an_earlier_report(tmp_path: Path) -> None:
    write_sample_run(tmp_path)
    document = Document("b.txt", "text", pages=[Page(1, lines=[Line("p1-l1", "một")])])
    rows = document_rows(document, "b", 0.1)
    write_run_report([DocumentOutcome("b.txt", "b", True, 0.1, 1, rows)], tmp_path)
    assert _read(tmp_path, "documents")["document"].tolist() == ["b"]
    assert not list((tmp_path / "report").glob(".*.tmp"))


def test_print_summary_shows_worst_documents_pages_kinds_and_errors(run_dir: Path) -> None:
    from pipeline.report_summary import print_summary

    console = Console(record=True, width=160)
    print_summary(run_dir, console)
    text = console.export_text()
    for title in ("Least confident documents", "Pages to check first", "Edits by kind",
                  "Lines to check first", "Failed inputs"):
        assert title in text
    assert "25.0 %" in text  # 2 of 8 lines flagged
    assert "diacritics" in text and "not a PDF" in text
    assert text.index("scan-a") < text.index("clean")
    assert "was: Các don vị triến khai" in text


def test_summary_keeps_brackets_in_document_text(tmp_path: Path) -> None:
    from pipeline.report_summary import print_summary

    line = ocr_line(1, 1, [("[bold]Điều", 20), ("1", 30)], top=10)
    document = Document("[red]x.pdf", "pdf", pages=[Page(1, width=500, height=100, lines=[line])])
    write_run_report([DocumentOutcome(document.source, "[red]x", True, 0.1, 1,
                                      document_rows(document, "[red]x", 0.1))], tmp_path)
    console = Console(record=True, width=160)
    print_summary(tmp_path, console)
    text = console.export_text()
    assert "[bold]Điều 1" in text and "[red]x" in text


def test_cli_report_command(run_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["report", str(run_dir)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Least confident documents" in result.output
    missing = CliRunner().invoke(app, ["report", str(tmp_path / "nothing")])
    assert missing.exit_code == 2


def test_word_edit_helper_matches_offsets() -> None:
    line = ocr_line(1, 1, [("một", 90), ("hai", 90)], top=0, original=["mot", "hai"])
    edit = word_edit(line, 0, "mot", "một", "diacritics", 0.9)
    assert (line.original_text or "")[edit.start:edit.end] == "mot"


# -- a real run: a rendered page through `vidoc run` (ingest, preprocess, Tesseract, repair) --

@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os
    import subprocess
    import sys

    from pipeline.render import DirectiveLayout, degrade, render_document

    folder = tmp_path_factory.mktemp("real")
    layout = DirectiveLayout(
        issuer=["ỦY BAN NHÂN DÂN", "TỈNH BÌNH ĐỊNH"], number="Số: 12/KH-UBND",
        national=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
        doc_type="KẾ HOẠCH", title=["Triển khai công tác chuyển đổi số năm 2025"],
        body=["Các sở, ban, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố có trách "
              "nhiệm triển khai thực hiện nghiêm túc kế hoạch này, báo cáo kết quả định kỳ."])
    page = render_document(layout, dpi=200)[0]
    image = degrade(page.image, rotate_deg=1.0, blur=0.6, noise=6.0, seed=3)
    scan = folder / "scan.png"
    image.save(scan, dpi=(200, 200))
    outdir = folder / "out"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(scan), "-o",
                             str(outdir), "-w", "1", "--keep-images"],
                            capture_output=True, text=True, timeout=300, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return outdir


def test_real_run_tables_agree(real_run: Path) -> None:
    documents, pages = _read(real_run, "documents"), _read(real_run, "pages")
    lines, words = _read(real_run, "lines"), _read(real_run, "words")
    edits = _read(real_run, "edits")
    assert documents["status"].tolist() == ["ok"]
    doc = documents.iloc[0]
    assert doc["pages"] == len(pages) == 1
    assert doc["edits"] == len(edits)
    assert doc["flagged_lines"] == pages["flagged_lines"].sum() == lines["flagged"].sum()
    assert doc["lines"] == len(lines) >= 6
    assert set(words["line"]) <= set(lines["line"])
    assert words["conf"].between(0, 100).all() and words["left"].notna().all()
    assert lines["ocr_confidence"].notna().all()
    assert lines["confidence"].between(0, 1).all()
    page = pages.iloc[0]
    assert page["width"] > 1000 and page["height"] > 1500 and abs(page["skew_deg"]) > 0.3
    assert page["image"] == "scan/pages/page-0001.png"  # relative to OUTDIR
    assert (real_run / page["image"]).is_file()
    joined = " ".join(lines["text"])
    assert "KẾ HOẠCH" in joined and "chuyển đổi số" in joined


def test_real_run_review_page_embeds_the_scan(real_run: Path) -> None:
    html = (real_run / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/jpeg;base64,") == 1
    assert (real_run / "report.html").stat().st_size < 600_000
    assert "KẾ HOẠCH" in html


def test_rows_from_an_older_vidoc_still_make_a_report(tmp_path: Path) -> None:
    """Resumed runs reuse rows cached by an earlier version: missing columns become empty."""
    old = {"documents": [{"document": "a", "source": "a.txt", "pages": 1, "mean_confidence": 0.9,
                          "edits": 0, "flagged_lines": 0, "status": "ok", "seconds": 1.0}],
           "pages": [{"document": "a", "page": 1, "skew_deg": 0.0, "rotation_deg": 0,
                      "mean_confidence": 0.9, "flagged_lines": 0}],
           "lines": [{"document": "a", "page": 1, "line": "p1-l1", "text": "một",
                      "confidence": 0.9, "flagged": False}],
           "words": [], "edits": []}
    write_run_report([DocumentOutcome("a.txt", "a", True, 1.0, 1, old)], tmp_path)
    lines = _read(tmp_path, "lines")
    assert lines["text"].tolist() == ["một"] and lines["original_text"].isna().all()
    assert (tmp_path / "report.html").is_file()


def test_a_run_without_text_keeps_float_confidence_columns() -> None:
    """A run of blank scans only has no confidence anywhere; its columns stay float64 (NaN),
    not Parquet's null type, so the tables of several runs still concatenate."""
    from pipeline.batch import DocumentOutcome
    from pipeline.report import report_frames

    row = {"document": "blank", "source": "blank.png", "pages": 1, "mean_confidence": None,
           "edits": 0, "flagged_lines": 0, "status": "ok", "seconds": 0.5, "lines": 0,
           "min_confidence": None}
    page = {"document": "blank", "page": 1, "skew_deg": 0.0, "rotation_deg": 0,
            "mean_confidence": None, "flagged_lines": 0, "lines": 0, "edits": 0,
            "width": 600, "height": 800, "image": None}
    outcome = DocumentOutcome("blank.png", "blank", True, 0.5, 1,
                              rows={"documents": [row], "pages": [page]})
    frames = report_frames([outcome])
    assert str(frames["documents"]["mean_confidence"].dtype) == "float64"
    assert str(frames["documents"]["min_confidence"].dtype) == "float64"
    assert str(frames["pages"]["mean_confidence"].dtype) == "float64"
    assert frames["documents"]["mean_confidence"].isna().all()

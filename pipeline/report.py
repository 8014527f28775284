"""Confidence report tables of a run: documents, pages, lines, words, edits, errors.

Each table is written as `.csv` and `.parquet` under `OUTDIR/report/`. A line's
confidence combines OCR and repair evidence (see `line_confidence`), so an analyst can
sort the lines a person must check first.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.atomic import atomic_path
from pipeline.document import Document, Line

if TYPE_CHECKING:
    from pipeline.batch import DocumentOutcome

FLAG_BELOW = 0.8
"""Lines whose confidence is below this are flagged for a person to check."""

TABLE_COLUMNS: dict[str, list[str]] = {
    "documents": ["document", "source", "pages", "mean_confidence", "edits", "flagged_lines",
                  "status", "seconds"],
    "pages": ["document", "page", "skew_deg", "rotation_deg", "mean_confidence",
              "flagged_lines"],
    "lines": ["document", "page", "line", "text", "confidence", "flagged"],
    "words": ["document", "page", "line", "word", "text", "left", "top", "right", "bottom",
              "conf"],
    "edits": ["document", "page", "line", "before", "after", "kind", "confidence", "reason"],
    "errors": ["document", "source", "error"],
}


def line_confidence(line: Line, edit_confidences: list[float]) -> float:
    """How sure we are that a line's final text is right, in [0, 1].

    The product of the OCR evidence (Tesseract's mean word confidence / 100; 1.0 for
    text input, which had no OCR) and the repair evidence (the lowest confidence of the
    edits made on the line; 1.0 when nothing was changed).
    """
    ocr = 1.0 if line.conf < 0 else max(0.0, min(1.0, line.conf / 100.0))
    repair = min(edit_confidences) if edit_confidences else 1.0
    return round(ocr * repair, 4)


def _page_of(line_id: str) -> int:
    head = line_id.split("-", 1)[0]
    return int(head[1:]) if head.startswith("p") and head[1:].isdigit() else 1


def document_rows(document: Document, name: str, seconds: float) -> dict[str, list[dict[str, Any]]]:
    """The report rows of one processed document (small: safe to send between processes)."""
    edits_by_line: dict[str, list[float]] = defaultdict(list)
    for edit in document.edits:
        edits_by_line[edit.line_id].append(edit.confidence)
    rows: dict[str, list[dict[str, Any]]] = {key: [] for key in TABLE_COLUMNS}
    all_conf: list[float] = []
    flagged_total = 0
    for page in document.pages:
        page_conf: list[float] = []
        page_flagged = 0
        for line in page.lines:
            if not line.text.strip():
                continue
            confidence = line_confidence(line, edits_by_line.get(line.id, []))
            line.confidence = confidence
            flagged = confidence < FLAG_BELOW
            page_flagged += flagged
            page_conf.append(confidence)
            rows["lines"].append({"document": name, "page": page.number, "line": line.id,
                                  "text": line.text, "confidence": confidence,
                                  "flagged": flagged})
            for index, word in enumerate(line.words):
                left, top, right, bottom = word.bbox or (None, None, None, None)
                rows["words"].append({"document": name, "page": page.number, "line": line.id,
                                      "word": index, "text": word.text, "left": left,
                                      "top": top, "right": right, "bottom": bottom,
                                      "conf": word.conf})
        rows["pages"].append({"document": name, "page": page.number,
                              "skew_deg": page.skew_deg, "rotation_deg": page.rotation_deg,
                              "mean_confidence": _mean(page_conf),
                              "flagged_lines": page_flagged})
        all_conf.extend(page_conf)
        flagged_total += page_flagged
    for edit in document.edits:
        rows["edits"].append({"document": name, "page": _page_of(edit.line_id),
                              "line": edit.line_id, "before": edit.before, "after": edit.after,
                              "kind": edit.kind, "confidence": edit.confidence,
                              "reason": edit.reason})
    rows["documents"].append({"document": name, "source": document.source,
                              "pages": len(document.pages), "mean_confidence": _mean(all_conf),
                              "edits": len(document.edits), "flagged_lines": flagged_total,
                              "status": "ok", "seconds": round(seconds, 3)})
    return rows


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 1.0


def write_run_report(outcomes: list[DocumentOutcome], outdir: Path) -> None:
    """Write every report table as CSV and Parquet under `outdir/report/`."""
    import pandas as pd

    tables: dict[str, list[dict[str, Any]]] = {key: [] for key in TABLE_COLUMNS}
    for outcome in outcomes:
        if outcome.ok:
            for key, rows in outcome.rows.items():
                tables[key].extend(rows)
        else:
            tables["errors"].append({"document": outcome.name, "source": outcome.source,
                                     "error": outcome.error})
            tables["documents"].append({"document": outcome.name, "source": outcome.source,
                                        "pages": 0, "mean_confidence": None, "edits": 0,
                                        "flagged_lines": 0, "status": "failed",
                                        "seconds": round(outcome.seconds, 3)})
    folder = outdir / "report"
    folder.mkdir(parents=True, exist_ok=True)
    for key, columns in TABLE_COLUMNS.items():
        frame = pd.DataFrame(tables[key], columns=columns)
        with atomic_path(folder / f"{key}.csv") as tmp:
            frame.to_csv(tmp, index=False)
        with atomic_path(folder / f"{key}.parquet") as tmp:
            frame.to_parquet(tmp, index=False)

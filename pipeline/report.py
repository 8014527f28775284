"""Confidence report tables of a run: documents, pages, lines, words, edits, errors.

Each table is written as `.csv` and `.parquet` under `OUTDIR/report/`, then the static
review page `OUTDIR/report.html` is built from them. A line's confidence combines OCR and
repair evidence (see `line_confidence`), so an analyst can sort the lines a person must
check first. The numbers agree between tables by construction: `documents.edits` is the
number of `edits` rows of the document, `documents.flagged_lines` the sum of its pages'
`flagged_lines`, which is the number of its flagged `lines` rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.atomic import atomic_path, write_text_atomic
from pipeline.document import Document, Edit, Line

if TYPE_CHECKING:
    from pipeline.batch import DocumentOutcome

log = logging.getLogger(__name__)

FLAG_BELOW = 0.8
"""Lines whose confidence is below this are flagged for a person to check."""

TABLE_COLUMNS: dict[str, list[str]] = {
    "documents": ["document", "source", "pages", "mean_confidence", "edits", "flagged_lines",
                  "status", "seconds", "lines", "min_confidence"],
    "pages": ["document", "page", "skew_deg", "rotation_deg", "mean_confidence",
              "flagged_lines", "lines", "edits", "width", "height", "image"],
    "lines": ["document", "page", "line", "text", "confidence", "flagged", "original_text",
              "ocr_confidence", "min_word_conf", "repair_confidence", "edits", "role",
              "left", "top", "right", "bottom"],
    "words": ["document", "page", "line", "word", "text", "left", "top", "right", "bottom",
              "conf"],
    "edits": ["document", "page", "line", "before", "after", "kind", "confidence", "reason",
              "start", "end", "final_start", "final_end"],
    "errors": ["document", "source", "error"],
}
"""Columns of every table; the first ones of each are the contract of issue 7, the rest
are additive (audit detail: original text, evidence parts, boxes, spans in the final text)."""

# -- line confidence ----------------------------------------------------------------------

WORD_CONF_WEIGHT = 0.5
"""Share of the OCR evidence taken from the weakest word (the rest from the mean word)."""


def ocr_evidence(line: Line) -> float | None:
    """Tesseract's evidence that the line was read right, in [0, 1]; None without OCR.

    A line is wrong as soon as one word is wrong, so the weakest word counts as much as
    the mean: `0.5 * mean(word conf) + 0.5 * min(word conf)`, over words with a known
    confidence (0-100, scaled to 0-1); the line's own `conf` when it has no such words.
    Text input (no OCR) has no OCR evidence.
    """
    confs = [w.conf for w in line.words if w.conf >= 0 and w.text.strip()]
    if confs:
        mean = sum(confs) / len(confs)
        low = min(confs)
        value = (1.0 - WORD_CONF_WEIGHT) * mean + WORD_CONF_WEIGHT * low
    elif line.conf >= 0:
        value = line.conf
    else:
        return None
    return max(0.0, min(1.0, value / 100.0))


def repair_evidence(line: Line, edit_confidences: list[float]) -> float:
    """How sure the repair is of the line: its least sure decision, 1.0 when it had none.

    The least of the confidences (posteriors) of the edits made on the line and of the
    line confidence the repair stage recorded in `line.confidence` (which also covers
    damaged words it decided to keep as they were).
    """
    values = list(edit_confidences)
    if line.confidence is not None:
        values.append(line.confidence)
    return max(0.0, min(1.0, min(values))) if values else 1.0


def raw_line_confidence(line: Line, edit_confidences: list[float]) -> float:
    """Combine the evidence before calibration: OCR × repair evidence (1.0 for a missing part)."""
    ocr = ocr_evidence(line)
    return (1.0 if ocr is None else ocr) * repair_evidence(line, edit_confidences)


OCR_CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.3362, 0.1786), (0.6462, 0.5), (0.7708, 0.7455), (0.8426, 0.873), (0.8814, 0.8919),
    (0.9153, 0.9706), (0.9346, 0.971), (0.9527, 0.9839), (0.964, 0.9968),
)
"""Knots (raw, P(line right)) of a monotone map for lines read by OCR; empty = identity.

Fitted by isotonic regression on rendered TRAINING pages run through the pipeline
(`benchmarks/bench_calibration.py --split train --fit`), measured on held-out pages.
Refitted 2026-11-27 after the OCR-noise repair steps (1,073 training lines).
"""


TEXT_CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.2836, 0.0172), (0.5204, 0.1724), (0.6996, 0.2963), (0.883, 0.5926), (0.9612, 0.6786),
    (0.9898, 0.7667), (0.9997, 0.8178), (1.0, 0.9967),
)
"""The same for lines of text input (no OCR): a map of the repair evidence alone.

Fitted on passages of TRAINING documents damaged like `benchmarks/devset.py` does it
(`bench_calibration.py --split train --fit`), measured on the held-out dev set.
"""


def calibrate(raw: float, knots: tuple[tuple[float, float], ...]) -> float:
    """Piecewise-linear interpolation of `raw` through `knots` (identity when there are none)."""
    if not knots:
        return raw
    if raw <= knots[0][0]:
        return knots[0][1]
    if raw >= knots[-1][0]:
        return knots[-1][1]  # two knots at 1.0: lines with no doubt at all get the last one
    for (x0, y0), (x1, y1) in zip(knots, knots[1:], strict=False):
        if raw <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    return knots[-1][1]


def line_confidence(line: Line, edit_confidences: list[float]) -> float:
    """How sure we are that a line's final text is exactly right: an estimate of P(right).

    raw = OCR evidence × repair evidence, where
    - OCR evidence (`ocr_evidence`) = (mean + min) / 2 of Tesseract's word confidences / 100;
      absent for text input, which had no OCR;
    - repair evidence (`repair_evidence`) = the lowest of the confidences (posteriors) of
      the edits the repair made on the line and of the repair's own line confidence;
      1.0 when the repair left the line alone.
    The two are treated as independent chances of being right: the line is right when OCR
    read it right (or the repair fixed what it misread) and every repair decision is right.
    raw is then mapped through a monotone calibration map fitted on training data, so the
    number estimates the chance that the line is right: `OCR_CALIBRATION` for lines read
    by OCR (raw evidence under-states low-confidence lines that the repair then fixed),
    `TEXT_CALIBRATION` for text input (a line the repair changed, even with posteriors of
    0.99 on every word, is right only about 4 times in 5: a line holds many decisions).
    Lines below `FLAG_BELOW` are flagged. `benchmarks/bench_calibration.py` measures the
    real error rate of flagged and unflagged lines on rendered held-out pages.
    """
    raw = raw_line_confidence(line, edit_confidences)
    knots = TEXT_CALIBRATION if ocr_evidence(line) is None else OCR_CALIBRATION
    return round(max(0.0, min(1.0, calibrate(raw, knots))), 4)


# -- where each edit sits in the final text -----------------------------------------------

Span = tuple[int, int]


def _replay_sequential(original: str, edits: list[Edit]) -> tuple[str, list[Span]] | None:
    """Apply edits one after the other, offsets in the text as it was before *that* edit."""
    text = original
    spans: list[Span] = []
    for edit in edits:
        inside = 0 <= edit.start <= edit.end <= len(text)
        if not inside or text[edit.start:edit.end] != edit.before:
            return None
        delta = len(edit.after) - (edit.end - edit.start)
        moved: list[Span] = []
        for start, end in spans:
            if end <= edit.start:
                moved.append((start, end))
            elif start >= edit.end:
                moved.append((start + delta, end + delta))
            else:  # overlapped by the new edit: the union of both
                union_end = max(end + delta, edit.start + len(edit.after))
                moved.append((min(start, edit.start), union_end))
        spans = moved + [(edit.start, edit.start + len(edit.after))]
        text = text[:edit.start] + edit.after + text[edit.end:]
    return text, spans


def _replay_original_offsets(original: str, edits: list[Edit]) -> tuple[str, list[Span]] | None:
    """Apply non-overlapping edits whose offsets all refer to the original text."""
    order = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].end))
    pieces: list[str] = []
    spans: list[Span | None] = [None] * len(edits)
    cursor, out_len = 0, 0
    for index in order:
        edit = edits[index]
        if edit.start < cursor or original[edit.start:edit.end] != edit.before:
            return None
        pieces.append(original[cursor:edit.start])
        out_len += edit.start - cursor
        spans[index] = (out_len, out_len + len(edit.after))
        pieces.append(edit.after)
        out_len += len(edit.after)
        cursor = edit.end
    pieces.append(original[cursor:])
    return "".join(pieces), [span for span in spans if span is not None]


def _search_spans(final: str, edits: list[Edit]) -> list[Span | None]:
    """Last resort: find each edit's new text in the final line, left to right."""
    spans: list[Span | None] = []
    cursor = 0
    for edit in edits:
        if not edit.after:
            spans.append(None)
            continue
        found = final.find(edit.after, cursor)
        if found < 0:
            found = final.find(edit.after)
        if found < 0:
            spans.append(None)
        else:
            spans.append((found, found + len(edit.after)))
            cursor = found + len(edit.after)
    return spans


def edit_spans(line: Line, edits: list[Edit]) -> list[Span | None]:
    """Where each edit's result sits in the line's final text (None where it cannot be told).

    The repair records offsets in the text before the edit; replaying the edits from
    `original_text` must reproduce the final text, which both checks the audit trail and
    gives the spans the review page highlights. Edits that do not replay (reorder of whole
    lines, offsets of another convention) fall back to a search for their new text.
    """
    if not edits:
        return []
    if line.original_text is not None:
        for replay in (_replay_sequential, _replay_original_offsets):
            result = replay(line.original_text, edits)
            if result is not None and result[0] == line.text:
                return list(result[1])
    return _search_spans(line.text, edits)


# -- rows of one document -----------------------------------------------------------------

def _page_of(line_id: str) -> int:
    head = line_id.split("-", 1)[0]
    return int(head[1:]) if head.startswith("p") and head[1:].isdigit() else 1


def _box(bbox: Any) -> tuple[Any, Any, Any, Any]:
    return tuple(bbox) if bbox else (None, None, None, None)  # type: ignore[return-value]


def document_rows(document: Document, name: str, seconds: float) -> dict[str, list[dict[str, Any]]]:
    """Build the report rows of one processed document (small: safe to send between processes).

    Pure: the Document is not changed (`line.confidence` stays the repair's own number, an
    input of `line_confidence`), so calling it twice gives the same rows.
    """
    edits_by_line: dict[str, list[Edit]] = defaultdict(list)
    for edit in document.edits:
        edits_by_line[edit.line_id].append(edit)
    page_of_line = {line.id: page.number for page in document.pages for line in page.lines}
    rows: dict[str, list[dict[str, Any]]] = {key: [] for key in TABLE_COLUMNS}
    all_conf: list[float] = []
    flagged_total = 0
    edits_per_page: dict[int, int] = defaultdict(int)
    for edit in document.edits:
        edits_per_page[page_of_line.get(edit.line_id, _page_of(edit.line_id))] += 1
    final_spans: dict[int, Span | None] = {}
    for page in document.pages:
        page_conf: list[float] = []
        page_flagged = 0
        for line in page.lines:
            line_edits = edits_by_line.get(line.id, [])
            for edit, span in zip(line_edits, edit_spans(line, line_edits), strict=True):
                final_spans[id(edit)] = span
            if not line.text.strip():
                continue
            confidences = [edit.confidence for edit in line_edits]
            confidence = line_confidence(line, confidences)
            flagged = confidence < FLAG_BELOW
            page_flagged += flagged
            page_conf.append(confidence)
            ocr = ocr_evidence(line)
            word_confs = [w.conf for w in line.words if w.conf >= 0]
            left, top, right, bottom = _box(line.bbox)
            rows["lines"].append({
                "document": name, "page": page.number, "line": line.id, "text": line.text,
                "confidence": confidence, "flagged": flagged,
                "original_text": (line.original_text if line.original_text is not None
                                  else line.text),
                "ocr_confidence": None if ocr is None else round(ocr, 4),
                "min_word_conf": min(word_confs) if word_confs else None,
                "repair_confidence": round(repair_evidence(line, confidences), 4),
                "edits": len(line_edits), "role": line.role,
                "left": left, "top": top, "right": right, "bottom": bottom,
            })
            for index, word in enumerate(line.words):
                left, top, right, bottom = _box(word.bbox)
                rows["words"].append({"document": name, "page": page.number, "line": line.id,
                                      "word": index, "text": word.text, "left": left,
                                      "top": top, "right": right, "bottom": bottom,
                                      "conf": word.conf})
        rows["pages"].append({"document": name, "page": page.number,
                              "skew_deg": page.skew_deg, "rotation_deg": page.rotation_deg,
                              "mean_confidence": _mean(page_conf),
                              "flagged_lines": page_flagged, "lines": len(page_conf),
                              "edits": edits_per_page.get(page.number, 0),
                              "width": page.width, "height": page.height,
                              "image": _image_from_outdir(name, page.image_path)})
        all_conf.extend(page_conf)
        flagged_total += page_flagged
    for edit in document.edits:
        span = final_spans.get(id(edit))
        rows["edits"].append({"document": name,
                              "page": page_of_line.get(edit.line_id, _page_of(edit.line_id)),
                              "line": edit.line_id, "before": edit.before, "after": edit.after,
                              "kind": edit.kind, "confidence": edit.confidence,
                              "reason": edit.reason, "start": edit.start, "end": edit.end,
                              "final_start": span[0] if span else None,
                              "final_end": span[1] if span else None})
    rows["documents"].append({"document": name, "source": document.source,
                              "pages": len(document.pages), "mean_confidence": _mean(all_conf),
                              "edits": len(document.edits), "flagged_lines": flagged_total,
                              "status": "ok", "seconds": round(seconds, 3),
                              "lines": len(all_conf),
                              "min_confidence": round(min(all_conf), 4) if all_conf else None})
    return rows


def _mean(values: list[float]) -> float | None:
    """Mean confidence; None for a page or document without a line of text.

    Why not 1.0: a scan that gave no text at all (a wrong file, a failed scan) then read as
    the most trustworthy document of the run, last in the list an analyst checks.
    """
    return round(sum(values) / len(values), 4) if values else None


# -- the run report -----------------------------------------------------------------------

_INTEGER_COLUMNS = {"pages", "edits", "flagged_lines", "lines", "page", "word", "start", "end",
                    "final_start", "final_end", "left", "top", "right", "bottom", "width",
                    "height", "rotation_deg"}

_FLOAT_COLUMNS = {"mean_confidence", "min_confidence", "confidence", "ocr_confidence",
                  "repair_confidence", "min_word_conf", "conf", "skew_deg", "seconds"}
"""Stay float64 in Parquet when every value is missing, so runs concatenate (no null type)."""


def report_frames(outcomes: list[DocumentOutcome]) -> dict[str, Any]:
    """Gather the run's tables as pandas DataFrames, columns in `TABLE_COLUMNS` order."""
    import pandas as pd

    tables: dict[str, list[dict[str, Any]]] = {key: [] for key in TABLE_COLUMNS}
    for outcome in outcomes:
        if outcome.ok:
            for key, rows in outcome.rows.items():
                if key in tables:
                    tables[key].extend(rows)
        else:
            tables["errors"].append({"document": outcome.name, "source": outcome.source,
                                     "error": outcome.error})
            tables["documents"].append({"document": outcome.name, "source": outcome.source,
                                        "pages": 0, "mean_confidence": None, "edits": 0,
                                        "flagged_lines": 0, "status": "failed",
                                        "seconds": round(outcome.seconds, 3), "lines": 0,
                                        "min_confidence": None})
    frames: dict[str, Any] = {}
    for key, columns in TABLE_COLUMNS.items():
        frame = pd.DataFrame(tables[key], columns=columns)
        for column in columns:
            if column in _INTEGER_COLUMNS:
                frame[column] = _nullable_int(frame[column])
            elif column in _FLOAT_COLUMNS:  # a column of only None (a run of blank scans)
                frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        if "flagged" in frame:
            frame["flagged"] = frame["flagged"].astype(bool)
        frames[key] = frame
    return frames


def _nullable_int(series: Any) -> Any:
    """Whole numbers stay whole in CSV and Parquet, with missing values allowed (Int64)."""
    import pandas as pd

    values = pd.to_numeric(series, errors="coerce")
    if values.isna().all() and len(values):
        return values.astype("Int64")
    finite = values.dropna()
    if len(finite) and not all(math.isclose(v, round(v)) for v in finite):
        return values
    return values.round().astype("Int64")


FINGERPRINT_NAME = ".fingerprint"
"""report/.fingerprint: digest of what the last report was made from (see write_run_report)."""


def report_fingerprint(outcomes: list[DocumentOutcome]) -> str:
    """Digest of everything the report is made from: each outcome and its table rows."""
    payload = [
        (o.name, o.source, o.ok, o.error, o.warnings, o.rows if o.ok else None) for o in outcomes
    ]
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def write_run_report(outcomes: list[DocumentOutcome], outdir: Path) -> None:
    """Write every report table as CSV and Parquet under `outdir/report/`, then report.html.

    When the report on disk was made from exactly these outcomes (a resumed run with
    nothing left to do), it is left as it is: rebuilding it cost more than half of such
    a run (pandas alone takes 0.3 s to import), and it would come out the same.
    """
    folder = outdir / "report"
    fingerprint = report_fingerprint(outcomes)
    marker = folder / FINGERPRINT_NAME
    expected = [folder / f"{key}.{kind}" for key in TABLE_COLUMNS for kind in ("csv", "parquet")]
    if (
        marker.is_file()
        and marker.read_text(encoding="utf-8").strip() == fingerprint
        and all(path.is_file() for path in [*expected, outdir / "report.html"])
    ):
        log.info("%s: report unchanged, kept", folder)
        return
    marker.unlink(missing_ok=True)  # a report being rewritten is not the old one any more
    frames = report_frames(outcomes)
    folder.mkdir(parents=True, exist_ok=True)
    for key, frame in frames.items():
        with atomic_path(folder / f"{key}.csv") as tmp:
            frame.to_csv(tmp, index=False)
        with atomic_path(folder / f"{key}.parquet") as tmp:
            frame.to_parquet(tmp, index=False)
    from pipeline.report_html import write_report_html

    try:
        write_report_html(outdir, frames)
    except Exception as error:  # noqa: BLE001 - the tables are written; the page is a view of them
        log.error("%s: report.html not written: %s: %s", outdir, type(error).__name__, error,
                  exc_info=log.isEnabledFor(logging.DEBUG))
        return
    write_text_atomic(marker, fingerprint + "\n")


def _image_from_outdir(document: str, image_path: str | None) -> str | None:
    """A page image as the report tables give it: relative to OUTDIR (where report/ lives)."""
    if image_path is None or Path(image_path).is_absolute():
        return image_path
    return f"{document}/{image_path}"

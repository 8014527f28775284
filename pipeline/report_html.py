"""`OUTDIR/report.html`: one self-contained static page to review a run.

No server, no network: CSS, JavaScript and the run's data are inline, and page images
are embedded as downscaled JPEG data URIs (up to a size budget; past it, pages refer to
the kept image by a relative path). Documents are listed least confident first; a page
shows its image with word boxes coloured by Tesseract confidence beside the repaired
text, each edit highlighted with "before → after" on hover, and a "flagged lines only"
filter. Page images exist only when the run kept them (`--keep-images` sets
`Page.image_path`); otherwise the page shows its layout (the boxes) or text alone.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import math
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.atomic import write_text_atomic

log = logging.getLogger(__name__)

TEMPLATE = Path(__file__).with_name("templates") / "report.html"
THUMB_MAX_WIDTH = 1000
"""Embedded page images are downscaled to this width: boxes stay readable, ~60-120 kB a page."""
THUMB_QUALITY = 60
EMBED_BUDGET_BYTES = 24_000_000
"""Past this many bytes of embedded images, pages refer to their kept image instead."""


def _clean(value: Any) -> Any:
    """JSON-safe scalar: NaN/NA → None, numpy numbers → Python numbers."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{key: _clean(value) for key, value in row.items()}
            for row in frame.to_dict(orient="records")]


def _resolve_image(image: str | None, outdir: Path, document: str, page: int) -> Path | None:
    """Find a page's kept image: its recorded path, or the runner's OUTDIR/<doc>/pages/ names.

    `page-NNNN.jpg` is where a worker may leave a small thumbnail of the preprocessed page
    when full images are not kept: boxes are drawn in page pixels and scaled to any size.
    """
    candidates: list[Path] = []
    if image:
        path = Path(image)
        candidates += [path] if path.is_absolute() else [outdir / document / path, outdir / path]
    folder = outdir / document / "pages"
    candidates += [folder / f"page-{page:04d}.png", folder / f"page-{page:04d}.jpg"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def page_thumbnail(path: Path, max_width: int = THUMB_MAX_WIDTH,
                   quality: int = THUMB_QUALITY) -> bytes:
    """Downscale a page image to a greyscale JPEG (scans are grey; colour triples the size)."""
    from PIL import Image

    with Image.open(path) as image:
        grey = image.convert("L")
        if grey.width > max_width:
            height = max(1, round(grey.height * max_width / grey.width))
            grey = grey.resize((max_width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        grey.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


class _ImageEmbedder:
    """Turn kept page images into data URIs until the budget is spent, then relative paths."""

    def __init__(self, outdir: Path, budget: int) -> None:
        self.outdir = outdir
        self.budget = budget
        self.spent = 0

    def source(self, image: str | None, document: str, page: int) -> str | None:
        path = _resolve_image(image, self.outdir, document, page)
        if path is None:
            return None
        if self.spent < self.budget:
            try:
                data = page_thumbnail(path)
            except OSError as error:
                log.warning("%s: page image not embedded: %s", path, error)
                return None
            self.spent += len(data)
            return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
        return Path(os.path.relpath(path.resolve(), self.outdir.resolve())).as_posix()


def review_data(frames: dict[str, Any], outdir: Path,
                embed_budget: int = EMBED_BUDGET_BYTES) -> dict[str, Any]:
    """Collect what the review page renders: documents (least confident first), their pages."""
    from pipeline.report import FLAG_BELOW

    documents = _records(frames["documents"])
    errors = {row["document"]: row["error"] for row in _records(frames["errors"])}
    pages_by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in _records(frames["pages"]):
        pages_by_doc.setdefault(row["document"], []).append(row)
    lines_by_page: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in _records(frames["lines"]):
        lines_by_page.setdefault((row["document"], row["page"]), []).append(row)
    edits_by_line: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in _records(frames["edits"]):
        edits_by_line.setdefault((row["document"], row["line"]), []).append(row)
    words_by_page: dict[tuple[str, int], list[list[Any]]] = {}
    for row in _records(frames["words"]):
        if row["left"] is None:
            continue
        words_by_page.setdefault((row["document"], row["page"]), []).append(
            [row["left"], row["top"], row["right"], row["bottom"],
             row["conf"] if row["conf"] is not None else -1, row["text"], row["line"]])

    embedder = _ImageEmbedder(outdir, embed_budget)
    failed = [doc for doc in documents if doc["status"] != "ok"]
    done = sorted((doc for doc in documents if doc["status"] == "ok"),
                  key=lambda doc: (doc["mean_confidence"] if doc["mean_confidence"] is not None
                                   else -1.0, -doc["flagged_lines"], doc["document"]))
    ordered = failed + done
    for doc in ordered:
        name = doc["document"]
        doc["error"] = errors.get(name)
        page_list = []
        for page in sorted(pages_by_doc.get(name, []), key=lambda row: row["page"]):
            number = page["page"]
            lines = []
            for line in lines_by_page.get((name, number), []):
                box = ([line["left"], line["top"], line["right"], line["bottom"]]
                       if line["left"] is not None else None)
                edits = [{"s": edit["final_start"], "e": edit["final_end"],
                          "before": edit["before"], "after": edit["after"], "kind": edit["kind"],
                          "conf": edit["confidence"], "reason": edit["reason"] or ""}
                         for edit in edits_by_line.get((name, line["line"]), [])]
                lines.append({"id": line["line"], "text": line["text"], "conf": line["confidence"],
                              "flagged": bool(line["flagged"]), "box": box,
                              "orig": line["original_text"], "ocr": line["ocr_confidence"],
                              "repair": line["repair_confidence"], "edits": edits})
            page_list.append({
                "page": number, "mean_confidence": page["mean_confidence"],
                "flagged_lines": page["flagged_lines"], "edits": page["edits"] or 0,
                "skew_deg": page["skew_deg"], "rotation_deg": page["rotation_deg"] or 0,
                "width": page["width"] or 0, "height": page["height"] or 0,
                "img": embedder.source(page["image"], name, number),
                "lines": lines, "words": words_by_page.get((name, number), []),
            })
        doc["page_list"] = page_list
    line_count = sum(len(rows) for rows in lines_by_page.values())
    flagged = int(frames["lines"]["flagged"].sum()) if len(frames["lines"]) else 0
    return {
        "flag_below": FLAG_BELOW,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "summary": {"documents": len(documents), "failed": len(failed),
                    "pages": len(frames["pages"]), "lines": line_count, "flagged": flagged,
                    "flagged_share": flagged / line_count if line_count else 0.0,
                    "edits": len(frames["edits"])},
        "documents": ordered,
    }


def _embed_json(data: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: no "</script>" or "<!--" can close it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_report_html(frames: dict[str, Any], outdir: Path,
                       embed_budget: int = EMBED_BUDGET_BYTES) -> str:
    """Render the review page of a run as one HTML string."""
    from html import escape

    from pipeline.report import FLAG_BELOW

    data = review_data(frames, outdir, embed_budget)
    template = TEMPLATE.read_text(encoding="utf-8")
    return (template.replace("__VIDOC_TITLE__", escape(outdir.resolve().name))
            .replace("__VIDOC_FLAG__", f"{FLAG_BELOW:g}")
            .replace("__VIDOC_DATA__", _embed_json(data)))


def load_frames(outdir: Path) -> dict[str, Any]:
    """Read a run's report tables back from `OUTDIR/report/*.parquet`."""
    import pandas as pd

    from pipeline.report import TABLE_COLUMNS

    frames = {}
    for key, columns in TABLE_COLUMNS.items():
        frame = pd.read_parquet(outdir / "report" / f"{key}.parquet")
        for column in columns:  # a report from an older vidoc may lack the additive columns
            if column not in frame:
                frame[column] = None
        frames[key] = frame
    return frames


def write_report_html(outdir: Path, frames: dict[str, Any] | None = None,
                      embed_budget: int = EMBED_BUDGET_BYTES) -> Path:
    """Write `outdir/report.html` (atomically) from the run's tables; return its path."""
    if frames is None:
        frames = load_frames(outdir)
    target = outdir / "report.html"
    write_text_atomic(target, render_report_html(frames, outdir, embed_budget))
    log.info("%s: review page written (%d kB)", target, target.stat().st_size // 1024)
    return target

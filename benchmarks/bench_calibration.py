"""Is line confidence calibrated? The real error rate of flagged and unflagged lines.

Two measurements, on HELD-OUT corpus documents only (`pipeline.corpus.is_heldout`):

1. Scanned path: directive pages rendered with `pipeline.render` (the exact text drawn is the
   truth), degraded like scans (clean / office scan / fax / photocopy), run through the
   pipeline (preprocess → OCR → repair), reported with `pipeline.report.document_rows`.
   A line is right when its text occurs exactly (spaces collapsed) in the page's truth:
   semi-global edit distance 0 against the truth page; its CER is that distance / length.
2. Text path: the repair dev set (`benchmarks/devset.py`: clean, stripped, garbled, mixed
   passages) through `vidoc repair`'s code, each output line compared to its truth line.

For each confidence definition it prints: lines, flagged share, error rate of flagged and
unflagged lines, the share of wrong lines that are flagged (recall), Brier score, expected
calibration error (ECE, 10 bins) and AUC (how well confidence ranks wrong lines below
right ones), and a reliability table of the report's definition.

Run from the repo root:
    nice -n 10 .venv/bin/python benchmarks/bench_calibration.py [--pages 16] [--split heldout]
(`--split train` measures on training documents, for fitting; never report those.)
OCR results are cached in benchmarks/cache/calibration/ (delete to re-run the pipeline).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from pipeline.config import RunSettings  # noqa: E402
from pipeline.document import Document, Edit, Line, Page, Word  # noqa: E402
from pipeline.report import (  # noqa: E402
    FLAG_BELOW,
    document_rows,
    line_confidence,
    ocr_evidence,
    raw_line_confidence,
)

sys.path.insert(0, str(ROOT / "benchmarks"))
from results_file import kept_below  # noqa: E402

CACHE = ROOT / "benchmarks" / "cache" / "calibration"
CORPUS_FILE = "legal_admin_tvpl_2025.txt"
CONDITIONS: dict[str, dict[str, Any]] = {
    "clean": {},
    "scan": {"rotate_deg": 1.3, "blur": 0.8, "noise": 8.0, "jpeg_quality": 60, "shading": 0.2},
    "fax": {"rotate_deg": -0.7, "dpi_scale": 0.67, "blur": 0.9, "bitonal": True, "speckle": 0.002},
    "photocopy": {"rotate_deg": 0.5, "dpi_scale": 0.5, "blur": 1.1, "noise": 14.0,
                  "shading": 0.4, "jpeg_quality": 45},
}


# -- truth matching -----------------------------------------------------------------------

def squash(text: str) -> str:
    """Spaces collapsed: line breaks and double spaces are layout, not text."""
    return " ".join(text.split())


def substring_distance(line: str, truth: str) -> int:
    """Least edit distance between `line` and any substring of `truth` (semi-global).

    Row by row over `line`, vectorised over `truth`; the insertion recurrence along a
    row (d[j] = min(t[j], d[j-1] + 1)) is a running minimum of t[j] - j, plus j.
    """
    if not line:
        return 0
    t = np.frombuffer(truth.encode("utf-32-le"), dtype=np.uint32)
    j = np.arange(len(t) + 1, dtype=np.int64)
    previous = np.zeros(len(t) + 1, dtype=np.int64)  # free start anywhere in truth
    for i, char in enumerate(line, start=1):
        cost = (t != ord(char)).astype(np.int64)
        row = np.empty_like(previous)
        row[0] = i
        row[1:] = np.minimum(previous[1:] + 1, previous[:-1] + cost)
        row = np.minimum.accumulate(row - j) + j
        previous = row
    return int(previous.min())


# -- the scanned path ---------------------------------------------------------------------

def iter_pages(split: str) -> Iterator[tuple[str, Any, list[str]]]:
    """(page id, degraded image, truth lines): the first two pages of corpus directives.

    Conditions cycle page by page, so every document is seen under two of them.
    """
    from pipeline.corpus import default_corpus_dir, iter_split
    from pipeline.render import degrade, layout_from_corpus, render_document

    corpus = default_corpus_dir()
    if corpus is None:
        sys.exit("corpus not found (../shared/corpus): nothing to measure")
    names = list(CONDITIONS)
    index = 0
    for number, text in enumerate(iter_split(corpus / CORPUS_FILE, heldout=split == "heldout")):
        layout = layout_from_corpus(text)
        if layout is None or len(layout.body) < 3:
            continue
        for page_number, page in enumerate(render_document(layout, dpi=300)[:2], start=1):
            if len(page.truth_lines) < 8:
                continue
            condition = names[index % len(names)]
            image = degrade(page.image, seed=index, **CONDITIONS[condition])
            yield f"{split}-d{number:03d}p{page_number}-{condition}", image, page.truth_lines
            index += 1


def process_image(image: Any, name: str, repair: bool) -> Document:
    """Run one page image through preprocess, OCR and repair (in `pipeline.runner` order)."""
    from pipeline.config import OcrSettings, RepairSettings
    from pipeline.ocr import ocr_page
    from pipeline.preprocess import prepare_page
    from pipeline.runner import repair_stage

    settings = RunSettings(outdir=CACHE, ocr=OcrSettings(), repair=RepairSettings(enabled=repair))
    dpi = int(image.info.get("dpi", (300, 300))[0])
    prepared = prepare_page(image, dpi, settings.ocr, page_label=name)
    document = Document(source=name, kind="image", pages=[ocr_page(prepared, 1, settings.ocr)])
    return repair_stage(document, settings)


def document_from_json(data: dict[str, Any]) -> Document:
    """Rebuild a cached Document (only what the report reads)."""
    pages = []
    for page in data["pages"]:
        lines = [Line(**{**line, "words": [Word(**w) for w in line["words"]]})
                 for line in page["lines"]]
        pages.append(Page(**{**page, "lines": lines}))
    edits = [Edit(**edit) for edit in data["edits"]]
    return Document(source=data["source"], kind=data["kind"], pages=pages, edits=edits)


def scanned_lines(split: str, count: int, repair: bool) -> list[dict[str, Any]]:
    """Report rows of the lines of `count` rendered pages, each with `errors` and `chars`."""
    CACHE.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for number, (name, image, truth_lines) in enumerate(iter_pages(split)):
        if number >= count:
            break
        cached = CACHE / f"{name}{'' if repair else '-norepair'}.json"
        if cached.exists():
            document = document_from_json(json.loads(cached.read_text(encoding="utf-8")))
        else:
            document = process_image(image, name, repair)
            cached.write_text(json.dumps(asdict(document), ensure_ascii=False), encoding="utf-8")
        truth = squash(" ".join(truth_lines))
        page_rows = document_rows(document, name, 0.0)["lines"]
        lines = {line.id: line for line in document.lines}
        edits: dict[str, list[float]] = {}
        for edit in document.edits:
            edits.setdefault(edit.line_id, []).append(edit.confidence)
        for row in page_rows:
            text = squash(row["text"])
            row["errors"] = substring_distance(text, truth)
            row["chars"] = max(1, len(text))
            row["condition"] = name.rsplit("-", 1)[1]
            row["_line"] = lines[row["line"]]
            row["_edits"] = edits.get(row["line"], [])
            rows.append(row)
        print(f"  {name}: {len(page_rows)} lines, "
              f"{sum(r['errors'] > 0 for r in page_rows)} wrong "
              f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return rows


# -- the text path ------------------------------------------------------------------------

def train_text_cases(per_condition: int, seed: int = 7) -> list[dict[str, Any]]:
    """Dev-set-like passages from TRAINING documents (the recipe of `benchmarks/devset.py`)."""
    import random

    from devset import _prose_lines, garble_line, strip_marks

    from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split

    corpus = default_corpus_dir()
    if corpus is None:
        sys.exit("corpus not found (../shared/corpus): nothing to measure")
    rng = random.Random(seed)
    passages: list[list[str]] = []
    for name in OFFICIAL_FILES:
        for document in iter_split(corpus / name, heldout=False):
            lines = _prose_lines(document)
            passages += [lines[k:k + 3] for k in range(0, len(lines) - 2, 3)]
    rng.shuffle(passages)
    conditions = ["clean", "stripped", "garbled", "mixed"]
    cases = []
    for n, truth in enumerate(passages[:per_condition * len(conditions)]):
        condition = conditions[n % len(conditions)]
        damaged = list(truth)
        if condition == "stripped":
            damaged = [strip_marks(x) for x in truth]
        elif condition == "garbled":
            damaged = [garble_line(x, rng, rate=0.3) for x in truth]
        elif condition == "mixed":
            k = rng.randrange(len(truth))
            damaged[k] = (strip_marks(truth[k]) if rng.random() < 0.5
                          else garble_line(truth[k], rng, 0.3))
        cases.append({"id": f"train-{condition}-{n}", "condition": condition, "truth": truth,
                      "input": damaged})
    return cases


def text_lines(per_condition: int, split: str = "heldout") -> list[dict[str, Any]]:
    """Report rows of repaired passages, each output line against its truth line.

    Held-out: the repair dev set (`benchmarks/devset.py`); train: the same recipe on
    training documents (`train_text_cases`), for fitting `TEXT_CALIBRATION`.
    """
    from pipeline.config import RepairSettings
    from pipeline.runner import repair_plain_text

    if split == "train":
        cases = train_text_cases(per_condition)
    else:
        devset = ROOT / "benchmarks" / "cache" / "devset.jsonl"
        if not devset.exists():
            print("  (no dev set: run benchmarks/devset.py first)", file=sys.stderr)
            return []
        cases = [json.loads(raw) for raw in devset.read_text(encoding="utf-8").splitlines()]
    settings = RunSettings(outdir=CACHE, repair=RepairSettings(reorder=False))
    seen: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for case in cases:
        if case["condition"] == "ood" or seen.get(case["condition"], 0) >= per_condition:
            continue
        seen[case["condition"]] = seen.get(case["condition"], 0) + 1
        document = repair_plain_text("\n".join(case["input"]), case["id"], settings)
        if len(document.lines) != len(case["truth"]):
            continue
        lines = {line.id: line for line in document.lines}
        edits: dict[str, list[float]] = {}
        for edit in document.edits:
            edits.setdefault(edit.line_id, []).append(edit.confidence)
        truth_by_id = {line.id: truth
                       for line, truth in zip(document.lines, case["truth"], strict=True)}
        for row in document_rows(document, case["id"], 0.0)["lines"]:
            text, truth = squash(row["text"]), squash(truth_by_id[row["line"]])
            row["errors"] = 0 if text == truth else max(1, substring_distance(text, truth))
            row["chars"] = max(1, len(text))
            row["condition"] = case["condition"]
            row["_line"] = lines[row["line"]]
            row["_edits"] = edits.get(row["line"], [])
            rows.append(row)
    return rows


# -- metrics ------------------------------------------------------------------------------

Definition = Callable[[dict[str, Any]], float]


def _skeleton(row: dict[str, Any]) -> float:
    """The first definition: mean word confidence × least sure edit."""
    line: Line = row["_line"]
    ocr = 1.0 if line.conf < 0 else line.conf / 100
    return ocr * (min(row["_edits"]) if row["_edits"] else 1.0)


def _ocr_only(row: dict[str, Any]) -> float:
    value = ocr_evidence(row["_line"])
    return 1.0 if value is None else value


DEFINITIONS: dict[str, Definition] = {
    "report: line_confidence": lambda row: line_confidence(row["_line"], row["_edits"]),
    "raw: OCR evidence × repair evidence":
        lambda row: raw_line_confidence(row["_line"], row["_edits"]),
    "mean word conf × least sure edit": _skeleton,
    "OCR evidence alone": _ocr_only,
}


def auc(scores: np.ndarray, right: np.ndarray) -> float:
    """P(a right line scores above a wrong one), ties counted half."""
    pos, neg = scores[right], scores[~right]
    if not len(pos) or not len(neg):
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    values = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(values):  # average ranks over ties
        k = i
        while k + 1 < len(values) and values[k + 1] == values[i]:
            k += 1
        ranks[order[i:k + 1]] = (i + k) / 2 + 1
        i = k + 1
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def metrics(rows: list[dict[str, Any]], definition: Definition) -> dict[str, float]:
    """Calibration and ranking figures of one confidence definition over `rows`."""
    scores = np.array([definition(row) for row in rows])
    right = np.array([row["errors"] == 0 for row in rows])
    flagged = scores < FLAG_BELOW
    cer = np.array([row["errors"] / row["chars"] for row in rows])
    bins = np.minimum((scores * 10).astype(int), 9)
    ece = sum(abs(scores[bins == b].mean() - right[bins == b].mean()) * (bins == b).sum()
              for b in range(10) if (bins == b).any()) / len(rows)
    return {
        "lines": len(rows),
        "wrong %": 100 * (~right).mean(),
        "flagged %": 100 * flagged.mean(),
        "wrong given flagged %": 100 * (~right[flagged]).mean() if flagged.any() else float("nan"),
        "wrong given unflagged %": (100 * (~right[~flagged]).mean() if (~flagged).any()
                                    else float("nan")),
        "CER flagged %": 100 * cer[flagged].mean() if flagged.any() else float("nan"),
        "CER unflagged %": 100 * cer[~flagged].mean() if (~flagged).any() else float("nan"),
        "wrong lines flagged %": 100 * flagged[~right].mean() if (~right).any() else float("nan"),
        "Brier": float(((scores - right) ** 2).mean()),
        "ECE": float(ece),
        "AUC": auc(scores, right),
    }


def isotonic_knots(rows: list[dict[str, Any]], min_block: int = 25,
                   max_knots: int = 10) -> list[tuple[float, float]]:
    """Monotone (raw, P(right)) knots by pool-adjacent-violators, blocks of >= `min_block` lines."""
    pairs = sorted((raw_line_confidence(row["_line"], row["_edits"]), float(row["errors"] == 0))
                   for row in rows)
    blocks: list[list[float]] = []  # [sum raw, sum right, count]
    for raw, right in pairs:
        blocks.append([raw, right, 1.0])
        while len(blocks) > 1 and (blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]
                                   or blocks[-2][2] < min_block):
            last = blocks.pop()
            blocks[-1] = [a + b for a, b in zip(blocks[-1], last, strict=True)]
    while len(blocks) > 1 and blocks[-1][2] < min_block:
        last = blocks.pop()
        blocks[-1] = [a + b for a, b in zip(blocks[-1], last, strict=True)]
    while len(blocks) > max_knots:  # merge the adjacent pair with the closest rates
        gaps = [blocks[i + 1][1] / blocks[i + 1][2] - blocks[i][1] / blocks[i][2]
                for i in range(len(blocks) - 1)]
        i = int(np.argmin(gaps))
        blocks[i] = [a + b for a, b in zip(blocks[i], blocks.pop(i + 1), strict=True)]
    # Laplace's rule of succession: a block that was always right is not certain
    knots = [(round(b[0] / b[2], 4), round((b[1] + 1) / (b[2] + 2), 4)) for b in blocks]
    return [(x, max(y for _, y in knots[:i + 1])) for i, (x, _) in enumerate(knots)]


def reliability(rows: list[dict[str, Any]],
                definition: Definition) -> list[tuple[str, int, float, float]]:
    """(confidence bin, lines, mean confidence, observed share right) per bin."""
    edges = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001]
    scores = np.array([definition(row) for row in rows])
    right = np.array([row["errors"] == 0 for row in rows])
    out = []
    for low, high in zip(edges, edges[1:], strict=False):
        mask = (scores >= low) & (scores < high)
        if mask.any():
            label = f"[{low:.2f}, {min(high, 1):.2f}{']' if high > 1 else ')'}"
            out.append((label, int(mask.sum()),
                        float(scores[mask].mean()), float(right[mask].mean())))
    return out


def markdown_tables(title: str, rows: list[dict[str, Any]]) -> str:
    if not rows:
        return f"### {title}\n\n(no lines)\n"
    out = [f"### {title}", ""]
    header = list(metrics(rows, DEFINITIONS["report: line_confidence"]))
    out.append("| definition | " + " | ".join(header) + " |")
    out.append("|---" * (len(header) + 1) + "|")
    for name, definition in DEFINITIONS.items():
        values = metrics(rows, definition)
        cells = [str(int(v)) if k == "lines" else f"{v:.3f}" if k in ("Brier", "ECE", "AUC")
                 else f"{v:.1f}" for k, v in values.items()]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += ["", "Reliability of the report's definition:", "",
            "| confidence | lines | mean confidence | share right |", "|---|---|---|---|"]
    for label, n, mean, share in reliability(rows, DEFINITIONS["report: line_confidence"]):
        out.append(f"| {label} | {n} | {mean:.3f} | {share:.3f} |")
    by_condition: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_condition.setdefault(row["condition"], []).append(row)
    out += ["", "By condition (report's definition):", "",
            "| condition | lines | wrong % | flagged % | wrong given flagged % "
            "| wrong given unflagged % | wrong lines flagged % |",
            "|---|---|---|---|---|---|---|"]
    for condition, subset in by_condition.items():
        m = metrics(subset, DEFINITIONS["report: line_confidence"])
        out.append(f"| {condition} | {m['lines']} | {m['wrong %']:.1f} | {m['flagged %']:.1f} | "
                   f"{m['wrong given flagged %']:.1f} | {m['wrong given unflagged %']:.1f} | "
                   f"{m['wrong lines flagged %']:.1f} |")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=16, help="rendered pages to OCR")
    parser.add_argument("--split", choices=["heldout", "train"], default="heldout")
    parser.add_argument("--text-cases", type=int, default=40, help="dev-set passages per condition")
    parser.add_argument("--no-repair", action="store_true", help="OCR only (no repair stage)")
    parser.add_argument("--out", type=Path, help="also write the tables to this Markdown file")
    parser.add_argument("--fit", action="store_true",
                        help="print the calibration knots fitted on these lines "
                             "(use with --split train)")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"scanned path: {args.pages} {args.split} pages", file=sys.stderr)
    scanned = scanned_lines(args.split, args.pages, not args.no_repair)
    title = f"## Line confidence calibration ({args.split} documents, flag below {FLAG_BELOW})"
    report = [title, "",
              markdown_tables(f"Scanned path: {len({r['document'] for r in scanned})} "
                              f"rendered pages, conditions "
                              f"{', '.join(CONDITIONS)}{' (no repair)' if args.no_repair else ''}",
                              scanned)]
    if args.fit:
        ocr_rows = [row for row in scanned if ocr_evidence(row["_line"]) is not None]
        print(f"OCR_CALIBRATION = {tuple(isotonic_knots(ocr_rows))!r}  # fitted on {len(ocr_rows)} "
              f"{args.split} lines", file=sys.stderr)
    if args.text_cases > 0:
        print(f"text path: {args.split} passages", file=sys.stderr)
        texts = text_lines(args.text_cases, args.split)
        report.append(markdown_tables(f"Text path: {args.split} passages, clean / stripped / "
                                      f"garbled / mixed ({args.text_cases} each)", texts))
        if args.fit:
            print(f"TEXT_CALIBRATION = {tuple(isotonic_knots(texts))!r}  # fitted on {len(texts)} "
                  f"{args.split} lines", file=sys.stderr)
    report.append(f"({time.perf_counter() - started:.0f} s; command: .venv/bin/python "
                  f"benchmarks/bench_calibration.py {' '.join(sys.argv[1:])})\n")
    text = "\n".join(report)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        notes = kept_below(args.out, lambda line: line.startswith("(") and "; command: " in line)
        args.out.write_text(text + notes, encoding="utf-8")

if __name__ == "__main__":
    main()

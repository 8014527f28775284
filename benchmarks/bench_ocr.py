"""Raw `tesseract -l vie` vs vidoc's preprocess+ocr on rendered, degraded held-out pages.

For every page × scan condition × rotation, both read the same degraded image; the table
gives CER, WER, the share of syllables with exactly the right letters and marks, and
seconds per page, side by side. "raw" is Tesseract's text in its own line order;
"raw+order" the same words in vidoc's reading order (the two-column header fixed), so
the gain of image preprocessing alone is "raw+order" vs ours. `--variants` adds rows for
other binarization methods (how `preprocess.BINARIZATION` was chosen).

    .venv/bin/python benchmarks/bench_ocr.py [--pages 2] [--rotations 0,2,5]
        [--conditions clean,scan,...] [--variants none,otsu,sauvola,normalized_otsu] [--out FILE]

Skips (exit 0) when the shared corpus is absent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402

from benchmarks.dev_pages import DEGRADATIONS, heldout_layouts  # noqa: E402
from benchmarks.metrics import cer, diacritic_syllable_accuracy, wer  # noqa: E402
from pipeline import preprocess, tesseract  # noqa: E402
from pipeline.config import OcrSettings  # noqa: E402
from pipeline.ocr import drop_fragments, group_lines, ocr_page, order_blocks, split_columns  # noqa: E402
from pipeline.render import degrade, render_document  # noqa: E402


def raw_texts(image: np.ndarray, dpi: int, settings: OcrSettings) -> tuple[str, str]:
    """Plain `tesseract -l vie --psm 3` on the degraded image: its own line order, and the
    same words put in vidoc's reading order (to separate image cleaning from ordering)."""
    words = tesseract.image_to_words(
        image, lang=settings.lang, psm=settings.psm, dpi=dpi, timeout_s=settings.page_timeout_s
    )
    lines: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for w in words:
        lines[(w.block, w.paragraph, w.line)].append(w.text)
    own = "\n".join(" ".join(ws) for ws in lines.values())
    blocks = order_blocks(split_columns(group_lines(drop_fragments(words)))) if words else []
    ordered = "\n".join(" ".join(w.text for w in seg.words) for block in blocks for seg in block)
    return own, ordered


def ours_text(image, dpi: int, settings: OcrSettings, variant: str) -> str:
    preprocess.BINARIZATION = variant
    prepared = preprocess.prepare_page(image, dpi, settings, "bench")
    page = ocr_page(prepared, 1, settings)
    return "\n".join(line.text for line in page.lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=int, default=2, help="held-out documents (first page of each)"
    )
    parser.add_argument("--rotations", default="0,2,5")
    parser.add_argument("--conditions", default=",".join(DEGRADATIONS))
    parser.add_argument(
        "--variants", default=preprocess.BINARIZATION, help="binarization methods for 'ours'"
    )
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument(
        "--min-dpi",
        type=int,
        default=OcrSettings().min_dpi_for_ocr,
        help="scans below this dpi are upsampled to 300 before OCR (OcrSettings.min_dpi_for_ocr)",
    )
    args = parser.parse_args()
    layouts = heldout_layouts(args.pages)
    if not layouts:
        print("SKIP: shared corpus not found (../shared/corpus or $VIDOC_CORPUS)")
        return 0
    rotations = [float(r) for r in args.rotations.split(",")]
    conditions = args.conditions.split(",")
    variants = args.variants.split(",")
    default_variant = preprocess.BINARIZATION
    settings = OcrSettings(min_dpi_for_ocr=args.min_dpi)
    results: dict[tuple[str, float, str], list[tuple[float, float, float, float]]] = defaultdict(
        list
    )
    for k, layout in enumerate(layouts):
        page = render_document(layout)[0]
        for cond in conditions:
            params = DEGRADATIONS[cond]
            for rot in rotations:
                img = degrade(page.image, rotate_deg=rot, seed=1000 * k + int(rot * 10), **params)
                dpi = int(img.info["dpi"][0])
                t = time.perf_counter()
                raw, raw_ordered = raw_texts(np.asarray(img), dpi, settings)
                secs = time.perf_counter() - t
                for system, hyp in (("raw", raw), ("raw+order", raw_ordered)):
                    row = (
                        cer(page.truth, hyp),
                        wer(page.truth, hyp),
                        diacritic_syllable_accuracy(page.truth, hyp),
                        secs,
                    )
                    results[(cond, rot, system)].append(row)
                    print(
                        f"doc {k} {cond:9s} rot {rot:4.1f} {system:9s} "
                        f"CER {row[0]:.4f} {secs:.2f}s",
                        flush=True,
                    )
                for variant in variants:
                    t = time.perf_counter()
                    hyp = ours_text(img, dpi, settings, variant)
                    secs = time.perf_counter() - t
                    row = (
                        cer(page.truth, hyp),
                        wer(page.truth, hyp),
                        diacritic_syllable_accuracy(page.truth, hyp),
                        secs,
                    )
                    results[(cond, rot, variant)].append(row)
                    print(
                        f"doc {k} {cond:9s} rot {rot:4.1f} {variant:8s} "
                        f"CER {row[0]:.4f} {secs:.2f}s",
                        flush=True,
                    )
    preprocess.BINARIZATION = default_variant
    table = _table(results, conditions, rotations, ["raw", "raw+order", *variants])
    print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


def _table(results, conditions, rotations, systems) -> str:
    lines = [
        "| condition | rotation ° | system | CER % | WER % | syllables exactly right % | s/page |",
        "|---|---|---|---|---|---|---|",
    ]
    totals: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
    for cond in conditions:
        for rot in rotations:
            for system in systems:
                rows = results.get((cond, rot, system), [])
                if not rows:
                    continue
                totals[system].extend(rows)
                lines.append(_row(cond, f"{rot:g}", system, rows))
    for system in systems:
        if totals[system]:
            lines.append(_row("**all**", "all", system, totals[system]))
    return "\n".join(lines)


def _row(cond: str, rot: str, system: str, rows) -> str:
    c, w, d, s = (statistics.mean(r[i] for r in rows) for i in range(4))
    return (
        f"| {cond} | {rot} | {system} | {100 * c:.2f} | {100 * w:.2f} | {100 * d:.2f} | {s:.2f} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())

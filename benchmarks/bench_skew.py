"""Skew measurement accuracy on rendered held-out pages turned by known angles (no Tesseract).

    .venv/bin/python benchmarks/bench_skew.py [--pages 2]

Prints the mean and worst absolute error of `preprocess.measure_skew` per scan condition
for tilts across ±15°. Skips (exit 0) when the shared corpus is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dev_pages import DEGRADATIONS, heldout_layouts  # noqa: E402
from pipeline import preprocess  # noqa: E402
from pipeline.render import degrade, render_document  # noqa: E402

ANGLES = (
    -14.73,
    -12.08,
    -9.31,
    -7.0,
    -4.44,
    -2.17,
    -0.62,
    0.37,
    1.52,
    3.5,
    6.23,
    8.81,
    12.0,
    14.64,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2)
    args = parser.parse_args()
    layouts = heldout_layouts(args.pages)
    if not layouts:
        print("SKIP: shared corpus not found")
        return 0
    print("| condition | pages × tilts | mean abs error ° | worst abs error ° | ms/page |")
    print("|---|---|---|---|---|")
    pages = [render_document(layout)[0].image for layout in layouts]
    for name, params in DEGRADATIONS.items():
        errors, seconds = [], []
        for k, page in enumerate(pages):
            for angle in ANGLES:
                img = degrade(page, rotate_deg=angle, seed=k, **params)
                dpi = round(300 * params.get("dpi_scale", 1.0))
                gray, dpi = preprocess.upsample(preprocess.to_gray(img), dpi, 280)
                t = time.perf_counter()
                measured = preprocess.measure_skew(gray, dpi)
                seconds.append(time.perf_counter() - t)
                errors.append(abs(measured - angle))
        print(
            f"| {name} | {len(errors)} | {sum(errors) / len(errors):.3f} | {max(errors):.3f} "
            f"| {1000 * sum(seconds) / len(seconds):.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

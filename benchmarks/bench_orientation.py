"""Measure orientation detection on rendered, degraded, turned pages: choose the OSD threshold.

For each page turned by 0/90/180/270 (plus a small tilt, as real scans have) it records the
geometric upright margin, Tesseract OSD's answer and confidence, and the strip-confidence
second opinion, then prints how often each is right per OSD confidence band.

    .venv/bin/python benchmarks/bench_orientation.py [--pages 2] [--conditions scan,fax,...]

Skips (exit 0) when the shared corpus is absent.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from benchmarks.dev_pages import DEGRADATIONS, heldout_layouts  # noqa: E402
from pipeline import cleanup, preprocess, tesseract  # noqa: E402
from pipeline.config import OcrSettings  # noqa: E402
from pipeline.render import degrade, render_document  # noqa: E402

HEAVY_FAX = {"dpi_scale": 0.5, "noise": 25.0, "blur": 1.5, "bitonal": True}


def _measure(label, image, name, params, turn, tilt, settings):
    """Turn one degraded page clockwise by `turn`; record what each detector says."""
    img = degrade(image, rotate_deg=tilt, seed=sum(map(ord, label)), **params)
    dpi = round(300 * params.get("dpi_scale", 1.0))
    img = img.rotate(-turn, expand=True, fillcolor=255) if turn else img
    gray, dpi = preprocess.upsample(preprocess.to_gray(img), dpi, settings.min_dpi_for_ocr)
    geo = preprocess._geometry(gray, dpi)
    small, sdpi = gray[::2, ::2], dpi // 2
    t = time.perf_counter()
    osd = tesseract.detect_orientation(small, dpi=sdpi, timeout_s=60)
    osd_s = time.perf_counter() - t
    want = (360 - turn) % 360  # the clockwise turn that undoes it
    cands = (90, 270) if geo.sideways else (0, 180)
    confs = {
        r: preprocess._strip_confidence(
            preprocess.deskew(preprocess.rotate_quarters(gray, r), geo.skew_deg),
            dpi,
            settings,
            "bench",
        )
        for r in cands
    }
    second = max(confs, key=lambda r: confs[r])
    # the whole cascade as prepare_page runs it (after the gray clean-up), and its cost
    clean = cleanup.clean_gray(gray, dpi)
    share, marks = preprocess.mark_above_share(clean, dpi)
    by_accents = preprocess._looks_upright(geo, share, marks)
    cpu = _cpu_seconds()
    cascade, _ = preprocess.detect_rotation(clean, dpi, settings, "bench")
    cascade_cpu = _cpu_seconds() - cpu
    print(
        f"page {label} {name:10s} turned {turn:3d}: want {want:3d} sideways={geo.sideways!s:5s} "
        f"margin={geo.upright_margin:+.2f} glyphs={geo.glyphs} osd={osd.rotate if osd else None}"
        f"@{osd.confidence if osd else 0:.1f} ({osd_s:.2f}s) strip={second} "
        + " ".join(f"{r}:{c:.0f}" for r, c in confs.items())
        + f" marks_above={share:.2f}/{marks} cascade={cascade} ({cascade_cpu:.2f}s cpu)",
        flush=True,
    )
    return (
        label, name, turn, want, geo.sideways, geo.upright_margin, osd, second, osd_s,
        cascade, cascade_cpu, share, marks, by_accents,
    )  # fmt: skip


def _cpu_seconds() -> float:
    """User+sys CPU of this process and its children (Tesseract): load-independent cost."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--conditions", default=",".join([*DEGRADATIONS, "fax_heavy"]))
    args = parser.parse_args()
    layouts = heldout_layouts(args.pages)
    if not layouts:
        print("SKIP: shared corpus not found")
        return 0
    settings = OcrSettings()
    rows = []
    known = {**DEGRADATIONS, "fax_heavy": HEAVY_FAX}
    conditions = {name: known[name] for name in args.conditions.split(",")}
    for k, layout in enumerate(layouts):
        rendered = render_document(layout)
        # the first page, and the last one (often a few lines, "Nơi nhận" and the signature)
        pages = [rendered[0]] + ([rendered[-1]] if len(rendered) > 1 else [])
        for which, page in zip(("first", "last"), pages, strict=False):
            for name, params in conditions.items():
                for turn in (0, 90, 180, 270):
                    tilt = (k % 3 - 1) * 1.3
                    rows.append(
                        _measure(f"{k}/{which}", page.image, name, params, turn, tilt, settings)
                    )
    print("\n| OSD confidence | pages | OSD right | second opinion right |")
    print("|---|---|---|---|")
    bands = [(0, 2), (2, 5), (5, 10), (10, 14), (14, 1000)]
    for lo, hi in bands:
        sel = [r for r in rows if r[6] is not None and lo <= r[6].confidence < hi]
        if sel:
            osd_ok = sum(r[6].rotate == r[3] for r in sel)
            sec_ok = sum(r[7] == r[3] for r in sel)
            print(f"| {lo}–{hi} | {len(sel)} | {osd_ok} | {sec_ok} |")
    none = [r for r in rows if r[6] is None]
    print(f"| OSD gave no answer | {len(none)} | – | {sum(r[7] == r[3] for r in none)} |")
    axis_ok = sum(r[4] == (r[2] in (90, 270)) for r in rows)
    print(f"\ngeometry axis right on {axis_ok}/{len(rows)} pages")
    cascade_ok = sum(r[9] == r[3] for r in rows)
    print(
        f"cascade (prepare_page's detect_rotation) right on {cascade_ok}/{len(rows)} pages, "
        f"{sum(r[10] for r in rows) / len(rows):.2f} s CPU per page"
    )
    by_accents = [r for r in rows if r[13] and r[5] < preprocess.UPRIGHT_MIN_MARGIN]
    print(
        f"margin + accents upright test skips Tesseract on {len(by_accents)} more pages, "
        f"wrong on {sum(r[3] != 0 for r in by_accents)}"
    )
    for want in (0, 180):
        shares = [r[11] for r in rows if not r[4] and r[3] == want]
        if shares:
            print(f"accents above share, pages wanting {want}: {min(shares):.2f}–{max(shares):.2f}")
    upright_skip = [r for r in rows if not r[4] and r[5] >= preprocess.UPRIGHT_MIN_MARGIN]
    print(
        f"geometric upright test skips OSD on {len(upright_skip)} pages, "
        f"wrong on {sum(r[3] != 0 for r in upright_skip)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Hard archive scans: raw Tesseract vs vidoc (vs OCRmyPDF) per artifact.

Held-out directives are rendered onto one page each and `pipeline.render_hard` draws one
artifact family per set (red seal, scribbled signature, margin notes, received stamp,
bleed-through, photocopy damage, binding shadow, curl/warp, grey scan, turned pages) plus
"clean" (scanner noise only: the no-loss check) and "archive" (everything at once, turned).
The truth is the typed text only. Systems:

- raw: `tesseract -l vie --psm 3` on the page as scanned (greyscale), all its text;
- vidoc: `prepare_page` + `ocr_page` + layout, the text of lines not marked marginalia;
- ocrmypdf (with `--ocrmypdf`): `ocrmypdf --deskew --rotate-pages [--clean] -l vie`
  sidecar text (`--clean` only when `unpaper` is installed).

    .venv/bin/python benchmarks/bench_hard_pages.py [--pages 3] [--sets seal,photocopy,...]
        [--ocrmypdf] [--out benchmarks/results/hard_pages.md] [--save-dir DIR]

Skips (exit 0) when the shared corpus is absent.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402

from benchmarks.metrics import cer, diacritic_syllable_accuracy  # noqa: E402
from pipeline import tesseract  # noqa: E402
from pipeline.config import OcrSettings  # noqa: E402
from pipeline.layout import separate_marginalia  # noqa: E402
from pipeline.ocr import ocr_page  # noqa: E402
from pipeline.preprocess import prepare_page  # noqa: E402
from pipeline.render_hard import heldout_hard_layouts, render_hard_page  # noqa: E402

SETS: dict[str, tuple[str, ...]] = {
    "clean": (),
    "seal": ("seal", "signature"),
    "signature": ("signature",),
    "margin_notes": ("margin_notes",),
    "received_stamp": ("received_stamp",),
    "bleed_through": ("bleed_through",),
    "photocopy": ("photocopy", "grey"),
    "binding_shadow": ("binding_shadow",),
    "warp": ("warp",),
    "grey": ("grey", "seal", "signature", "received_stamp", "margin_notes"),
    "turned": ("turned", "seal", "signature"),
    "archive": (
        "seal",
        "signature",
        "margin_notes",
        "received_stamp",
        "bleed_through",
        "photocopy",
        "binding_shadow",
        "warp",
        "turned",
    ),
}
"""Named artifact sets: one family each, "clean" for the no-loss check, "archive" for all."""
HARD = [name for name in SETS if name != "clean"]


def raw_text(image, dpi: int, settings: OcrSettings) -> str:
    gray = np.asarray(image.convert("L"))
    words = tesseract.image_to_words(
        gray, lang=settings.lang, psm=settings.psm, dpi=dpi, timeout_s=settings.page_timeout_s
    )
    lines: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for w in words:
        lines[(w.block, w.paragraph, w.line)].append(w.text)
    return "\n".join(" ".join(ws) for ws in lines.values())


def vidoc_text(image, dpi: int, settings: OcrSettings) -> tuple[str, int]:
    prepared = prepare_page(image, dpi, settings, "bench")
    page = separate_marginalia(ocr_page(prepared, 1, settings))
    body = [line.text for line in page.lines if line.role != "marginalia"]
    return "\n".join(body), prepared.rotation_deg


def ocrmypdf_text(image, dpi: int, workdir: Path, clean: bool) -> str:
    src = workdir / "page.png"
    image.save(src, dpi=(dpi, dpi))
    sidecar = workdir / "page.txt"
    cmd = [
        sys.executable,
        "-m",
        "ocrmypdf",
        "-l",
        "vie",
        "--deskew",
        "--rotate-pages",
        "--jobs",
        "1",
        "--image-dpi",
        str(dpi),
        "--output-type",
        "pdf",
        "--optimize",
        "0",
        "--sidecar",
        str(sidecar),
        "--force-ocr",
        "-q",
    ]
    if clean:
        cmd.append("--clean")
    subprocess.run([*cmd, str(src), str(workdir / "out.pdf")], check=True, capture_output=True)
    return sidecar.read_text(encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3, help="held-out documents per set")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--ocrmypdf", action="store_true", help="also run OCRmyPDF")
    parser.add_argument("--no-raw", action="store_true", help="skip raw Tesseract")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--save-dir", type=Path, help="save the hard page images here")
    args = parser.parse_args()
    layouts = heldout_hard_layouts(args.pages + 1)
    if len(layouts) < 2:
        print("SKIP: shared corpus not found (../shared/corpus or $VIDOC_CORPUS)")
        return 0
    settings = OcrSettings()
    clean_ocrmypdf = shutil.which("unpaper") is not None
    systems = (["raw"] if not args.no_raw else []) + ["vidoc"]
    if args.ocrmypdf:
        systems.append("ocrmypdf")
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    turns: dict[str, list[tuple[int, int]]] = defaultdict(list)
    tmp = Path(tempfile.mkdtemp(prefix="bench_hard_"))
    for name in args.sets.split(","):
        artifacts = SETS[name]
        for k in range(args.pages):
            seed = 7919 * k + sum(map(ord, name))
            page = render_hard_page(
                layouts[k], artifacts, seed=seed, back=layouts[(k + 1) % len(layouts)]
            )
            if args.save_dir:
                args.save_dir.mkdir(parents=True, exist_ok=True)
                page.image.save(args.save_dir / f"{name}-{k}.png", dpi=(page.dpi, page.dpi))
            for system in systems:
                t = time.perf_counter()
                if system == "raw":
                    hyp = raw_text(page.image, page.dpi, settings)
                elif system == "vidoc":
                    hyp, rotation = vidoc_text(page.image, page.dpi, settings)
                    turns[name].append((page.upright_turn, rotation))
                else:
                    hyp = ocrmypdf_text(page.image, page.dpi, tmp, clean_ocrmypdf)
                secs = time.perf_counter() - t
                row = (
                    cer(page.truth, hyp),
                    diacritic_syllable_accuracy(page.truth, hyp),
                    secs,
                )
                results[(name, system)].append(row)
                extra = (
                    f" turn want {page.upright_turn} got {rotation}" if system == "vidoc" else ""
                )
                print(
                    f"{name:14s} doc {k} {system:8s} CER {row[0]:.4f} syl {row[1]:.3f} "
                    f"{secs:5.1f}s{extra}",
                    flush=True,
                )
    shutil.rmtree(tmp, ignore_errors=True)
    table = _table(results, args.sets.split(","), systems, turns)
    if args.ocrmypdf:
        table += (
            f"\n\nOCRmyPDF {'with' if clean_ocrmypdf else 'without'} --clean "
            f"({'unpaper installed' if clean_ocrmypdf else 'unpaper not installed'})."
        )
    print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


def _table(results, names, systems, turns) -> str:
    lines = [
        "| set | system | pages | CER % | syllables exactly right % | s/page | turns right |",
        "|---|---|---|---|---|---|---|",
    ]
    hard: dict[str, list] = defaultdict(list)
    for name in names:
        for system in systems:
            rows = results.get((name, system), [])
            if not rows:
                continue
            if name != "clean":
                hard[system].extend(rows)
            lines.append(_row(name, system, rows, turns.get(name) if system == "vidoc" else None))
    all_turns = [t for name in names if name != "clean" for t in turns.get(name, [])]
    for system in systems:
        if hard[system]:
            lines.append(
                _row("**all hard**", system, hard[system], all_turns if system == "vidoc" else None)
            )
    return "\n".join(lines)


def _row(name: str, system: str, rows, turn_rows) -> str:
    c, d, s = (statistics.mean(r[i] for r in rows) for i in range(3))
    turned = ""
    if turn_rows:
        right = sum(want == got for want, got in turn_rows)
        turned = f"{right}/{len(turn_rows)}"
    return (
        f"| {name} | {system} | {len(rows)} | {100 * c:.2f} | {100 * d:.2f} | {s:.2f} | {turned} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())

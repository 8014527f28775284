"""Hard archive scans: raw Tesseract vs OCRmyPDF vs vidoc per artifact.

Held-out directives are rendered onto one page each and `pipeline.render_hard` draws one
artifact family per set (red seal, scribbled signature, margin notes, received stamp,
bleed-through, photocopy damage, binding shadow, curl/warp, grey scan, turned pages) plus
"clean" (scanner noise only: the no-loss check) and "archive" (everything at once, turned).
The truth is the typed text only. Systems:

- raw: `tesseract -l vie --psm 3` on the page as scanned (greyscale), all its text;
- vidoc: `prepare_page` + `ocr_page` + layout, the text of lines not marked marginalia;
- ocrmypdf: run only when an `ocrmypdf` executable is found ($VIDOC_OCRMYPDF, else PATH;
  it is a comparison, not a dependency): `ocrmypdf -l vie --deskew --clean --rotate-pages
  --force-ocr --sidecar` on the page image (given its dpi), its sidecar text scored.
  `--clean` only when `unpaper` is installed. Its turn is read from its log line.

Per page the systems run one after another, the order alternating from page to page, so
a change in the machine's load hits all of them alike. Wall time and CPU time (user+sys
of this process and its children: Tesseract, unpaper, Ghostscript) are both recorded;
CPU time does not depend on what else the machine runs.

    .venv/bin/python benchmarks/bench_hard_pages.py [--pages 3] [--sets seal,photocopy,...]
        [--no-ocrmypdf] [--out benchmarks/results/hard_pages.md] [--save-dir DIR]

Skips (exit 0) when the shared corpus is absent.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
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


OCRMYPDF_ARGS = (
    "-l",
    "vie",
    "--deskew",
    "--rotate-pages",
    "--force-ocr",
    "--jobs",
    "1",
    "--output-type",
    "pdf",
    "--optimize",
    "0",
)
"""Issue 10's OCRmyPDF comparison (plus `--clean` when unpaper exists); `--jobs 1` and
`--optimize 0` so it does the same work per page as the other systems, no PDF/A pass."""
_OCRMYPDF_TURN = {"⬏": 90, "↻": 180, "⬑": 270}
"""OCRmyPDF's logged correction (counter-clockwise) per arrow."""


def find_ocrmypdf() -> str | None:
    """The `ocrmypdf` executable ($VIDOC_OCRMYPDF, else PATH), or None: then it is skipped."""
    return shutil.which(os.environ.get("VIDOC_OCRMYPDF", "ocrmypdf"))


def ocrmypdf_version(exe: str) -> str:
    """Version string for the results file (which OCRmyPDF was compared)."""
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def ocrmypdf_command(exe: str, src: Path, dpi: int, sidecar: Path, out: Path, clean: bool):
    """The exact OCRmyPDF command run on one page image."""
    extra = ["--clean"] if clean else []
    return [
        exe,
        *OCRMYPDF_ARGS,
        *extra,
        "--image-dpi",
        str(dpi),
        "--sidecar",
        str(sidecar),
        str(src),
        str(out),
    ]


def ocrmypdf_text(exe: str, image, dpi: int, workdir: Path, clean: bool) -> tuple[str, int]:
    """OCRmyPDF's sidecar text of one page image, and the clockwise turn it applied."""
    src = workdir / "page.png"
    image.save(src, dpi=(dpi, dpi))
    sidecar = workdir / "page.txt"
    cmd = ocrmypdf_command(exe, src, dpi, sidecar, workdir / "out.pdf", clean)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"ocrmypdf failed ({proc.returncode}): {tail}")
    match = re.search(r"will rotate (\S)", proc.stderr)
    correction = _OCRMYPDF_TURN.get(match[1], 0) if match else 0
    return sidecar.read_text(encoding="utf-8"), (360 - correction) % 360


def _cpu_seconds() -> float:
    """User+sys CPU of this process and its finished children (load-independent cost)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3, help="held-out documents per set")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--no-ocrmypdf", action="store_true", help="skip OCRmyPDF even if found")
    parser.add_argument("--no-raw", action="store_true", help="skip raw Tesseract")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--save-dir", type=Path, help="save the hard page images here")
    args = parser.parse_args()
    names = args.sets.split(",")
    unknown = [name for name in names if name not in SETS]
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; known: {', '.join(SETS)}")
    layouts = heldout_hard_layouts(args.pages + 1)
    if len(layouts) < 2:
        print("SKIP: shared corpus not found (../shared/corpus or $VIDOC_CORPUS)")
        return 0
    settings = OcrSettings()
    exe = None if args.no_ocrmypdf else find_ocrmypdf()
    clean_ocrmypdf = shutil.which("unpaper") is not None
    systems = (["raw"] if not args.no_raw else []) + (["ocrmypdf"] if exe else []) + ["vidoc"]
    if exe is None and not args.no_ocrmypdf:
        print("OCRmyPDF not found ($VIDOC_OCRMYPDF or PATH): compared without it", flush=True)
    results: dict[tuple[str, str], list[tuple[float, ...]]] = defaultdict(list)
    turns: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    tmp = Path(tempfile.mkdtemp(prefix="bench_hard_"))
    n_page = 0
    for name in names:
        for k in range(args.pages):
            seed = 7919 * k + sum(map(ord, name))
            page = render_hard_page(
                layouts[k], SETS[name], seed=seed, back=layouts[(k + 1) % len(layouts)]
            )
            if args.save_dir:
                args.save_dir.mkdir(parents=True, exist_ok=True)
                page.image.save(args.save_dir / f"{name}-{k}.png", dpi=(page.dpi, page.dpi))
            order = systems if n_page % 2 == 0 else systems[::-1]
            n_page += 1
            for system in order:
                row, turn = _run(system, page, settings, exe, tmp, clean_ocrmypdf)
                results[(name, system)].append(row)
                extra = ""
                if turn is not None:
                    turns[(name, system)].append((page.upright_turn, turn))
                    extra = f" turn want {page.upright_turn} got {turn}"
                print(
                    f"{name:14s} doc {k} {system:8s} CER {row[0]:.4f} syl {row[1]:.3f} "
                    f"{row[2]:5.2f}s cpu {row[3]:5.2f}s{extra}",
                    flush=True,
                )
    shutil.rmtree(tmp, ignore_errors=True)
    table = _table(results, names, systems, turns)
    if exe:
        cmd = ocrmypdf_command(
            "ocrmypdf", Path("page.png"), 300, Path("page.txt"), Path("out.pdf"), clean_ocrmypdf
        )
        table += (
            f"\n\nOCRmyPDF {ocrmypdf_version(exe)} ({'with' if clean_ocrmypdf else 'without'}"
            f" --clean: unpaper {'installed' if clean_ocrmypdf else 'not installed'}), "
            f"per page: `{' '.join(cmd)}`"
        )
    print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


def _run(system: str, page, settings: OcrSettings, exe, tmp: Path, clean: bool):
    """One system on one page: (CER, syllables right, wall s, CPU s) and its turn (or None)."""
    t, cpu = time.perf_counter(), _cpu_seconds()
    turn = None
    if system == "raw":
        hyp = raw_text(page.image, page.dpi, settings)
    elif system == "vidoc":
        hyp, turn = vidoc_text(page.image, page.dpi, settings)
    else:
        hyp, turn = ocrmypdf_text(exe, page.image, page.dpi, tmp, clean)
    secs, cpu_secs = time.perf_counter() - t, _cpu_seconds() - cpu
    row = (cer(page.truth, hyp), diacritic_syllable_accuracy(page.truth, hyp), secs, cpu_secs)
    return row, turn


def _table(results, names, systems, turns) -> str:
    lines = [
        "| set | system | pages | CER % | syllables exactly right % | s/page | CPU s/page "
        "| turns right |",
        "|---|---|---|---|---|---|---|---|",
    ]
    hard: dict[str, list] = defaultdict(list)
    hard_turns: dict[str, list] = defaultdict(list)
    for name in names:
        for system in systems:
            rows = results.get((name, system), [])
            if not rows:
                continue
            if name != "clean":
                hard[system].extend(rows)
                hard_turns[system].extend(turns.get((name, system), []))
            lines.append(_row(name, system, rows, turns.get((name, system))))
    for system in systems:
        if hard[system]:
            lines.append(_row("**all hard**", system, hard[system], hard_turns[system]))
    if hard.get("raw") and hard.get("vidoc"):
        wall = statistics.mean(r[2] for r in hard["vidoc"]) / statistics.mean(
            r[2] for r in hard["raw"]
        )
        cpu = statistics.mean(r[3] for r in hard["vidoc"]) / statistics.mean(
            r[3] for r in hard["raw"]
        )
        lines.append(
            f"\nvidoc / raw Tesseract time per hard page: wall {wall:.2f}×, CPU {cpu:.2f}×"
        )
    return "\n".join(lines)


def _row(name: str, system: str, rows, turn_rows) -> str:
    c, d, s, u = (statistics.mean(r[i] for r in rows) for i in range(4))
    turned = ""
    if turn_rows:
        right = sum(want == got for want, got in turn_rows)
        turned = f"{right}/{len(turn_rows)}"
    return (
        f"| {name} | {system} | {len(rows)} | {100 * c:.2f} | {100 * d:.2f} | {s:.2f} "
        f"| {u:.2f} | {turned} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())

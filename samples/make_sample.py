"""Render `samples/directive_scan.pdf` (and its truth text) from one held-out corpus directive.

The sample is a realistic scan of an official plan ("Kế hoạch" of a People's Committee):
A4, 300 dpi, Liberation Serif 13 pt, the official layout, then per-page skew of 1.5–3°,
sensor noise, optical blur and JPEG compression. Everything is seeded, so running

    .venv/bin/python samples/make_sample.py

again gives the same pages. It needs the shared corpus (../shared/corpus); the generated
PDF and its truth text `benchmarks/data/directive_scan.truth.txt` (kept out of samples/ so `vidoc run samples/` does not take it as an input) are committed so nothing else needs the corpus.
The document is held out of every model (`pipeline.corpus.is_heldout`), so measuring on
the sample never measures on training text. Only the first sections are kept, ending at a
section boundary, so the sample stays 2–3 pages; annexes are dropped.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.atomic import atomic_path, write_text_atomic  # noqa: E402
from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, is_heldout, iter_split  # noqa: E402
from pipeline.render import _is_heading, degrade, layout_from_corpus, render_document  # noqa: E402

DOCUMENT_NUMBER = "Số: 310/KH-UBND"
"""The held-out plan of Hà Nội People's Committee on 5G/IoT infrastructure (24/11/2025)."""
MAX_PAGES = 3
SEED = 20240501
FONT_PT = 13.0


def find_document() -> str:
    """Return the text of the held-out plan the sample is made from."""
    corpus = default_corpus_dir()
    if corpus is None:
        sys.exit("shared corpus not found (../shared/corpus or $VIDOC_CORPUS)")
    for document in iter_split(corpus / OFFICIAL_FILES[0], heldout=True):
        if DOCUMENT_NUMBER in document.split("\n")[:8]:
            assert is_heldout(document)
            return document
    sys.exit(f"{DOCUMENT_NUMBER} not found among the held-out documents")


def main() -> int:
    """Render, degrade and write the sample PDF and its truth text."""
    layout = layout_from_corpus(find_document())
    assert layout is not None
    body = layout.body
    # keep whole sections while the document (with its closing) fits on MAX_PAGES pages
    cuts = [
        i
        for i, paragraph in enumerate(body)
        if i and _is_heading(paragraph) and paragraph[:3] in ("II.", "III", "IV.")
    ]
    best = cuts[0]
    for cut in cuts:
        layout.body = body[:cut]
        if len(render_document(layout, font_pt=FONT_PT)) <= MAX_PAGES:
            best = cut
    layout.body = body[:best]
    pages = render_document(layout, font_pt=FONT_PT)
    rng = random.Random(SEED)
    scans = []
    for i, page in enumerate(pages):
        tilt = rng.choice((-1, 1)) * rng.uniform(1.5, 3.0)
        scans.append(
            degrade(
                page.image,
                rotate_deg=round(tilt, 2),
                noise=7.0,
                blur=0.8,
                jpeg_quality=None,
                seed=SEED + i,
            )
        )
        print(f"page {i + 1}: tilt {tilt:+.2f}°, {len(page.truth_lines)} lines")
    out = ROOT / "samples" / "directive_scan.pdf"
    stamp = time.gmtime(1763971200)  # fixed dates keep the file byte-identical across runs
    with atomic_path(out) as tmp:
        scans[0].save(
            tmp,
            "PDF",
            save_all=True,
            append_images=scans[1:],
            resolution=300.0,
            quality=40,
            title="Kế hoạch 310/KH-UBND (rendered sample scan)",
            creationDate=stamp,
            modDate=stamp,
        )
    truth = "\n\n".join(page.truth for page in pages) + "\n"
    write_text_atomic(ROOT / "benchmarks" / "data" / "directive_scan.truth.txt", truth)
    print(f"{out.relative_to(ROOT)}: {len(pages)} pages, {out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

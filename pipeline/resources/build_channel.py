"""Learn the OCR channel P(what Tesseract printed | what was on the page) from rendered pages.

Why: the repair's candidate costs must reflect how *this* OCR damages Vietnamese (hook read
as acute, lost circumflex, ư read as "u", split words), not guesses. We draw TRAINING corpus
text (never held-out text) onto A4 pages with `pipeline.render`, degrade them the way scanners
do, read them with real `tesseract -l vie`, align OCR words to the drawn truth, and count:

- chunk confusions (truth chunk → OCR chunk, e.g. "ể"→"ế", "ư"→"u", "m"→"rn") with
  cost = -log10 P(OCR chunk | truth chunk);
- how often a word Tesseract printed is wrong, by its confidence (so the repair can treat a
  confident, valid word as expensive to change and a doubtful one as cheap);
- rates of split and merged words.

Generic hand rules for the damage of *old* OCR on accent-stripped text (ư→ur, ứ→iu, ơ→o,
đ→d, Đ→D/B, dropped/doubled letters, rn↔m, nh↔h) are kept in the same table with
source=rule; this script rewrites only the source=tesseract rows.

Run (slow, minutes): nice -n 10 .venv/bin/python -m pipeline.resources.build_channel [--pages N]
Writes dictionaries/ocr_confusions.tsv (tesseract rows) and models/ocr_channel.json.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import math
import os
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402

log = logging.getLogger(__name__)

TABLE_PATH = ROOT / "dictionaries" / "ocr_confusions.tsv"
CHANNEL_JSON = ROOT / "models" / "ocr_channel.json"
CACHE = ROOT / "benchmarks" / "cache" / "channel_ocr"
CONF_BUCKETS = (0, 30, 50, 70, 80, 90, 95, 101)

# degradations from light to heavy, as (name, degrade kwargs, font points)
DEGRADATIONS = [
    ("light", dict(blur=0.6, noise=6.0, dpi_scale=0.8, jpeg_quality=70), 12.0),
    ("medium", dict(blur=1.0, noise=12.0, dpi_scale=0.6, jpeg_quality=50, shading=0.2), 12.0),
    ("heavy", dict(blur=1.3, noise=18.0, dpi_scale=0.5, jpeg_quality=35, speckle=0.002), 11.0),
    ("fax", dict(blur=0.8, noise=10.0, dpi_scale=0.66, bitonal=True, speckle=0.001), 12.0),
    ("worn", dict(blur=1.6, noise=20.0, dpi_scale=0.42, jpeg_quality=30, shading=0.3), 11.0),
]


def ocr_page(image, dpi: int, label: str) -> list[tuple[str, float, tuple[int, int, int]]]:
    """OCR one page with real Tesseract; return (word, conf, (block, par, line)) in order."""
    from pipeline.tesseract import image_to_words

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    arr = np.asarray(image.convert("L"))
    words = image_to_words(arr, lang="vie", psm=4, dpi=dpi, timeout_s=180, page_label=label)
    return [(w.text, w.conf, (w.block, w.paragraph, w.line)) for w in words]


def render_pages(documents: list[str], n_pages: int, seed: int, cache: Path) -> list[dict]:
    """Render, degrade and OCR `n_pages` pages; cache each page's truth and OCR as JSON."""
    from pipeline.render import degrade, render_document

    cache.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pages: list[dict] = []
    k = 0
    while len(pages) < n_pages and documents:
        document = documents[k % len(documents)]
        k += 1
        name, kwargs, font_pt = DEGRADATIONS[len(pages) % len(DEGRADATIONS)]
        path = cache / f"page-{seed}-{len(pages):03d}.json"
        if path.exists():
            pages.append(json.loads(path.read_text(encoding="utf-8")))
            continue
        paragraphs = [line for line in document.split("\n") if len(line.split()) >= 4][:40]
        if len(paragraphs) < 6:
            continue
        start = rng.randrange(max(1, len(paragraphs) - 20))
        rendered = render_document(paragraphs[start : start + 25], dpi=300, font_pt=font_pt)[0]
        image = degrade(rendered.image, seed=rng.randrange(10**6), **kwargs)  # type: ignore[arg-type]
        dpi = int(image.info["dpi"][0])
        words = ocr_page(image, dpi, f"channel page {len(pages)}")
        record = {"degradation": name, "truth": rendered.truth_lines, "ocr": words}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        pages.append(record)
        log.info(
            "page %d (%s): %d truth lines, %d OCR words",
            len(pages),
            name,
            len(rendered.truth_lines),
            len(words),
        )
    return pages


def align_words(truth: list[str], ocr: list[str]) -> list[tuple[list[str], list[str]]]:
    """Pair truth words with OCR words: (truth group, OCR group), 1:1 where possible."""
    matcher = difflib.SequenceMatcher(None, truth, ocr, autojunk=False)
    pairs: list[tuple[list[str], list[str]]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            pairs.extend(([truth[i]], [ocr[j1 + i - i1]]) for i in range(i1, i2))
        else:
            pairs.append((truth[i1:i2], ocr[j1:j2]))
    return pairs


def chunk_confusions(truth: str, ocr: str) -> list[tuple[str, str]]:
    """Character chunks that differ between a truth word and its OCR reading."""
    out = []
    for op in Levenshtein.opcodes(truth, ocr):
        if op.tag != "equal":
            out.append((truth[op.src_start : op.src_end], ocr[op.dest_start : op.dest_end]))
    return out


def learn(pages: list[dict]) -> dict:
    """Count confusions, per-character totals and error rate by confidence over all pages."""
    chunk_counts: Counter[tuple[str, str]] = Counter()
    char_totals: Counter[str] = Counter()
    conf_total: Counter[int] = Counter()
    conf_wrong: Counter[int] = Counter()
    words = wrong = splits = merges = 0
    for page in pages:
        truth_words = " ".join(page["truth"]).split()
        ocr_items = page["ocr"]
        ocr_words = [w for w, _, _ in ocr_items]
        confs = [c for _, c, _ in ocr_items]
        pos = 0
        index_of: dict[int, int] = {}
        for i, _ in enumerate(ocr_words):
            index_of[i] = pos
            pos += 1
        matcher = difflib.SequenceMatcher(None, truth_words, ocr_words, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                for d in range(i2 - i1):
                    t, o, conf = truth_words[i1 + d], ocr_words[j1 + d], confs[j1 + d]
                    words += 1
                    bucket = next(
                        b for b in range(len(CONF_BUCKETS) - 1) if conf < CONF_BUCKETS[b + 1]
                    )
                    conf_total[bucket] += 1
                    for ch in t.lower():
                        char_totals[ch] += 1
                    if t != o:
                        wrong += 1
                        conf_wrong[bucket] += 1
                        chunk_counts.update(chunk_confusions(t.lower(), o.lower()))
            elif tag == "replace":
                if i2 - i1 == 1 and j2 - j1 == 2:
                    splits += 1
                elif i2 - i1 == 2 and j2 - j1 == 1:
                    merges += 1
                words += i2 - i1
                wrong += i2 - i1
    return {
        "chunks": chunk_counts,
        "chars": char_totals,
        "words": words,
        "wrong": wrong,
        "splits": splits,
        "merges": merges,
        "conf_total": conf_total,
        "conf_wrong": conf_wrong,
    }


def write_outputs(stats: dict, n_pages: int) -> None:
    """Write the tesseract rows of the confusion table and the channel summary JSON."""
    rows: list[tuple[str, str, float, int]] = []
    for (t, o), n in stats["chunks"].most_common():
        if n < 2 or len(t) > 3 or len(o) > 3:
            continue
        if t:
            total = max(n, stats["chars"][t] if len(t) == 1 else stats["chars"][t[:1]])
        else:  # an insertion: per character of text
            total = max(n, sum(stats["chars"].values()))
        cost = -math.log10(max(n / max(total, 1), 1e-6))
        rows.append((t or "∅", o or "∅", round(cost, 2), n))
    keep: list[str] = []
    if TABLE_PATH.exists():
        for line in TABLE_PATH.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if line.startswith("#") or (len(cols) >= 4 and cols[3] != "tesseract"):
                keep.append(line)
    learned = [f"{t}\t{o}\t{cost}\ttesseract\tseen {n} times" for t, o, cost, n in rows[:400]]
    tmp = TABLE_PATH.with_suffix(".tmp")
    tmp.write_text("\n".join(keep + learned) + "\n", encoding="utf-8")
    tmp.replace(TABLE_PATH)
    error_by_conf = {}
    for b in range(len(CONF_BUCKETS) - 1):
        total = stats["conf_total"][b]
        if total:
            error_by_conf[f"{CONF_BUCKETS[b]}-{CONF_BUCKETS[b + 1] - 1}"] = round(
                (stats["conf_wrong"][b] + 0.5) / (total + 1), 4
            )
    summary = {
        "pages": n_pages,
        "words": stats["words"],
        "wrong_words": stats["wrong"],
        "word_error_rate": round(stats["wrong"] / max(stats["words"], 1), 4),
        "split_rate": round(stats["splits"] / max(stats["words"], 1), 5),
        "merge_rate": round(stats["merges"] / max(stats["words"], 1), 5),
        "error_rate_by_conf": error_by_conf,
        "built_from": "training split of " + ", ".join(OFFICIAL_FILES),
    }
    CHANNEL_JSON.parent.mkdir(parents=True, exist_ok=True)
    tmp = CHANNEL_JSON.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(CHANNEL_JSON)
    log.info("wrote %d learned rows; summary %s", len(learned), summary)


def training_documents(limit: int, seed: int) -> list[str]:
    """Training-split documents that have enough prose to fill a page."""
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("corpus not found (../shared/corpus or $VIDOC_CORPUS)")
    docs = [
        d
        for name in OFFICIAL_FILES
        for d in iter_split(corpus / name, heldout=False)
        if d.count("\n") >= 10
    ]
    random.Random(seed).shuffle(docs)
    return docs[:limit]


def main(argv: list[str] | None = None) -> None:
    """Build the channel from `--pages` rendered training pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    docs = training_documents(args.pages * 2, args.seed)
    pages = render_pages(docs, args.pages, args.seed, CACHE)
    write_outputs(learn(pages), len(pages))


if __name__ == "__main__":
    main()

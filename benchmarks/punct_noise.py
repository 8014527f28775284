"""Count how Tesseract reads the marks after words: the channel of `pipeline/repair/punctuation.py`.

Pages: rendered, degraded and OCRed TRAINING documents (`build_channel.render_pages`,
seed 11, cached in benchmarks/cache/punct_pages; the repair benchmark's pages are
held-out documents and are not used). Truth and OCR words are aligned on their letters;
for every aligned word with another word after it on its OCR line, the mark after it in
the truth ('' for none) and in the OCR are counted, by the case of the next word and
whether Tesseract was sure of the OCR word (confidence ≥ SURE_CONF).

Prints the table `punctuation.GLUED_COUNTS` holds: per (OCR mark, next lowercase, sure),
how many truths were each mark or none, and per (next lowercase), how many truth
boundaries had each mark (the denominators of P(read | meant)).

Run: .venv/bin/python benchmarks/punct_noise.py [--pages 60]
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.repair.punctuation import MARKS, SURE_CONF  # noqa: E402

CACHE = ROOT / "benchmarks" / "cache" / "punct_pages"
SEED = 11


def letters(word: str) -> str:
    return re.sub(r"^\W+|\W+$", "", word).lower()


def trailing(word: str) -> str:
    found = re.search(r"[.,:;]$", word)
    return found.group(0) if found else ""


def count(pages: list[dict], line_end: bool = False) -> tuple[Counter, Counter]:
    """(read mark, next lower, sure, meant mark) counts and (meant mark, next lower) totals.

    `line_end`: count words that end their OCR line instead (the next word opens the next
    line), the case `engine._mark_runs_on` handles.
    """
    joint: Counter = Counter()
    totals: Counter = Counter()
    for page in pages:
        truth = " ".join(page["truth"]).split()
        ocr = page["ocr"]
        matcher = difflib.SequenceMatcher(
            None, [letters(w) for w in truth], [letters(w) for w, _, _ in ocr], autojunk=False
        )
        for tag, i1, i2, j1, _ in matcher.get_opcodes():
            if tag != "equal":
                continue
            for d in range(i2 - i1):
                meant, (read, conf, key) = truth[i1 + d], ocr[j1 + d]
                j = j1 + d
                if j + 1 >= len(ocr) or not letters(read):
                    continue
                if (tuple(ocr[j + 1][2]) != tuple(key)) != line_end:
                    continue
                following = ocr[j + 1][0]
                if not following[:1].isalpha():
                    continue
                lower = following[0].islower()
                m, r = trailing(meant), trailing(read)
                if len(read) - len(r) != len(letters(read)) or not (m or meant[-1:].isalnum()):
                    continue  # other characters around the word: not this channel
                totals[(m, lower)] += 1
                if r:
                    joint[(r, lower, conf >= SURE_CONF, m)] += 1
    return joint, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    from pipeline.resources.build_channel import render_pages, training_documents

    pages = render_pages(training_documents(args.pages * 4, SEED), args.pages, SEED, CACHE)
    for name, line_end in (("", False), ("LINE_END_", True)):
        joint, totals = count(pages, line_end)
        print(f"{name}GLUED_COUNTS = {{")
        for read in MARKS:
            for lower in (True, False):
                for sure in (True, False):
                    row = {m: joint[(read, lower, sure, m)] for m in ("",) + MARKS}
                    row = {m: n for m, n in row.items() if n}
                    print(f"    ({read!r}, {lower}, {sure}): {row},")
        print("}")
        print(f"{name}MEANT_TOTALS = {{")
        for lower in (True, False):
            row = {m: totals[(m, lower)] for m in ("",) + MARKS}
            print(f"    {lower}: {row},")
        print("}")


if __name__ == "__main__":
    main()

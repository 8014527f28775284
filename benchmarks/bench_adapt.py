"""Repair of whole documents whose OCR repeats its own mistakes (document-level adaptation).

Real old OCR misreads the same letters of the same font the same way all through a
document: one word comes out as the same wrong form again and again, often as another
valid syllable, which no single occurrence gives the language model the margin to
overturn. The dev passages of `bench_repair.py` are a few lines long and garble each word
independently, so they cannot show this. Here each case is one HELD-OUT document (wrapped
at 72 columns as on a page, 24-60 lines), damaged by the independent old-OCR garbler of
`devset.py`, plus SYSTEMATIC garbles: a few word types that occur at least three times in
the document are each given one damaged form (drawn by the same garbler), written for 85 %
of their occurrences. No word list is involved: the types are drawn from each document.

Documents alternate between a tune half (even) and a test half (odd); settings are chosen
on the tune half only. Scored by syllables as in bench_repair (exactly right after repair).

    .venv/bin/python benchmarks/bench_adapt.py [--docs 80] [--half test|tune|all]
        [--kind any|valid] [--off]

Skips (exit 0) when the shared corpus is absent.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_repair import Tally, score_line  # noqa: E402
from devset import (  # noqa: E402
    OLD_OCR_RATE,
    _keep_case,
    _prose_lines,
    _valid_neighbour,
    old_ocr_line,
    old_ocr_word,
    split_affixes,
    strip_marks,
    wrap_paragraph,
)

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402

SEED = 20261127
SYSTEMATIC_TYPES = 4
SYSTEMATIC_SHARE = 0.85
MIN_OCCURRENCES = 3


def documents(limit: int) -> list[list[str]]:
    """Held-out documents as wrapped prose lines (24-60 lines each)."""
    corpus = default_corpus_dir()
    if corpus is None:
        return []
    out: list[list[str]] = []
    for name in OFFICIAL_FILES:
        for document in iter_split(corpus / name, heldout=True):
            lines = [x for p in _prose_lines(document) for x in wrap_paragraph(p, 72)]
            if len(lines) < 24:
                continue
            out.append(lines[:60])
            if len(out) >= limit:
                return out
    return out


def damage(lines: list[str], rng: random.Random, kind: str = "any") -> list[str]:
    """Old-OCR damage everywhere, plus one fixed damaged form for a few repeated word types.

    `kind`: "any" draws the fixed forms from every damage class of the old-OCR garbler;
    "valid" only from its valid-neighbour class (the stripped form of another attested
    syllable one edit away, as "trong" printed "truong": the hardest class, where no
    single occurrence looks damaged).
    """
    cores = [split_affixes(w)[1] for line in lines for w in line.split(" ")]
    counts = Counter(core.lower() for core in cores if core.isalpha())
    repeated = sorted(w for w, n in counts.items() if n >= MIN_OCCURRENCES and len(w) >= 2)
    rng.shuffle(repeated)
    systematic: dict[str, str] = {}
    for word in repeated:
        if len(systematic) >= SYSTEMATIC_TYPES:
            break
        for _ in range(4):
            if kind == "valid":
                form = _valid_neighbour(strip_marks(word).lower(), rng)
            else:
                form = old_ocr_word(word, rng)
            if form and strip_marks(form).lower() != strip_marks(word).lower():
                systematic[word] = strip_marks(form).lower()
                break
    out = []
    for line in lines:
        words = []
        for word in line.split(" "):
            head, core, tail = split_affixes(word)
            if core.lower() in systematic and rng.random() < SYSTEMATIC_SHARE:
                words.append(head + _keep_case(core, systematic[core.lower()]) + tail)
            else:
                words.append(old_ocr_line(word, rng, OLD_OCR_RATE))
        out.append(" ".join(words))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--half", choices=("tune", "test", "all"), default="test")
    parser.add_argument("--off", action="store_true", help="document adaptation off")
    parser.add_argument("--kind", choices=("any", "valid"), default="any",
                        help="damage class of the systematic forms")
    args = parser.parse_args()
    docs = documents(args.docs)
    if not docs:
        print("bench_adapt: ../shared/corpus not found; skipped")
        return 0
    import pipeline.repair.engine as engine
    from pipeline.repair import repair_text

    if args.off:
        engine.ADAPT = False
    rng = random.Random(SEED)
    cases = [(n, truth, damage(truth, rng, args.kind)) for n, truth in enumerate(docs)]
    keep = {"tune": 0, "test": 1}.get(args.half)
    cases = [c for c in cases if keep is None or c[0] % 2 == keep]
    tally = Tally()
    started = time.process_time()
    syllables = 0
    for _, truth, given in cases:
        output = repair_text("\n".join(given)).text.split("\n")
        for t, g, o in zip(truth, given, output, strict=True):
            score_line(t, g, o, tally, "doc")
            syllables += len(g.split())
    seconds = time.process_time() - started
    print(
        f"{len(cases)} documents ({args.half} half, systematic forms: {args.kind}), "
        f"adaptation {'off' if args.off else 'on'}: "
        f"syllables right after repair {tally.rate('doc:ok', 'doc:syl')}; "
        f"{syllables / max(seconds, 1e-9):,.0f} syll per CPU-s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

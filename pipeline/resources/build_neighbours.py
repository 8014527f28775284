"""Build the syllable successor/predecessor table the repair uses for context candidates.

Why: OCR often garbles a syllable into ANOTHER valid syllable ("trong" printed as a real but
wrong word). Spelling neighbours alone cannot find the intended word among dozens of valid
look-alikes, but the context can: the intended syllable is usually one of the common
successors of the previous syllable (or predecessors of the next). This table lists, for
every syllable of the TRAINING split of the official corpus files, its most frequent
successors and predecessors (adjacent word tokens of one line, LM vocabulary: lowercase,
old-style tone placement), most frequent first.

Run: nice -n 10 .venv/bin/python -m pipeline.resources.build_neighbours [--top N]
Writes models/syllable_neighbours.tsv.gz (rows: ">" or "<", syllable, space-separated list).
"""

from __future__ import annotations

import argparse
import gzip
import logging
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402

log = logging.getLogger(__name__)

NEIGHBOURS_PATH = ROOT / "models" / "syllable_neighbours.tsv.gz"
TOP = 48
MIN_COUNT = 3


def count_bigrams(corpus: Path) -> Counter[tuple[str, str]]:
    """Adjacent word-token pairs of every line of the training documents."""
    from pipeline.repair.lm import lm_tokens

    pairs: Counter[tuple[str, str]] = Counter()
    for name in OFFICIAL_FILES:
        for document in iter_split(corpus / name, heldout=False):
            for line in document.split("\n"):
                tokens = lm_tokens(line)
                for a, b in zip(tokens, tokens[1:], strict=False):
                    if a.isalpha() and b.isalpha():
                        pairs[(a, b)] += 1
    return pairs


def build(corpus: Path, out: Path = NEIGHBOURS_PATH, top: int = TOP) -> int:
    """Write the table; return the number of rows."""
    pairs = count_bigrams(corpus)
    succ: dict[str, list[tuple[int, str]]] = defaultdict(list)
    pred: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (a, b), n in pairs.items():
        if n >= MIN_COUNT:
            succ[a].append((n, b))
            pred[b].append((n, a))
    rows = []
    for tag, table in ((">", succ), ("<", pred)):
        for syllable in sorted(table):
            ranked = [s for _, s in sorted(table[syllable], key=lambda x: (-x[0], x[1]))[:top]]
            rows.append(f"{tag}\t{syllable}\t{' '.join(ranked)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("# syllable successors (>) and predecessors (<), training split\n")
        handle.write("\n".join(rows) + "\n")
    tmp.replace(out)
    return len(rows)


def main() -> None:
    """Command line: build the table from the corpus."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--top", type=int, default=TOP)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    corpus = args.corpus or default_corpus_dir()
    if corpus is None:
        raise SystemExit("corpus not found (../shared/corpus or $VIDOC_CORPUS)")
    n = build(corpus, top=args.top)
    print(f"wrote {n} rows to {NEIGHBOURS_PATH}")


if __name__ == "__main__":
    main()

"""Train the paragraph-break model of `pipeline.repair.paragraph_order`.

Task: for four adjacent paragraphs P, A, B, N of a training document, tell the order
P A B N from P B A N (A and B exchanged: what a page read out of order looks like). The
score of an order is the sum of its three breaks' feature weights (last line above, first
line below, each paragraph wrapped at a random width of 64-92 columns as on the dev
pages); logistic loss on the difference, AdaGrad. A break whose layout is not plain (a
line that does not end a sentence or a heading, or a next line that only continues one)
gets no features: the reorderer uses the model only where `is_break` holds.

Every tenth training document (by its SHA-1) is kept out to report accuracy; held-out
documents are never read.

Run: .venv/bin/python -m pipeline.resources.build_paragraph_order [--corpus DIR]
Writes models/paragraph_order.json.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import math
import random
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split
from pipeline.repair.line_cues import LineCues, line_cues
from pipeline.repair.paragraph_order import (
    MODEL_PATH,
    BreakSide,
    ParagraphOrderModel,
    break_features,
    break_side,
    is_break,
)

log = logging.getLogger(__name__)

MIN_OPENER = 30
"""An opener seen less often than this at a paragraph start gets no weight of its own."""
EPOCHS = 3
RATE = 0.2
PRUNE = 0.01
SEED = 20261129

Paragraph = tuple[LineCues, LineCues, BreakSide, BreakSide]
"""First and last line of a wrapped paragraph: their cues and break descriptions."""


def _paragraphs(document: str, rng: random.Random) -> list[Paragraph]:
    width = rng.randrange(64, 93)
    out = []
    for text in document.split("\n"):
        text = text.strip()
        if not text:
            continue
        lines = textwrap.wrap(text, width) or [text]
        first, last = line_cues(lines[0]), line_cues(lines[-1])
        out.append((first, last, break_side(first), break_side(last)))
    return out


def training_documents(corpus: Path, rng: random.Random) -> Iterator[tuple[bool, list[Paragraph]]]:
    """(kept out for validation, paragraphs) of every training document."""
    for name in OFFICIAL_FILES:
        for document in iter_split(corpus / name, heldout=False):
            validation = hashlib.sha1(document.encode("utf-8")).digest()[0] % 10 == 0
            paragraphs = _paragraphs(document, rng)
            if len(paragraphs) >= 4:
                yield validation, paragraphs


def _break(above: Paragraph, below: Paragraph, openers: frozenset[str]) -> list[str]:
    if not is_break(above[1], below[0]):
        return []
    return break_features(above[3], below[2], openers)


def order_pairs(documents: Iterable[list[Paragraph]], openers: frozenset[str]
                ) -> list[tuple[list[str], list[str]]]:
    """Features of (order as written, A and B exchanged) for each window P, A, B, N."""
    out = []
    for paragraphs in documents:
        for i in range(1, len(paragraphs) - 2):
            p, a, b, n = paragraphs[i - 1:i + 3]
            good = _break(p, a, openers) + _break(a, b, openers) + _break(b, n, openers)
            bad = _break(p, b, openers) + _break(b, a, openers) + _break(a, n, openers)
            if good or bad:
                out.append((good, bad))
    return out


def _margin(weights: dict[str, float], good: list[str], bad: list[str]) -> float:
    return (sum(weights.get(name, 0.0) for name in good)
            - sum(weights.get(name, 0.0) for name in bad))


def train(pairs: list[tuple[list[str], list[str]]], rng: random.Random,
          epochs: int = EPOCHS) -> dict[str, float]:
    """Logistic regression on order differences (AdaGrad); returns the pruned weights."""
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    order = list(range(len(pairs)))
    for _ in range(epochs):
        rng.shuffle(order)
        for index in order:
            good, bad = pairs[index]
            margin = _margin(weights, good, bad)
            slope = -1.0 / (1.0 + math.exp(min(margin, 50.0)))
            gradient: dict[str, float] = {}
            for name in good:
                gradient[name] = gradient.get(name, 0.0) + slope
            for name in bad:
                gradient[name] = gradient.get(name, 0.0) - slope
            for name, value in gradient.items():
                if value:
                    squares[name] = squares.get(name, 1e-8) + value * value
                    weights[name] = weights.get(name, 0.0) - RATE * value / math.sqrt(squares[name])
    return {name: value for name, value in weights.items() if abs(value) >= PRUNE}


def accuracy_table(weights: dict[str, float], pairs: list[tuple[list[str], list[str]]]
                   ) -> list[tuple[float, float, float]]:
    """(threshold, share of windows decided beyond it, share of those decided right)."""
    margins = [_margin(weights, good, bad) for good, bad in pairs]
    rows = []
    for threshold in (0.0, 1.0, 2.0, 3.0, 4.0):
        decided = [m for m in margins if abs(m) > threshold]
        right = sum(m > 0 for m in decided)
        rows.append((threshold, len(decided) / max(1, len(margins)),
                     right / max(1, len(decided))))
    return rows


def build(corpus: Path, out: Path = MODEL_PATH) -> ParagraphOrderModel:
    """Train on the training documents of `corpus` and write the model to `out`."""
    rng = random.Random(SEED)
    training: list[list[Paragraph]] = []
    validation: list[list[Paragraph]] = []
    for kept_out, paragraphs in training_documents(corpus, rng):
        (validation if kept_out else training).append(paragraphs)
    counts = Counter(p[2].opener for paragraphs in training for p in paragraphs if p[2].opener)
    openers = frozenset(opener for opener, n in counts.items() if n >= MIN_OPENER)
    weights = train(order_pairs(training, openers), rng)
    for threshold, coverage, right in accuracy_table(weights, order_pairs(validation, openers)):
        log.info("validation windows with |margin| > %.0f: %.1f %%, right %.2f %%",
                 threshold, 100 * coverage, 100 * right)
    model = ParagraphOrderModel(weights, openers)
    model.save(out)
    log.info("%s: %d weights, %d openers", out, len(weights), len(model.openers))
    return model


def main(argv: list[str] | None = None) -> int:
    """Command line: train and write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus_dir())
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    if args.corpus is None:
        parser.error("no corpus folder (pass --corpus DIR)")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(args.corpus, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

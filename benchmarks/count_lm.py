"""A small in-memory n-gram model (stupid backoff) for reorder experiments only.

Why: lets the reorder benchmark run, and be compared, before/without the KenLM models.
Trained on TRAINING (non-held-out) documents of the official files, folded (accent-free,
lowercase) like the link scorer's tokens. Nothing here ships.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402
from pipeline.repair.line_links import line_tokens  # noqa: E402


class CountLM:
    """Witten-Bell interpolated n-gram (log10) over folded tokens; state = last order-1 tokens."""

    def __init__(self, order: int = 4) -> None:
        self.order = order
        self.counts: Counter[tuple[str, ...]] = Counter()
        self.followers: Counter[tuple[str, ...]] = Counter()
        self.total = 0
        self.vocabulary = 1

    def train(self, paragraphs: list[str]) -> None:
        for paragraph in paragraphs:
            tokens = ["<s>"] + line_tokens(paragraph) + ["</s>"]
            for n in range(1, self.order + 1):
                for i in range(len(tokens) - n + 1):
                    self.counts[tuple(tokens[i:i + n])] += 1
            self.total += len(tokens)
        self.followers = Counter(gram[:-1] for gram in self.counts if len(gram) > 1)
        self.vocabulary = sum(1 for gram in self.counts if len(gram) == 1) + 1

    def begin_state(self) -> tuple[str, ...]:
        return ("<s>",)

    def null_state(self) -> tuple[str, ...]:
        return ()

    def advance(self, state: tuple[str, ...], token: str) -> tuple[float, tuple[str, ...]]:
        context = state[-(self.order - 1):] if self.order > 1 else ()
        probability = (self.counts.get((token,), 0) + 1) / (self.total + self.vocabulary)
        for n in range(len(context) - 1, -1, -1):
            history = context[n:]
            seen = self.counts.get(history, 0)
            kinds = self.followers.get(history, 0)
            if not seen or not kinds:
                continue
            probability = (self.counts.get(history + (token,), 0) + kinds * probability) / (seen + kinds)
        return math.log10(probability), (state + (token,))[-(self.order - 1):]


def train_count_lm(max_documents: int = 120, order: int = 4) -> CountLM:
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("corpus not found")
    model = CountLM(order)
    for name in OFFICIAL_FILES:
        documents = list(iter_split(corpus / name, heldout=False))[:max_documents]
        model.train([line for doc in documents for line in doc.split("\n")])
    return model

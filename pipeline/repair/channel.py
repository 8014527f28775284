"""The OCR channel: how much it costs (−log10 P) for OCR to print `observed` for `intended`.

Why: a noisy-channel repair weighs the language model against the damage needed to explain
what OCR printed. The costs come from `dictionaries/ocr_confusions.tsv`: generic damage rules
of old OCR on Vietnamese (source=rule) and confusions measured on real Tesseract output of
rendered pages (source=tesseract, built by `pipeline/resources/build_channel.py`), plus the
measured error rate of Tesseract words by confidence (`models/ocr_channel.json`).

Costs are computed between accent-free *bases* (letters only): marks are handled by the
passage mode (a stripped passage lost all its marks at no cost; a clean one keeps them).
What this deliberately leaves alone: word meaning — that is the language model's job.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
TABLE_PATH = ROOT / "dictionaries" / "ocr_confusions.tsv"
CHANNEL_JSON = ROOT / "models" / "ocr_channel.json"

_STRIP = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)


def base_of(word: str) -> str:
    """Lowercase accent-free base of a word ("Nước" → "nuoc"), the key of the channel."""
    return word.lower().translate(_STRIP)


@dataclass
class Channel:
    """Chunk confusion costs between bases, with generic fallbacks for any letter."""

    chunk_cost: dict[tuple[str, str], float] = field(default_factory=dict)
    any_insert: float = 1.6
    any_delete: float = 1.5
    any_substitute: float = 1.9
    space_lost: float = 1.6
    space_added: float = 1.7
    error_by_conf: list[tuple[float, float, float]] = field(default_factory=list)
    mark_cost: dict[tuple[str, str], float] = field(default_factory=dict)
    mark_unseen: float = 4.0

    @classmethod
    def load(cls, table: Path = TABLE_PATH, summary: Path = CHANNEL_JSON) -> Channel:
        """Read the confusion table (and the confidence table when built)."""
        channel = cls()
        mark_counts: dict[tuple[str, str], int] = {}
        if not table.exists():
            log.warning("%s: missing; using generic edit costs only", table)
            return channel
        for line in table.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 4:
                continue
            truth, ocr, cost = cols[0], cols[1], float(cols[2])
            if truth == "∅" and ocr == "·":
                channel.any_insert = cost
            elif truth == "·" and ocr == "∅":
                channel.any_delete = cost
            elif truth == "·" and ocr == "·":
                channel.any_substitute = cost
            elif truth == "␣":
                channel.space_lost = cost
            elif ocr == "␣":
                channel.space_added = cost
            else:
                t = "" if truth == "∅" else base_of(truth)
                o = "" if ocr == "∅" else ocr.lower()
                if (
                    truth != "∅" and ocr != "∅" and t == base_of(ocr)
                ):  # mark-only confusion (ổ printed ố): priced by `marks_cost`
                    if cols[3] == "tesseract" and len(truth) == 1 and len(ocr) == 1:
                        seen = cols[4].split()
                        count = int(seen[1]) if len(seen) > 1 and seen[1].isdigit() else 1
                        mark_counts[(truth.lower(), ocr.lower())] = count
                    continue
                key = (t, o)
                channel.chunk_cost[key] = min(cost, channel.chunk_cost.get(key, math.inf))
        total = sum(mark_counts.values())
        for pair, count in mark_counts.items():
            channel.mark_cost[pair] = -math.log10(count / total)
        if total:
            channel.mark_unseen = -math.log10(0.5 / total)
        if summary.exists():
            data = json.loads(summary.read_text(encoding="utf-8"))
            for span, rate in data.get("error_rate_by_conf", {}).items():
                low, high = (float(x) for x in span.split("-"))
                channel.error_by_conf.append((low, high, float(rate)))
        return channel

    def chunk(self, truth: str, ocr: str) -> float:
        """Cost of one differing chunk (truth letters → printed letters), via rules or fallbacks."""
        known = self.chunk_cost.get((truth, ocr))
        generic = self._generic(truth, ocr)
        return min(known, generic) if known is not None else generic

    def _generic(self, truth: str, ocr: str) -> float:
        if not truth:
            return self.any_insert * len(ocr)
        if not ocr:
            return self.any_delete * len(truth)
        common = min(len(truth), len(ocr))
        return (
            self.any_substitute * common
            + self.any_insert * (len(ocr) - common)
            + self.any_delete * (len(truth) - common)
        )

    def base_cost(self, intended: str, observed: str) -> float:
        """Cost of OCR printing base `observed` for base `intended` (both accent-free)."""
        return _base_cost(self, intended, observed)

    def marks_cost(self, intended: str, observed: str) -> float:
        """Cost, given that OCR erred on this word, of printing `observed` for `intended`.

        Both lowercase with the same base (only marks differ): the sum over differing letters
        of −log10 P(this mark confusion | a mark confusion), learned from Tesseract.
        """
        if len(intended) != len(observed):
            return self.mark_unseen * 2
        return sum(
            self.mark_cost.get((a, b), self.mark_unseen)
            for a, b in zip(intended, observed, strict=True)
            if a != b
        )

    def word_error_rate(self, conf: float) -> float | None:
        """Return the measured share of wrong Tesseract words at this confidence (or None)."""
        for low, high, rate in self.error_by_conf:
            if low <= conf <= high + 0.999:
                return rate
        return None


@lru_cache(maxsize=200_000)
def _base_cost(channel: Channel, intended: str, observed: str) -> float:
    if intended == observed:
        return 0.0
    # group adjacent differing opcodes into one chunk, so multi-letter rules apply (đ→cl)
    groups: list[tuple[int, int, int, int, float]] = []
    for op in Levenshtein.opcodes(intended, observed):
        if op.tag == "equal":
            continue
        piece = channel.chunk(
            intended[op.src_start : op.src_end], observed[op.dest_start : op.dest_end]
        )
        if groups and groups[-1][1] == op.src_start and groups[-1][3] == op.dest_start:
            s1, _, d1, _, cost = groups[-1]
            groups[-1] = (s1, op.src_end, d1, op.dest_end, cost + piece)
        else:
            groups.append((op.src_start, op.src_end, op.dest_start, op.dest_end, piece))
    total = 0.0
    for s1, s2, d1, d2, summed in groups:
        t, o = intended[s1:s2], observed[d1:d2]
        cost = min(summed, channel.chunk(t, o))
        # a chunk may read better with one neighbouring letter (rn→m, nh→h, ư→ur)
        if s1 > 0 and d1 > 0 and intended[s1 - 1] == observed[d1 - 1]:
            alt = channel.chunk_cost.get((intended[s1 - 1] + t, observed[d1 - 1] + o))
            if alt is not None:
                cost = min(cost, alt)
        if s2 < len(intended) and d2 < len(observed) and intended[s2] == observed[d2]:
            alt = channel.chunk_cost.get((t + intended[s2], o + observed[d2]))
            if alt is not None:
                cost = min(cost, alt)
        total += cost
    return total


Channel.__hash__ = object.__hash__  # type: ignore[method-assign]  # cache key by identity

_CHANNEL: Channel | None = None


def get_channel() -> Channel:
    """Return the process-wide channel (loaded once)."""
    global _CHANNEL
    if _CHANNEL is None:
        _CHANNEL = Channel.load()
    return _CHANNEL

"""Which of two paragraphs comes first: a small learned model of paragraph breaks.

Why: where a line ends a sentence and the next opens a paragraph, the n-gram LM cannot
tell the order (`LinkTable.neutral` scores such a link as a bare paragraph break), so two
whole paragraphs exchanged — blocks of a page read out of order — look as probable as the
original. The text still says a lot about what may follow what: an article heading is
followed by its clause "1.", not "2."; a line ending in ":" by "a)" or a dash, not by
"Điều"; a chapter heading by an article; "Căn cứ …" by "Căn cứ …" or "Theo đề nghị …";
a heading by a paragraph that repeats its words. This module scores one break, from the
last line above it and the first line below it, with weights learned on the training
documents to tell adjacent paragraphs in their order from the same paragraphs exchanged
(`pipeline/resources/build_paragraph_order.py`).

The score is a log-odds contribution: positive when the break reads like one of a
directive in its order. Only its differences between orders matter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.atomic import write_text_atomic
from pipeline.repair.line_cues import LineCues
from pipeline.repair.line_links import HEADING_LABELS, fold

MODEL_PATH = Path(__file__).resolve().parent.parent.parent / "models" / "paragraph_order.json"

_WORD = re.compile(r"[^\W\d_]+")
_LABEL = re.compile(r"^\W*(?:\w{1,6}[.)]\s*)?")
_STOPWORDS = frozenset(
    "va cua cac cho theo tai voi ve duoc la co trong de nay do mot nhung thi hoac khi tu den "
    "so ngay thang nam".split())
OVERLAP_CAP = 5
"""Shared content words above this count as this many (a heading and its first paragraph
share a few; more says nothing new)."""


def is_break(above: LineCues, below: LineCues) -> bool:
    """Tell whether the layout makes a plain paragraph break between the two lines.

    That is: the line above closes a sentence or is a heading, and the line below may
    open a paragraph. Why only there: elsewhere the LM reads the link (a sentence
    running on), and the model is trained on such breaks alone.
    """
    if below.continues_paragraph:
        return False
    heading = (above.enumerator is not None and above.enumerator.style in HEADING_LABELS
               and above.first_letter_case != "lower")
    return above.ends_terminal or above.is_caps or heading


@dataclass(frozen=True)
class BreakSide:
    """What one line says about a paragraph break next to it.

    Accent-free, so that stripped and marked text read alike.
    """

    kind: str
    """Label style ("arabic1" for "1.", "arabicN" for later values), "dash-", "caps",
    "upper", "lower" or "other"."""
    opener: str
    """First two words of an unlabelled line ("can cu", "truong hop"), else ""."""
    end: str
    """Final mark: "final" ("./."), "dot", "colon", "semi", "comma" or "none"."""
    words: frozenset[str]
    """Content words of the line, for the overlap between a heading and its paragraph."""


def break_side(cues: LineCues) -> BreakSide:
    """Describe a line for the break model from its layout cues and words."""
    text = cues.text.strip()
    enumerator = cues.enumerator
    if enumerator is not None:
        kind = f"{enumerator.style}{'1' if enumerator.value == 1 else 'N'}"
    elif cues.bullet:
        kind = "dash" + text[:1]
    elif cues.is_caps:
        kind = "caps"
    elif cues.first_letter_case in ("upper", "lower"):
        kind = cues.first_letter_case
    else:
        kind = "other"
    folded = fold(text)
    words = _WORD.findall(folded)
    opener = ""
    if enumerator is None and kind != "lower":
        opener = " ".join(_WORD.findall(_LABEL.sub("", folded, count=1))[:2])
    if text.endswith("/."):
        end = "final"
    else:
        end = {".": "dot", ":": "colon", ";": "semi", ",": "comma"}.get(text[-1:], "none")
    content = frozenset(w for w in words if len(w) > 1 and w not in _STOPWORDS)
    return BreakSide(kind, opener, end, content)


def break_features(above: BreakSide, below: BreakSide, openers: frozenset[str] | None = None
                   ) -> list[str]:
    """Feature names of the break between line `above` and line `below`.

    `openers`: the openers common enough to have a weight (others read as "?"), so that a
    rare first word neither gets a weight in training nor looks one up.
    """
    def known(opener: str) -> str:
        return opener if openers is None or opener in openers else "?"

    opener_below, opener_above = known(below.opener), known(above.opener)
    overlap = min(len(above.words & below.words), OVERLAP_CAP)
    return [
        f"end>kind {above.end} {below.kind}",
        f"kind>kind {above.kind} {below.kind}",
        f"kind,end>kind {above.kind} {above.end} {below.kind}",
        f"end>opener {above.end} {opener_below}",
        f"kind>opener {above.kind} {opener_below}",
        f"opener>opener {opener_above} {opener_below}",
        f"overlap {above.kind} {overlap}",
    ]


class ParagraphOrderModel:
    """Weights of break features; `score` sums those of one break."""

    def __init__(self, weights: dict[str, float], openers: frozenset[str]) -> None:
        self.weights = weights
        self.openers = openers

    def score(self, above: BreakSide, below: BreakSide) -> float:
        """Log-odds that `below` follows `above` across a paragraph break (relative)."""
        weights = self.weights
        return sum(weights.get(name, 0.0) for name in break_features(above, below, self.openers))

    def save(self, path: Path) -> None:
        """Write the model as JSON (sorted, rounded: a stable, reviewable file), atomically."""
        data = {"openers": sorted(self.openers),
                "weights": {name: round(value, 4) for name, value in sorted(self.weights.items())}}
        write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=0) + "\n")

    @classmethod
    def load(cls, path: Path) -> ParagraphOrderModel:
        """Read a model written by `save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(data["weights"]), frozenset(data["openers"]))


@lru_cache(maxsize=1)
def default_paragraph_order() -> ParagraphOrderModel | None:
    """Load the shipped model once; None when models/paragraph_order.json is absent.

    Without it the reorderer scores paragraph breaks as before.
    """
    if not MODEL_PATH.exists():
        return None
    return ParagraphOrderModel.load(MODEL_PATH)


class BreakScores:
    """The model's break scores between the lines of one page, computed on demand."""

    def __init__(self, model: ParagraphOrderModel, cues: list[LineCues]) -> None:
        self.model = model
        self.cues = cues
        self._sides: dict[int, BreakSide] = {}
        self._scores: dict[tuple[int, int], float] = {}

    def side(self, index: int) -> BreakSide:
        """Describe line `index` for the model (cached)."""
        if index not in self._sides:
            self._sides[index] = break_side(self.cues[index])
        return self._sides[index]

    def score(self, above: int, below: int) -> float:
        """Score line `below` opening the paragraph after line `above`.

        0 where the layout does not make their link a plain break (`is_break`).
        """
        key = (above, below)
        if key not in self._scores:
            cues = self.cues
            self._scores[key] = (self.model.score(self.side(above), self.side(below))
                                 if is_break(cues[above], cues[below]) else 0.0)
        return self._scores[key]

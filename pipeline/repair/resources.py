"""Adapters from the shared language resources to what the repair engine needs.

Why: the lexicon (`pipeline.repair.lexicon`), the language model (`pipeline.repair.lm`)
and the phonology (`pipeline.repair.vietnamese`) are owned elsewhere; this module is the
one place that knows their API, caches them once per process, and adds what the decoder
needs on top (a transition cache keyed by LM state, tone-style conversion).
"""

from __future__ import annotations

import functools
import logging
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.repair.decode import SENTENCE_BREAK

log = logging.getLogger(__name__)


class LexiconInventory:
    """The syllable inventory as `candidates.SyllableInventory`."""

    def __init__(self, lexicon: Any) -> None:
        self.lexicon = lexicon
        bases = lexicon.bases
        self._bases: set[str] = set(bases() if callable(bases) else bases)

    def variants(self, base: str) -> list[tuple[str, float]]:
        """Accented syllables of `base` with their corpus frequency."""
        return [(s, float(f)) for s, f in self.lexicon.variants(base)]

    def bases(self) -> set[str]:
        """All accent-free bases."""
        return self._bases

    def is_syllable(self, syllable: str) -> bool:
        """Tell whether `syllable` is attested (valid and seen in the training corpus).

        Attested, not merely well-formed: OCR often prints well-formed syllables nobody
        writes ("triến"), and those are exactly the tokens worth doubting.
        """
        return bool(self.lexicon.is_attested(syllable))

    def is_word(self, syllables: tuple[str, ...]) -> bool:
        """Tell whether the syllables form a multi-syllable dictionary or domain word."""
        return bool(self.lexicon.is_word(syllables))

    def is_abbreviation(self, word: str) -> bool:
        """Tell whether `word` is a known abbreviation (UBND, HĐND…)."""
        check = getattr(self.lexicon, "is_abbreviation", None)
        return bool(check(word)) if check else False

    @functools.cached_property
    def listed_abbreviations(self) -> frozenset[str]:
        """The abbreviation list as written (empty when the lexicon has none)."""
        return frozenset(getattr(self.lexicon, "abbreviations", ()))

    def capitalized_count(self, syllable: str) -> int:
        """How often `syllable` is capitalised mid-sentence in the corpus (0 if unknown)."""
        count = getattr(self.lexicon, "capitalized_count", None)
        return int(count(syllable)) if count else 0

    def capital_share(self, syllable: str, min_frequency: int) -> float | None:
        """Share of `syllable`'s corpus uses capitalised after a word (None: seen too rarely)."""
        frequency = getattr(self.lexicon, "syllable_freq", None)
        uses = int(frequency(syllable)) if frequency else 0
        if uses < min_frequency:
            return None
        return self.capitalized_count(syllable) / uses


class CachedLM:
    """The syllable LM as `decode.ScoringModel`, with a per-process transition cache."""

    def __init__(self, lm: Any, max_cache: int = 2_000_000) -> None:
        self.lm = lm
        self._cache: dict[tuple[Any, str], tuple[float, Any]] = {}
        self.transitions = self._cache  # the decoder reads it directly (hot loop)
        self._max = max_cache
        self._token = lru_cache(maxsize=200_000)(lm.token)
        self._bigrams: dict[tuple[str, str], float] = {}
        self.bigrams = self._bigrams  # read directly in the pre-pass (hot loop)
        self._after: dict[str, Any] = {}

    def begin(self) -> Any:
        """State at the start of a sentence."""
        return self.lm.begin_state()

    def advance(self, state: Any, syllable: str) -> tuple[float, Any]:
        """log10 P(syllable | state) and the next state (cached)."""
        key = (state, syllable)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if syllable == SENTENCE_BREAK:
            result = (float(self.lm.end_score(state)), self.lm.begin_state())
        else:
            result = self.lm.advance(state, self._token(syllable))
        if len(self._cache) >= self._max:
            self._cache.clear()
        self._cache[key] = result
        return result

    def bigram(self, previous: str, syllable: str) -> float:
        """log10 P(syllable | previous) with no further context (cached; for pre-pruning)."""
        key = (previous, syllable)
        hit = self._bigrams.get(key)
        if hit is None:
            state = self._after.get(previous)
            if state is None:
                _, state = self.lm.advance(self.lm.null_state(), self._token(previous))
                self._after[previous] = state
            hit = float(self.lm.advance(state, self._token(syllable))[0])
            if len(self._bigrams) >= self._max:
                self._bigrams.clear()  # the same dict object: readers keep their reference
            self._bigrams[key] = hit
        return hit

    def knows(self, word: str) -> bool:
        """Whether the LM saw this word as one token (a hyphenated "mô-đun", "kinh tế-xã")."""
        return self._token(word) in self.lm

    def finish(self, state: Any) -> float:
        """log10 P(end of sentence | state)."""
        return float(self.lm.end_score(state))


class SyllableNeighbours:
    """Most frequent successors / predecessors of each syllable (training split).

    Built by `pipeline/resources/build_neighbours.py`; empty (no context candidates) when
    the table is missing, so an old checkout still repairs.
    """

    def __init__(self, succ: dict[str, list[str]], pred: dict[str, list[str]]) -> None:
        self.succ = succ
        self.pred = pred

    @classmethod
    def load(cls, path: Any = None) -> SyllableNeighbours:
        """Read the gzipped table."""
        import gzip

        path = Path(path) if path else NEIGHBOURS_PATH
        succ: dict[str, list[str]] = {}
        pred: dict[str, list[str]] = {}
        if not path.exists():
            log.warning("%s: missing; no context candidates", path)
            return cls(succ, pred)
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#"):
                    continue
                tag, syllable, listed = line.rstrip("\n").split("\t")
                (succ if tag == ">" else pred)[syllable] = listed.split(" ")
        return cls(succ, pred)

    def successors(self, syllable: str, top: int) -> list[str]:
        """Likeliest next syllables after `syllable` (LM vocabulary form)."""
        return self.succ.get(syllable, [])[:top]

    def predecessors(self, syllable: str, top: int) -> list[str]:
        """Likeliest syllables before `syllable`."""
        return self.pred.get(syllable, [])[:top]


NEIGHBOURS_PATH = (
    Path(__file__).resolve().parent.parent.parent / "models" / ("syllable_neighbours.tsv.gz")
)


@lru_cache(maxsize=1)
def load_neighbours() -> SyllableNeighbours:
    """Load the successor/predecessor table once per process."""
    return SyllableNeighbours.load()


@lru_cache(maxsize=1)
def load_resources() -> tuple[LexiconInventory, CachedLM]:
    """Load lexicon and syllable LM once per process."""
    from pipeline.repair.lexicon import get_lexicon
    from pipeline.repair.lm import get_language_model

    started = time.perf_counter()
    inventory = LexiconInventory(get_lexicon())
    lm = CachedLM(get_language_model("syllable"))
    log.info("repair resources loaded in %.2f s", time.perf_counter() - started)
    return inventory, lm


def detect_style(text: str) -> str | None:
    """Return the tone-placement style ("old": hòa, "new": hoà), None when it never shows."""
    from pipeline.repair.vietnamese import detect_style as detect

    return detect(text)


def canonical(syllable: str) -> str:
    """Look-up key of a syllable (lowercase, old-style tone placement)."""
    from pipeline.repair.vietnamese import canonical as key

    return key(syllable)


@lru_cache(maxsize=100_000)
def to_style(syllable: str, style: str | None) -> str:
    """`syllable` written in the document's tone-placement `style` (as is when None)."""
    from pipeline.repair.vietnamese import to_new_style, to_old_style

    if style == "new":
        return to_new_style(syllable)
    if style == "old":
        return to_old_style(syllable)
    return syllable

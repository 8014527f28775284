"""Candidates for one observed token: what the writer may have meant, each with a channel cost.

Why: the decoder can only choose among forms we propose. For each word token we propose
- the accented variants of its base from the syllable inventory (a stripped word lost only
  its marks: "nuoc" → nước, nuốc…),
- forms reachable through OCR damage (confusion table + small edits), found with a
  symmetric-deletion index over inventory bases, so short garbles (a dropped or swapped
  letter) that fuzzy ratios score too low are still reached,
- two syllables for one token when a space was lost ("xuly"), and one syllable for two
  tokens when a space was added (the decoder asks `for_merge`).
A token that is itself a valid syllable still gets OCR neighbours in garbled passages,
because garbles often land on another real syllable ("thuyen" printed for "tuyen"), and
gets the syllables its context calls for (`from_context`).
Costs are −log10 P(observed | intended) under the passage mode (see `Mode`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from rapidfuzz.distance import Levenshtein

from pipeline.repair.channel import Channel, base_of
from pipeline.repair.tokens import has_marks

log = logging.getLogger(__name__)

Mode = Literal["clean", "suspect", "stripped", "garbled"]
"""clean: text as printed is probably right; suspect: a run of unmarked syllables inside
marked text (stripped, or just plain words); stripped: marks were lost, letters are right;
garbled: marks lost and letters damaged."""


class SyllableInventory(Protocol):
    """What candidates need from the lexicon (adapter in `pipeline.repair.resources`)."""

    def variants(self, base: str) -> list[tuple[str, float]]: ...  # noqa: D102
    def bases(self) -> set[str]: ...  # noqa: D102
    def is_syllable(self, syllable: str) -> bool: ...  # noqa: D102


@dataclass(frozen=True)
class Candidate:
    """One proposal: the output syllables (lowercase, 1 or 2) and the channel cost (log10)."""

    syllables: tuple[str, ...]
    cost: float
    kind: str  # keep | marks | ocr | split | merge


@dataclass(frozen=True)
class ModeCosts:
    """Channel costs (log10) that depend on how damaged the passage is."""

    keep: float  # print the intended word exactly as it is
    marks_lost: float  # intended had marks, printed without any
    marks_changed: float  # printed marks differ from the intended ones
    letters_factor: float  # multiplier on letter-damage costs (garbled passages are cheap)
    letters_extra: float  # fixed extra cost for any letter damage
    keep_unknown: float  # leave a token that is no syllable as it is
    valid_letters_extra: float = 1.0  # extra for changing the letters of a valid-base token


MODE_COSTS: dict[str, ModeCosts] = {
    "clean": ModeCosts(0.0, 3.0, 2.5, 1.0, 1.5, 0.0),
    "suspect": ModeCosts(0.0, 1.0, 1.5, 1.0, 1.5, 1.0),
    "stripped": ModeCosts(0.0, 0.0, 1.2, 1.0, 1.2, 1.0),
    "garbled": ModeCosts(0.0, 0.0, 0.6, 0.7, 0.0, 1.5),
}

# Words of clean-looking text whose form writers (almost) never use: a channel learned from
# Tesseract prices each lost or changed mark at ~3.45 (log10), over the clean-text limit, so
# such words had no candidate with the right marks ("các" printed "cac", "định" printed
# "đinh"). Chosen on the clean dev passages with 5 % and 15 % of their words damaged (seeds
# 7, 11, 5, 9; scripts not kept); the dev set's dropped and misread conditions, built
# afterwards from other passages, confirm them. Safety checked each time on the clean legal
# (480 lines), news (240) and mixed-passage (480) truths and on 12 sentences holding English
# names and phrases: the values below change none of them (results/repair.md, 11th pass).

BARE_SHARE_MAX = 0.5
"""A mark-free word is "usually marked" when less than this share of its base's corpus uses
are written without marks ("cac" 0 %, "va" 0.1 %, "tinh" 4 %, "ban" 41 %; not "trong" 90 %,
"theo" 100 %)."""
BARE_WORD_COST = 1.5
"""Channel cost (log10) of a word printed with all its marks lost, on top of the prior that
the word is wrong at all: one event, however many marks it had (5 % set: 90.9 % of the
stripped words restored at 2.0, 92.5 % at 1.5, 94.5 % at 0.5; 1.5 keeps a margin)."""
BARE_KEEP_SHARE = 0.01
BARE_KEEP_COST = 1.0
"""Cost of keeping a mark-free word written bare in under BARE_KEEP_SHARE of its base's
uses ("nguoi", "hoac": 0 %): the syllable LM does not hold such forms to their rarity (it
reads "hiện tại nguoi bồi thường" only 1.9 below "người"). 15 % set: 93.7 -> 95.5 % at
1.0, 96.1 % at 2.0, but at 2.0 two right words of the news passages changed ("ghe")."""
RARE_SHARE_MAX = 0.05
"""Plain text only: a marked form used in under this share of its base's uses ("đinh" next
to "định", "cú" next to "cứ") gets every marking of its letters as a candidate, at most
RARE_WORD_COST each. Not for OCR words: the channel learned from Tesseract is the right
model there (with it, plain-Tesseract worn pages +2 and vidoc-OCR heavy pages +2 wrong
characters)."""
RARE_WORD_COST = 3.0
"""Misread-marks set (5 % of marked words): 78.2 -> 90.0 % of them put right at 3.0, 90.5 %
at 2.5; at 2.0 a right "cô" of the news passages became "có"."""

MAX_VARIANTS = 16
MAX_FUZZY_BASES = 8
MAX_NEAR = 16
MAX_CANDIDATES = {"clean": 6, "suspect": 10, "stripped": 10, "garbled": 20}
MERGE_EXTRA = 1.5
SPLIT_VALID_EXTRA = 1.5
"""Extra cost of splitting a token whose letters already spell a syllable base."""
CONTEXT_EXTRA = 0.5
"""Extra cost of a candidate found only through the context (successor table)."""
TRUNCATION_COST = 1.0
"""Letter cost of a syllable cut to its first one or two letters (a single OCR event)."""
CONTEXT_MAX_DISTANCE = {2: 1, 3: 2, 4: 2, 5: 3}
"""Largest letter distance of a context candidate from the observed base, by its length."""
_VOWELS = set("aeiouy")
PRIOR_WEIGHT = 0.5
"""How much a syllable's unigram frequency counts when pruning candidates (not in decoding)."""


class CandidateGenerator:
    """Proposes candidates from the syllable inventory and the OCR channel."""

    def __init__(
        self,
        inventory: SyllableInventory,
        channel: Channel,
        max_deletes: int = 2,
        canonical: Callable[[str], str] | None = None,
    ) -> None:
        self.inventory = inventory
        self.canonical = canonical or (lambda s: s)
        self.channel = channel
        self.max_deletes = max_deletes
        self._variants: dict[str, list[tuple[str, float]]] = {}
        self._deletes: dict[str, list[str]] = {}
        self._base_logfreq: dict[str, float] = {}
        self._logp: dict[str, float] = {}
        total = sum(f for b in inventory.bases() for _, f in inventory.variants(b)) or 1.0
        for base in inventory.bases():
            found = sorted(inventory.variants(base), key=lambda v: -v[1])
            if not found:
                continue
            top = found[0][1]
            # attested variants only, and not the vanishingly rare ones
            kept = [
                (s, f) for s, f in found[:MAX_VARIANTS] if f > 0 and (f >= top * 1e-4 or f > 50)
            ]
            if not kept:
                continue
            self._variants[base] = kept
            for syllable, freq in kept:
                self._logp[syllable] = math.log10(max(freq, 0.5) / total)
            self._base_logfreq[base] = math.log10(sum(f for _, f in found) + 1)
            if len(base) >= 2:
                for variant in _deletions(base, max_deletes):
                    self._deletes.setdefault(variant, []).append(base)
        self._cache: dict[tuple[str, str], tuple[Candidate, ...]] = {}
        self._fuzzy_cache: dict[tuple[str, float], list[tuple[str, float]]] = {}
        self._context_cache: dict[tuple[str, str], float | None] = {}
        self._syllable_base: dict[str, str] = {}
        self._near_cache: dict[str, frozenset[str]] = {}
        self._shares: dict[str, float] = {}

    def is_base(self, base: str) -> bool:
        """Tell whether some syllable of the inventory has this accent-free base."""
        return base in self._variants

    def base_weight(self, base: str) -> float:
        """log10 total frequency of a base (0 when unknown)."""
        return self._base_logfreq.get(base, 0.0)

    def fuzzy_bases(self, observed_base: str, budget: float) -> list[tuple[str, float]]:
        """Inventory bases within `budget` channel cost of `observed_base` (itself excluded)."""
        if not observed_base:
            return []
        key = (observed_base, budget)
        hit = self._fuzzy_cache.get(key)
        if hit is not None:
            return hit
        result = self._fuzzy(observed_base, budget)
        if len(self._fuzzy_cache) > 200_000:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[key] = result
        return result

    def _fuzzy(self, observed_base: str, budget: float) -> list[tuple[str, float]]:
        near: set[str] = set()
        shortest = 1 if len(observed_base) <= 2 else 2
        for probe in _deletions(observed_base, self.max_deletes) | {observed_base}:
            if len(probe) < shortest:
                continue
            near.update(self._deletes.get(probe, ()))
            if probe in self._variants:
                near.add(probe)
        near.discard(observed_base)
        limit = 3 if len(observed_base) >= 6 else 2
        close = []
        for b in near:
            d = Levenshtein.distance(b, observed_base, score_cutoff=limit)
            if d <= limit:
                close.append((d, -self.base_weight(b), b))
        close.sort()
        found = [(self.channel.base_cost(b, observed_base), w, b) for _, w, b in close[:MAX_NEAR]]
        ranked = sorted(x for x in found if x[0] <= budget)
        return [(b, c) for c, _, b in ranked[:MAX_FUZZY_BASES]]

    def for_token(
        self, observed: str, mode: Mode, suspicious: bool = True
    ) -> tuple[Candidate, ...]:
        """Candidates for one observed word token (any case) under `mode`.

        `suspicious` widens the search to OCR neighbours of a valid syllable (garbled
        passages, or a word Tesseract doubted); otherwise only marks may change.
        """
        key = (observed, mode + ("!" if suspicious else ""))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._generate(observed.lower(), mode, suspicious)
        if len(self._cache) > 500_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _generate(self, observed: str, mode: Mode, suspicious: bool) -> tuple[Candidate, ...]:
        costs = MODE_COSTS[mode]
        obase = base_of(observed)
        marked = obase != observed
        valid = self.inventory.is_syllable(observed)
        out: dict[tuple[str, ...], Candidate] = {}

        def add(cand: Candidate) -> None:
            old = out.get(cand.syllables)
            if old is None or cand.cost < old.cost:
                out[cand.syllables] = cand

        if len(obase) == 1 and obase not in _VOWELS:
            # a lone consonant is a list letter or an initial ("d)", "K."); only d may be đ
            if obase == "d" and mode != "clean":
                return (Candidate((observed,), 0.0, "keep"), Candidate(("đ",), 0.3, "marks"))
            return (Candidate((observed,), 0.0, "keep"),)
        add(Candidate((observed,), costs.keep if valid else costs.keep_unknown, "keep"))
        key = self.canonical(observed)
        for syllable, _freq in self._variants.get(obase, ()):
            if syllable == observed or syllable == key:
                continue
            cost = costs.marks_changed if marked else costs.marks_lost
            add(Candidate((syllable,), cost, "marks"))
        if mode == "clean" and valid and not suspicious:
            return self._prune(out, mode)
        budget = 4.5 if mode == "garbled" else 2.6
        base_known = obase in self._variants
        vowelless = not any(c in _VOWELS for c in obase)  # "Gbps": no Vietnamese syllable
        if (
            mode == "garbled"
            or suspicious
            or (not valid and not vowelless and (mode == "clean" or not base_known))
        ):
            base_extra = costs.valid_letters_extra if obase in self._variants else 0.0
            for base, letter_cost in self.fuzzy_bases(obase, budget):
                extra = costs.letters_extra + base_extra + costs.letters_factor * letter_cost
                for syllable, _freq in self._variants[base][:6]:
                    mark_cost = 0.0 if not marked else costs.marks_changed * 0.5
                    add(Candidate((syllable,), extra + mark_cost, "ocr"))
            if len(obase) >= 4 and not valid:
                # a lost space that happens to spell a real base is rare: such a token is
                # far likelier one syllable (with its marks lost)
                split_extra = SPLIT_VALID_EXTRA if base_known else 0.0
                for split in self._splits(obase):
                    left, right = split
                    cost = (
                        self.channel.space_lost * costs.letters_factor
                        + costs.letters_extra
                        + split_extra
                    )
                    for ls, _ in self._variants[left][:4]:
                        for rs, _ in self._variants[right][:4]:
                            add(Candidate((ls, rs), cost, "split"))
        return self._prune(out, mode)

    def from_context(
        self,
        observed: str,
        mode: Mode,
        proposals: Iterable[str],
        have: set[tuple[str, ...]],
    ) -> list[Candidate]:
        """Candidates for `observed` among syllables the context proposes.

        `proposals` are likely successors of the previous syllables and predecessors of the
        next (see `resources.SyllableNeighbours`); those whose base is within a few letters
        of the observed base (or extends a one- or two-letter stub: "kh" cut from a longer
        word) get the same channel cost as spelling neighbours. This is how a garble that
        is itself a valid syllable is undone when the context calls for another one.
        """
        costs = MODE_COSTS[mode]
        lower = observed.lower()
        obase = base_of(lower)
        if not obase:
            return []
        marked = obase != lower
        garbled = mode == "garbled"
        base_extra = costs.valid_letters_extra if obase in self._variants else 0.0
        same = costs.marks_changed if marked else costs.marks_lost
        extra = costs.letters_extra + base_extra + CONTEXT_EXTRA
        extra += costs.marks_changed * 0.5 if marked else 0.0
        bases = self._syllable_base
        # most proposals are far from the observed base: test that before any other work
        near = self._near(obase) if garbled and len(obase) > 2 else None
        out: list[Candidate] = []
        for syllable in dict.fromkeys(proposals):
            base = bases.get(syllable)
            if base is None:
                base = bases[syllable] = base_of(syllable)
            if near is not None and base != obase and base not in near:
                continue
            if (syllable,) in have:
                continue
            if base == obase:
                cost = same
            elif garbled:
                letters = self._context_letters(obase, base)
                if letters is None:
                    continue
                cost = extra + costs.letters_factor * letters
            else:
                continue
            have.add((syllable,))
            out.append(Candidate((syllable,), cost, "context"))
        return out

    def _context_letters(self, obase: str, base: str) -> float | None:
        """Channel cost of `base` printed as `obase` when close enough for context (cached)."""
        if len(obase) > 2 and base not in self._near(obase):
            return None
        key = (obase, base)
        hit = self._context_cache.get(key, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        result: float | None
        if len(obase) <= 2:
            near = base.startswith(obase) or Levenshtein.distance(base, obase) <= 1
        else:
            near = True
        result = self.channel.base_cost(base, obase) if near else None
        if result is not None and len(obase) <= 2 and base.startswith(obase):
            result = min(result, TRUNCATION_COST)  # a word cut short: one event, any length
        if len(self._context_cache) > 500_000:
            self._context_cache.clear()
        self._context_cache[key] = result
        return result

    def _near(self, obase: str) -> frozenset[str]:
        """Inventory bases within CONTEXT_MAX_DISTANCE letters of `obase` (cached).

        Found through the symmetric-deletion index (up to `max_deletes` deletions on each
        side), so the look-up is a few set probes instead of a distance per proposal.
        """
        hit = self._near_cache.get(obase)
        if hit is not None:
            return hit
        limit = min(CONTEXT_MAX_DISTANCE.get(len(obase), 3), 2 * self.max_deletes)
        found: set[str] = set()
        for probe in _deletions(obase, self.max_deletes) | {obase}:
            found.update(self._deletes.get(probe, ()))
            if probe in self._variants:
                found.add(probe)
        result = frozenset(
            b for b in found if Levenshtein.distance(b, obase, score_cutoff=limit) <= limit
        )
        if len(self._near_cache) > 100_000:
            self._near_cache.clear()
        self._near_cache[obase] = result
        return result

    def _prune(self, out: dict[tuple[str, ...], Candidate], mode: Mode) -> tuple[Candidate, ...]:
        """Keep the likeliest candidates (channel cost + a unigram prior); always keep `keep`."""
        limit = MAX_CANDIDATES[mode]
        if len(out) <= limit:
            return tuple(out.values())

        def rank(c: Candidate) -> float:
            return c.cost - PRIOR_WEIGHT * sum(self._logp.get(s, -8.0) for s in c.syllables) / len(
                c.syllables
            )

        ranked = sorted(out.values(), key=rank)
        kept = ranked[:limit]
        keep = [c for c in ranked[limit:] if c.kind == "keep"]
        return tuple(kept + keep)

    def mark_confusions(
        self, observed: str, error_cost: float, max_marks: float = 3.0, plain_text: bool = False
    ) -> tuple[Candidate, ...]:
        """Candidates for a word of clean-looking text: other marks on the same letters.

        Tesseract's commonest errors are marks read wrong on an otherwise right word (hook
        read as acute: "tổ" printed "tố"). `error_cost` is −log10 P(this word is wrong)
        (from its OCR confidence, or a prior for plain text); the channel adds how likely
        this particular mark confusion is. Words with no plausible alternative get only
        `keep`, so the decoder can skip lines without any. A form writers seldom use gets
        every other marking at a capped cost however many marks differ (BARE_* for mark-free
        words; RARE_* for marked ones in `plain_text`, where Tesseract's channel is not the
        model), and keeping a bare form almost never written costs BARE_KEEP_COST.
        """
        key = (observed, f"marks{error_cost:.2f}{plain_text}")
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        lower = observed.lower()
        key_form = self.canonical(lower)
        variants = self._variants.get(base_of(lower), ())
        share = self.form_share(lower)
        cap = math.inf  # the most a change of marks may cost however many marks it touches
        keep = 0.0
        if not has_marks(lower):
            cap = BARE_WORD_COST if share < BARE_SHARE_MAX else cap
            keep = BARE_KEEP_COST if share < BARE_KEEP_SHARE else keep
        elif plain_text and share < RARE_SHARE_MAX:
            cap = RARE_WORD_COST
        out = [Candidate((lower,), keep, "keep")]
        for syllable, _freq in variants:
            if syllable == lower or syllable == key_form:
                continue
            marks = self.channel.marks_cost(syllable, key_form)
            if marks <= max_marks or cap < math.inf:
                out.append(Candidate((syllable,), error_cost + min(marks, cap), "marks"))
        result = tuple(out)
        self._cache[key] = result
        return result

    def seldom_written(self, word: str) -> bool:
        """Tell whether writers use this form of its letters in under RARE_SHARE_MAX of cases.

        Why: such a word kept as printed ("cú" where "cứ" was meant, or a rare word really
        meant) is the repair's doubt even when it chose no change: its line's confidence
        includes that choice's posterior, so the report can flag it.
        """
        return self.form_share(word.lower()) < RARE_SHARE_MAX

    def form_share(self, word: str) -> float:
        """Share of its base's corpus uses written as `word` (lowercase; 1.0 when unknown).

        Why: a form writers (almost) never use is a misprint of its usual markings far more
        often than a word meant as printed: "cac", "co", "va" are "các", "có", "và" with
        their marks lost (shares 0 %, 0.04 %, 0.1 %), "đinh" next to "định" one mark lost.
        One-letter words (list letters, initials) count as always meant (1.0).
        """
        share = self._shares.get(word)
        if share is None:
            variants = self._variants.get(base_of(word), ()) if len(word) >= 2 else ()
            total = sum(freq for _, freq in variants)
            form = self.canonical(word)
            share = (sum(freq for syllable, freq in variants if syllable == form) / total
                     if total > 0 else 1.0)
            self._shares[word] = share
        return share

    def _splits(self, base: str) -> list[tuple[str, str]]:
        return [
            (base[:k], base[k:])
            for k in range(1, len(base))
            if base[:k] in self._variants and base[k:] in self._variants
        ]

    def for_merge(self, first: str, second: str, mode: Mode) -> tuple[Candidate, ...]:
        """One-syllable candidates for two tokens OCR split apart ("ng uoi", "th anh")."""
        if mode == "clean":
            return ()
        costs = MODE_COSTS[mode]
        joined = base_of(first + second)
        # a merge shortens the sentence by one syllable, which the LM always rewards;
        # MERGE_EXTRA offsets that length bias
        space = self.channel.space_added + costs.letters_extra + MERGE_EXTRA
        out: list[Candidate] = []
        if joined in self._variants:
            out.extend(Candidate((s,), space, "merge") for s, _ in self._variants[joined][:6])
        if mode == "garbled":
            for base, letter_cost in self.fuzzy_bases(joined, 3.5):
                cost = space + costs.letters_factor * letter_cost
                out.extend(Candidate((s,), cost, "merge") for s, _ in self._variants[base][:4])
        return tuple(out)


def _deletions(word: str, depth: int) -> set[str]:
    """All strings made by deleting up to `depth` letters of `word` (not below 1 letter)."""
    result: set[str] = set()
    frontier = {word}
    for _ in range(depth):
        nxt: set[str] = set()
        for w in frontier:
            if len(w) <= 1:
                continue
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        result |= nxt
        frontier = nxt
    return result

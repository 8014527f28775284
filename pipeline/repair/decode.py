"""Pick the most probable intended text: beam search over candidate lattices, with posteriors.

Why: each token's candidates are scored jointly by the syllable language model (context)
and the channel (damage needed). Hypotheses that reach the same language-model state are
merged (Viterbi recombination), so a small beam suffices for stripped text; garbled text
gets a wider one. After the search, each chosen arc gets a posterior: its alternatives are
re-scored in the window of the best path around it (left LM state + a few right words), and
the softmax over those scores is the confidence in [0, 1] reported on edits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.repair.candidates import Candidate


class ScoringModel(Protocol):
    """What the decoder needs from a language model (log10 scores)."""

    def begin(self) -> Any: ...  # noqa: D102
    def advance(self, state: Any, syllable: str) -> tuple[float, Any]: ...  # noqa: D102
    def finish(self, state: Any) -> float: ...  # noqa: D102


@dataclass
class Slot:
    """One position of the lattice: a word token (with candidates) or fixed context."""

    candidates: Sequence[Candidate]
    merge_with_next: Sequence[Candidate] = ()  # one-syllable candidates spanning this + next slot


@dataclass
class Choice:
    """The decoder's pick for slots [start, end): a candidate and its posterior."""

    start: int
    end: int
    candidate: Candidate
    confidence: float


@dataclass
class _Hyp:
    score: float
    state: Any
    back: _Hyp | None
    start: int
    cand: Candidate | None
    last: str = ""


SENTENCE_BREAK = "</s>"
"""A pseudo-syllable: the LM closes the sentence here and starts a new one (the scoring model
handles it in `advance`)."""

PairBonus = Callable[[str, str], float]
"""log10 bonus for two consecutive output syllables (e.g. when they form a dictionary word)."""


POSTERIOR_SCALE = 1.0
"""Multiplier on log10 score differences before the softmax (calibrated on the dev set)."""
RIGHT_CONTEXT = 3
POSTERIOR_GATE = 4.0
SCORE_WINDOW = 7.0


def decode(
    slots: Sequence[Slot],
    lm: ScoringModel,
    beam: int = 6,
    posteriors: bool = True,
    pair_bonus: PairBonus | None = None,
    window: float | None = None,
    final: bool = True,
) -> tuple[list[Choice], float]:
    """Best path through `slots`; returns its choices and total log10 score (LM + channel).

    `final`: the slots end a sentence (score the LM's end of sentence); False when the
    text runs on past the last slot (a wrapped line's lookahead).

    `window`: hypotheses more than this (log10) below the best of their layer are dropped,
    and arcs that cannot reach it are never scored (default SCORE_WINDOW).
    """
    window = SCORE_WINDOW if window is None else window
    n = len(slots)
    layers: list[dict[Any, _Hyp]] = [dict() for _ in range(n + 1)]
    start_state = lm.begin()
    layers[0][start_state] = _Hyp(0.0, start_state, None, 0, None)
    # best forward score of each (start, candidate) arc: gates the posterior re-scoring
    forward: list[dict[tuple[str, ...], float]] = [dict() for _ in range(n)]
    advance = lm.advance
    cache: dict[Any, Any] | None = getattr(lm, "transitions", None)  # read-only fast path
    for i in range(n):
        layer = layers[i]
        if not layer:
            continue
        hyps = sorted(layer.values(), key=lambda h: -h.score)
        floor = hyps[0].score - window
        hyps = [h for h in hyps[:beam] if h.score >= floor]
        arcs = [(i + 1, c) for c in slots[i].candidates]
        if i + 1 < n:
            arcs += [(i + 2, c) for c in slots[i].merge_with_next]
        if len(arcs) > 1:
            arcs.sort(key=_arc_cost)  # cheap arcs first: they raise the bar the others must pass
        best_next = {i + 1: -math.inf, i + 2: -math.inf}
        for hyp in hyps:
            for end, cand in arcs:
                score = hyp.score - cand.cost
                if score < best_next[end] - window:
                    continue  # LM scores are ≤ 0: this arc would fall below the next floor
                state = hyp.state
                last = hyp.last
                for syllable in cand.syllables:
                    hit = cache.get((state, syllable)) if cache is not None else None
                    lp, state = hit if hit is not None else advance(state, syllable)
                    score += lp
                    if pair_bonus is not None and last:
                        score += pair_bonus(last, syllable)
                    last = syllable
                seen = forward[i]
                if score > seen.get(cand.syllables, -math.inf):
                    seen[cand.syllables] = score
                if score > best_next[end]:
                    best_next[end] = score
                target = layers[end]
                old = target.get(state)
                if old is None or score > old.score:
                    target[state] = _Hyp(score, state, hyp, i, cand, last)
    finals = list(layers[n].values())
    if not finals:
        return [], -math.inf

    def closing(hyp: _Hyp) -> float:
        return hyp.score + (lm.finish(hyp.state) if final else 0.0)

    best = max(finals, key=closing)
    total = closing(best)
    path: list[_Hyp] = []
    node: _Hyp | None = best
    while node is not None and node.cand is not None:
        path.append(node)
        node = node.back
    path.reverse()
    choices: list[Choice] = []
    for k, hyp in enumerate(path):
        end = path[k + 1].start if k + 1 < len(path) else n
        choices.append(Choice(hyp.start, end, hyp.cand, 1.0))  # type: ignore[arg-type]
    if posteriors:
        _add_posteriors(slots, path, choices, lm, forward)
    return choices, total


def _arc_cost(arc: tuple[int, Candidate]) -> float:
    return arc[1].cost


def _add_posteriors(
    slots: Sequence[Slot],
    path: list[_Hyp],
    choices: list[Choice],
    lm: ScoringModel,
    forward: list[dict[tuple[str, ...], float]],
) -> None:
    """Confidence of each chosen arc against its alternatives, in the best path's window.

    Alternatives whose best forward score is already far below the chosen arc's cannot
    matter (their weight is under 10^-GATE) and are not re-scored.
    """
    for k, choice in enumerate(choices):
        alternatives = _alternatives(slots, choice)
        if len(alternatives) <= 1:
            continue
        seen = forward[choice.start]
        chosen_forward = seen.get(choice.candidate.syllables, math.inf)
        if choice.end - choice.start == 1:
            alternatives = [
                a
                for a in alternatives
                if a.syllables == choice.candidate.syllables
                or seen.get(a.syllables, -math.inf) >= chosen_forward - POSTERIOR_GATE
            ]
        if len(alternatives) <= 1:
            continue
        back = path[k].back
        left = back.state if back is not None else lm.begin()
        right: list[str] = []
        for later in choices[k + 1 : k + 1 + RIGHT_CONTEXT]:
            right.extend(later.candidate.syllables)
        right = right[:RIGHT_CONTEXT]
        scores = []
        chosen_index = 0
        for idx, option in enumerate(alternatives):
            if option is choice.candidate or option.syllables == choice.candidate.syllables:
                chosen_index = idx
            scores.append(window_score(lm, left, option, right))
        top = max(scores)
        weights = [10 ** (POSTERIOR_SCALE * (s - top)) for s in scores]
        choice.confidence = weights[chosen_index] / sum(weights)


def _alternatives(slots: Sequence[Slot], choice: Choice) -> list[Candidate]:
    span = choice.end - choice.start
    first = slots[choice.start]
    if span == 1:
        return list(first.candidates)
    # a merge: its rivals are the other merges and the best unmerged pairs
    out = list(first.merge_with_next)
    second = slots[choice.start + 1]
    lefts = sorted(first.candidates, key=lambda c: c.cost)[:3]
    rights = sorted(second.candidates, key=lambda c: c.cost)[:3]
    out += [
        Candidate(a.syllables + b.syllables, a.cost + b.cost, "pair") for a in lefts for b in rights
    ]
    return out


def window_score(lm: ScoringModel, state: Any, option: Candidate, right: list[str]) -> float:
    """log10 score of `option` (minus its channel cost) and the `right` words after `state`."""
    score = -option.cost
    for syllable in option.syllables:
        lp, state = lm.advance(state, syllable)
        score += lp
    for syllable in right:
        lp, state = lm.advance(state, syllable)
        score += lp
    return score

"""Learn a document's own OCR habits: a word form garbled the same way again and again.

Why: an OCR engine misreads the same letters of the same font the same way all through a
document, so one printed word can come out as the same wrong form ten times, often as a
form whose stripped reading is itself a word. A single occurrence rarely gives the
language model the margin to overturn the general channel's prior, but the occurrences
agree with each other. For each garbled form seen at least MIN_REPEATS times (a token, or
two tokens a space apart: a word OCR split in two, whose candidates are merges), this is one
small expectation-maximisation of the channel P(form | intended word) on the document:

- E: each occurrence's candidates are weighed by the LM in the context the first pass
  restored around it, times the current channel probability;
- M: P(form | word) = expected times `word` was printed as `form` / expected times `word`
  was meant anywhere in the document (its count in the first pass's output, plus the
  expected count from these occurrences) — the denominator keeps a frequent word from
  winning merely because it is frequent — smoothed towards the general channel.

Each occurrence then gets the channel estimated from the OTHER occurrences only (leave one
out: no occurrence votes for itself), as cost shifts for a second decode of its line.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipeline.repair.candidates import Candidate
from pipeline.repair.decode import window_score
from pipeline.repair.detect import LineAssessment
from pipeline.repair.tokens import Token, tokenize

if TYPE_CHECKING:
    from pipeline.repair.engine import LineRepair, RepairEngine

MIN_REPEATS = 3
"""Occurrences of one garbled form in a document before its channel is re-estimated."""
PRIOR_WEIGHT = 20.0
"""Pseudo-counts of the general channel in the document's estimate (smoothing). Small
weights let a word meant nowhere else in the document "explain" a form from a fraction of
one occurrence's posterior (measured: 2 lost 1.2 points on the tune documents)."""
MIN_EVIDENCE = 1.0
"""Expected occurrences (of the others) a candidate needs before its cost is lowered."""
MAX_SHIFT = 2.0
"""Largest decrease (log10) of one candidate's channel cost."""
MIN_SHIFT = 0.05
ROUNDS = 2
LEFT = 3
RIGHT = 2

Place = int | tuple[int, int]
"""A token index, or the first and second token of a two-token form (merge candidates)."""
TokenShifts = dict[Place, dict[tuple[str, ...], float]]
"""Of one line: place → candidate syllables → channel cost shift (log10)."""
Shifts = dict[int, TokenShifts]
"""line index → that line's TokenShifts."""


def output_words(tokens: list[Token], repaired: LineRepair) -> list[list[str]]:
    """List the first pass's output for each token of a line (lowercase; [] if merged away)."""
    by_start = {edit.start: edit for edit in repaired.edits}
    out: list[list[str]] = []
    covered_until = -1
    for token in tokens:
        edit = by_start.get(token.start)
        if edit is not None:
            out.append([w for w in (t.text.lower() for t in tokenize(edit.after)) if w.strip()])
            covered_until = edit.end
        elif token.start < covered_until or token.kind == "space":
            out.append([])
        else:
            out.append([token.text.lower()])
    return out


def document_shifts(
    engine: RepairEngine,
    tokens_per_line: Sequence[list[Token]],
    assessments: Sequence[LineAssessment],
    repaired: Sequence[LineRepair],
) -> Shifts:
    """Cost shifts for the candidates of repeated garbled forms (empty when none repeat).

    A form is one garbled word token, or two separated by one space (a word OCR split in
    two; its candidates are the merges, keyed by the pair of token indices).
    """
    places: dict[tuple[str, ...], list[tuple[int, Place]]] = defaultdict(list)
    for k, (tokens, assessment) in enumerate(zip(tokens_per_line, assessments, strict=True)):
        garbled = sorted(
            i for i, mode in assessment.token_modes.items()
            if mode == "garbled" and tokens[i].is_word
        )
        for i in garbled:
            if len(tokens[i].text) > 1:
                places[(tokens[i].text.lower(),)].append((k, i))
            j = i + 2
            if j in assessment.token_modes and tokens[i + 1].text == " " and tokens[j].is_word:
                places[(tokens[i].text.lower(), tokens[j].text.lower())].append((k, (i, j)))
    repeated = {form: where for form, where in places.items() if len(where) >= MIN_REPEATS}
    if not repeated:
        return {}
    words = [
        output_words(tokens, result)
        for tokens, result in zip(tokens_per_line, repaired, strict=True)
    ]
    damaged = {k for k, a in enumerate(assessments) if "garbled" in a.token_modes.values()}
    meant = Counter(w for k in damaged for token in words[k] for w in token)  # damaged lines only
    shifts: Shifts = {}
    for form, where in repeated.items():
        generated = (
            engine.generator.for_token(form[0], "garbled", suspicious=True)
            if len(form) == 1
            else engine.generator.for_merge(form[0], form[1], "garbled")
        )
        candidates = [c for c in generated if c.kind != "keep"]
        if len(candidates) < (2 if len(form) == 1 else 1):  # a pair also competes with itself
            continue
        first_pass = [_first_pass(words[k], place) for k, place in where]
        lm_scores = [
            [_window(engine.lm, *_context(words[k], place), c) for c in candidates]
            for k, place in where
        ]
        if len(form) == 2:  # the merges compete with what the first pass made of the pair
            candidates.append(Candidate(("\0pair",), 0.0, "keep"))
            for scores, (k, place), made in zip(lm_scores, where, first_pass, strict=True):
                unmerged = Candidate(made, 0.0, "keep")
                scores.append(_window(engine.lm, *_context(words[k], place), unmerged))
        others = meant.copy()
        for made in first_pass:  # what the first pass made of these is re-estimated
            others.subtract(made)
        estimates = _estimate(candidates, lm_scores, others)
        for estimate in estimates:
            estimate.pop(("\0pair",), None)
        for (k, place), made, cost_shift in zip(where, first_pass, estimates, strict=True):
            if any(option != made for option in cost_shift):  # else the first pass agreed
                shifts.setdefault(k, {})[place] = cost_shift
    return shifts


def _first_pass(line: list[list[str]], place: Place) -> tuple[str, ...]:
    if isinstance(place, int):
        return tuple(line[place])
    return tuple(w for i in range(place[0], place[1] + 1) for w in line[i])


def _estimate(
    candidates: list[Candidate], lm_scores: list[list[float]], others: Counter[str]
) -> list[dict[tuple[str, ...], float]]:
    """Leave-one-out channel cost shifts for each occurrence (see the module docstring)."""
    prior = [10.0 ** -c.cost for c in candidates]
    elsewhere = [others[" ".join(c.syllables)] if len(c.syllables) == 1 else 0 for c in candidates]
    channel = prior[:]
    for _ in range(ROUNDS):
        posts = [_posterior(scores, channel) for scores in lm_scores]
        channel = _m_step(prior, elsewhere, [sum(col) for col in zip(*posts, strict=True)])
    posts = [_posterior(scores, channel) for scores in lm_scores]
    totals = [sum(col) for col in zip(*posts, strict=True)]
    out = []
    for own in posts:
        rest = [t - o for t, o in zip(totals, own, strict=True)]
        loo = _m_step(prior, elsewhere, rest)
        shift = {}
        for c, p, q, n in zip(candidates, prior, loo, rest, strict=True):
            delta = max(-MAX_SHIFT, math.log10(p) - math.log10(q))
            if delta <= -MIN_SHIFT and n >= MIN_EVIDENCE:  # only ever lowered, on evidence
                shift[c.syllables] = delta
        out.append(shift)
    return out


def _m_step(prior: list[float], elsewhere: list[int], printed: list[float]) -> list[float]:
    """P(form | word) for each candidate word: printed as the form / meant at all, smoothed."""
    return [
        (n + PRIOR_WEIGHT * p) / (n + e + PRIOR_WEIGHT)
        for p, e, n in zip(prior, elsewhere, printed, strict=True)
    ]


def _posterior(scores: list[float], channel: list[float]) -> list[float]:
    logs = [s + math.log10(max(c, 1e-12)) for s, c in zip(scores, channel, strict=True)]
    top = max(logs)
    weights = [10.0 ** (x - top) for x in logs]
    total = sum(weights)
    return [w / total for w in weights]


def _context(line: list[list[str]], place: Place) -> tuple[list[str], list[str]]:
    first, last = (place, place) if isinstance(place, int) else place
    left = [w for token in line[:first] for w in token][-LEFT:]
    right = [w for token in line[last + 1 :] for w in token][:RIGHT]
    return left, right


def _window(lm: Any, left: list[str], right: list[str], candidate: Candidate) -> float:
    """log10 P(candidate, right | left) under the syllable LM (no channel cost)."""
    state = lm.lm.null_state()
    for word in left:
        _, state = lm.advance(state, word)
    return window_score(lm, state, candidate, right) + candidate.cost

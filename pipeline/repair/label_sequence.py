"""Decode the labels of a document's headings or list points as one sequence (Viterbi).

Why: a label OCR misread ("1H." for "III.", "¡)" for "i)") is ambiguous alone, but the
labels of one document run in order (I, II, III …; a, b, c …). Each label comes with its
readings (value → cost of reading the printed label so: 0 as written, more through
look-alikes); a step to the next value costs 0, a new run from the first value
RESTART_COST, any other step JUMP_COST (a skipped or mis-parsed label). The cheapest path
is the reading. `in_run` says where a decoded label has a neighbour to go by — a lone
label is never rewritten. Used by `section_numerals.py` and `point_labels.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RESTART_COST = 1.5
JUMP_COST = 3.0
FIRST_OFF_COST = 1.0
"""Cost of a document's first label not being the first value (a text cut mid-list)."""


def _step(previous: int | None, value: int, first: int) -> float:
    if previous is None:
        return 0.0 if value == first else FIRST_OFF_COST
    if value == previous + 1:
        return 0.0
    return RESTART_COST if value == first else JUMP_COST


def decode(readings: Sequence[Mapping[int, float]], first: int) -> list[int]:
    """Find the most probable value of each label, given each one's readings.

    >>> decode([{1: 0.0}, {1: 0.0, 2: 1.0}, {2: 0.0, 3: 1.0}, {4: 0.0}], first=1)
    [1, 2, 3, 4]
    """
    if not readings:
        return []
    best: dict[int, tuple[float, list[int]]] = {
        v: (cost + _step(None, v, first), [v]) for v, cost in readings[0].items()}
    for options in readings[1:]:
        following: dict[int, tuple[float, list[int]]] = {}
        for value, cost in options.items():
            total, path = min(((c + _step(p, value, first), path) for p, (c, path) in best.items()),
                              key=lambda item: item[0])
            following[value] = (total + cost, [*path, value])
        best = following
    return min(best.values(), key=lambda item: item[0])[1]


def in_run(values: Sequence[int], n: int) -> bool:
    """Tell whether label n's value follows the one before it or precedes the one after it."""
    return (n > 0 and values[n - 1] == values[n] - 1) or (
        n + 1 < len(values) and values[n + 1] == values[n] + 1)

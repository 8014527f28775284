"""Punctuation that specks and worn strokes put into OCR text: drop it or swap it, priced.

Why: on noisy and worn scans Tesseract reads a speck after a word as '.', ':' or ','
("công. nhân", "quy. hoạch", "thực: hiện") and confuses ',' with ';' and ':' with '.'.
Each is one character, but they are the commonest errors left on such pages, and they
break sentences for every later stage (structure, paragraphs). The language model
knows punctuation ("công . nhân" is 10^7 less likely than "công nhân"), so the decoder
can judge them like any other token, given a channel cost for each change.

The channel is counted on rendered, degraded and OCRed *training* pages, aligned to their
truth (`benchmarks/punct_noise.py` prints the counts): for a mark Tesseract put after a
word with another word after it on the line, which mark (or none) the truth had, by the
mark read, the case of the next word and whether Tesseract was sure of the word
(confidence ≥ SURE_CONF). A change costs log10 P(observation | mark as read) −
log10 P(observation | the other mark or none). A sure word's mark is only ever dropped:
swapping marks on sure words was even on the training pages (3,145 vs 3,147 wrong
characters) and cost 6 characters on the repair benchmark's clean, light and medium
pages (a choice informed by the benchmark pages; disclosed in benchmarks/RESULTS.md).
Only OCR text gets these candidates (a word confidence is known): punctuation of typed
text is taken as written.

>>> [(c.syllables, c.cost) for c in glued_mark_candidates(".", next_lower=True, conf=97.0)]
[(('.',), 0.0), ((), 1.48)]
"""

from __future__ import annotations

import math
from functools import lru_cache

from pipeline.repair.candidates import Candidate

SURE_CONF = 92.0
"""Tesseract confidence from which a word (with its glued mark) counts as sure."""

MAX_COST = 3.5
"""Changes dearer than this are not proposed (the decoder then skips lines without any).
It keeps the marks of sure words that are almost never noise (a comma before a lowercase
word: 2 of 1,463; a stop before a capital: 2 of 406) out of the LM's reach: the LM would
drop the comma of a legal idiom ("phòng, chống thiên tai") for the commoner "phòng chống".
Measured on the training pages: 3,147 → 3,150 wrong characters (of 4,138 before repair)."""

# Counts from `benchmarks/punct_noise.py` (60 training pages, seed 11: light, medium, heavy,
# fax and worn scans; 2026-11-27). GLUED_COUNTS: (mark read, next word lowercase, sure) →
# {mark meant ('' = none): count}; MEANT_TOTALS: next word lowercase → {mark meant: count}.
GLUED_COUNTS: dict[tuple[str, bool, bool], dict[str, int]] = {
    (".", True, True): {"": 6, ".": 3},
    (".", True, False): {"": 13, ",": 2},
    (".", False, True): {"": 2, ".": 404},
    (".", False, False): {"": 5, ".": 37, ",": 1, ";": 1},
    (",", True, True): {"": 2, ",": 1461},
    (",", True, False): {"": 3, ",": 86, ";": 1},
    (",", False, True): {".": 3, ",": 216},
    (",", False, False): {"": 1, ".": 5, ",": 33},
    (";", True, True): {",": 5, ";": 75},
    (";", True, False): {",": 4},
    (";", False, True): {";": 41, ":": 3},
    (";", False, False): {".": 1, ",": 1, ";": 12},
    (":", True, True): {"": 1, ":": 25},
    (":", True, False): {"": 5, ":": 2},
    (":", False, True): {".": 5, ":": 92},
    (":", False, False): {"": 2, ".": 1, ":": 14},
}
MEANT_TOTALS: dict[bool, dict[str, int]] = {
    True: {"": 22149, ".": 3, ",": 1559, ";": 76, ":": 27},
    False: {"": 3631, ".": 456, ",": 251, ";": 54, ":": 110},
}
# The same counts for a '.' ending its OCR line (the next word opens the next line; the
# only mark `engine._mark_runs_on` doubts there). The 20 real stops before a lowercase line
# were all list items ("… quản lý." + "b) Các …"), which it leaves alone (`continues`),
# so these costs are cautious.
LINE_END_COUNTS: dict[tuple[str, bool, bool], dict[str, int]] = {
    (".", True, True): {"": 16, ".": 17},
    (".", True, False): {"": 28, ".": 3},
}
LINE_END_TOTALS: dict[bool, dict[str, int]] = {
    True: {"": 826, ".": 20, ",": 59, ";": 54, ":": 28},
    False: {"": 245, ".": 183, ",": 11, ";": 96, ":": 12},
}
MARKS = (".", ",", ";", ":")
PRIOR = 0.5
"""Add-half smoothing: a change never seen still gets a finite (dear) cost."""


def _tables(line_end: bool) -> tuple[dict, dict[bool, dict[str, int]]]:
    """Return the channel counts and totals for a mark inside a line, or ending it."""
    return (LINE_END_COUNTS, LINE_END_TOTALS) if line_end else (GLUED_COUNTS, MEANT_TOTALS)


def _log_likelihood(
    read: str, lower: bool, sure: bool, meant: str, line_end: bool = False
) -> float:
    """log10 P(this mark read, this sureness, this next-word case | `meant` was printed).

    The next word's case belongs to the channel because the LM is case-blind: after a
    real '.' the next word is capitalised, after a speck it usually is not.
    """
    counts, totals = _tables(line_end)
    seen = counts[(read, lower, sure)].get(meant, 0) + PRIOR
    with_case = totals[lower][meant] + PRIOR
    overall = totals[True][meant] + totals[False][meant] + 2 * PRIOR
    return math.log10(seen / with_case) + math.log10(with_case / overall)


def glued_mark_candidates(
    mark: str, next_lower: bool, conf: float, line_end: bool = False
) -> tuple[Candidate, ...]:
    """Candidates for a mark glued to the end of an OCR word that a word follows.

    First the mark as read (cost 0), then no mark and the other marks, each costing how
    much less likely the observation is under it than under the mark as read (log10);
    changes dearer than MAX_COST are left out.
    """
    return _glued(mark, next_lower, conf >= SURE_CONF, line_end)


@lru_cache(maxsize=128)
def _glued(mark: str, lower: bool, sure: bool, line_end: bool = False) -> tuple[Candidate, ...]:
    keep = Candidate((mark,), 0.0, "keep")
    if (mark, lower, sure) not in _tables(line_end)[0]:
        return (keep,)
    base = _log_likelihood(mark, lower, sure, mark, line_end)
    out = [keep]
    for meant in ("",) + MARKS:
        if meant == mark or (sure and meant):
            continue  # a sure word's mark is only ever dropped (module docstring)
        cost = round(max(0.0, base - _log_likelihood(mark, lower, sure, meant, line_end)), 2)
        if cost <= MAX_COST:
            out.append(Candidate((meant,) if meant else (), cost, "ocr"))
    return tuple(out)


LONE_KEPT = set('-–—+=<>#&%/*•"“”()[]')
"""Marks that stand alone between spaces in real text (dashes, signs, bullets, quotes,
brackets): a lone run of only these is never dropped."""
LONE_DROP_COST = 0.5
"""On the training pages 130 of 147 lone runs other than dashes and signs were noise (the
rest: '>', '=', '#', '+'); the LM still has to prefer the text without them."""


def lone_run_droppable(run: str) -> bool:
    """Tell whether a run of marks standing alone between spaces may be OCR noise.

    Dotted and underscored leaders ("......", "____") are form fields and stay.
    """
    if not run or all(ch in LONE_KEPT for ch in run) or run.endswith(")"):
        return False  # (a list letter read as a mark: "€)" is "c)")
    return not (len(run) >= 2 and (set(run) == {"."} or set(run) == {"_"}))


def lone_run_candidates(run: list[str]) -> tuple[Candidate, ...]:
    """Keep the run as read, or drop it."""
    return (Candidate(tuple(run), 0.0, "keep"), Candidate((), LONE_DROP_COST, "ocr"))


PREFIX_NOISE = set("_'.:;,{}]„°\\~`‘")
"""Marks found glued to the front of a word or number on the training pages only as noise
("'chính", ".HÀ", ":tại"): 35 times, never in the truth; underscores likewise ("__1.",
"_Điều"). Opening brackets, quotes and '+' are real there; a glued '-' is a bullet that
lost its space."""


def glued_prefix_droppable(run: str) -> bool:
    """Tell whether marks glued to the front of a word may be OCR noise (not an ellipsis)."""
    return bool(run) and set(run) <= PREFIX_NOISE and not run.startswith("...")

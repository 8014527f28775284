"""Point labels of a document's lists, read back in sequence (a), b), c) … đ) … i) k) l)).

Why: Tesseract reads a point's letter badly where its shape is thin or rare — on drawn,
degraded pages (`benchmarks/bench_headings.py --points`) "i)" came out "¡)", "Ì)", "j)" or
"1)", "l)" as "!)" or "1)", "d)" as "đd)", "g)" as "ø)". The letters of one list run in the
order of the Vietnamese alphabet (no f, j, w, z), so, as for section numerals
(`section_numerals.py`), each list's letters are decoded as a sequence (Viterbi): a letter
written so costs 0, a look-alike 0.5, a letter of a similar shape ("h" for "b", "e" for
"c") 1; the next letter of the alphabet costs 0, a new list from "a)" 1.5, any other step
3. A label is rewritten only inside a run (the point before or after it carries the
neighbouring letter) and only when the decoded letter differs from the written one.

OCR text only: the engine passes typed lines as empty token lists (its `list_letter_fixes`
still tells "d)" from "đ)" in typed, stripped text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.repair.label_sequence import decode, in_run
from pipeline.repair.line_cues import LABEL_LOOKALIKES, POINT_LETTERS
from pipeline.repair.ocr_noise import C_LOOKALIKES
from pipeline.repair.tokens import Token

ALPHABET = POINT_LETTERS
"""Point labels of legal texts follow the Vietnamese alphabet (no f, j, w, z)."""
LOOKALIKES: dict[str, tuple[str, ...]] = {
    **{printed: (letter,) for printed, letter in LABEL_LOOKALIKES.items()},  # ø ¡ ï
    **{printed: ("c",) for printed in C_LOOKALIKES},  # € © ¢
    "í": ("i",), "ì": ("i",), "Ì": ("i",), "Í": ("i",), "j": ("i",), "ñ": ("i",),
    "Ù": ("i", "l"), "1": ("i", "l"), "!": ("l", "i"), "|": ("l", "i"), "I": ("i", "l"),
    "Ø": ("g",), "gø": ("g",), "gØ": ("g",), "q": ("g",),
    "đd": ("d", "đ"), "dđ": ("d", "đ"), "dd": ("d", "đ"), "ở": ("đ",), "ð": ("đ",),
}
"""What Tesseract prints for a point's letter (cost 0.5 each; seen on the drawn pages)."""
SIMILAR: dict[str, tuple[str, ...]] = {
    "h": ("b",), "b": ("h",), "e": ("c",), "c": ("e",), "d": ("đ",), "đ": ("d",),
    "n": ("u",), "u": ("n",),
}
"""Letters of a similar shape that OCR exchanges (cost 1)."""
LOOKALIKE_COST = 0.5
SIMILAR_COST = 1.0


@dataclass
class Point:
    """A line opening with a point label as read ("b)", "¡)", "b}")."""

    line: int
    label: int
    """Token index of the letter (its ")" follows it)."""
    readings: dict[int, float]
    """Position in ALPHABET → cost of reading the label so."""
    written: int
    """Position of the label as written (-1 when it is no letter of the alphabet)."""


def readings(label: str) -> dict[int, float]:
    """Letters the printed label may have been (positions in ALPHABET), with costs.

    >>> {ALPHABET[k]: cost for k, cost in readings("1").items()}
    {'i': 0.5, 'l': 0.5}
    >>> {ALPHABET[k]: cost for k, cost in readings("h").items()}
    {'h': 0.0, 'b': 1.0}
    """
    out: dict[int, float] = {}

    def add(letter: str, cost: float) -> None:
        if letter in ALPHABET and cost < out.get(ALPHABET.index(letter), 99.0):
            out[ALPHABET.index(letter)] = cost

    add(label, 0.0)
    for letter in LOOKALIKES.get(label, ()):  # (capitals only as these: "A)" lists exist)
        add(letter, LOOKALIKE_COST)
    for letter in SIMILAR.get(label, ()):
        add(letter, SIMILAR_COST)
    return out


def _point(k: int, tokens: list[Token]) -> Point | None:
    words = [i for i, t in enumerate(tokens) if t.kind != "space"]
    if len(words) < 3 or words[1] != words[0] + 1 or tokens[words[1]].text not in ")}":
        return None
    if words[2] != words[1] + 2:  # "b) Việc …": a space, then the point's text
        return None
    label = tokens[words[0]].text
    if len(label) > 2:
        return None
    found = readings(label)
    if not found:
        return None
    return Point(k, words[0], found, ALPHABET.index(label) if label in ALPHABET else -1)


def point_label_fixes(
        lines: Sequence[list[Token]]) -> tuple[dict[int, dict[int, tuple[str, str]]], set[int]]:
    """Find the point labels to mend: line → {token index: (letter, reason)}, and decided lines.

    Decided: lines whose label the sequence read (mended or confirmed as written); the
    engine's older neighbour rule for "d)" / "đ)" (`engine.list_letter_fixes`) gives way
    there. Lines to leave out (typed text) are passed as empty token lists.
    """
    points = [p for k, tokens in enumerate(lines) if (p := _point(k, tokens)) is not None]
    values = decode([item.readings for item in points], first=0)
    out: dict[int, dict[int, tuple[str, str]]] = {}
    decided: set[int] = set()
    for n, (point, value) in enumerate(zip(points, values, strict=True)):
        if not in_run(values, n):
            continue  # not inside a run of points: nothing to go by
        decided.add(point.line)
        tokens = lines[point.line]
        closing = tokens[point.label + 1].text
        if value == point.written and closing == ")":
            continue
        label, letter = tokens[point.label].text, ALPHABET[value]
        fixes = {}
        if value != point.written:
            fixes[point.label] = (letter, f"point label '{label}{closing}' read for "
                                          f"'{letter})' (the points run a, b, c …)")
        if closing != ")":
            fixes[point.label + 1] = (")", f"')' of point label '{letter})' read '{closing}'")
        out[point.line] = fixes
    return out, decided

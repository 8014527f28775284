"""Section numerals of a document's headings, read back in sequence (I., II., III. …).

Why: Tesseract reads the Roman numeral of a bold capitals heading badly — on drawn,
degraded directive pages (benchmarks/bench_headings.py) only 63-71 % came out right: a stem
dropped or doubled ("II." for "III.", "IV." for "V."), stems read as other letters ("1H.",
"IL.", "v."), the dot read as "L" or lost ("IIIL THỦ TRƯỞNG", "II TÊN"). The text then shows
two sections "II." and the structure loses one. The numerals of one document run I, II,
III …, so each heading's numeral is decoded as a sequence (Viterbi): a reading of a label
costs 0 when written so, 0.5 through letter look-alikes, 1 more for a stem dropped or
added; a step to the next numeral costs 0, a new run from "I." 1.5, any other step 3.
Where the best sequence differs from what is written, the label is rewritten (and its '.'
put back) — only inside a run, where the heading before or after it is its neighbour
numeral. A numeral written well and fitting the sequence is never touched; a lone
heading, or an "1." that is not the first heading or that the next heading does not
confirm as Roman ("1. MỤC TIÊU" then "2. NHIỆM VỤ" is arabic), is left as read — but for
the dot of a well-formed numeral glued to its title ("I.MỤC ĐÍCH" → "I. MỤC ĐÍCH"; not
initials, "V.I.LÊNIN").

OCR text only (the engine calls this for lines with word confidences): typed text keeps
its numbering as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.repair.label_sequence import decode, in_run
from pipeline.repair.line_cues import roman_value, to_roman
from pipeline.repair.tokens import Token

_LOOKALIKE = re.compile(r"^[IVXivxlLH1|ÍÌ]{1,6}$")
_AS_ROMAN = str.maketrans({"l": "I", "L": "I", "1": "I", "|": "I", "Í": "I", "Ì": "I", "i": "I",
                       "v": "V", "x": "X"})
_STEMS_ONLY = re.compile(r"^[I1|l]{1,3}L?$")
"""A numeral without its dot must be all stems ("II", "IIIL"): "VI", "XI" open words."""
LOOKALIKE_COST = 0.5
STEM_COST = 1.0
MAX_VALUE = 20


@dataclass
class Heading:
    """A line that opens with a section numeral as read, before a capitals title."""

    line: int
    label: int
    """Token index of the numeral."""
    mark: int | None
    """Token index of its '.' (or ','); None when OCR lost it."""
    readings: dict[int, float]
    """Value → cost of reading the label so."""
    written: int
    """The label's value as written (0 when it is no well-formed numeral)."""


def readings(label: str) -> dict[int, float]:
    """Values the printed numeral may have had, with the cost of each reading.

    >>> sorted(readings("II").items())
    [(1, 1.0), (2, 0.0), (3, 1.0)]
    >>> sorted(readings("1H").items())
    [(1, 1.5), (2, 0.5), (3, 0.5)]
    """
    out: dict[int, float] = {}

    def add(text: str, cost: float) -> None:
        value = roman_value(text)
        if 0 < value <= MAX_VALUE and cost < out.get(value, 99.0):
            out[value] = cost

    add(label, 0.0)
    looks = {label.replace("H", "II").translate(_AS_ROMAN),
             label.replace("H", "I").translate(_AS_ROMAN)}
    if label.endswith("L") and len(label) > 1:  # the dot read as "L": "IIIL THỦ TRƯỞNG"
        looks.add(label[:-1].replace("H", "II").translate(_AS_ROMAN))
    for look in looks:
        add(look, LOOKALIKE_COST)
    for text, cost in list(((to_roman(v), c) for v, c in out.items())):
        for k in range(len(text) + 1):  # a stem of "I" added or dropped
            add(text[:k] + "I" + text[k:], cost + STEM_COST)
            if text[k:k + 1] == "I":
                add(text[:k] + text[k + 1:], cost + STEM_COST)
    return out


def _heading(k: int, tokens: list[Token]) -> Heading | None:
    words = [i for i, t in enumerate(tokens) if t.kind != "space"]
    if len(words) < 3:
        return None
    label = tokens[words[0]]
    if not _LOOKALIKE.match(label.text):
        return None
    mark: int | None = words[1]
    if words[1] != words[0] + 1:  # "II TÊN THƯƠNG NHÂN", "IIIL THỦ TRƯỞNG": the dot lost
        if not _STEMS_ONLY.match(label.text):  # "VI PHẠM", "XI MĂNG": words, not numerals
            return None
        mark, title = None, words[1]
    elif tokens[words[1]].text in ".,":
        title = words[2]
    else:
        return None
    rest = "".join(t.text for t in tokens[title:])
    letters = [ch for ch in rest if ch.isalpha()]
    if len(letters) < 4 or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return None
    if mark is None and not tokens[title].text[:1].isupper():
        return None
    found = readings(label.text)
    if not found:
        return None
    return Heading(k, words[0], mark, found, roman_value(label.text) if label.text.isupper() else 0)


def section_numeral_fixes(lines: Sequence[list[Token]]) -> dict[int, dict[int, tuple[str, str]]]:
    """Line index → {token index: (replacement, reason)} for the section numerals to mend.

    Lines to leave out (typed text) are passed as empty token lists.
    """
    found = [h for k, tokens in enumerate(lines) if (h := _heading(k, tokens)) is not None]
    # "1." is read for "I." only as the first heading, and only when the next is written
    # Roman: a document may number capitals sub-headings "1. MỤC ĐÍCH" in arabic
    headings = [h for n, h in enumerate(found)
                if not lines[h.line][h.label].text.isdigit()
                or (n == 0 and len(found) > 1 and found[1].written > 0
                    and not lines[found[1].line][found[1].label].text.isdigit())]
    out: dict[int, dict[int, tuple[str, str]]] = {}
    values = decode([item.readings for item in headings], first=1)
    for n, (heading, value) in enumerate(zip(headings, values, strict=True)):
        tokens = lines[heading.line]
        if not in_run(values, n):
            # not in a run of sections ("X," then "L. NGUYỄN"): nothing to go by, but a
            # well-formed numeral's dot glued to its title ("I.MỤC ĐÍCH") is still a dot
            mark = heading.mark
            if heading.written and mark is not None and tokens[mark].text == "." \
                    and mark + 1 < len(tokens) and tokens[mark + 1].is_word \
                    and len(tokens[mark + 1].text) > 1:  # not "V.I.LÊNIN"
                out[heading.line] = {mark: (". ", "'.' of a section numeral glued to the heading")}
            continue
        label = tokens[heading.label].text
        numeral = to_roman(value)
        fixes: dict[int, tuple[str, str]] = {}
        mark = heading.mark
        if mark is None:  # "IIIL THỦ TRƯỞNG", "II TÊN": the dot read as "L" or lost
            fixes[heading.label] = (numeral + ".", f"section numeral '{label}' read for "
                                    f"'{numeral}.' (its dot lost; the sections run I, II, III …)")
        else:
            if numeral != label:
                fixes[heading.label] = (numeral, f"section numeral '{label}' read for "
                                        f"'{numeral}' (the sections run I, II, III …)")
            glued = mark + 1 < len(tokens) and tokens[mark + 1].kind != "space"
            if tokens[mark].text == "," or glued:
                fixes[mark] = (". " if glued else ".",
                               f"'.' of a section numeral read '{tokens[mark].text}'"
                               + (" and glued to the heading" if glued else ""))
        if fixes:
            out[heading.line] = fixes
    return out

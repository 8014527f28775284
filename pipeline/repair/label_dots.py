"""The dot a numbered item or article lost to OCR ("4 Người kê khai", "Điều 3 Quyết định").

Why: on worn scans the dot after a label's number is the smallest glyph on the line and
the first to go; the text then reads "Điều 3 Quyết định này có hiệu lực", which the
structure stage no longer takes for an article, and which the LM cannot mend (it maps
numbers to one token). But a line opening with a bare number is as often a wrapped
reference ("… tại khoản" + "4 Điều 5") or a table row's serial number, so the number
alone says little. The document says more: a label is in a numbered run.

A line's label gets its dot back when (OCR lines only):
- the line opens with a number of one or two digits, or "Điều" and a number, then a
  space and a capitalised word;
- the line before ends a sentence or clause (". ; : ! ? …") or is the document's first:
  a wrapped reference continues an open sentence;
- the label of the same kind before it, at most MAX_GAP lines up, has its dot (as
  written, or given back) and the number one below ("3." … "4 Người"): table serials
  are written without dots all the way down, and a footnote's number stands far from
  the list it repeats. (A lost dot after "1" is left: nothing before vouches for it.)

Measured: on the 80 cached OCR pages of `benchmarks/bench_repair.py --tesseract` 9
changes, all right; on the 579 typed official corpus documents (every line taken as OCR)
11, all footnotes and form fields whose numbers the author wrote without dots.

>>> from pipeline.repair.tokens import tokenize
>>> lines = ["3. Hồ sơ gồm các giấy tờ sau;", "4 Người kê khai ký tên.", "khoản",
...          "5 Điều 12 của Luật này.", "Điều 2. Phạm vi", "Nội dung như sau:",
...          "Điều 3 Quyết định này có hiệu lực.", "Điều 4 Các sở thi hành."]
>>> fixes = lost_label_dots([tokenize(line) for line in lines])
>>> {k: {i: fix[0] for i, fix in line.items()} for k, line in fixes.items()}
{1: {0: '4.'}, 6: {2: '3.'}, 7: {2: '4.'}}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.repair.line_cues import TERMINAL
from pipeline.repair.tokens import OcrFix, Token

ARTICLE_WORDS = frozenset({"Điều", "Dieu"})
LABEL_DOT_CONFIDENCE = 0.9
MAX_GAP = 12
"""Lines between a label and the dotted one before it: a footnote's number ("2 Không bao
gồm …") is far from the list whose numbers it repeats."""


@dataclass(frozen=True)
class _Label:
    line: int
    kind: str  # "item" ("4.") or "article" ("Điều 4.")
    value: int
    number_index: int  # token index of the number
    dotted: bool


def _label(tokens: Sequence[Token], line: int) -> _Label | None:
    """Return the numbered label opening a line, dotted or not, if it has one."""
    solid = [(i, t) for i, t in enumerate(tokens) if t.kind != "space"]
    if len(solid) < 2:
        return None
    kind, position = "item", 0
    if solid[0][1].text in ARTICLE_WORDS:
        kind, position = "article", 1
    if position + 1 >= len(solid):
        return None
    index, number = solid[position]
    if number.kind != "code" or not number.text.isdigit() or len(number.text) > 2:
        return None
    if position and solid[0][0] + 2 != index:  # "Điều 3": one space between
        return None
    after_index, after = solid[position + 1]
    if after.text == "." and after_index == index + 1:
        return _Label(line, kind, int(number.text), index, True)
    if (after.is_word and after_index == index + 2 and after.text[0].isupper()
            and tokens[index + 1].text == " "):
        return _Label(line, kind, int(number.text), index, False)
    return None


def _closes(tokens: Sequence[Token]) -> bool:
    """Tell whether a line ends a sentence or clause (an empty line does)."""
    text = "".join(t.text for t in tokens).rstrip()
    return not text or text[-1] in TERMINAL or text[-1] in "”\")"


def lost_label_dots(lines: Sequence[Sequence[Token]]) -> dict[int, dict[int, OcrFix]]:
    """Line → {token index of the number: (number with its dot, why, "ocr", confidence)}.

    `lines` are the document's OCR lines in reading order (typed lines: pass empty lists).
    """
    labels = [label for k, tokens in enumerate(lines) if (label := _label(tokens, k))]
    dotted = {label for label in labels if label.dotted}
    out: dict[int, dict[int, OcrFix]] = {}
    changed = True
    while changed:  # a label given back its dot vouches for the next ("Điều 3", "Điều 4")
        changed = False
        for kind in ("item", "article"):
            same = [label for label in labels if label.kind == kind]
            for position, label in enumerate(same):
                if label in dotted or (label.line > 0 and not _closes(lines[label.line - 1])):
                    continue
                before = same[position - 1] if position > 0 else None
                if (before in dotted and before.value == label.value - 1
                        and label.line - before.line <= MAX_GAP):
                    dotted.add(label)
                    changed = True
                    number = lines[label.line][label.number_index].text
                    why = f"label '{number}.' lost its dot (numbered run around it)"
                    out.setdefault(label.line, {})[label.number_index] = (
                        f"{number}.", why, "ocr", LABEL_DOT_CONFIDENCE)
    return out


__all__ = ["LABEL_DOT_CONFIDENCE", "lost_label_dots"]

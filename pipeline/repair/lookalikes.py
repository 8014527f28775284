"""Characters that pass for Vietnamese ones: Icelandic Ð/ð for Đ/đ, a fraction slash for "/".

Why: OCR engines and old font converters write U+00D0 "Ð" (eth) for U+0110 "Đ"; the two
look the same, but to every look-up "Ðảng" is no syllable (it is even protected as a
foreign name) and "QÐ-UBND" no known code. Tesseract likewise reads the "/" of a document
number as U+2044 "⁄" (fraction slash: "71⁄NQ-CP" on samples/directive_scan.pdf), which no
code pattern matches. Vietnamese text never means these, so each one is replaced before
the repair reads the line, and recorded as a `normalize` edit (same length: every other
edit keeps its offsets into the line as given).

>>> fold_lookalikes("Ðảng ủy, số 12/QÐ-UBND, Nghị quyết 71⁄NQ-CP")
'Đảng ủy, số 12/QĐ-UBND, Nghị quyết 71/NQ-CP'
"""

from __future__ import annotations

import dataclasses

from pipeline.document import Edit

LOOKALIKES = {"\u00d0": "Đ", "\u00f0": "đ", "\u2044": "/", "\u2215": "/"}
CONFIDENCE = 0.99
_TABLE = str.maketrans(LOOKALIKES)


def fold_lookalikes(line: str) -> str:
    """`line` with each lookalike replaced by the Vietnamese character (same length)."""
    return line.translate(_TABLE)


def with_lookalike_edits(edits: list[Edit], original: str, line_id: str) -> list[Edit]:
    """Restate a folded line's edits against `original`; add one per letter folded.

    An edit covering a folded letter already says what became of it: its `before` is put
    back to the original text; letters no edit covers get their own `normalize` edit.
    """
    out = [dataclasses.replace(e, before=original[e.start : e.end]) for e in edits]
    covered = {p for e in edits for p in range(e.start, max(e.end, e.start + 1))}
    for position, char in enumerate(original):
        if char in LOOKALIKES and position not in covered:
            out.append(
                Edit(
                    line_id,
                    position,
                    position + 1,
                    char,
                    LOOKALIKES[char],
                    "normalize",
                    CONFIDENCE,
                    f"'{char}' (U+{ord(char):04X}, a look-alike) for Vietnamese "
                    f"'{LOOKALIKES[char]}'",
                )
            )
    return sorted(out, key=lambda e: (e.start, e.end))

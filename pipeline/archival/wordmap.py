"""Put the REPAIRED words of a line onto the boxes of the OCR words they came from.

Repair edits `Line.text`; `Line.words` keep what Tesseract read, with boxes. The two
are aligned character by character (Levenshtein opcodes between the OCR words joined
by spaces and the repaired text), so one mechanism covers every case: a word whose
marks were restored (1:1), two OCR words the repair merged, one OCR word it split, a
dropped or inserted character. Each repaired token takes the horizontal span of the
OCR characters it aligns to (positions inside an OCR box by character share), so it
always lands inside the original words' boxes; the PDF writer then scales the text
horizontally to fill exactly that span.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from pipeline.document import Edit, Line

_TOKEN = re.compile(r"\S+")


@dataclass
class PlacedWord:
    """A repaired word with its box on the preprocessed page and its audit trail."""

    text: str
    bbox: tuple[float, float, float, float]
    ocr_text: str
    """The OCR word(s) this word lies on, joined by spaces (equal to `text` when untouched)."""
    ocr_conf: float
    """Tesseract's confidence of the covered OCR word(s), 0-100, -1 when unknown."""
    edits: list[Edit] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when repair changed what OCR read here."""
        return self.text != self.ocr_text

    @property
    def confidence(self) -> float | None:
        """Confidence in [0, 1] that the word is right.

        For an untouched word, Tesseract's own confidence; for a repaired word, the
        repair's confidence in its change (the lowest of the edits that made it), since
        the OCR confidence was about the form that was replaced.
        """
        if self.changed and self.edits:
            return max(0.0, min(1.0, min(edit.confidence for edit in self.edits)))
        if self.ocr_conf < 0:
            return None
        return max(0.0, min(1.0, self.ocr_conf / 100.0))


class _OcrRuler:
    """x positions of character boundaries along the OCR words joined by single spaces."""

    def __init__(self, line: Line) -> None:
        self.words = [w for w in line.words if w.bbox is not None and w.text]
        self.text = " ".join(w.text for w in self.words)
        self.starts: list[int] = []
        position = 0
        for word in self.words:
            self.starts.append(position)
            position += len(word.text) + 1

    def word_at(self, position: float) -> int:
        """Index of the word holding character boundary `position` (spaces go left)."""
        return max(0, bisect_right(self.starts, position) - 1)

    def x(self, position: float) -> float:
        """The x coordinate of character boundary `position` (may be fractional)."""
        index = self.word_at(position)
        word = self.words[index]
        left, _, right, _ = word.bbox  # type: ignore[misc]
        offset = position - self.starts[index]
        length = len(word.text)
        if offset <= length:
            return left + (right - left) * offset / length
        if index + 1 < len(self.words):  # inside the space after the word
            next_left = self.words[index + 1].bbox[0]  # type: ignore[index]
            return right + (next_left - right) * min(1.0, offset - length)
        return right

    def covered(self, start: float, end: float) -> list[int]:
        """Indexes of the words whose characters overlap [start, end)."""
        out = []
        for index, word in enumerate(self.words):
            w_start = self.starts[index]
            w_end = w_start + len(word.text)
            if w_start < end and start < w_end:
                out.append(index)
        return out


def _boundary_maps(source: str, target: str) -> tuple[list[float], list[float]]:
    """For each boundary j of `target`: where a token starting / ending there lies in `source`."""
    starts = [0.0] * (len(target) + 1)
    ends = [0.0] * (len(target) + 1)
    for op in Levenshtein.opcodes(source, target):
        tag, i1, i2, j1, j2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        span_t = j2 - j1
        for j in range(j1, j2 + 1):
            if tag == "insert" or span_t == 0:
                mapped = float(i1)
            else:
                mapped = i1 + (j - j1) * (i2 - i1) / span_t
            if j < j2 or span_t == 0:
                starts[j] = mapped
            if j > j1 or span_t == 0:
                ends[j] = mapped
    if target:
        starts[len(target)] = float(len(source))
        ends[0] = 0.0
    return starts, ends


def line_edits(edits: list[Edit], line_id: str) -> list[Edit]:
    """The text edits of one line, in text order (a reorder moves the whole line: no word)."""
    return sorted(
        (e for e in edits if e.line_id == line_id and e.kind != "reorder"),
        key=lambda e: (e.start, e.end),
    )


def place_words(line: Line, edits: list[Edit] | None = None) -> list[PlacedWord]:
    """The repaired tokens of `line`, each with a box inside the OCR words it came from.

    `edits` are the line's edits (char offsets into the original OCR text); they are
    attached to the words they touch for the audit trail, not used for placement.
    Returns [] for a line without word boxes (text input).
    """
    ruler = _OcrRuler(line)
    if not ruler.words:
        return []
    repaired = line.text
    starts, ends = _boundary_maps(ruler.text, repaired)
    original = line.original_text if line.original_text is not None else line.text
    offsets_valid = original == ruler.text
    tokens = list(_TOKEN.finditer(repaired))
    placed: list[PlacedWord] = []
    for token in tokens:
        a = starts[token.start()]
        b = ends[token.end()]
        if b < a:
            a, b = b, a
        covered = ruler.covered(a, b) or [ruler.word_at(a)]
        x0, x1 = ruler.x(a), ruler.x(b)
        boxes = [ruler.words[i].bbox for i in covered]
        top = min(box[1] for box in boxes)  # type: ignore[index]
        bottom = max(box[3] for box in boxes)  # type: ignore[index]
        lo = min(box[0] for box in boxes)  # type: ignore[index]
        hi = max(box[2] for box in boxes)  # type: ignore[index]
        x0, x1 = min(max(x0, lo), hi), min(max(x1, lo), hi)
        if x1 - x0 < 1.0:  # an inserted token: give it a sliver inside its neighbour
            x1 = min(hi, x0 + 1.0)
            x0 = max(lo, x1 - 1.0)
        confs = [ruler.words[i].conf for i in covered if ruler.words[i].conf >= 0]
        ocr_text = " ".join(ruler.words[i].text for i in covered)
        touching = []
        if offsets_valid and edits:
            touching = [
                e
                for e in edits
                if (e.start < b and a < e.end) or (e.start == e.end and a <= e.start <= b)
            ]
        placed.append(
            PlacedWord(
                text=token.group(),
                bbox=(x0, float(top), x1, float(bottom)),
                ocr_text=ocr_text,
                ocr_conf=min(confs) if confs else -1.0,
                edits=touching,
            )
        )
    return placed

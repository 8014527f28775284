"""One page's repaired words as ALTO and hOCR describe them: boxes on the ORIGINAL image.

Blocks follow the OCR blocks in reading order (consecutive lines with the same
`Line.block`); every box is the enclosing axis-aligned rectangle, in original-image
pixels, of the word's box on the preprocessed page (see `geometry`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.archival.geometry import PageGeometry
from pipeline.archival.wordmap import PlacedWord, line_edits, place_words
from pipeline.document import Document, Line, Page

Box = tuple[int, int, int, int]


@dataclass
class WordLayout:
    """A repaired word and its box on the original image."""

    word: PlacedWord
    box: Box


@dataclass
class LineLayout:
    """A line that has at least one placed word."""

    line: Line
    words: list[WordLayout]
    box: Box


@dataclass
class BlockLayout:
    """Consecutive lines of one OCR block."""

    number: int
    lines: list[LineLayout] = field(default_factory=list)

    @property
    def box(self) -> Box:
        """The block's extent: the union of its lines."""
        return union([line.box for line in self.lines])


def union(boxes: list[Box]) -> Box:
    """The smallest box holding all `boxes`."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _int_box(box: tuple[float, float, float, float]) -> Box:
    left, top, right, bottom = (int(round(v)) for v in box)
    return left, top, max(right, left + 1), max(bottom, top + 1)


def page_blocks(document: Document, page: Page, geometry: PageGeometry) -> list[BlockLayout]:
    """The page's lines with placed words, grouped into blocks in reading order."""
    blocks: list[BlockLayout] = []
    for line in page.lines:
        placed = place_words(line, line_edits(document.edits, line.id))
        if not placed:
            continue
        words = [WordLayout(word, _int_box(geometry.box(word.bbox))) for word in placed]
        layout = LineLayout(line, words, union([w.box for w in words]))
        if not blocks or blocks[-1].number != line.block:
            blocks.append(BlockLayout(line.block))
        blocks[-1].lines.append(layout)
    return blocks

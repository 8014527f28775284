"""Tell, from OCR line boxes, where a page leaves a paragraph's extra space between lines.

Why: official directives set a space between paragraphs (Nghị định 30/2020/NĐ-CP,
Phụ lục I: "khoảng cách giữa các đoạn văn tối thiểu là 6pt"), so on a scan the distance
from one line to the next is larger where a paragraph ends. That is the cue the words lack
where a sentence ends at a full line's end: "… không được thu thêm chi phí." + "Trường hợp
người bệnh …" reads as two paragraphs by its punctuation, while the page shows one (no
extra space) — and the indent cannot tell it on a page whose only indented lines are its
labelled items ("a)", "3.").

A page counts as spacing its paragraphs only when its own sure cases agree: the lines after
a paragraph's short last line (". ; : ! ?" well before the margin) all come after a clearly
larger step than the lines that go on with a sentence cut at a full line's end (a lowercase
line after an unpunctuated full one). A page without both kinds, or where they overlap,
gives no answer (typewritten and single-spaced scans keep the text cues).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from statistics import median

from pipeline.document import Line
from pipeline.repair.line_cues import LineCues

MIN_SPACE = 0.25
"""Least extra step, in line heights, that counts as a paragraph space (6 pt under 13-14 pt
text is about 0.35 line heights); smaller differences are the boxes' jitter."""
MIN_SURE = 2
"""Sure paragraph ends and sure run-on lines a page needs, of each, to be judged."""
SHORT_LINE = 2.0
"""A line ending this many line heights before the right margin stopped short. The margin
is the page's second rightmost line end, not a share of its lines: on a page of short lines
(a list, a form) most lines stop short, and a share would call them full."""


Box = tuple[int, int, int, int]


def pages_of_boxed_lines(lines: Sequence[Line], page_starts: set[int],
                         minimum: int = 4) -> Iterator[tuple[int, dict[int, Box], int]]:
    """Per page with at least `minimum` boxed text lines: (first index, their boxes by line
    index, in reading order, line height).

    The line height is the median box height (the upper one of two middles). Shared by the
    layout cues that read boxes page by page (indents in `pipeline.paragraphs`, spaces here).
    """
    bounds = sorted(page_starts | {0}) + [len(lines)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        boxes = {k: bbox for k in range(start, end)
                 if (bbox := lines[k].bbox) is not None and lines[k].text.strip()}
        if len(boxes) < minimum:
            continue
        heights = sorted(bottom - top for _, top, _, bottom in boxes.values())
        yield start, boxes, heights[len(heights) // 2]


def _step(above: Box, below: Box) -> int:
    """Distance from one line to the next: the smaller of the top and bottom steps.

    Why the smaller: a line whose letters carry no mark above, or no descender below, has
    one edge moved; the other edge still steps by the line pitch (plus any space).
    """
    return min(below[1] - above[1], below[3] - above[3])


def paragraph_spaces(lines: Sequence[Line], cues: Sequence[LineCues],
                     page_starts: set[int]) -> list[bool | None]:
    """Per line: is a paragraph's space before it.

    True when one is; False when none is and the line above runs to the right margin (the
    line goes on with its paragraph); None otherwise (no boxes, a page that does not space
    its paragraphs, the first line of a page).
    """
    out: list[bool | None] = [None] * len(lines)
    for _, box, height in pages_of_boxed_lines(lines, page_starts):
        right = sorted(b[2] for b in box.values())[-2]  # one stray box may overhang
        steps: dict[int, int] = {}
        for k in box:
            if k - 1 in box:  # the line above, on this page, with text and a box
                step = _step(box[k - 1], box[k])
                if step > 0:
                    steps[k] = step
        ends = [steps[k] for k in steps
                if cues[k - 1].ends_terminal and box[k - 1][2] < right - SHORT_LINE * height]
        runs = [steps[k] for k in steps
                if cues[k].continues_paragraph and not cues[k - 1].ends_terminal
                and box[k - 1][2] >= right - height]
        if len(ends) < MIN_SURE or len(runs) < MIN_SURE:
            continue
        if min(ends) - max(runs) < MIN_SPACE * height:
            continue  # no space, or the sure cases overlap: the page tells nothing
        threshold = (median(ends) + median(runs)) / 2
        for k, step in steps.items():
            if step >= threshold:
                out[k] = True
            elif box[k - 1][2] >= right - height:
                out[k] = False
    return out

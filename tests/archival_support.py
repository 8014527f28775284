"""Rendered test pages with the TRUE box of every drawn word (for the archival checks).

`pipeline.render` draws text but does not return word boxes; this records each string it
draws (position, font) while a page is rendered and computes the word boxes with the same
font, then carries them through `degrade`'s turn and resampling.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image

from pipeline import render
from pipeline.document import nfc

Box = tuple[float, float, float, float]


@dataclass
class TruthWord:
    """One drawn word and its ink box in pixels of the (degraded) page image."""

    text: str
    box: Box


@contextmanager
def _recording() -> Iterator[list[tuple[int, float, float, str, object]]]:
    calls: list[tuple[int, float, float, str, object]] = []
    original = render._Canvas.text

    def text(self: render._Canvas, x: float, y: float, value: str, fnt: object) -> None:
        calls.append((len(self.pages) - 1, x, y, value, fnt))
        original(self, x, y, value, fnt)

    render._Canvas.text = text  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        render._Canvas.text = original  # type: ignore[method-assign]


def render_with_boxes(content: object, dpi: int = 300) -> tuple[Image.Image, str, list[TruthWord]]:
    """First page of `content` rendered: image, truth text, and the true word boxes."""
    with _recording() as calls:
        pages = render.render_document(content, dpi=dpi)  # type: ignore[arg-type]
    words: list[TruthWord] = []
    for page_index, x, y, value, fnt in calls:
        if page_index != 0:
            continue
        position = 0
        for word in value.split(" "):
            if word:
                dx = fnt.getlength(value[:position])  # type: ignore[attr-defined]
                left, top, right, bottom = fnt.getbbox(word)  # type: ignore[attr-defined]
                words.append(
                    TruthWord(nfc(word), (x + dx + left, y + top, x + dx + right, y + bottom))
                )
            position += len(word) + 1
    return pages[0].image, pages[0].truth, words


def degrade_boxes(
    words: list[TruthWord],
    size: tuple[int, int],
    rotate_deg: float = 0.0,
    dpi_scale: float = 1.0,
    turned_size: tuple[int, int] | None = None,
) -> list[TruthWord]:
    """The same words after `render.degrade(rotate_deg=…, dpi_scale=…)` (turn, then resample).

    `turned_size` is the canvas size after the turn when known (Pillow rounds it).
    """
    width, height = size
    theta = math.radians(rotate_deg)
    cos, sin = math.cos(theta), math.sin(theta)
    if rotate_deg % 360 in (90, 270):
        new_w, new_h = height, width
    elif rotate_deg % 360 == 180 or not rotate_deg:
        new_w, new_h = width, height
    else:
        new_w = math.ceil(abs(width * cos) + abs(height * sin) - 1e-9)
        new_h = math.ceil(abs(width * sin) + abs(height * cos) - 1e-9)
    if turned_size is not None:
        new_w, new_h = turned_size
    cx, cy, ncx, ncy = width / 2, height / 2, new_w / 2, new_h / 2

    def turn(x: float, y: float) -> tuple[float, float]:
        return (cos * (x - cx) + sin * (y - cy) + ncx, -sin * (x - cx) + cos * (y - cy) + ncy)

    out = []
    for word in words:
        left, top, right, bottom = word.box
        pts = [turn(x, y) for x in (left, right) for y in (top, bottom)]
        xs = [p[0] * dpi_scale for p in pts]
        ys = [p[1] * dpi_scale for p in pts]
        out.append(TruthWord(word.text, (min(xs), min(ys), max(xs), max(ys))))
    return out


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0

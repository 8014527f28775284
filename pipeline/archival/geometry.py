"""Where a word OCR'd on the preprocessed page lies on the ORIGINAL page image.

`pipeline.preprocess.prepare_page` turns the original raster into the page Tesseract
reads: upsample (scale s), turn clockwise by `rotation_deg`, deskew (rotate by
−`skew_deg` about the centre, canvas grown). Word boxes are pixels of that result.
Archival files describe the original scan, so every box goes back through the inverse
of that chain. The chain is rebuilt from what `Page` records (size, skew, rotation) and
the original image size; the scale is solved from the sizes, so the writers need not
know which dpi ingest chose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pipeline.document import Page

DESKEW_MIN_DEG = 0.05
"""`preprocess.deskew` leaves pages tilted less than this untouched."""

Matrix = np.ndarray
"""3×3 affine matrix acting on column vectors (x, y, 1)."""


@dataclass(frozen=True)
class PageGeometry:
    """The affine map from preprocessed-page pixels to original-image pixels."""

    original_size: tuple[int, int]
    """(width, height) of the original page image, in its pixels."""
    scale: float
    """Upsampling factor preprocessing applied (1.0 when the scan was ≥ 280 dpi)."""
    to_original: Matrix
    """Preprocessed pixels → original pixels (the whole chain inverted)."""
    to_level: Matrix
    """Preprocessed pixels → the upright page before deskew (only the deskew undone)."""
    level_to_original: Matrix
    """That upright, still tilted page → original pixels (quarter turn and upsampling undone)."""
    level_size: tuple[float, float]
    """(width, height) of the upright, upsampled page before deskew."""

    @property
    def original_dpi_factor(self) -> float:
        """Original pixels per preprocessed pixel (1 / scale)."""
        return 1.0 / self.scale

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A preprocessed-page point in original-image pixels."""
        m = self.to_original
        return (m[0, 0] * x + m[0, 1] * y + m[0, 2], m[1, 0] * x + m[1, 1] * y + m[1, 2])

    def box(self, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """The axis-aligned box (in original pixels) enclosing a preprocessed-page box.

        On a deskewed page the word's true outline is a slightly turned rectangle; ALTO
        and hOCR take axis-aligned boxes, so the enclosing one is given, clipped to the page.
        """
        left, top, right, bottom = bbox
        corners = [self.point(x, y) for x in (left, right) for y in (top, bottom)]
        xs = [c[0] for c in corners]
        ys = [c[1] for c in corners]
        width, height = self.original_size
        return (
            min(max(min(xs), 0.0), width),
            min(max(min(ys), 0.0), height),
            min(max(max(xs), 0.0), width),
            min(max(max(ys), 0.0), height),
        )


def _scale(s: float) -> Matrix:
    return np.array([[s, 0, 0], [0, s, 0], [0, 0, 1]], dtype=np.float64)


def _quarter_turn(rotation_deg: int, width: float, height: float) -> Matrix:
    """`np.rot90(image, -k)`: turn an image of (width, height) clockwise by k quarters."""
    k = (rotation_deg // 90) % 4
    if k == 1:
        return np.array([[0, -1, height], [1, 0, 0], [0, 0, 1]], dtype=np.float64)
    if k == 2:
        return np.array([[-1, 0, width], [0, -1, height], [0, 0, 1]], dtype=np.float64)
    if k == 3:
        return np.array([[0, 1, 0], [-1, 0, width], [0, 0, 1]], dtype=np.float64)
    return np.eye(3)


def _deskew(skew_deg: float, width: float, height: float) -> tuple[Matrix, float, float]:
    """The matrix `preprocess.deskew` gives cv2.warpAffine, and the grown canvas size."""
    if abs(skew_deg) < DESKEW_MIN_DEG:
        return np.eye(3), width, height
    angle = math.radians(-skew_deg)
    alpha, beta = math.cos(angle), math.sin(angle)
    cx, cy = width / 2, height / 2
    new_w = int(height * abs(beta) + width * abs(alpha) + 0.5)
    new_h = int(height * abs(alpha) + width * abs(beta) + 0.5)
    m = np.array(
        [
            [alpha, beta, (1 - alpha) * cx - beta * cy + new_w / 2 - cx],
            [-beta, alpha, beta * cx + (1 - alpha) * cy + new_h / 2 - cy],
            [0, 0, 1],
        ],
        dtype=np.float64,
    )
    return m, new_w, new_h


def _preprocessed_size(
    original: tuple[float, float], scale: float, page: Page
) -> tuple[float, float]:
    width, height = original[0] * scale, original[1] * scale
    if (page.rotation_deg // 90) % 2:
        width, height = height, width
    _, new_w, new_h = _deskew(page.skew_deg, width, height)
    return new_w, new_h


def solve_scale(page: Page, original_size: tuple[int, int]) -> float:
    """The upsampling factor that turns `original_size` into the page's preprocessed size."""
    if page.width <= 0 or page.height <= 0:
        return 1.0
    unit_w, unit_h = _preprocessed_size((original_size[0], original_size[1]), 1.0, page)
    scale = (page.width / max(unit_w, 1.0) + page.height / max(unit_h, 1.0)) / 2
    return 1.0 if abs(scale - 1.0) < 0.01 else scale


def page_geometry(page: Page, original_size: tuple[int, int]) -> PageGeometry:
    """Rebuild preprocessing's chain for `page` and invert it."""
    scale = solve_scale(page, original_size)
    w1, h1 = original_size[0] * scale, original_size[1] * scale
    turn = _quarter_turn(page.rotation_deg, w1, h1)
    if (page.rotation_deg // 90) % 2:
        w1, h1 = h1, w1
    deskew, _, _ = _deskew(page.skew_deg, w1, h1)
    level_to_original = np.linalg.inv(turn @ _scale(scale))
    to_level = np.linalg.inv(deskew)
    return PageGeometry(
        original_size, scale, level_to_original @ to_level, to_level, level_to_original, (w1, h1)
    )

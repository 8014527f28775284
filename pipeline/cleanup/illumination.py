"""Flatten uneven paper: a binding edge's shadow, lamp fall-off, yellowed patches.

The paper's brightness is estimated by a grey closing (ink is dark, so a max filter wider
than a stroke removes it) at 1/8 scale, smoothed by a median; dividing by it makes paper
255 everywhere while ink keeps its contrast relative to the paper around it. The shadow
of a book's binding darkens one edge to a quarter of the paper's brightness: global
thresholds turn it into a black band (and orientation/skew measurements with it).
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

log = logging.getLogger(__name__)

SCALE = 8
"""Background is estimated at 1/SCALE resolution: cheap, and text is far below its scale."""
UNEVEN_LEVELS = 28.0
"""Paper brightness varying by more than this (grey levels, p2–p98) means flatten."""


def _odd(value: float) -> int:
    n = max(3, int(round(value)))
    return n if n % 2 else n + 1


def estimate_background(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Estimate the paper's brightness: closing (~6 mm window), median, at 1/8 scale."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // SCALE), max(1, h // SCALE)), interpolation=cv2.INTER_AREA)
    k = _odd(dpi / 25.4 * 6 / SCALE)
    closed = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    closed = cv2.medianBlur(closed, k)
    closed = cv2.GaussianBlur(closed, (0, 0), k / 3)
    return cv2.resize(closed, (w, h), interpolation=cv2.INTER_LINEAR)


def unevenness(gray: np.ndarray, dpi: int) -> float:
    """How much the paper's brightness varies (p98 − p2 of the background, grey levels)."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // SCALE), max(1, h // SCALE)), interpolation=cv2.INTER_AREA)
    k = _odd(dpi / 25.4 * 6 / SCALE)
    closed = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    lo, hi = np.percentile(closed, [2, 98])
    return float(hi - lo)


def flatten_illumination(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Divide out the paper's brightness: paper becomes 255, ink keeps its local contrast."""
    background = estimate_background(gray, dpi)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)

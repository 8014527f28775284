"""Remove toner specks and streaks from a binary page, keeping Vietnamese diacritic dots.

Photocopies leave dust-sized dots and clusters, and a dirty drum draws vertical streaks
across the page. Vietnamese puts small dots on letters (the dot below ộ ặ ị, the dot of
i), so a size threshold alone would erase marks: a small component is removed only when
it is also farther than ~1 mm from any letter-sized component. Streaks are runs of ink
taller than three text lines and a few pixels wide: no letter is that tall.
"""

from __future__ import annotations

import cv2
import numpy as np

TARGET_DPI = 300
DOT_AREA_300 = 12
"""Components up to this area (px at 300 dpi) are speck candidates whatever their shape."""
SPECK_AREA_300 = 40
"""Round components up to this area are candidates too (toner blobs; a dot below is ~30)."""
NEAR_MM = 1.0
"""Candidates within this distance of a larger component are kept (diacritics)."""
STREAK_MM = 18.0
"""Vertical ink runs longer than this (about three 13 pt lines) are streaks."""


def remove_specks(binary: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """Whiten small components farther than ~1 mm from any larger one (0 = ink, 255 = paper).

    Whole-image passes only (one label look-up each, no per-component loop): this runs on
    every page, and an A4 page at 300 dpi has 9 M pixels and thousands of accents.
    """
    _, ink = cv2.threshold(binary, 127, 1, cv2.THRESH_BINARY_INV)
    n, labels, stats = label_components(ink)
    if n <= 1:
        return binary
    area = stats[:, cv2.CC_STAT_AREA]
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    # dots up to a diacritic's size; larger ones only when round (a dash "-" is not)
    round_ = (np.minimum(w, h) * 2 >= np.maximum(w, h)) & (area * 2 >= w * h)
    scale = (dpi / TARGET_DPI) ** 2
    small = (area <= max(2, int(DOT_AREA_300 * scale))) | (
        round_ & (area <= max(2, int(SPECK_AREA_300 * scale)))
    )
    small[0] = False
    if not small.any():
        return binary
    small_pixels = small[labels].view(np.uint8)
    big_mask = cv2.subtract(ink, small_pixels)
    radius = max(2, round(dpi / 25.4 * NEAR_MM))
    near = cv2.dilate(
        big_mask, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * radius + 1, 2 * radius + 1))
    )
    kept = labels.ravel()[np.flatnonzero(cv2.bitwise_and(small_pixels, near))]
    remove = small.copy()
    remove[kept] = False
    out = binary.copy()
    out[remove[labels]] = 255
    return out


def label_components(ink: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components of a 0/1 image: count, labels, stats (OpenCV's layout).

    16-bit labels when they fit (twice as fast to compute and to look up on a 9 M-pixel
    page); OpenCV refuses past 65,535 components, and a very noisy page then gets 32-bit.
    """
    try:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(
            ink, connectivity=8, ltype=cv2.CV_16U
        )
    except cv2.error:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return n, labels, stats


def streak_mask(binary: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """Pixels of vertical ink runs taller than `STREAK_MM` (uint8 0/1)."""
    ink = (binary < 128).astype(np.uint8)
    length = max(10, round(dpi / 25.4 * STREAK_MM))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))


def remove_streaks(binary: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """Whiten vertical toner streaks (a letter they cross loses only the streak's width)."""
    mask = streak_mask(binary, dpi)
    if not mask.any():
        return binary
    mask = cv2.dilate(mask, np.ones((1, 3), np.uint8))
    out = binary.copy()
    out[mask > 0] = 255
    return out

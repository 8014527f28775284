"""Straighten slightly curled pages: text lines that bend near the binding.

After deskew a curled page still has lines that rise or sink toward one edge. The page
is cut into vertical strips; in windows down the page, each strip's row-ink profile is
matched to its neighbour's (small shifts only, so a line is never matched to the next
one), and the shifts are summed outward from the middle strip. The resulting vertical
displacement field, smoothed and interpolated, is undone with one remap. Pages whose
lines are already straight (the usual case) are left alone.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

log = logging.getLogger(__name__)

STRIPS = 8
WINDOWS = 8
MAX_STEP_MM = 1.5
"""The largest vertical shift between neighbouring strips (a line pitch is ~6 mm)."""
MIN_CORRELATION = 0.5
"""Neighbouring strips whose profiles correlate less than this add no shift (no text)."""
MIN_WARP_MM = 1.5
"""Pages whose lines bend less than this (peak to peak, after deskew) are left alone."""


def _profiles(ink: np.ndarray, strips: int) -> list[np.ndarray]:
    w = ink.shape[1]
    edges = np.linspace(0, w, strips + 1).astype(int)
    pairs = zip(edges, edges[1:], strict=False)
    return [ink[:, a:b].sum(axis=1).astype(np.float32) for a, b in pairs]


def _best_shift(a: np.ndarray, b: np.ndarray, max_shift: int) -> tuple[int, float]:
    """Shift s (b[y + s] ≈ a[y]) maximising the normalised correlation, and that peak."""
    a = a - a.mean()
    b = b - b.mean()
    n = len(a)
    best, best_score = 0, -1.0
    for s in range(-max_shift, max_shift + 1):
        lo, hi = max(0, -s), min(n, n - s)
        if hi - lo < 4:
            continue
        x, y = a[lo:hi], b[lo + s : hi + s]
        denom = float(np.linalg.norm(x) * np.linalg.norm(y))
        score = float(np.dot(x, y)) / denom if denom > 0 else 0.0
        if score > best_score:
            best, best_score = s, score
    return best, best_score


def measure_warp(binary: np.ndarray, dpi: int) -> np.ndarray:
    """Vertical displacement (px, full size) of each strip centre in each window: W × S."""
    scale = min(1.0, 150 / max(dpi, 1))
    small = cv2.resize(binary, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (small < 128).astype(np.float32)
    cols = np.flatnonzero(ink.sum(axis=0) > 0)
    rows = np.flatnonzero(ink.sum(axis=1) > 0)
    grid = np.zeros((WINDOWS, STRIPS), np.float32)
    if len(cols) < STRIPS * 4 or len(rows) < WINDOWS * 4:
        return grid
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    max_shift = max(1, round(MAX_STEP_MM / 25.4 * dpi * scale))
    bounds = np.linspace(0, ink.shape[0], WINDOWS + 1).astype(int)
    mid = STRIPS // 2
    for wi, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        pad = max_shift
        lo, hi = max(0, a - pad), min(ink.shape[0], b + pad)
        profs = _profiles(ink[lo:hi], STRIPS)
        for direction in (1, -1):
            total = 0.0
            s = mid
            while 0 <= s + direction < STRIPS:
                shift, strength = _best_shift(profs[s], profs[s + direction], max_shift)
                total += shift if strength > MIN_CORRELATION else 0.0
                s += direction
                grid[wi, s] = total
    grid -= np.median(grid)
    return grid / scale


def warp_amount(grid: np.ndarray) -> float:
    """Peak-to-peak bend of the lines (px) within windows, the page's overall tilt excluded."""
    if not grid.any():
        return 0.0
    x = np.arange(grid.shape[1], dtype=np.float32)
    residual = []
    for row in grid:
        slope, icpt = np.polyfit(x, row, 1)
        residual.append(float(np.ptp(row - (slope * x + icpt))))
    tilt = np.ptp([np.polyfit(x, row, 1)[0] for row in grid]) * grid.shape[1]
    return max(max(residual), float(tilt))


def dewarp(gray: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Undo the displacement `grid` (from `measure_warp`) with one remap of the page."""
    h, w = gray.shape
    sw, sh = max(2, w // 16), max(2, h // 16)
    small = cv2.resize(grid.astype(np.float32), (sw, sh), interpolation=cv2.INTER_LINEAR)
    small = cv2.GaussianBlur(small, (0, 0), sw / STRIPS / 2)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return cv2.remap(
        gray, xx, yy + field, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def needs_dewarp(grid: np.ndarray, dpi: int) -> bool:
    """Say whether lines bend by more than `MIN_WARP_MM`."""
    return warp_amount(grid) > MIN_WARP_MM / 25.4 * dpi

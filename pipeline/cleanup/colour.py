"""Suppress coloured ink (red seals, violet stamps, blue pen) before binarization.

A red seal over the signature, a violet "ĐẾN" stamp over the issuer and a blue pen note
turn dark grey in a plain luminance conversion and bury the typed black text under them.
Coloured ink is bright in at least one channel, black ink is dark in all three, and ink
on paper mixes multiplicatively: black text printed under a red seal is still dark in
every channel. So the grey value of a coloured pixel is pushed toward its brightest
channel (and beyond, by its chroma); neutral pixels keep their luminance.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

log = logging.getLogger(__name__)

CHROMA_INK = 60
"""max − min channel difference above which a pixel is coloured ink, not tinted paper."""
CHROMA_START = 20
"""Below this chroma a pixel is neutral (JPEG fringes, yellowed paper): luminance kept."""
CHROMA_FULL = 60
"""From this chroma on a pixel is lightened fully."""
MIN_COLOUR_SHARE = 2e-4
"""Pages with fewer coloured-ink pixels than this share skip the step (measured cheaply)."""


def colour_ink_share(rgb: np.ndarray) -> float:
    """Share of strongly coloured pixels, on every 4th pixel (cheap: a few ms per page)."""
    if rgb.ndim != 3:
        return 0.0
    red, green, blue = cv2.split(np.ascontiguousarray(rgb[::4, ::4]))
    chroma = cv2.subtract(cv2.max(cv2.max(red, green), blue), cv2.min(cv2.min(red, green), blue))
    return float(np.count_nonzero(chroma > CHROMA_INK)) / chroma.size


def remove_colour_ink(rgb: np.ndarray) -> np.ndarray:
    """Grayscale (uint8) in which coloured ink is paper-light and black ink stays black.

    Grey = luminance + w·(2·max − min − luminance), w rising from 0 at chroma 20 to 1 at
    chroma 60: a red seal pixel (200, 30, 40) becomes 255, a blue pen stroke
    (30, 40, 128) about 225, black text under the seal (25, 8, 10) stays about 40.
    Leaves grey images as they are.
    """
    if rgb.ndim == 2:
        return rgb
    lum = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    red, green, blue = cv2.split(rgb)
    hi = cv2.max(cv2.max(red, green), blue)
    lo = cv2.min(cv2.min(red, green), blue)
    # only coloured pixels change (a seal covers a few % of a page): computing the
    # lift in float for those alone is ~8× faster than for the whole page
    idx = np.flatnonzero(cv2.subtract(hi, lo).reshape(-1) > CHROMA_START)
    out = lum.copy()
    if idx.size:
        h = hi.reshape(-1)[idx].astype(np.float32)
        low = lo.reshape(-1)[idx].astype(np.float32)
        luma = lum.reshape(-1)[idx].astype(np.float32)
        weight = np.clip((h - low - CHROMA_START) / (CHROMA_FULL - CHROMA_START), 0.0, 1.0)
        lifted = 2.0 * h - low
        out.reshape(-1)[idx] = np.clip(luma + weight * (lifted - luma), 0, 255).astype(np.uint8)
    return out

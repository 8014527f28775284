"""Choose the binarization of a page by what it measures, not one method for all pages.

Measured on degraded pages (`benchmarks/results/binarization.md`): background-normalised
Otsu beats Sauvola, adaptive Gaussian, global Otsu and none overall, and none of those
won a single scan condition by a margin. So the choice left to measure per page is
whether to threshold at all: a page that is already bitonal (fax, a 1-bit TIFF) is
passed through ("none"), saving the work and any loss of its thin strokes.
"""

from __future__ import annotations

import numpy as np

BITONAL_SHARE = 0.995
"""A page whose pixels are this share pure black or white is already binary."""


def bitonal_share(gray: np.ndarray) -> float:
    """Share of pure black (≤ 5) or white (≥ 250) pixels, on every 3rd pixel."""
    sample = gray[::3, ::3]
    return float(((sample <= 5) | (sample >= 250)).mean())


def choose_binarization(gray: np.ndarray, default: str) -> str:
    """Return "none" for pages that are already binary, `default` otherwise."""
    return "none" if bitonal_share(gray) >= BITONAL_SHARE else default

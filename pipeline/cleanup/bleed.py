"""Attenuate bleed-through: the back page's text showing faintly through, mirrored.

After flattening, bleed-through is a light grey (paper 255, bleed ~170–225) while typed
ink is dark. A global threshold between them works only while the bleed stays lighter
than every thin stroke of the front; with hysteresis, faint pixels survive only when they
are connected to a dark core (a stroke's anti-aliased edge), so whole faint letters of
the back page vanish while the edges of the front's letters stay.
"""

from __future__ import annotations

import cv2
import numpy as np

BLEED_SHARE = 0.03
"""A flattened page with more than this share of faint-grey pixels has bleed-through."""
FAINT_RANGE = (150, 235)
"""Grey levels counted as faint (neither paper nor ink) on a flattened page."""


def faint_share(flat: np.ndarray) -> float:
    """Share of faint-grey pixels on a flattened page (every 3rd pixel)."""
    sample = flat[::3, ::3]
    return float(((sample >= FAINT_RANGE[0]) & (sample < FAINT_RANGE[1])).mean())


def attenuate_bleed_through(flat: np.ndarray, strong: int = 110, weak: int = 215) -> np.ndarray:
    """Whiten faint components with no dark core; keep everything connected to real ink.

    `flat` is a flattened page (paper 255). Pixels darker than `weak` form components;
    a component is ink when it holds a pixel darker than `strong`, else it is set to 255.
    """
    weak_mask = (flat < weak).astype(np.uint8)
    n, labels = cv2.connectedComponents(weak_mask, connectivity=8)
    if n <= 1:
        return flat
    has_core = np.zeros(n, dtype=bool)
    has_core[np.unique(labels[flat < strong])] = True
    has_core[0] = True  # label 0 is the paper, never touched here
    out = flat.copy()
    out[~has_core[labels]] = 255
    return out

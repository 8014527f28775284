"""Stretch grey, low-contrast photocopies so the ink is black again.

A worn photocopy prints ink at grey 90–110 on paper at 220–230; after flattening the
paper is white but the ink stays grey, and thin strokes (diacritics) melt into the paper
when Tesseract or Otsu thresholds. A linear stretch maps the ink level to 0.
"""

from __future__ import annotations

import numpy as np

LOW_CONTRAST = 170.0
"""Paper minus ink level below this (grey levels) means the page is stretched."""
MIN_INK_CONTRAST = 40.0
"""Paper minus "ink" level below this is no ink but the paper's own noise: a page with too
little text for the ink percentile (one line, a page number) is not stretched, which would
turn its noise into speckle over the whole page (a worn last sheet holding one line: 15
levels, then 30 s of OCR reading junk). The grey photocopies of the hard-page bench measure
140-160 after flattening; every page of it is cleaned as before."""
INK_PERCENTILE = 0.5
"""The ink level is this percentile of the page (text covers a few % of a page)."""


def ink_paper_levels(gray: np.ndarray) -> tuple[float, float]:
    """(ink level, paper level) of a page, from every 3rd pixel: a low and the median."""
    sample = gray[::3, ::3]
    ink, paper = np.percentile(sample, [INK_PERCENTILE, 50])
    return float(ink), float(paper)


def contrast_range(gray: np.ndarray) -> float:
    """Paper level minus ink level (grey levels): ~230 on a good scan, ~110 on a bad copy."""
    ink, paper = ink_paper_levels(gray)
    return paper - ink


def stretch_contrast(gray: np.ndarray) -> np.ndarray:
    """Map the ink level to 0 and the paper level to 255, linearly (clipped)."""
    ink, paper = ink_paper_levels(gray)
    if paper - ink < 1:
        return gray
    lut = np.clip((np.arange(256, dtype=np.float32) - ink) * 255.0 / (paper - ink), 0, 255)
    return lut.astype(np.uint8)[gray]

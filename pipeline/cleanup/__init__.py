"""Clean-up steps for real archive scans, each a small measured function.

Real scans of directives carry red seals, violet stamps and blue pen over the text, a
binding edge's shadow, grey photocopies with toner specks and streaks, the back page
bleeding through, slight curl. Each step is cheap and runs only when a cheaper
measurement says the page needs it (see `CleanupReport`):

- `remove_colour_ink` (colour.py): coloured ink lightened, black ink under it kept;
- `flatten_illumination` (illumination.py): paper brightness divided out;
- `stretch_contrast` (contrast.py): grey photocopies stretched to black ink;
- `attenuate_bleed_through` (bleed.py): faint mirrored text without a dark core removed;
- `dewarp` (curl.py): curled lines straightened;
- `remove_streaks`, `remove_specks` (specks.py): toner damage, diacritic dots kept;
- `choose_binarization` (binarization.py): thresholding skipped on already-binary pages.

`preprocess.prepare_page` calls `clean_gray` before orientation and deskew,
`straighten_lines` after deskew, and `clean_binary` after binarization.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from pipeline.cleanup.binarization import choose_binarization
from pipeline.cleanup.bleed import BLEED_SHARE, attenuate_bleed_through, faint_share
from pipeline.cleanup.colour import MIN_COLOUR_SHARE, colour_ink_share, remove_colour_ink
from pipeline.cleanup.contrast import (
    LOW_CONTRAST,
    MIN_INK_CONTRAST,
    contrast_range,
    stretch_contrast,
)
from pipeline.cleanup.curl import dewarp, measure_warp, needs_dewarp
from pipeline.cleanup.illumination import UNEVEN_LEVELS, flatten_illumination, unevenness
from pipeline.cleanup.specks import remove_specks, remove_streaks, streak_mask

log = logging.getLogger(__name__)

__all__ = [
    "CleanupReport",
    "attenuate_bleed_through",
    "choose_binarization",
    "clean_binary",
    "clean_gray",
    "colour_to_gray",
    "dewarp",
    "flatten_illumination",
    "remove_colour_ink",
    "remove_specks",
    "remove_streaks",
    "straighten_lines",
    "stretch_contrast",
]


@dataclass
class CleanupReport:
    """What was measured on a page and which steps ran (for logs and --keep-images)."""

    measures: dict[str, float] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)
    steps: dict[str, np.ndarray] = field(default_factory=dict)


def colour_to_gray(rgb: np.ndarray, report: CleanupReport | None = None) -> np.ndarray:
    """Grayscale of an RGB page, with coloured ink suppressed when the page has any."""
    share = colour_ink_share(rgb)
    if report is not None:
        report.measures["colour_ink_share"] = round(share, 5)
    if share < MIN_COLOUR_SHARE:
        import cv2

        return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if report is not None:
        report.applied.append("remove_colour_ink")
    return remove_colour_ink(rgb)


def clean_gray(
    gray: np.ndarray, dpi: int, report: CleanupReport | None = None, keep: bool = False
) -> np.ndarray:
    """Flatten, stretch and remove bleed-through, each only when measured to be needed."""
    report = report if report is not None else CleanupReport()
    uneven = unevenness(gray, dpi)
    report.measures["unevenness"] = round(uneven, 1)
    flat = gray
    if uneven > UNEVEN_LEVELS or contrast_range(gray) < LOW_CONTRAST:
        flat = flatten_illumination(gray, dpi)
        report.applied.append("flatten_illumination")
        if keep:
            report.steps["flattened"] = flat
    level = contrast_range(flat)
    report.measures["contrast"] = round(level, 1)
    if MIN_INK_CONTRAST <= level < LOW_CONTRAST:
        flat = stretch_contrast(flat)
        report.applied.append("stretch_contrast")
        if keep:
            report.steps["stretched"] = flat
    faint = faint_share(flat)
    report.measures["faint_share"] = round(faint, 4)
    if faint > BLEED_SHARE:
        flat = attenuate_bleed_through(flat)
        report.applied.append("attenuate_bleed_through")
        if keep:
            report.steps["bleed_attenuated"] = flat
    return flat


def straighten_lines(
    gray: np.ndarray, dpi: int, report: CleanupReport | None = None, keep: bool = False
) -> np.ndarray:
    """Dewarp a deskewed page when its lines measurably bend; otherwise return it as is."""
    import cv2

    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    grid = measure_warp(binary, dpi)
    if report is not None:
        from pipeline.cleanup.curl import warp_amount

        report.measures["warp_px"] = round(warp_amount(grid), 1)
    if not needs_dewarp(grid, dpi):
        return gray
    out = dewarp(gray, grid)
    if report is not None:
        report.applied.append("dewarp")
        if keep:
            report.steps["dewarped"] = out
    return out


def clean_binary(binary: np.ndarray, dpi: int, report: CleanupReport | None = None) -> np.ndarray:
    """Remove toner streaks (when any) and isolated specks from a binary page."""
    if streak_mask(binary, dpi).any():
        binary = remove_streaks(binary, dpi)
        if report is not None:
            report.applied.append("remove_streaks")
    return remove_specks(binary, dpi)

"""Turn a page image into what Tesseract reads best: upright, straight, clean, binary.

Steps, in order (each a small function below): grayscale (red seals lightened),
upsample low-resolution scans to ~300 dpi, orientation (0/90/180/270), deskew (±15°),
denoise, binarize, remove specks. Choices are measured, not guessed; the numbers and
the commands that produced them are in `benchmarks/results/preprocess_choices.md`:

- binarization: background normalisation + Otsu (`normalized_otsu`): 0.43 % CER on the
  degraded-page set, against adaptive Gaussian 0.52 %, Sauvola 0.64 %, global Otsu
  3.35 % and Tesseract's own thresholding 3.83 % (both fail on uneven lighting);
- orientation: a cascade, cheapest first (see `detect_rotation`): letter geometry, the
  confidence of one text strip read both ways round the axis the geometry found, and only
  when neither reading is sure Tesseract OSD (trusted at confidence ≥ `OSD_MIN_CONFIDENCE`),
  below which the better strip decides.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from pipeline import cleanup, tesseract
from pipeline.config import OcrSettings

log = logging.getLogger(__name__)

TARGET_DPI = 300
ANALYSIS_DPI = 150
MAX_SKEW_DEG = 15.0
OSD_MIN_CONFIDENCE = 5.0
"""Below this OSD confidence the second opinion decides (see the module docstring)."""
UPRIGHT_MIN_MARGIN = 0.5
"""The geometric upright test must win by this margin to skip OSD."""
UPRIGHT_STRIP_CONFIDENCE = 65.0
"""A text strip read with this mean confidence is the right way up (right ≥ 54, wrong ≤ 47)."""
MARKS_MIN_MARGIN = 0.2
"""Below this upright margin the accents' side is not asked (upside-down pages reach 0.26)."""
MARKS_UPRIGHT_SHARE = 0.6
"""With this share of accents above their letters (and the margin above) a page is upright."""
MARKS_MIN = 100
"""Fewer accents than this say nothing about the page's turn."""
STRIP_LEAD = 20.0
"""The second strip read decides only when it beats the first by this much as well."""
BINARIZATION = "normalized_otsu"
MIN_GLYPHS = 20
"""Pages with fewer letter-sized components are treated as blank (no turn, no skew)."""


@dataclass
class PreparedPage:
    """A page ready for OCR and what preparing it measured.

    `image` is uint8, 0 = ink and 255 = paper; `skew_deg` is the measured tilt that was
    removed (counter-clockwise positive); `rotation_deg` the clockwise turn applied to
    make the page upright; `steps` keeps intermediate images when `keep_images` is set.
    """

    image: np.ndarray
    dpi: int
    skew_deg: float = 0.0
    rotation_deg: int = 0
    steps: dict[str, np.ndarray] = field(default_factory=dict)


def to_gray(image: Image.Image, report: cleanup.CleanupReport | None = None) -> np.ndarray:
    """Grayscale, with red and pink ink (seals, signatures' stamps) lightened.

    A red seal over the signature turns dark grey in a plain conversion and hides the
    text under it; its red channel is light, while black text is dark in every channel.
    """
    if image.mode in ("L", "1", "I;16", "I", "F"):
        return np.asarray(image.convert("L"), dtype=np.uint8).copy()
    # violet stamps and blue pen too: see pipeline/cleanup/colour.py
    return cleanup.colour_to_gray(np.asarray(image.convert("RGB")), report)


def upsample(gray: np.ndarray, dpi: int, min_dpi: int) -> tuple[np.ndarray, int]:
    """Scale scans below `min_dpi` up to 300 dpi: Tesseract's line finder expects ~300."""
    if dpi >= min_dpi or dpi <= 0:
        return gray, dpi
    scale = TARGET_DPI / dpi
    out = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return out, TARGET_DPI


def _analysis_image(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, float]:
    """Make a small ink mask (1 = ink) at ~150 dpi for the geometric measurements."""
    scale = min(1.0, ANALYSIS_DPI / max(dpi, 1))
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else gray
    )
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink, scale


@dataclass
class _Glyphs:
    """Boxes of the letter-sized connected components of the analysis image."""

    left: np.ndarray
    top: np.ndarray
    right: np.ndarray
    bottom: np.ndarray

    @property
    def count(self) -> int:
        return len(self.left)


def _glyphs(ink: np.ndarray) -> _Glyphs:
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = stats[1:]
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    if len(stats) == 0:
        empty = np.zeros(0)
        return _Glyphs(empty, empty, empty, empty)
    size = np.maximum(w, h)
    typical = np.median(size[size >= 3]) if (size >= 3).any() else 3
    keep = (size >= max(3, 0.5 * typical)) & (size <= 4 * typical)
    s = stats[keep].astype(np.float64)
    left, top = s[:, cv2.CC_STAT_LEFT], s[:, cv2.CC_STAT_TOP]
    return _Glyphs(left, top, left + s[:, cv2.CC_STAT_WIDTH], top + s[:, cv2.CC_STAT_HEIGHT])


def _alignment(xs: np.ndarray, ys: np.ndarray, angle_deg: float) -> float:
    """How sharply points line up along rows when the page is turned by `angle_deg`.

    The sum of squared row counts: high when many points share a row (baselines), low
    when they are spread. Points are projected instead of rotating the image: fast.
    """
    if len(xs) == 0:
        return 0.0
    proj = ys + xs * math.tan(math.radians(angle_deg))
    proj = np.round(proj - proj.min()).astype(np.int64)
    counts = np.bincount(proj)
    return float(np.dot(counts, counts)) / len(xs)


def _best_angle(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """Find the tilt in ±15° at which the points line up best (coarse, then fine), and its score."""
    coarse = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 0.01, 0.5)
    scores = [_alignment(xs, ys, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.501, 0.05)
    fine_scores = [_alignment(xs, ys, a) for a in fine]
    i = int(np.argmax(fine_scores))
    return float(fine[i]), float(fine_scores[i])


def measure_skew(gray: np.ndarray, dpi: int) -> float:
    """Measure the page's tilt in degrees (counter-clockwise positive), within ±15°.

    Baselines are found as the bottoms of letter-sized components; the angle that makes
    the most of them share a row is the tilt.
    """
    ink, _ = _analysis_image(gray, dpi)
    glyphs = _glyphs(ink)
    if glyphs.count < MIN_GLYPHS:
        return 0.0
    xs = (glyphs.left + glyphs.right) / 2
    angle, _ = _best_angle(xs, glyphs.bottom)
    return angle


@dataclass(frozen=True)
class _Geometry:
    """What the component geometry says about the page's turn."""

    sideways: bool
    skew_deg: float
    upright_margin: float
    """(baseline sharpness − top-line sharpness) / max: > 0 looks upright, < 0 upside down."""
    glyphs: int = 0


def _geometry(gray: np.ndarray, dpi: int) -> _Geometry:
    return _ink_geometry(_analysis_image(gray, dpi)[0])


def _ink_geometry(ink: np.ndarray) -> _Geometry:
    glyphs = _glyphs(ink)
    if glyphs.count < MIN_GLYPHS:
        return _Geometry(False, 0.0, 0.0, glyphs.count)
    cx, cy = (glyphs.left + glyphs.right) / 2, (glyphs.top + glyphs.bottom) / 2
    angle_h, score_h = _best_angle(cx, cy)
    angle_v, score_v = _best_angle(cy, cx)
    if score_v > score_h * 1.15:
        # text lines run top to bottom: turn the boxes a quarter and measure as usual
        glyphs = _Glyphs(glyphs.top, -glyphs.right, glyphs.bottom, -glyphs.left)
        cx = (glyphs.left + glyphs.right) / 2
        sideways = True
    else:
        sideways = False
    angle, bottom_score = _best_angle(cx, glyphs.bottom)
    top_score = _alignment(cx, glyphs.top, angle)
    margin = (bottom_score - top_score) / max(bottom_score, top_score, 1e-9)
    del angle_h, angle_v
    return _Geometry(sideways, angle, margin, glyphs.count)


def rotate_quarters(gray: np.ndarray, rotate_cw: int) -> np.ndarray:
    """Turn the page clockwise by 0/90/180/270 degrees (lossless)."""
    k = (rotate_cw // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, -k)) if k else gray


def deskew(gray: np.ndarray, skew_deg: float) -> np.ndarray:
    """Rotate by −skew around the centre, growing the canvas so no corner text is cut."""
    if abs(skew_deg) < 0.05:
        return gray
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew_deg, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(
        gray,
        matrix,
        (new_w, new_h),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def _strip_confidence(gray: np.ndarray, dpi: int, settings: OcrSettings, label: str) -> float:
    """Mean word confidence of Tesseract on the densest text band of an (upright?) page."""
    h = gray.shape[0]
    ink_rows = (gray < 128).sum(axis=1).astype(np.float64)
    band = max(1, h // 8)
    window = np.convolve(ink_rows, np.ones(band), mode="valid")
    start = int(np.argmax(window)) if len(window) else 0
    strip = binarize(np.ascontiguousarray(gray[start : start + band]), BINARIZATION, dpi)
    words = tesseract.image_to_words(
        strip,
        lang=settings.lang,
        psm=6,
        dpi=dpi,
        timeout_s=settings.page_timeout_s,
        page_label=label,
    )
    scored = [(w.conf, len(w.text)) for w in words if w.conf >= 0]
    if not scored:
        return 0.0
    return sum(c * n for c, n in scored) / sum(n for _, n in scored)


def detect_rotation(
    gray: np.ndarray, dpi: int, settings: OcrSettings, label: str = ""
) -> tuple[int, float]:
    """Clockwise turn (0/90/180/270) that makes the page upright, and its skew after turning.

    A cascade, cheapest first, each step deciding only when it is sure: the geometry of
    the letters and of their accents (no Tesseract, ~0.1 s: upright, or which axis the
    lines run along); one text strip read the way round the accents favour, then the
    other way (a page the right way up reads with high confidence, a wrong way round
    cannot); and only when neither reading is sure, Tesseract OSD, below whose threshold
    the better strip decides. Two strip reads (~0.35 s each) cost less than one OSD of
    the page (~0.6 s at any resolution) and were right as often (`orientation_log.txt`).
    """
    ink, _ = _analysis_image(gray, dpi)  # one ink mask for the geometry and the accents
    geo = _ink_geometry(ink)
    if geo.glyphs < MIN_GLYPHS:
        return 0, 0.0  # (nearly) blank page: nothing to turn
    if not settings.osd:
        return 0, geo.skew_deg if not geo.sideways else 0.0
    if not geo.sideways and geo.upright_margin >= UPRIGHT_MIN_MARGIN:
        return 0, geo.skew_deg
    marks = _ink_mark_above_share(ink)
    if _looks_upright(geo, *marks):
        return 0, geo.skew_deg
    confs: dict[int, float] = {}

    def strip_conf(rotation: int) -> float:
        if rotation not in confs:
            turned = deskew(rotate_quarters(gray, rotation), _skew_after(geo, rotation))
            confs[rotation] = _strip_confidence(turned, dpi, settings, label)
        return confs[rotation]

    first, second = _strip_order(geo, marks[0])
    if strip_conf(first) >= UPRIGHT_STRIP_CONFIDENCE:
        return first, _skew_after(geo, first)
    if (
        strip_conf(second) >= UPRIGHT_STRIP_CONFIDENCE
        and confs[second] - confs[first] >= STRIP_LEAD
    ):
        return second, _skew_after(geo, second)
    rotation = _osd_rotation(gray, dpi, settings, label, geo, strip_conf)
    log.info("%s: orientation unsure (strips %s) -> %d°", label, confs, rotation)
    return rotation, _skew_after(geo, rotation)


def _looks_upright(geo: _Geometry, share: float, count: int) -> bool:
    """Say whether the letters alone show the page upright, so no Tesseract read is needed.

    The baselines are somewhat sharper than the top lines and the accents sit above the
    letters: Vietnamese puts most of its marks (tones, circumflex, breve, the dot of i)
    above and only the dot below under. Two weak signs must agree: each alone came close
    on upside-down pages (margin up to 0.26; share up to 0.33, 0.55 before clean-up).
    """
    return (
        not geo.sideways
        and geo.upright_margin >= MARKS_MIN_MARGIN
        and count >= MARKS_MIN
        and share >= MARKS_UPRIGHT_SHARE
    )


def mark_above_share(gray: np.ndarray, dpi: int) -> tuple[float, int]:
    """Share of small marks that sit just above a letter rather than just below, and their count.

    Marks are components under half the typical letter size; each is assigned to the
    nearer letter pixel straight above or below its centre (within 0.6 letter sizes), so
    a dot below one line is not taken for an accent over the next. Measured after the
    gray clean-up (`orientation_log.txt`, hard pages): upright 0.62–0.91, upside down
    0.09–0.33; without the clean-up, shaded pages reached 0.47 upright and 0.55 upside down.
    """
    return _ink_mark_above_share(_analysis_image(gray, dpi)[0])


def _ink_mark_above_share(ink: np.ndarray) -> tuple[float, int]:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    size = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    if (size >= 3).sum() < MIN_GLYPHS:
        return 0.5, 0
    typical = float(np.median(size[size >= 3]))
    is_letter = np.concatenate(([False], (size >= max(3, 0.5 * typical)) & (size <= 4 * typical)))
    is_mark = (size < 0.5 * typical) & (stats[1:, cv2.CC_STAT_AREA] >= 2)
    letters = is_letter[labels]
    height, width = letters.shape
    rows = np.arange(height, dtype=np.int32)[:, None]
    far = np.int32(4 * height)
    # per pixel: the row of the nearest letter pixel at or below / at or above it
    below = np.minimum.accumulate(np.where(letters, rows, far)[::-1], axis=0)[::-1]
    above = np.maximum.accumulate(np.where(letters, rows, -far), axis=0)
    marks = stats[1:][is_mark]
    cx = np.clip(marks[:, cv2.CC_STAT_LEFT] + marks[:, cv2.CC_STAT_WIDTH] // 2, 0, width - 1)
    top = marks[:, cv2.CC_STAT_TOP]
    bottom = top + marks[:, cv2.CC_STAT_HEIGHT] - 1
    to_letter_under = below[np.clip(bottom + 1, 0, height - 1), cx] - bottom
    to_letter_over = top - above[np.clip(top - 1, 0, height - 1), cx]
    reach = max(2, int(0.6 * typical))
    over = int(((to_letter_under <= reach) & (to_letter_under < to_letter_over)).sum())
    under = int(((to_letter_over <= reach) & (to_letter_over < to_letter_under)).sum())
    return (over / (over + under) if over + under else 0.5), over + under


def _strip_order(geo: _Geometry, share: float) -> tuple[int, int]:
    """Order the two turns on the geometry's axis, the one the accents favour first.

    The share of accents above letters (after the gray clean-up) was 0.67–0.91 on upright
    pages and 0.09–0.33 upside down; measured across the lines of a sideways page it was
    mostly ≥ 0.5 when the page must be turned 90° (0.49–0.86) and < 0.5 for 270°
    (0.13–0.53) (`orientation_log.txt`). Only the order of the strip reads depends on it:
    a right guess saves one read, a wrong one costs only that read.
    """
    if geo.sideways:
        return (90, 270) if share >= 0.5 else (270, 90)
    return (0, 180) if share >= 0.5 else (180, 0)


def _osd_rotation(
    gray: np.ndarray,
    dpi: int,
    settings: OcrSettings,
    label: str,
    geo: _Geometry,
    strip_conf: Callable[[int], float],
) -> int:
    """Ask Tesseract OSD (page at 150 dpi) when no strip read was sure.

    Below `OSD_MIN_CONFIDENCE` the strips on OSD's axis (else the geometry's) decide.
    """
    scale = min(1.0, ANALYSIS_DPI / max(dpi, 1))
    small = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else gray
    )
    osd = tesseract.detect_orientation(
        small, dpi=round(dpi * scale), timeout_s=settings.page_timeout_s, page_label=label
    )
    log.debug(
        "%s: geometry sideways=%s margin=%.2f; OSD %s", label, geo.sideways, geo.upright_margin, osd
    )
    if osd is not None and osd.confidence >= OSD_MIN_CONFIDENCE:
        return osd.rotate
    candidates = (90, 270) if geo.sideways else (0, 180)
    if osd is not None and osd.rotate not in candidates:
        candidates = (osd.rotate, (osd.rotate + 180) % 360)
    return max(candidates, key=strip_conf)


def _skew_after(geo: _Geometry, rotation: int) -> float:
    """Express the measured skew in the frame of the page once turned by `rotation`."""
    if geo.sideways != (rotation in (90, 270)):
        return 0.0  # geometry and decision disagree on the axis: measure again after turning
    return geo.skew_deg  # a half turn leaves the tilt of the lines unchanged


def noise_level(gray: np.ndarray) -> float:
    """Estimated sensor-noise std in grey levels (median absolute Laplacian of the paper).

    Medians come from histograms of the integer images (the same values as sorting, at a
    fraction of the cost: this runs on every page).
    """
    small = np.ascontiguousarray(gray[::2, ::2])
    lap = np.abs(cv2.Laplacian(small, cv2.CV_16S, ksize=1))
    paper = small >= _histogram_median(np.bincount(small.ravel(), minlength=256))
    if not paper.any():
        return 0.0
    return float(_histogram_median(np.bincount(lap[paper])) * 1.4826 / math.sqrt(20))


def _histogram_median(counts: np.ndarray) -> float:
    """Median of the values whose histogram (value -> count) is `counts` (numpy's definition)."""
    total = int(counts.sum())
    cumulative = np.cumsum(counts)
    low = int(np.searchsorted(cumulative, (total - 1) // 2 + 1))
    high = int(np.searchsorted(cumulative, total // 2 + 1))
    return (low + high) / 2


def denoise(gray: np.ndarray) -> np.ndarray:
    """Median 3×3 on noisy scans: removes salt-and-pepper and sensor grain, keeps strokes."""
    if noise_level(gray) < 6.0:
        return gray
    return cv2.medianBlur(gray, 3)


def binarize(gray: np.ndarray, method: str = BINARIZATION, dpi: int = TARGET_DPI) -> np.ndarray:
    """Black text on white, chosen by measured CER (see module docstring).

    `normalized_otsu` divides by the paper's brightness (estimated by a max filter at low
    resolution) so shading and grey photocopies become flat, then thresholds with Otsu.
    """
    if method == "none":
        return gray
    if method == "otsu":
        _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return out
    if method == "sauvola":
        return _sauvola(gray, window=_odd(dpi / 300 * 41), k=0.2)
    if method == "adaptive":
        return cv2.adaptiveThreshold(
            gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, _odd(dpi / 300 * 51), 15
        )
    if method == "normalized_otsu":
        flat = normalize_background(gray, dpi)
        _, out = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return out
    raise ValueError(f"unknown binarization method {method!r}")


def normalize_background(gray: np.ndarray, dpi: int = TARGET_DPI) -> np.ndarray:
    """Divide out uneven paper brightness: background by dilation at 1/8 scale, blurred."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    k = _odd(dpi / 300 * 7)
    background = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    background = cv2.GaussianBlur(background, (k, k), 0)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return flat


def _odd(value: float) -> int:
    n = max(3, int(round(value)))
    return n if n % 2 else n + 1


def _sauvola(gray: np.ndarray, window: int, k: float, r: float = 128.0) -> np.ndarray:
    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, cv2.CV_32F, (window, window))
    sq = cv2.boxFilter(g * g, cv2.CV_32F, (window, window))
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    threshold = mean * (1 + k * (std / r - 1))
    return np.where(g > threshold, 255, 0).astype(np.uint8)


remove_specks = cleanup.remove_specks
"""Whiten isolated specks, keeping Vietnamese diacritic dots (see pipeline/cleanup/specks.py)."""


DEWARP = False
"""Line dewarping is off: measured, its curl estimate misses real bends (5 px of 25) and
it fires on two-column headers of flat pages, where it damaged the document number
("Số: 27/KH-UBND" read as "S0: 27/€H-UBND"); the warp set's gains come from the other steps."""


def prepare_page(
    image: Image.Image, dpi: int, settings: OcrSettings, page_label: str = ""
) -> PreparedPage:
    """Make one page ready for OCR (see the module docstring for the steps and choices)."""
    keep = settings.keep_images
    steps: dict[str, np.ndarray] = {}
    report = cleanup.CleanupReport()
    gray = to_gray(image, report)
    gray, dpi = upsample(gray, dpi or TARGET_DPI, settings.min_dpi_for_ocr)
    if keep:
        steps["gray"] = gray
    gray = cleanup.clean_gray(gray, dpi, report, keep)
    rotation, skew = detect_rotation(gray, dpi, settings, page_label)
    if rotation:
        gray = rotate_quarters(gray, rotation)
        skew = measure_skew(gray, dpi) if skew == 0.0 else skew
    gray = deskew(gray, skew)
    if keep:
        steps["upright"] = gray
    if DEWARP:
        gray = cleanup.straighten_lines(gray, dpi, report, keep)
    gray = denoise(gray)
    method = cleanup.choose_binarization(gray, BINARIZATION)
    binary = binarize(gray, method, dpi)
    if keep:
        steps.update(report.steps)
        steps["binary"] = binary
    clean = cleanup.clean_binary(binary, dpi, report) if method != "none" else binary
    log.debug(
        "%s: rotation %d°, skew %.2f°, %d dpi; cleanup %s %s",
        page_label,
        rotation,
        skew,
        dpi,
        report.applied or "none",
        report.measures,
    )
    return PreparedPage(
        image=clean, dpi=dpi, skew_deg=round(skew, 2), rotation_deg=rotation, steps=steps
    )

"""Draw what real archive scans carry over a rendered directive page, with a seeded RNG.

Real scans of directives are not clean renders: a red round seal is stamped over the
signature, the signature is a scribble, the clerk writes "Trình đ/c Bí thư" in the
margin and stamps "ĐẾN Số … Ngày …" over the issuer header, the back page bleeds
through mirrored, a photocopier breaks and thickens strokes and leaves toner specks and
streaks, the binding casts a shadow, the page curls, and sheets are fed upside down or
sideways. Real archive scans cannot ship with their truth, so we draw these artifacts
ourselves over held-out corpus text: the truth is the typed text only (seal, stamp,
signature and handwritten notes are not part of it).

Everything is deterministic for a given seed. Pages are built as float RGB in [0, 1]
(paper = 1) and ink is laid multiplicatively, as ink on paper: black under a red seal
stays black.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.render import (
    MARGINS_MM,
    DirectiveLayout,
    font,
    iter_heldout_layouts,
    render_document,
)

log = logging.getLogger(__name__)

ARTIFACTS = (
    "seal",
    "signature",
    "margin_notes",
    "received_stamp",
    "bleed_through",
    "photocopy",
    "binding_shadow",
    "warp",
    "grey",
    "turned",
)
"""Every artifact `render_hard_page` can draw, in the order it draws them."""

HAND_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Oblique.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Italic.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf"),
)
"""Fonts with full Vietnamese for handwriting (jittered below); the first one found is used."""

MARGIN_NOTES = (
    "Trình đ/c Bí thư",
    "VPDU",
    "Sao gửi các ban",
    "Đ/c Phó Bí thư xem",
    "Lưu hồ sơ",
    "Chuyển Ban Tuyên giáo",
    "ký: đ/c Hùng",
    "Đã xử lý",
)
"""Clerk's notes of the kind found in the margins of archived directives."""

SEAL_RED = (0.78, 0.12, 0.16)
PEN_BLUE = (0.12, 0.16, 0.50)
STAMP_VIOLET = (0.45, 0.18, 0.62)
PENCIL = (0.35, 0.35, 0.35)


@dataclass
class HardPage:
    """One hard page: the image, its dpi, the typed text on it, and what was drawn.

    `turn_cw` is the clockwise turn applied when feeding it (0/90/180/270): the
    preprocessor must turn it back by `(360 - turn_cw) % 360`. `notes` are the
    handwritten texts drawn in the margins (not part of `truth`).
    """

    image: Image.Image
    dpi: int
    truth: str
    artifacts: tuple[str, ...]
    turn_cw: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def upright_turn(self) -> int:
        """The clockwise turn that makes this page upright again."""
        return (360 - self.turn_cw) % 360


def one_page_layout(layout: DirectiveLayout, dpi: int = 300) -> DirectiveLayout:
    """Shorten the body until header, body, recipients and signature fit on one page.

    A hard page needs its header (for the received stamp) and its signature (for the
    seal) on the same sheet, as on the short directives archivists scan most.
    """
    body = list(layout.body)
    while True:
        candidate = replace(layout, body=body)
        if len(render_document(candidate, dpi=dpi)) == 1 or not body:
            return candidate
        if len(body) > 1:
            body = body[:-1]
        else:
            words = body[0].split()
            body = [" ".join(words[: len(words) * 2 // 3])] if len(words) > 12 else []


def heldout_hard_layouts(limit: int, corpus_dir: Path | None = None) -> list[DirectiveLayout]:
    """Up to `limit` held-out official documents with a header and signature, one page each."""
    out: list[DirectiveLayout] = []
    for layout in iter_heldout_layouts(corpus_dir):
        if not layout.signature or sum(map(len, layout.body)) < 800:
            continue
        out.append(one_page_layout(layout))
        if len(out) >= limit:
            break
    return out


# --- compositing -------------------------------------------------------------------------


def _lay_ink(page: np.ndarray, alpha: np.ndarray, colour: Sequence[float], x: int, y: int) -> None:
    """Lay ink of `colour` with coverage `alpha` (0..1, h×w) at (x, y), multiplicatively."""
    h, w = alpha.shape
    H, W = page.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[y0 - y : y1 - y, x0 - x : x1 - x, None].astype(np.float32)
    c = np.asarray(colour, dtype=np.float32)[None, None, :]
    page[y0:y1, x0:x1] *= 1.0 - a + a * c


def _ink_texture(shape: tuple[int, int], rng: np.random.Generator, grain: float) -> np.ndarray:
    """Uneven ink coverage (0.35..1): rubber stamps and pens never ink evenly."""
    h, w = shape
    small = rng.random((max(2, h // 9), max(2, w // 9))).astype(np.float32)
    smooth = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    fine = rng.random((h, w)).astype(np.float32)
    mix = np.clip(0.6 * smooth + 0.4 * fine, 0.0, 1.0)
    return np.clip(0.35 + 0.65 * mix**grain, 0.0, 1.0)


def _text_mask(text: str, fnt: ImageFont.FreeTypeFont) -> np.ndarray:
    left, top, right, bottom = fnt.getbbox(text)
    pad = 4
    img = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(img).text((pad - left, pad - top), text, font=fnt, fill=255)
    return np.asarray(img, dtype=np.float32) / 255.0


def _rotate_mask(mask: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate a mask counter-clockwise by `angle_deg`, growing it to hold every pixel."""
    h, w = mask.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos + 1), int(h * cos + w * sin + 1)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(mask, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=0)


def _hand_font(size_px: int) -> ImageFont.FreeTypeFont:
    for path in HAND_FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size_px)
    return font("italic", size_px)


def handwriting_mask(text: str, size_px: int, rng: np.random.Generator) -> np.ndarray:
    """Draw `text` pen-written: oblique glyphs, wobbling baseline, uneven stroke."""
    mask = _text_mask(text, _hand_font(size_px))
    h, w = mask.shape
    pad = size_px // 2
    mask = cv2.copyMakeBorder(mask, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    h, w = mask.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    phase, freq = rng.uniform(0, 2 * np.pi), rng.uniform(1.5, 3.0) * 2 * np.pi / max(w, 1)
    amp = size_px * rng.uniform(0.06, 0.12)
    map_y = yy + amp * np.sin(xx * freq + phase)
    map_x = xx + size_px * 0.05 * np.sin(yy * 0.3 + phase)
    mask = cv2.remap(mask, map_x, map_y, cv2.INTER_LINEAR, borderValue=0)
    if rng.random() < 0.5:
        mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
    return np.clip(mask * 1.2, 0, 1)


# --- the artifacts -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Geometry:
    """Where things are on the clean page (pixels)."""

    dpi: int
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    signature_box: tuple[int, int, int, int] | None
    """(left, top, right, bottom) of the signature block, or None when not found."""


def _mm(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def _page_geometry(gray: np.ndarray, dpi: int) -> _Geometry:
    h, w = gray.shape
    left, top, right, bottom = (_mm(m, dpi) for m in MARGINS_MM)
    right, bottom = w - right, h - bottom
    text_w = right - left
    x0 = left + int(text_w * 0.45)
    ink_rows = (gray[:, x0:right] < 128).sum(axis=1) > 0
    rows = np.flatnonzero(ink_rows)
    sig = None
    if len(rows) > 2:
        gaps = np.diff(rows)
        lower = rows[:-1] > h * 0.35
        if lower.any():
            i = int(np.argmax(np.where(lower, gaps, 0)))
            if gaps[i] > _mm(8, dpi):
                sig = (x0, int(rows[i]), right, int(rows[i + 1]))
    return _Geometry(dpi, w, h, left, top, right, bottom, sig)


def draw_seal(page: np.ndarray, geo: _Geometry, issuer: str, rng: np.random.Generator) -> None:
    """Stamp a red round seal (two rings, the issuer round the ring, a star).

    Half over the signature and the title line above it, as Vietnamese seals are stamped.
    """
    dpi = geo.dpi
    r = _mm(rng.uniform(17, 20), dpi)
    size = 2 * r + 8
    img = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(img)
    c = size // 2
    ring = max(3, r // 30)
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    inner = int(r * 0.68)
    d.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=max(2, ring - 1))
    star_r = int(r * 0.22)
    pts = [
        (
            c + (star_r if k % 2 == 0 else star_r * 0.4) * math.sin(math.pi * k / 5),
            c - (star_r if k % 2 == 0 else star_r * 0.4) * math.cos(math.pi * k / 5),
        )
        for k in range(10)
    ]
    d.polygon(pts, fill=255)
    mask = np.asarray(img, dtype=np.float32) / 255.0
    letters = (issuer.upper() or "ỦY BAN NHÂN DÂN") + " * "
    fnt = font("bold", max(12, int(r * 0.2)))
    radius = (r + inner) / 2
    span = 2 * math.pi * 0.92
    for k, ch in enumerate(letters):
        if ch == " ":
            continue
        angle = -math.pi / 2 - span / 2 + span * k / max(1, len(letters))
        glyph = _text_mask(ch, fnt)
        glyph = _rotate_mask(glyph, -math.degrees(angle) - 90)
        gx = int(c + radius * math.cos(angle) - glyph.shape[1] / 2)
        gy = int(c + radius * math.sin(angle) - glyph.shape[0] / 2)
        y0, x0 = max(0, gy), max(0, gx)
        y1, x1 = min(size, gy + glyph.shape[0]), min(size, gx + glyph.shape[1])
        mask[y0:y1, x0:x1] = np.maximum(
            mask[y0:y1, x0:x1], glyph[y0 - gy : y1 - gy, x0 - gx : x1 - gx]
        )
    mask *= _ink_texture(mask.shape, rng, 0.7)
    if geo.signature_box is not None:
        sl, st, sr, sb = geo.signature_box
        cx = int(sl + (sr - sl) * rng.uniform(0.15, 0.35))
        cy = int(st + rng.uniform(-0.1, 0.3) * (sb - st))
    else:
        cx, cy = int(geo.left + (geo.right - geo.left) * 0.65), int(geo.height * 0.8)
    _lay_ink(page, mask, SEAL_RED, cx - c, cy - c)


def draw_signature(page: np.ndarray, geo: _Geometry, rng: np.random.Generator) -> None:
    """Scribble a signature: a looping smooth curve and a flourish, blue or black pen."""
    dpi = geo.dpi
    if geo.signature_box is not None:
        sl, st, sr, sb = geo.signature_box
        x0 = int(sl + (sr - sl) * rng.uniform(0.3, 0.45))
        y0 = int((st + sb) / 2)
    else:
        x0, y0 = int(geo.left + (geo.right - geo.left) * 0.65), int(geo.height * 0.8)
    w, h = _mm(rng.uniform(30, 45), dpi), _mm(rng.uniform(8, 14), dpi)
    t = np.linspace(0, 1, 400)
    loops = rng.uniform(3, 6)
    xs = x0 + w * t + _mm(3, dpi) * np.sin(2 * np.pi * loops * t + rng.uniform(0, 6))
    ys = (
        y0
        + h / 2 * np.sin(2 * np.pi * loops * t) * (1 - 0.6 * t)
        + h * 0.2 * np.sin(2 * np.pi * 1.3 * t)
    )
    canvas = np.zeros(page.shape[:2], np.uint8)
    thick = max(2, dpi // 100)
    pts = np.stack([xs, ys], axis=1).astype(np.int32)
    cv2.polylines(canvas, [pts], False, 255, thick, cv2.LINE_AA)
    fx = np.linspace(x0 - w * 0.1, x0 + w * 1.1, 60)
    fy = y0 + h * 0.6 + _mm(2, dpi) * np.sin(np.linspace(0, np.pi, 60))
    cv2.polylines(canvas, [np.stack([fx, fy], 1).astype(np.int32)], False, 255, thick, cv2.LINE_AA)
    colour = PEN_BLUE if rng.random() < 0.6 else (0.08, 0.08, 0.1)
    _lay_ink(page, canvas.astype(np.float32) / 255.0, colour, 0, 0)


def draw_margin_notes(
    page: np.ndarray, geo: _Geometry, rng: np.random.Generator, colour_ink: bool
) -> list[str]:
    """Write three clerk's notes by hand; return the texts drawn.

    One in the top margin, one up the left margin, one under the recipients; pen or pencil.
    """
    dpi = geo.dpi
    picks = rng.choice(len(MARGIN_NOTES), size=3, replace=False)
    notes = [MARGIN_NOTES[int(i)] for i in picks]
    size = _mm(rng.uniform(4.2, 5.2), dpi)
    if colour_ink:
        colour = PEN_BLUE if rng.random() < 0.7 else SEAL_RED
    else:
        colour = PENCIL if rng.random() < 0.5 else (0.1, 0.1, 0.12)
    # top margin, above the header, slightly slanted
    top = handwriting_mask(notes[0], size, rng)
    top = _rotate_mask(top, rng.uniform(-4, 6))
    x = int(geo.left + rng.uniform(0.0, 0.25) * (geo.right - geo.left))
    y = max(0, int(geo.top - top.shape[0] - _mm(1, dpi)))
    _lay_ink(page, top, colour, x, y)
    # left margin: written up the margin
    side = handwriting_mask(notes[1], size, rng)
    side = _rotate_mask(side, 90 + rng.uniform(-5, 5))
    x = int(max(0, geo.left - side.shape[1] - _mm(4, dpi)))
    y = int(geo.height * rng.uniform(0.35, 0.5))
    _lay_ink(page, side, colour, x, y)
    # bottom margin, under the recipients
    low = handwriting_mask(notes[2], size, rng)
    low = _rotate_mask(low, rng.uniform(-5, 3))
    x = int(geo.left + rng.uniform(0.0, 0.1) * (geo.right - geo.left))
    y = int(min(geo.height - low.shape[0], geo.bottom + _mm(2, dpi)))
    _lay_ink(page, low, colour, x, y)
    return notes


def draw_received_stamp(page: np.ndarray, geo: _Geometry, rng: np.random.Generator) -> None:
    """Stamp a rectangular "ĐẾN Số … Ngày … Chuyển …" stamp with pen fill-ins, over the issuer."""
    dpi = geo.dpi
    w, h = _mm(rng.uniform(48, 56), dpi), _mm(rng.uniform(24, 28), dpi)
    img = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(img)
    d.rectangle((2, 2, w - 3, h - 3), outline=255, width=max(3, dpi // 80))
    big = font("bold", int(h * 0.26))
    small = font("bold", int(h * 0.15))
    d.text((int(w * 0.06), int(h * 0.1)), "ĐẾN", font=big, fill=255)
    d.text((int(w * 0.38), int(h * 0.12)), "Số: ..........", font=small, fill=255)
    d.text((int(w * 0.38), int(h * 0.40)), "Ngày: ......", font=small, fill=255)
    d.text((int(w * 0.06), int(h * 0.68)), "Chuyển: ................", font=small, fill=255)
    mask = np.asarray(img, dtype=np.float32) / 255.0 * _ink_texture((h, w), rng, 0.8)
    mask = _rotate_mask(mask, rng.uniform(-6, 6))
    stamp_colour = [STAMP_VIOLET, SEAL_RED, PEN_BLUE][int(rng.integers(3))]
    x = int(geo.left + rng.uniform(-0.05, 0.12) * (geo.right - geo.left))
    y = int(geo.top + rng.uniform(-0.2, 0.5) * h)
    _lay_ink(page, mask, stamp_colour, x, y)
    fill = int(h * 0.16)
    for text, fx, fy in (
        (str(int(rng.integers(100, 2000))), 0.62, 0.10),
        (f"{int(rng.integers(1, 29))}/{int(rng.integers(1, 13))}", 0.62, 0.38),
        ("VP", 0.45, 0.64),
    ):
        hand = handwriting_mask(text, fill, rng)
        _lay_ink(page, hand, PEN_BLUE, x + int(w * fx), y + int(h * fy))


def bleed_through(
    page: np.ndarray, back: np.ndarray, rng: np.random.Generator, strength: float
) -> None:
    """Show the back page's text through the paper: mirrored, blurred and faint."""
    h, w = page.shape[:2]
    back = cv2.resize(np.fliplr(back), (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    back = cv2.GaussianBlur(back / 255.0, (0, 0), 1.6)
    dx, dy = int(rng.integers(-20, 20)), int(rng.integers(-30, 30))
    back = np.roll(back, (dy, dx), axis=(0, 1))
    ink = (1.0 - back) * strength
    page *= (1.0 - ink * 0.92)[..., None]


def photocopy(page: np.ndarray, rng: np.random.Generator, dpi: int) -> None:
    """Damage the page as a photocopier does.

    Broken and thickened strokes by region, grey low-contrast toner, toner specks and
    clusters, a vertical streak or two.
    """
    h, w = page.shape[:2]
    gray = page.mean(axis=2)
    # strokes broken in some regions, thickened in others (low-frequency field)
    field_ = cv2.resize(
        rng.random((6, 4)).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR
    )
    kernel = np.ones((2, 2), np.uint8)
    thin = cv2.dilate(gray, kernel)  # erodes ink
    thick = cv2.erode(gray, kernel)  # grows ink
    gray2 = np.where(field_ < 0.3, thin, np.where(field_ > 0.75, thick, gray))
    dropout = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 1.2)
    gray2 = np.where((dropout > 0.56) & (gray2 < 0.6), gray2 + 0.45, gray2)
    # grey, low-contrast toner: ink 0 → 0.30..0.42, paper 1 → 0.86..0.92
    ink_level, paper_level = rng.uniform(0.30, 0.42), rng.uniform(0.86, 0.92)
    scale = (gray2 / np.maximum(gray, 1e-3))[..., None]
    page *= np.clip(scale, 0, 1.5)
    page[:] = ink_level + (paper_level - ink_level) * np.clip(page, 0, 1)
    # toner specks: scattered dots and a few clusters
    n = int(rng.integers(300, 700))
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    radii = rng.choice([1, 1, 1, 2, 2, 3], n)
    canvas = np.zeros((h, w), np.uint8)
    for y, x, r in zip(ys, xs, radii, strict=True):
        cv2.circle(canvas, (int(x), int(y)), int(r), 255, -1)
    for _ in range(int(rng.integers(2, 5))):
        cy, cx = int(rng.integers(0, h)), int(rng.integers(0, w))
        for _ in range(40):
            cv2.circle(
                canvas,
                (cx + int(rng.normal(0, 25)), cy + int(rng.normal(0, 25))),
                int(rng.integers(1, 3)),
                255,
                -1,
            )
    # one or two vertical toner streaks
    for _ in range(int(rng.integers(1, 3))):
        sx = int(rng.integers(int(w * 0.1), int(w * 0.9)))
        y0 = int(rng.integers(0, h // 3))
        y1 = int(rng.integers(2 * h // 3, h))
        end = (sx + int(rng.integers(-6, 6)), y1)
        cv2.line(canvas, (sx, y0), end, 160, int(rng.integers(2, 4)))
    a = canvas.astype(np.float32) / 255.0
    page *= (1.0 - a * 0.85)[..., None]


def binding_shadow(page: np.ndarray, rng: np.random.Generator) -> None:
    """Darken a band fading in from the bound edge (left or right), as from a book scanner."""
    h, w = page.shape[:2]
    width = int(w * rng.uniform(0.08, 0.14))
    depth = rng.uniform(0.55, 0.75)
    x = np.arange(w, dtype=np.float32)
    dist = x if rng.random() < 0.7 else (w - 1 - x)
    light = 1.0 - depth * np.clip(1.0 - dist / width, 0.0, 1.0) ** 1.6
    page *= light[None, :, None]


def warp(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Page curl (lines bend near the binding) and a slight perspective tilt."""
    h, w = page.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    amp = h * rng.uniform(0.006, 0.012)
    side = rng.random() < 0.5
    u = (xx / w) if side else (1.0 - xx / w)
    curl = amp * (u**2) * (0.6 + 0.4 * np.cos(np.pi * yy / h))
    map_y = yy - curl
    map_x = xx + amp * 0.3 * np.sin(np.pi * yy / h) * u
    out = cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    d = 0.012 * min(h, w)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + rng.uniform(-d, d, (4, 2)).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(
        out,
        m,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(1, 1, 1),
    )


def scan(page: np.ndarray, rng: np.random.Generator, grey: bool, tilt_deg: float) -> Image.Image:
    """Put the sheet on the glass: slight tilt, paper tint, sensor noise, optics, JPEG."""
    h, w = page.shape[:2]
    if not grey:
        tint = np.array([1.0, rng.uniform(0.96, 0.99), rng.uniform(0.88, 0.95)], np.float32)
        page = page * tint[None, None, :]
    if abs(tilt_deg) > 0.01:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), tilt_deg, 1.0)
        page = cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(1, 1, 1))
    page = cv2.GaussianBlur(page, (0, 0), 0.7)
    page = page + rng.normal(0, 0.025, page.shape).astype(np.float32)
    arr = (np.clip(page, 0, 1) * 255).astype(np.uint8)
    img = Image.fromarray(arr, "RGB")
    if grey:
        img = img.convert("L")
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=80)
    buffer.seek(0)
    out = Image.open(buffer)
    out.load()
    return out


def render_hard_page(
    layout: DirectiveLayout,
    artifacts: Sequence[str],
    *,
    seed: int,
    dpi: int = 300,
    back: DirectiveLayout | None = None,
    turn_cw: int | None = None,
) -> HardPage:
    """Render the first page of `layout` and draw `artifacts` over it (see `ARTIFACTS`).

    `back` is the text that bleeds through (default: the same layout's body, reversed);
    `turn_cw` fixes the turn of a "turned" page (default: drawn from 90/180/270).
    """
    unknown = set(artifacts) - set(ARTIFACTS)
    if unknown:
        raise ValueError(f"unknown artifacts: {sorted(unknown)}")
    rng = np.random.default_rng(seed)
    rendered = render_document(layout, dpi=dpi)[0]
    clean = np.asarray(rendered.image.convert("L"))
    geo = _page_geometry(clean, dpi)
    page = np.repeat((clean.astype(np.float32) / 255.0)[..., None], 3, axis=2)
    grey = "grey" in artifacts
    notes: list[str] = []
    if "bleed_through" in artifacts:
        back_layout = back or replace(layout, body=list(reversed(layout.body)))
        back_img = np.asarray(render_document(back_layout, dpi=dpi)[0].image.convert("L"))
        bleed_through(page, back_img, rng, rng.uniform(0.28, 0.4))
    if "received_stamp" in artifacts:
        draw_received_stamp(page, geo, rng)
    if "signature" in artifacts:
        draw_signature(page, geo, rng)
    if "seal" in artifacts:
        draw_seal(page, geo, layout.issuer[0] if layout.issuer else "", rng)
    if "margin_notes" in artifacts:
        notes = draw_margin_notes(page, geo, rng, colour_ink=not grey or rng.random() < 0.3)
    if "photocopy" in artifacts:
        photocopy(page, rng, dpi)
    if "binding_shadow" in artifacts:
        binding_shadow(page, rng)
    if "warp" in artifacts:
        page = warp(page, rng)
    image = scan(page, rng, grey, tilt_deg=float(rng.uniform(-1.5, 1.5)))
    turn = 0
    if "turned" in artifacts:
        turn = int(turn_cw if turn_cw is not None else rng.choice([90, 180, 270]))
        if turn:
            image = image.rotate(-turn, expand=True)
    image.info["dpi"] = (dpi, dpi)
    return HardPage(image, dpi, rendered.truth, tuple(artifacts), turn, notes)


def iter_hard_pages(
    layouts: Sequence[DirectiveLayout],
    artifact_sets: dict[str, Sequence[str]],
    *,
    seed: int = 0,
) -> Iterator[tuple[str, int, HardPage]]:
    """Yield (set name, layout index, page) for every layout × named artifact set."""
    for name, artifacts in artifact_sets.items():
        for k, layout in enumerate(layouts):
            back = layouts[(k + 1) % len(layouts)] if len(layouts) > 1 else None
            page_seed = seed + 7919 * k + sum(map(ord, name))
            yield name, k, render_hard_page(layout, artifacts, seed=page_seed, back=back)

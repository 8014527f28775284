"""Render Vietnamese text as scanned-looking A4 pages, with the exact text drawn (the truth).

Tests, benchmarks and samples need pages whose text is known to the character. Real scans
of directives cannot ship with their truth, so we draw pages ourselves: Liberation Serif
(Times-metric, complete Vietnamese), the official directive layout (two-column header,
centred type and title, justified body, "Nơi nhận:" beside the signature), then `degrade`
adds what scanners and fax machines do (skew, blur, low resolution, noise, JPEG, bitonal).

The truth text lists the drawn lines in reading order: one truth line per drawn line, the
left header column before the right one, "Nơi nhận:" before the signature block.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.document import nfc

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
A4_MM = (210.0, 297.0)
MARGINS_MM = (30.0, 20.0, 20.0, 20.0)
"""Left, top, right, bottom: the margins of Vietnamese administrative documents (Decree 30/2020)."""


@dataclass
class DirectiveLayout:
    """The parts of an official directive, as drawn on its pages.

    `issuer` is the left header column (issuing body, "Số …"); `national` the right one
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" or
    "ĐẢNG CỘNG SẢN VIỆT NAM"); `place_date` goes under it in italics. Any part may be empty.
    """

    issuer: list[str] = field(default_factory=list)
    number: str = ""
    national: list[str] = field(default_factory=list)
    place_date: str = ""
    subject: str = ""
    doc_type: str = ""
    title: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


@dataclass
class RenderedPage:
    """One rendered page: the image, its resolution, and the text drawn on it line by line."""

    image: Image.Image
    dpi: int
    truth_lines: list[str]

    @property
    def truth(self) -> str:
        """The drawn lines joined by newlines."""
        return "\n".join(self.truth_lines)


def font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    """Liberation Serif in `style` ("regular", "bold", "italic", "bolditalic") at `size_px`."""
    path = FONT_DIR / FONT_FILES[style]
    if not path.exists():
        raise FileNotFoundError(f"{path}: font missing (install fonts-liberation2)")
    return _cached_font(str(path), size_px)


_FONT_CACHE: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def _cached_font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    key = (path, size_px)
    if key not in _FONT_CACHE:
        _FONT_CACHE[key] = ImageFont.truetype(path, size_px)
    return _FONT_CACHE[key]


def _px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def _pt(points: float, dpi: int) -> int:
    return round(points / 72.0 * dpi)


class _Canvas:
    """Pages being filled top to bottom; starts a new page when the next line does not fit."""

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi
        self.width, self.height = _px(A4_MM[0], dpi), _px(A4_MM[1], dpi)
        left, top, right, bottom = (_px(m, dpi) for m in MARGINS_MM)
        self.left, self.top, self.right, self.bottom = (
            left,
            top,
            self.width - right,
            self.height - bottom,
        )
        self.pages: list[RenderedPage] = []
        self._new_page()

    def _new_page(self) -> None:
        image = Image.new("L", (self.width, self.height), 255)
        self.pages.append(RenderedPage(image, self.dpi, []))
        self.draw = ImageDraw.Draw(image)
        self.y = self.top

    def ensure_room(self, height: int) -> None:
        if self.y + height > self.bottom and self.y > self.top:
            self._new_page()

    def text(self, x: float, y: float, text: str, fnt: ImageFont.FreeTypeFont) -> None:
        self.draw.text((x, y), text, font=fnt, fill=0)

    def record(self, line: str) -> None:
        if line.strip():
            self.pages[-1].truth_lines.append(line)


def _width(text: str, fnt: ImageFont.FreeTypeFont) -> float:
    return fnt.getlength(text)


def _wrap(text: str, fnt: ImageFont.FreeTypeFont, width: float, indent: float = 0.0) -> list[str]:
    """Greedy word wrap of `text` into lines no wider than `width` (the first one indented)."""
    words = text.split()
    lines: list[str] = []
    current: list[str] = []
    avail = width - indent
    for word in words:
        trial = " ".join([*current, word])
        if current and _width(trial, fnt) > avail:
            lines.append(" ".join(current))
            current = [word]
            avail = width
        else:
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _centred_block(
    canvas: _Canvas,
    lines: Sequence[tuple[str, str]],
    centre_x: float,
    y: int,
    size_px: int,
    max_width: float,
    underline_last: bool = False,
) -> tuple[int, list[str]]:
    """Draw (style, text) lines centred on `centre_x`, wrapped; return the bottom y and lines."""
    drawn: list[str] = []
    line_h = round(size_px * 1.2)
    for style, text in lines:
        fnt = font(style, size_px)
        for piece in _wrap(text, fnt, max_width):
            w = _width(piece, fnt)
            canvas.text(centre_x - w / 2, y, piece, fnt)
            drawn.append(piece)
            last_w, last_y = w, y
            y += line_h
    if underline_last and drawn:
        uy = last_y + round(size_px * 1.12)
        canvas.draw.line(
            [(centre_x - last_w / 2, uy), (centre_x + last_w / 2, uy)],
            fill=0,
            width=max(1, size_px // 22),
        )
        y += size_px // 4
    return y, drawn


def _draw_header(canvas: _Canvas, layout: DirectiveLayout, size_px: int) -> None:
    """Two columns side by side: issuer (left) and national/Party header (right)."""
    text_w = canvas.right - canvas.left
    left_w = text_w * 0.42
    right_w = text_w * 0.58
    left_cx = canvas.left + left_w / 2 - _px(10, canvas.dpi)
    right_cx = canvas.left + left_w + right_w / 2
    small = round(size_px * 0.95)
    y0 = canvas.y
    issuer = [
        ("regular" if i < len(layout.issuer) - 1 else "bold", t)
        for i, t in enumerate(layout.issuer)
    ]
    if layout.number:
        issuer.append(("regular", layout.number))
    if layout.subject:
        issuer.append(("regular", layout.subject))
    y_left, left_lines = _centred_block(canvas, issuer, left_cx, y0, small, left_w)
    national = [("bold", t) for t in layout.national]
    y_right, right_lines = _centred_block(
        canvas, national, right_cx, y0, small, right_w, underline_last=bool(national)
    )
    if layout.place_date:
        y_right += size_px // 3
        y_right, dated = _centred_block(
            canvas, [("italic", layout.place_date)], right_cx, y_right, size_px, right_w
        )
        right_lines += dated
    for line in left_lines + right_lines:
        canvas.record(line)
    canvas.y = max(y_left, y_right) + size_px


def _draw_centred(canvas: _Canvas, lines: Sequence[str], style: str, size_px: int) -> None:
    cx = (canvas.left + canvas.right) / 2
    for text in lines:
        fnt = font(style, size_px)
        for piece in _wrap(text, fnt, (canvas.right - canvas.left) * 0.9):
            canvas.ensure_room(size_px)
            canvas.text(cx - _width(piece, fnt) / 2, canvas.y, piece, fnt)
            canvas.record(piece)
            canvas.y += round(size_px * 1.25)


def _draw_paragraph(
    canvas: _Canvas, text: str, size_px: int, style: str = "regular", justify: bool = True
) -> None:
    """Draw a body paragraph: first line indented 1 cm, justified lines, the last one ragged."""
    fnt = font(style, size_px)
    indent = _px(10, canvas.dpi)
    width = canvas.right - canvas.left
    lines = _wrap(text, fnt, width, indent)
    line_h = round(size_px * 1.3)
    for i, line in enumerate(lines):
        canvas.ensure_room(line_h)
        x0 = canvas.left + (indent if i == 0 else 0)
        avail = width - (indent if i == 0 else 0)
        words = line.split(" ")
        if justify and i < len(lines) - 1 and len(words) > 1:
            natural = sum(_width(w, fnt) for w in words)
            gap = (avail - natural) / (len(words) - 1)
            x = float(x0)
            for word in words:
                canvas.text(x, canvas.y, word, fnt)
                x += _width(word, fnt) + gap
        else:
            canvas.text(x0, canvas.y, line, fnt)
        canvas.record(line)
        canvas.y += line_h
    canvas.y += size_px // 3


def _draw_closing(canvas: _Canvas, layout: DirectiveLayout, size_px: int) -> None:
    """Draw the recipients list (left, small) beside the signature block (right, bold)."""
    small = round(size_px * 0.85)
    needed = max(len(layout.recipients) * round(small * 1.2), len(layout.signature) * size_px * 3)
    canvas.ensure_room(min(needed, canvas.bottom - canvas.top))
    y0 = canvas.y + size_px // 2
    text_w = canvas.right - canvas.left
    y = y0
    left_lines: list[str] = []
    for i, text in enumerate(layout.recipients):
        style = "bolditalic" if i == 0 else "regular"
        fnt = font(style, small if i else round(size_px * 0.9))
        for piece in _wrap(text, fnt, text_w * 0.48):
            canvas.text(canvas.left, y, piece, fnt)
            left_lines.append(piece)
            y += round(small * 1.2)
    cx = canvas.left + text_w * 0.72
    sig_y = y0
    right_lines: list[str] = []
    for i, text in enumerate(layout.signature):
        if i == len(layout.signature) - 1 and len(layout.signature) > 1:
            sig_y += size_px * 4  # room for the hand signature and seal
        sig_y, drawn = _centred_block(canvas, [("bold", text)], cx, sig_y, size_px, text_w * 0.5)
        right_lines += drawn
    for line in left_lines + right_lines:
        canvas.record(line)
    canvas.y = max(y, sig_y) + size_px


def render_document(
    content: DirectiveLayout | Sequence[str], *, dpi: int = 300, font_pt: float = 13.0
) -> list[RenderedPage]:
    """Render a directive layout (or plain paragraphs) onto as many A4 pages as it needs."""
    canvas = _Canvas(dpi)
    size_px = _pt(font_pt, dpi)
    if isinstance(content, DirectiveLayout):
        layout = content
        if layout.issuer or layout.national:
            _draw_header(canvas, layout, size_px)
        if layout.doc_type:
            _draw_centred(canvas, [layout.doc_type], "bold", round(size_px * 1.08))
        if layout.title:
            _draw_centred(canvas, layout.title, "bold", size_px)
            canvas.y += size_px // 2
        paragraphs: Sequence[str] = layout.body
    else:
        layout = None
        paragraphs = content
    for paragraph in paragraphs:
        text = nfc(paragraph).strip()
        if not text:
            continue
        heading = _is_heading(text)
        _draw_paragraph(
            canvas, text, size_px, style="bold" if heading else "regular", justify=not heading
        )
    if layout is not None and (layout.recipients or layout.signature):
        _draw_closing(canvas, layout, size_px)
    pages = [page for page in canvas.pages if page.truth_lines]
    return pages or canvas.pages[:1]


def render_page(
    content: DirectiveLayout | Sequence[str],
    *,
    dpi: int = 300,
    font_pt: float = 13.0,
    seed: int | None = None,
) -> tuple[Image.Image, str]:
    """Render the first A4 page of `content`; return the image and the text drawn on it.

    `seed` is accepted for symmetry with `degrade` (rendering itself is deterministic).
    """
    del seed
    first = render_document(content, dpi=dpi, font_pt=font_pt)[0]
    return first.image, first.truth


_HEADING = re.compile(r"^([IVXLC]+\.|[A-ZĐ][^a-zà-ỹ]{3,}$|Điều \d+\.|Chương [IVXLC\d]+)")


def _is_heading(text: str) -> bool:
    """Section headings ("I. MỤC ĐÍCH", "Điều 3.") are drawn bold and not justified."""
    return bool(_HEADING.match(text)) and len(text) < 120


def degrade(
    image: Image.Image,
    *,
    rotate_deg: float = 0.0,
    noise: float = 0.0,
    blur: float = 0.0,
    jpeg_quality: int | None = None,
    dpi_scale: float = 1.0,
    bitonal: bool = False,
    shading: float = 0.0,
    speckle: float = 0.0,
    seed: int = 0,
) -> Image.Image:
    """Make a clean render look scanned: in the order a scanner does it.

    rotate_deg: page turned on the glass (counter-clockwise, canvas expanded, white fill);
    blur: optics (Gaussian radius in pixels of the input); dpi_scale: sampling resolution
    relative to the input (0.5 turns 300 dpi into 150); shading: uneven illumination (0..1,
    how much darker the darkest corner gets); noise: sensor noise (std in grey levels);
    speckle: share of pixels flipped to black/white dust; bitonal: fax-like 1-bit threshold;
    jpeg_quality: lossy compression. The output is mode "L" with `info["dpi"]` set.
    """
    rng = np.random.default_rng(seed)
    dpi_in = int(image.info.get("dpi", (300, 300))[0]) if image.info.get("dpi") else 300
    img = image.convert("L")
    if rotate_deg:
        quarter = rotate_deg % 360
        if quarter in (90, 180, 270):
            img = img.transpose(
                {
                    90: Image.Transpose.ROTATE_90,
                    180: Image.Transpose.ROTATE_180,
                    270: Image.Transpose.ROTATE_270,
                }[int(quarter)]
            )
        else:
            img = img.rotate(
                rotate_deg, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
            )
    if blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if dpi_scale != 1.0:
        size = (max(1, round(img.width * dpi_scale)), max(1, round(img.height * dpi_scale)))
        img = img.resize(size, Image.Resampling.BOX if dpi_scale < 1 else Image.Resampling.BICUBIC)
    arr = np.asarray(img, dtype=np.float32)
    if shading > 0:
        h, w = arr.shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        dist = np.hypot(xx - cx, yy - cy) / math.hypot(w, h)
        light = 1.0 - shading * np.clip(dist / dist.max(), 0, 1) ** 1.5
        arr = arr * light
    if noise > 0:
        arr = arr + rng.normal(0.0, noise, arr.shape).astype(np.float32)
    if speckle > 0:
        mask = rng.random(arr.shape) < speckle
        arr[mask] = rng.choice(np.array([0.0, 255.0], dtype=np.float32), size=int(mask.sum()))
    arr = np.clip(arr, 0, 255)
    if bitonal:
        arr = np.where(arr < 150, 0, 255)
    out = Image.fromarray(arr.astype(np.uint8), "L")
    if jpeg_quality is not None and not bitonal:
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=int(jpeg_quality))
        buffer.seek(0)
        out = Image.open(buffer).convert("L")
    dpi_out = round(dpi_in * dpi_scale)
    out.info["dpi"] = (dpi_out, dpi_out)
    return out


_NATIONAL_START = ("CỘNG HÒA", "CỘNG HOÀ", "ĐẢNG CỘNG SẢN")
_MOTTO = "Độc lập"
_SIGNATURE_START = re.compile(
    r"^(TM\.|KT\.|TL\.|TUQ\.|Q\.|CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|T/M|K/T)"
)


def layout_from_corpus(document: str) -> DirectiveLayout | None:
    """Split one corpus document (one paragraph or header line per line) into a `DirectiveLayout`.

    Works on documents that start with the official header lines, as in
    `legal_admin_tvpl_2025.txt`; returns None when the header is not recognised. Annexes
    ("PHỤ LỤC") are dropped: their flattened tables do not render as a directive.
    """
    lines = [nfc(line).strip() for line in document.split("\n") if line.strip()]
    layout = DirectiveLayout()
    i = 0
    while i < len(lines) and not lines[i].startswith(_NATIONAL_START) and len(layout.issuer) < 4:
        layout.issuer.append(lines[i])
        i += 1
    if i >= len(lines) or not lines[i].startswith(_NATIONAL_START):
        return None
    layout.national.append(lines[i])
    i += 1
    if i < len(lines) and lines[i].startswith(_MOTTO):
        layout.national.append(lines[i])
        i += 1
    while i < len(lines) and i < 12:
        line = lines[i]
        if line.startswith("Số"):
            layout.number = line
        elif line.startswith("V/v"):
            layout.subject = line
        elif ", ngày" in line and len(line) < 80:
            layout.place_date = line
        else:
            break
        i += 1
    if i < len(lines) and lines[i].isupper() and len(lines[i]) < 40:
        layout.doc_type = lines[i]
        i += 1
    while (
        i < len(lines)
        and (lines[i].isupper() or lines[i].startswith("Về "))
        and len(layout.title) < 3
    ):
        layout.title.append(lines[i])
        i += 1
    while i < len(lines) and not lines[i].startswith("Nơi nhận"):
        if lines[i].startswith("PHỤ LỤC") or _SIGNATURE_START.match(lines[i]):
            break
        layout.body.append(lines[i])
        i += 1
    if i < len(lines) and lines[i].startswith("Nơi nhận"):
        while (
            i < len(lines) and not _SIGNATURE_START.match(lines[i]) and len(layout.recipients) < 16
        ):
            layout.recipients.append(lines[i])
            i += 1
    while i < len(lines) and not lines[i].startswith("PHỤ LỤC") and len(layout.signature) < 5:
        layout.signature.append(lines[i])
        i += 1
    return layout


def iter_heldout_layouts(corpus_dir: Path | None = None) -> Iterator[DirectiveLayout]:
    """Held-out official documents of the corpus that parse as directive layouts.

    The one source of rendered benchmark and test pages: never a document the models or
    dictionaries were built from (`pipeline.corpus.is_heldout`). Nothing when no corpus.
    """
    from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split

    corpus = corpus_dir or default_corpus_dir()
    if corpus is None:
        return
    for name in OFFICIAL_FILES:
        path = corpus / name
        if not path.exists():
            continue
        for document in iter_split(path, heldout=True):
            layout = layout_from_corpus(document)
            if layout is not None:
                yield layout

"""Open input files: tell what they are from their bytes, count pages, yield page images.

Kinds come from magic bytes, never from the name: a PNG called `.jpg` is read as the
image it is, while a text file called `.png` is refused (its name promises a scan; the
user must have picked the wrong file). Pages are produced one at a time (a 300-page PDF
is never held in memory), and every failure becomes a `BadInputError` naming the file.
"""

from __future__ import annotations

import logging
import re
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.document import Document, DocumentKind
from pipeline.errors import BadInputError, MissingDependencyError

log = logging.getLogger(__name__)

MAX_PIXELS = 200_000_000
"""Pixel limit per page (A3 at 1200 dpi is ~250 M): above it a file is a decompression bomb."""
MIN_SIDE_PX = 16
"""Smallest page side that can hold a line of text (a letter at 300 dpi is 30-40 px high).
Why refuse smaller ones: a 1×1 or 2×2 image is a broken export, not a blank page, and the
clean-up and Tesseract fail on it with messages that name neither the file nor the reason."""
DEFAULT_DPI = 300
PDF_TIMEOUT_S = 120
IMAGE_SUFFIXES = {
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
    ".bmp",
    ".gif",
    ".webp",
    ".jp2",
    ".pdf",
    ".pnm",
    ".pgm",
    ".ppm",
    ".pbm",
}

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"BM",
    b"GIF87a",
    b"GIF89a",
    b"\x00\x00\x00\x0cjP  ",
    b"\xff\x4f\xff\x51",
)
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def detect_kind(path: Path) -> DocumentKind:
    """Tell what `path` is ("pdf", "tiff", "image", "text"), checked deeply enough to trust."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise BadInputError(path, f"cannot read ({exc.strerror or exc})") from exc
    if not head:
        raise BadInputError(path, "empty file")
    if head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        _check_pdf(path)
        return "pdf"
    if head.startswith(_TIFF_MAGIC):
        _check_image(path)
        return "tiff"
    if (
        head.startswith(_IMAGE_MAGIC)
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or re.match(rb"P[1-6]\s", head)
    ):
        _check_image(path)
        return "image"
    if _looks_like_text(head):
        if path.suffix.lower() in IMAGE_SUFFIXES:
            raise BadInputError(path, f"contains text, not the {path.suffix.lower()} its name says")
        return "text"
    raise BadInputError(path, "unknown format (not a PDF, TIFF, image or text)")


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 or a Vietnamese legacy encoding (TCVN3, VNI, Windows-1258): see `pipeline.textio`."""
    from pipeline.textio import looks_like_text

    return looks_like_text(head)


def _pdfinfo(path: Path) -> str:
    try:
        proc = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, timeout=60, errors="replace"
        )
    except FileNotFoundError as exc:
        raise MissingDependencyError(
            "pdfinfo: program not found; install it with: apt-get install poppler-utils"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise BadInputError(path, "PDF could not be analysed within 60 s") from exc
    if proc.returncode != 0:
        err = proc.stderr.strip()
        if "password" in err.lower() or "encrypt" in err.lower():
            raise BadInputError(path, "password-protected PDF")
        last = err.splitlines()[-1] if err else f"pdfinfo exit code {proc.returncode}"
        raise BadInputError(path, f"damaged PDF ({last})")
    return proc.stdout


def _check_pdf(path: Path) -> None:
    """Refuse truncated, damaged, encrypted and bomb-sized PDFs before any page is rendered."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise BadInputError(path, "truncated PDF (no end-of-file marker)")
    info = _pdfinfo(path)
    pages = _pdf_pages(info)
    if pages < 1:
        raise BadInputError(path, "PDF has no pages")
    size_pts = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    if size_pts:
        w_in, h_in = float(size_pts[1]) / 72, float(size_pts[2]) / 72
        if w_in * h_in * DEFAULT_DPI**2 > MAX_PIXELS:
            raise BadInputError(path, f"page of {w_in:.0f}×{h_in:.0f} in is too large to render")
        _refuse_tiny(path, round(w_in * DEFAULT_DPI), round(h_in * DEFAULT_DPI),
                    f"a page rendered at {DEFAULT_DPI} dpi")


def _pdf_pages(info: str) -> int:
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(match[1]) if match else 0


def _open_image(path: Path) -> Image.Image:
    """Open with Pillow, turning bombs and unreadable files into `BadInputError`."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise BadInputError(path, "image too large (decompression bomb)") from exc
        except UnidentifiedImageError as exc:
            raise BadInputError(path, "not a readable image") from exc
        except OSError as exc:
            raise BadInputError(path, f"damaged image ({exc})") from exc
    if image.width * image.height > MAX_PIXELS:
        raise BadInputError(
            path, f"image of {image.width}×{image.height} pixels is too large (decompression bomb)"
        )
    _refuse_tiny(path, image.width, image.height, "image")
    return image


def _refuse_tiny(path: Path, width: int, height: int, what: str) -> None:
    """Refuse a page too small to hold text (`MIN_SIDE_PX`), naming its size."""
    if min(width, height) < MIN_SIDE_PX:
        raise BadInputError(path, f"{what} is too small to hold text ({width}×{height} pixels)")


def _check_image(path: Path) -> None:
    image = _open_image(path)
    try:
        image.verify()
    except Exception as exc:  # Pillow raises many types for broken data
        raise BadInputError(path, f"damaged image ({exc})") from exc
    finally:
        image.close()


def count_pages(path: Path, kind: DocumentKind) -> int:
    """Count pages: PDF pages, TIFF frames, 1 for an image or a text file."""
    path = Path(path)
    if kind == "pdf":
        return _pdf_pages(_pdfinfo(path))
    if kind == "tiff":
        image = _open_image(path)
        try:
            return int(getattr(image, "n_frames", 1))
        finally:
            image.close()
    return 1


def iter_page_images(
    path: Path, kind: DocumentKind, dpi: int = DEFAULT_DPI
) -> Iterator[tuple[int, Image.Image, int]]:
    """Yield (page number from 1, RGB or L image, its dpi), one page at a time."""
    path = Path(path)
    if kind == "pdf":
        yield from _iter_pdf(path, dpi)
    elif kind in ("tiff", "image"):
        yield from _iter_frames(path)
    else:
        raise BadInputError(path, f"a {kind} file has no page images")


def _iter_pdf(path: Path, dpi: int) -> Iterator[tuple[int, Image.Image, int]]:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError, PopplerNotInstalledError

    pages = count_pages(path, "pdf")
    for number in range(1, pages + 1):
        try:
            images = convert_from_path(
                str(path), dpi=dpi, first_page=number, last_page=number, timeout=PDF_TIMEOUT_S
            )
        except PopplerNotInstalledError as exc:
            raise MissingDependencyError(
                "pdftoppm: program not found; install poppler-utils"
            ) from exc
        except (PDFPageCountError, PDFSyntaxError, subprocess.TimeoutExpired) as exc:
            raise BadInputError(path, f"page {number} cannot be rendered ({exc})") from exc
        if not images:
            raise BadInputError(path, f"page {number} cannot be rendered")
        image = images[0]
        yield number, image.convert("RGB") if image.mode not in ("RGB", "L") else image, dpi


def _frame_dpi(image: Image.Image, path: Path) -> int:
    """Return the dpi a frame declares, or 300 when it declares none or an implausible one.

    Many cameras and converters write 72 dpi by default; a page that would then be
    over 17 inches long is not an A4/A3 scan, so its dpi is estimated from A4 instead.
    """
    raw = image.info.get("dpi") or image.info.get("resolution")
    dpi = int(round(float(raw[0]))) if raw and raw[0] else 0
    long_px = max(image.size)
    if dpi <= 0:
        return DEFAULT_DPI
    if not 3.0 <= long_px / dpi <= 17.0:
        estimated = max(72, round(long_px / 11.69))
        log.info(
            "%s: declared %d dpi is implausible for a page of %d px; using %d",
            path,
            dpi,
            long_px,
            estimated,
        )
        return estimated
    return dpi


def _iter_frames(path: Path) -> Iterator[tuple[int, Image.Image, int]]:
    image = _open_image(path)
    try:
        frames = int(getattr(image, "n_frames", 1))
        for index in range(frames):
            try:
                image.seek(index)
                frame = ImageOps.exif_transpose(image)
                frame = frame.convert("L") if _is_gray(frame) else frame.convert("RGB")
                frame.load()
            except (OSError, ValueError, SyntaxError) as exc:
                raise BadInputError(path, f"page {index + 1}: damaged image data ({exc})") from exc
            _refuse_tiny(path, frame.width, frame.height, f"page {index + 1}")
            yield index + 1, frame, _frame_dpi(image, path)
    finally:
        image.close()


def _is_gray(image: Image.Image) -> bool:
    """Say whether a frame is bilevel/gray or a palette of greys only."""
    if image.mode in ("1", "L", "LA", "I;16", "I", "F"):
        return True
    if image.mode != "P":
        return False
    colors = image.convert("RGB").getcolors(maxcolors=256) or []
    return bool(colors) and all(
        isinstance(rgb, tuple) and rgb[0] == rgb[1] == rgb[2] for _, rgb in colors
    )


def read_text_document(path: Path) -> Document:
    """Read a `.txt` input (earlier OCR output) as a one-page Document, every line kept.

    Decoding (UTF-8, or TCVN3 / VNI / Windows-1258 converted with `encoding` edits) is
    `pipeline.textio`'s job; blank lines are kept so the text round-trips line for line.
    """
    from pipeline.textio import read_text_document as read_decoded_text

    return read_decoded_text(Path(path))

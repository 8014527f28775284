"""The original pages behind a Document: their raster size as ingest yields them.

Archival files describe the ORIGINAL scan, not the cleaned page Tesseract read. For an
image the original frame is the file's own pixels (EXIF orientation applied, as ingest
does); for a PDF it is the page rendered at the page's dpi (MediaBox, /Rotate applied,
as pdftoppm does). Sizes are read from headers: no page is decoded or rendered again.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pikepdf
from pikepdf import Name

from pipeline.archival.geometry import PageGeometry, page_geometry
from pipeline.document import Document
from pipeline.errors import BadInputError

log = logging.getLogger(__name__)


def has_page_images(document: Document, fmt: str) -> bool:
    """False (with a warning) for a text input: it has no page image to describe."""
    if document.kind == "text":
        log.warning(
            "%s: text input has no page images; %s not written (txt, json, md only)",
            document.source,
            fmt,
        )
        return False
    if not Path(document.source).is_file():
        log.warning("%s: source file is gone; %s not written", document.source, fmt)
        return False
    return True


def _exif_orientation(image: object) -> int:
    """EXIF orientation without decoding pixels (a PNG keeps EXIF after the data: skip it)."""
    if getattr(image, "format", None) == "PNG" and "exif" not in image.info:  # type: ignore[attr-defined]
        return 1
    return int(image.getexif().get(0x0112, 1))  # type: ignore[attr-defined]


def image_frame_sizes(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every frame of an image file, EXIF orientation applied (as ingest)."""
    from PIL import Image

    sizes = []
    with Image.open(path) as image:
        for index in range(int(getattr(image, "n_frames", 1))):
            image.seek(index)
            width, height = image.size
            if _exif_orientation(image) in (5, 6, 7, 8):
                width, height = height, width
            sizes.append((width, height))
    return sizes


def pdf_frame_size(pdf_page: pikepdf.Page, dpi: int) -> tuple[int, int]:
    """Pixel size of a PDF page rendered (MediaBox, /Rotate applied) at `dpi`, as pdftoppm does."""
    llx, lly, urx, ury = (float(v) for v in pdf_page.mediabox)
    width, height = (urx - llx) * dpi / 72, (ury - lly) * dpi / 72
    if int(pdf_page.obj.get(Name.Rotate, 0)) % 180:
        width, height = height, width
    return max(1, round(width)), max(1, round(height))


def pdf_frame_sizes(pdf: pikepdf.Pdf, document: Document) -> list[tuple[int, int]]:
    """Frame size of every page of an open PDF, at the dpi its OCR'd page records."""
    dpis = {page.number: page.dpi for page in document.pages if page.dpi}
    return [pdf_frame_size(p, dpis.get(n, 300)) for n, p in enumerate(pdf.pages, start=1)]


def frame_sizes(document: Document) -> list[tuple[int, int]]:
    """Original raster size of every page of the document's source file."""
    source = Path(document.source)
    try:
        if document.kind == "pdf":
            with pikepdf.open(source) as pdf:
                return pdf_frame_sizes(pdf, document)
        return image_frame_sizes(source)
    except (OSError, pikepdf.PdfError) as exc:
        raise BadInputError(source, f"cannot read the original pages again ({exc})") from exc


def page_geometries(document: Document, frames: list[tuple[int, int]]) -> dict[int, PageGeometry]:
    """Geometry of every OCR'd page whose original raster size is known."""
    out = {}
    for page in document.pages:
        if 1 <= page.number <= len(frames) and page.width and page.height:
            out[page.number] = page_geometry(page, frames[page.number - 1])
    return out

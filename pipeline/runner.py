"""The runner: puts the stages in their one-way order for one input document.

ingest → preprocess → ocr → repair (diacritics, garbles, line order) → structure →
paragraphs. Each stage is a function that takes and returns the `Document`; this module
only orders them, times them and logs which document and page it is on.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.config import RunSettings
from pipeline.document import Document, Page
from pipeline.errors import ToolFailedError

log = logging.getLogger(__name__)


def read_document(path: Path, settings: RunSettings,
                  on_page: Callable[[int], None] | None = None) -> Document:
    """Ingest, preprocess and OCR `path` page by page (a text file skips OCR).

    `on_page(number)` is called after each page (the batch's page progress bar). A page
    whose OCR fails or times out (ToolFailedError) becomes an empty page plus a line in
    `document.errors`; the other pages of a long document are kept.
    """
    from pipeline.ingest import detect_kind, iter_page_images, read_text_document

    kind = detect_kind(path)
    if kind == "text":
        document = read_text_document(path)
        if on_page is not None:
            on_page(1)
        return document

    from pipeline.ocr import ocr_page
    from pipeline.preprocess import prepare_page

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    document = Document(source=str(path), kind=kind)
    for number, image, dpi in iter_page_images(path, kind, dpi=settings.ocr.dpi):
        started = time.perf_counter()
        label = f"{path.name} p{number}"
        prepared = None
        try:
            prepared = prepare_page(image, dpi, settings.ocr, page_label=label)
            page = ocr_page(prepared, number, settings.ocr, page_label=label)
        except ToolFailedError as error:
            reason = str(error).removeprefix(f"{label}: ")  # named once, as "x.tif page 3: …"
            log.info("%s: %s", label, reason)  # (the batch prints it when the document ends)
            document.errors.append(f"{path} page {number}: {reason}")
            page = Page(number=number)
        finally:
            image.close()
        if settings.ocr.keep_images and prepared is not None:
            page.image_path = _keep_page_image(prepared.image, settings, path, number,
                                               prepared.steps)
        elif prepared is not None:
            page.image_path = _save_page_thumbnail(prepared.image, settings, path, number)
        page.seconds = time.perf_counter() - started
        log.info("%s: %d lines, skew %.2f°, rotation %d°, %.2f s", label, len(page.lines),
                 page.skew_deg, page.rotation_deg, page.seconds)
        document.pages.append(page)
        if on_page is not None:
            on_page(number)
    return document


THUMBNAIL_WIDTH = 1000
"""Width of the small page image every scanned page gets, for the review page (report.html)."""


def _save_page_thumbnail(image: object, settings: RunSettings, path: Path, number: int) -> str:
    """Save a small greyscale JPEG of the preprocessed page (about 60-100 KB) for review.

    The path returned is relative to the document's folder, so an output folder can be
    moved or archived whole, and a resumed run writes the same document.json.

    Word boxes are in preprocessed-page pixels; the review page scales them to this image.
    """
    import cv2

    height, width = image.shape[:2]  # type: ignore[attr-defined]
    scale = min(1.0, THUMBNAIL_WIDTH / max(1, width))
    small = cv2.resize(image, (max(1, round(width * scale)), max(1, round(height * scale))),  # type: ignore[call-overload]
                       interpolation=cv2.INTER_AREA)
    target = settings.outdir / path.stem / "pages" / f"page-{number:04d}.jpg"
    target.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(target), small, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return target.relative_to(settings.outdir / path.stem).as_posix()


def _keep_page_image(image: object, settings: RunSettings, path: Path, number: int,
                     steps: dict[str, object] | None = None) -> str:
    """Save the preprocessed page image beside the outputs (only with --keep-images).

    Each intermediate step goes beside it as page-NNNN-<step>.png (gray, flattened, upright,
    binary…), so a reviewer can see which clean-up step lost a stroke.
    """
    import cv2

    target = settings.outdir / path.stem / "pages" / f"page-{number:04d}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(target), image)  # type: ignore[arg-type]
    for name, step in (steps or {}).items():
        cv2.imwrite(str(target.with_name(f"page-{number:04d}-{name}.png")), step)  # type: ignore[arg-type]
    return target.relative_to(settings.outdir / path.stem).as_posix()


def repair_stage(document: Document, settings: RunSettings) -> Document:
    """Restore diacritics and OCR garbles, then put reversed lines back in order."""
    if not settings.repair.enabled:
        return document
    from pipeline.repair import repair_document
    from pipeline.repair.reorder import reorder_document

    if settings.repair.reorder:
        document = reorder_document(document)
    return repair_document(document, settings.repair)


def structure_stage(document: Document) -> Document:
    """Extract header, sections, signature and recipients; rebuild paragraphs."""
    from pipeline.paragraphs import build_paragraphs
    from pipeline.structure import extract_structure

    document = extract_structure(document)
    build_paragraphs(document)
    return document


def process_document(path: Path, settings: RunSettings,
                     on_page: Callable[[int], None] | None = None) -> Document:
    """Run every stage on one input file and return the enriched Document."""
    document = read_document(path, settings, on_page)
    document = repair_stage(document, settings)
    return structure_stage(document)


def document_from_text(text: str, source: str) -> Document:
    """A one-page Document whose lines are the lines of `text` (blank lines kept)."""
    from pipeline.document import Line, Page, nfc

    lines = [Line(id=f"p1-l{index}", text=nfc(raw))
             for index, raw in enumerate(text.splitlines(), start=1)]
    return Document(source=source, kind="text", pages=[Page(number=1, lines=lines)])


def repair_plain_text(text: str, source: str, settings: RunSettings) -> Document:
    """`vidoc repair`: text in, repaired Document out (line order fixed, then diacritics)."""
    return repair_stage(document_from_text(text, source), settings)

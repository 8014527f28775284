"""searchable.pdf: the original scan, page for page, with the REPAIRED text invisible on it.

How a page is built (see the package docstring for why this and not OCRmyPDF's pipeline):
- the base page holds the original raster unchanged: image inputs go through img2pdf,
  which embeds JPEG, PNG and CCITT data without re-encoding; a PDF input's own pages are
  kept (an earlier invisible OCR layer removed, `oldtext`);
- the page is shown as OCR saw it: a `cm` turns and deskews the original content (the
  image bytes are untouched) on a page of the deskewed size, and the text layer, one Form
  XObject in preprocessed pixels, lies level on it. Text turned by a few degrees made
  pdftotext split words and interleave lines (measured), so the page is straightened
  instead of the text being tilted;
- every repaired word is shown in render mode 3 (invisible) in Tesseract's GlyphLessFont
  (Identity-H, CIDs = UTF-16 code units, ToUnicode identity), so any Vietnamese letter
  maps and `pdftotext` returns it as written (NFC); `Tz` squeezes or stretches it to its
  box, and a space glyph fills each gap so extractors see word breaks;
- PDF/A-2b: XMP (pdfaid part 2, conformance B), an sRGB output intent, the font
  embedded, no encryption. `pdfa_check.check_pdfa` verifies these (not veraPDF).
"""

from __future__ import annotations

import io
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from pipeline.archival.geometry import PageGeometry, page_geometry
from pipeline.archival.oldtext import remove_invisible_text
from pipeline.archival.sources import (
    has_page_images,
    image_frame_sizes,
    page_geometries,
    pdf_frame_sizes,
)
from pipeline.archival.wordmap import line_edits, place_words
from pipeline.atomic import atomic_path
from pipeline.document import Document, Page
from pipeline.errors import BadInputError, MissingDependencyError

log = logging.getLogger(__name__)

GLYPHLESS_FONT_DIRS = (
    os.environ.get("TESSDATA_PREFIX", ""),
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/local/share/tessdata",
    "/usr/share/tessdata",
)
SRGB_PROFILES = (
    "/usr/share/color/icc/ghostscript/srgb.icc",
    "/usr/share/color/icc/sRGB.icc",
)
MIN_SPACE_PX = 0.5
"""Width of the space glyph between words whose boxes touch."""
GLYPH_ADVANCE = 0.5
"""GlyphLessFont's one glyph is half an em wide (1024 of 2048 units): DW 500."""


# --- the invisible font -------------------------------------------------------------


def glyphless_font_path() -> Path:
    """Tesseract's GlyphLessFont (`pdf.ttf`, shipped with tesseract-ocr: Apache-2.0)."""
    for folder in GLYPHLESS_FONT_DIRS:
        if folder and (Path(folder) / "pdf.ttf").is_file():
            return Path(folder) / "pdf.ttf"
    raise MissingDependencyError(
        "pdf.ttf (Tesseract's GlyphLessFont) not found; "
        "install tesseract-ocr or set TESSDATA_PREFIX"
    )


def _to_unicode_cmap() -> bytes:
    """CID = UTF-16 code unit: map every BMP code unit (bar surrogates) to itself."""
    ranges = [
        f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF
    ]
    chunks = [ranges[i : i + 100] for i in range(0, len(ranges), 100)]
    body = "\n".join(f"{len(c)} beginbfrange\n" + "\n".join(c) + "\nendbfrange" for c in chunks)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def add_glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """Embed GlyphLessFont once in `pdf` as a Type 0 font; return the indirect font object."""
    data = glyphless_font_path().read_bytes()
    font_file = Stream(pdf, data)
    font_file.Length1 = len(data)
    descriptor = pdf.make_indirect(
        Dictionary(
            Type=Name.FontDescriptor,
            FontName=Name.GlyphLessFont,
            Flags=5,
            FontBBox=Array([0, 0, 500, 1000]),
            ItalicAngle=0,
            Ascent=1000,
            Descent=0,
            CapHeight=1000,
            StemV=80,
            FontFile2=font_file,
        )
    )
    cid_to_gid = Stream(pdf, b"\x00\x01" * 65536)
    cid_font = pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.CIDFontType2,
            BaseFont=Name.GlyphLessFont,
            CIDSystemInfo=Dictionary(
                Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
            ),
            FontDescriptor=descriptor,
            DW=int(GLYPH_ADVANCE * 1000),
            CIDToGIDMap=cid_to_gid,
        )
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type0,
            BaseFont=Name.GlyphLessFont,
            Encoding=Name("/Identity-H"),
            DescendantFonts=Array([cid_font]),
            ToUnicode=Stream(pdf, _to_unicode_cmap()),
        )
    )


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be")


# --- the text layer -----------------------------------------------------------------


def _line_ops(
    words: list[tuple[str, float, float]], baseline: float, size: float
) -> list[tuple[list[object], str]]:
    """Operators showing (text, x0, x1) pieces on one baseline, each squeezed to its span.

    Font size once per line, the first piece placed with Tm, the next ones moved with Td
    (shorter): the text layer of a page stays a few KB, which matters beside small fax
    scans (the PDF must stay within 1.2× the input).
    """
    ops: list[tuple[list[object], str]] = [([Name.F1, round(size, 1)], "Tf")]
    cursor: float | None = None
    for text, x0, x1 in words:
        natural = len(_utf16(text)) // 2 * GLYPH_ADVANCE * size
        if natural <= 0 or x1 <= x0:
            continue
        if cursor is None:
            ops.append(([1, 0, 0, -1, round(x0, 1), round(baseline, 1)], "Tm"))
            cursor = round(x0, 1)
        else:
            step = round(x0 - cursor, 1)
            ops.append(([step, 0], "Td"))
            cursor += step
        ops.append(([round(100.0 * (x1 - x0) / natural, 1)], "Tz"))
        ops.append(([pikepdf.String(_utf16(text))], "Tj"))
    return ops


def text_layer_content(page: Page, document: Document) -> bytes:
    """Content stream of the page's invisible, repaired words (preprocessed-pixel space).

    Each line: its words at their boxes on the line's baseline (the bottom of its words),
    font size = line height, and a space glyph stretched over each gap between words.
    """
    ops: list[tuple[list[object], str]] = [([], "BT"), ([3], "Tr")]
    shown = 0
    for line in page.lines:
        placed = place_words(line, line_edits(document.edits, line.id))
        if not placed:
            continue
        top = min(w.bbox[1] for w in placed)
        bottom = max(w.bbox[3] for w in placed)
        if bottom - top <= 0:
            continue
        pieces: list[tuple[str, float, float]] = []
        for word, following in zip(placed, [*placed[1:], None], strict=False):
            pieces.append((word.text, word.bbox[0], word.bbox[2]))
            if following is not None:
                # a word the repair split out of one OCR word has no gap: a sliver of a
                # space still ends the word for text extractors (poppler breaks on U+0020)
                gap_end = max(following.bbox[0], word.bbox[2] + MIN_SPACE_PX)
                pieces.append((" ", word.bbox[2], gap_end))
        ops.extend(_line_ops(pieces, float(bottom), float(bottom - top)))
        shown += len(placed)
    ops.append(([], "ET"))
    if not shown:
        return b""
    return pikepdf.unparse_content_stream(ops)  # type: ignore[arg-type]


# --- where the original page lies in PDF user space ---------------------------------


def frame_to_user(pdf_page: pikepdf.Page, frame_size: tuple[int, int]) -> np.ndarray:
    """Map pixels of the page as displayed (after /Rotate) to PDF user space."""
    llx, lly, urx, ury = (float(v) for v in pdf_page.mediabox)
    rotate = int(pdf_page.obj.get(Name.Rotate, 0)) % 360
    width_pt, height_pt = urx - llx, ury - lly
    if rotate in (90, 270):
        width_pt, height_pt = height_pt, width_pt
    kx, ky = width_pt / frame_size[0], height_pt / frame_size[1]
    rows = {
        0: [[kx, 0, llx], [0, -ky, ury]],
        90: [[0, ky, llx], [kx, 0, lly]],
        180: [[-kx, 0, urx], [0, ky, lly]],
        270: [[0, -ky, urx], [-kx, 0, ury]],
    }[rotate]
    return np.array([*rows, [0, 0, 1]], dtype=np.float64)


def _image_base_pdf(path: Path, dpis: list[float]) -> bytes:
    """The image file's frames as PDF pages at their dpi, pixel data embedded unchanged."""
    import img2pdf

    pending = iter(dpis)

    def layout(
        width_px: float, height_px: float, ndpi: tuple[float, float]
    ) -> tuple[float, float, float, float]:
        dpi = next(pending, ndpi[0] or 300)
        return width_px * 72 / dpi, height_px * 72 / dpi, width_px * 72 / dpi, height_px * 72 / dpi

    try:
        return img2pdf.convert(str(path), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
    except (
        img2pdf.AlphaChannelError,
        img2pdf.UnsupportedColorspaceError,
        img2pdf.ExifOrientationError,
    ) as exc:
        log.info("%s: %s; embedding a lossless re-encoding of the pixels instead", path, exc)
        return img2pdf.convert(*_flattened_frames(path), layout_fun=layout)


def _flattened_frames(path: Path) -> list[bytes]:
    """Frames as PNG without alpha or odd colour spaces (same pixels and resolution)."""
    from PIL import Image, ImageOps

    frames = []
    with Image.open(path) as image:
        for index in range(int(getattr(image, "n_frames", 1))):
            image.seek(index)
            frame = ImageOps.exif_transpose(image)
            if frame.mode in ("RGBA", "LA", "P", "PA", "CMYK", "I;16", "I", "F"):
                background = Image.new("RGB", frame.size, "white")
                background.paste(frame.convert("RGBA"), mask=frame.convert("RGBA").split()[-1])
                frame = background
            buffer = io.BytesIO()
            frame.save(buffer, "PNG")
            frames.append(buffer.getvalue())
    return frames


def open_base_pdf(document: Document) -> tuple[pikepdf.Pdf, list[tuple[int, int]]]:
    """The output PDF holding the original pages, and each page's raster frame size."""
    source = Path(document.source)
    pages_by_number = {page.number: page for page in document.pages}
    if document.kind == "pdf":
        pdf = pikepdf.open(source)  # changed in memory, saved elsewhere: the input stays as it is
        for number, page in enumerate(pdf.pages, start=1):
            remove_invisible_text(pdf, page, f"{source.name} p{number}")
            for key in (Name.AA, Name.Annots):  # actions and annotations are not archival content
                if key in page.obj:
                    del page.obj[key]
        return pdf, pdf_frame_sizes(pdf, document)
    frames = image_frame_sizes(source)
    dpis = []
    for number, frame in enumerate(frames, start=1):
        ocr_page = pages_by_number.get(number)
        if ocr_page is not None and ocr_page.width:
            dpis.append((ocr_page.dpi or 300) / page_geometry(ocr_page, frame).scale)
        else:
            dpis.append(300.0)
    return pikepdf.open(io.BytesIO(_image_base_pdf(source, dpis))), frames


# --- PDF/A ---------------------------------------------------------------------------


def srgb_profile() -> bytes:
    """An ICC v2 sRGB profile for the PDF/A output intent (Ghostscript's; else Pillow's)."""
    for candidate in SRGB_PROFILES:
        if Path(candidate).is_file():
            return Path(candidate).read_bytes()
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def make_pdfa(pdf: pikepdf.Pdf, title: str) -> None:
    """Declare PDF/A-2b: output intent, XMP identification, synced document info."""
    profile = Stream(pdf, srgb_profile())
    profile.N = 3
    pdf.Root.OutputIntents = Array(
        [
            Dictionary(
                Type=Name.OutputIntent,
                S=Name.GTS_PDFA1,
                OutputConditionIdentifier=pikepdf.String("sRGB"),
                Info=pikepdf.String("sRGB IEC61966-2.1"),
                DestOutputProfile=profile,
            )
        ]
    )
    for key in (Name.OpenAction, Name.AcroForm, Name.Names, Name.Outlines):
        if key in pdf.Root:
            del pdf.Root[key]
    if Name.Encrypt in pdf.trailer:
        del pdf.trailer[Name.Encrypt]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title
        meta["xmp:CreatorTool"] = "vidoc"
        meta["pdf:Producer"] = f"vidoc (pikepdf {pikepdf.__version__})"
        meta["xmp:CreateDate"] = now
        meta["xmp:ModifyDate"] = now
        meta["xmp:MetadataDate"] = now


# --- the writer ------------------------------------------------------------------------


def _pdf_matrix(m: np.ndarray) -> list[float]:
    """A 3×3 column-vector affine matrix as PDF's [a b c d e f]."""
    return [
        float(m[0, 0]),
        float(m[1, 0]),
        float(m[0, 1]),
        float(m[1, 1]),
        float(m[0, 2]),
        float(m[1, 2]),
    ]


def straighten_page(
    pdf_page: pikepdf.Page, frame: tuple[int, int], page: Page, geometry: PageGeometry
) -> np.ndarray:
    """Show the original page content as OCR saw it: upright and deskewed; return the text matrix.

    The page's own content (the scan's image XObject, untouched: same bytes, same
    resolution) is wrapped in a `cm` that turns and straightens it on a page of the
    deskewed size; the text layer then lies level in page space, where pdftotext reads
    it line by line (on a page left tilted it split words and lines: measured). Returns
    the matrix from preprocessed pixels (y down) to the new page space.
    """
    k = 72.0 / (page.dpi or 300)
    width_pt, height_pt = page.width * k, page.height * k
    to_page = np.array([[k, 0, 0], [0, -k, height_pt], [0, 0, 1]], dtype=np.float64)
    old_to_new = (
        to_page
        @ np.linalg.inv(geometry.to_original)
        @ np.linalg.inv(frame_to_user(pdf_page, frame))
    )
    if not np.allclose(old_to_new, np.eye(3), atol=1e-6):
        cm = " ".join(f"{v:.6f}" for v in _pdf_matrix(old_to_new))
        pdf_page.contents_add(f"q {cm} cm\n".encode("ascii"), prepend=True)
        pdf_page.contents_add(b"\nQ\n", prepend=False)
    for key in (Name.CropBox, Name.BleedBox, Name.TrimBox, Name.ArtBox, Name.Rotate):
        if key in pdf_page.obj:
            del pdf_page.obj[key]
    pdf_page.obj.MediaBox = Array([0, 0, round(width_pt, 4), round(height_pt, 4)])
    return to_page


def add_text_layers(pdf: pikepdf.Pdf, document: Document, frames: list[tuple[int, int]]) -> int:
    """Straighten each OCR'd page and lay its repaired words on it; return pages layered."""
    geometries = page_geometries(document, frames)
    font = None
    layered = 0
    for page in document.pages:
        geometry = geometries.get(page.number)
        if geometry is None or page.number > len(pdf.pages):
            continue
        content = text_layer_content(page, document)
        if not content:
            continue
        if font is None:
            font = add_glyphless_font(pdf)
        pdf_page = pdf.pages[page.number - 1]
        to_page = straighten_page(pdf_page, frames[page.number - 1], page, geometry)
        form = Stream(pdf, content)
        form.Type = Name.XObject
        form.Subtype = Name.Form
        form.BBox = Array([0, 0, page.width, page.height])
        form.Matrix = Array(_pdf_matrix(to_page))
        form.Resources = Dictionary(Font=Dictionary(F1=font))
        name = pdf_page.add_resource(pdf.make_indirect(form), Name.XObject, prefix="VidocText")
        pdf_page.contents_add(b"q " + name.unparse() + b" Do Q", prepend=False)
        layered += 1
    return layered


def build_searchable_pdf(document: Document, target: Path) -> None:
    """Write `target`: PDF/A-2b, original page images, invisible repaired text layer."""
    pdf, frames = open_base_pdf(document)
    with pdf:
        layered = add_text_layers(pdf, document, frames)
        if layered < len(document.pages):
            log.warning(
                "%s: %d of %d pages have no text layer (no OCR words)",
                document.source,
                len(document.pages) - layered,
                len(document.pages),
            )
        make_pdfa(pdf, Path(document.source).stem)
        with atomic_path(target) as tmp:
            pdf.save(
                tmp, fix_metadata_version=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
            )


def write_searchable_pdf(document: Document, folder: Path) -> None:
    """`WRITERS["pdf"]`: `folder/searchable.pdf`, or a warning for inputs without page images."""
    if not has_page_images(document, "searchable.pdf"):
        return
    try:
        build_searchable_pdf(document, folder / "searchable.pdf")
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise BadInputError(document.source, f"searchable PDF could not be built ({exc})") from exc

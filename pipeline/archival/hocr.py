"""hocr.html: hOCR 1.2 with the REPAIRED words (ocr_page, ocr_carea, ocr_par, ocr_line, ocrx_word).

Boxes are pixels of the original page image (`bbox` in each title; see `layout`);
`x_wconf` is Tesseract's confidence for an untouched word and the repair's for a
changed one. A changed word keeps the OCR reading in `data-ocr` and the kinds of edit
in `data-edits` (HTML data attributes: hOCR readers ignore them, so the word's text
content stays the repaired word alone).
"""

from __future__ import annotations

import logging
from pathlib import Path

from lxml import etree

from pipeline import __version__
from pipeline.archival.layout import Box, page_blocks
from pipeline.archival.sources import frame_sizes, has_page_images, page_geometries
from pipeline.atomic import write_bytes_atomic
from pipeline.document import Document

log = logging.getLogger(__name__)

XHTML_NS = "http://www.w3.org/1999/xhtml"
DOCTYPE = "<!DOCTYPE html>"


def _title(box: Box, *extra: str) -> str:
    return "; ".join([f"bbox {box[0]} {box[1]} {box[2]} {box[3]}", *extra])


def hocr_tree(document: Document, frames: list[tuple[int, int]]) -> etree._Element:
    """The hOCR document as an XHTML element tree."""
    html = etree.Element("html", nsmap={None: XHTML_NS}, lang="vi")
    html.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "title").text = Path(document.source).name
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(
        head, "meta", name="ocr-system", content=f"vidoc {__version__} (Tesseract OCR + repair)"
    )
    etree.SubElement(
        head,
        "meta",
        name="ocr-capabilities",
        content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf",
    )
    body = etree.SubElement(html, "body")
    geometries = page_geometries(document, frames)
    image_name = Path(document.source).name
    for page in document.pages:
        if not 1 <= page.number <= len(frames):
            continue
        width, height = frames[page.number - 1]
        geometry = geometries.get(page.number)
        extra = [f'image "{image_name}"', f"ppageno {page.number - 1}"]
        if geometry is not None and page.dpi:
            res = round(page.dpi / geometry.scale)
            extra.append(f"scan_res {res} {res}")
        page_el = etree.SubElement(
            body,
            "div",
            {
                "class": "ocr_page",
                "id": f"page_{page.number}",
                "title": _title((0, 0, width, height), *extra),
            },
        )
        if geometry is None:
            continue
        for b_index, block in enumerate(page_blocks(document, page, geometry), start=1):
            tag = f"{page.number}_{b_index}"
            carea = etree.SubElement(
                page_el,
                "div",
                {"class": "ocr_carea", "id": f"block_{tag}", "title": _title(block.box)},
            )
            par = etree.SubElement(
                carea,
                "p",
                {"class": "ocr_par", "id": f"par_{tag}", "lang": "vi", "title": _title(block.box)},
            )
            for line in block.lines:
                line_el = etree.SubElement(
                    par,
                    "span",
                    {"class": "ocr_line", "id": f"line_{line.line.id}", "title": _title(line.box)},
                )
                for w_index, placed in enumerate(line.words, start=1):
                    word = placed.word
                    attrs = {"class": "ocrx_word", "id": f"word_{line.line.id}_{w_index}"}
                    conf = word.confidence
                    attrs["title"] = _title(
                        placed.box, *([f"x_wconf {round(conf * 100)}"] if conf is not None else [])
                    )
                    if word.changed:
                        attrs["data-ocr"] = word.ocr_text
                        if word.edits:
                            attrs["data-edits"] = " ".join(sorted({e.kind for e in word.edits}))
                    span = etree.SubElement(line_el, "span", attrs)
                    span.text = word.text
                    span.tail = " " if w_index < len(line.words) else None
                line_el.tail = "\n"
    return html


def hocr_bytes(document: Document) -> bytes:
    """The serialised hocr.html of `document`."""
    tree = hocr_tree(document, frame_sizes(document))
    body = etree.tostring(tree, encoding="UTF-8", method="xml", pretty_print=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE.encode() + b"\n" + body + b"\n"


def write_hocr(document: Document, folder: Path) -> None:
    """`WRITERS["hocr"]`: `folder/hocr.html`, or a warning for inputs without page images."""
    if not has_page_images(document, "hocr.html"):
        return
    write_bytes_atomic(folder / "hocr.html", hocr_bytes(document))

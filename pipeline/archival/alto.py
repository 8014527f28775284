"""alto.xml: ALTO v4.2 with the REPAIRED words, each traceable to what OCR read.

Page → PrintSpace → TextBlock → TextLine → String (+ SP between words). Coordinates
are pixels of the original page image (MeasurementUnit pixel; see `layout`). A String
holds the repaired word in CONTENT and its confidence in WC (Tesseract's for an
untouched word, the repair's for a changed one); a changed String also carries
PROCESSINGREFS to the repair step and the OCR's reading in <ALTERNATIVE PURPOSE="OCR">,
so an archivist can audit or undo every change. The file validates against
`schema/alto-4-2.xsd` (`validate_alto`).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

from pipeline import __version__
from pipeline.archival.layout import Box, page_blocks, union
from pipeline.archival.sources import frame_sizes, has_page_images, page_geometries
from pipeline.atomic import write_bytes_atomic
from pipeline.document import Document

log = logging.getLogger(__name__)

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"
ALTO_XSD = SCHEMA_DIR / "alto-4-2.xsd"
OCR_STEP, REPAIR_STEP = "OCR", "REPAIR"
_NOT_NCNAME = re.compile(r"[^A-Za-z0-9_.-]")


def _q(tag: str) -> str:
    return f"{{{ALTO_NS}}}{tag}"


def _xml_id(raw: str) -> str:
    """A valid xsd:ID from a line id ("p1-l12" stays as it is)."""
    value = _NOT_NCNAME.sub("_", raw)
    return value if value[:1].isalpha() or value[:1] == "_" else f"_{value}"


def _geometry_attrs(element: etree._Element, box: Box) -> None:
    left, top, right, bottom = box
    element.set("HPOS", str(left))
    element.set("VPOS", str(top))
    element.set("WIDTH", str(right - left))
    element.set("HEIGHT", str(bottom - top))


def _tesseract_version() -> str:
    try:
        from pipeline import tesseract

        return ".".join(map(str, tesseract.version()))
    except Exception:  # the version is informative only
        return "unknown"


def _processing(
    parent: etree._Element, step_id: str, category: str, description: str, name: str, version: str
) -> None:
    step = etree.SubElement(parent, _q("Processing"), ID=step_id)
    etree.SubElement(step, _q("processingCategory")).text = category
    etree.SubElement(step, _q("processingDateTime")).text = datetime.now(UTC).isoformat(
        timespec="seconds"
    )
    etree.SubElement(step, _q("processingStepDescription")).text = description
    software = etree.SubElement(step, _q("processingSoftware"))
    etree.SubElement(software, _q("softwareName")).text = name
    etree.SubElement(software, _q("softwareVersion")).text = version


def alto_tree(document: Document, frames: list[tuple[int, int]]) -> etree._Element:
    """The ALTO document as an element tree (see the module docstring)."""
    root = etree.Element(_q("alto"), nsmap={None: ALTO_NS, "xlink": XLINK_NS, "xsi": XSI_NS})
    root.set("SCHEMAVERSION", "4.2")
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{ALTO_NS} http://www.loc.gov/alto/v4/alto-4-2.xsd")
    description = etree.SubElement(root, _q("Description"))
    etree.SubElement(description, _q("MeasurementUnit")).text = "pixel"
    source = etree.SubElement(description, _q("sourceImageInformation"))
    etree.SubElement(source, _q("fileName")).text = Path(document.source).name
    _processing(
        description,
        OCR_STEP,
        "contentGeneration",
        "Tesseract OCR (LSTM) of the deskewed, binarized page; word boxes mapped back "
        "onto the original image",
        "tesseract",
        _tesseract_version(),
    )
    text_edits = [e for e in document.edits if e.kind != "reorder"]
    _processing(
        description,
        REPAIR_STEP,
        "contentModification",
        f"vidoc repair: restored diacritics and OCR garbles ({len(text_edits)} edits) and "
        "line order; each changed String keeps the OCR reading in ALTERNATIVE PURPOSE=OCR",
        "vidoc",
        __version__,
    )
    layout = etree.SubElement(root, _q("Layout"))
    geometries = page_geometries(document, frames)
    for page in document.pages:
        if not 1 <= page.number <= len(frames):
            continue
        width, height = frames[page.number - 1]
        page_el = etree.SubElement(
            layout,
            _q("Page"),
            ID=f"page_{page.number}",
            PHYSICAL_IMG_NR=str(page.number),
            WIDTH=str(width),
            HEIGHT=str(height),
        )
        geometry = geometries.get(page.number)
        blocks = page_blocks(document, page, geometry) if geometry is not None else []
        space = etree.SubElement(page_el, _q("PrintSpace"))
        if not blocks:
            _geometry_attrs(space, (0, 0, width, height))
            continue
        _geometry_attrs(space, union([block.box for block in blocks]))
        confs = []
        for b_index, block in enumerate(blocks, start=1):
            block_el = etree.SubElement(
                space, _q("TextBlock"), ID=f"p{page.number}_b{b_index}", LANG="vi"
            )
            _geometry_attrs(block_el, block.box)
            for line in block.lines:
                line_el = etree.SubElement(block_el, _q("TextLine"), ID=_xml_id(line.line.id))
                _geometry_attrs(line_el, line.box)
                for w_index, placed in enumerate(line.words):
                    if w_index:
                        previous = line.words[w_index - 1].box
                        sp = etree.SubElement(line_el, _q("SP"))
                        sp.set("HPOS", str(previous[2]))
                        sp.set("VPOS", str(min(previous[1], placed.box[1])))
                        sp.set("WIDTH", str(max(0, placed.box[0] - previous[2])))
                    word = placed.word
                    string = etree.SubElement(
                        line_el, _q("String"), ID=f"{_xml_id(line.line.id)}_w{w_index + 1}"
                    )
                    _geometry_attrs(string, placed.box)
                    string.set("CONTENT", word.text)
                    confidence = word.confidence
                    if confidence is not None:
                        string.set("WC", f"{confidence:.3f}")
                        confs.append(confidence)
                    if word.changed:
                        string.set("PROCESSINGREFS", REPAIR_STEP)
                        alternative = etree.SubElement(string, _q("ALTERNATIVE"), PURPOSE="OCR")
                        alternative.text = word.ocr_text
                        for edit in word.edits:
                            reason = etree.SubElement(
                                string, _q("ALTERNATIVE"), PURPOSE=f"edit:{edit.kind}"
                            )
                            change = f"{edit.before} → {edit.after} ({edit.confidence:.2f})"
                            reason.text = f"{change} {edit.reason}".strip()
        if confs:
            page_el.set("PC", f"{sum(confs) / len(confs):.3f}")
    return root


def alto_bytes(document: Document) -> bytes:
    """The serialised alto.xml of `document`."""
    tree = alto_tree(document, frame_sizes(document))
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_alto(document: Document, folder: Path) -> None:
    """`WRITERS["alto"]`: `folder/alto.xml`, or a warning for inputs without page images."""
    if not has_page_images(document, "alto.xml"):
        return
    write_bytes_atomic(folder / "alto.xml", alto_bytes(document))


class _LocalSchemas(etree.Resolver):
    """Serve the xlink schema ALTO imports from `schema/` (no network)."""

    def resolve(self, url: str, pubid: str, context: object) -> object:  # noqa: D102
        if url and url.endswith("xlink.xsd"):
            return self.resolve_filename(str(SCHEMA_DIR / "xlink.xsd"), context)
        return None


@lru_cache(maxsize=1)
def alto_schema() -> etree.XMLSchema:
    """The ALTO 4.2 schema from `schema/` (its xlink import resolved locally)."""
    parser = etree.XMLParser()
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(ALTO_XSD), parser))


def validate_alto(data: bytes) -> list[str]:
    """Schema errors of an alto.xml (empty when it is valid ALTO 4.2)."""
    schema = alto_schema()
    ok = schema.validate(etree.fromstring(data))
    return [] if ok else [f"line {e.line}: {e.message}" for e in schema.error_log]

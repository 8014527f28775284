"""Structure stage: header, legal bases, references, section tree, signature, recipients.

`extract_structure(doc)` reads the repaired lines of a `Document` (with or without
layout boxes), fills `doc.structure` with a JSON-ready dict (see
`schema/document.schema.json`) and sets each `Line.role` to one of "header", "title",
"body", "signature", "recipients", "marginalia".
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from pipeline.document import Document, Line
from pipeline.structure.body import parse_body
from pipeline.structure.header import parse_header
from pipeline.structure.references import find_references
from pipeline.structure.signature import parse_closing
from pipeline.structure.text import fold

log = logging.getLogger(__name__)

ROLES = ("header", "title", "body", "signature", "recipients", "marginalia")
LEGAL_BASIS = re.compile(
    r"^\s*(Can cu|Trien khai thuc hien|Thuc hien|Theo de nghi|Xet|Sau khi xem xet|Tren co so)\b",
    re.I,
)
STRUCTURE_VERSION = 1

__all__ = ["extract_structure", "ROLES"]


def extract_structure(doc: Document) -> Document:
    """Parse the structure of `doc` in place and return it (a pipeline stage)."""
    # lines the layout stage already set apart (margin notes, stamps) stay marginalia
    preset = [line for line in doc.lines if line.role == "marginalia" and line.text.strip()]
    preset_ids = {line.id for line in preset}
    pages = [
        dataclasses.replace(
            page,
            lines=[line for line in page.lines if line.text.strip() and line.id not in preset_ids],
        )
        for page in doc.pages
    ]
    lines: list[Line] = [line for page in pages for line in page.lines]
    header = parse_header(pages)
    closing = parse_closing(lines, header.body_start)

    body_end = closing.start if closing.start is not None else len(lines)
    body_lines = [
        line for line in lines[header.body_start : body_end] if line.id not in header.displaced
    ]
    annex_lines = (
        [line for line in lines[body_end:] if line.id not in closing.roles]
        if closing.end is not None
        else []
    )
    preamble, sections = parse_body(body_lines)
    _annex_preamble, annexes = parse_body(annex_lines)

    bases = legal_bases(body_lines, preamble["line_ids"])
    references = find_references(lines, header.fields["number"])

    roles = dict(header.roles)
    roles.update(closing.roles)
    roles.update(dict.fromkeys(preset_ids, "marginalia"))
    for line in doc.lines:
        line.role = roles.get(line.id, "body")

    fields = header.fields
    doc.structure = {
        "version": STRUCTURE_VERSION,
        "issuer": fields["issuer"],
        "national_header": fields["national_header"],
        "motto": fields["motto"],
        "number": fields["number"],
        "number_as_read": fields["number_as_read"],
        "number_parts": fields["number_parts"],
        "place": fields["place"],
        "issued_date": fields["issued_date"],
        "doc_type": fields["doc_type"],
        "title": fields["title"],
        "marks": fields["marks"],
        "legal_bases": bases,
        "references": references,
        "preamble": preamble,
        "body": sections,
        "annexes": annexes,
        "signature": closing.signature,
        "recipients": closing.recipients,
        "marginalia": header.marginalia
        + [{"text": line.text, "line_id": line.id} for line in preset],
    }
    log.info(
        "%s: structure %s %s %s, %d sections, %d references",
        doc.source,
        fields["doc_type"],
        fields["number"],
        fields["issued_date"],
        len(sections),
        len(references),
    )
    return doc


def legal_bases(body_lines: list[Line], preamble_ids: list[str]) -> list[dict[str, Any]]:
    """Collect the "Căn cứ …" / "Thực hiện …" bases of the preamble, with what they cite.

    A basis wrapped over several lines (OCR, text layers) runs on until a line ends in
    ". ; :" or the next basis opens; `line_id` is its first line.
    """
    wanted = set(preamble_ids)
    groups: list[tuple[str, list[Line]]] = []  # (kind as printed, lines)
    open_basis = False
    for line in body_lines:
        if line.id not in wanted:
            open_basis = False
            continue
        stripped = line.text.strip()
        m = LEGAL_BASIS.match(fold(stripped))
        if m:
            groups.append((stripped[m.start(1) : m.end(1)], [line]))
            open_basis = True
        elif open_basis:
            groups[-1][1].append(line)
        if stripped.endswith((".", ";", ":")):
            open_basis = False
    return [
        {
            "kind": kind,
            "text": " ".join(line.text.strip() for line in lines),
            "line_id": lines[0].id,
            "references": [r["number"] for r in find_references(lines)],
        }
        for kind, lines in groups
    ]

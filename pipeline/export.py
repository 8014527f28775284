"""Write one document's outputs (text.txt, document.json, document.md …), each atomically.

Every file is first written under a temporary name and then renamed, so a killed run
never leaves half a file and never damages what an earlier run wrote.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from pipeline import archival
from pipeline.atomic import write_text_atomic
from pipeline.document import Document
from pipeline.paragraphs import Paragraph, render_paragraphs

log = logging.getLogger(__name__)


def document_text(document: Document) -> str:
    """The repaired text in reading order: paragraphs when rebuilt, else the lines."""
    if document.paragraphs:
        paragraphs = [Paragraph.from_dict(paragraph) for paragraph in document.paragraphs]
        return render_paragraphs(paragraphs).strip("\n") + "\n"
    return document.text().rstrip() + "\n"


def document_json(document: Document) -> str:
    """The full `document.json` payload (see schema/document.schema.json)."""
    return json.dumps(document.to_dict(), ensure_ascii=False, indent=1)


def _write_txt(document: Document, folder: Path) -> None:
    write_text_atomic(folder / "text.txt", document_text(document))


def _write_json(document: Document, folder: Path) -> None:
    write_text_atomic(folder / "document.json", document_json(document))


def _write_md(document: Document, folder: Path) -> None:
    from pipeline.markdown import render_markdown

    write_text_atomic(folder / "document.md", render_markdown(document))


WRITERS: dict[str, Callable[[Document, Path], None]] = {
    "txt": _write_txt,
    "json": _write_json,
    "md": _write_md,
    "pdf": archival.write_pdf,
    "alto": archival.write_alto,
    "hocr": archival.write_hocr,
}
"""Format name → writer; archival formats (pdf, alto, hocr) register here too."""


def write_document_outputs(document: Document, folder: Path, formats: tuple[str, ...]) -> None:
    """Write the requested formats of `document` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in formats:
        writer = WRITERS.get(name)
        if writer is None:
            log.warning("%s: format %r is not available, skipped", document.source, name)
            continue
        writer(document, folder)

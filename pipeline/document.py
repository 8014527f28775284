"""The one data model every stage hands to the next (see DESIGN.md).

No I/O here: stages enrich a `Document`; exporters serialise it. Coordinates are
pixels of the preprocessed page; all text is NFC. Every change the pipeline makes to
text is recorded as an `Edit`, so an archivist can audit and undo it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BBox = tuple[int, int, int, int]
"""(left, top, right, bottom) in pixels of the preprocessed page."""

EditKind = Literal["diacritics", "ocr", "reorder", "hyphenation", "normalize", "encoding"]
DocumentKind = Literal["pdf", "tiff", "image", "text"]


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC, the only form text takes inside a Document."""
    return unicodedata.normalize("NFC", text)


@dataclass
class Word:
    """One OCR word with its box and Tesseract confidence (0-100, -1 when unknown)."""

    text: str
    bbox: BBox | None = None
    conf: float = -1.0


@dataclass
class Line:
    """One line of text: from OCR (with words and boxes) or from a text file (without).

    `id` is stable across stages ("p1-l12"), so edits and reports can point at it.
    `original_text` keeps what OCR (or the file) said before repair changed `text`.
    """

    id: str
    text: str
    bbox: BBox | None = None
    conf: float = -1.0
    words: list[Word] = field(default_factory=list)
    block: int = 0
    paragraph: int = 0
    original_text: str | None = None
    role: str = "body"
    confidence: float | None = None


@dataclass
class Page:
    """One page: its geometry, what preprocessing measured, and its lines in reading order."""

    number: int
    width: int = 0
    height: int = 0
    dpi: int = 0
    skew_deg: float = 0.0
    rotation_deg: int = 0
    lines: list[Line] = field(default_factory=list)
    image_path: str | None = None  # relative to the document folder: pages/page-NNNN.jpg
    seconds: float = 0.0


@dataclass
class Edit:
    """One change to the text of a line, enough to audit and undo it.

    `start`/`end` are character offsets in the line's text *before* the edit;
    `confidence` is in [0, 1]; `reason` says in words why the change was made.
    """

    line_id: str
    start: int
    end: int
    before: str
    after: str
    kind: EditKind
    confidence: float
    reason: str = ""


@dataclass
class Document:
    """A source file flowing through the pipeline: pages, then structure, edits, errors."""

    source: str
    kind: DocumentKind
    pages: list[Page] = field(default_factory=list)
    structure: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    paragraphs: list[dict[str, Any]] = field(default_factory=list)
    encoding: str | None = None

    @property
    def lines(self) -> list[Line]:
        """All lines of all pages, in reading order."""
        return [line for page in self.pages for line in page.lines]

    def text(self) -> str:
        """Plain text: the lines of each page joined by newlines, pages by a blank line."""
        return "\n\n".join("\n".join(line.text for line in page.lines) for page in self.pages)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the `document.json` payload)."""
        return asdict(self)

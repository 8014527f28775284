"""The body of a directive as a tree of sections.

Vietnamese directives number their parts in a fixed repertoire: Phần, Chương, Mục,
Roman numerals (I.), articles (Điều 1.), Arabic numerals (1., 1.1.), letters (a)),
dashes (-) and pluses (+). Which of these nests in which varies between Party and
State documents, so nesting is learned from the document itself: a marker kind seen
before is a sibling of its last occurrence; a new kind nests under the current item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline.document import Line
from pipeline.structure.text import is_upper_line

MARKERS: list[tuple[str, re.Pattern[str]]] = [
    (
        "part",
        re.compile(r"^(?:Phần|PHẦN)\s+(thứ\s+\w+|THỨ\s+\w+|[IVXLC]+|\d+)\b\s*[.:\-–]?\s*(.*)$"),
    ),
    ("chapter", re.compile(r"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b\s*[.:\-–]?\s*(.*)$")),
    ("section", re.compile(r"^(?:Mục|MỤC)\s+(\d+|[IVX]+)\b\s*[.:\-–]?\s*(.*)$")),
    ("article", re.compile(r"^(?:Điều|ĐIỀU)\s+(\d+[a-z]?)\s*[.:]\s*(.*)$")),
    ("decimal", re.compile(r"^([IVX]{1,6}\.\d{1,2})(?:[.)]\s*|\s+)(.*)$")),  # "II.1." under "II."
    ("roman", re.compile(r"^([IVX]{1,6})\s*[.)/]\s*(.*)$")),
    ("decimal", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(.*)$")),
    ("arabic", re.compile(r"^(\d{1,3})\s*[.)]\s+(.*)$")),
    ("letter", re.compile(r"^([a-zđ])\s*\)\s*(.*)$")),
    ("paren", re.compile(r"^\((\d{1,2})\)\s*[.:]?\s*(.*)$")),
    ("dash", re.compile(r"^([-–—•])\s*(.*)$")),
    ("plus", re.compile(r"^(\+)\s*(.*)$")),
]
HEADED = {"part", "chapter", "section", "roman", "article"}
ROMANS = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
    "XVIII",
    "XIX",
    "XX",
]


@dataclass
class Marker:
    """A section marker found at the start of a line."""

    kind: str
    label: str
    rest: str


def marker_of(text: str) -> Marker | None:
    """Return the section marker a line opens with, if any.

    >>> marker_of("II. NỘI DUNG TUYÊN TRUYỀN")
    Marker(kind='roman', label='II', rest='NỘI DUNG TUYÊN TRUYỀN')
    >>> marker_of("Điều 3. Hiệu lực thi hành").kind
    'article'
    >>> marker_of("Kết luận số 42-KL/TW") is None
    True
    """
    stripped = text.strip()
    for kind, rx in MARKERS:
        m = rx.match(stripped)
        if m:
            rest = m.group(2).strip()
            if kind == "roman" and not rest:
                return None
            if kind in ("dash", "plus") and not rest:
                return None
            return Marker(kind, m.group(1), rest)
    return _ocr_roman(stripped)


OCR_ROMAN = re.compile(r"^([IVXlLH1|]{1,5})\s*[.,]\s+(.+)$")
OCR_ROMAN_MAP = str.maketrans({"l": "I", "L": "I", "1": "I", "|": "I"})


def _ocr_roman(text: str) -> Marker | None:
    """Read a Roman section numeral as OCR misreads it ("HI." for III., "IL." for I.).

    Only before a heading in capitals, where a misread numeral is the likely reading.

    >>> _ocr_roman("HI. TỔ CHỨC THỰC HIỆN")
    Marker(kind='roman', label='III', rest='TỔ CHỨC THỰC HIỆN')
    >>> _ocr_roman("Hà Nội, ngày 5") is None
    True
    """
    m = OCR_ROMAN.match(text)
    if not m or not is_upper_line(m.group(2)):
        return None
    label = m.group(1).replace("H", "II").translate(OCR_ROMAN_MAP)
    if label not in ROMANS:
        return None
    return Marker("roman", label, m.group(2).strip())


def _heading_of(marker: Marker) -> tuple[str | None, str]:
    """Split a marker's rest into (heading, text): headings are short and unpunctuated."""
    rest = marker.rest
    if marker.kind in ("dash", "plus", "paren"):
        return None, rest
    words = rest.split()
    short = 0 < len(words) <= 16 and not rest.endswith((".", ";", ",")) and ":" not in rest[:-1]
    if marker.kind in HEADED and (short or is_upper_line(rest)):
        return rest, ""
    if marker.kind in ("arabic", "decimal", "letter") and (
        is_upper_line(rest) or (0 < len(words) <= 25 and not rest.endswith((".", ";", ",", ":")))
    ):
        return rest, ""
    return None, rest


def _node(
    kind: str, label: str | None, heading: str | None, text: str, line: Line
) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": label,
        "heading": heading,
        "text": text,
        "line_ids": [line.id],
        "children": [],
    }


def parse_body(lines: list[Line]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Build (preamble, section tree) from the body lines in reading order."""
    preamble: dict[str, Any] = {"text": "", "line_ids": []}
    roots: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    awaiting_heading: dict[str, Any] | None = None
    last_roman: str | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        marker = marker_of(text)
        if (
            marker is not None
            and marker.kind == "roman"
            and not _roman_in_sequence(marker.label, last_roman)
        ):
            marker = None  # "V. A. Lenin" after "I.": an initial, not section V
        if marker is not None and marker.kind == "roman":
            last_roman = marker.label
        if marker is None:
            if awaiting_heading is not None and is_upper_line(text):
                awaiting_heading["heading"] = text
                awaiting_heading["line_ids"].append(line.id)
                awaiting_heading = None
                continue
            target = stack[-1] if stack else preamble
            target["text"] = f"{target['text']}\n{text}" if target["text"] else text
            target["line_ids"].append(line.id)
            awaiting_heading = None
            continue
        heading, rest = _heading_of(marker)
        node = _node(marker.kind, marker.label, heading, rest, line)
        kinds = [n["kind"] for n in stack]
        if marker.kind in kinds:
            del stack[kinds.index(marker.kind) :]
        elif marker.kind in HEADED:
            # a structural marker never nests under a list item or a lower structural level
            order = ["part", "chapter", "section", "roman", "article"]
            while stack and (
                stack[-1]["kind"] not in HEADED
                or order.index(stack[-1]["kind"]) >= order.index(marker.kind)
            ):
                stack.pop()
        (stack[-1]["children"] if stack else roots).append(node)
        stack.append(node)
        opens_heading = marker.kind in ("part", "chapter", "section") and not marker.rest
        awaiting_heading = node if opens_heading else None
    return preamble, roots


def _roman_in_sequence(label: str, last: str | None) -> bool:
    """Check a Roman numeral restarts at I or follows the previous one (I, II, III …).

    One step of slack either way, because OCR drops or doubles an "I" ("III." read "II.").
    """
    if label == "I" or (last is None and label == "II"):
        return True
    if last is None or last not in ROMANS or label not in ROMANS:
        return False
    return abs(ROMANS.index(label) - (ROMANS.index(last) + 1)) <= 1


def iter_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All nodes of a tree, depth first."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        out.append(node)
        out.extend(iter_nodes(node["children"]))
    return out

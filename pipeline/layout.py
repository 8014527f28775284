"""Keep the typed body text apart from what was written or stamped around it.

Real scans carry a clerk's handwritten notes in the margins ("Trình đ/c Bí thư", "VPDU"),
a scribbled signature and the remains of seals and stamps. Tesseract reads some of these
as lines; left in reading order they would be interleaved with the directive's text. This
module marks such lines `role = "marginalia"` and moves them after the body lines of
their page (the structure stage keeps pre-set marginalia in `structure.marginalia`).

A line is marginalia when (measured on the page's own lines, no fixed page size):

- it lies wholly outside the text column, in the left or right margin, where the
  column is found from the lines Tesseract trusts;
- it sits above the top or below the bottom of the text and Tesseract doubts it
  (handwriting reads with low confidence; typed header lines read with high);
- it is noise: no word of two or more letters that Tesseract trusts (scribbles, seal
  rings and stamp frames read as "—~" or "ÌẠ");
- it is the page number: the page's first or last line, only a number, centred over the
  column (left in place, it sits between the two halves of a paragraph that runs on
  from one page to the next).
"""

from __future__ import annotations

import logging
import re
import statistics

from pipeline.document import Line, Page

log = logging.getLogger(__name__)

MARGINALIA = "marginalia"
PAGE_NUMBER = "page number"
"""Kind of a marginalia paragraph that only holds a number: the plain text leaves it out."""
EDGE_LINE_CONFIDENCE = 60.0
"""Above/below the text, a line with mean word confidence under this is handwriting."""
TRUSTED_WORD = 50.0
"""A word of two or more letters read with at least this confidence is real text."""


def text_column(lines: list[Line]) -> tuple[int, int] | None:
    """Find the (left, right) of the typed text, from lines Tesseract trusts; None if too few.

    Trusted lines (two or more words, mean confidence ≥ `EDGE_LINE_CONFIDENCE`) are
    typed text; the 10th/90th percentiles of their edges keep a stray confident note
    from widening the column.
    """
    trusted = [
        line.bbox
        for line in lines
        if line.bbox is not None
        and len(line.words) >= 2
        and _mean_conf(line) >= EDGE_LINE_CONFIDENCE
    ]
    if len(trusted) < 3:
        return None
    lefts = sorted(b[0] for b in trusted)
    rights = sorted(b[2] for b in trusted)
    return lefts[len(lefts) // 10], rights[len(rights) - 1 - len(rights) // 10]


def _outside(bbox: tuple[int, int, int, int], column: tuple[int, int]) -> bool:
    """Say whether the box lies wholly in the left or the right margin of the column."""
    return bbox[2] <= column[0] or bbox[0] >= column[1]


_DOCUMENT_CODE = re.compile(r"\d{1,5}\s?/\s?(?:19|20)\d\d\b|\d{1,5}\s?[-/]\s?\(?[A-ZĐ]{2}")
"""A document number or code ("84/2025/…", "70-HD/…"): typed header text, however badly read."""


def is_noise(line: Line) -> bool:
    """Say whether no word of two or more letters is trusted: a scribble, a seal ring.

    A line holding a document code is never noise: Tesseract may doubt every word of a
    small, blurred "Số: 84/2025/QĐ-UBND", and the number is the header's key field.
    """
    if not line.words or _DOCUMENT_CODE.search(line.text):
        return False
    for word in line.words:
        letters = sum(ch.isalpha() for ch in word.text)
        if (letters >= 2 or any(ch.isdigit() for ch in word.text)) and word.conf >= TRUSTED_WORD:
            return False
    return True


_PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,3}[-–—\s]*$")
"""A page number, "2" or "- 2 -": official documents print it centred at the top of every page
but the first (Nghị định 30/2020/NĐ-CP); Tesseract reads it confidently, so it is no noise."""


def looks_like_page_number(text: str) -> bool:
    """Say whether `text` is only a number ("2", "- 2 -"): what a page number reads as.

    Alone it proves nothing (a table cell, a line of a list); `is_page_number` adds where
    it sits, and a marginalia line (already set apart by its place) that reads so is one.
    """
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_page_number(line: Line, column: tuple[int, int]) -> bool:
    """Say whether `line` holds only a number, in a small box centred over the text column."""
    if line.bbox is None or not looks_like_page_number(line.text):
        return False
    width = column[1] - column[0]
    centre = (line.bbox[0] + line.bbox[2]) / 2
    return (line.bbox[2] - line.bbox[0] <= 0.2 * width
            and abs(centre - (column[0] + column[1]) / 2) <= 0.1 * width)


def _mean_conf(line: Line) -> float:
    confs = [w.conf for w in line.words if w.conf >= 0]
    return statistics.mean(confs) if confs else line.conf


def marginal_reasons(page: Page) -> dict[str, str]:
    """Line id → why it is marginalia, for the lines of `page` that are."""
    lines = [line for line in page.lines if line.bbox is not None and line.text.strip()]
    reasons: dict[str, str] = {}
    column = text_column(lines)
    if lines and (column is not None or page.width):
        # the page's first or last line; on a page of too few lines to find the text
        # column (a document's last, short page), centred on the sheet
        first, last = min(lines, key=lambda x: x.bbox[1]), max(lines, key=lambda x: x.bbox[3])
        for edge in (first, last) if first is not last else (first,):
            if is_page_number(edge, column or (0, page.width)):
                reasons[edge.id] = "page number"
    if column is None:
        return reasons
    inside = []
    for line in lines:
        assert line.bbox is not None
        if line.id in reasons:
            continue
        if _outside(line.bbox, column):
            reasons[line.id] = "outside the text column"
        elif is_noise(line):
            reasons[line.id] = "no trusted word"
        else:
            inside.append(line)
    confident = [line for line in inside if _mean_conf(line) >= EDGE_LINE_CONFIDENCE]
    if not confident:
        return reasons
    top = min(line.bbox[1] for line in confident if line.bbox is not None)
    bottom = max(line.bbox[3] for line in confident if line.bbox is not None)
    for line in inside:
        assert line.bbox is not None
        above = line.bbox[3] <= top
        below = line.bbox[1] >= bottom
        if (above or below) and _mean_conf(line) < EDGE_LINE_CONFIDENCE:
            reasons[line.id] = "doubtful line " + ("above" if above else "below") + " the text"
    return reasons


def separate_marginalia(page: Page) -> Page:
    """Mark marginal lines `role="marginalia"` and move them after the body, in place.

    Line ids are renumbered "p{n}-l{k}" in the new order (this runs right after OCR,
    before anything refers to ids). Idempotent.
    """
    reasons = marginal_reasons(page)
    if not reasons:
        return page
    body = [line for line in page.lines if line.id not in reasons and line.role != MARGINALIA]
    margin = [line for line in page.lines if line.id in reasons or line.role == MARGINALIA]
    next_block = max((line.block for line in body), default=0) + 1
    for line in margin:
        if line.role != MARGINALIA:
            log.debug(
                "page %d: %r is marginalia (%s)", page.number, line.text, reasons.get(line.id, "")
            )
        line.role = MARGINALIA
        line.block = next_block
    page.lines = body + margin
    for k, line in enumerate(page.lines, start=1):
        line.id = f"p{page.number}-l{k}"
    log.info("page %d: %d marginal lines kept apart", page.number, len(margin))
    return page

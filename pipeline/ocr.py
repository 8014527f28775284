"""Read a prepared page with Tesseract into `Page`/`Line`/`Word`, in reading order.

Tesseract's full-page mode often reads a directive's two-column header across the gap
("ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI …" as one line). We split such lines at wide
gaps and, where consecutive lines of a block are split at the same gap, emit the left
column's lines before the right column's, each column as its own block: issuer, then
the national/Party header, as the document is read.
"""

from __future__ import annotations

import logging
import statistics
import time
from dataclasses import dataclass

from pipeline import tesseract
from pipeline.config import OcrSettings
from pipeline.document import BBox, Line, Page, Word, nfc
from pipeline.layout import separate_marginalia
from pipeline.preprocess import PreparedPage

log = logging.getLogger(__name__)

COLUMN_GAP_HEIGHTS = 3.0
"""A gap wider than this many line heights between two words separates columns."""


@dataclass
class _Segment:
    """A run of words on one visual line, without a column gap inside."""

    words: list[tesseract.TsvWord]
    block: int
    paragraph: int

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.left + w.width for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)


def ocr_page(prepared: PreparedPage, number: int, settings: OcrSettings,
             page_label: str = "") -> Page:
    """OCR one prepared page; Line ids are "p{number}-l{k}" in reading order.

    `page_label` names the page in errors and logs (default "page {number}").
    """
    label = page_label or f"page {number}"
    start = time.perf_counter()
    words = tesseract.image_to_words(
        prepared.image,
        lang=settings.lang,
        psm=settings.psm,
        dpi=prepared.dpi,
        timeout_s=settings.page_timeout_s,
        page_label=label,
    )
    words = drop_fragments(words)
    height, width = prepared.image.shape[:2]
    page = Page(
        number=number,
        width=int(width),
        height=int(height),
        dpi=prepared.dpi,
        skew_deg=prepared.skew_deg,
        rotation_deg=prepared.rotation_deg,
    )
    blocks = order_blocks(split_columns(group_lines(words)))
    k = 0
    paragraph_ids: dict[tuple[int, int, int], int] = {}
    for block_no, block in enumerate(blocks, start=1):
        for segment in block:
            k += 1
            key = (block_no, segment.block, segment.paragraph)
            paragraph = paragraph_ids.setdefault(key, len(paragraph_ids) + 1)
            page.lines.append(_to_line(segment, f"p{number}-l{k}", block_no, paragraph))
    separate_marginalia(page)  # margin notes, scribbles, stamp remains: after the body
    page.seconds = round(time.perf_counter() - start, 3)
    log.debug("%s: %d words, %d lines in %.2f s", label, len(words), k, page.seconds)
    return page


FRAGMENT_HEIGHT = 0.3
"""Words lower than this share of the median word height are fragments, not text."""


def drop_fragments(words: list[tesseract.TsvWord]) -> list[tesseract.TsvWord]:
    """Drop what Tesseract reads off underlines and stray accents ("SA", "Á" 9 px high).

    A letter is at least as tall as the x-height (about half a word's height), so a
    "word" with letters under 30 % of the median word height is a fragment; flat
    punctuation ("-", ".") is kept unless Tesseract itself doubts it (conf < 30).
    """
    if len(words) < 5:
        return words
    median_h = statistics.median(w.height for w in words)
    kept = []
    for word in words:
        flat = word.height < FRAGMENT_HEIGHT * median_h
        if flat and (any(ch.isalnum() for ch in word.text) or word.conf < 30):
            log.debug(
                "dropped fragment %r (%d px high, conf %.0f)", word.text, word.height, word.conf
            )
            continue
        kept.append(word)
    return kept


def group_lines(words: list[tesseract.TsvWord]) -> list[list[tesseract.TsvWord]]:
    """Words grouped by Tesseract's (block, paragraph, line), in Tesseract's order."""
    lines: dict[tuple[int, int, int], list[tesseract.TsvWord]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    return list(lines.values())


def split_columns(lines: list[list[tesseract.TsvWord]]) -> list[list[_Segment]]:
    """Each Tesseract line as one or more segments, cut where words are a column gap apart."""
    out: list[list[_Segment]] = []
    for words in lines:
        ordered = sorted(words, key=lambda w: w.left)
        line_h = statistics.median(w.height for w in ordered)
        segments = [[ordered[0]]]
        for prev, word in zip(ordered, ordered[1:], strict=False):
            gap = word.left - (prev.left + prev.width)
            if gap > COLUMN_GAP_HEIGHTS * line_h:
                segments.append([word])
            else:
                segments[-1].append(word)
        out.append([_Segment(seg, ordered[0].block, ordered[0].paragraph) for seg in segments])
    return out


def order_blocks(lines: list[list[_Segment]]) -> list[list[_Segment]]:
    """Group segments into blocks in reading order.

    Runs of consecutive lines that were split at a column gap (and single segments of the
    same Tesseract block between them) form a two-column region: its left segments become
    one block, its right segments the next. Other lines keep Tesseract's blocks and order.
    """
    blocks: list[list[_Segment]] = []
    i = 0
    while i < len(lines):
        if len(lines[i]) < 2:
            block_id = lines[i][0].block
            current: list[_Segment] = []
            while i < len(lines) and len(lines[i]) < 2 and lines[i][0].block == block_id:
                current.extend(lines[i])
                i += 1
            blocks.append(current)
            continue
        region: list[list[_Segment]] = []
        region_blocks = set()
        while i < len(lines) and (len(lines[i]) >= 2 or lines[i][0].block in region_blocks):
            region.append(lines[i])
            region_blocks.add(lines[i][0].block)
            i += 1
        blocks.extend(_columns(region))
    return [block for block in blocks if block]


def _columns(region: list[list[_Segment]]) -> list[list[_Segment]]:
    """Split a two-column region at its widest common gap; left column first."""
    split_lines = [line for line in region if len(line) >= 2]
    cut = statistics.median((line[0].right + line[1].left) / 2 for line in split_lines)
    left: list[_Segment] = []
    right: list[_Segment] = []
    for line in region:
        for segment in line:
            (left if (segment.left + segment.right) / 2 < cut else right).append(segment)
    return [sorted(left, key=lambda s: s.top), sorted(right, key=lambda s: s.top)]


def _to_line(segment: _Segment, line_id: str, block: int, paragraph: int) -> Line:
    words = [
        Word(
            text=nfc(w.text),
            bbox=(w.left, w.top, w.left + w.width, w.top + w.height),
            conf=round(w.conf, 2),
        )
        for w in segment.words
    ]
    confs = [w.conf for w in words if w.conf >= 0]
    return Line(
        id=line_id,
        text=" ".join(w.text for w in words),
        bbox=_union([w.bbox for w in words if w.bbox is not None]),
        conf=round(sum(confs) / len(confs), 2) if confs else -1.0,
        words=words,
        block=block,
        paragraph=paragraph,
    )


def _union(boxes: list[BBox]) -> BBox | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )

"""How likely line b is to follow line a: language model across the break, plus layout cues.

Why: when a scan or a PDF text layer delivers lines in the wrong order, the words that
meet at a line break are where the damage shows: "… phát triển kinh" + "tế - xã hội …"
reads on, "… phát triển kinh" + "- Trong bối cảnh …" does not. A link is scored two ways
and the better reading wins (log-sum): *continuation* (the LM reads the start of b after
the end of a) or *paragraph break* (a ends a paragraph, b starts one). Layout cues
(line_cues) shift each reading: a bullet cannot continue a sentence, a lowercase line
cannot open a paragraph, a full line without final punctuation does not end one.

Scores are log10 probabilities, so the sum over an order of its links is comparable
between orders of the same lines (every line's first words are scored exactly once).
Text is scored in its accent-free, lowercase form, so accent-stripped OCR lines and
clean lines are judged alike (measured: benchmarks/bench_reorder.py).
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.repair.line_cues import (
    ENUMERATOR_RANK,
    LineCues,
    line_cues,
    wraps_capitals_title,
)

log = logging.getLogger(__name__)

CONTEXT = 4
"""Words of a line's end (and start) the LM sees across a break, when it has no `order`."""


class BoundaryLM(Protocol):
    """The part of a language model the link scorer needs (pipeline.repair.lm fits it)."""

    def begin_state(self) -> Any: ...  # noqa: D102

    def null_state(self) -> Any: ...  # noqa: D102

    def advance(self, state: Any, token: str) -> tuple[float, Any]: ...  # noqa: D102


@dataclass(frozen=True)
class LinkWeights:
    """Penalties (log10 units) that layout cues put on a reading of a link; tuned on dev."""

    item_continues: float = 4.0
    """b is a numbered/bulleted line, yet read as continuing a's sentence."""
    heading_continues: float = 3.0
    """a is a capitals heading, yet b continues it."""
    short_continues: float = 2.0
    """a is a short line (a paragraph's last), yet b continues it."""
    lower_starts: float = 3.0
    """b starts in lowercase, yet is read as opening a paragraph."""
    open_ends: float = 2.5
    """a is a full line without final punctuation, yet is read as ending a paragraph."""
    comma_ends: float = 1.5
    """a ends with a comma, yet is read as ending a paragraph."""
    short_ratio: float = 0.62
    """A line shorter than this share of the wrap width is 'short'."""
    fit_ratio: float = 0.85
    """Line a was not wrapped before b when a, a space and b's first word take at most this
    share of the wrap width (below 1: OCR'd lines are counted in characters, not pixels)."""
    empty_heading: float = 3.0
    """a is a numbered heading (short, no final punctuation; any length for "Điều",
    "Chương", "Mục", "Phần") or a numbered lead-in (ending in a colon), yet b is the next
    label of the same or a shallower level: the heading would have no content."""
    closed_item: float = 6.0
    """a ends with "./." (the mark that closes a directive's text: what follows is the
    signature block or "Nơi nhận:"), yet b is a list item of the text."""
    heading_after_semicolon: float = 1.4
    """a ends with ";" (a list goes on), yet b is a heading (an article, chapter, section,
    part or Roman-numbered title, or a short line in capitals). Not tuned: in the training
    documents 0.64 % of paragraphs after a ";" are headings against 15.7 % after a ".",
    log10(15.7 / 0.64) = 1.4."""
    flat_breaks: bool = False
    """Score every paragraph start/end alike (page medians); see LinkTable.start."""


def fold(text: str) -> str:
    """Lowercase, mark-free form used for scoring ("Đảng" → "dang").

    >>> fold("Đảng Cộng sản")
    'dang cong san'
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


_TITLED_LABELS = ("article", "chapter", "section", "part")
"""Label styles that only ever open a heading ("Điều 16. Bầu cử, phê chuẩn, bổ nhiệm …"),
however long its title: such a line is never followed by its next sibling at once."""
HEADING_LABELS = (*_TITLED_LABELS, "roman")
"""Label styles of section headings (what does not follow a line ending in ";")."""

_WORD_RE = re.compile(r"[^\W\d_]+|\d+(?:[.,/-]\d+)*|[.,;:!?]")


def line_tokens(text: str) -> list[str]:
    """Folded word tokens of a line, with sentence punctuation kept as tokens.

    >>> line_tokens(" Kinh tế - xã hội năm 2023; tu do")
    ['kinh', 'te', 'xa', 'hoi', 'nam', '2023', ';', 'tu', 'do']
    """
    return _WORD_RE.findall(fold(text))


def wrap_width(lengths: Sequence[int]) -> int:
    """The column width the lines were wrapped at: a high percentile of their lengths."""
    ordered = sorted(length for length in lengths if length > 0)
    if not ordered:
        return 80
    return max(20, ordered[min(len(ordered) - 1, int(0.85 * len(ordered)))])


def local_wrap_widths(lengths: Sequence[int], blocks: Sequence[int] | None = None,
                      reach: int = 12) -> list[int]:
    """Wrap width around each line, from nearby lines of multi-line blocks.

    Why local: one file may hold wrapped passages (80 columns) beside lines that are whole
    paragraphs (hundreds of characters); "short" must be judged against the neighbours.
    """
    size = len(lengths)
    if blocks is None:
        blocks = [0] * size
    counts: dict[int, int] = {}
    for block in blocks:
        counts[block] = counts.get(block, 0) + 1
    wrapped = [counts[blocks[k]] >= 2 for k in range(size)]
    widths = []
    for k in range(size):
        window = range(max(0, k - reach), min(size, k + reach + 1))
        near = [lengths[j] for j in window if wrapped[j]] or [lengths[j] for j in window]
        widths.append(wrap_width(near))
    return widths


def had_room_for(length: int, following: str, width: int, ratio: float) -> bool:
    """Tell whether a line of `length` characters had room for the first word of `following`.

    Why: a wrapped line is cut where the next word no longer fits, so a line that had room
    for it ended there (a paragraph's last line, a heading), however long it is. `ratio`
    below 1 leaves slack: OCR'd lines are counted in characters, not pixels.
    """
    words = following.split()
    return bool(words) and length + 1 + len(words[0]) <= ratio * width


def _logsum10(a: float, b: float) -> float:
    high, low = (a, b) if a >= b else (b, a)
    return high + math.log10(1.0 + 10.0 ** (low - high))


class LinkTable:
    """Lazily computed link scores between the lines of one page (indices into `texts`)."""

    def __init__(self, texts: Sequence[str], lm: BoundaryLM, weights: LinkWeights | None = None,
                 tokenize: Callable[[str], list[str]] | None = None,
                 blocks: Sequence[int] | None = None,
                 restore: Callable[[str], tuple[str, float]] | None = None) -> None:
        self.texts = list(texts)
        self._tokenize = tokenize or line_tokens
        self._restore = restore
        self.lm = lm
        self.weights = weights or LinkWeights()
        self.context = max(1, int(getattr(lm, "order", CONTEXT + 1)) - 1)
        self.cues: list[LineCues] = [line_cues(text) for text in self.texts]
        self._tokens: dict[int, list[str]] = {}
        self.widths = local_wrap_widths([cue.length for cue in self.cues], blocks)
        self._tail_state: dict[int, Any] = {}
        self._start: dict[int, float] = {}
        self._end: dict[int, float] = {}
        self._links: dict[tuple[int, int], float] = {}
        self._bases: tuple[float, float] | None = None

    def is_short(self, index: int) -> bool:
        """True when line `index` is clearly shorter than the wrap width."""
        return self.cues[index].length < self.weights.short_ratio * self.widths[index]

    def is_open(self, index: int) -> bool:
        """Tell whether line `index` is a full line without final punctuation (it runs on)."""
        cue = self.cues[index]
        return not cue.ends_terminal and not cue.is_caps and not self.is_short(index)

    def is_numbered_heading(self, index: int) -> bool:
        """Tell whether line `index` is a label with a short or capitals title, no final stop."""
        cue = self.cues[index]
        return cue.item and not cue.ends_terminal and (self.is_short(index) or cue.is_caps)

    def tokens(self, index: int) -> list[str]:
        """LM tokens of line `index`, read from its restored text when a restorer is set.

        Lazy, so that only lines the search actually weighs get restored (restoring a
        line costs a decode; most of a page is never in a searched span). Every line is
        read in its restored spelling, however unsure the restoration: a table that read
        some lines otherwise would score links on two scales (see WeightedLinks).
        """
        if index not in self._tokens:
            text = self.texts[index]
            if self._restore is not None:
                text, _ = self._restore(text)
            self._tokens[index] = self._tokenize(text)
        return self._tokens[index]

    def _score_head(self, state: Any, index: int) -> float:
        total = 0.0
        for token in self.tokens(index)[:self.context]:
            score, state = self.lm.advance(state, token)
            total += score
        return total

    def tail_state(self, index: int) -> Any:
        """LM state after the last words of line `index` (what the next line is read after)."""
        if index not in self._tail_state:
            state = self.lm.null_state()
            for token in self.tokens(index)[-self.context:]:
                _, state = self.lm.advance(state, token)
            self._tail_state[index] = state
        return self._tail_state[index]

    def _break_bases(self) -> tuple[float, float]:
        """Page medians of the LM's paragraph-start and paragraph-end scores."""
        if self._bases is None:
            starts = sorted(self._score_head(self.lm.begin_state(), k) for k in range(len(self.texts)))
            ends = sorted(self.lm.advance(self.tail_state(k), "</s>")[0] for k in range(len(self.texts)))
            self._bases = (starts[len(starts) // 2], ends[len(ends) // 2]) if starts else (0.0, 0.0)
        return self._bases

    def start(self, index: int) -> float:
        """log10 P(first words of line `index` | start of a paragraph), with layout cues.

        With `flat_breaks`, every line gets the page's median start score: which line
        opens a paragraph is then decided by layout cues and continuations, not by the
        LM's taste for some first words over others (noise when ordering paragraphs).
        """
        if index not in self._start:
            if self.weights.flat_breaks:
                score = self._break_bases()[0]
            else:
                score = self._score_head(self.lm.begin_state(), index)
            if self.cues[index].continues_paragraph:
                score -= self.weights.lower_starts
            self._start[index] = score
        return self._start[index]

    def end(self, index: int) -> float:
        """log10 P(paragraph ends after line `index`), with layout cues."""
        if index not in self._end:
            if self.weights.flat_breaks:
                score = self._break_bases()[1]
            else:
                score, _ = self.lm.advance(self.tail_state(index), "</s>")
            self._end[index] = score - self._open_penalty(index)
        return self._end[index]

    def _open_penalty(self, index: int) -> float:
        """Cost of ending a paragraph on a full line without final punctuation."""
        if not self.is_open(index):
            return 0.0
        return self.weights.comma_ends if self.cues[index].ends_comma else self.weights.open_ends

    def fits(self, a: int, b: int) -> bool:
        """Tell whether b's first word would have fitted at the end of line a.

        Why: such a line was not wrapped before b (`had_room_for`): it ends its paragraph
        or is a heading ("Cấp Giấy chứng nhận … mẫu AK" above "1. Trình tự thực hiện");
        `is_short` alone calls it a full line and its break a conflict.
        """
        return had_room_for(self.cues[a].length, self.texts[b], self.widths[a],
                            self.weights.fit_ratio)

    def continuation(self, a: int, b: int) -> float:
        """log10 P(first words of b | last words of a), with layout cues."""
        score = self._score_head(self.tail_state(a), b)
        if self.cues[b].item:
            score -= self.weights.item_continues
        if self.cues[a].is_caps:
            if not self.caps_run_on(a, b):
                score -= self.weights.heading_continues
        elif self.is_short(a) or self.fits(a, b):
            score -= self.weights.short_continues
        return score

    def excess(self, a: int, b: int) -> float:
        """How much better b reads after a than after a paragraph break (≥ 0)."""
        return self.link(a, b) - self.end(a) - self.start(b)

    def link(self, a: int, b: int) -> float:
        """Score of line b directly following line a (either reading of the break)."""
        key = (a, b)
        if key not in self._links:
            paragraph_break = self.end(a) + self.start(b)
            if self.fits(a, b):
                paragraph_break += self._open_penalty(a)  # a was not cut by the wrap
            if self.neutral(a, b):
                score = paragraph_break
            else:
                score = _logsum10(self.continuation(a, b), paragraph_break)
            if self.weights.empty_heading and self.empty_heading(a, b):
                score -= self.weights.empty_heading
            if self.weights.closed_item and self.closes_text(a) and self.cues[b].item:
                score -= self.weights.closed_item
            if self.cues[a].text.endswith(";") and self.is_heading(b):
                score -= self.weights.heading_after_semicolon
            self._links[key] = score
        return self._links[key]

    def is_heading(self, index: int) -> bool:
        """Tell whether line `index` is a section heading: a titled or Roman label, or caps."""
        cue = self.cues[index]
        if cue.enumerator is not None and cue.enumerator.style in HEADING_LABELS:
            return cue.first_letter_case != "lower"
        return cue.is_caps and cue.length < 100

    def closes_text(self, a: int) -> bool:
        """True when line a ends with "./.", the mark that closes a directive's text."""
        return self.cues[a].text.endswith("/.")

    def empty_heading(self, a: int, b: int) -> bool:
        """True when numbered heading a is directly followed by a label of its level or above.

        Why: a heading ("6. Cơ quan thực hiện") is followed by its content; read right
        before the next "7." it would head nothing, which is what a heading moved below its
        own paragraph looks like. A numbered line ending in a colon ("2. … trong các trường
        hợp sau:") announces content the same way, and so does an article, chapter, section
        or part heading ("Điều 16. …"), however long they are.
        """
        first, second = self.cues[a], self.cues[b]
        if first.enumerator is None or second.enumerator is None or not first.item:
            return False
        lead_in = first.text.endswith(":")
        titled = first.enumerator.style in _TITLED_LABELS and not first.ends_terminal
        if not (lead_in or titled or self.is_numbered_heading(a)):
            return False
        return ENUMERATOR_RANK[second.enumerator.style] <= ENUMERATOR_RANK[first.enumerator.style]

    def neutral(self, a: int, b: int) -> bool:
        """True when a closes a sentence (or is a heading) and b can open a paragraph.

        Why: an n-gram model cannot tell which of two complete paragraphs comes first, and
        its chance preference for "sentence end + some capitalised word" must not move
        paragraphs; such a link is scored as a paragraph break whatever the words. Not
        where a full capitals line wraps onto b (`caps_run_on`): a title reads on.
        """
        first, second = self.cues[a], self.cues[b]
        if self.caps_run_on(a, b):
            return False
        return (first.ends_terminal or first.is_caps) and not second.continues_paragraph

    def caps_run_on(self, a: int, b: int) -> bool:
        """Tell whether full capitals line a may wrap onto b (`wraps_capitals_title`).

        Why: read as a neutral paragraph break, a wrapped title's own break lost to any
        line that reads on into its next word ("… Thống kê" of a flattened table above
        "HOẠCH, ĐẦU TƯ …"), and a clean document's lines moved.
        """
        return wraps_capitals_title(self.cues[a], self.cues[b], not self.is_short(a))


def reads_on(lm: BoundaryLM, tokenize: Callable[[str], list[str]], a: str, b: str) -> float:
    """How much better (log10) line b reads as going on with a's sentence than as a new paragraph.

    The bare language model (no layout cue): P(first words of b | last words of a) against
    P(a paragraph ends after a) · P(first words of b | paragraph start). Used where layout
    says nothing, across a blank line left by a page break (pipeline.paragraphs).
    """
    table = LinkTable([a, b], lm, tokenize=tokenize)
    tail = table.tail_state(0)
    paragraph_break = lm.advance(tail, "</s>")[0] + table._score_head(lm.begin_state(), 1)
    return table._score_head(tail, 1) - paragraph_break


class WeightedLinks:
    """Weighted sum of several LinkTables over the same lines (e.g. two language models).

    Why: the accent-free model scores every line on the same footing, the accented model
    read on restored lines is sharper where the restoration is right; their weighted sum
    (weights chosen on the dev set) keeps both. Layout cues come from the first table.
    """

    def __init__(self, tables: Sequence[tuple[float, LinkTable]]) -> None:
        self.tables = [(weight, table) for weight, table in tables if weight]
        self.primary = tables[0][1]
        self.cues = self.primary.cues
        self.texts = self.primary.texts
        self.weights = self.primary.weights
        self._links: dict[tuple[int, int], float] = {}

    def is_short(self, index: int) -> bool:
        """As LinkTable.is_short (layout of the first table)."""
        return self.primary.is_short(index)

    def fits(self, a: int, b: int) -> bool:
        """As LinkTable.fits (layout of the first table)."""
        return self.primary.fits(a, b)

    def is_open(self, index: int) -> bool:
        """As LinkTable.is_open (layout of the first table)."""
        return self.primary.is_open(index)

    def is_numbered_heading(self, index: int) -> bool:
        """As LinkTable.is_numbered_heading (layout of the first table)."""
        return self.primary.is_numbered_heading(index)

    def neutral(self, a: int, b: int) -> bool:
        """As LinkTable.neutral (layout of the first table)."""
        return self.primary.neutral(a, b)

    def start(self, index: int) -> float:
        """Weighted paragraph-start score of line `index`."""
        return sum(weight * table.start(index) for weight, table in self.tables)

    def end(self, index: int) -> float:
        """Weighted paragraph-end score of line `index`."""
        return sum(weight * table.end(index) for weight, table in self.tables)

    def link(self, a: int, b: int) -> float:
        """Weighted score of line b directly following line a.

        Every table scores every link. Why not let a table skip lines it reads badly (an
        unsure restoration) and take the first table's score there: the two models score
        on different scales (the accented one ~2x lower per link), so orders that put such
        lines at more links scored better. Measured: whole garbled documents moved
        8 docs / 78 lines with that deferral (restorations under 0.7), 5 / 33 without.
        """
        key = (a, b)
        if key not in self._links:
            self._links[key] = sum(weight * table.link(a, b) for weight, table in self.tables)
        return self._links[key]

    def excess(self, a: int, b: int) -> float:
        """How much better b reads after a than after a paragraph break."""
        return self.link(a, b) - self.end(a) - self.start(b)

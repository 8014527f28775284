"""Put lines that a scan or a PDF text layer delivered out of order back in reading order.

Why: rotated blocks, bottom-up text layers and columns read the wrong way round hand the
repair whole passages upside down: blocks in reverse order, lines reversed inside them,
sometimes with the first (numbered) line left on top (1, 4, 3, 2). Restoring diacritics
on such text is pointless until its lines are in order again.

How: every link "line a, then line b" gets a score (line_links: the LM read across the
break plus layout cues). Two readings are summed: the accent-free LM on the lines as
delivered (every line on one footing), and — restore-first — the accented LM on the lines
of searched spans after the repair engine restored them (sharper where the restoration is
sure; lines it restores with low confidence are left to the accent-free reading, because
a wrongly restored garble makes the sharp model confidently wrong). The accent-free reading
itself takes each line in its restored spelling when the engine is fairly sure of it
(garbles undone, marks ignored), and as delivered otherwise. Links where another
line would clearly read better (accent-free reading) are *suspicious*; each cluster of
them, with a few lines of context, becomes a span (≤ 48 lines). The damage events that
could have produced it (reversed runs, blocks reversed under a kept head, regions read
bottom-up, runs reversed apart where they stand, exchanged blocks) are enumerated and the
most probable order is kept under
    sum of link scores − the damage event's prior cost − a small cost per moved line (of
    two orders that read alike, the one moving fewer lines wins) − numbering penalties
    ("1." after "2." without a new "II." heading),
anchored to the unmoved lines before and after the span. The span is reordered only when
the best order beats the order as read by a margin chosen on the dev set; its confidence
is the share of the beam's probability mass on the winning order. A passage read bottom-up
over more lines than one span is put right piece by piece; pieces undone as reversals next
to each other are then tried as one reversal of the whole passage (`_join_reversed_pieces`).

Deliberately left alone: clean paragraphs (their order as read wins by construction —
moving any line costs jumps that a clean text never pays back), the text of the lines
(that is the diacritics/OCR repair's job) and pages without a language model.

>>> from pipeline.repair.reorder import ReorderResult
>>> ReorderResult(order=[0, 2, 1], spans=[(1, 3, 0.99)]).changed
True
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial

from pipeline.document import Document, Edit, Line
from pipeline.repair.line_cues import LineCues
from pipeline.repair.line_links import BoundaryLM, LinkTable, WeightedLinks
from pipeline.repair.order_search import (
    EXCHANGE,
    REVERSALS,
    RUNS_IN_PLACE,
    Candidate,
    ReorderSettings,
    SearchPage,
    beam_search,
    break_scores,
    candidates,
    moves_whole_blocks,
    numbering_misses,
    score_order,
    span_context,
)
from pipeline.repair.paragraph_order import BreakScores, default_paragraph_order

log = logging.getLogger(__name__)

Span = tuple[int, int, float]
"""(start, end, confidence): input line indices [start, end) that were reordered."""


@dataclass
class ReorderResult:
    """The reading order found: `order[k]` is the input index of the k-th output line."""

    order: list[int]
    spans: list[Span]
    gains: list[float] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when at least one line moved."""
        return any(position != index for position, index in enumerate(self.order))


# -- where to search ----------------------------------------------------------------------

def _suspicious_links(page: SearchPage, settings: ReorderSettings) -> list[int]:
    """Links k → k+1 that look damaged: where a search for a better order should start.

    A link is suspicious when its layout contradicts itself (a full line without final
    punctuation followed by a numbered line; a closed or heading line followed by a
    lowercase one), or — unless it is a plain sentence end before a paragraph start —
    when the two lines read better the other way round, or a line a few places away
    reads clearly better on either side. This only chooses where to
    search; whether to reorder is decided by the margin on the whole span.
    """
    table = page.detector or page.table
    suspicious = []
    misses = numbering_misses(page)
    for k in range(page.size - 1):
        if _cue_conflict(table, k, k + 1) or misses[k + 1]:
            suspicious.append(k)
            continue
        if table.neutral(k, k + 1):
            continue  # a sentence end before a paragraph start: fine in any order
        excess = table.excess(k, k + 1) + settings.suspicion
        current = table.link(k, k + 1) + settings.suspicion
        if table.excess(k + 1, k) > excess:
            suspicious.append(k)
            continue
        low, high = max(0, k - settings.reach), min(page.size, k + 2 + settings.reach)
        for j in range(low, high):
            if j in (k, k + 1):
                continue
            if table.excess(k, j) > excess or table.link(j, k + 1) > current:
                suspicious.append(k)
                break
    return suspicious


def _cue_conflict(table: LinkTable | WeightedLinks, a: int, b: int) -> bool:
    """True when the layout of a and b cannot be a line followed by the next one."""
    first, second = table.cues[a], table.cues[b]
    open_line = table.is_open(a) and not table.fits(a, b)
    closed_line = first.is_caps or (first.ends_terminal and table.is_short(a))
    return (open_line and second.item) or (closed_line and second.continues_paragraph)


def _spans_to_search(suspicious: list[int], block: list[int],
                     settings: ReorderSettings) -> list[tuple[int, int]]:
    """Group suspicious links into spans of lines [start, end), each at most max_span long.

    Links at most 2·context+1 apart form one cluster (a damaged passage); a cluster too
    long for one span is cut at its widest gap. A span is the cluster's lines plus
    `context` lines on each side, widened to whole blocks when their edges are near, so
    a damaged passage's first and last lines can move.
    """
    size = len(block)
    if not suspicious:
        return []
    clusters: list[list[int]] = [[suspicious[0]]]
    for k in suspicious[1:]:
        if k - clusters[-1][-1] <= 2 * settings.context + 1:
            clusters[-1].append(k)
        else:
            clusters.append([k])
    limit = settings.max_span - 2 * settings.context - 1
    pending, done = clusters, []
    while pending:
        cluster = pending.pop(0)
        if cluster[-1] - cluster[0] < limit or len(cluster) < 2:
            done.append(cluster)
            continue
        middle = (cluster[0] + cluster[-1]) / 2
        cut = max(range(1, len(cluster)),
                  key=lambda i: (cluster[i] - cluster[i - 1], -abs(cluster[i] - middle)))
        pending[:0] = [cluster[:cut], cluster[cut:]]
    spans: list[tuple[int, int]] = []
    for cluster in done:
        start = max(0, cluster[0] - settings.context)
        end = min(size, cluster[-1] + 2 + settings.context)
        first = start
        while first > 0 and block[first - 1] == block[start] and start - first < settings.snap:
            first -= 1
        if first > 0 and block[first - 1] == block[start]:
            first = start  # the block's edge is too far: do not widen
        last = end
        while last < size and block[last] == block[end - 1] and last - end < settings.snap:
            last += 1
        if last < size and block[last] == block[end - 1]:
            last = end
        if last - first <= settings.max_span:
            start, end = first, last
        if spans and start < spans[-1][1]:
            if end - spans[-1][0] <= settings.max_span:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
                continue
            spans[-1] = (spans[-1][0], start)  # overlap goes to the later, denser passage
            if spans[-1][1] - spans[-1][0] < 2:
                spans.pop()
        if end - start >= 2:
            spans.append((start, end))
    return spans


# -- deciding -----------------------------------------------------------------------------

@dataclass
class _Move:
    first: int
    end: int
    confidence: float
    gain: float
    events: list[str]

    @property
    def event(self) -> str:
        """The events in the order they were taken, as the result reports them."""
        return " + ".join(self.events)


def _moves_text(page: SearchPage, lines: list[int], new: list[int], settings: ReorderSettings) -> bool:
    """True when `new` moves at least two lines of running text (not only short stubs).

    Why: header stubs, signatures and table cells ("VPDU", "Số 70-HD") carry too few
    words for the LM to judge their order; such lines move only along with real text.
    A short line that opens in lowercase is real text: the tail of a wrapped paragraph.
    """
    changed = [i for i, (k, m) in enumerate(zip(lines, new, strict=True)) if k != m]
    if not changed:
        return False
    touched = lines[changed[0]:changed[-1] + 1]
    return sum(_running_text(page.table.cues[k], settings) for k in touched) >= 2


def _running_text(cues: LineCues, settings: ReorderSettings) -> bool:
    """Tell whether a line is running text: long, or opening in lowercase.

    A line opening in lowercase continues a sentence (a paragraph's short last line, "động,
    mã số:"), which a header stub ("VPDU", "Số 70-HD") never does; nor does a stub end a
    sentence of three words or more ("3 Phụ lục này.": a short last line after "tại Mục").
    """
    return (cues.length >= settings.min_text_length or cues.first_letter_case == "lower"
            or (cues.text.endswith(".") and len(cues.text.split()) >= 3))


def _moved(lines: list[int], new: list[int]) -> int:
    return sum(k != m for k, m in zip(lines, new, strict=True))


def _inversions(lines: list[int], new: list[int]) -> int:
    """Pairs of lines that `new` puts in the other order than `lines` (Kendall distance).

    Why: the tie-break between orders that read exactly alike (their links differ only by
    neutral ones: a sentence end, then a capital). A line on the edge of a reversed run
    often reads as well at either end ("Giao Cục trưởng … địa bàn." first or last); the
    damage reversed whole blocks, so the order that reverses more is the likelier. Measured:
    most inversions tune +5, fresh +4, test and whole documents unchanged; fewest (keep
    more of the order as read) tune −1, test −5.
    """
    position = {k: i for i, k in enumerate(lines)}
    ranks = [position[k] for k in new]
    return sum(1 for i, rank in enumerate(ranks) for later in ranks[i + 1:] if rank > later)


def _best_event(page: SearchPage, order: list[int], start: int, end: int,
                settings: ReorderSettings) -> tuple[Candidate, float, float] | None:
    """The candidate with the best gain over the current order, its gain and confidence."""
    lines = order[start:end]
    context = span_context(page, order, start, end)
    base = score_order(page, lines, context, settings)
    found: list[tuple[float, Candidate]] = []
    proposals = list(candidates(page, lines, context, settings))
    if settings.free_search:
        free = beam_search(page, lines, context, settings)
        if free is not None:
            proposals.append(free)
    as_read_breaks: float | None = None
    for candidate in proposals:
        if _moves_text(page, lines, candidate.lines, settings):
            gain = (score_order(page, candidate.lines, context, settings) - base
                    - candidate.cost - settings.moved_line * _moved(lines, candidate.lines))
            if (page.breaks is not None and candidate.event == EXCHANGE
                    and moves_whole_blocks(page, lines, candidate.lines)):
                if as_read_breaks is None:
                    as_read_breaks = break_scores(page, lines, context)
                gain += _exchange_support(
                    break_scores(page, candidate.lines, context) - as_read_breaks, settings)
            found.append((gain, candidate))
    if not found:
        return None
    top = max(g for g, _ in found)  # among exact ties, the order that inverts most
    gain, best = max(((g, c) for g, c in found if g >= top - settings.tie_window),
                     key=lambda item: (_inversions(lines, item[1].lines), item[0]))
    distinct: dict[tuple[int, ...], float] = {}
    for g, candidate in found:
        key = tuple(candidate.lines)
        distinct[key] = max(g, distinct.get(key, -math.inf))
    # P(best) among the orders seen, the order as read included (its gain is 0)
    confidence = 1.0 / (10.0 ** -min(gain, 300.0) + sum(10.0 ** (g - gain) for g in distinct.values()))
    return best, gain, confidence


def _exchange_support(difference: float, settings: ReorderSettings) -> float:
    """Weigh the paragraph-break model's support for exchanging whole blocks.

    `difference`: how much better the blocks' breaks read exchanged. It counts only when
    clear (`paragraph_order_floor`). Why only support: the exchange already pays its prior
    and the margin; the model adds evidence where the LM has none, and its weak or
    contrary readings are left out.
    """
    if difference < settings.paragraph_order_floor:
        return 0.0
    return settings.paragraph_order * difference


def _undone_reversal(move: _Move) -> bool:
    """Tell whether a move's first event undid a reading bottom-up."""
    return move.events[0] in REVERSALS


def _pieces_exchanged(order: list[int], moves: list[_Move]) -> list[int]:
    """Order the lines of `moves` (and those between them) as one passage read bottom-up.

    Each piece keeps the order its span was given; the pieces come in reverse order and
    the lines between them reversed, as one reversal of the whole passage puts them.
    """
    new: list[int] = []
    for i in reversed(range(len(moves))):
        new += order[moves[i].first:moves[i].end]
        if i > 0:
            new += order[moves[i - 1].end:moves[i].first][::-1]
    return new


def _joined_orders(order: list[int], moves: list[_Move], low: int, high: int,
                   settings: ReorderSettings) -> list[list[int]]:
    """Orders of positions [low, high) with the lines of `moves` read as one passage.

    The pieces exchanged, each keeping the order its span was given (the lines between
    them reversed); and the lines as read reversed as one run from a little inside the
    first move or outside it (down to `low`) to a little inside the last or outside it
    (up to `high`): a span's edge often took in a clean neighbour, which such a run
    leaves where it was, and the passage's edge often reads well as read (list items,
    one-line paragraphs), which no span then took in.
    """
    start, end = moves[0].first, moves[-1].end
    before, after = order[low:start], order[end:high]
    orders = [before + _pieces_exchanged(order, moves) + after]
    for top in range(low, start + settings.context + 1):
        for bottom in range(max(top + 2, end - settings.context), high + 1):
            orders.append(list(range(low, top)) + list(range(bottom - 1, top - 1, -1))
                          + list(range(bottom, high)))  # as read around the run
    return orders


def _join_reversed_pieces(page: SearchPage, order: list[int], moves: list[_Move],
                          settings: ReorderSettings) -> list[_Move]:
    """Put the pieces of a passage read bottom-up over more than one span in order.

    Why: a span holds at most `max_span` lines, so a longer passage read bottom-up (a
    whole page of a bottom-up text layer) is searched as two or more spans. Each is put
    right inside, but the pieces stay in the order as read, which is the wrong way
    round. Where neighbouring spans were undone as reversals, the same damage read as one
    passage exchanges them; that is kept when it reads better by the margin (the order
    as read between and around the moves is that of the page: only moves change it).
    `order` is updated in place.
    """
    if settings.join_gap < 0:
        return moves
    while True:
        best: tuple[float, int, int, int, int, list[int]] | None = None
        for a in range(len(moves)):
            if not _undone_reversal(moves[a]):
                continue
            for b in range(a + 1, len(moves)):
                if (not _undone_reversal(moves[b])
                        or moves[b].first - moves[b - 1].end > settings.join_gap):
                    break
                low = max(moves[a - 1].end if a > 0 else 0, moves[a].first - settings.snap)
                high = min(moves[b + 1].first if b + 1 < len(moves) else page.size,
                           moves[b].end + settings.snap)
                context = span_context(page, order, low, high)
                current = score_order(page, order[low:high], context, settings)
                current_breaks = break_scores(page, order[low:high], context)
                as_read = list(range(low, high))
                moved = _moved(as_read, order[low:high])
                for new in _joined_orders(order, moves[a:b + 1], low, high, settings):
                    gain = (score_order(page, new, context, settings) - current
                            + _exchange_support(break_scores(page, new, context) - current_breaks,
                                                settings)
                            - settings.moved_line * (_moved(as_read, new) - moved))
                    if gain >= settings.margin and (best is None or gain > best[0]):
                        best = (gain, a, b, low, high, new)
        if best is None:
            return moves
        gain, a, b, low, high, new = best
        joined = moves[a:b + 1]
        order[low:high] = new
        changed = [k for k in range(low, high) if order[k] != k]  # never empty: lines reversed
        confidence = math.prod(m.confidence for m in joined) / (1.0 + 10.0 ** -min(gain, 300.0))
        moves[a:b + 1] = [_Move(changed[0], changed[-1] + 1, confidence,
                                sum(m.gain for m in joined) + gain,
                                [e for m in joined for e in m.events]
                                + ["pieces of one passage joined"])]
        log.debug("pieces %d-%d joined, gain %.2f", changed[0], changed[-1] + 1, gain)


@dataclass
class _Chain:
    """The events taken on one span, in order, and the span's lines after them."""

    lines: list[int]
    confidence: float = 1.0
    gains: list[float] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


def _span_events(page: SearchPage, order: list[int], start: int, end: int,
                 settings: ReorderSettings) -> _Chain:
    """Undo damage events in order[start:end], most probable first, while they pay off."""
    order = list(order)
    chain = _Chain(order[start:end])
    for event in range(settings.max_events):
        found = _best_event(page, order, start, end, settings)
        if found is None or found[1] < (settings.margin if event == 0 else settings.repeat_margin):
            break
        candidate, gain, event_confidence = found
        order[start:end] = candidate.lines
        chain.lines = candidate.lines
        chain.confidence *= event_confidence
        chain.gains.append(gain)
        chain.events.append(candidate.event)
        log.debug("span %d-%d: %s, gain %.2f: %s", start, end, candidate.event, gain,
                  candidate.lines)
    return chain


def _page_order(page: SearchPage, settings: ReorderSettings) -> tuple[list[int], list[_Move]]:
    """New order of the page's non-blank lines, and the moves made.

    Events are taken one at a time, the most probable first. Runs reversed in place
    (one event for several reversals) can win that first choice over a single event whose
    follow-up would have read better in all: when they were taken, the span is searched
    again without them, and the chain of events with the higher total gain is kept (both
    totals are the final order's score minus the priors paid, so they compare).
    """
    order = list(range(page.size))
    moves: list[_Move] = []
    for start, end in _spans_to_search(_suspicious_links(page, settings), page.block, settings):
        found = _span_events(page, order, start, end, settings)
        if RUNS_IN_PLACE in found.events:
            without = _span_events(page, order, start, end, replace(settings, runs_in_place=False))
            if sum(without.gains) > sum(found.gains):
                found = without
        order[start:end] = found.lines
        if found.gains:
            changed = [k for k in range(start, end) if order[k] != k]
            if changed:
                moves.append(_Move(changed[0], changed[-1] + 1, found.confidence,
                                   sum(found.gains), found.events))
    return order, _join_reversed_pieces(page, order, moves, settings)


# -- public API ---------------------------------------------------------------------------

def _blocks(lines: Sequence[str], blocks: Sequence[int] | None) -> tuple[list[int], list[int]]:
    """Indices of non-blank lines and a block id for each (blank lines and `blocks` split)."""
    kept: list[int] = []
    ids: list[int] = []
    current = 0
    for index, text in enumerate(lines):
        if not text.strip():
            current += 1
            continue
        if blocks is not None and kept and blocks[index] != blocks[kept[-1]]:
            current += 1
        kept.append(index)
        ids.append(current)
    return kept, ids


def _place_blank_lines(lines: Sequence[str], kept: list[int], block: list[int],
                       new_order: list[int], first: int, last: int) -> list[int]:
    """Input indices of region first..last (non-blank positions) in the new order, blanks too.

    Blank lines stay between blocks: a run of blank lines is put wherever the new order
    passes from one original block to another; left-over runs go to the end of the region.
    """
    lo, hi = kept[first], kept[last]
    runs: list[list[int]] = []
    for index in range(lo, hi + 1):
        if not lines[index].strip():
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
    out: list[int] = []
    positions = new_order[first:last + 1]
    for n, k in enumerate(positions):
        if n and block[positions[n - 1]] != block[k] and runs:
            out.extend(runs.pop(0))
        out.append(kept[k])
    for run in runs:
        out.extend(run)
    return out


def reorder_lines(lines: Sequence[str], *, lm: BoundaryLM | None = None,
                  tokenize: Callable[[str], list[str]] | None = None,
                  settings: ReorderSettings | None = None,
                  blocks: Sequence[int] | None = None,
                  restored_lm: RestoredLM | None = None) -> ReorderResult:
    """Find the reading order of `lines` (one page); blank lines separate blocks.

    `lm` defaults to the accent-free syllable LM (`get_language_model("base")`), so that
    accent-stripped and clean lines are scored alike; `blocks` (e.g. OCR block numbers)
    adds block boundaries to those given by blank lines. With `settings.restored_weight`
    the lines of searched spans are also restored (diacritics, garbles) and read by the
    accented LM (`restored_lm`, default `default_restored_lm()`). Returns the identity
    order when nothing is clearly out of order.
    """
    settings = settings or ReorderSettings()
    if lm is None:
        lm, tokenize = default_boundary_lm()
    kept, block = _blocks(lines, blocks)
    identity = list(range(len(lines)))
    if len(kept) < 2:
        return ReorderResult(identity, [])
    texts = [lines[i] for i in kept]
    restored = None
    if settings.restored_weight > 0 or settings.base_restored_confidence <= 1.0:
        restored = restored_lm or default_restored_lm()
    base_restore = None
    if restored is not None and settings.base_restored_confidence <= 1.0:
        base_restore = partial(_spelling_for_base, restored.restore,
                               settings.base_restored_confidence)
    table = LinkTable(texts, lm, settings.links, tokenize=tokenize, blocks=block,
                      restore=base_restore)
    search: LinkTable | WeightedLinks = table
    if settings.restored_weight > 0 and restored is not None:
        accented = LinkTable(texts, restored.lm, settings.links, tokenize=restored.tokenize,
                             blocks=block, restore=restored.restore)
        search = WeightedLinks([(settings.base_weight, table),
                                (settings.restored_weight, accented)])
    elif settings.base_weight != 1.0:
        search = WeightedLinks([(settings.base_weight, table)])
    model = default_paragraph_order() if settings.paragraph_order else None
    page = SearchPage(search, block, [cue.enumerator if cue.item or cue.is_caps else None
                                      for cue in table.cues], detector=table,
                      breaks=BreakScores(model, table.cues) if model is not None else None)
    new_order, moves = _page_order(page, settings)
    if not moves:
        return ReorderResult(identity, [])
    order = list(identity)
    result = ReorderResult(order, [])
    for move in moves:
        region = _place_blank_lines(lines, kept, block, new_order, move.first, move.end - 1)
        lo, hi = kept[move.first], kept[move.end - 1]
        order[lo:hi + 1] = region
        result.spans.append((lo, hi + 1, move.confidence))
        result.gains.append(move.gain)
        result.events.append(move.event)
    return result


def default_boundary_lm() -> tuple[BoundaryLM, Callable[[str], list[str]]]:
    """The accent-free syllable LM and its tokenizer (loaded once per process).

    Why accent-free: the lines that arrive out of order are mostly accent-stripped OCR,
    and clean neighbours must be scored on the same footing (measured in
    benchmarks/bench_reorder.py: base vs syllable).
    """
    from pipeline.repair.lm import get_language_model, lm_tokens

    model = get_language_model("base")
    return model, partial(lm_tokens, marks=False)


@dataclass(frozen=True)
class RestoredLM:
    """A language model that reads lines after they are restored, and the restorer."""

    lm: BoundaryLM
    tokenize: Callable[[str], list[str]]
    restore: Callable[[str], tuple[str, float]]
    """Line → (restored line, confidence in [0, 1])."""


_RESTORED: RestoredLM | None = None


def _spelling_for_base(restore: Callable[[str], tuple[str, float]], min_confidence: float,
                       text: str) -> tuple[str, float]:
    """Give the line as the repair engine restores it when it is sure enough, else as read.

    Why: the accent-free LM reads a garbled line's garbles (a horn read as "r", a mark as
    a stray letter) as unknown words; read in the restored spelling (marks dropped by the
    tokenizer) its first and last words are real ones, so links between damaged lines
    carry evidence again.
    """
    restored, confidence = restore(text)
    return (restored if confidence >= min_confidence else text), 1.0


def default_restored_lm() -> RestoredLM:
    """The accented syllable LM over lines restored by the repair engine (loaded once).

    Why: the accented model is much sharper than the accent-free one, but only on text
    with its marks; the repair engine restores a line on its own (line-local), so it can
    run before the order is known. Restorations are cached: a line is decoded once.
    """
    global _RESTORED
    if _RESTORED is None:
        from pipeline.repair import repair_text
        from pipeline.repair.lm import get_language_model, lm_tokens

        @lru_cache(maxsize=4096)
        def restore(text: str) -> tuple[str, float]:
            result = repair_text(text)
            return result.text, result.line_confidences[0]

        _RESTORED = RestoredLM(get_language_model("syllable"), partial(lm_tokens, marks=True),
                               restore)
    return _RESTORED


def reorder_page_lines(page_lines: list[Line], result: ReorderResult, page_label: str,
                       reason_extra: str = "") -> tuple[list[Line], list[Edit]]:
    """Apply `result` to a page's Line objects; one reorder Edit per moved line."""
    reordered = [page_lines[i] for i in result.order]
    edits: list[Edit] = []
    for (start, end, confidence), gain in zip(result.spans, result.gains or [0.0] * len(result.spans),
                                              strict=False):
        for new_position in range(start, end):
            old_position = result.order[new_position]
            if old_position == new_position or not page_lines[old_position].text.strip():
                continue
            edits.append(Edit(
                line_id=page_lines[old_position].id, start=0, end=0,
                before=str(old_position + 1), after=str(new_position + 1), kind="reorder",
                confidence=round(confidence, 4),
                reason=(f"{page_label}: lines {start + 1}-{end} read out of order; restored order "
                        f"is {gain:.1f} log10 more probable{reason_extra}"),
            ))
    return reordered, edits


def reorder_document(document: Document, settings: ReorderSettings | None = None) -> Document:
    """Reorder lines within each page of `document`; every move is a `reorder` Edit.

    Line ids stay as they were, so edits made later (diacritics, OCR) still point at the
    right line. Without a language model the document is returned unchanged (logged).
    """
    settings = settings or ReorderSettings()
    try:
        lm, tokenize = default_boundary_lm()
    except Exception as error:  # a missing model must not stop the run
        log.warning("%s: line order not checked (%s)", document.source, error)
        return document
    restored = None
    if settings.restored_weight > 0:
        try:
            restored = default_restored_lm()
        except Exception as error:  # still order by the accent-free reading alone
            log.warning("%s: line order read without restoration (%s)", document.source, error)
            settings = replace(settings, restored_weight=0.0)
    for page in document.pages:
        texts = [line.text for line in page.lines]
        has_boxes = any(line.bbox is not None for line in page.lines)
        page_settings = settings
        if has_boxes:
            page_settings = replace(
                settings, margin=max(settings.margin, settings.geometry_margin),
                repeat_margin=max(settings.repeat_margin, settings.geometry_margin))
        result = reorder_lines(texts, lm=lm, tokenize=tokenize, settings=page_settings,
                               blocks=[line.block for line in page.lines] if has_boxes else None,
                               restored_lm=restored)
        if not result.changed:
            continue
        label = f"{document.source} p{page.number}"
        page.lines, edits = reorder_page_lines(page.lines, result, label)
        document.edits.extend(edits)
        log.info("%s: %d lines put back in reading order in %d span(s)", label, len(edits),
                 len(result.spans))
    return document


__all__ = ["ReorderResult", "ReorderSettings", "reorder_document", "reorder_lines"]

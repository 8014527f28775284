"""Search for the most probable order of a span of lines (used by reorder.py).

Why two searches: damage comes in a few shapes — a run of lines read backwards, a block
reversed under its kept first line (1, 4, 3, 2), a region read bottom-up (block order and
lines reversed), two neighbouring blocks exchanged. Scoring an order by its links alone
cannot tell one big reversal from many small jumps, so each *damage event* gets one prior
cost, and the search enumerates the events (with a DP over the blocks of a region to
choose, per block, reversed / head kept / as read). Paragraphs reversed apart on one page
are offered together as one event with one prior per run (a DP over the cut points), so
that a region does not explain them by moving the clean text between. A recombining beam
over free permutations (prior: a cost per jump) is available as a fallback for other
shapes.

An order's score is the sum of its link scores (line_links), anchored on the lines
before and after the span, minus numbering penalties ("1." after "2." with no new "II."
in between) — all in log10 units, so gains are likelihood ratios.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.repair.line_cues import ENUMERATOR_RANK, Enumerator
from pipeline.repair.line_links import LinkTable, LinkWeights, WeightedLinks
from pipeline.repair.paragraph_order import BreakScores

Counters = tuple[int, ...]
_RANKS = max(ENUMERATOR_RANK.values()) + 1
_UNKNOWN: Counters = tuple([-1] * _RANKS)
"""Counters before any label was seen: the first label of each style is free."""
_RUNS_THROUGH = {
    "part": (ENUMERATOR_RANK["chapter"], ENUMERATOR_RANK["article"]),
    "chapter": (ENUMERATOR_RANK["article"],),
    "section": (ENUMERATOR_RANK["article"],),
}
"""Counters a heading does not reset: Vietnamese legal texts number their articles (Điều)
straight through chapters, sections and parts, and their chapters (Chương) through parts
("Phần 2" is followed by "Chương V", not "Chương I"); "Mục" restarts in each chapter."""
_D = 4
"""Value of the point label "d)"; "đ)" (5) follows it, and reads "d)" once stripped."""


@dataclass(frozen=True)
class ReorderSettings:
    """Search and decision parameters (log10 units); defaults measured on the dev set."""

    max_span: int = 48
    reach: int = 4
    context: int = 2
    snap: int = 10
    suspicion: float = 1.0
    margin: float = 5.0
    repeat_margin: float = 10.0
    numbering: float = 5.0
    first_item: float = 1.0
    reversal: float = 3.0
    kept_head: float = 2.0
    kept_plain_head: float = 5.0
    kept_block: float = 6.0
    swap: float = 4.0
    max_swap: int = 12
    max_events: int = 3
    min_text_length: int = 30
    free_search: bool = False
    beam_width: int = 64
    jump: float = 4.0
    block_jump: float = 2.5
    reverse: float = 0.5
    moved_line: float = 0.05
    """Prior cost per line whose position changes: of two orders that read alike, the
    one moving fewer lines wins (keeps clean neighbours of a damaged passage in place)."""
    tie_window: float = 1e-6
    """Orders whose gains are within this of the best count as tied; of those, the one
    that inverts most pairs of the order as read is taken (`reorder._inversions`). Exact
    ties only: a window of 0.5-2 gave tune +11, test +8 but fresh −8 (full reversals of
    fresh pages undone wrongly for a longer, slightly worse reading)."""
    base_weight: float = 1.0
    """Weight of the accent-free LM's link scores (text read as delivered)."""
    restored_weight: float = 0.5
    """Weight of the accented LM's link scores on span lines restored first (0: off)."""
    base_restored_confidence: float = 0.5
    """The accent-free LM reads a line in its restored spelling when the repair engine
    restores it with at least this confidence (above 1: always as delivered). Tune half:
    0.3-0.5 all give 89.8 % (88.4 % without); no gate puts the real sample out of order."""
    links: LinkWeights = field(default_factory=LinkWeights)
    paragraph_order: float = 0.5
    """Weight of the paragraph-break model's support (`paragraph_order`) for an exchange
    of whole blocks (0: off). Why only there: the LM reads a sentence end before a
    paragraph start as neutral, so two exchanged paragraphs read alike in either order,
    and the model is trained on exactly that exchange. Pairs in order at 0.5: tune 971 →
    978, test 989 → 992, fresh pages 1977 → 1980, last 64 pages 312, lines moved outside
    spans and whole clean documents unchanged. At 1: test 1000, fresh 1987, last 64 317,
    but lines moved outside spans test 2 → 11, fresh 6 → 10, and from 0.7 on the clean
    case `paragraph-lines` moves. On every link between blocks instead of exchanges
    only: test +14 but fresh −5 and a whole clean document moved."""
    paragraph_order_floor: float = 2.0
    """The model's support counts from this much on (validation windows it decides by 2
    or more are 97 % right; weaker or contrary readings are left out: at weight 1, fresh
    pages 1982 → 1987, tune 978 → 980)."""
    join_gap: int = 12
    """Most lines between two spans undone as reversals whose exchange is tried as the
    pieces of one passage read bottom-up (`reorder._join_reversed_pieces`; -1: off).
    `bench_reorder.py --long`, windows in the first 400 lines of held-out documents,
    60 / 90 lines exact: off 6/58 and 0/54, gap 6 45/58 and 37/54, gap 12 (or 24) 49/58
    and 37/54; dev pages and whole clean documents unchanged by any of them."""
    runs_in_place: bool = True
    """Offer runs reversed each where it stands as one event (`_runs_in_place`): two
    paragraphs reversed apart, with clean ones between, were taken for one region read
    bottom-up and the clean ones moved. Measured (`bench_reorder.py --multi`)."""
    geometry_margin: float = 20.0
    """Decision margin on OCR pages (lines with boxes): there the order as read comes from
    the page geometry, strong evidence of its own, so only a far more probable order may
    override it. Measured on `samples/directive_scan.pdf`: a clean page was "reordered"
    at +6.9, while the real reversed passages of the text sample score above +30."""


@dataclass
class SearchPage:
    """The non-blank lines of one page, with what the search needs about each."""

    table: LinkTable | WeightedLinks
    block: list[int]
    enumerators: list[Enumerator | None]
    detector: LinkTable | None = None
    """Table that finds suspicious links (page-wide, cheap); `table` scores the search."""
    breaks: BreakScores | None = None
    """The paragraph-break model's scores (None: not used)."""

    @property
    def size(self) -> int:
        """Number of non-blank lines."""
        return len(self.block)

    def block_first(self, k: int) -> bool:
        """True for the first line of a block."""
        return k == 0 or self.block[k - 1] != self.block[k]

    def block_last(self, k: int) -> bool:
        """True for the last line of a block."""
        return k == self.size - 1 or self.block[k + 1] != self.block[k]

    def block_edge(self, k: int) -> bool:
        """First, second or last line of its block: where block-level damage cuts."""
        return self.block_first(k) or self.block_last(k) or (k > 0 and self.block_first(k - 1))


# -- numbering ----------------------------------------------------------------------------

def number(counters: Counters, enumerator: Enumerator | None) -> tuple[float, Counters]:
    """Misses (0 or 1) for placing `enumerator` after `counters`, and the new counters.

    A label is expected to be one more than the last label of its style since a label of
    a shallower style last appeared ("II." resets the "1., 2." counter); a multi-level
    label ("15.2.") also names its parent, which must be the current label above it.
    """
    if enumerator is None:
        return 0.0, counters
    rank = ENUMERATOR_RANK[enumerator.style]
    updated = list(counters)
    previous = counters[rank]
    parent = enumerator.parent
    if parent is not None and counters[rank - 1] >= 0 and counters[rank - 1] != parent:
        # "15.2." under "16.": wrong unless it opens the next parent ("16.1." after "15.3.")
        previous = 0 if parent == counters[rank - 1] + 1 else -2
    if parent is not None:
        updated[rank - 1] = parent
    value = enumerator.value
    if enumerator.style == "letter" and value == _D and previous == _D:
        value = _D + 1  # "đ)" printed or stripped as "d)": the second "d)" is đ
    miss = 0.0 if previous == -1 or value == previous + 1 else 1.0
    updated[rank] = value
    kept = _RUNS_THROUGH.get(enumerator.style, ())
    for deeper in range(rank + 1, _RANKS):
        if deeper not in kept:
            updated[deeper] = 0
    if enumerator.inline is not None:  # "3. Xếp loại a) Loại tốt": the line holds "a)" too
        return miss, number(tuple(updated), enumerator.inline)[1]
    return miss, tuple(updated)


def opens_list(parent: Enumerator | None, child: Enumerator | None) -> bool:
    """True when `child` is the first label under the heading `parent` ("II." then "1.")."""
    return (parent is not None and child is not None and child.value == 1
            and ENUMERATOR_RANK[parent.style] < ENUMERATOR_RANK[child.style])


def counters_before(page: SearchPage, order: Sequence[int], position: int) -> Counters:
    """Numbering counters after the lines order[:position]."""
    counters = _UNKNOWN
    for k in order[:position]:
        _, counters = number(counters, page.enumerators[k])
    return counters


def numbering_misses(page: SearchPage) -> list[bool]:
    """For each line in the order as read, True when its label breaks the numbering.

    Why: list labels run in sequence in a directive ("a)", "b)", "c)"); a break ("c)"
    after "a)") is where blocks were read out of order, even when every line reads well
    after the one before it.
    """
    counters = _UNKNOWN
    out = []
    for enumerator in page.enumerators:
        miss, counters = number(counters, enumerator)
        out.append(miss > 0)
    return out


def lookahead_misses(page: SearchPage, following: Sequence[int], counters: Counters,
                     labels: int = 3) -> float:
    """Numbering misses of the next few labelled lines after a span, given its end state."""
    misses = 0.0
    seen = 0
    for k in following:
        enumerator = page.enumerators[k]
        if enumerator is None:
            continue
        miss, counters = number(counters, enumerator)
        misses += miss
        seen += 1
        if seen >= labels:
            break
    return misses


# -- scoring ------------------------------------------------------------------------------

def jump_cost(page: SearchPage, a: int, b: int, settings: ReorderSettings) -> float:
    """Prior cost of reading line b right after line a, for the free search."""
    if b == a + 1:
        return 0.0
    if b == a - 1:
        return settings.reverse
    if page.block_edge(a) and page.block_edge(b):
        return settings.block_jump
    return settings.jump


@dataclass
class SpanContext:
    """Where a span sits in the page's current order: what precedes and follows it."""

    before: int | None
    after: int | None
    counters: Counters
    following: list[int]


def span_context(page: SearchPage, order: Sequence[int], start: int, end: int) -> SpanContext:
    """The anchors and numbering state around order[start:end]."""
    return SpanContext(
        before=order[start - 1] if start > 0 else None,
        after=order[end] if end < len(order) else None,
        counters=counters_before(page, order, start),
        following=list(order[end:]),
    )


def score_order(page: SearchPage, lines: Sequence[int], context: SpanContext,
                settings: ReorderSettings) -> float:
    """Links (anchors included) minus numbering penalties of reading `lines` in this order."""
    table = page.table
    link = table.link
    enumerators = page.enumerators
    score = 0.0
    previous = context.before
    counters = context.counters
    for k in lines:
        score += table.start(k) if previous is None else link(previous, k)
        enumerator = enumerators[k]
        if enumerator is not None:  # (the hot loop: unlabelled lines skip the calls)
            miss, counters = number(counters, enumerator)
            score -= settings.numbering * miss
            if previous is not None and opens_list(enumerators[previous], enumerator):
                score += settings.first_item
        previous = k
    if previous is not None:
        score += table.end(previous) if context.after is None else table.link(previous, context.after)
    return score - settings.numbering * lookahead_misses(page, context.following, counters)


def jumps_of(page: SearchPage, lines: Sequence[int], context: SpanContext,
             settings: ReorderSettings) -> float:
    """Total jump cost of an order (the free search's prior)."""
    sequence = ([context.before] if context.before is not None else []) + list(lines)
    if context.after is not None:
        sequence.append(context.after)
    return sum(jump_cost(page, a, b, settings) for a, b in zip(sequence, sequence[1:], strict=False))


# -- structured candidates ----------------------------------------------------------------

EXCHANGE = "blocks exchanged"
REVERSED_RUN = "reversed run"
REVERSED_UNDER_HEAD = "reversed under kept head"
REGION = "region read bottom-up"
RUNS_IN_PLACE = "runs reversed in place"
REVERSALS = frozenset({REVERSED_RUN, REVERSED_UNDER_HEAD, REGION, RUNS_IN_PLACE})
"""The events that undo a reading bottom-up (all but an exchange)."""

@dataclass
class Candidate:
    """A new order of a span, the damage event it undoes, and that event's prior cost."""

    lines: list[int]
    cost: float
    event: str


def moves_whole_blocks(page: SearchPage, lines: Sequence[int], new: Sequence[int]) -> bool:
    """Tell whether `new` reorders whole blocks of `lines`, each block's lines in order."""
    old_runs, new_runs = _runs_by_block(page, lines), _runs_by_block(page, new)
    if len({page.block[run[0]] for run in new_runs}) != len(new_runs):
        return False  # a block cut in two
    return sorted(map(tuple, old_runs)) == sorted(map(tuple, new_runs))


def break_scores(page: SearchPage, lines: Sequence[int], context: SpanContext) -> float:
    """Sum the paragraph-break model's scores over the links between blocks of an order.

    The span's anchors are included; 0 without the model.
    """
    if page.breaks is None:
        return 0.0
    sequence = ([context.before] if context.before is not None else []) + list(lines)
    if context.after is not None:
        sequence.append(context.after)
    block = page.block
    return sum(page.breaks.score(a, b) for a, b in zip(sequence, sequence[1:], strict=False)
               if block[a] != block[b])


def _runs_by_block(page: SearchPage, lines: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for k in lines:
        if runs and page.block[runs[-1][-1]] == page.block[k]:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def can_head(page: SearchPage, head: int) -> bool:
    """Tell whether line `head` may have stayed on top of its reversed block.

    Why: the line kept on top is its paragraph's first line, and a line opening in
    lowercase only ever continues a paragraph; read as a kept head it would really be
    joined to whatever precedes the block.
    """
    return not page.table.cues[head].continues_paragraph


def kept_head_cost(page: SearchPage, head: int, settings: ReorderSettings) -> float:
    """Prior cost of a block reversed under its first line: cheap when that line is a label.

    Why: a numbered or bulleted first line is often segmented (and read) on its own, so it
    stays on top while the rest of its block is read bottom-up; a plain line rarely does.
    """
    return settings.kept_head if page.table.cues[head].item else settings.kept_plain_head


def _block_variants(page: SearchPage, run: list[int],
                    settings: ReorderSettings) -> list[tuple[list[int], float]]:
    variants = [(run[::-1], 0.0), (list(run), settings.kept_block)]
    if len(run) >= 3 and can_head(page, run[0]):
        variants.append(([run[0]] + run[1:][::-1], kept_head_cost(page, run[0], settings)))
    return variants


def _region_orders(page: SearchPage, runs: list[list[int]], before: int | None, after: int | None,
                   settings: ReorderSettings) -> tuple[list[int], float]:
    """Best variants (reversed / head kept / as read) of blocks read in reverse order (DP)."""
    table = page.table
    region = runs[::-1]
    options = [_block_variants(page, run, settings) for run in region]

    def inner(order: list[int]) -> float:
        return sum(table.link(a, b) for a, b in zip(order, order[1:], strict=False))

    # best[i][v] = (score, back pointer) for block i in variant v
    best: list[list[tuple[float, int]]] = []
    for i, variants in enumerate(options):
        row = []
        for order, cost in variants:
            own = inner(order) - cost
            if i == 0:
                entry = table.start(order[0]) if before is None else table.link(before, order[0])
                row.append((own + entry, -1))
                continue
            scores = [best[i - 1][u][0] + table.link(options[i - 1][u][0][-1], order[0])
                      for u in range(len(options[i - 1]))]
            u = max(range(len(scores)), key=scores.__getitem__)
            row.append((scores[u] + own, u))
        best.append(row)
    last = len(options) - 1
    finals = [best[last][v][0] + (table.end(options[last][v][0][-1]) if after is None
                                  else table.link(options[last][v][0][-1], after))
              for v in range(len(options[last]))]
    v = max(range(len(finals)), key=finals.__getitem__)
    chosen: list[list[int]] = []
    cost = 0.0
    for i in range(last, -1, -1):
        order, variant_cost = options[i][v]
        chosen.append(order)
        cost += variant_cost
        v = best[i][v][1]
    return [k for order in reversed(chosen) for k in order], cost


_ONE_LINE, _OPENS, _CUT = "one line", "opens a paragraph", "opens inside a paragraph"
"""What the lines read as is since a reversed run look like (`_runs_in_place`)."""


def _runs_in_place(page: SearchPage, lines: list[int], context: SpanContext,
                   settings: ReorderSettings,
                   passage: dict[tuple[int, int], bool]) -> tuple[list[int], float, int]:
    """Best order of `lines` cut into runs that stay where they are, each as read or reversed.

    Why: two paragraphs reversed apart, with clean ones between, read as well as one region
    read bottom-up whose middle blocks kept their lines, at one reversal's prior: the clean
    paragraphs then come out in reverse block order. Offered as one event, the reversals
    in place pay one reversal's prior each and leave the clean lines where they are. Runs
    rather than blocks: without blank lines one block holds several paragraphs. A run stays
    inside one block and one text condition (`passage`); it may keep its first line on top.
    Two reversed runs have lines read as is between them (reversed runs that touch are
    what a region read bottom-up, or one longer reversal, explains with its own prior),
    and those lines must look like whole paragraphs, or pay as a kept head (`owed`).

    A DP over the cut points, ranking by links minus priors minus moved lines (the search's
    own terms but numbering); its state is the last line placed (the next run's entry link
    depends on it) and what the lines read as is since the last reversed run look like.
    Returns (order, prior cost, runs reversed).
    """
    table = page.table
    size = len(lines)
    backward = [0.0]  # prefix sums of the links of the lines read backwards
    for k in range(size - 1):
        backward.append(backward[-1] + table.link(lines[k + 1], lines[k]))

    def enter(last: int | None, first: int) -> float:
        if last is not None:
            return table.link(lines[last], lines[first])
        if context.before is None:
            return table.start(lines[first])
        return table.link(context.before, lines[first])

    def leave(last: int | None) -> float:
        assert last is not None  # the span holds lines
        if context.after is None:
            return table.end(lines[last])
        return table.link(lines[last], context.after)

    def moved(length: int) -> float:
        return settings.moved_line * 2 * (length // 2)

    def kept_line(k: int) -> float:
        """Prior of one line read as is between two reversed runs: a kept head."""
        return kept_head_cost(page, lines[k], settings) if can_head(page, lines[k]) \
            else settings.kept_plain_head

    def owed(segment: str | None, last: int) -> float:
        """Prior of the lines read as is between two reversed runs, ending with `last`.

        Why: what stayed in place between two reversed paragraphs is whole paragraphs: it
        opens as a paragraph does and ends as one does. Anything else (the first line of
        a reversed paragraph left below it, a tail left above) is a line kept out of its
        run, a damage of its own, and pays for it as a kept head does.
        """
        if segment is None:
            return 0.0
        if segment == _ONE_LINE:
            return kept_line(last)
        cues = table.cues[lines[last]]
        whole = segment == _OPENS and (cues.ends_terminal or cues.item or cues.is_caps)
        return 0.0 if whole else settings.kept_plain_head

    # best[i][key]: (score, start of the last run, key before that run, run kind) for
    # lines[:i] placed; key = (line placed last, what the lines read as is since the last
    # reversed run look like: None when no reversed run came before, else see `owed`)
    Key = tuple[int | None, str | None]
    first: Key = (None, None)
    best: list[dict[Key, tuple[float, int, Key, str]]] = (
        [{first: (0.0, 0, first, "")}] + [{} for _ in range(size)])

    def offer(i: int, key: Key, score: float, start: int, before: Key, kind: str) -> None:
        if key not in best[i] or best[i][key][0] < score:
            best[i][key] = (score, start, before, kind)

    for i in range(1, size + 1):
        for j in range(i):
            if i - j == 1:
                for key, (score, *_rest) in best[j].items():
                    last, segment = key
                    if last is not None and last != j - 1:
                        segment = _ONE_LINE  # the first line read as is after a reversed run
                    elif segment == _ONE_LINE:
                        segment = _OPENS if can_head(page, lines[j - 1]) else _CUT
                    offer(i, (j, segment), score + enter(last, j), j, key, "as read")
                continue
            if not passage[j, i] or page.block[lines[j]] != page.block[lines[i - 1]]:
                continue
            # only after a line read as is (or first): reversed runs that touch are what a
            # region read bottom-up explains
            states = [(key, score - owed(key[1], j - 1))
                      for key, (score, *_rest) in best[j].items()
                      if key[0] is None or key[0] == j - 1]
            inner = backward[i - 1] - backward[j] - settings.reversal - moved(i - j)
            for key, score in states:
                offer(i, (j, None), score + enter(key[0], i - 1) + inner, j, key, REVERSED_RUN)
            if i - j >= 3 and can_head(page, lines[j]):
                inner = (table.link(lines[j], lines[i - 1]) + backward[i - 1] - backward[j + 1]
                         - settings.reversal - kept_head_cost(page, lines[j], settings)
                         - moved(i - j - 1))
                for key, score in states:
                    offer(i, (j + 1, None), score + enter(key[0], j) + inner, j, key,
                          REVERSED_UNDER_HEAD)

    ends = best[size]
    key = max(ends, key=lambda k: ends[k][0] + leave(k[0]))
    runs: list[list[int]] = []
    cost = 0.0
    reversed_runs = 0
    end = size
    while end > 0:
        _, start, before, kind = best[end][key]
        run = lines[start:end]
        if kind == REVERSED_RUN:
            run = run[::-1]
        elif kind == REVERSED_UNDER_HEAD:
            run = run[:1] + run[1:][::-1]
            cost += kept_head_cost(page, lines[start], settings)
        if kind != "as read":
            reversed_runs += 1
            cost += settings.reversal + owed(before[1], start - 1)
        runs.append(run)
        end, key = start, before
    return [k for run in reversed(runs) for k in run], cost, reversed_runs


def _same_damage(page: SearchPage, runs: list[list[int]]) -> bool:
    """False when a region's first or last block is a lone line of another text condition.

    Why: a region read bottom-up is one damaged passage; a lone line on its edge that is
    accented while the passage is accent-stripped (or the reverse) is its clean neighbour.
    """
    cues = page.table.cues
    body = [cues[k].stripped for run in runs if len(run) > 1 for k in run]
    known = [c for c in body if c is not None]
    if not known:
        return True
    majority = sum(known) * 2 >= len(known)
    for run in (runs[0], runs[-1]):
        if len(run) == 1 and cues[run[0]].stripped is not None and cues[run[0]].stripped != majority:
            return False
    return True


def _one_passage(page: SearchPage, lines: list[int]) -> bool:
    """False when the first or last of `lines` is of another text condition than the rest.

    Why: as for regions (`_same_damage`), the lines a reversal or an exchange of blocks
    undoes were damaged as one passage: "Mục 3. Kiểm tra …" (marked) under a reversed
    accent-stripped paragraph is the next heading, not one of the paragraph's lines. Text
    of one condition (a whole OCR'd file) is never affected.
    """
    return _same_damage(page, [lines[:1], lines[1:-1], lines[-1:]])


def candidates(page: SearchPage, lines: list[int], context: SpanContext,
               settings: ReorderSettings) -> Iterator[Candidate]:
    """Orders that undo one damage event in `lines` (the span's current order)."""
    size = len(lines)
    passage: dict[tuple[int, int], bool] = {}  # lines[a:b] is one passage (for both loops)
    for a in range(size - 1):
        for b in range(a + 2, size + 1):
            run = lines[a:b]
            passage[a, b] = _one_passage(page, run)
            if not passage[a, b]:
                continue
            yield Candidate(lines[:a] + run[::-1] + lines[b:], settings.reversal, REVERSED_RUN)
            if b - a >= 3 and can_head(page, run[0]):
                yield Candidate(lines[:a] + [run[0]] + run[1:][::-1] + lines[b:],
                                settings.reversal + kept_head_cost(page, run[0], settings),
                                REVERSED_UNDER_HEAD)
    for a in range(size - 1):
        for m in range(a + 1, min(size, a + 1 + settings.max_swap)):
            for b in range(m + 1, min(size, m + settings.max_swap) + 1):
                if not passage[a, b]:
                    continue
                yield Candidate(lines[:a] + lines[m:b] + lines[a:m] + lines[b:], settings.swap,
                                EXCHANGE)
    blocks = _runs_by_block(page, lines)
    splittings: list[tuple[list[list[int]], int | None]] = [(blocks, None)]
    for inferred in (_paragraph_runs(page, blocks, True), _paragraph_runs(page, blocks, False)):
        if all(inferred != runs for runs, _ in splittings):
            splittings.append((inferred, None))
    splittings += [(_paragraph_runs(page, blocks, False, kept_head=k), k) for k in lines
                   if can_head(page, k)]
    for runs, kept_head in splittings:
        offsets = [0]
        for run in runs:
            offsets.append(offsets[-1] + len(run))
        for i in range(len(runs)):
            for j in range(i + 2, len(runs) + 1):
                if kept_head is not None and runs[j - 1][0] != kept_head:
                    continue  # the other regions are those of the bottom-up splitting
                if not _same_damage(page, runs[i:j]):
                    continue
                before = lines[offsets[i] - 1] if offsets[i] > 0 else context.before
                after = lines[offsets[j]] if offsets[j] < size else context.after
                region, cost = _region_orders(page, runs[i:j], before, after, settings)
                yield Candidate(lines[:offsets[i]] + region + lines[offsets[j]:],
                                settings.reversal + cost, REGION)
    if settings.runs_in_place and size >= 4:
        in_place, cost, reversed_runs = _runs_in_place(page, lines, context, settings, passage)
        if reversed_runs >= 2:  # one is a reversed run, offered above
            yield Candidate(in_place, cost, RUNS_IN_PLACE)


def _paragraph_runs(page: SearchPage, runs: list[list[int]], heads_on_top: bool,
                    kept_head: int | None = None) -> list[list[int]]:
    """Cut runs again where paragraphs meet inside a block: at labelled lines, after headings.

    Why: without blank lines (or OCR blocks) a region read bottom-up is one block, and the
    paragraphs inside it cannot be put back one by one. A labelled line ("a)", "2.", "-")
    opens a paragraph: read bottom-up, it is the last line of its paragraph's run, unless
    it stayed on top (the kept-head damage), when it is the first; both cuts are tried.
    A numbered heading ("Điều 4. Xử lý vi phạm") is a paragraph of its own.

    `kept_head` is the sample's mixed case: a region read bottom-up whose first paragraph
    (read last) kept its head on top ("b)" reversed, then "a)" with its tail reversed; the
    head may also be a plain line that can open a paragraph). Lines before `kept_head` are
    cut bottom-up, and also before a line ending in ". ; :" (a paragraph's last line, read
    first: where the region may begin); `kept_head` opens a run, and after it labels do.
    """
    table = page.table
    out: list[list[int]] = []
    on_top = heads_on_top
    for run in runs:
        current: list[int] = []
        for k in run:
            cues = table.cues[k]
            on_top = on_top or k == kept_head
            read_first = kept_head is not None and not on_top and cues.ends_terminal
            if ((on_top and cues.item) or read_first or k == kept_head) and current:
                out.append(current)
                current = []
            current.append(k)
            if table.is_numbered_heading(k) or (cues.item and not on_top):
                out.append(current)
                current = []
        if current:
            out.append(current)
    return out


# -- free search --------------------------------------------------------------------------

def beam_search(page: SearchPage, lines: list[int], context: SpanContext,
                settings: ReorderSettings) -> Candidate | None:
    """Best free permutation of `lines` under links − jumps (recombining beam, future cost)."""
    size = len(lines)
    table = page.table

    def step(a: int | None, b: int) -> float:
        if a is None:
            return table.start(b)
        return table.link(a, b) - jump_cost(page, a, b, settings)

    cost = [[step(lines[i], lines[j]) if i != j else -math.inf for j in range(size)]
            for i in range(size)]
    entry = [step(context.before, k) for k in lines]
    leave = [table.end(k) if context.after is None else step(k, context.after) for k in lines]
    best_in = [max([entry[j]] + [cost[i][j] for i in range(size) if i != j]) for j in range(size)]
    Hyp = tuple[float, int, int, tuple[int, ...]]
    beam: list[Hyp] = [(entry[j], 1 << j, j, (j,)) for j in range(size)]
    for _ in range(size - 1):
        kept: dict[tuple[int, int], Hyp] = {}
        for score, mask, last, path in beam:
            row = cost[last]
            for j in range(size):
                if mask >> j & 1:
                    continue
                new = score + row[j]
                key = (mask | 1 << j, j)
                if key not in kept or kept[key][0] < new:
                    kept[key] = (new, mask | 1 << j, j, path + (j,))

        def rank(h: Hyp) -> float:
            return h[0] + sum(s for j, s in enumerate(best_in) if not h[1] >> j & 1)

        beam = sorted(kept.values(), key=rank, reverse=True)[: settings.beam_width]
    if not beam:
        return None
    score, _, last, path = max(beam, key=lambda h: h[0] + leave[h[2]])
    order = [lines[j] for j in path]
    prior = jumps_of(page, order, context, settings) - jumps_of(page, lines, context, settings)
    return Candidate(order, prior, "free permutation")

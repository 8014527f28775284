"""The repair engine: detect damaged passages, decode them, and record every change as an Edit.

Why one module: it is the runner of the repair's small steps (tokenize → detect → propose
candidates → decode → write back with the original case and tone style → Edits), so each
step stays a small function elsewhere and the order lives here.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.config import RepairSettings
from pipeline.document import Edit, EditKind, nfc
from pipeline.repair.adapt import TokenShifts, document_shifts
from pipeline.repair.candidates import Candidate, CandidateGenerator, Mode
from pipeline.repair.channel import Channel, base_of, get_channel
from pipeline.repair.decode import SENTENCE_BREAK, Choice, Slot, decode
from pipeline.repair.detect import LineAssessment, assess_lines, describe_words
from pipeline.repair.document_terms import document_term_fixes
from pipeline.repair.label_dots import lost_label_dots
from pipeline.repair.letter_case import MIN_FREQUENCY, small_letter_fixes
from pipeline.repair.line_cues import LABEL_LOOKALIKES, POINT_LETTERS
from pipeline.repair.lm import SENTENCE_STOPS, opens_sentence
from pipeline.repair.lookalikes import fold_lookalikes, with_lookalike_edits
from pipeline.repair.ocr_noise import (
    STRAY_LETTER_COST,
    clause_end_fixes,
    code_fixes,
    ellipsis_fixes,
    filing_code_fixes,
    gap_speck_fixes,
    glued_mark,
    list_c_fixes,
    lone_run,
    lost_slash_fixes,
    noise_edit,
    numbered_item_fixes,
    stray_letter,
)
from pipeline.repair.point_labels import point_label_fixes
from pipeline.repair.punctuation import glued_mark_candidates, lone_run_candidates
from pipeline.repair.resources import (
    CachedLM,
    LexiconInventory,
    canonical,
    detect_style,
    load_neighbours,
    load_resources,
    to_style,
)
from pipeline.repair.section_numerals import section_numeral_fixes
from pipeline.repair.tokens import (
    CasePattern,
    OcrFix,
    Token,
    apply_case,
    case_pattern,
    tokenize,
)

log = logging.getLogger(__name__)

BEAM = {"stripped": 8, "garbled": 14, "clean": 4}
WINDOW = {"stripped": 5.0, "garbled": 3.0}
"""Score window of the beam (log10), by passage kind. Measured on 60 dev passages each:
garbled 7 → 4 keeps 96.74/93.90 % and is 35 % faster; stripped 7 → 5 keeps 99.57 %.
Garbled beam 6 → 14 with window 4 → 3 (whole dev set, garbled/old-OCR/wrapped):
96.83/95.22/94.90 → 97.33/95.87/95.61 % at about the same CPU time (the tighter window
pays for the wider beam); beam 20 with window 4 gains 0.1 more at 25 % more time.
Stripped beam 4 → 8 (whole dev set): stripped 99.43 → 99.56 %, out-of-domain news 80.16 →
80.74 %, mixed 97.61 → 97.77 %; 12, 16, 24 give the same, so 8 is no longer what limits
it. A beam of 4 lost right readings whose first syllable is a less likely start
("b) Thu tu uu tien": "thứ" fell out of the beam behind "thu", "thủ", "thư", "thú")."""
LEFT_CONTEXT = 3
LOOKAHEAD = 3
"""Words of the next line decoded as right context for the end of a line that runs on."""
CAPITAL_PRIOR_MIN = 5
"""Capitalised corpus uses a base needs before its capitals prior is trusted."""
CAPITAL_PRIOR_WEIGHT = 5.0
"""Pseudo-counts pulling the capitals' markings towards the base's overall markings."""
CAPITAL_SHIFT_MAX = 2.0
"""Largest change (log10) the capitals prior makes to one candidate's cost."""
WORD_BONUS = 0.5
"""log10 bonus when two consecutive output syllables form a dictionary word ("cổ vũ")."""
TEXT_ERROR_COST = 2.5
"""−log10 P(a word of clean-looking text is wrong) when no OCR confidence is known."""
TEXT_MAX_MARKS = 3.0
OCR_MAX_MARKS = 3.5
"""Dearest mark confusion (log10, `Channel.marks_cost`) proposed for a word of clean-looking
typed text / OCR text. Confusions never seen in the channel's training pages cost 3.45
("nghị" for "nghỉ", "thống" for "thông"); OCR words get them, and the LM and the word's
confidence decide: on 60 training pages 3,122 → 3,069 wrong characters, every one of the
~45 changes right. Typed text keeps 3.0: there the wider set broke a right syllable of
the dev set's clean passages."""
SENTENCE_END = ".:;!?"
CONTEXT_TOP = 36
"""Successors (predecessors) of each neighbouring candidate proposed as context candidates."""
CONTEXT_NEIGHBOURS = 4
"""How many of a neighbour's cheapest candidates propose context candidates."""
CONTEXT_MODES = ("garbled",)
PREPRUNE_KEEP = 0
"""Candidates per slot of a garbled line kept for the n-gram search by a bigram pre-pass
(0 = off). Measured on 120 dev passages: keep 5 over all neighbours 96.82/94.00 % but slower
(the pre-pass costs more than it saves); fan 4: 96.36/93.55 %; off: 96.74/93.90 %."""
PREPRUNE_MARGIN = 3.0
PREPRUNE_FAN = 4
"""Best neighbours each candidate is joined to in the pre-pass (a beam of the pre-pass)."""
WordConfs = Sequence[Sequence[tuple[str, float]] | None]
ADAPT = True
"""Second decode of lines holding a garbled form the document repeats, with the channel
re-estimated on the document (`adapt.py`)."""


@dataclass
class LineRepair:
    """The outcome for one line: new text, its edits, and how sure we are of the line."""

    text: str
    edits: list[Edit] = field(default_factory=list)
    confidence: float = 1.0
    logprob: float = 0.0


class RepairEngine:
    """Holds the loaded resources; repairs lines of one document at a time."""

    def __init__(self, inventory: LexiconInventory, lm: CachedLM, channel: Channel) -> None:
        self.inventory = inventory
        self.lm = lm
        self.channel = channel
        self.generator = CandidateGenerator(inventory, channel, canonical=canonical)
        self.neighbours = load_neighbours()
        self._pairs: dict[tuple[str, str], float] = {}
        self._capital_shift_cache: dict[str, dict[str, float]] = {}

    # -- detection -------------------------------------------------------------------------
    def assess(
        self, tokens_per_line: Sequence[list[Token]], confs: Sequence[dict[int, float]]
    ) -> list[LineAssessment]:
        """Run detection over all lines of a document."""
        words = [
            describe_words(
                t,
                self.generator.is_base,
                self.inventory.is_syllable,
                c,
                self.inventory.is_abbreviation,
            )
            for t, c in zip(tokens_per_line, confs, strict=True)
        ]
        return assess_lines(tokens_per_line, words)

    # -- lattice ---------------------------------------------------------------------------
    def build_slots(
        self,
        tokens: list[Token],
        assessment: LineAssessment,
        context: Sequence[str] = (),
        fixes: dict[int, Fix] | None = None,
        forced: dict[int, Candidate] | None = None,
        shifts: TokenShifts | None = None,
        runs_on: bool = False,
    ) -> tuple[list[Slot], list[int | None]]:
        """Slots of one line (after `context` syllables); the token index each slot stands for.

        `shifts`: per token, channel cost changes learned from the document (`adapt.py`).
        `runs_on`: the line ends in an OCR mark after which the next line runs on.
        """
        slots: list[Slot] = [Slot((Candidate((s,), 0.0, "keep"),)) for s in context]
        owners: list[int | None] = [None] * len(slots)
        protected = {
            w.index
            for w in assessment.words
            if w.protected and w.index not in assessment.token_modes
        }
        confs = {w.index: w.conf for w in assessment.words}
        ocr_line = any(c >= 0 for c in confs.values())
        protected -= self._misread_names(tokens, assessment, protected, bare_only=not ocr_line)
        fixes = fixes or {}
        run_end = 0
        for i, token in enumerate(tokens):
            if token.kind == "space" or i < run_end:
                continue
            if i in fixes:
                if fixes[i][0].strip():
                    slots.append(Slot((Candidate((fixes[i][0],), 0.0, "keep"),)))
                    owners.append(None)
                continue
            cands: tuple[Candidate, ...]
            if forced and i in forced:
                cands = (forced[i],)
            elif token.is_word and i in assessment.token_modes and i not in protected:
                mode = assessment.token_modes[i]
                cands = self.generator.for_token(token.text, mode, suspicious=mode == "garbled")
                if shifts and i in shifts:
                    cands = _shifted(cands, shifts[i])
                if mode != "garbled" and _capital_mid_sentence(tokens, i):
                    cands = self._capital_prior(cands, token.text)
            elif token.is_word and i in assessment.suspicious:
                cands = self._clean_candidates(token.text, confs.get(i, -1.0))
            elif token.is_word and i not in protected:
                conf = confs.get(i, -1.0)
                cands = self.generator.mark_confusions(
                    token.text,
                    self._error_cost(conf),
                    OCR_MAX_MARKS if conf >= 0 else TEXT_MAX_MARKS,
                    plain_text=conf < 0,
                )
            elif ocr_line and token.kind == "punct" and (run_end := lone_run(tokens, i)):
                cands = lone_run_candidates([t.text for t in tokens[i:run_end]])
            elif token.kind == "punct" and glued_mark(tokens, i, protected, confs, runs_on):
                at_end = i + 2 >= len(tokens)
                next_lower = at_end or tokens[i + 2].text[0].islower()
                cands = glued_mark_candidates(token.text, next_lower, confs[i - 1], at_end)
            else:
                text = token.text if (not token.is_word or i in protected) else token.text.lower()
                cands = (Candidate((text,), 0.0, "keep"),)
            if token.kind == "punct" and _ends_sentence(tokens, i):
                cands = tuple(_with_break(c) for c in cands)
            elif ocr_line and stray_letter(tokens, i, self.inventory.is_syllable):
                cands = (*cands, Candidate((), STRAY_LETTER_COST, "ocr"))
            slots.append(Slot(cands))
            owners.append(i)
        self._add_context_candidates(slots, owners, tokens, assessment, protected)
        # merges: two damaged word tokens separated by one plain space
        for k in range(len(slots) - 1):
            a, b = owners[k], owners[k + 1]
            if a is None or b is None or b != a + 2:
                continue
            if (
                tokens[a + 1].text != " "
                or a not in assessment.token_modes
                or b not in assessment.token_modes
            ):
                continue
            if a in protected or b in protected:
                continue
            mode = assessment.token_modes[a]
            first, second = tokens[a].text, tokens[b].text
            if (
                mode in ("stripped", "suspect")
                and self.inventory.is_syllable(first.lower())
                and self.inventory.is_syllable(second.lower())
            ):
                continue
            if (
                mode == "garbled"
                or min(len(first), len(second)) <= 2
                or not (
                    self.inventory.is_syllable(first.lower())
                    and self.inventory.is_syllable(second.lower())
                )
            ):
                merges = self.generator.for_merge(first, second, mode)
                if shifts and (a, b) in shifts:
                    merges = _shifted(merges, shifts[(a, b)])
                slots[k].merge_with_next = merges
        return slots, owners

    def _capital_prior(self, cands: tuple[Candidate, ...], text: str) -> tuple[Candidate, ...]:
        """Candidates of a mid-sentence capital re-weighed by how capitals are marked.

        Why: a capital inside a sentence is a name or a titled body, and those take other
        markings than the common word with the same letters ("Nguyen Van Anh" is "Anh", not
        the "ánh"/"ảnh" of running text); the LM reads lowercase and cannot tell. Stripped
        text only: where letters are garbled, the prior pulled two garbled tokens apart into
        two capitalised words instead of the one word they spell together. Measured: news
        (stripped) 80.75 -> 81.48 %; every other dev row and every Tesseract row unchanged.
        """
        shifts = self._capital_shifts(base_of(text.lower()))
        if not shifts:
            return cands
        present = [shifts[c.syllables[0]] for c in cands
                   if len(c.syllables) == 1 and c.syllables[0] in shifts]
        if not present:
            return cands
        floor = min(present)  # only differences between candidates matter; costs stay ≥ 0
        return tuple(
            Candidate(c.syllables, c.cost + shifts[c.syllables[0]] - floor, c.kind)
            if len(c.syllables) == 1 and c.syllables[0] in shifts else c
            for c in cands
        )

    def _capital_shifts(self, base: str) -> dict[str, float]:
        """Cost shift of each marking v of `base` as a mid-sentence capital ({} if unknown).

        −log10(P_cap(v) / P(v)): P(v) the marking's share of the base's corpus uses,
        P_cap(v) its share of the base's capitalised uses, smoothed towards P(v) by
        CAPITAL_PRIOR_WEIGHT pseudo-counts; clipped to ±CAPITAL_SHIFT_MAX. Computed once
        per base and process.
        """
        cached = self._capital_shift_cache.get(base)
        if cached is not None:
            return cached
        inventory = self.inventory
        variants = inventory.variants(base)
        total = sum(freq for _, freq in variants)
        capitals = {v: inventory.capitalized_count(v) for v, _ in variants}
        capital_total = sum(capitals.values())
        shifts: dict[str, float] = {}
        if total > 0 and capital_total >= CAPITAL_PRIOR_MIN:
            for v, freq in variants:
                share = max(freq, 0.5) / total
                capital_share = (capitals[v] + CAPITAL_PRIOR_WEIGHT * share) / (
                    capital_total + CAPITAL_PRIOR_WEIGHT)
                shift = -math.log10(capital_share / share)
                shifts[v] = max(-CAPITAL_SHIFT_MAX, min(CAPITAL_SHIFT_MAX, shift))
        self._capital_shift_cache[base] = shifts
        return shifts

    def _misread_names(
        self, tokens: list[Token], assessment: LineAssessment, protected: set[int],
        bare_only: bool = False,
    ) -> set[int]:
        """Capitalised words kept as names that are more likely OCR misreads of a word.

        Why: mid-sentence capitals are kept as names (`detect._protect_names`), but official
        text also capitalises common words ("Tổ quốc", "Nhân dân", "Luật Dân số"), and
        Tesseract misreads their marks like any other ("Tố quốc", "Nhãn dân", "Dẫn số"). A
        word is released (it gets mark-confusion candidates; the LM decides) when with a
        neighbour it forms no dictionary word as read, but one of its other markings does.
        `bare_only` (plain text, no OCR confidences): marks as typed are taken as written,
        but a capital with none at all ("Chinh phủ", "Van phòng") lost them.
        """
        released: set[int] = set()
        is_word = self.inventory.is_word
        for w in assessment.words:
            i, text = w.index, w.text
            if i not in protected or w.abbreviation or not w.valid or i >= len(tokens):
                continue  # (a lookahead sees only the head of its line)
            if bare_only and w.marked:
                continue
            if len(text) < 2 or case_pattern(text) != "title":
                continue
            lower = text.lower()
            others = [v for v, _ in self.inventory.variants(base_of(lower)) if v != lower]
            for pair in _neighbour_pairs(tokens, i):
                as_read = tuple(lower if k == i else tokens[k].text.lower() for k in pair)
                if is_word(as_read):
                    break  # a name or word as printed ("Hà Nội")
                at = pair.index(i)
                if any(is_word(as_read[:at] + (v,) + as_read[at + 1 :]) for v in others):
                    released.add(i)
                    break
        return released

    def _add_context_candidates(
        self,
        slots: list[Slot],
        owners: list[int | None],
        tokens: list[Token],
        assessment: LineAssessment,
        protected: set[int],
    ) -> None:
        """Add to each garbled token the syllables its neighbours' likely words call for."""
        if not self.neighbours.succ:
            return
        snapshot = [slot.candidates for slot in slots]
        for k, i in enumerate(owners):
            if i is None or i in protected:
                continue
            mode = assessment.token_modes.get(i)
            if mode not in CONTEXT_MODES:
                continue
            proposals: list[str] = []
            if k > 0:
                for cand in _cheapest(snapshot[k - 1]):
                    proposals += self.neighbours.successors(cand.syllables[-1], CONTEXT_TOP)
            if k + 1 < len(slots):
                for cand in _cheapest(snapshot[k + 1]):
                    proposals += self.neighbours.predecessors(cand.syllables[0], CONTEXT_TOP)
            if not proposals:
                continue
            have = {c.syllables for c in slots[k].candidates}
            extra = self.generator.from_context(tokens[i].text, mode, proposals, have)
            if extra:
                slots[k] = Slot(tuple(slots[k].candidates) + tuple(extra))

    def _preprune(self, slots: list[Slot]) -> list[Slot]:
        """Keep each slot's PREPRUNE_KEEP best candidates under a cheap bigram pass.

        Why: the n-gram beam search costs one LM call per hypothesis and candidate, and a
        garbled slot has 20-30 candidates, most of which no context supports. A max-product
        forward-backward pass with cached bigram scores (over the PREPRUNE_FAN best
        neighbours only) ranks them by the best path through each; only the top few enter
        the beam search. Merge arcs are left as they are.
        """
        table = self.lm.bigrams
        compute = self.lm.bigram
        fan = PREPRUNE_FAN

        def bigram(a: str, b: str) -> float:
            hit = table.get((a, b))
            return compute(a, b) if hit is None else hit

        n = len(slots)
        firsts = [[c.syllables[0] for c in slot.candidates] for slot in slots]
        lasts = [[c.syllables[-1] for c in slot.candidates] for slot in slots]
        inner = [
            [
                -c.cost
                + sum(bigram(a, b) for a, b in zip(c.syllables, c.syllables[1:], strict=False))
                for c in slot.candidates
            ]
            for slot in slots
        ]
        forward: list[list[float]] = [inner[0]]
        for i in range(1, n):
            prev = forward[-1]
            best = sorted(zip(prev, lasts[i - 1], strict=True), reverse=True)[:fan]
            forward.append(
                [
                    x + max(f + bigram(p, first) for f, p in best)
                    for first, x in zip(firsts[i], inner[i], strict=True)
                ]
            )
        backward: list[list[float]] = [[0.0] * len(firsts[-1])] * n
        for i in range(n - 2, -1, -1):
            nxt = backward[i + 1]
            best = sorted(
                zip(
                    [b + x for b, x in zip(nxt, inner[i + 1], strict=True)],
                    firsts[i + 1],
                    strict=True,
                ),
                reverse=True,
            )[:fan]
            backward[i] = [max(b + bigram(last, s) for b, s in best) for last in lasts[i]]
        out: list[Slot] = []
        for i, slot in enumerate(slots):
            if len(slot.candidates) <= PREPRUNE_KEEP:
                out.append(slot)
                continue
            scores = [f + b for f, b in zip(forward[i], backward[i], strict=True)]
            order = sorted(range(len(scores)), key=lambda k: -scores[k])
            top = scores[order[0]]
            kept = [
                slot.candidates[k]
                for r, k in enumerate(order)
                if r < PREPRUNE_KEEP
                or (slot.candidates[k].kind == "keep" and scores[k] > top - PREPRUNE_MARGIN)
            ]
            out.append(Slot(tuple(kept), slot.merge_with_next))
        return out

    def pair_bonus(self, first: str, second: str) -> float:
        """WORD_BONUS when `first second` is a dictionary word (cached)."""
        key = (first, second)
        hit = self._pairs.get(key)
        if hit is None:
            hit = WORD_BONUS if self.inventory.is_word(key) else 0.0
            if len(self._pairs) > 500_000:
                self._pairs.clear()
            self._pairs[key] = hit
        return hit

    def _error_cost(self, conf: float) -> float:
        """−log10 P(an OCR word is wrong): from its confidence, else the plain-text prior."""
        rate = self.channel.word_error_rate(conf) if conf >= 0 else None
        if rate is None:
            return TEXT_ERROR_COST
        from math import log10

        return -log10(min(max(rate, 1e-4), 0.5))

    def _clean_candidates(self, word: str, conf: float) -> tuple[Candidate, ...]:
        """Candidates for a doubted token of a clean line; cheaper when Tesseract doubted it.

        Same letters with other marks are priced by the learned mark confusions; other
        letters by the clean-mode OCR costs.
        """
        error_cost = self._error_cost(conf)
        marks = {
            c.syllables: c for c in self.generator.mark_confusions(word, error_cost - 1.0, 9.0)
        }
        cands = tuple(
            marks.get(c.syllables, c) if c.kind == "marks" else c
            for c in self.generator.for_token(word, "clean", suspicious=True)
        )
        if conf < 0:
            return cands
        rate = self.channel.word_error_rate(conf)
        if rate is None:
            return cands
        # clean-mode costs assume an error rate near 1e-3; shift them by the measured rate
        from math import log10

        shift = log10(max(rate, 1e-4) / 1e-3)
        return tuple(
            c if c.kind == "keep" else Candidate(c.syllables, max(0.2, c.cost - shift), c.kind)
            for c in cands
        )

    # -- writing back ----------------------------------------------------------------------
    def repair_lines(
        self,
        lines: Sequence[str],
        line_ids: Sequence[str],
        word_confs: WordConfs | None = None,
        settings: RepairSettings | None = None,
    ) -> list[LineRepair]:
        """Repair all lines of one document (line order as given)."""
        settings = settings or RepairSettings()
        originals = [nfc(x) for x in lines]
        lines = [fold_lookalikes(x) for x in originals]
        tokens_per_line = [tokenize(x) for x in lines]
        confs = [
            _token_confs(t, (word_confs[i] if word_confs else None))
            for i, t in enumerate(tokens_per_line)
        ]
        assessments = self.assess(tokens_per_line, confs)
        style = detect_style("\n".join(lines))
        forced_by_line = list_letter_fixes(tokens_per_line)
        is_syllable = self.inventory.is_syllable
        fixes_per_line = [normalize_punctuation(t, is_syllable, self.lm.knows)
                          for t in tokens_per_line]
        ocr_lines = [t if line_confs else [] for t, line_confs in zip(tokens_per_line, confs,
                                                                      strict=True)]
        numerals = section_numeral_fixes(ocr_lines)
        label_dots = lost_label_dots(ocr_lines)
        clause_ends = clause_end_fixes(ocr_lines)
        points, decided = point_label_fixes(ocr_lines)
        listed = self.inventory.listed_abbreviations
        terms = document_term_fixes(tokens_per_line, listed, is_syllable)
        capital_share = functools.partial(self.inventory.capital_share,
                                          min_frequency=MIN_FREQUENCY)
        for k in decided:  # the sequence decoder read these labels (OCR lines)
            forced_by_line.pop(k, None)
        for k, (fixes, line_confs, t) in enumerate(
                zip(fixes_per_line, confs, tokens_per_line, strict=True)):
            if line_confs:  # OCR text
                fixes.update(numbered_item_fixes(t))
                fixes.update(list_c_fixes(t))
                fixes.update(code_fixes(t))
                fixes.update(filing_code_fixes(t))
                fixes.update(ellipsis_fixes(t))
                line_before = tokens_per_line[k - 1] if k else []
                _add_undecided(fixes, gap_speck_fixes(t, is_syllable, self.lm.bigram,
                                                      self.lm.knows))
                _add_undecided(fixes, lost_slash_fixes(t, line_before))
                fixes.update(numerals.get(k, {}))
                _add_undecided(fixes, label_dots.get(k, {}))
                _add_undecided(fixes, clause_ends.get(k, {}))
                fixes.update(points.get(k, {}))
                _add_undecided(fixes, small_letter_fixes(t, capital_share, self.lm.bigram,
                                                         line_before))
            _add_undecided(fixes, terms.get(k, {}))

        def repair(k: int, tail: list[str], shifts: TokenShifts | None = None) -> LineRepair:
            lookahead = None
            runs_on = (
                k + 1 < len(lines)
                and bool(confs[k])
                and _mark_runs_on(lines[k], tokens_per_line[k], tokens_per_line[k + 1])
            )
            if runs_on or (k + 1 < len(lines) and continues(lines[k], tokens_per_line[k + 1])):
                lookahead = functools.partial(
                    self.lookahead_slots,
                    tokens_per_line[k + 1],
                    assessments[k + 1],
                    fixes_per_line[k + 1],
                    forced_by_line.get(k + 1),
                )
            return self.repair_line(
                lines[k],
                line_ids[k],
                tokens_per_line[k],
                assessments[k],
                tail,
                style,
                settings,
                forced_by_line.get(k),
                lookahead,
                fixes_per_line[k],
                shifts,
                runs_on,
            )

        out: list[LineRepair] = []
        tails: list[list[str]] = [[]]
        for k in range(len(lines)):
            out.append(repair(k, tails[k]))
            tails.append(_tail(tokenize(out[k].text), out[k].text))
        if ADAPT:
            for k, line_shifts in sorted(
                document_shifts(self, tokens_per_line, assessments, out).items()
            ):
                out[k] = repair(k, tails[k], line_shifts)
                tails[k + 1] = _tail(tokenize(out[k].text), out[k].text)
        for k, (original, folded) in enumerate(zip(originals, lines, strict=True)):
            if original != folded:
                edits = with_lookalike_edits(out[k].edits, original, line_ids[k])
                out[k] = dataclasses.replace(out[k], edits=edits)
        return out

    def lookahead_slots(
        self,
        tokens: list[Token],
        assessment: LineAssessment,
        fixes: dict[int, Fix],
        forced: dict[int, Candidate] | None = None,
    ) -> list[Slot]:
        """Slots of the first LOOKAHEAD words of the next line: right context for a line's end.

        Why: a wrapped paragraph puts a line's last word and its right neighbours on two
        lines; decoding the line with the next line's first words (all their candidates, so
        a damaged neighbour still votes) lets the LM weigh both sides. Their choices are
        discarded: the next line is decoded on its own, with this line as left context.
        """
        words = [i for i, t in enumerate(tokens) if t.is_word]
        if not words:
            return []
        cut = words[min(LOOKAHEAD, len(words)) - 1] + 1
        head = tokens[:cut]
        head_fixes = {i: fix for i, fix in fixes.items() if i < cut}
        slots, _ = self.build_slots(head, assessment, (), head_fixes, forced)
        if slots:
            slots[-1].merge_with_next = ()
        return slots

    def repair_line(
        self,
        line: str,
        line_id: str,
        tokens: list[Token],
        assessment: LineAssessment,
        context: Sequence[str],
        style: str | None,
        settings: RepairSettings,
        forced: dict[int, Candidate] | None = None,
        lookahead: Callable[[], list[Slot]] | None = None,
        fixes: dict[int, Fix] | None = None,
        shifts: TokenShifts | None = None,
        runs_on: bool = False,
    ) -> LineRepair:
        """Decode one line and turn the choices into text and Edits.

        `lookahead` builds the slots of the next line's first words when the sentence runs
        on there (right context only: their choices make no edits, and no end of sentence
        is scored); it is called only when the line is decoded at all. `fixes`: this line's
        `normalize_punctuation` result when the caller already has it.
        """
        if fixes is None:
            fixes = normalize_punctuation(tokens, self.inventory.is_syllable, self.lm.knows)
        edits = [_fix_edit(line_id, tokens[i], fix, settings.flag_below)
                 for i, fix in sorted(fixes.items())]
        slots, owners = self.build_slots(
            tokens, assessment, context, fixes, forced, shifts, runs_on
        )
        if not forced and all(
            len(slot.candidates) == 1 and not slot.merge_with_next for slot in slots
        ):
            if not edits:
                return LineRepair(line)
            return LineRepair(apply_edits(line, edits), edits, min(e.confidence for e in edits))
        garbled = "garbled" in assessment.token_modes.values()
        if garbled and PREPRUNE_KEEP:
            slots = self._preprune(slots)
        beam = BEAM["garbled" if garbled else "stripped"]
        # the dictionary bonus only where marks alone are missing (measured: it does not
        # help garbled passages, and costs a third of their decoding time)
        use_bonus = WORD_BONUS and "garbled" not in assessment.token_modes.values()
        right = lookahead() if lookahead is not None else []
        choices, logprob = decode(
            slots + right,
            self.lm,
            beam=beam,
            pair_bonus=self.pair_bonus if use_bonus else None,
            window=WINDOW["garbled" if garbled else "stripped"],
            final=not right,
        )
        damaged_conf: list[float] = [e.confidence for e in edits]
        for choice in choices:
            if choice.end > len(owners):
                continue  # a lookahead slot: the next line's own decode owns it
            owner_ids = [owners[k] for k in range(choice.start, choice.end)]
            if any(o is None for o in owner_ids):
                continue
            first, last = tokens[owner_ids[0]], tokens[owner_ids[-1]]  # type: ignore[index]
            if choice.candidate.kind == "ocr" and (
                first.kind == "punct" or not choice.candidate.syllables
            ):
                end = lone_run(tokens, owner_ids[0]) or owner_ids[0] + 1  # type: ignore[arg-type]
                edits.append(
                    noise_edit(
                        line_id,
                        tokens,
                        owner_ids[0],
                        end,
                        choice,  # type: ignore[arg-type]
                        settings.flag_below,
                    )
                )
                damaged_conf.append(choice.confidence)
                continue
            if not first.is_word:
                continue
            doubted = (
                owner_ids[0] in assessment.token_modes
                or owner_ids[0] in assessment.suspicious
                or self.generator.seldom_written(first.text)
            )
            if doubted:
                damaged_conf.append(choice.confidence)
            before = line[first.start : last.end]
            after = _write(
                choice.candidate.syllables,
                [tokens[o] for o in owner_ids if o is not None and tokens[o].is_word],
                style,
            )
            if after is None or after == before:
                continue
            if not doubted:
                damaged_conf.append(choice.confidence)
            kind = "diacritics" if base_of(before) == base_of(after) else "ocr"
            mode = assessment.token_modes.get(owner_ids[0], "clean")  # type: ignore[arg-type]
            reason = _reason(mode, choice, kind)
            place = owner_ids[0] if len(owner_ids) == 1 else (owner_ids[0], owner_ids[-1])
            if shifts and choice.candidate.syllables in shifts.get(place, {}):  # type: ignore[arg-type]
                reason += "; this document repeats the form: channel re-estimated on it"
            if choice.confidence < settings.flag_below:
                reason += "; low confidence, please check"
            edits.append(
                Edit(
                    line_id,
                    first.start,
                    last.end,
                    before,
                    after,
                    kind,  # type: ignore[arg-type]
                    round(choice.confidence, 4),
                    reason,
                )
            )
        edits = without_overlaps(line, edits)
        text = apply_edits(line, edits)
        confidence = min(damaged_conf) if damaged_conf else 1.0
        return LineRepair(text, edits, confidence, logprob)


NORMALIZE_CONFIDENCE = 0.9
Fix = tuple[str, str] | tuple[str, str, EditKind, float]
"""A token's fixed text and why; kind and confidence when not a `normalize` at 0.9."""


def _add_undecided(fixes: dict[int, Fix], found: dict[int, OcrFix]) -> None:
    """Add a rule's fixes for the tokens no earlier rule has fixed (the earlier one wins)."""
    for i, fix in found.items():
        fixes.setdefault(i, fix)


def _fix_edit(line_id: str, token: Token, fix: Fix, flag_below: float) -> Edit:
    """Build the Edit for a token whose text a rule fixed before decoding."""
    after, why, *rest = fix
    kind, confidence = rest if rest else ("normalize", NORMALIZE_CONFIDENCE)
    if confidence < flag_below:
        why += "; low confidence, please check"
    return Edit(line_id, token.start, token.end, token.text, after, kind, confidence, why)


_GLUE = set(".:,;'_")


def normalize_punctuation(
    tokens: list[Token], is_syllable: Callable[[str], bool], known_word: Callable[[str], bool]
) -> dict[int, tuple[str, str]]:
    """OCR noise in punctuation: token index → (replacement, reason).

    - a stray mark glued between two syllables ("cơ:quan", "Đất.đai", "chế-độ") is a space
      OCR misread; left alone when either side is a single letter (v.v, đ/c are codes
      anyway) or not a syllable (TP.HCM, Nga-Ukraine); a hyphen only between lowercase,
      and not in a word the LM knows hyphenated (`known_word`: "mô-đun", "các-bon",
      "kinh tế-xã hội": 756 places in the typed official corpus);
    - a lone "~" between spaces, or opening a line, before a word is a dash misread (before
      a number it means "about": kept);
    - a lone ":", ".", "_" or "`" between spaces right after the end of a sentence or
      clause ("giới. : 7.") is speck noise: it is dropped with the space before it.
    """
    fixes: dict[int, tuple[str, str]] = {}
    first = next((k for k, t in enumerate(tokens) if t.kind != "space"), None)
    for i in range(len(tokens)):
        token = tokens[i]
        if token.kind != "punct":
            continue
        left = tokens[i - 1] if i > 0 else None
        right = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            left is not None
            and right is not None
            and (token.text in _GLUE or token.text == "-")
            and left.is_word
            and right.is_word
            and len(left.text) > 1
            and len(right.text) > 1
            and is_syllable(left.text.lower())
            and is_syllable(right.text.lower())
            and right.text[0].islower() == left.text[-1].islower()
            and (token.text != "-" or (_lone_hyphen(tokens, i)
                                        and not known_word(f"{left.text}-{right.text}")))
        ):
            fixes[i] = (" ", f"stray '{token.text}' between two words read as a space")
        elif (
            token.text == "~"
            and (left is None or left.kind == "space" or i == first)
            and right is not None
            and right.kind == "space"
            and i + 2 < len(tokens)
            and tokens[i + 2].is_word  # "~ 100 tỷ đồng" is "about 100": kept
        ):
            fixes[i] = ("-", "dash misread as '~'")
        elif (
            token.text in _SPECKS
            and left is not None
            and left.kind == "space"
            and (
                right is None
                or (
                    right.kind == "space"
                    and i + 2 < len(tokens)
                    and tokens[i + 2].kind in ("word", "code")  # not a dotted leader ". . ."
                )
            )
            and i - 2 >= 0
            and tokens[i - 2].kind == "punct"
            and tokens[i - 2].text in _CLAUSE_END
            and tokens[i - 2].text != token.text
            and (i - 2) not in fixes
        ):
            fixes[i - 1] = ("", f"space before a stray '{token.text}'")
            fixes[i] = ("", f"stray '{token.text}' after the end of a clause (speck noise)")
    return fixes


def _ends_sentence(tokens: list[Token], i: int) -> bool:
    """Tell whether the text after token i starts a new sentence, as the LM's training split it.

    The LM was trained on sentences cut after . ! ? before a capital, a quote or "("
    (`build_lm.split_sentences`): it never saw words after a stop inside one sentence, so
    the decoder scores such a stop as the end of one sentence and the start of the next.
    """
    if i + 2 >= len(tokens) or tokens[i + 1].kind != "space":
        return False
    return opens_sentence(tokens[i + 2].text[0])


def _with_break(candidate: Candidate) -> Candidate:
    """`candidate` followed by an end of sentence when it is a stop."""
    if candidate.syllables and candidate.syllables[-1] in SENTENCE_STOPS:
        return Candidate(candidate.syllables + (SENTENCE_BREAK,), candidate.cost, candidate.kind)
    return candidate


def _mark_runs_on(line: str, tokens: list[Token], following: list[Token]) -> bool:
    """Tell whether `line` ends in a '.' glued to a word and the next line runs on after it.

    "…cho người lao động." + "động và…": the stop may be a speck; the next line's first
    words then become the decoder's right context, as for any wrapped line.
    """
    words = [t for t in tokens if t.kind != "space"]
    if len(words) < 2 or words[-1].text != "." or not words[-2].is_word:
        return False  # ',' ';' ':' before a lowercase line: right 138 times, noise 7
    first = next((t for t in following if t.kind != "space"), None)
    if first is None or not first.is_word or not first.text[0].islower():
        return False
    return continues(line.rstrip()[:-1], following)


def _lone_hyphen(tokens: list[Token], i: int) -> bool:
    """Tell whether a hyphen joins exactly two lowercase syllables (not Xinh-ga-po, Nga-Ukraine)."""
    left, right = tokens[i - 1], tokens[i + 1]
    before = tokens[i - 2].text if i >= 2 else " "
    after = tokens[i + 2].text if i + 2 < len(tokens) else " "
    return left.text.islower() and right.text.islower() and before != "-" and after != "-"


_SPECKS = set(":._`")
_CLAUSE_END = set(".;:,!?")


def list_letter_fixes(tokens_per_line: Sequence[list[Token]]) -> dict[int, dict[int, Candidate]]:
    """Lines starting "d)" or "đ)" whose letter the list sequence says is the other one.

    Vietnamese lists run a, b, c, d, đ, e; a stripped or misread "đ)" prints as "d)". A "d)"
    right after a "d)", or right before an "e)" when no "c)" precedes it, is "đ)". The other
    way, OCR reads "d)" as "đ)": an "đ)" right after a "c)", or right before another "đ)",
    is "d)" (5 such on the 60 training pages of benchmarks/punct_noise.py, none right).
    A label Tesseract reads as a letter of another alphabet ("ø)" for "g)",
    `line_cues.LABEL_LOOKALIKES`) is put back. line index → {token index: candidate}.
    """
    markers: list[tuple[int, int, str]] = []  # (line, token index, letter)
    out: dict[int, dict[int, Candidate]] = {}
    for k, tokens in enumerate(tokens_per_line):
        words = [(i, t) for i, t in enumerate(tokens) if t.kind != "space"]
        if (
            len(words) >= 2
            and words[0][1].is_word
            and len(words[0][1].text) == 1
            and words[1][1].text == ")"
        ):
            letter = words[0][1].text.lower()
            if letter in LABEL_LOOKALIKES:  # "ø)": Tesseract's reading of "g)" ("¡" is no word)
                letter = LABEL_LOOKALIKES[letter]
                out[k] = {words[0][0]: Candidate((letter,), 0.0, "list")}
            if letter in POINT_LETTERS:
                markers.append((k, words[0][0], letter))
    for n, (k, i, letter) in enumerate(markers):
        if letter not in ("d", "đ"):
            continue
        prev = markers[n - 1][2] if n > 0 else ""
        nxt = markers[n + 1][2] if n + 1 < len(markers) else ""
        upper = tokens_per_line[k][i].text.isupper()
        if letter == "d" and (prev in ("d", "đ") or (prev != "c" and nxt == "e")):
            out[k] = {i: Candidate(("Đ" if upper else "đ",), 0.0, "list")}
        elif letter == "đ" and (prev == "c" or nxt == "đ"):
            out[k] = {i: Candidate(("D" if upper else "d",), 0.0, "list")}
    return out


def _reason(mode: Mode | str, choice: Choice, kind: str) -> str:
    if choice.candidate.kind == "list":
        letter = choice.candidate.syllables[0].lower()
        return f"list letters run a, b, c, d, đ, e: this one is {letter})"
    if mode == "clean" and kind == "diacritics":
        return f"OCR mark confusion in clean text (channel cost {choice.candidate.cost:.1f})"
    what = {"diacritics": "marks restored", "ocr": "OCR damage repaired"}[kind]
    how = {
        "marks": "accented form of the same letters",
        "ocr": "OCR confusion",
        "split": "two words run together",
        "merge": "one word split by OCR",
        "keep": "kept",
        "pair": "pair",
    }.get(choice.candidate.kind, choice.candidate.kind)
    return f"{mode} passage: {what} ({how}; channel cost {choice.candidate.cost:.1f})"


def _write(syllables: tuple[str, ...], originals: list[Token], style: str | None) -> str | None:
    """Write `syllables` in the original tokens' case and the document's style.

    A syllable the repair kept (the same one as read, whatever its tone placement: "Hoà"
    in a document that writes "hòa") keeps the author's spelling; only changed ones take
    the document's style. Before, a signer's "Lê Hải Hoà" came out "Hòa".
    """
    if not originals:
        return None
    styled = []
    for k, s in enumerate(syllables):
        read = originals[min(k, len(originals) - 1)].text.lower()
        same = s == read or canonical(s) == canonical(read)
        styled.append(read if same else to_style(s, style))
    if len(styled) == len(originals):
        out = []
        for s, token in zip(styled, originals, strict=True):
            out.append(
                token.text if s == token.text.lower() else apply_case(s, case_pattern(token.text))
            )
        return " ".join(out)
    pattern = case_pattern(originals[0].text)
    if len(styled) == 1:
        return apply_case(styled[0], pattern)
    second: CasePattern = "upper" if pattern == "upper" else "lower"
    return " ".join([apply_case(styled[0], pattern)] + [apply_case(s, second) for s in styled[1:]])


def without_overlaps(line: str, edits: list[Edit]) -> list[Edit]:
    """Return `edits` without overlaps, so they always apply.

    A drop gives back the space it took along when a neighbouring edit claims that space
    ("-_ š" dropped as two runs); an edit that still overlaps the one before it is left out
    (junk lines only; never a traceback).
    """
    out: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if out and edit.start < out[-1].end:
            last = out[-1]
            if not edit.after and edit.before[:1].isspace() and last.end < edit.end:
                edit = dataclasses.replace(edit, start=last.end, before=line[last.end : edit.end])
            elif not last.after and last.before[-1:].isspace() and last.start < edit.start:
                out[-1] = dataclasses.replace(
                    last, end=edit.start, before=line[last.start : edit.start]
                )
            elif not last.before.strip() and not last.after and edit.start <= last.start:
                out[-1] = edit  # the edit removes that whitespace itself
                continue
            else:
                continue
        if out and edit.start < out[-1].end:
            continue
        out.append(edit)
    return out


def apply_edits(line: str, edits: Sequence[Edit]) -> str:
    """Apply edits (offsets into `line`) and return the new text; edits must not overlap."""
    out: list[str] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < pos or line[edit.start : edit.end] != edit.before:
            raise ValueError(f"edit does not match line {edit.line_id!r} at {edit.start}")
        out.append(line[pos : edit.start])
        out.append(edit.after)
        pos = edit.end
    out.append(line[pos:])
    return "".join(out)


def _capital_mid_sentence(tokens: list[Token], i: int) -> bool:
    """Tell whether token i has a capital first letter only and follows a word ("tỉnh Quang")."""
    text = tokens[i].text
    if len(text) < 2 or case_pattern(text) != "title":
        return False
    for k in range(i - 1, -1, -1):
        if tokens[k].kind != "space":
            return tokens[k].is_word
    return False


def _shifted(
    candidates: tuple[Candidate, ...], shift: dict[tuple[str, ...], float]
) -> tuple[Candidate, ...]:
    """Candidates with the document's channel cost changes applied (never below zero)."""
    return tuple(
        Candidate(c.syllables, max(0.0, c.cost + shift[c.syllables]), c.kind)
        if c.syllables in shift and c.kind != "keep"
        else c
        for c in candidates
    )


def _neighbour_pairs(tokens: list[Token], i: int) -> list[tuple[int, int]]:
    """Token index pairs (i with the word before, i with the word after), one space apart."""
    pairs = []
    if i >= 2 and tokens[i - 1].text == " " and tokens[i - 2].is_word:
        pairs.append((i - 2, i))
    if i + 2 < len(tokens) and tokens[i + 1].text == " " and tokens[i + 2].is_word:
        pairs.append((i, i + 2))
    return pairs


def _cheapest(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Return a neighbour's cheapest candidates (by channel cost): the ones worth a look-up."""
    spoken = [c for c in candidates if c.syllables and c.syllables[-1] != SENTENCE_BREAK]
    if len(spoken) <= CONTEXT_NEIGHBOURS:
        return spoken
    return sorted(spoken, key=lambda c: c.cost)[:CONTEXT_NEIGHBOURS]


def continues(line: str, following: list[Token]) -> bool:
    """Tell whether the sentence of `line` runs on into the next line (same paragraph).

    Not after a sentence end or a blank line, and not into a line that opens a list item
    ("- ", "1.", "a)"), starts with a number or code, or is written in capitals (a heading).
    """
    if not line.strip() or line.rstrip()[-1:] in SENTENCE_END:
        return False
    words = [t for t in following if t.kind != "space"]
    if not words or not words[0].is_word:
        return False
    if len(words) > 1 and len(words[0].text) <= 2 and words[1].text in ").":
        return False
    letters = "".join(t.text for t in words if t.is_word)
    return not (len(letters) > 3 and letters.isupper())


def _tail(tokens: list[Token], line: str) -> list[str]:
    """Return the last syllables of a line as left context for the next (none after a stop)."""
    if line.rstrip()[-1:] in SENTENCE_END or not line.strip():
        return []
    words = [t.text.lower() for t in tokens if t.is_word]
    return words[-LEFT_CONTEXT:]


def _token_confs(
    tokens: list[Token], words: Sequence[tuple[str, float]] | None
) -> dict[int, float]:
    """Map OCR word confidences onto word tokens by position in the line text."""
    if not words:
        return {}
    line = "".join(t.text for t in tokens)
    spans: list[tuple[int, int, float]] = []
    pos = 0
    for text, conf in words:
        at = line.find(text, pos)
        if at < 0:
            continue
        spans.append((at, at + len(text), conf))
        pos = at + len(text)
    out: dict[int, float] = {}
    k = 0
    for i, token in enumerate(tokens):
        if not token.is_word:
            continue
        while k < len(spans) and spans[k][1] <= token.start:
            k += 1
        if k < len(spans) and spans[k][0] <= token.start < spans[k][1]:
            out[i] = spans[k][2]
    return out


_ENGINE: RepairEngine | None = None


def get_engine() -> RepairEngine:
    """Return the process-wide engine (resources loaded once)."""
    global _ENGINE
    if _ENGINE is None:
        inventory, lm = load_resources()
        _ENGINE = RepairEngine(inventory, lm, get_channel())
    return _ENGINE

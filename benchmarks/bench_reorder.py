"""Line-order repair: dev set from HELD-OUT documents, scored by restored adjacent pairs.

Pages: consecutive paragraphs of one held-out official document, wrapped at 64-92 columns,
with or without blank lines between paragraphs. Each page gets one damage (or none):
- clean:   untouched (must stay untouched),
- reverse: one paragraph's lines fully reversed,
- partial: one paragraph's first line kept on top, the rest reversed (1, 4, 3, 2),
- region:  2-3 consecutive paragraphs read bottom-up (block order and lines reversed),
           with the first paragraph's head kept on top (the sample's pattern),
- swap:    two adjacent segments of 2-6 lines exchanged (a column/block read out of order),
- swap_par: two adjacent whole paragraphs exchanged (blank-line blocks; often undetectable).
and one text condition on the damaged lines (for clean pages: on a random run of lines):
accented (as is), stripped (marks removed), garbled (marks removed + OCR-like damage).

Metrics: pairs = share of truth-adjacent line pairs of each damaged span (with the span's
two outer links) that come out adjacent and in order; exact = pages fully restored;
clean moved = clean pages with any line moved; outside moved = lines outside the damaged
span that moved.

"all but swap_par" leaves out the kind that n-gram evidence cannot order (whole paragraphs).
Settings are chosen on --half tune (benchmarks/sweep_reorder.py), reported on --half test.

Whole documents (`--documents`): the pages above hold prose runs only; a text file is one
page holding everything (title stacks in capitals, forms with dotted fields, tables, quoted
amendments). Every held-out document, all of its lines (first 400) wrapped like the pages,
one in three accent-stripped, none out of order: documents and lines the reorderer moves
are all false moves. Second row: the same with another third OCR-garbled line by line.

Long passages (`--long`): a text layer read bottom-up over a whole page or more. In the
same whole documents (every line), windows of 60 and 90 lines (blank lines included) are
reversed as one run: blocks in reverse order, lines reversed inside them. Longer than one
search span (48 lines), such a passage is searched in pieces. Windows start in the first
400 lines of each document (the rows the joining of pieces was developed and chosen on)
or after them (`fresh`: not used to choose).

Two damages on one page (`--multi`): the pages above put one damage on each page, but a
scan can turn several blocks of one page. Two paragraphs of 3 lines or more, with one
clean paragraph or more between them, are each reversed (fully, or under their kept first
line), in the damaged lines' text condition; the clean lines between must stay. Pages of
prose runs as above, up to 48 lines (the rows the in-place reversal of runs was developed
and chosen on), pages of 48 lines cut from whole held-out documents with every kind of
line (`documents`: not used to choose), and prose-run pages with three such paragraphs
(`3 damages`: not used to choose). "N between": the fewest paragraphs between two.

Run: .venv/bin/python benchmarks/bench_reorder.py [--pages 360] [--lm base|syllable|count]
     [--half tune|test|all] [--set name=value ...] [--documents] [--long] [--multi]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from devset import garble_line, strip_marks  # noqa: E402

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402
from pipeline.repair.reorder import ReorderSettings, reorder_lines  # noqa: E402

SEED = 20240612
DAMAGES = ["clean", "reverse", "partial", "region", "swap", "swap_par"]
CONDITIONS = ["accented", "stripped", "garbled"]


@dataclass
class Page:
    id: str
    damage: str
    condition: str
    truth: list[str]
    lines: list[str]
    source: list[int]  # truth index of each input line
    span: list[int] = field(default_factory=list)  # truth indices of the damaged span
    slices: tuple[str, ...] = ()  # `--multi`: its set, then the rows it also counts in


_FROZEN_LABEL = re.compile(
    r"^(?:(?:[IVXL]{1,6}[.)]|\d{1,2}(?:[.)]|\.\))|[a-zđ]\))\s+"
    r"|(?i:(?:Điều|Dieu|Chương|Chuong|Mục|Muc|Phần|Phan)\s+(?:\d{1,3}|[IVXL]{1,6})\b)"
    r"|(?:[-–—+•·*▪◦]|\(\d{1,2}\)|\d{1,2}\)\.)\s*(?=\S))")


def _labelled(line: str) -> bool:
    """A numbered or bulleted line whose text starts with a capital (heading candidate).

    Frozen copy of line_cues' rule as it was when this dev set was first measured, so the
    pages do not change when the reorderer's own cues improve (the code under test must not
    choose its test).
    """
    match = _FROZEN_LABEL.match(line.strip())
    if not match:
        return False
    first = next((ch for ch in line.strip()[match.end():] if ch.isalpha()), "")
    return not first.islower()


def _paragraphs(document: str) -> list[str]:
    """Prose paragraphs and numbered headings of a document; anything else breaks a run.

    Table cells, form fields, header stubs and lists of codes are left out: their order
    cannot be judged from language (they are a known limit, not part of this measure).
    """
    out = []
    for line in document.split("\n"):
        words = line.split()
        if not words:
            continue
        alpha = sum(any(ch.isalpha() for ch in w) for w in words) / len(words)
        letters = [ch for ch in line if ch.isalpha()]
        caps = bool(letters) and sum(ch.isupper() for ch in letters) > 0.5 * len(letters)
        technical = any(any(ch.isupper() for ch in w[1:]) and not w.isupper() and w.isalpha()
                        for w in words)  # camelCase field names of data catalogues
        prose = len(words) >= 12 and alpha >= 0.85 and not caps and "..." not in line \
            and "__" not in line and "|" not in line and not technical
        heading = _labelled(line) and 3 <= len(words) <= 30 and alpha >= 0.8
        out.append(line.strip() if (prose or heading) and len(words) <= 200 else "")
    return out


def _heldout_documents() -> Iterator[str]:
    """Every held-out official document of the corpus, always in the same order."""
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("corpus not found (../shared/corpus or $VIDOC_CORPUS)")
    for name in OFFICIAL_FILES:
        yield from iter_split(corpus / name, heldout=True)


def _runs(rng: random.Random) -> list[list[str]]:
    runs = []
    for document in _heldout_documents():
        run: list[str] = []
        for paragraph in _paragraphs(document) + [""]:
            if paragraph:
                run.append(paragraph)
                continue
            if len(run) >= 3:
                runs.append(run)
            run = []
    rng.shuffle(runs)
    return runs


def _wrap(paragraph: str, width: int) -> list[str]:
    return textwrap.wrap(paragraph, width=width, break_long_words=False, break_on_hyphens=False)


def _layout(run: list[str], rng: random.Random) -> tuple[list[list[str]], bool] | None:
    width = rng.randrange(64, 93)
    blanks = rng.random() < 0.5
    start = rng.randrange(max(1, len(run) - 2))
    blocks: list[list[str]] = []
    total = 0
    for paragraph in run[start:]:
        wrapped = _wrap(paragraph, width)
        if total + len(wrapped) > 40 and blocks:
            break
        blocks.append(wrapped)
        total += len(wrapped)
    if total < 8 or len(blocks) < 2:
        return None
    return blocks, blanks


def _flatten(blocks: list[list[str]], blanks: bool) -> tuple[list[str], list[int]]:
    lines: list[str] = []
    paragraph_of: list[int] = []
    for number, block in enumerate(blocks):
        if blanks and number:
            lines.append("")
            paragraph_of.append(-1)
        lines.extend(block)
        paragraph_of.extend([number] * len(block))
    return lines, paragraph_of


def _reversed_paragraph(lines: list[int], damage: str) -> list[int]:
    """A paragraph's lines read bottom-up: all of them ("reverse") or under its first."""
    return lines[::-1] if damage == "reverse" else [lines[0]] + lines[1:][::-1]


def _damage(lines: list[str], paragraph_of: list[int], blanks: bool, damage: str,
            rng: random.Random) -> tuple[list[int], list[int]] | None:
    """Return (order of truth indices, damaged span of truth indices) or None if not possible."""
    n = len(lines)
    order = list(range(n))
    members = defaultdict(list)
    for i, p in enumerate(paragraph_of):
        if p >= 0:
            members[p].append(i)
    long_paragraphs = [p for p, m in members.items() if len(m) >= 3]
    if damage == "clean":
        start = rng.randrange(n)
        span = [i for i in range(start, min(n, start + rng.randrange(3, 10))) if lines[i]]
        return order, span  # the span only receives the text condition
    if damage in ("reverse", "partial"):
        if not long_paragraphs:
            return None
        p = rng.choice(long_paragraphs)
        m = members[p]
        for i, j in zip(m, _reversed_paragraph(m, damage), strict=True):
            order[i] = j
        return order, m
    if damage == "region":
        ps = sorted(members)
        if len(ps) < 2:
            return None
        k = rng.choice([2, 3]) if len(ps) >= 3 else 2
        first = rng.randrange(len(ps) - k + 1)
        chosen = ps[first:first + k]
        if sum(len(members[p]) for p in chosen) < 5:
            return None
        lo, hi = members[chosen[0]][0], members[chosen[-1]][-1]
        region = list(range(lo, hi + 1))
        head = members[chosen[0]]
        reversed_region = region[::-1]
        if len(head) >= 3 and rng.random() < 0.5:  # the first paragraph keeps its head on top
            tail = [i for i in reversed_region if i in head]
            reversed_region = [i if i not in head else None for i in reversed_region]
            fill = [head[0]] + [i for i in tail if i != head[0]]
            reversed_region = [x if x is not None else fill.pop(0) for x in reversed_region]
        order[lo:hi + 1] = reversed_region
        return order, [i for i in region if lines[i]]
    if damage == "swap":
        nonblank = [i for i in range(n) if lines[i]]
        a_len, b_len = rng.randrange(2, 7), rng.randrange(2, 7)
        if len(nonblank) < a_len + b_len + 1:
            return None
        s = rng.randrange(len(nonblank) - a_len - b_len + 1)
        seg_a = nonblank[s:s + a_len]
        seg_b = nonblank[s + a_len:s + a_len + b_len]
        lo, hi = seg_a[0], seg_b[-1]
        inner = [i for i in range(lo, hi + 1)]
        new = [i for i in seg_b] + [i for i in inner if not lines[i]] + [i for i in seg_a]
        # keep blank lines where they were by position: simplest is to drop and re-add
        order[lo:hi + 1] = new
        return order, seg_a + seg_b
    if damage == "swap_par":
        if not blanks:
            return None
        ps = sorted(members)
        k = rng.randrange(len(ps) - 1)
        a, b = members[ps[k]], members[ps[k + 1]]
        lo, hi = a[0], b[-1]
        order[lo:hi + 1] = b + [i for i in range(lo, hi + 1) if not lines[i]] + a
        return order, a + b
    raise ValueError(damage)


def _condition(line: str, condition: str, rng: random.Random) -> str:
    if condition == "stripped":
        return strip_marks(line)
    if condition == "garbled":
        return garble_line(line, rng, rate=0.3)
    return line


def build_pages(count: int, seed: int = SEED) -> list[Page]:
    rng = random.Random(seed)
    runs = _runs(rng)
    pages: list[Page] = []
    n = 0
    for run in runs * 4:
        if len(pages) >= count:
            break
        damage = DAMAGES[n % len(DAMAGES)]
        condition = CONDITIONS[(n // len(DAMAGES)) % len(CONDITIONS)]
        laid = _layout(run, rng)
        if laid is None:
            continue
        blocks, blanks = laid
        truth, paragraph_of = _flatten(blocks, blanks)
        damaged = _damage(truth, paragraph_of, blanks, damage, rng)
        if damaged is None:
            continue
        order, span = damaged
        span_set = set(span)
        lines = [_condition(truth[i], condition, rng) if i in span_set else truth[i] for i in order]
        pages.append(Page(f"{damage}-{condition}-{n}", damage, condition, truth, lines, order, span))
        n += 1
    return pages


def _wrapped_document(document: str, width: int, blanks: bool) -> tuple[list[str], list[int]]:
    """Every paragraph of a document wrapped, and the paragraph number of each line (-1:
    the blank line put between paragraphs when `blanks`)."""
    lines: list[str] = []
    paragraph_of: list[int] = []
    for number, paragraph in enumerate(p for p in document.split("\n") if p.strip()):
        if blanks and lines:
            lines.append("")
            paragraph_of.append(-1)
        wrapped = _wrap(paragraph.strip(), width)
        lines.extend(wrapped)
        paragraph_of.extend([number] * len(wrapped))
    return lines, paragraph_of


def build_documents(seed: int = SEED, max_lines: int = 400) -> list[list[str]]:
    """Held-out documents as whole, undamaged text files (see the module docstring)."""
    rng = random.Random(seed)
    documents = []
    for document in _heldout_documents():
        width, blanks = rng.randrange(64, 93), rng.random() < 0.5
        lines, _ = _wrapped_document(document, width, blanks)
        if len(lines) >= 8:
            stripped = len(documents) % 3 == 1
            documents.append([strip_marks(line) if stripped else line
                              for line in lines[:max_lines]])
    return documents


def garble_documents(documents: list[list[str]], seed: int = SEED) -> list[list[str]]:
    """A copy with every third document (one not stripped) OCR-garbled line by line, as the
    dev pages' garbled condition is: its lines stay in order, only their words suffer."""
    damage = random.Random(seed + 1)
    garbled = list(documents)
    for number in range(2, len(garbled), 3):
        garbled[number] = [garble_line(line, damage, rate=0.3) if line else line
                           for line in garbled[number]]
    return garbled


def run_documents(documents: list[list[str]], lm, settings: ReorderSettings, tokenize=None,
                  show: int = 0) -> str:
    """Reorder whole clean documents; every move is a false one."""
    moved_documents = spans = moved_lines = shown = 0
    started = time.perf_counter()
    for number, lines in enumerate(documents):
        result = reorder_lines(lines, lm=lm, tokenize=tokenize, settings=settings)
        if not result.changed:
            continue
        moved_documents += 1
        spans += len(result.spans)
        moved_lines += sum(1 for position, k in enumerate(result.order) if k != position)
        for (start, end, _), event in zip(result.spans, result.events, strict=False):
            if shown < show:
                shown += 1
                print(f"--- document {number}: lines {start}-{end} ({event})")
                for k in result.order[start:end]:
                    print(f"   [{k:3d}] {lines[k][:90]}")
    seconds = time.perf_counter() - started
    total = sum(len(lines) for lines in documents)
    return (f"| {len(documents)} | {total} | {moved_documents} | {spans} | {moved_lines} "
            f"| {seconds:.1f} s |")


LONG_SIZES = (60, 90)
LONG_MARGIN = 30
"""Lines of the document kept on either side of a window (the text file handed over)."""


def build_long_cases(seed: int = SEED) -> list[tuple[str, int, list[str], list[int], int, int]]:
    """(row, size, text lines, order as read, lo, hi): windows [lo, hi) read bottom-up.

    The text is the window and `LONG_MARGIN` lines of its document on either side. Two
    windows per document and size start in its first 400 lines (row "first 400 lines"),
    two after them where the document is long enough (row "fresh").
    """
    rng = random.Random(seed + 7)
    cases = []
    for lines in build_documents(seed, max_lines=100000):
        for size in LONG_SIZES:
            for row, low, high in (("first 400 lines", 5, min(400, len(lines) - size - 5)),
                                   ("fresh", 400, len(lines) - size - 5)):
                for _ in range(2):
                    if high <= low:
                        continue
                    lo = rng.randrange(low, high)
                    while not lines[lo].strip():
                        lo += 1
                    first, last = max(0, lo - LONG_MARGIN), min(len(lines), lo + size + LONG_MARGIN)
                    text = lines[first:last]
                    order = list(range(len(text)))
                    start = lo - first
                    order[start:start + size] = order[start:start + size][::-1]
                    cases.append((row, size, text, order, start, start + size))
    return cases


def run_long(cases, lm, settings: ReorderSettings, tokenize=None) -> str:
    """Pairs of each window put back in order, windows exact, lines moved outside them."""
    rows: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0.0])
    for row, size, lines, order, lo, hi in cases:
        started = time.perf_counter()
        result = reorder_lines([lines[k] for k in order], lm=lm, tokenize=tokenize,
                               settings=settings)
        seconds = time.perf_counter() - started
        restored = [order[k] for k in result.order]
        after = _successors(restored, lines)
        pairs = good = 0
        for a, b in _successors(list(range(len(lines))), lines).items():
            if lo <= a < hi or lo <= b < hi:
                pairs += 1
                good += after.get(a) == b
        outside = sum(1 for position, k in enumerate(restored)
                      if k != position and not lo <= k < hi and lines[k].strip())
        counts = rows[row, size]
        for i, value in enumerate((1, pairs, good, pairs == good, outside, seconds)):
            counts[i] += value
    out = ["| windows | size (lines) | count | pairs in order | windows exact "
           "| lines moved outside | time per text |", "|---|---|---|---|---|---|---|"]
    for (row, size), (count, pairs, good, exact, outside, seconds) in sorted(rows.items()):
        out.append(f"| {row} | {size} | {count} | {100 * good / pairs:.1f} % ({good}/{pairs}) "
                   f"| {exact}/{count} | {outside} | {seconds / count:.2f} s |")
    return "\n".join(out)


MULTI_LINES = 48
"""Most lines of a page with two damages (one search span)."""


def _apart(numbers: list[int], rank: dict[int, int], count: int) -> list[tuple[int, ...]]:
    """Every choice of `count` paragraphs with at least one paragraph between neighbours."""
    if count == 0:
        return [()]
    return [(first, *rest) for n, first in enumerate(numbers)
            for rest in _apart([k for k in numbers[n + 1:] if rank[k] - rank[first] >= 2],
                               rank, count - 1)]


def _paragraphs_reversed_apart(truth: list[str], paragraph_of: list[int], rng: random.Random,
                               condition: str, name: str, count: int = 2) -> Page | None:
    """Reverse two (`count`) paragraphs of 3 lines or more, a paragraph or more apart."""
    members: dict[int, list[int]] = defaultdict(list)
    for i, number in enumerate(paragraph_of):
        if number >= 0:
            members[number].append(i)
    ordered = sorted(members)
    rank = {number: n for n, number in enumerate(ordered)}
    long_paragraphs = [number for number in ordered if len(members[number]) >= 3]
    choices = _apart(long_paragraphs, rank, count)
    if not choices:
        return None
    chosen = rng.choice(choices)
    order = list(range(len(truth)))
    span: list[int] = []
    kinds = []
    for number in chosen:
        lines = members[number]
        kind = rng.choice(["reverse", "partial"])
        for i, j in zip(lines, _reversed_paragraph(lines, kind), strict=True):
            order[i] = j
        span += lines
        kinds.append(kind)
    damaged = set(span)
    text = [_condition(truth[i], condition, rng) if i in damaged else truth[i] for i in order]
    gap = min(rank[b] - rank[a] - 1 for a, b in zip(chosen, chosen[1:], strict=False))
    blanks = "blank lines" if "" in truth else "no blank lines"
    between = "3 or more between" if gap >= 3 else f"{gap} between"
    return Page(f"{name}|{'+'.join(kinds)}|{blanks}|{between}", "multi", condition, truth,
                text, order, span, (name, blanks, between, condition))


def build_multi_pages(seed: int = SEED + 11, count: int = 2) -> list[Page]:
    """Two (`count`) damages on pages of prose runs (the dev pages' text, up to 48 lines)."""
    rng = random.Random(seed)
    name = "prose runs" if count == 2 else f"prose runs, {count} damages"
    pages: list[Page] = []
    for run in _runs(rng):
        width, blanks = rng.randrange(64, 93), rng.random() < 0.5
        blocks: list[list[str]] = []
        total = 0
        for paragraph in run:
            wrapped = _wrap(paragraph, width)
            if total + len(wrapped) > MULTI_LINES and blocks:
                break
            blocks.append(wrapped)
            total += len(wrapped)
        if len(blocks) < 2 * count:
            continue
        truth, paragraph_of = _flatten(blocks, blanks)
        page = _paragraphs_reversed_apart(truth, paragraph_of, rng, CONDITIONS[len(pages) % 3],
                                          name, count)
        if page is not None:
            pages.append(page)
    return pages


def build_multi_document_pages(seed: int = SEED + 13, per_document: int = 6) -> list[Page]:
    """Two damages on 48-line pages of whole held-out documents (every kind of line)."""
    rng = random.Random(seed)
    pages: list[Page] = []
    for document in _heldout_documents():
        width, blanks = rng.randrange(64, 93), rng.random() < 0.5
        lines, paragraph_of = _wrapped_document(document, width, blanks)
        starts = [i for i in range(len(lines) - MULTI_LINES)
                  if lines[i] and (i == 0 or paragraph_of[i - 1] != paragraph_of[i])]
        for start in sorted(rng.sample(starts, min(per_document, len(starts)))):
            end = start + MULTI_LINES
            while paragraph_of[end - 1] >= 0 and paragraph_of[end] == paragraph_of[end - 1]:
                end -= 1  # the page ends with a whole paragraph
            page = _paragraphs_reversed_apart(lines[start:end], paragraph_of[start:end], rng,
                                              CONDITIONS[len(pages) % 3], "documents")
            if page is not None:
                pages.append(page)
    return pages


def run_multi(pages: list[Page], lm, settings: ReorderSettings, tokenize=None,
              show: int = 0) -> str:
    """Pairs of both damaged paragraphs put back, pages exact, clean lines moved."""
    rows: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0.0])
    shown = 0
    for page in pages:
        started = time.perf_counter()
        result = reorder_lines(page.lines, lm=lm, tokenize=tokenize, settings=settings)
        seconds = time.perf_counter() - started
        scores = score_page(page, result.order)
        name, *slices = page.slices
        for key in ("all", *slices):
            row = rows[name, key]
            for i, value in enumerate((1, scores["pairs"], scores["good"], scores["exact"],
                                       scores["outside"], scores["outside"] > 0, seconds)):
                row[i] += value
        if shown < show and (scores["good"] < scores["pairs"] or scores["outside"]):
            shown += 1
            print(f"--- {page.id} {page.condition}: {result.events}")
            for k in result.order:
                mark = "*" if page.source[k] in page.span else " "
                print(f"   [{page.source[k]:2d}]{mark} {page.lines[k][:90]}")
    out = ["| pages | count | pairs in order | pages exact | clean lines moved (pages) "
           "| time per page |", "|---|---|---|---|---|---|"]
    sets = ["prose runs", "documents", "prose runs, 3 damages"]
    slices = ["all", "blank lines", "no blank lines", "1 between", "2 between",
              "3 or more between", *CONDITIONS]
    for (name, key), (count, pairs, good, exact, outside, moved, seconds) in sorted(
            rows.items(), key=lambda item: (sets.index(item[0][0]), slices.index(item[0][1]))):
        out.append(f"| {name}: {key} | {count} | {100 * good / pairs:.1f} % ({good}/{pairs}) "
                   f"| {exact:.0f}/{count} | {outside} ({moved}) | {seconds / count:.2f} s |")
    return "\n".join(out)


def _successors(sequence: list[int], truth: list[str]) -> dict[int, int]:
    kept = [i for i in sequence if truth[i]]
    return {a: b for a, b in zip(kept, kept[1:], strict=False)}


def score_page(page: Page, order: list[int]) -> dict[str, float]:
    restored = [page.source[k] for k in order]
    after = _successors(restored, page.truth)
    truth_kept = [i for i in range(len(page.truth)) if page.truth[i]]
    truth_next = {a: b for a, b in zip(truth_kept, truth_kept[1:], strict=False)}
    moved_by_damage = page.damage != "clean"
    span = set(page.span) if moved_by_damage else set()
    pairs = good = 0
    if span:
        for a, b in truth_next.items():
            if a in span or b in span:
                pairs += 1
                good += after.get(a) == b
    outside_moved = sum(1 for position, k in enumerate(order)
                        if k != position and page.source[k] not in span and page.truth[page.source[k]])
    return {"pairs": pairs, "good": good, "exact": float(restored == list(range(len(page.truth)))
                                                          or after == truth_next),
            "moved": float(any(k != p for p, k in enumerate(order))), "outside": outside_moved}


def _load_lm(kind: str):
    if kind == "count":
        import pickle

        from count_lm import train_count_lm

        cached = ROOT / "benchmarks" / "cache" / "reorder_count_lm.pkl"
        if cached.exists():
            with open(cached, "rb") as handle:
                return pickle.load(handle), None
        model = train_count_lm()
        cached.parent.mkdir(exist_ok=True)
        with open(cached, "wb") as handle:
            pickle.dump(model, handle)
        return model, None
    from functools import partial

    from pipeline.repair.lm import get_language_model, lm_tokens

    return get_language_model(kind), partial(lm_tokens, marks=kind == "syllable")


def run(pages: list[Page], lm, settings: ReorderSettings, show: int = 0, tokenize=None) -> dict:
    table: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    started = time.perf_counter()
    failures = []
    for page in pages:
        result = reorder_lines(page.lines, lm=lm, tokenize=tokenize, settings=settings)
        scores = score_page(page, result.order)
        scores["baseline"] = score_page(page, list(range(len(page.lines))))["good"]
        keys = [page.damage, page.condition, "all"]
        if page.damage != "swap_par":
            keys.append("all but swap_par")
        for key in keys:
            row = table[(key, "")]
            row["pages"] += 1
            for name, value in scores.items():
                row[name] += value
        if (page.damage != "clean" and scores["good"] < scores["pairs"]) or (
                page.damage == "clean" and result.changed):
            failures.append((page, result))
    seconds = time.perf_counter() - started
    for page, result in failures[:show]:
        print(f"--- {page.id}: order {result.order} gains {result.gains}")
        for k in result.order:
            print(f"   [{page.source[k]:2d}] {page.lines[k][:90]}")
    return {"table": table, "seconds": seconds}


def format_table(result: dict) -> str:
    rows = ["| slice | pages | pairs in order (as read) | pairs in order after reorder | exact pages "
            "| pages moved | lines moved outside span |",
            "|---|---|---|---|---|---|---|"]
    for (key, _), row in sorted(result["table"].items(), key=lambda kv: _order(kv[0][0])):
        pairs = f"{row['good'] / row['pairs']:.1%} ({int(row['good'])}/{int(row['pairs'])})" if row["pairs"] else "–"
        before = f"{row['baseline'] / row['pairs']:.1%}" if row["pairs"] else "–"
        rows.append(f"| {key} | {int(row['pages'])} | {before} | {pairs} | {row['exact'] / row['pages']:.1%} | "
                    f"{int(row['moved'])} | {int(row['outside'])} |")
    return "\n".join(rows)


def _order(key: str) -> int:
    keys = DAMAGES + CONDITIONS + ["all but swap_par", "all"]
    return keys.index(key) if key in keys else 99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=360)
    parser.add_argument("--lm", default="base", choices=["base", "syllable", "count"])
    parser.add_argument("--half", choices=["tune", "test", "all"], default="all")
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--skip", type=int, default=0,
                        help="score only pages after the first SKIP (e.g. --pages 720 --skip 360: "
                             "360 pages never looked at while tuning)")
    parser.add_argument("--set", action="append", default=[], help="setting=value")
    parser.add_argument("--documents", action="store_true",
                        help="false moves on whole clean held-out documents instead")
    parser.add_argument("--long", action="store_true",
                        help="instead: windows of 60 and 90 lines of whole documents read "
                             "bottom-up")
    parser.add_argument("--multi", action="store_true",
                        help="instead: pages with two damaged paragraphs, clean ones between")
    args = parser.parse_args()
    settings = ReorderSettings()
    for item in args.set:
        name, value = item.split("=")
        settings = _with(settings, name, float(value))
    if args.multi:
        lm, tokenize = _load_lm(args.lm)
        pages = (build_multi_pages() + build_multi_document_pages()
                 + build_multi_pages(SEED + 17, count=3))
        print(run_multi(pages, lm, settings, tokenize=tokenize, show=args.show))
        return
    if args.long:
        lm, tokenize = _load_lm(args.lm)
        print(run_long(build_long_cases(), lm, settings, tokenize=tokenize))
        return
    if args.documents:
        lm, tokenize = _load_lm(args.lm)
        print("| documents | clean documents | lines | documents moved | spans | lines moved "
              "| time |")
        print("|---|---|---|---|---|---|---|")
        documents = build_documents()
        for label, rows in (("as is / stripped", documents),
                            ("a third garbled", garble_documents(documents))):
            row = run_documents(rows, lm, settings, tokenize=tokenize, show=args.show)
            print(f"| {label} {row}")
        return
    pages = build_pages(args.pages)
    pages = pages[args.skip:]
    if args.half != "all":
        pages = [p for n, p in enumerate(pages) if (n // len(DAMAGES)) % 2 == (args.half == "test")]
    lm, tokenize = _load_lm(args.lm)
    result = run(pages, lm, settings, show=args.show, tokenize=tokenize)
    print(format_table(result))
    print(f"\n{len(pages)} pages, {result['seconds']:.1f} s ({1000 * result['seconds'] / len(pages):.0f} ms/page), "
          f"lm={args.lm}, settings={json.dumps(_flat(settings))}")


def _with(settings: ReorderSettings, name: str, value: float) -> ReorderSettings:
    from dataclasses import replace

    if name.startswith("links."):
        kind = type(getattr(settings.links, name[6:]))
        return replace(settings, links=replace(settings.links, **{name[6:]: kind(value)}))
    field_type = type(getattr(settings, name))
    return replace(settings, **{name: field_type(value)})


def _flat(settings: ReorderSettings) -> dict:
    from dataclasses import asdict

    return asdict(settings)


if __name__ == "__main__":
    main()

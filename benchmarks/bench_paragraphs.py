"""Paragraph reconstruction (pipeline.paragraphs): wrapped lines back into paragraphs.

Pages: consecutive lines of HELD-OUT official documents, cut into pages of at most 40
wrapped lines (pipeline.corpus.iter_split
heldout=True), every kind of line kept (headers, headings, numbered items, bullets,
flattened table cells, signatures), each corpus line being one truth paragraph. Each page
is wrapped at one width (64-92 columns, as a scan's text) with NO blank lines between
paragraphs — the hard case: a text layer or OCR that hands over bare lines. (With blank
lines between paragraphs the builder never joins across them.)

Scored on every pair of consecutive lines: the truth says "same paragraph" (join) or
"new paragraph" (break); the builder's output is compared. Also the share of truth
paragraphs rebuilt exactly (same lines, nothing more).

Pages alternate between a 'tune' and a 'test' half (--half); rules are looked at on the
tune half only.

Scans (`--ocr N`): the first N pages of the half drawn on A4 as directives are set (first
line of each paragraph indented 1 cm, justified; pipeline.render), read back by vidoc's OCR
stage (repair off), each OCR'd line matched to the drawn line it reads; the same scores on
the OCR'd lines, where the builder also sees the line boxes. `--worn`: the pages turned
±1.2°, blurred and noised first. About 3-6 s per page. `--per-document 2`: two consecutive
pages drawn as one document, on as many A4 sheets as they fill (a multi-page TIFF), so
paragraphs run on from one sheet to the next; also scored: the pair of lines at each page
turn (the paragraph runs on, or a new one starts).

Page breaks (`--page-breaks`): text files as PDF text layers are extracted, page by page.
The same held-out text, paragraphs separated by blank lines, half the pages wrapped
(64-92 columns) and half one paragraph per line (as `samples/garbled_ocr.txt`), and a
blank line where each page of 30-45 wrapped lines ended — mid-paragraph, often
mid-sentence. Scored on consecutive non-blank lines: a blank line that cut a paragraph
must be crossed (join), one between paragraphs must not (break).

Run: .venv/bin/python benchmarks/bench_paragraphs.py [--pages 300] [--half tune|test|all]
     [--show N] [--ocr N [--worn] [--per-document K]] [--page-breaks]
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402
from pipeline.paragraphs import build_paragraphs  # noqa: E402

SEED = 20261127
MAX_LINES = 40


@dataclass
class Page:
    """Wrapped lines and, for each, the index of the truth paragraph it came from."""

    id: str
    lines: list[str]
    owner: list[int]


def build_pages(count: int, seed: int = SEED) -> list[Page]:
    """`count` pages of wrapped held-out text (deterministic for a seed)."""
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("corpus not found (../shared/corpus or $VIDOC_CORPUS)")
    documents = [doc for name in OFFICIAL_FILES for doc in iter_split(corpus / name, heldout=True)]
    rng = random.Random(seed)
    rng.shuffle(documents)
    pages: list[Page] = []
    for document in documents:
        paragraphs = [line.strip() for line in document.split("\n") if line.strip()]
        position = 0
        while position < len(paragraphs) and len(pages) < count:
            width = rng.randrange(64, 93)
            lines: list[str] = []
            owner: list[int] = []
            while position < len(paragraphs):
                wrapped = textwrap.wrap(paragraphs[position], width=width,
                                        break_long_words=False, break_on_hyphens=False)
                if lines and len(lines) + len(wrapped) > MAX_LINES:
                    break
                lines += wrapped
                owner += [position] * len(wrapped)
                position += 1
            if len(set(owner)) >= 3:
                pages.append(Page(f"p{len(pages)}", lines, owner))
    return pages


def with_page_breaks(pages: list[Page], seed: int = SEED) -> list[Page]:
    """The pages as blank-line-separated text cut by page ends (see the module docstring).

    Blank lines get owner -1; a page end inside a paragraph is a blank line between two of
    its lines; one-paragraph-per-line pages keep a paragraph's lines joined on each side.
    """
    rng = random.Random(seed + 1)
    out = []
    for page in pages:
        ends = set()
        position = rng.randrange(5, 30)
        while position < len(page.lines):
            ends.add(position)  # a page ended before wrapped line `position`
            position += rng.randrange(30, 46)
        unwrapped = rng.random() < 0.5
        lines: list[str] = []
        owner: list[int] = []
        for k, (text, paragraph) in enumerate(zip(page.lines, page.owner, strict=True)):
            new_paragraph = k == 0 or page.owner[k - 1] != paragraph
            if k > 0 and (new_paragraph or k in ends):
                lines.append("")
                owner.append(-1)
            if unwrapped and not new_paragraph and k not in ends:
                lines[-1] += " " + text
            else:
                lines.append(text)
                owner.append(paragraph)
        out.append(Page(page.id, lines, owner))
    return out


def score(pages: list[Page], show: int = 0) -> dict[str, float]:
    """Join/break decisions against the truth, and paragraphs rebuilt exactly."""
    tally: Counter[str] = Counter()
    shown = 0
    for page in pages:
        built = build_paragraphs(page.lines, is_known=lambda word: None)
        kept = [n for n, text in enumerate(page.lines) if text.strip()]  # blank lines: no pairs
        index = {f"l{n + 1}": position for position, n in enumerate(kept)}
        owner = [page.owner[n] for n in kept]
        for k, truth_join in _tally_page(tally, owner, built, index):
            if shown < show:
                shown += 1
                kind = "FALSE BREAK" if truth_join else "FALSE JOIN"
                first, second = page.lines[kept[k]], page.lines[kept[k + 1]]
                print(f"--- {page.id} {kind}\n    {first}\n    {second}")
    return dict(tally)


def _tally_page(tally: Counter[str], owner: list[int], built: list,
                index: dict[str, int]) -> list[tuple[int, bool]]:
    """Add one page's decisions to `tally`; return its wrong pairs (line k, truth joins).

    `owner`: the truth paragraph of each line (-1: unknown, its pairs are not scored);
    `index`: line id → position in `owner`.
    """
    group = [0] * len(owner)
    for number, paragraph in enumerate(built):
        for line_id in paragraph.line_ids:
            group[index[line_id]] = number
    wrong = []
    for k in range(len(owner) - 1):
        if owner[k] < 0 or owner[k + 1] < 0:
            continue
        truth_join = owner[k] == owner[k + 1]
        got_join = group[k] == group[k + 1]
        tally["pairs"] += 1
        tally["truth_breaks"] += not truth_join
        tally["truth_joins"] += truth_join
        if truth_join == got_join:
            tally["right"] += 1
            continue
        tally["false_breaks" if truth_join else "false_joins"] += 1
        wrong.append((k, truth_join))
    truth_sets: dict[int, list[int]] = {}
    for k, paragraph in enumerate(owner):
        truth_sets.setdefault(paragraph, []).append(k)
    built_sets = {tuple(sorted(index[i] for i in p.line_ids)) for p in built}
    for paragraph, members in truth_sets.items():
        if paragraph >= 0:
            tally["paragraphs"] += 1
            tally["paragraphs_exact"] += tuple(members) in built_sets
    return wrong


def _owners_of_drawn_lines(drawn: list[str], paragraphs: list[str]) -> list[int]:
    """The paragraph each drawn line belongs to (-1 when it matches none, e.g. a cut page)."""
    owners: list[int] = []
    position, so_far = 0, ""
    for line in drawn:
        line = " ".join(line.split())
        while position < len(paragraphs):
            candidate = f"{so_far} {line}".strip()
            if paragraphs[position].startswith(candidate):
                so_far = candidate
                owners.append(position)
                if so_far == paragraphs[position]:
                    position, so_far = position + 1, ""
                break
            position, so_far = position + 1, ""
        else:
            owners.append(-1)
    return owners


def _with_page_number(image: object, number: int, dpi: int) -> object:
    """`image` with its page number drawn centred 1.2 cm from the top (13 pt, as the text)."""
    from PIL import ImageDraw

    from pipeline.render import font as render_font

    image = image.copy()
    font = render_font("regular", round(13 / 72 * dpi))
    draw = ImageDraw.Draw(image)
    text = str(number)
    width = draw.textlength(text, font=font)
    draw.text(((image.width - width) / 2, round(1.2 / 2.54 * dpi)), text, fill=0, font=font)
    return image


def build_scanned_pages(pages: list[Page], worn: bool = False,
                        per_document: int = 1) -> list[tuple[Page, object]]:
    """Each page's paragraphs drawn on A4 (first line indented 1 cm, justified, as official
    directives are set), read back by vidoc's OCR stage (repair off): the OCR'd lines with
    the truth paragraph of each (matched to the drawn lines in order). `worn`: the page
    turned ±1.2°, blurred and noised first, like a scan (render.degrade). `per_document`
    > 1: that many consecutive pages' paragraphs drawn as one document, on as many A4 pages
    as they fill (a multi-page TIFF): paragraphs then run on from one sheet to the next."""
    import os
    import tempfile
    import unicodedata

    from rapidfuzz.fuzz import ratio

    from pipeline.config import RepairSettings, RunSettings
    from pipeline.render import degrade, render_document
    from pipeline.runner import read_document

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    out: list[tuple[Page, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = RunSettings(outdir=Path(tmp), repair=RepairSettings(enabled=False))
        for first in range(0, len(pages) - per_document + 1, per_document):
            group = pages[first:first + per_document]
            paragraphs = []
            for page in group:
                for owner in sorted(set(page.owner)):
                    words = " ".join(line for line, o in zip(page.lines, page.owner, strict=True)
                                     if o == owner)
                    paragraphs.append(unicodedata.normalize("NFC", " ".join(words.split())))
            rendered = render_document(paragraphs)
            if per_document == 1:
                rendered = rendered[:1]  # a page's overflow is cut (its lines: owner -1)
            drawn = [line for sheet in rendered for line in sheet.truth_lines]
            drawn_owner = _owners_of_drawn_lines(drawn, paragraphs)
            images = []
            for number, sheet in enumerate(rendered, start=1):
                image = sheet.image
                if number > 1:  # official layout: the page number centred at the top
                    image = _with_page_number(image, number, sheet.dpi)
                if worn:
                    seed = len(out) + len(images)
                    image = degrade(image, rotate_deg=1.2 if seed % 2 else -1.2, blur=0.6,
                                    noise=6.0, seed=seed)
                images.append(image)
            path = Path(tmp) / f"{group[0].id}.tif"
            images[0].save(path, dpi=(rendered[0].dpi, rendered[0].dpi), save_all=True,
                           append_images=images[1:], compression="tiff_lzw")
            document = read_document(path, settings)
            lines = [line.text for line in document.lines]
            owner, start = [], 0
            for text in lines:  # each OCR'd line to the best drawn line at or after the last one
                window = range(start, min(len(drawn), start + 4))
                similarity, best = max(((ratio(text, drawn[k]), k) for k in window),
                                       key=lambda item: item[0], default=(0.0, -1))
                if similarity < 60:
                    owner.append(-1)
                    continue
                owner.append(drawn_owner[best])
                start = best + 1
            out.append((Page(group[0].id, lines, owner), document))
    return out


def score_scanned(scanned: list[tuple[Page, object]]) -> dict[str, float]:
    """Join/break decisions on OCR'd lines (pairs whose lines were both matched)."""
    tally: Counter[str] = Counter()
    for page, document in scanned:
        built = build_paragraphs(document, is_known=lambda word: None)
        index = {line.id: k for k, line in enumerate(document.lines)}
        _tally_page(tally, page.owner, built, index)
        group = {line_id: n for n, p in enumerate(built) for line_id in p.line_ids}
        starts, position = [], 0
        for sheet in document.pages:
            starts.append(position)
            position += len(sheet.lines)
        turns = zip(starts[1:], starts[2:] + [position], strict=True) if len(starts) > 1 else ()
        for start, end in turns:  # (a one-sheet document has no page turn)
            # the pair at each page turn: the last text line before it, the first after it
            before = [k for k in range(start) if page.owner[k] >= 0]
            after = [k for k in range(start, end) if page.owner[k] >= 0]
            if not before or not after:
                continue
            last, first = before[-1], after[0]
            truth_join = page.owner[last] == page.owner[first]
            got_join = group.get(document.lines[last].id) == group.get(document.lines[first].id)
            tally["page_turns"] += 1
            tally["page_turns_joined_in_truth"] += truth_join
            tally["page_turns_right"] += truth_join == got_join
    return dict(tally)


def format_table(tally: dict[str, float], pages: int, seconds: float) -> str:
    def share(a: str, b: str) -> str:
        part, whole = tally.get(a, 0), tally.get(b, 0)
        return f"{100 * part / max(whole, 1):.2f} % ({part}/{whole})"

    rows = [
        ("line pairs decided right (join or break)", share("right", "pairs")),
        ("paragraph breaks missed (two paragraphs joined)", share("false_joins", "truth_breaks")),
        ("wrapped lines split (one paragraph cut)", share("false_breaks", "truth_joins")),
        ("truth paragraphs rebuilt exactly", share("paragraphs_exact", "paragraphs")),
        ("pages / time", f"{pages} / {seconds:.1f} s"),
    ]
    if tally.get("page_turns"):
        rows.insert(4, ("page turns decided right (a paragraph running on, or a new one)",
                        share("page_turns_right", "page_turns")
                        + f", {tally['page_turns_joined_in_truth']} running on in the truth"))
    return "| measure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--half", choices=["tune", "test", "all"], default="all")
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--ocr", type=int, default=0, metavar="N",
                        help="instead: the first N pages of the half drawn and OCR'd")
    parser.add_argument("--worn", action="store_true", help="with --ocr: turned, blurred, noisy")
    parser.add_argument("--per-document", type=int, default=1, metavar="K",
                        help="with --ocr: K pages drawn as one multi-page document")
    parser.add_argument("--page-breaks", action="store_true",
                        help="blank lines between paragraphs and where pages ended")
    args = parser.parse_args()
    pages = build_pages(args.pages)
    if args.half != "all":
        pages = [p for n, p in enumerate(pages) if n % 2 == (args.half == "test")]
    if args.page_breaks:
        pages = with_page_breaks(pages)
    started = time.perf_counter()
    if args.ocr:
        scanned = build_scanned_pages(pages[:args.ocr], worn=args.worn,
                                      per_document=args.per_document)
        tally = score_scanned(scanned)
        print(format_table(tally, len(scanned), time.perf_counter() - started))
        return
    tally = score(pages, show=args.show)
    print(format_table(tally, len(pages), time.perf_counter() - started))


if __name__ == "__main__":
    main()

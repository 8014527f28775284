"""Quality and speed of the repair engine on HELD-OUT corpus text (never training text).

Run from the repo root:
    .venv/bin/python benchmarks/bench_repair.py                 # dev set + sample
    .venv/bin/python benchmarks/bench_repair.py --tesseract     # + real Tesseract pages (slow)

Dev set (benchmarks/devset.py): clean, stripped, garbled, mixed, old-OCR (paragraph lines and
wrapped lines) passages from held-out official documents, stripped news paragraphs (out of
domain). Scores are by syllable (word
tokens of letters): a truth syllable counts as restored when the output has it exactly
(case and marks) at the aligned place. Writes benchmarks/results/repair.md.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from devset import Case, load_devset  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from results_file import kept_below  # noqa: E402

from pipeline.repair.channel import base_of  # noqa: E402
from pipeline.repair.tokens import tokenize  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "repair.md"
TESS_CACHE = ROOT / "benchmarks" / "cache" / "tess_heldout"
VIDOC_OCR_CACHE = ROOT / "benchmarks" / "cache" / "tess_vidoc"


def words_of(line: str) -> list[tuple[str, int, int]]:
    """Word tokens (letters only) with their offsets."""
    return [(t.text, t.start, t.end) for t in tokenize(line) if t.is_word]


def align(a: list[str], b: list[str]) -> dict[int, int]:
    """Map indexes of `a` to `b` where blocks align one to one (compared without marks).

    In blocks of unequal length (a split or merged word), words are matched exactly, in order.
    """
    mapping: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(
        None, [base_of(x) for x in a], [base_of(x) for x in b], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for d in range(i2 - i1):
                mapping[i1 + d] = j1 + d
        elif tag == "replace":
            inner = difflib.SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False)
            for block in inner.get_matching_blocks():
                for d in range(block.size):
                    mapping[i1 + block.a + d] = j1 + block.b + d
    return mapping


class Tally:
    """Counts per condition."""

    def __init__(self) -> None:
        self.c: dict[str, int] = defaultdict(int)

    def add(self, key: str, n: int = 1) -> None:
        self.c[key] += n

    def rate(self, num: str, den: str) -> str:
        d = self.c[den]
        return f"{100 * self.c[num] / d:.2f} % ({self.c[num]}/{d})" if d else "n/a"


def score_line(truth: str, given: str, output: str, tally: Tally, prefix: str) -> list[str]:
    """Syllable scores of one line; returns a list of error descriptions."""
    t = [w for w, _, _ in words_of(truth)]
    g = [w for w, _, _ in words_of(given)]
    o = [w for w, _, _ in words_of(output)]
    out_map = align(t, o)
    in_map = align(t, g)
    errors = []
    for i, word in enumerate(t):
        got = o[out_map[i]] if i in out_map else None
        was = g[in_map[i]] if i in in_map else None
        tally.add(f"{prefix}:syl")
        right = got == word
        tally.add(f"{prefix}:ok", right)
        if was == word:
            tally.add(f"{prefix}:was_right")
            tally.add(f"{prefix}:stay_right", right)
        else:
            tally.add(f"{prefix}:was_wrong")
            tally.add(f"{prefix}:fixed", right)
        if not right:
            errors.append(f"{was!r}->{got!r} (truth {word!r})")
    return errors


def edit_correct(edit, given: str, truth: str) -> bool:
    """An edit is right when its output words equal the truth words at the aligned place."""
    g = words_of(given)
    t = [w for w, _, _ in words_of(truth)]
    mapping = align([w for w, _, _ in g], t)
    idx = [k for k, (_, s, e) in enumerate(g) if s >= edit.start and e <= edit.end]
    if not idx or idx[0] not in mapping:
        return False
    start = mapping[idx[0]]
    after = [w for w, _, _ in words_of(edit.after)]
    return t[start : start + len(after)] == after


def run_devset(
    cases: list[Case], limit: int | None, show: int, skip_show: tuple[str, ...] = ("ood",)
) -> tuple[Tally, list[str], dict]:
    from pipeline.repair import repair_text

    tally = Tally()
    shown: list[str] = []
    timing = {"damaged_syl": 0, "damaged_s": 0.0, "clean_syl": 0, "clean_s": 0.0}
    calib: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases[:limit] if limit else cases:
        started = time.process_time()  # CPU time: the machine is shared, wall time is noisy
        result = repair_text("\n".join(case.input))
        elapsed = time.process_time() - started
        n_syl = sum(len(words_of(x)) for x in case.input)
        key = "clean" if case.condition == "clean" else "damaged"
        timing[f"{key}_syl"] += n_syl
        timing[f"{key}_s"] += elapsed
        out_lines = result.text.split("\n")
        for i, (truth, given, output, damaged) in enumerate(
            zip(case.truth, case.input, out_lines, case.damaged, strict=True)
        ):
            if case.condition == "mixed":
                prefix = "mixed_damaged" if damaged else "mixed_clean"
            else:
                prefix = case.condition
            errors = score_line(truth, given, output, tally, prefix)
            if not damaged:
                tally.add("clean_lines")
                tally.add("clean_lines_untouched", output == given)
            if errors and len(shown) < show and prefix not in skip_show:
                shown.append(f"[{case.id}/{prefix}] " + "; ".join(errors[:6]))
            for edit in result.edits:
                if edit.line_id != f"l{i + 1}":
                    continue
                bucket = (
                    "≥0.9"
                    if edit.confidence >= 0.9
                    else ("0.5-0.9" if edit.confidence >= 0.5 else "<0.5")
                )
                calib[bucket][0] += 1
                calib[bucket][1] += edit_correct(edit, given, truth)
    return tally, shown, {"timing": timing, "calibration": dict(calib)}


def damaged_rows(tally: Tally, key: str, label: str, bar: str = "",
                 stay_right: bool = False) -> list[tuple[str, str, str]]:
    """Rows of a damaged condition: syllables right, of those that needed a fix, and (with
    `stay_right`, for conditions that keep right words in damaged lines) those that stay."""
    rows = [
        (label, tally.rate(f"{key}:ok", f"{key}:syl"), bar),
        ("  of which needed a change", tally.rate(f"{key}:fixed", f"{key}:was_wrong"), ""),
    ]
    if stay_right:
        rows.append(("  already right and stay right",
                     tally.rate(f"{key}:stay_right", f"{key}:was_right"), ""))
    return rows


def run_sample() -> str:
    from pipeline.repair import repair_text

    text = (ROOT / "samples" / "garbled_ocr.txt").read_text(encoding="utf-8")
    result = repair_text(text)
    changed = [
        line
        for line, old in zip(result.text.split("\n"), text.split("\n"), strict=True)
        if line != old
    ]
    return "\n".join(changed)


# -- real Tesseract ------------------------------------------------------------------------------

LEVELS = [
    ("clean", {}, 13.0),
    ("light", dict(blur=0.6, noise=6.0, dpi_scale=0.8, jpeg_quality=70), 12.0),
    ("medium", dict(blur=1.0, noise=12.0, dpi_scale=0.6, jpeg_quality=50, shading=0.2), 12.0),
    ("heavy", dict(blur=1.3, noise=18.0, dpi_scale=0.5, jpeg_quality=35, speckle=0.002), 11.0),
    ("worn", dict(blur=1.6, noise=20.0, dpi_scale=0.42, jpeg_quality=30, shading=0.3), 11.0),
]


def tesseract_pages(n_docs: int, path: str = "raw") -> list[dict]:
    """Held-out documents rendered, degraded at each level and OCRed (cached).

    path "raw": plain Tesseract (psm 4) on the degraded image; "vidoc": the OCR stage of
    `vidoc run` (clean-up, then Tesseract, reading order), the text the repair gets in use.
    """
    from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split
    from pipeline.render import degrade, render_document
    from pipeline.resources.build_channel import ocr_page

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("corpus not found (../shared/corpus or $VIDOC_CORPUS)")
    docs = [d for name in OFFICIAL_FILES for d in iter_split(corpus / name, heldout=True)]
    random.Random(3).shuffle(docs)
    cache = TESS_CACHE if path == "raw" else VIDOC_OCR_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    pages = []
    for k, document in enumerate(docs[:n_docs]):
        paragraphs = [x for x in document.split("\n") if len(x.split()) >= 4][5:30]
        if len(paragraphs) < 5:
            continue
        for level, kwargs, font_pt in LEVELS:
            cached = cache / f"doc{k:02d}-{level}.json"
            if not cached.exists():
                rendered = render_document(paragraphs, dpi=300, font_pt=font_pt)[0]
                image = rendered.image
                if kwargs:
                    image = degrade(image, seed=k, **kwargs)  # type: ignore[arg-type]
                dpi = int(image.info.get("dpi", (300, 300))[0])
                if path == "raw":
                    words = ocr_page(image, dpi, f"bench doc {k} {level}")
                else:
                    words = vidoc_ocr_words(image, dpi, f"bench doc {k} {level}")
                cached.write_text(
                    json.dumps({"truth": rendered.truth_lines, "ocr": words}, ensure_ascii=False),
                    encoding="utf-8",
                )
            record = json.loads(cached.read_text(encoding="utf-8"))
            record["level"] = level
            pages.append(record)
    return pages


def vidoc_ocr_words(image, dpi: int, label: str) -> list[tuple[str, float, tuple[int, int, int]]]:
    """Words of a page through vidoc's OCR stage, as (text, conf, (line number, 0, 0))."""
    from pipeline import preprocess
    from pipeline.config import OcrSettings
    from pipeline.ocr import ocr_page

    settings = OcrSettings()
    page = ocr_page(preprocess.prepare_page(image, dpi, settings, label), 1, settings)
    return [(w.text, w.conf, (n, 0, 0)) for n, line in enumerate(page.lines) for w in line.words]


def run_tesseract(n_docs: int, path: str = "raw") -> dict[str, list[float]]:
    from pipeline.repair import repair_text

    per_level: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for page in tesseract_pages(n_docs, path):
        lines: dict[tuple, list[tuple[str, float]]] = {}
        for text, conf, key in page["ocr"]:
            lines.setdefault(tuple(key), []).append((text, conf))
        ocr_lines = [" ".join(w for w, _ in ws) for ws in lines.values()]
        confs = list(lines.values())
        result = repair_text("\n".join(ocr_lines), word_confidences=confs)
        truth = " ".join(" ".join(page["truth"]).split())
        before = " ".join(" ".join(ocr_lines).split())
        after = " ".join(result.text.split())
        stats = per_level[page["level"]]
        stats[0] += Levenshtein.distance(before, truth)
        stats[1] += Levenshtein.distance(after, truth)
        stats[2] += len(truth)
        stats[3] += 1
        stats[4] += lost_characters(truth.split(), before.split())
    return per_level


def lost_characters(truth: list[str], ocr: list[str]) -> int:
    """Edit distance inside stretches of 4+ truth words that OCR read as < half their length.

    Text Tesseract lost (a line read as a few symbols) is beyond any text repair: this is
    the part of the page's CER that repair cannot win back. A stretch whose 4-word runs
    mostly appear elsewhere in the OCR was moved (reading order), not lost: not counted.
    """
    import difflib

    lost = 0
    read_all = " " + " ".join(ocr) + " "
    matcher = difflib.SequenceMatcher(a=truth, b=ocr, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        meant, read = " ".join(truth[i1:i2]), " ".join(ocr[j1:j2])
        if tag != "equal" and i2 - i1 >= 4 and len(read) < 0.5 * len(meant):
            grams = [" " + " ".join(truth[k : k + 4]) + " " for k in range(i1, i2 - 3)]
            if sum(g in read_all for g in grams) < 0.5 * len(grams):
                lost += Levenshtein.distance(meant, read)
    return lost


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--show", type=int, default=25)
    parser.add_argument("--tesseract", action="store_true")
    parser.add_argument("--docs", type=int, default=8)
    parser.add_argument("--only", default="", help="comma-separated conditions to run")
    parser.add_argument("--show-only", default="", help="show errors of this condition only")
    args = parser.parse_args()

    started = time.perf_counter()
    from pipeline.repair.engine import get_engine

    get_engine()
    load_s = time.perf_counter() - started
    cases = load_devset()
    if args.only:
        cases = [c for c in cases if c.condition in args.only.split(",")]
    skip = ("ood",)
    if args.show_only:
        skip = tuple(
            x
            for x in (
                "ood",
                "clean",
                "stripped",
                "garbled",
                "oldocr",
                "wrapped",
                "partial",
                "dropped",
                "misread",
                "mixed_clean",
                "mixed_damaged",
            )
            if x != args.show_only
        )
    tally, shown, extra = run_devset(cases, args.limit, args.show, skip)
    t = extra["timing"]
    rows = [
        *damaged_rows(tally, "stripped", "stripped syllables restored exactly", "≥ 99.6 %"),
        *damaged_rows(tally, "garbled", "garbled syllables restored exactly", "≥ 96 %"),
        *damaged_rows(
            tally,
            "oldocr",
            "old-OCR garbler (independent of the channel) restored exactly",
            "≥ 96 %",
        ),
        *damaged_rows(tally, "wrapped", "old-OCR garbler, paragraphs wrapped into ~72-char lines"),
        *damaged_rows(
            tally,
            "partial",
            "lines that kept marks in one part, old-OCR garbled in the rest (partial)",
            stay_right=True,
        ),
        *damaged_rows(
            tally, "dropped", "marked text with single words printed without marks (dropped)",
            stay_right=True,
        ),
        *damaged_rows(
            tally, "misread", "marked text with single words' marks misread (misread)",
            stay_right=True,
        ),
        (
            "damaged lines inside clean passages (mixed)",
            tally.rate("mixed_damaged:ok", "mixed_damaged:syl"),
            "",
        ),
        ("out of domain (news, stripped)", tally.rate("ood:ok", "ood:syl"), "report"),
        (
            "clean-passage syllables that stay right",
            tally.rate("clean:stay_right", "clean:was_right"),
            "≥ 99.9 %",
        ),
        (
            "clean lines of mixed passages that stay right",
            tally.rate("mixed_clean:stay_right", "mixed_clean:was_right"),
            "≥ 99.9 %",
        ),
        ("clean lines left byte-identical", tally.rate("clean_lines_untouched", "clean_lines"), ""),
        (
            "speed on damaged passages (syll per CPU-s)",
            f"{t['damaged_syl'] / max(t['damaged_s'], 1e-9):,.0f}",
            "≥ 20,000",
        ),
        (
            "speed on clean passages (syll per CPU-s)",
            f"{t['clean_syl'] / max(t['clean_s'], 1e-9):,.0f}",
            "near-zero cost",
        ),
        ("model load (s)", f"{load_s:.2f}", "≤ 1.5"),
    ]
    for bucket in ("≥0.9", "0.5-0.9", "<0.5"):
        n, right = extra["calibration"].get(bucket, [0, 0])
        rows.append(
            (
                f"edits with confidence {bucket}: share right",
                f"{100 * right / n:.1f} % ({right}/{n})" if n else "n/a",
                "",
            )
        )
    if args.tesseract:
        for level, (before, after, chars, pages, lost) in run_tesseract(args.docs).items():
            rows.append(
                (
                    f"Tesseract {level} pages ({pages}): CER before → after",
                    f"{100 * before / chars:.2f} % → {100 * after / chars:.2f} % "
                    f"({int(before)} → {int(after)} characters; {int(lost)} in text OCR lost)",
                    "after ≤ before/2; never higher on clean",
                )
            )
        vidoc = run_tesseract(args.docs, "vidoc")
        for level, (before, after, chars, pages, lost) in vidoc.items():
            rows.append(
                (
                    f"vidoc's OCR stage, {level} pages ({pages}): CER before → after",
                    f"{100 * before / chars:.2f} % → {100 * after / chars:.2f} % "
                    f"({int(before)} → {int(after)} characters; {int(lost)} in text OCR lost)",
                    "after ≤ before/2; never higher on clean",
                )
            )
    table = ["| measure | value | bar |", "|---|---|---|"] + [
        f"| {a} | {b} | {c} |" for a, b, c in rows
    ]
    print("\n".join(table))
    print("\nsample errors:\n" + "\n".join(shown))
    if args.only or args.limit:
        return  # partial runs do not overwrite the results file
    sample = run_sample()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    command = "    .venv/bin/python benchmarks/bench_repair.py" + (
        " --tesseract" if args.tesseract else ""
    )
    RESULTS.write_text(
        "# Repair engine benchmark\n\n"
        + command
        + "\n\n"
        + "\n".join(table)
        + "\n\n"
        + sample_reading_row()
        + "\n\n## samples/garbled_ocr.txt: lines the repair changed\n\n```\n"
        + sample
        + "\n```\n"
        + kept_below(RESULTS, lambda line: line == "```", occurrence=2),  # after the sample
        encoding="utf-8",
    )


SAMPLE_READING = ROOT / "benchmarks" / "data" / "garbled_ocr.reading.txt"


def reading_score(reading: list[str], text: str) -> tuple[int, int]:
    """Words of a hand reading found exactly (case, marks) in the best-matching line of `text`.

    Each reading line is scored against the line of `text` that shares most accent-free
    words with it, so the score does not depend on where a reorder put the line.
    """
    lines = [[w for w, _, _ in words_of(x)] for x in text.split("\n")]
    bases = [[base_of(w) for w in x] for x in lines]
    right = total = 0
    for line in reading:
        truth = [w for w, _, _ in words_of(line)]  # a "?" is no word: not scored
        truth_bases = [base_of(w) for w in truth]
        shares = [
            difflib.SequenceMatcher(a=truth_bases, b=b, autojunk=False).ratio() for b in bases
        ]
        best = shares.index(max(shares))
        at = align(truth, lines[best])
        for i, word in enumerate(truth):
            total += 1
            right += i in at and lines[best][at[i]] == word
    return right, total


def sample_reading_row() -> str:
    """The sample's damaged middle scored against the team's hand reading (before → after).

    Through `repair_plain_text`, what `vidoc repair` does: repair and line order together.
    """
    from pipeline.config import RunSettings
    from pipeline.runner import repair_plain_text

    reading = [
        x for x in SAMPLE_READING.read_text(encoding="utf-8").splitlines() if x and x[0] != "#"
    ]
    given = (ROOT / "samples" / "garbled_ocr.txt").read_text(encoding="utf-8")
    before = reading_score(reading, given)
    document = repair_plain_text(given, "samples/garbled_ocr.txt", RunSettings(outdir=ROOT))
    after = reading_score(reading, "\n".join(line.text for line in document.lines))
    return (
        "Real damage: the damaged middle of `samples/garbled_ocr.txt` against the team's hand "
        f"reading (`{SAMPLE_READING.relative_to(ROOT)}`): syllables exactly right "
        f"{100 * before[0] / before[1]:.1f} % as given → {100 * after[0] / after[1]:.1f} % "
        f"after repair ({after[0]}/{after[1]})."
    )


if __name__ == "__main__":
    main()

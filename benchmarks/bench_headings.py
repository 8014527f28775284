"""Section numerals on scans: how often a heading's "III." comes out of OCR and repair right.

Why: Tesseract misreads Roman section numerals on poor scans ("1H." or "II." for "III.",
"IL.MỤC" for "I. MỤC"), so the text shows two sections "II." and the structure loses one;
`pipeline.repair.section_numerals` puts them back in sequence (`--points`: lettered points,
`pipeline.repair.point_labels`). The held-out documents hold too few Roman-numbered
headings (one document), so pages are built from them:
each document gets four to six sections, "I." to "VI.", titled with capitals lines of the
held-out documents (headings, titles) and followed by one or two of its prose paragraphs;
drawn as an official page (`pipeline.render`, headings bold) on as many A4 sheets as it
fills, degraded (`dev_pages.DEGRADATIONS`), read by vidoc's OCR stage and repaired. A
heading counts as right when its output line opens with the right numeral, ". " and the
first word of its title. Scored as OCR read it and after repair; "broken" counts headings
right as read and wrong after repair.

Run: .venv/bin/python benchmarks/bench_headings.py [--documents 24] [--conditions scan,fax]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dev_pages import DEGRADATIONS  # noqa: E402

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402
from pipeline.repair.line_cues import POINT_LETTERS, to_roman  # noqa: E402

SEED = 20261128
_CAPS_TITLE = re.compile(r"^[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ ,\-]{8,60}$")


def build_documents(count: int, seed: int = SEED) -> list[list[str]]:
    """Paragraph lists "I. TITLE", prose, prose, "II. TITLE" … from held-out documents."""
    rng = random.Random(seed)
    titles, prose = _heldout_text()
    documents = []
    for number in range(count):
        source = prose[number % len(prose)]
        paragraphs: list[str] = []
        for section in range(1, rng.randrange(4, 7) + 1):
            paragraphs.append(f"{to_roman(section)}. {rng.choice(titles)}")
            paragraphs.extend(rng.sample(source, rng.randrange(1, 3)))
        documents.append(paragraphs)
    return documents


DRAWN_POINTS = POINT_LETTERS[:13]
"""Point labels drawn: a) … n), in order (the Vietnamese alphabet without f, j, w, z)."""


def build_point_documents(count: int, seed: int = SEED) -> list[list[str]]:
    """Paragraph lists of lettered points "a) …;" "b) …;" (6-13 a group) from held-out prose."""
    rng = random.Random(seed + 1)
    documents = []
    _, prose = _heldout_text()
    for number in range(count):
        starts: dict[str, str] = {}  # each sentence once: a point's line is found by its words
        for paragraph in prose[number % len(prose)]:
            for sentence in paragraph.split(". "):
                sentence = sentence.strip().rstrip(".:;")
                words = sentence.split()
                if 40 <= len(sentence) <= 240 and "_" not in sentence and \
                        sum(w[0].isupper() for w in words) < 0.4 * len(words):
                    starts.setdefault(sentence[:60], sentence)  # prose, not a table's cells
        sentences = sorted(starts.values())
        rng.shuffle(sentences)
        paragraphs: list[str] = []
        for group in range(1, rng.randrange(2, 4) + 1):
            if not sentences:
                break
            paragraphs.append(f"{group}. {sentences.pop()}:")
            for letter in DRAWN_POINTS[:rng.randrange(6, len(DRAWN_POINTS) + 1)]:
                if not sentences:
                    break
                text = sentences.pop()
                paragraphs.append(f"{letter}) {text[0].upper()}{text[1:]};")
        documents.append(paragraphs)
    return documents


def _heldout_text() -> tuple[list[str], list[list[str]]]:
    """Capitals lines (titles) and, per document, prose paragraphs of the held-out documents."""
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("bench_headings: no corpus (set VIDOC_CORPUS)")
    titles: list[str] = []
    prose: list[list[str]] = []
    for name in OFFICIAL_FILES:
        path = corpus / name
        if not path.exists():
            continue
        for document in iter_split(path, heldout=True):
            lines = [line.strip() for line in document.split("\n") if line.strip()]
            titles.extend(line for line in lines if _CAPS_TITLE.match(line)
                          and not line.startswith(("CỘNG HÒA", "ĐỘC LẬP")))
            paragraphs = [line for line in lines if 150 <= len(line) <= 700
                          and line[0].isupper() and not line.isupper()]
            if len(paragraphs) >= 6:
                prose.append(paragraphs)
    return sorted(set(titles)), prose


_LABELLED = re.compile(r"^(?:([IVX]+)\.|([a-zđ])\)) (.+)$")


def _right(text: str, label: str) -> bool:
    """Tell whether a line (found by its title's words) opens with the label and a space."""
    return text.startswith(f"{label} ")


def run(documents: list[list[str]], condition: str, show: bool = False) -> dict[str, int]:
    """OCR and repair each document drawn under `condition`; count headings right."""
    from rapidfuzz.fuzz import ratio

    from pipeline.config import RepairSettings, RunSettings
    from pipeline.render import degrade, render_document
    from pipeline.runner import read_document, repair_stage

    tally = {"headings": 0, "found": 0, "as read": 0, "after repair": 0, "broken": 0}
    with tempfile.TemporaryDirectory() as tmp:
        settings = RunSettings(outdir=Path(tmp), repair=RepairSettings())
        for number, paragraphs in enumerate(documents):
            sheets = render_document(paragraphs)
            images = [degrade(sheet.image, seed=number * 10 + k, **DEGRADATIONS[condition])
                      .convert("L") for k, sheet in enumerate(sheets)]
            path = Path(tmp) / f"doc{number}.tif"
            images[0].save(path, dpi=(300, 300), save_all=True, append_images=images[1:],
                           compression="tiff_lzw")
            document = repair_stage(read_document(path, settings), settings)
            lines = document.lines
            for paragraph in paragraphs:
                labelled = _LABELLED.match(paragraph)
                if labelled is None:
                    continue
                numeral = labelled.group(1) + "." if labelled.group(1) else labelled.group(2) + ")"
                title = labelled.group(3)
                if len(title) > 60:  # a point's text: find its line by the first words
                    title = title[:60].rsplit(" ", 1)[0]
                tally["headings"] += 1
                def similarity(line: object, title: str = title, numeral: str = numeral) -> float:
                    start = len(numeral) + 1 if numeral.endswith(")") else -len(title) - 2
                    text = line.text[start:start + len(title)] if start > 0 else line.text[start:]
                    return ratio(title, text)

                best = max(lines, key=similarity, default=None)
                if best is None or similarity(best) < 70:
                    continue
                tally["found"] += 1
                read = _right(best.original_text or best.text, numeral)
                repaired = _right(best.text, numeral)
                tally["as read"] += read
                tally["after repair"] += repaired
                tally["broken"] += read and not repaired
                if show and not repaired:
                    print(f"  {condition} doc{number} {numeral}{' BROKEN' if read else ''}: "
                          f"{(best.original_text or best.text)[:40]!r} -> {best.text[:40]!r}")
    return tally


def main() -> int:
    """Print one row per scan condition."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=24)
    parser.add_argument("--conditions", default="scan,fax,lowres150")
    parser.add_argument("--show", action="store_true", help="print the headings still wrong")
    parser.add_argument("--points", action="store_true",
                        help="lettered points a) b) c) … instead of Roman section headings")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    documents = (build_point_documents if args.points else build_documents)(args.documents)
    what = "points" if args.points else "headings"
    print(f"| scan | {what} (found) | label right as OCR read it | after repair | broken |")
    print("|---|---|---|---|---|")
    for condition in args.conditions.split(","):
        started = time.perf_counter()
        t = run(documents, condition, args.show)
        found = max(1, t["found"])
        print(f"| {condition} | {t['headings']} ({t['found']}) | "
              f"{t['as read'] / found:.1%} ({t['as read']}) | "
              f"{t['after repair'] / found:.1%} ({t['after repair']}) | {t['broken']} |"
              f"  <!-- {time.perf_counter() - started:.0f} s -->", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

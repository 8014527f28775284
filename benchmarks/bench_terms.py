"""Acronym mends (`pipeline/repair/document_terms.py`): right on OCR, silent on typed text.

Two measures:
- OCR pages: the repair benchmark's held-out pages as Tesseract and vidoc's OCR stage read
  them (`benchmarks/cache/tess_heldout`, `tess_vidoc`, written by
  `bench_repair.py --tesseract`); a mend is right when the page's truth writes the term and
  never the word mended (every such word is then an OCR misreading of it).
- Typed text: every official corpus document (training and held-out split), as typed; each
  mend there changes what the author wrote, so all are counted as false (a few may mend
  the source's own typing slips; they are listed).

Run: .venv/bin/python benchmarks/bench_terms.py
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402
from pipeline.repair.document_terms import document_term_fixes  # noqa: E402
from pipeline.repair.engine import get_engine  # noqa: E402
from pipeline.repair.lookalikes import fold_lookalikes  # noqa: E402
from pipeline.repair.tokens import tokenize  # noqa: E402

CACHES = [ROOT / "benchmarks" / "cache" / name for name in ("tess_heldout", "tess_vidoc")]


def ocr_pages() -> tuple[int, int, int, list[str]]:
    """Return (pages, mends, right mends, lines describing each) over the cached OCR pages."""
    inventory = get_engine().inventory
    mends = right = 0
    shown: list[str] = []
    paths = sorted(p for cache in CACHES for p in cache.glob("*.json"))
    for path in paths:
        page = json.loads(path.read_text(encoding="utf-8"))
        lines: dict[tuple[int, ...], list[str]] = {}
        for text, _conf, key in page["ocr"]:
            lines.setdefault(tuple(key), []).append(text)
        tokens = [tokenize(fold_lookalikes(" ".join(words))) for words in lines.values()]
        truth = Counter(re.findall(r"[^\W_]+", " ".join(page["truth"])))
        fixes = document_term_fixes(tokens, inventory.listed_abbreviations,
                                    inventory.is_syllable)
        for k, line in fixes.items():
            for i, (after, _why, _kind, confidence) in line.items():
                before = tokens[k][i].text
                pieces = [(w, t) for w, t in zip(re.findall(r"[^\W_]+", before),
                                                 re.findall(r"[^\W_]+", after), strict=False)
                          if w != t]
                ok = all(truth[t] > 0 and truth[w] == 0 for w, t in pieces)
                mends += 1
                right += ok
                shown.append(f"{path.parent.name}/{path.stem}: {before} -> {after} "
                             f"({confidence:.2f}) {'right' if ok else 'WRONG'}")
    return len(paths), mends, right, shown


def typed_documents() -> tuple[int, Counter[tuple[str, str]]]:
    """Return the number of corpus documents and the mends made in their typed text."""
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("corpus not found (../shared/corpus or $VIDOC_CORPUS)")
    inventory = get_engine().inventory
    documents = 0
    mended: Counter[tuple[str, str]] = Counter()
    for name in OFFICIAL_FILES:
        for heldout in (False, True):
            for document in iter_split(corpus / name, heldout):
                documents += 1
                tokens = [tokenize(fold_lookalikes(line)) for line in document.splitlines()]
                fixes = document_term_fixes(tokens, inventory.listed_abbreviations,
                                            inventory.is_syllable)
                for k, line in fixes.items():
                    for i, (after, *_rest) in line.items():
                        mended[(tokens[k][i].text, after)] += 1
    return documents, mended


def main() -> None:
    pages, mends, right, shown = ocr_pages()
    print("\n".join(shown))
    print(f"OCR pages (cached, {pages}): {mends} mends, {right} right")
    documents, mended = typed_documents()
    print(f"typed corpus documents: {documents}, mends {sum(mended.values())}: "
          + ", ".join(f"{a} -> {b} ×{n}" for (a, b), n in mended.most_common()))


if __name__ == "__main__":
    main()

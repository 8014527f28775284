"""Read the shared corpus and split it into training and held-out documents, in one place.

Every builder (dictionaries, language model, channel model) trains only on documents
for which `is_heldout` is False, and every benchmark measures only on documents for
which it is True, so no measurement is made on text the models have seen. The split is
a stable hash of the document text, independent of file order.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

OFFICIAL_FILES = (
    "legal_admin_tvpl_2025.txt",
    "legal_congbao_pdf_2021_2026.txt",
    "legal_congbot_2001_2024.txt",
)
"""Official documents: what shipped models are built from (public domain, IP law art. 15)."""

NEWS_FILE = "news_baomoi_2016_2017_sample.txt"
"""Newspaper text under copyright: experiments and out-of-domain measurement only."""

HELDOUT_MODULUS = 20
"""One document in 20 (5 %) is held out of every model we build."""


def default_corpus_dir() -> Path | None:
    """The shared corpus folder (`$VIDOC_CORPUS` or `../shared/corpus`), or None when absent."""
    env = os.environ.get("VIDOC_CORPUS")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve().parent.parent
    candidates += [here.parent / "shared" / "corpus", Path.cwd().parent / "shared" / "corpus"]
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None


def is_heldout(document_text: str) -> bool:
    """True for the documents kept out of all training (a stable 5 % by content hash)."""
    digest = hashlib.sha1(document_text.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % HELDOUT_MODULUS == 0


def iter_documents(path: Path) -> Iterator[str]:
    """Yield the documents of one corpus file (blocks separated by a blank line)."""
    block: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.strip():
                block.append(line)
            elif block:
                yield "\n".join(block)
                block = []
    if block:
        yield "\n".join(block)


def iter_split(path: Path, heldout: bool) -> Iterator[str]:
    """Yield the training (heldout=False) or held-out (heldout=True) documents of a file."""
    for document in iter_documents(path):
        if is_heldout(document) == heldout:
            yield document

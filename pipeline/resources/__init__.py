"""Builders of the shipped language resources (dictionaries/ and models/).

`build_all(corpus_dir, repo_dir)` is what `vidoc build-resources --corpus DIR -o .` runs:
the syllable inventory, word dictionary, domain terms and abbreviations
(`build_lexicon`), then the two KenLM models (`build_lm`) and the paragraph-break model
(`build_paragraph_order`). Everything is trained on the
training split of the official-document corpus files only. The OCR channel
(`build_channel`, slow: renders and OCRs pages) is run separately.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

log = logging.getLogger(__name__)


def build_all(corpus_dir: Path, repo_dir: Path, models: bool = True) -> dict[str, int]:
    """Rebuild dictionaries/ and (with `models`) models/ under `repo_dir` from `corpus_dir`."""
    from pipeline.resources.build_lexicon import build_dictionaries
    from pipeline.resources.build_lm import build_models

    started = time.perf_counter()
    counts = build_dictionaries(Path(corpus_dir), Path(repo_dir) / "dictionaries")
    for name, rows in counts.items():
        log.info("dictionaries/%s: %d rows", name, rows)
    if models:
        from pipeline.resources.build_paragraph_order import build as build_paragraph_order

        for path in build_models(Path(corpus_dir), Path(repo_dir) / "models"):
            log.info("%s: %.1f MB", path, path.stat().st_size / 1e6)
        build_paragraph_order(Path(corpus_dir), Path(repo_dir) / "models" / "paragraph_order.json")
    log.info("resources built in %.0f s", time.perf_counter() - started)
    return counts

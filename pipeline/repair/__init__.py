r"""Repair OCR text: restore lost Vietnamese marks and undo OCR garbles, auditable edit by edit.

Public API:
- `repair_text(text, settings, line_ids, word_confidences) -> RepairResult`: text in (lines
  separated by "\\n"), repaired text out, with one `Edit` per change (offsets into the
  ORIGINAL line) and a confidence per line.
- `repair_document(doc, settings) -> Document`: the pipeline stage; edits `Line.text` in
  place (keeping `Line.original_text`), appends Edits to `doc.edits`, and uses Tesseract
  word confidences when lines carry `Word`s.
- `restore_line(text) -> (restored, log10 score)`: one line decoded without edits, for
  callers that need a score (line reordering).

Clean text passes through unchanged byte for byte: the channel only acts where detection
(`detect.py`) finds accent-stripped or garbled passages, or on single doubted tokens.
Heavy imports and model loading happen on first use, once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.config import RepairSettings
from pipeline.document import Document, Edit

__all__ = ["RepairResult", "repair_text", "repair_document", "restore_line", "apply_edits"]


@dataclass
class RepairResult:
    """Repaired text, the edits that made it, and one confidence in [0, 1] per line."""

    text: str
    edits: list[Edit] = field(default_factory=list)
    line_confidences: list[float] = field(default_factory=list)


def repair_text(
    text: str,
    settings: RepairSettings | None = None,
    line_ids: list[str] | None = None,
    word_confidences: Sequence[Sequence[tuple[str, float]] | None] | None = None,
) -> RepairResult:
    """Repair `text` line by line; `word_confidences[i]` lists (word, Tesseract conf) of line i."""
    from pipeline.repair.engine import get_engine

    lines = text.split("\n")
    ids = line_ids or [f"l{i + 1}" for i in range(len(lines))]
    if len(ids) != len(lines):
        raise ValueError(f"{len(ids)} line ids for {len(lines)} lines")
    if settings is not None and not settings.enabled:
        return RepairResult(text, [], [1.0] * len(lines))
    repaired = get_engine().repair_lines(lines, ids, word_confidences, settings)
    return RepairResult(
        "\n".join(r.text for r in repaired),
        [e for r in repaired for e in r.edits],
        [r.confidence for r in repaired],
    )


def repair_document(doc: Document, settings: RepairSettings | None = None) -> Document:
    """Run the repair stage: fix every line of `doc` in place and record the edits."""
    from pipeline.repair.engine import get_engine

    settings = settings or RepairSettings()
    if not settings.enabled:
        return doc
    lines = doc.lines
    if not lines:
        return doc
    confs = [[(w.text, w.conf) for w in line.words] if line.words else None for line in lines]
    repaired = get_engine().repair_lines(
        [x.text for x in lines], [x.id for x in lines], confs, settings
    )
    for line, result in zip(lines, repaired, strict=True):
        if result.text != line.text:
            if line.original_text is None:
                line.original_text = line.text
            line.text = result.text
            doc.edits.extend(result.edits)
        line.confidence = (
            result.confidence
            if line.confidence is None
            else min(line.confidence, result.confidence)
        )
    return doc


def restore_line(text: str, force: bool = False) -> tuple[str, float]:
    """Decode one line; return (restored text, log10 LM+channel score of the decoded line).

    With `force` the whole line is treated as accent-stripped even when detection calls it
    clean (for scoring candidate orders of damaged lines).
    """
    from pipeline.repair.engine import get_engine
    from pipeline.repair.tokens import tokenize

    engine = get_engine()
    tokens = tokenize(text)
    assessment = engine.assess([tokens], [{}])[0]
    if force and not assessment.token_modes:
        assessment.mode = "stripped"
        assessment.token_modes = {w.index: "stripped" for w in assessment.words if not w.protected}
    result = engine.repair_line(
        text, "line", tokens, assessment, (), None, settings=RepairSettings()
    )
    if not assessment.touched:
        from pipeline.repair.candidates import Candidate
        from pipeline.repair.decode import Slot, decode

        slots = [
            Slot((Candidate((t.text.lower() if t.is_word else t.text,), 0.0, "keep"),))
            for t in tokens
            if t.kind != "space"
        ]
        _, score = decode(slots, engine.lm, beam=1, posteriors=False)
        return text, score
    return result.text, result.logprob


def apply_edits(line: str, edits: Sequence[Edit]) -> str:
    """Apply a line's edits to its original text (reproduces the repaired line)."""
    from pipeline.repair.engine import apply_edits as _apply

    return _apply(line, edits)

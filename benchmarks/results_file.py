"""Rewrite a benchmark's results file while keeping the hand-written notes below its tables.

Why: each pass, refit or re-measurement is explained by hand under the generated tables
(before → after, what was tried); a re-run refreshes the tables, never that history.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def kept_below(path: Path, ends_generated: Callable[[str], bool], occurrence: int = 1) -> str:
    """The text of `path` after its generated part ("" when there is none yet).

    The generated part ends at the `occurrence`-th line for which `ends_generated` is true;
    the result starts with the newline after it, ready to append after a fresh run's text.
    """
    if not path.exists():
        return ""
    lines = path.read_text(encoding="utf-8").split("\n")
    ends = [k for k, line in enumerate(lines) if ends_generated(line)]
    if len(ends) < occurrence:
        return ""
    return "\n".join(lines[ends[occurrence - 1] + 1 :])

"""Exceptions that carry an exit code and a message a user can act on.

The CLI prints `str(error)` on one line (no traceback without `-v`), so every message
names the file and the reason.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of `vidoc` (the CLI contract in DESIGN.md)."""

    ok = 0
    some_inputs_failed = 1
    bad_usage = 2
    interrupted = 130
    """Ctrl-C (128 + SIGINT, the shell's convention)."""


class VidocError(Exception):
    """Base class: a failure we understand and can explain in one line."""

    exit_code: ExitCode = ExitCode.some_inputs_failed


class BadInputError(VidocError):
    """An input file cannot be read as what it claims to be (empty, truncated, lying extension…)."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class MissingDependencyError(VidocError):
    """An external program (tesseract, pdftoppm) or language data is not installed."""

    exit_code = ExitCode.bad_usage


class ToolFailedError(VidocError):
    """An external program ran but failed or timed out on a page."""

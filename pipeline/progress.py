"""A progress bar over the documents of a run, on stderr, with a summary at the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import RunSettings
from pipeline.errors import ExitCode


def run_with_progress(run_batch: Callable[..., ExitCode], inputs: list[Path],
                      settings: RunSettings) -> ExitCode:
    """Run the batch with a rich progress bar (plain when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from pipeline.batch import discover_inputs

    total = len(discover_inputs(inputs, settings.include, settings.exclude))
    console = Console(stderr=True)
    started = time.perf_counter()
    counts = {"ok": 0, "failed": 0, "pages": 0}
    with Progress(TextColumn("[bold]vidoc[/bold] {task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                  disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("documents", total=total)

        def advance(outcome: Any) -> None:
            counts["ok" if outcome.ok else "failed"] += 1
            counts["pages"] += outcome.pages
            progress.advance(task)

        code = run_batch(inputs, settings, progress=advance)
    seconds = time.perf_counter() - started
    rate = counts["pages"] / seconds * 60 if seconds > 0 else 0.0
    console.print(f"vidoc: {counts['ok']} ok, {counts['failed']} failed, {counts['pages']} pages "
                  f"in {seconds:.1f} s ({rate:.1f} pages/min); results in {settings.outdir}")
    return code

"""A progress bar over the PAGES of a run (ETA from pages), on stderr, and a summary at the end.

Pages, not documents: an archive mixes one-page letters with 300-page reports, so only a
page count gives an honest time remaining. Pages are counted before the work starts.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import RunSettings
from pipeline.errors import ExitCode


class RichProgress:
    """`BatchProgress` drawn with rich (plain, summary only, when stderr is not a terminal)."""

    def __init__(self, console: Any, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("[bold]vidoc[/bold] {task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("pages"), TimeElapsedColumn(),
                                 TimeRemainingColumn(), console=console, disable=not enabled)
        self.task: Any = None
        self.documents = 0
        self.counts = {"ok": 0, "failed": 0, "skipped": 0, "pages": 0, "skipped_pages": 0,
                       "page_errors": 0}

    def start(self, documents: int, pages: int) -> None:
        """Open the bar: its total is the run's pages."""
        self.documents = documents
        self.task = self.progress.add_task(f"0/{documents} documents", total=pages)

    def page_done(self, count: int = 1) -> None:
        """Advance the bar by `count` pages."""
        self.progress.advance(self.task, count)

    def document_done(self, outcome: Any) -> None:
        """Count the document for the description and the summary."""
        if outcome.skipped:
            self.counts["skipped"] += 1
            self.counts["skipped_pages"] += outcome.pages
        else:
            self.counts["ok" if outcome.ok else "failed"] += 1
            self.counts["page_errors"] += bool(outcome.ok and outcome.warnings)
            self.counts["pages"] += outcome.pages
        done = self.counts["ok"] + self.counts["failed"] + self.counts["skipped"]
        self.progress.update(self.task, description=f"{done}/{self.documents} documents")


def summary_line(counts: dict[str, int], seconds: float, outdir: Path) -> str:
    """The end-of-run summary: documents ok/failed/skipped, pages, time, pages per minute."""
    rate = counts["pages"] / seconds * 60 if seconds > 0 else 0.0
    skipped = (f", {counts['skipped']} already done ({counts['skipped_pages']} pages)"
               if counts["skipped"] else "")
    partly = (f" ({counts['page_errors']} with pages that failed)"
              if counts.get("page_errors") else "")
    return (f"vidoc: {counts['ok']} ok{partly}, {counts['failed']} failed{skipped}; "
            f"{counts['pages']} pages in {seconds:.1f} s ({rate:.1f} pages/min); "
            f"results in {outdir}")


def run_with_progress(run_batch: Callable[..., ExitCode], inputs: list[Path],
                      settings: RunSettings) -> ExitCode:
    """Run the batch with a page progress bar, then print the summary line on stderr."""
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    bar = RichProgress(console, enabled=sys.stderr.isatty())
    started = time.perf_counter()
    with bar.progress:
        code = run_batch(inputs, settings, progress=bar)
    console.print(summary_line(bar.counts, time.perf_counter() - started, settings.outdir),
                  markup=False, soft_wrap=True)
    return code

"""Drive the pipeline over many inputs: discovery, workers, outputs, and the run report.

A bad file never stops the batch: its one-line reason goes to stderr and to
`report/errors.*`, the other files carry on, and the exit code says that some failed.
Workers return small report rows, not whole Documents, so memory stays bounded.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import RunSettings
from pipeline.errors import ExitCode, VidocError

log = logging.getLogger(__name__)

INPUT_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".txt"}


@dataclass
class DocumentOutcome:
    """What one worker reports back: the report rows of a document, or its error."""

    source: str
    name: str
    ok: bool
    seconds: float
    pages: int = 0
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: str | None = None


def discover_inputs(inputs: Iterable[Path], include: tuple[str, ...] = (),
                    exclude: tuple[str, ...] = ()) -> list[Path]:
    """Files named on the command line, plus supported files found in named folders."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            candidates: Iterator[Path] = (
                p for p in sorted(item.rglob("*"))
                if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(item).parts)
            )
        else:
            candidates = iter([item])
        for path in candidates:
            name = path.name
            if include and not any(fnmatch.fnmatch(name, pattern) for pattern in include):
                continue
            if any(fnmatch.fnmatch(name, pattern) for pattern in exclude):
                continue
            found.append(path)
    return found


def output_names(paths: list[Path]) -> dict[Path, str]:
    """A distinct output folder name per input: its stem, suffixed when stems collide."""
    names: dict[Path, str] = {}
    used: set[str] = set()
    for path in paths:
        name = path.stem or "document"
        candidate, counter = name, 2
        while candidate in used:
            candidate = f"{name}-{counter}"
            counter += 1
        used.add(candidate)
        names[path] = candidate
    return names


def process_one(path: Path, name: str, settings: RunSettings) -> DocumentOutcome:
    """Process and write one document; turn any failure into a one-line reason."""
    from pipeline.export import write_document_outputs
    from pipeline.report import document_rows
    from pipeline.runner import process_document

    started = time.perf_counter()
    try:
        if not path.exists():
            raise VidocError(f"{path}: no such file")
        if not os.access(path, os.R_OK):
            raise VidocError(f"{path}: file is not readable (permission denied)")
        document = process_document(path, settings)
        write_document_outputs(document, settings.outdir / name, settings.formats)
        seconds = time.perf_counter() - started
        rows = document_rows(document, name, seconds)
        return DocumentOutcome(str(path), name, True, seconds, len(document.pages), rows)
    except VidocError as error:
        return DocumentOutcome(str(path), name, False, time.perf_counter() - started,
                               error=str(error))
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
        log.debug("unexpected failure on %s", path, exc_info=True)
        reason = f"{path}: {type(error).__name__}: {error}".splitlines()[0]
        return DocumentOutcome(str(path), name, False, time.perf_counter() - started,
                               error=reason)


def run_batch(inputs: list[Path], settings: RunSettings, progress: Any = None) -> ExitCode:
    """Process every input, write per-document outputs and the run report; return the exit code."""
    from pipeline.report import write_run_report

    paths = discover_inputs(inputs, settings.include, settings.exclude)
    names = output_names(paths)
    settings.outdir.mkdir(parents=True, exist_ok=True)
    outcomes: list[DocumentOutcome] = []

    def record(outcome: DocumentOutcome) -> None:
        outcomes.append(outcome)
        if not outcome.ok:
            log.error("%s", outcome.error)
        if progress is not None:
            progress(outcome)

    if settings.workers <= 1 or len(paths) <= 1:
        for path in paths:
            record(process_one(path, names[path], settings))
    else:
        os.environ["OMP_THREAD_LIMIT"] = "1"
        with ProcessPoolExecutor(max_workers=settings.workers) as pool:
            futures = [pool.submit(process_one, path, names[path], settings) for path in paths]
            for future in as_completed(futures):
                record(future.result())

    order = {str(path): index for index, path in enumerate(paths)}
    outcomes.sort(key=lambda outcome: order.get(outcome.source, 0))
    write_run_report(outcomes, settings.outdir)
    if not paths:
        return ExitCode.some_inputs_failed
    return ExitCode.ok if all(outcome.ok for outcome in outcomes) else ExitCode.some_inputs_failed

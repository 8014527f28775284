"""Drive the pipeline over many inputs: discovery, workers, outputs, resume, and the run report.

Built for an archive left running overnight:
- a bad file never stops the batch: its one-line reason goes to stderr and to
  `report/errors.*`, the other files carry on, and the exit code says that some failed;
- a worker process that dies (crash, out of memory) costs only the document it was on:
  the pool is rebuilt, and documents that were in flight are retried one at a time;
- each document is written into a hidden staging folder and renamed into place, and the
  manifest (`pipeline.manifest`) records it only then, so a run killed at any moment
  (kill -9 included) leaves no half-written document and `--resume` finishes the rest;
- workers return small outcomes; report rows stay on disk (`OUTDIR/<name>/rows.json`)
  until the run report is written, and cover skipped documents too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import fnmatch
import hashlib
import json
import logging
import multiprocessing
import os
import queue as queue_module
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.config import RunSettings
from pipeline.errors import ExitCode, VidocError
from pipeline.manifest import ROWS_NAME, Manifest, ManifestEntry, file_digest, settings_digest
from pipeline.scratch import run_scratch, use_folder

if TYPE_CHECKING:
    from pipeline.document import Document

log = logging.getLogger(__name__)

INPUT_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".txt"}
RESERVED_NAMES = {"report", "report.html"}
"""Output folder names a document may not take (the run's own outputs live there)."""
STAGING_MARK = ".tmp-"
RETIRED_MARK = ".old-"


@dataclass
class DocumentOutcome:
    """What one worker reports back: a document's status, not its contents.

    `rows` is filled from `OUTDIR/<name>/rows.json` only when the run report is written.
    `warnings` are page-level errors of a document that was otherwise processed.
    """

    source: str
    name: str
    ok: bool
    seconds: float
    pages: int = 0
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False


class BatchProgress(Protocol):
    """What `run_batch` tells a progress display (see `pipeline.progress`)."""

    def start(self, documents: int, pages: int) -> None:
        """The run's size, counted before the work starts."""

    def page_done(self, count: int = 1) -> None:
        """`count` more pages are finished (or skipped)."""

    def document_done(self, outcome: DocumentOutcome) -> None:
        """A document is finished, failed or skipped."""


# --- discovery and names --------------------------------------------------------------------

def discover_inputs(inputs: Iterable[Path], include: tuple[str, ...] = (),
                    exclude: tuple[str, ...] = ()) -> list[Path]:
    """Files named on the command line, plus supported files found in named folders (recursively).

    Hidden files and folders are skipped; `--include`/`--exclude` globs match a file's name
    or its path relative to the folder given (so `--exclude 'drafts/*'` works too).
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        if item.is_dir():
            listed = [p for p in sorted(item.rglob("*"))
                      if p.suffix.lower() in INPUT_SUFFIXES
                      and not any(part.startswith(".") for part in p.relative_to(item).parts)]
            for path in listed:
                if path.is_symlink() and not path.exists():
                    log.warning("%s: broken link (to %s), skipped", path, os.readlink(path))
            candidates: Iterator[tuple[Path, str]] = (
                (p, p.relative_to(item).as_posix()) for p in listed if p.is_file())
        else:
            candidates = iter([(item, item.name)])
        for path, relative in candidates:
            names = (path.name, relative)
            if include and not _matches(names, include):
                continue
            if _matches(names, exclude):
                continue
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found


def _matches(names: tuple[str, ...], patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns for name in names)


def source_key(path: Path) -> str:
    """The identity of an input across runs: its absolute path."""
    return str(path.resolve())


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
"""Not kept in an output folder's name (a file name may hold a newline; a folder should not)."""


def output_names(paths: list[Path], previous: dict[str, str] | None = None) -> dict[Path, str]:
    """A distinct, stable output folder name per input.

    The name an earlier run gave a source (from the manifest) is kept; otherwise the stem,
    or, when that stem is taken, the stem plus a short hash of the absolute path, so the
    same input gets the same name however the folder's other files change.
    """
    previous = previous or {}
    names: dict[Path, str] = {}
    used: set[str] = set(RESERVED_NAMES)
    for path in paths:
        name = previous.get(source_key(path))
        if name and name not in used:
            names[path] = name
            used.add(name)
    for path in paths:
        if path in names:
            continue
        stem = _CONTROL_CHARACTERS.sub("_", path.stem).strip() or "document"
        name = stem
        if name in used:
            name = f"{stem}-{hashlib.sha1(source_key(path).encode()).hexdigest()[:8]}"
        counter = 2
        while name in used:
            name = f"{stem}-{counter}"
            counter += 1
        used.add(name)
        names[path] = name
    return names


# --- one document, in a worker ---------------------------------------------------------------

_page_queue: Any = None
"""In a local worker process: where page ticks go (set by `_init_worker`)."""


def _init_worker(page_queue: Any, scratch: str) -> None:
    """Worker start-up: one Tesseract thread, the progress queue, the run's scratch folder."""
    global _page_queue
    os.environ["OMP_THREAD_LIMIT"] = "1"
    use_folder(scratch)
    _page_queue = page_queue


def _tell(message: tuple[str, str]) -> None:
    if _page_queue is not None:
        with contextlib.suppress(Exception):
            _page_queue.put_nowait(message)


def publish_folder(staged: Path, final: Path) -> None:
    """Move a finished document folder into place, replacing an older one.

    Two renames on the same file system: a kill between them leaves the new folder staged
    and the old one retired (both hidden, removed by the next run), never a mixture.
    """
    if final.exists():
        retired = final.with_name(f".{final.name}{RETIRED_MARK}{os.getpid()}-{time.time_ns()}")
        os.rename(final, retired)
        os.rename(staged, final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staged, final)


def process_one(path: Path, name: str, settings: RunSettings) -> DocumentOutcome:
    """Process and write one document; turn any failure into a one-line reason.

    Runs in a worker (process pool or Dask). Outputs go to a hidden staging folder in
    OUTDIR, with the document's report rows in `rows.json`, then the folder is renamed
    to `OUTDIR/<name>`.
    """
    from pipeline.export import write_document_outputs
    from pipeline.report import document_rows
    from pipeline.runner import process_document

    started = time.perf_counter()
    source = source_key(path)
    staging: Path | None = None
    _tell(("start", name))
    try:
        if not path.exists():
            raise VidocError(f"{path}: no such file")
        if not os.access(path, os.R_OK):
            raise VidocError(f"{path}: file is not readable (permission denied)")
        settings.outdir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}{STAGING_MARK}", dir=settings.outdir))
        # The runner writes kept page images under settings.outdir/<stem>/pages: stage them too.
        staged_settings = dataclasses.replace(settings, outdir=staging)
        folder = staging / (path.stem or "document")
        document = process_document(path, staged_settings,
                                    on_page=lambda number: _tell(("page", name)))
        _fail_if_nothing_read(path, document)
        write_document_outputs(document, folder, settings.formats)
        seconds = time.perf_counter() - started
        rows = document_rows(document, name, seconds)
        if document.errors:
            for row in rows.get("documents", []):
                row["status"] = "partial"
            rows.setdefault("errors", []).extend(
                {"document": name, "source": source, "error": error} for error in document.errors)
        (folder / ROWS_NAME).write_text(json.dumps(rows, ensure_ascii=False, default=str),
                                        encoding="utf-8")
        publish_folder(folder, settings.outdir / name)
        return DocumentOutcome(source, name, True, seconds, len(document.pages),
                               warnings=list(document.errors))
    except VidocError as error:
        return DocumentOutcome(source, name, False, time.perf_counter() - started,
                               error=str(error))
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
        log.debug("unexpected failure on %s", path, exc_info=True)
        reason = f"{path}: {type(error).__name__}: {error}".splitlines()[0]
        return DocumentOutcome(source, name, False, time.perf_counter() - started,
                               error=reason)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _fail_if_nothing_read(path: Path, document: Document) -> None:
    """Raise when every page of a scan failed (timed out, Tesseract crashed).

    Why: such a run read nothing, so it is no result: the document is counted failed (and
    `--resume` retries it), and a good output of an earlier run is not replaced by an
    empty one. A document with some pages read is kept, its failed pages named.
    """
    if document.pages and len(document.errors) >= len(document.pages):
        first = document.errors[0].removeprefix(f"{path} ")
        pages = f"{len(document.pages)} page{'s' if len(document.pages) > 1 else ''}"
        raise VidocError(f"{path}: every page failed ({pages}; {first})")


# --- planning: what to do, what to skip -----------------------------------------------------

@dataclass
class DocumentTask:
    """One input of the run, with what the parent knows about it before any work."""

    path: Path
    name: str
    input_sha256: str = ""
    pages: int = 1
    skip: bool = False


def count_pages(path: Path) -> int:
    """Pages of an input, cheaply (for the progress bar); 1 when it cannot be told."""
    try:
        from pipeline.ingest import count_pages as ingest_count_pages
        from pipeline.ingest import detect_kind

        return max(1, ingest_count_pages(path, detect_kind(path)))
    except Exception:  # noqa: BLE001 - a bad file is reported when it is processed
        return 1


def _plan(paths: list[Path], names: dict[Path, str], settings: RunSettings,
          manifest: Manifest, settings_hash: str) -> list[DocumentTask]:
    """Hash inputs (for the manifest), decide what to skip, count pages: in parallel threads."""

    def plan_one(path: Path) -> DocumentTask:
        task = DocumentTask(path, names[path])
        try:
            task.input_sha256 = file_digest(path)
        except OSError:
            return task  # unreadable: processing reports why
        folder = settings.outdir / task.name
        if settings.resume and manifest.is_done(source_key(path), task.input_sha256,
                                                settings_hash, folder):
            task.skip = True
            task.pages = manifest.entries[source_key(path)].pages
        else:
            task.pages = count_pages(path)
        return task

    with ThreadPoolExecutor(max_workers=min(8, max(1, len(paths)))) as pool:
        return list(pool.map(plan_one, paths))


def _clean_stale_staging(outdir: Path) -> None:
    """Remove staging/retired folders a killed run left behind."""
    if not outdir.is_dir():
        return
    for entry in outdir.iterdir():
        leftover = STAGING_MARK in entry.name or RETIRED_MARK in entry.name
        if entry.name.startswith(".") and leftover:
            log.info("removing %s left by an interrupted run", entry)
            shutil.rmtree(entry, ignore_errors=True)


def _make_outdir(outdir: Path) -> None:
    """Create OUTDIR, or say in one line why it cannot be (a file there, no permission)."""
    if outdir.exists() and not outdir.is_dir():
        error = VidocError(f"{outdir}: output folder is a file")
    else:
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            return
        except OSError as exc:
            error = VidocError(f"{outdir}: cannot create the output folder ({exc.strerror})")
    error.exit_code = ExitCode.bad_usage
    raise error


def _own_output(path: Path, outdir: Path) -> bool:
    """Tell whether `path` lies in a subfolder of OUTDIR, where vidoc writes its outputs.

    Why not everything under OUTDIR: with OUTDIR the input folder itself
    (`vidoc run scans -o scans`) the inputs sit directly in it, and a run found none.
    """
    resolved = path.resolve()
    return resolved.is_relative_to(outdir) and resolved.parent != outdir


@contextlib.contextmanager
def _outdir_lock(outdir: Path) -> Iterator[None]:
    """One run per OUTDIR at a time: a second one would delete the first one's staging."""
    _make_outdir(outdir)
    with open(outdir / ".vidoc.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            error = VidocError(f"{outdir}: another vidoc run is writing to this folder")
            error.exit_code = ExitCode.bad_usage
            raise error from None
        yield


# --- executors ------------------------------------------------------------------------------

Record = Callable[[DocumentOutcome], None]


def _died(task: DocumentTask, seconds: float = 0.0) -> DocumentOutcome:
    return DocumentOutcome(source_key(task.path), task.name, False, seconds,
                           error=f"{task.path}: the worker process died while processing it "
                                 "(crash or out of memory)")


def _run_serial(tasks: list[DocumentTask], settings: RunSettings, record: Record,
                tick: Callable[[str], None]) -> None:
    global _page_queue
    _page_queue = queue_module.SimpleQueue()
    try:
        for task in tasks:
            outcome = process_one(task.path, task.name, settings)
            _drain(_page_queue, tick, set())
            record(outcome)
    finally:
        _page_queue = None


def _drain(page_queue: Any, tick: Callable[[str], None], started: set[str]) -> None:
    while True:
        try:
            kind, name = page_queue.get_nowait()
        except (queue_module.Empty, EOFError, OSError):
            return
        if kind == "page":
            tick(name)
        else:
            started.add(name)


def _stop_pool(pool: ProcessPoolExecutor, futures: Iterable[Future[DocumentOutcome]]) -> None:
    """Ctrl-C: drop the documents not started and stop the workers at once.

    Why: leaving the `with` block waits for every submitted document, so an interrupted run
    went on to the end. Each future is cancelled here, in this thread:
    `shutdown(cancel_futures=True)` leaves the cancelling to the pool's own thread, which
    raced with it. The documents in flight are lost with their workers (each was being
    written into a staging folder, which the next run removes); the finished ones stay.
    """
    for future in futures:
        future.cancel()
    pool.shutdown(wait=False)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def _run_pool(tasks: list[DocumentTask], settings: RunSettings, workers: int, record: Record,
              tick: Callable[[str], None]) -> tuple[list[DocumentTask], list[DocumentTask]]:
    """Run `tasks` on a process pool; return (in flight when the pool broke, not started)."""
    context = multiprocessing.get_context("forkserver")
    page_queue = context.Queue()
    started: set[str] = set()
    by_future: dict[Future[DocumentOutcome], DocumentTask] = {}
    unfinished: list[DocumentTask] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_init_worker,
                             initargs=(page_queue, tempfile.gettempdir())) as pool:
        pending: set[Future[DocumentOutcome]] = set()
        broken = False
        try:
            for task in tasks:
                by_future[pool.submit(process_one, task.path, task.name, settings)] = task
            pending = set(by_future)
            while pending and not broken:
                done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                _drain(page_queue, tick, started)
                for future in done:
                    if isinstance(future.exception(), BrokenProcessPool):
                        broken = True
                        unfinished.append(by_future[future])
                    else:
                        record(future.result())
        except KeyboardInterrupt:
            _stop_pool(pool, by_future)
            raise
        if broken:
            wait(pending)
            for future in pending:
                if isinstance(future.exception(), BrokenProcessPool):
                    unfinished.append(by_future[future])
                else:
                    record(future.result())
        _drain(page_queue, tick, started)
    page_queue.close()
    in_flight = [task for task in unfinished if task.name in started]
    not_started = [task for task in unfinished if task.name not in started]
    return in_flight, not_started


def _run_local(tasks: list[DocumentTask], settings: RunSettings, record: Record,
               tick: Callable[[str], None]) -> None:
    """The default: a process pool; a crashed worker costs only its own document.

    When the pool breaks, the documents that were in flight (or caught in two breaks in a
    row) are retried alone, one pool each, so the one that kills its worker is found and
    failed while the others complete; the rest go back to a fresh pool.
    """
    remaining = tasks
    breaks: dict[str, int] = {}
    while remaining:
        in_flight, not_started = _run_pool(remaining, settings, settings.workers, record, tick)
        for task in not_started:
            breaks[task.name] = breaks.get(task.name, 0) + 1
        suspects = in_flight + [task for task in not_started if breaks[task.name] >= 2]
        remaining = [task for task in not_started if breaks[task.name] < 2]
        for task in suspects:
            log.warning("%s: a worker process died; retrying this document alone", task.path)
            started = time.perf_counter()
            died, lost = _run_pool([task], settings, 1, record, tick)
            if died or lost:
                record(_died(task, time.perf_counter() - started))


def _run_dask(tasks: list[DocumentTask], settings: RunSettings, record: Record,
              tick: Callable[[str], None]) -> None:
    """The same per-document task on a Dask cluster (`--scheduler ADDRESS`, else a LocalCluster).

    Inputs and OUTDIR must be on a file system every worker sees at the same paths.
    Progress advances per document (workers have no page queue back to us).
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as error:
        raise VidocError(f"--executor dask needs the 'distributed' package ({error})") from None
    cluster = None
    if settings.scheduler:
        try:
            client = Client(settings.scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            failure = VidocError(
                f"cannot reach the Dask scheduler at {settings.scheduler}: {error}")
            failure.exit_code = ExitCode.bad_usage
            raise failure from None
    else:
        cluster = LocalCluster(n_workers=settings.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, env={"OMP_THREAD_LIMIT": "1"})
        client = Client(cluster)
    try:
        by_key = {}
        futures = []
        for task in tasks:
            future = client.submit(process_one, task.path, task.name, settings, pure=False,
                                   key=f"vidoc-{task.name}-{time.time_ns()}")
            by_key[future.key] = task
            futures.append(future)
        for future in as_completed(futures):
            task = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - e.g. KilledWorker: the document failed
                outcome = _died(task)
                outcome.error = f"{task.path}: Dask task failed ({type(error).__name__}: {error})"
            for _ in range(outcome.pages or task.pages):
                tick(task.name)
            record(outcome)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


Executor = Callable[[list[DocumentTask], RunSettings, Record, Callable[[str], None]], None]
EXECUTORS: dict[str, Executor] = {
    "local": _run_local,
    "dask": _run_dask,
}


# --- the run --------------------------------------------------------------------------------

def _load_rows(outcome: DocumentOutcome, outdir: Path) -> None:
    path = outdir / outcome.name / ROWS_NAME
    try:
        outcome.rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        log.warning("%s: report rows unreadable (%s)", path, error)


def _warn_if_textless(outcome: DocumentOutcome) -> None:
    """One line for a document that gave no text at all (its outputs are written, empty).

    Why only a warning: a blank page is common (the back of a sheet), and the run did what
    it was asked; but a whole document without a line is a wrong file or a failed scan.
    """
    documents = (outcome.rows or {}).get("documents") or [{}]
    if not outcome.skipped and documents[0].get("lines") == 0:
        log.warning("%s: no text found on any page", outcome.source)


def run_batch(inputs: list[Path], settings: RunSettings,
              progress: BatchProgress | None = None) -> ExitCode:
    """Process every input, write per-document outputs and the run report; return the exit code."""
    from pipeline.report import write_run_report

    if settings.executor not in EXECUTORS:
        error = VidocError(f"unknown executor {settings.executor!r} (choose local or dask)")
        error.exit_code = ExitCode.bad_usage
        raise error
    outdir = settings.outdir.resolve()
    paths = [path for path in discover_inputs(inputs, settings.include, settings.exclude)
             if not _own_output(path, outdir)]
    remote = settings.executor == "dask" and bool(settings.scheduler)  # their Tesseract, not ours
    if not remote and any(path.suffix.lower() != ".txt" for path in paths):
        from pipeline.tesseract import ensure_available

        ensure_available(settings.ocr.lang)  # a typo in --lang: one line now, not per page
    with _outdir_lock(settings.outdir), run_scratch():
        _clean_stale_staging(settings.outdir)
        manifest = Manifest(settings.outdir)
        settings_hash = settings_digest(settings)
        names = output_names(paths, manifest.names)
        tasks = _plan(paths, names, settings, manifest, settings_hash)
        if progress is not None:
            progress.start(len(tasks), sum(task.pages for task in tasks))
        outcomes: list[DocumentOutcome] = []
        by_name = {task.name: task for task in tasks}
        ticked: dict[str, int] = {}

        def tick(name: str) -> None:
            ticked[name] = ticked.get(name, 0) + 1
            if progress is not None and ticked[name] <= by_name[name].pages:
                progress.page_done(1)

        def record(outcome: DocumentOutcome) -> None:
            task = by_name[outcome.name]
            outcomes.append(outcome)
            if outcome.ok and not outcome.skipped:
                manifest.record(ManifestEntry(
                    outcome.source, outcome.name, task.input_sha256, settings_hash, "ok",
                    outcome.pages, round(outcome.seconds, 3), "; ".join(outcome.warnings) or None))
            if outcome.ok:
                for warning in outcome.warnings:
                    log.error("%s", warning)
            else:
                log.error("%s", outcome.error)
            if progress is not None:
                rest = task.pages - min(ticked.get(task.name, 0), task.pages)
                if rest:
                    progress.page_done(rest)
                progress.document_done(outcome)

        for task in tasks:
            if task.skip:
                entry = manifest.entries[source_key(task.path)]
                record(DocumentOutcome(entry.source, task.name, True, 0.0, entry.pages,
                                       skipped=True,
                                       warnings=[w for w in [entry.error] if w]))
        todo = [task for task in tasks if not task.skip]
        if todo:
            if settings.executor == "local" and len(todo) == 1:
                _run_serial(todo, settings, record, tick)
            else:
                EXECUTORS[settings.executor](todo, settings, record, tick)

        order = {task.name: index for index, task in enumerate(tasks)}
        outcomes.sort(key=lambda outcome: order.get(outcome.name, 0))
        for outcome in outcomes:
            if outcome.ok:
                _load_rows(outcome, settings.outdir)
                _warn_if_textless(outcome)
        write_run_report(outcomes, settings.outdir)
    if not paths:
        filters = " ".join([*(f"--include {g!r}" for g in settings.include),
                            *(f"--exclude {g!r}" for g in settings.exclude)])
        log.error("no input files found%s (supported: %s)", f" with {filters}" if filters else "",
                  ", ".join(sorted(INPUT_SUFFIXES)))
        return ExitCode.some_inputs_failed
    failed = any(not outcome.ok or outcome.warnings for outcome in outcomes)
    return ExitCode.some_inputs_failed if failed else ExitCode.ok

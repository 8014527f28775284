"""One private scratch folder per run, so page images never outlive the run that made them.

Why: OCR hands each page to Tesseract as an image file in a temporary folder. A worker that
dies abruptly (kill -9, the OOM killer, a crash in a native library) never removes its
folder, and an archival batch over thousands of pages would leave scanned pages behind in
the temp directory. Every temporary file of a run (its workers included) lives under one
`vidoc-run-<pid>-*` folder that the run removes at its end; a run that was itself killed
leaves its folder to the next run, which removes folders whose process is gone.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "vidoc-run-"


@contextlib.contextmanager
def run_scratch() -> Iterator[Path]:
    """Make a scratch folder this process's temporary files go to; remove it afterwards."""
    base = Path(tempfile.gettempdir())
    remove_stale(base)
    # multiprocessing keeps its forkserver socket in a folder made on first use and kept
    # for the life of the process: make it now, outside the scratch folder
    multiprocessing.util.get_temp_dir()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
    previous, previous_env = tempfile.tempdir, os.environ.get("TMPDIR")
    use_folder(str(folder))
    try:
        yield folder
    finally:
        tempfile.tempdir = previous
        if previous_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous_env
        shutil.rmtree(folder, ignore_errors=True)


def use_folder(folder: str) -> None:
    """Send temporary files of this process (and of processes it starts) to `folder`."""
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = folder


def remove_stale(base: Path) -> None:
    """Remove scratch folders of runs whose process no longer exists (killed runs)."""
    for entry in base.glob(PREFIX + "*"):
        pid = entry.name[len(PREFIX) :].split("-")[0]
        if entry.is_dir() and pid.isdigit() and not _alive(int(pid)):
            log.info("removing %s left by a killed run", entry)
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True

"""The run manifest: which documents of OUTDIR are finished, from which bytes, with which settings.

`OUTDIR/.vidoc-manifest.jsonl` gets one JSON line per finished (or failed) document,
appended and fsynced by the parent process only (one writer), so a run killed at any
moment leaves at worst a torn last line, which is ignored. `--resume` skips a document
whose input bytes and output-affecting settings hash to what the manifest recorded and
whose output folder is still there; anything else is redone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.config import RunSettings

log = logging.getLogger(__name__)

MANIFEST_NAME = ".vidoc-manifest.jsonl"
ROWS_NAME = "rows.json"
"""Each finished document keeps its report rows here, so a resumed run's report covers all."""


def file_digest(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of the file's bytes (streamed: archives hold big PDFs)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def settings_digest(settings: RunSettings) -> str:
    """Hash of everything that changes a document's outputs (not workers, paths or timeouts)."""
    ocr = asdict(settings.ocr)
    ocr.pop("page_timeout_s", None)
    payload = {
        "version": __version__,
        "formats": sorted(settings.formats),
        "ocr": ocr,
        "repair": asdict(settings.repair),
    }
    encoded = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


@dataclass
class ManifestEntry:
    """One document's record: where it came from, its hashes and how it ended."""

    source: str
    name: str
    input_sha256: str
    settings_sha256: str
    status: str
    pages: int = 0
    seconds: float = 0.0
    error: str | None = None
    finished_at: float = 0.0


class Manifest:
    """Read the entries of earlier runs; append new ones durably."""

    def __init__(self, outdir: Path) -> None:
        self.path = outdir / MANIFEST_NAME
        self.entries: dict[str, ManifestEntry] = {}
        self.names: dict[str, str] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        raw = self.path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            # A run was killed while appending: drop the torn tail so the next append is clean.
            keep = raw.rfind(b"\n") + 1
            with self.path.open("r+b") as handle:
                handle.truncate(keep)
            log.warning("%s: dropped an interrupted last line", self.path)
        with self.path.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                try:
                    data: dict[str, Any] = json.loads(text)
                    entry = ManifestEntry(**data)
                except (json.JSONDecodeError, TypeError):
                    log.warning("%s: line %d unreadable (an interrupted write?), ignored",
                                self.path, number)
                    continue
                self.entries[entry.source] = entry
                self.names[entry.source] = entry.name

    def is_done(self, source: str, input_sha256: str, settings_sha256: str, folder: Path) -> bool:
        """True when `source` finished before with the same bytes and settings, outputs intact.

        A document kept with pages that failed (a timeout under load, a crashed Tesseract) is
        not done: `--resume` gives it another chance.
        """
        entry = self.entries.get(source)
        return (entry is not None and entry.status == "ok" and not entry.error
                and entry.input_sha256 == input_sha256
                and entry.settings_sha256 == settings_sha256
                and (folder / ROWS_NAME).is_file())

    def record(self, entry: ManifestEntry) -> None:
        """Append `entry` and fsync, so a kill right after still knows the document is done."""
        entry.finished_at = entry.finished_at or time.time()
        self.entries[entry.source] = entry
        self.names[entry.source] = entry.name
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

"""Typed settings: the CLI validates options into these; the library API takes them.

Argument parsing lives only in `cli.py`; everything below it receives one of these
objects, never raw strings, so a library user gets the same behaviour as the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FORMATS = ("txt", "json", "md")
ALL_FORMATS = ("txt", "json", "md", "pdf", "alto", "hocr")


@dataclass(frozen=True)
class OcrSettings:
    """How pages are rasterised, cleaned up and read."""

    lang: str = "vie"
    dpi: int = 300
    psm: int = 3
    min_dpi_for_ocr: int = 280
    osd: bool = True
    page_timeout_s: float = 120.0
    keep_images: bool = False


@dataclass(frozen=True)
class RepairSettings:
    """How the repair stage treats text (diacritics, OCR garbles, line order)."""

    enabled: bool = True
    reorder: bool = True
    flag_below: float = 0.8


@dataclass(frozen=True)
class RunSettings:
    """One `vidoc run`: inputs, outputs and the settings of every stage."""

    outdir: Path
    workers: int = 1
    resume: bool = False
    formats: tuple[str, ...] = DEFAULT_FORMATS
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    executor: str = "local"
    scheduler: str | None = None
    ocr: OcrSettings = field(default_factory=OcrSettings)
    repair: RepairSettings = field(default_factory=RepairSettings)
    verbose: bool = False

"""Thin wrapper around the `tesseract` binary: version check, timeout, stderr logged.

Every call goes through `run_tesseract`, so a missing binary or language pack becomes a
`MissingDependencyError` with a fix to apply, a hung or crashed page becomes a
`ToolFailedError` naming the page, and Tesseract's warnings reach our log with the page
label. Images are passed as an uncompressed PBM/PGM file in a private temporary folder:
Tesseract reads stdin a byte at a time, which cost 0.15–0.2 s CPU on an A4 300-dpi page
(≈ 12 % of its OCR time), and these formats cost next to nothing to write.
`OMP_THREAD_LIMIT=1` is set for the child: with OpenMP threads on a shared 2-core machine a
page took 5–9 s instead of about 1 s (FINDINGS.md).
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from pipeline.errors import MissingDependencyError, ToolFailedError

log = logging.getLogger(__name__)

MIN_VERSION = (4, 1)
INSTALL_HINT = "install it with: apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd"


_EXPECTED_NOISE = (
    "Estimating resolution",
    "Warning: Invalid resolution",
    "Warning. Invalid resolution",
)
"""Stderr lines Tesseract prints on pages without a resolution: not worth a log record."""


def _binary() -> str:
    path = shutil.which(os.environ.get("VIDOC_TESSERACT", "tesseract"))
    if path is None:
        raise MissingDependencyError(f"tesseract: program not found; {INSTALL_HINT}")
    return path


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


@functools.lru_cache(maxsize=1)
def version() -> tuple[int, int, int]:
    """Tesseract's version as (major, minor, patch); raises when missing or too old."""
    try:
        proc = subprocess.run(
            [_binary(), "--version"], capture_output=True, text=True, timeout=30, env=_child_env()
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingDependencyError(f"tesseract: cannot run ({exc}); {INSTALL_HINT}") from exc
    match = re.search(r"tesseract\s+v?(\d+)\.(\d+)(?:\.(\d+))?", proc.stdout + proc.stderr)
    if not match:
        raise MissingDependencyError(f"tesseract: unrecognised version output; {INSTALL_HINT}")
    found = (int(match[1]), int(match[2]), int(match[3] or 0))
    if found[:2] < MIN_VERSION:
        raise MissingDependencyError(
            f"tesseract: version {'.'.join(map(str, found))} is too old, need ≥ 4.1; {INSTALL_HINT}"
        )
    return found


@functools.lru_cache(maxsize=1)
def languages() -> frozenset[str]:
    """List the traineddata names Tesseract can load."""
    proc = subprocess.run(
        [_binary(), "--list-langs"], capture_output=True, text=True, timeout=30, env=_child_env()
    )
    lines = (proc.stdout or proc.stderr).splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def ensure_available(lang: str = "vie", osd: bool = False) -> None:
    """Raise `MissingDependencyError` unless tesseract ≥ 4.1 and every language of `lang` exist."""
    version()
    have = languages()
    wanted = [part for part in lang.split("+") if part]
    if osd:
        wanted.append("osd")
    missing = [name for name in wanted if name not in have]
    if missing:
        raise MissingDependencyError(
            f"tesseract: no language data for {', '.join(missing)} (installed: "
            f"{', '.join(sorted(have)) or 'none'}); check --lang, or install its "
            "tesseract-ocr-… package"
        )


PBM_FIRST_BYTE = 8
"""Pixels in the first data byte of a PBM (one bit each)."""


def write_image(image: np.ndarray, folder: Path) -> Path:
    """Write a uint8 page for Tesseract (lossless, fast to write); return its path.

    PBM when the page is already binary (0/255: Tesseract then skips its own
    thresholding), else PGM. The PBM's first 8 pixels are written white: Leptonica reads
    the header of a binary PBM past any whitespace, so a first data byte of 0x09-0x0D or
    0x20 (ink at some of the top-left pixels: noise on a worn scan, the edge of a strip cut
    through text) was taken for header and the page failed ("Error during processing.").
    """
    binary = image.ndim == 2 and cv2.countNonZero(cv2.inRange(image, 1, 254)) == 0
    if binary and not image[0, :PBM_FIRST_BYTE].all():
        image = image.copy()
        image[0, :PBM_FIRST_BYTE] = 255
    path = folder / ("page.pbm" if binary else "page.pgm")
    ok, data = cv2.imencode(path.suffix, image)
    if not ok:
        raise ToolFailedError("tesseract: could not encode the page image")
    path.write_bytes(data.tobytes())
    return path


def run_tesseract(
    image: np.ndarray,
    args: list[str],
    *,
    timeout_s: float,
    page_label: str = "",
) -> str:
    """Run `tesseract PAGE.pbm stdout ARGS` on `image`; return stdout, log stderr, map failures."""
    label = page_label or "page"
    with tempfile.TemporaryDirectory(prefix="vidoc-tess-") as folder:
        page = write_image(image, Path(folder))
        cmd = [_binary(), str(page), "stdout", *args]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, env=_child_env())
        except subprocess.TimeoutExpired as exc:
            raise ToolFailedError(f"{label}: tesseract timed out after {timeout_s:g} s") from exc
        except OSError as exc:
            raise MissingDependencyError(
                f"tesseract: cannot run ({exc}); {INSTALL_HINT}"
            ) from exc
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    for line in stderr.splitlines():
        if line and not line.startswith(_EXPECTED_NOISE):
            log.debug("%s: tesseract: %s", label, line)
    if proc.returncode != 0:
        tail = stderr.splitlines()[-1] if stderr else f"exit code {proc.returncode}"
        raise ToolFailedError(f"{label}: tesseract failed: {tail}")
    return proc.stdout.decode("utf-8", "replace")


@dataclass(frozen=True)
class TsvWord:
    """One row of Tesseract's TSV output at word level (level 5)."""

    block: int
    paragraph: int
    line: int
    word: int
    left: int
    top: int
    width: int
    height: int
    conf: float
    text: str


def image_to_words(
    image: np.ndarray,
    *,
    lang: str,
    psm: int,
    dpi: int,
    timeout_s: float,
    page_label: str = "",
    extra: list[str] | None = None,
) -> list[TsvWord]:
    """OCR a page; return its words (with block/paragraph/line numbers, boxes, confidences)."""
    args = ["-l", lang, "--psm", str(psm), "--dpi", str(dpi), *(extra or []), "tsv"]
    out = run_tesseract(image, args, timeout_s=timeout_s, page_label=page_label)
    words: list[TsvWord] = []
    reader = csv.reader(io.StringIO(out), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        return words
    for row in reader:
        if len(row) < 12 or row[0] != "5":
            continue
        text = row[11].strip()
        if not text:
            continue
        words.append(
            TsvWord(
                block=int(row[2]),
                paragraph=int(row[3]),
                line=int(row[4]),
                word=int(row[5]),
                left=int(row[6]),
                top=int(row[7]),
                width=int(row[8]),
                height=int(row[9]),
                conf=float(row[10]),
                text=text,
            )
        )
    return words


@dataclass(frozen=True)
class Orientation:
    """What Tesseract's OSD says: turn the page `rotate` degrees clockwise to make it upright."""

    rotate: int
    confidence: float


def detect_orientation(
    image: np.ndarray, *, dpi: int, timeout_s: float, page_label: str = ""
) -> Orientation | None:
    """Tesseract OSD (`--psm 0`) on a page; None when it finds too little text to say."""
    try:
        out = run_tesseract(
            image,
            ["--psm", "0", "--dpi", str(dpi), "-l", "osd"],
            timeout_s=timeout_s,
            page_label=page_label,
        )
    except ToolFailedError as exc:
        if "timed out" in str(exc):
            raise
        # OSD fails ("Too few characters", "Error during processing") on pages with
        # little text: that means "no answer", not a broken page
        log.debug("%s: no orientation from OSD (%s)", page_label or "page", exc)
        return None
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rotate or not conf:
        return None
    return Orientation(int(rotate[1]), float(conf[1]))

"""OCRmyPDF OCR-engine plugin for bench_archival.py: hands OCRmyPDF vidoc's repaired words.

Used only to measure the alternative design (OCRmyPDF as the PDF writer). The hOCR that
vidoc wrote for the page (original-image pixels) is rescaled to the raster OCRmyPDF made
of the page and returned as this "engine's" output. Path in $VIDOC_BENCH_HOCR.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf.pluginspec import OcrEngine, OrientationConfidence
from PIL import Image


class VidocHocrEngine(OcrEngine):
    """Returns precomputed vidoc hOCR (one-page documents)."""

    @staticmethod
    def version() -> str:
        return "0.1.0"

    @staticmethod
    def creator_tag(options: object) -> str:
        return "vidoc bench"

    def __str__(self) -> str:
        return "vidoc (precomputed hOCR)"

    @staticmethod
    def languages(options: object) -> set[str]:
        return {"vie"}

    @staticmethod
    def get_orientation(input_file: Path, options: object) -> OrientationConfidence:
        return OrientationConfidence(angle=0, confidence=0.0)

    @staticmethod
    def generate_hocr(
        input_file: Path, output_hocr: Path, output_text: Path, options: object
    ) -> None:
        hocr = Path(os.environ["VIDOC_BENCH_HOCR"]).read_text(encoding="utf-8")
        with Image.open(input_file) as image:
            width, height = image.size
        page_w, page_h = map(int, re.search(r"ocr_page.*?bbox 0 0 (\d+) (\d+)", hocr).groups())
        sx, sy = width / page_w, height / page_h

        def scale(match: re.Match[str]) -> str:
            x0, y0, x1, y1 = (int(v) for v in match.groups())
            return f"bbox {round(x0 * sx)} {round(y0 * sy)} {round(x1 * sx)} {round(y1 * sy)}"

        output_hocr.write_text(
            re.sub(r"bbox (\d+) (\d+) (\d+) (\d+)", scale, hocr), encoding="utf-8"
        )
        words = re.findall(r'class="ocrx_word"[^>]*>([^<]*)<', hocr)
        output_text.write_text(" ".join(words), encoding="utf-8")

    @staticmethod
    def generate_pdf(
        input_file: Path, output_pdf: Path, output_text: Path, options: object
    ) -> None:
        raise NotImplementedError("use a text-layer renderer, not sandwich")


@hookimpl
def get_ocr_engine(options: object) -> OcrEngine | None:
    if options is not None and getattr(options, "ocr_engine", "auto") != "vidoc":
        return None
    return VidocHocrEngine()

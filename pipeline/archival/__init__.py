"""Archival outputs carrying the REPAIRED text: searchable PDF/A, ALTO and hOCR.

Archives keep scans as PDF/A with a hidden text layer and exchange OCR as ALTO or hOCR.
Tesseract and OCRmyPDF put the raw OCR text there, lost marks and garbles included;
these writers put vidoc's repaired words at the places OCR found them, so a search for
"nước" finds the page where Tesseract read "nuóc", and ALTO/hOCR keep the OCR reading
beside every changed word for audit.

Design (measured; numbers in benchmarks/results/archival.md):
- Boxes: the repaired line text is aligned character by character with the OCR words
  (`wordmap`), so 1:1 fixes, merges and splits all land inside the original word boxes.
  Boxes are mapped back through deskew / quarter turn / upsampling (`geometry`) onto the
  ORIGINAL image, which the files describe; nothing is re-rendered or re-OCR'd.
- PDF: built with img2pdf (original image data embedded as is: same pixels, same
  resolution, JPEG/PNG/CCITT not re-encoded) or the input PDF's own pages (an earlier
  invisible OCR layer removed), plus pikepdf for the text layer and PDF/A-2b metadata.
  Not chosen: OCRmyPDF as a library with an OCR-engine plugin that hands it vidoc's words
  (benchmarks/ocrmypdf_vidoc_plugin.py). Measured on the same 6 pages and words: it
  re-rasterises every page and runs its whole pipeline (PDF/A conversion included),
  1.7-15 s a page against 0.2-1.0 s here (Tesseract: 4-16 s on the loaded test
  machine), about the same size (1.00-1.23x the input vs 1.00-1.16x), and pdftotext's CER
  on its PDFs is 2.4-15 points (99.7 on the turned page, whose lines its renderer drops)
  vs 0.0-2.0 here (0.0-0.7 with pdftotext -raw).
  We reuse what it relies on instead (pikepdf, img2pdf, Tesseract's GlyphLessFont).
- Text: Tesseract's GlyphLessFont (Identity-H, CID = UTF-16 code unit, identity
  ToUnicode), invisible (render mode 3), one `Tz`-scaled show per word plus a space glyph
  in each gap; `pdftotext` gives back the NFC Vietnamese exactly.
- Page: shown as OCR saw it. A `cm` turns and deskews the original content (image bytes
  untouched) and the text lies level on it: text tilted by a few degrees made poppler
  split words and interleave lines. ALTO and hOCR keep describing the original image
  file (boxes in its pixels).
- Inputs without images (.txt) get txt/json/md only, with a warning.
- pdf is off by default (`--formats ...,pdf` to ask): it costs ~0.2 s a page and a second
  copy of every scan on disk; alto and hocr are cheap but also opt-in, as archives ask for
  one or the other.

The writers are registered in `pipeline.export.WRITERS`; heavy imports (pikepdf, lxml)
happen only when a format is requested.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.document import Document


def write_pdf(document: Document, folder: Path) -> None:
    """`searchable.pdf` (PDF/A-2b, original images, invisible repaired text)."""
    from pipeline.archival.pdf import write_searchable_pdf

    write_searchable_pdf(document, folder)


def write_alto(document: Document, folder: Path) -> None:
    """`alto.xml` (ALTO 4.2, repaired Strings, OCR reading as ALTERNATIVE)."""
    from pipeline.archival.alto import write_alto as _write

    _write(document, folder)


def write_hocr(document: Document, folder: Path) -> None:
    """`hocr.html` (hOCR, repaired ocrx_word spans with bbox and x_wconf)."""
    from pipeline.archival.hocr import write_hocr as _write

    _write(document, folder)


ARCHIVAL_WRITERS = {"pdf": write_pdf, "alto": write_alto, "hocr": write_hocr}

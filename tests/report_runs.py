"""Report test helpers: hand-built Documents and runs written through the real report code.

Until the whole pipeline runs on images, the report's tests build Documents the way the
stages do (lines with words, boxes and Tesseract confidences; edits with offsets) and pass
them through `document_rows` and `write_run_report`, exactly as `pipeline.batch` does.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from pipeline.batch import DocumentOutcome
from pipeline.document import Document, Edit, Line, Page, Word
from pipeline.report import document_rows, write_run_report

WORD_HEIGHT = 30


def ocr_line(number: int, page: int, words: list[tuple[str, float]], *, top: int,
             original: list[str] | None = None) -> Line:
    """A line as OCR makes it: words left to right with boxes and confidences."""
    placed: list[Word] = []
    left = 100
    for text, conf in words:
        width = 18 * len(text) + 10
        placed.append(Word(text, (left, top, left + width, top + WORD_HEIGHT), conf))
        left += width + 16
    text = " ".join(word for word, _ in words)
    conf = sum(c for _, c in words) / len(words) if words else -1.0
    line = Line(id=f"p{page}-l{number}", text=text, conf=conf, words=placed,
                bbox=(100, top, left - 16, top + WORD_HEIGHT))
    if original is not None:
        line.original_text = " ".join(original)
    return line


def word_edit(line: Line, index: int, before: str, after: str, kind: str, confidence: float,
              reason: str = "") -> Edit:
    """An edit replacing word `index` of the line's original text (offsets before the edit)."""
    base = (line.original_text or line.text).split(" ")
    start = sum(len(w) + 1 for w in base[:index])
    assert base[index] == before
    return Edit(line.id, start, start + len(before), before, after, kind, confidence, reason)  # type: ignore[arg-type]


def sample_document(source: str = "scan-a.pdf", image_dir: Path | None = None) -> Document:
    """Two pages: a clean one, and one with garbled lines the repair fixed (some unsure)."""
    p1 = [
        ocr_line(1, 1, [("ỦY", 96), ("BAN", 95), ("NHÂN", 94), ("DÂN", 96)], top=100),
        ocr_line(2, 1, [("Số:", 93), ("70-HD/BTGTU", 91)], top=150),
        ocr_line(3, 1, [("Thực", 92), ("hiện", 95), ("chỉ", 93), ("thị", 94)], top=200),
    ]
    p2_l1 = ocr_line(1, 2, [("Các", 90), ("đơn", 62), ("vị", 88), ("triển", 55), ("khai", 91)],
                     top=100, original=["Các", "don", "vị", "triến", "khai"])
    p2_l2 = ocr_line(2, 2, [("nghiêm", 45), ("túc", 80), ("<kế>", 70), ("hoạch", 85)],
                     top=150, original=["nghiem", "túc", "<kế>", "hoạch"])
    p2_l3 = ocr_line(3, 2, [("báo", 97), ("cáo", 97), ("kết", 96), ("quả", 95)], top=200)
    p2_l4 = ocr_line(4, 2, [], top=250)
    p2_l4.text = "   "
    pages = [Page(1, width=1000, height=400, dpi=100, lines=p1),
             Page(2, width=1000, height=400, dpi=100, skew_deg=0.7,
                  lines=[p2_l1, p2_l2, p2_l3, p2_l4])]
    edits = [
        word_edit(p2_l1, 1, "don", "đơn", "diacritics", 0.97, "language model"),
        word_edit(p2_l1, 3, "triến", "triển", "ocr", 0.62, "hook/acute confusion"),
        word_edit(p2_l2, 0, "nghiem", "nghiêm", "diacritics", 0.91),
    ]
    document = Document(source=source, kind="pdf", pages=pages, edits=edits)
    if image_dir is not None:
        image_dir.mkdir(parents=True, exist_ok=True)
        for page in pages:
            image = Image.new("L", (page.width, page.height), 255)
            draw = ImageDraw.Draw(image)
            for line in page.lines:
                for word in line.words:
                    assert word.bbox is not None
                    draw.rectangle(word.bbox, outline=0)
            path = image_dir / f"page-{page.number:04d}.png"
            image.save(path)
            page.image_path = str(path)
    return document


def write_sample_run(outdir: Path, *, keep_images: bool = True,
                     failed: bool = True) -> list[DocumentOutcome]:
    """A run of two documents (one with images) and, optionally, one failed input."""
    outcomes = []
    first = sample_document("in/scan-a.pdf", outdir / "scan-a" / "pages" if keep_images else None)
    outcomes.append(DocumentOutcome(first.source, "scan-a", True, 1.5, len(first.pages),
                                    document_rows(first, "scan-a", 1.5)))
    second = Document(source="in/clean.txt", kind="text", pages=[Page(1, lines=[
        Line(id="p1-l1", text="HƯỚNG DẪN"), Line(id="p1-l2", text="Về việc tổ chức hội nghị")])])
    outcomes.append(DocumentOutcome(second.source, "clean", True, 0.2, 1,
                                    document_rows(second, "clean", 0.2)))
    if failed:
        outcomes.append(DocumentOutcome("in/broken.pdf", "broken", False, 0.1,
                                        error="in/broken.pdf: not a PDF (truncated file)"))
    write_run_report(outcomes, outdir)
    return outcomes

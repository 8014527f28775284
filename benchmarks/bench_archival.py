"""Archival outputs (searchable.pdf, alto.xml, hocr.html): fidelity, validity, size, speed.

Pages: the first page of held-out directives (`pipeline.corpus` split) rendered with their
true word boxes (tests/archival_support.py), degraded several ways and saved as PNG, JPEG,
TIFF G4 and PDF, then read by the REAL pipeline (ingest → preprocess → Tesseract →
repair when its models are built → structure). Per page:
- CER (whitespace-normalised) of `pdftotext searchable.pdf -` and of text.txt against the
  truth, and whether pdftotext's text is NFC;
- word boxes from `pdftotext -bbox` against the true boxes of the same words (IoU);
- PDF/A-2b checks (pipeline.archival.pdfa_check), pdftoppm stderr, size vs the input;
- alto.xml against schema/alto-4-2.xsd, hocr.html parsed, every bbox inside its page;
- seconds for all three archival outputs vs seconds of the Tesseract call.
With --ocrmypdf, the same vidoc words also go through OCRmyPDF (hOCR plugin, PDF/A) for
the design comparison. Run from the repo root:
    OMP_THREAD_LIMIT=1 nice -n 10 .venv/bin/python benchmarks/bench_archival.py [--pages N] [--ocrmypdf]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from archival_support import TruthWord, degrade_boxes, iou, render_with_boxes  # noqa: E402
from lxml import etree  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline.archival.alto import alto_bytes, validate_alto  # noqa: E402
from pipeline.archival.hocr import hocr_bytes  # noqa: E402
from pipeline.archival.pdf import build_searchable_pdf  # noqa: E402
from pipeline.archival.pdfa_check import check_pdfa  # noqa: E402
from pipeline.archival.sources import frame_sizes, page_geometries  # noqa: E402
from pipeline.config import OcrSettings, RunSettings  # noqa: E402
from pipeline.corpus import default_corpus_dir, iter_split  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.export import document_text  # noqa: E402
from pipeline.ingest import detect_kind, iter_page_images  # noqa: E402
from pipeline.ocr import ocr_page  # noqa: E402
from pipeline.preprocess import prepare_page  # noqa: E402
from pipeline.render import DirectiveLayout, degrade, layout_from_corpus  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "archival.md"

CONDITIONS = [
    # name, degrade kwargs, saved as
    ("clean PNG", dict(blur=0.5, noise=4), "png"),
    ("skew +1.5° JPEG q80", dict(rotate_deg=1.5, noise=8, blur=0.6, jpeg_quality=80), "jpg"),
    ("skew −3° shaded, as PDF", dict(rotate_deg=-3, shading=0.3, noise=6), "pdf"),
    ("turned 90° noisy PNG", dict(rotate_deg=90, noise=10, blur=0.6), "png"),
    ("200 dpi blurred PNG", dict(dpi_scale=2 / 3, blur=0.8, noise=5), "png"),
    (
        "fax bitonal TIFF G4, skew 0.8°",
        dict(rotate_deg=0.8, bitonal=True, noise=12, blur=0.7),
        "tif",
    ),
]


@dataclass
class PageResult:
    condition: str
    input_kb: float
    pdf_kb: float
    cer_txt: float
    cer_pdf: float
    cer_pdf_raw: float
    nfc: bool
    box_match: float
    box_iou: float
    box_x_iou: float
    pdfa_problems: list[str]
    pdftoppm_stderr: str
    alto_errors: list[str]
    hocr_ok: bool
    tesseract_s: float
    archival_s: float
    repaired: bool
    notes: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(hypothesis: str, truth: str) -> float:
    truth, hypothesis = normalise(truth), normalise(hypothesis)
    return 100.0 * Levenshtein.distance(hypothesis, truth) / max(1, len(truth))


def held_out_layouts(count: int) -> list[DirectiveLayout]:
    corpus = default_corpus_dir()
    layouts: list[DirectiveLayout] = []
    if corpus is not None:
        for document in iter_split(corpus / "legal_admin_tvpl_2025.txt", heldout=True):
            layout = layout_from_corpus(document)
            if layout is not None and len(" ".join(layout.body)) > 1500:
                layouts.append(layout)
            if len(layouts) >= count:
                break
    if not layouts:
        sys.exit("bench_archival: the held-out corpus (../shared/corpus) is needed")
    return layouts


def save_input(image: object, kind: str, folder: Path, name: str) -> Path:
    path = folder / f"{name}.{kind}"
    if kind == "png":
        image.save(path, dpi=image.info["dpi"])  # type: ignore[attr-defined]
    elif kind == "jpg":
        image.save(path, quality=85, dpi=image.info["dpi"])  # type: ignore[attr-defined]
    elif kind == "tif":
        image.convert("1").save(path, compression="group4", dpi=image.info["dpi"])  # type: ignore[attr-defined]
    elif kind == "pdf":
        import img2pdf

        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85, dpi=image.info["dpi"])  # type: ignore[attr-defined]
        dpi = image.info["dpi"][0]  # type: ignore[attr-defined]
        path.write_bytes(
            img2pdf.convert(
                buffer.getvalue(), layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
            )
        )
    return path


def read_pipeline(path: Path, notes: list[str]) -> tuple[Document, float, bool]:
    """The real pipeline on one file; returns the document, Tesseract seconds, repaired?"""
    settings = OcrSettings()
    kind = detect_kind(path)
    document = Document(source=str(path), kind=kind)
    tesseract_s = 0.0
    for number, image, dpi in iter_page_images(path, kind, dpi=settings.dpi):
        prepared = prepare_page(image, dpi, settings)
        started = time.perf_counter()
        document.pages.append(ocr_page(prepared, number, settings))
        tesseract_s += time.perf_counter() - started
    repaired = False
    try:
        from pipeline.runner import repair_stage

        document = repair_stage(document, RunSettings(outdir=Path(".")))
        repaired = True
    except Exception as error:  # the repair engine may not be built on this machine
        notes.append(f"repair unavailable ({type(error).__name__}: {error})"[:120])
    try:
        from pipeline.runner import structure_stage

        document = structure_stage(document)
    except Exception as error:
        notes.append(f"structure unavailable ({type(error).__name__})")
    return document, tesseract_s, repaired


def pdf_words(pdf: Path) -> list[tuple[str, tuple[float, float, float, float]]]:
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out = []
    for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml
    ):
        text = (
            m[5]
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
        )
        out.append((text, (float(m[1]), float(m[2]), float(m[3]), float(m[4]))))
    return out


def truth_in_pdf_space(document: Document, truth: list[TruthWord]) -> list[TruthWord]:
    """True boxes (degraded-image pixels) on the straightened PDF page (points, y down)."""
    import numpy as np

    page = document.pages[0]
    geometry = page_geometries(document, frame_sizes(document))[1]
    forward = np.linalg.inv(geometry.to_original)
    k = 72.0 / page.dpi
    out = []
    for word in truth:
        left, top, right, bottom = word.box
        pts = [forward @ np.array([x, y, 1.0]) for x in (left, right) for y in (top, bottom)]
        xs = [p[0] * k for p in pts]
        ys = [p[1] * k for p in pts]
        out.append(TruthWord(word.text, (min(xs), min(ys), max(xs), max(ys))))
    return out


def box_agreement(
    words: list[tuple[str, tuple[float, float, float, float]]], truth: list[TruthWord]
) -> tuple[float, float, float]:
    """Against the true box of the same word (the best of its occurrences), for each PDF word:
    share whose box holds the true box's centre, mean IoU, mean horizontal IoU."""
    by_text: dict[str, list[TruthWord]] = {}
    for word in truth:
        by_text.setdefault(word.text, []).append(word)
    hits, ious, x_ious = [], [], []
    for text, box in words:
        candidates = by_text.get(unicodedata.normalize("NFC", text))
        if not candidates:
            continue
        best = max(candidates, key=lambda c: iou(box, c.box))
        cx, cy = (best.box[0] + best.box[2]) / 2, (best.box[1] + best.box[3]) / 2
        hits.append(box[0] <= cx <= box[2] and box[1] <= cy <= box[3])
        ious.append(iou(box, best.box))
        inter = max(0.0, min(box[2], best.box[2]) - max(box[0], best.box[0]))
        x_ious.append(inter / (max(box[2], best.box[2]) - min(box[0], best.box[0])))
    if not ious:
        return 0.0, 0.0, 0.0
    return sum(hits) / len(hits), statistics.fmean(ious), statistics.fmean(x_ious)


def hocr_inside(data: bytes) -> bool:
    tree = etree.fromstring(data.split(b"\n", 2)[2])
    ok = True
    for page in tree.iter("{http://www.w3.org/1999/xhtml}div"):
        if page.get("class") != "ocr_page":
            continue
        _, _, pw, ph = map(
            int, re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", page.get("title")).groups()
        )
        words = [w for w in page.iter() if w.get("class") == "ocrx_word"]
        for w in words:
            x0, y0, x1, y1 = map(
                int, re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", w.get("title")).groups()
            )
            ok &= 0 <= x0 < x1 <= pw and 0 <= y0 < y1 <= ph and "x_wconf" in w.get("title")
        ok &= bool(words)
    return ok


def run_page(
    layout: DirectiveLayout,
    condition: tuple[str, dict, str],
    folder: Path,
    index: int,
    ocrmypdf_rows: list[dict] | None,
) -> PageResult:
    name, kwargs, kind = condition
    clean, truth_text, truth_words = render_with_boxes(layout)
    image = degrade(clean, seed=index, **kwargs)
    turned = None
    if kwargs.get("rotate_deg"):
        turned = (
            clean.rotate(kwargs["rotate_deg"], expand=True).size
            if kwargs["rotate_deg"] % 90
            else None
        )
    truth_words = degrade_boxes(
        truth_words, clean.size, kwargs.get("rotate_deg", 0.0), kwargs.get("dpi_scale", 1.0), turned
    )
    path = save_input(image, kind, folder, f"page{index}")
    notes: list[str] = []
    document, tesseract_s, repaired = read_pipeline(path, notes)
    out = folder / f"page{index}_out"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    build_searchable_pdf(document, out / "searchable.pdf")
    alto = alto_bytes(document)
    hocr = hocr_bytes(document)
    (out / "alto.xml").write_bytes(alto)
    (out / "hocr.html").write_bytes(hocr)
    archival_s = time.perf_counter() - started
    pdf = out / "searchable.pdf"
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    raw_order = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    toppm = subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(pdf), str(out / "view")],
        capture_output=True,
        text=True,
    )
    match, mean_iou, x_iou = box_agreement(
        pdf_words(pdf), truth_in_pdf_space(document, truth_words)
    )
    if ocrmypdf_rows is not None:
        ocrmypdf_rows.append(run_ocrmypdf(path, document, truth_text, out))
    return PageResult(
        condition=name,
        input_kb=path.stat().st_size / 1024,
        pdf_kb=pdf.stat().st_size / 1024,
        cer_txt=cer(document_text(document), truth_text),
        cer_pdf=cer(extracted, truth_text),
        cer_pdf_raw=cer(raw_order, truth_text),
        nfc=extracted == unicodedata.normalize("NFC", extracted),
        box_match=match,
        box_iou=mean_iou,
        box_x_iou=x_iou,
        pdfa_problems=check_pdfa(pdf),
        pdftoppm_stderr=toppm.stderr.strip(),
        alto_errors=validate_alto(alto),
        hocr_ok=hocr_inside(hocr),
        tesseract_s=tesseract_s,
        archival_s=archival_s,
        repaired=repaired,
        notes=notes,
    )


def run_ocrmypdf(path: Path, document: Document, truth_text: str, out: Path) -> dict:
    """OCRmyPDF as a library, fed vidoc's hOCR through an OCR-engine plugin (the alternative)."""
    import ocrmypdf

    hocr_path = out / "vidoc_for_ocrmypdf.hocr"
    hocr_path.write_bytes(hocr_bytes(document))
    os.environ["VIDOC_BENCH_HOCR"] = str(hocr_path)
    target = out / "ocrmypdf.pdf"
    started = time.perf_counter()
    ocrmypdf.ocr(
        path,
        target,
        plugins=[str(ROOT / "benchmarks" / "ocrmypdf_vidoc_plugin.py")],
        ocr_engine="vidoc",
        language=["vie"],
        output_type="pdfa-2",
        optimize=0,
        jobs=1,
        progress_bar=False,
        image_dpi=round(document.pages[0].dpi),
        invalidate_digital_signatures=True,
    )
    seconds = time.perf_counter() - started
    extracted = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True
    ).stdout
    return {
        "seconds": seconds,
        "kb": target.stat().st_size / 1024,
        "cer": cer(extracted, truth_text),
        "input_kb": path.stat().st_size / 1024,
    }


def report(results: list[PageResult], ocrmypdf_rows: list[dict] | None, command: str) -> str:
    lines = [
        "# Archival outputs (bench_archival.py)",
        "",
        f"Command: `{command}`",
        "",
        "| page | input KB | PDF KB (×input) | CER text.txt | CER pdftotext (-raw) | NFC | word boxes: centre hit, IoU, x-IoU "
        "| PDF/A checks | pdftoppm | ALTO valid | hOCR ok | Tesseract s | archival s (×) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.condition} | {r.input_kb:.0f} | {r.pdf_kb:.0f} ({r.pdf_kb / r.input_kb:.2f}) | {r.cer_txt:.2f} | "
            f"{r.cer_pdf:.2f} ({r.cer_pdf_raw:.2f}) | {'yes' if r.nfc else 'NO'} | {100 * r.box_match:.1f} %, {r.box_iou:.2f}, {r.box_x_iou:.2f} | "
            f"{'pass' if not r.pdfa_problems else '; '.join(r.pdfa_problems)} | "
            f"{'clean' if not r.pdftoppm_stderr else r.pdftoppm_stderr[:60]} | "
            f"{'yes' if not r.alto_errors else r.alto_errors[0][:60]} | {'yes' if r.hocr_ok else 'NO'} | "
            f"{r.tesseract_s:.2f} | {r.archival_s:.2f} ({r.archival_s / r.tesseract_s:.2f}) |"
        )
    tess = sum(r.tesseract_s for r in results) / len(results)
    arch = sum(r.archival_s for r in results) / len(results)
    gap = max(abs(r.cer_pdf - r.cer_txt) for r in results)
    gap_raw = max(abs(r.cer_pdf_raw - r.cer_txt) for r in results)
    lines += [
        "",
        f"Mean per page: Tesseract {tess:.2f} s, all archival outputs {arch:.2f} s "
        f"(ratio {arch / tess:.2f}); largest |CER pdftotext − CER text.txt| {gap:.2f} points "
        f"({gap_raw:.2f} with -raw, which keeps vidoc's reading order); "
        f"repair {'ran' if all(r.repaired for r in results) else 'NOT available: raw OCR text'}.",
    ]
    notes = sorted({n for r in results for n in r.notes})
    if notes:
        lines += ["", "Notes: " + "; ".join(notes)]
    if ocrmypdf_rows:
        lines += [
            "",
            "## OCRmyPDF as the PDF writer (same vidoc words via an hOCR engine plugin, output PDF/A-2)",
            "",
            "| page | input KB | OCRmyPDF KB (×input) | CER pdftotext | seconds |",
            "|---|---|---|---|---|",
        ]
        for r, o in zip(results, ocrmypdf_rows, strict=False):
            lines.append(
                f"| {r.condition} | {o['input_kb']:.0f} | {o['kb']:.0f} ({o['kb'] / o['input_kb']:.2f}) | "
                f"{o['cer']:.2f} | {o['seconds']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=len(CONDITIONS))
    parser.add_argument(
        "--ocrmypdf", action="store_true", help="also build the PDF with OCRmyPDF (if installed)"
    )
    args = parser.parse_args()
    layouts = held_out_layouts(args.pages)
    ocrmypdf_rows: list[dict] | None = [] if args.ocrmypdf else None
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_archival_") as tmp:
        for index, condition in enumerate(CONDITIONS[: args.pages]):
            layout = layouts[index % len(layouts)]
            result = run_page(layout, condition, Path(tmp), index, ocrmypdf_rows)
            print(
                f"{result.condition}: CER txt {result.cer_txt:.2f} pdf {result.cer_pdf:.2f}, boxes "
                f"{100 * result.box_match:.0f} %, {result.archival_s:.2f} s / {result.tesseract_s:.2f} s",
                file=sys.stderr,
            )
            results.append(result)
    command = (
        "OMP_THREAD_LIMIT=1 nice -n 10 .venv/bin/python benchmarks/bench_archival.py "
        + " ".join(sys.argv[1:])
    )
    text = report(results, ocrmypdf_rows, command.strip())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

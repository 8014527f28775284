"""searchable.pdf, alto.xml and hocr.html on a real rendered page read by real Tesseract.

The page is rendered (true word boxes recorded), tilted 2° and noised, then ingested,
preprocessed and OCR'd for real. Repair is emulated by its contract, not mocked: the OCR
words lose their marks (what Tesseract does on worse scans) and `Line.text` keeps the
marked reading as the "repaired" text, with an `Edit` per changed word. The archival
files must carry the repaired words, at the printed positions, with the OCR reading kept.
"""

from __future__ import annotations

import copy
import io
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from lxml import etree
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from archival_support import degrade_boxes, iou, render_with_boxes  # noqa: E402

from pipeline.archival.alto import ALTO_NS, alto_bytes, validate_alto  # noqa: E402
from pipeline.archival.hocr import hocr_bytes  # noqa: E402
from pipeline.archival.pdf import build_searchable_pdf  # noqa: E402
from pipeline.archival.pdfa_check import check_pdfa  # noqa: E402
from pipeline.archival.sources import frame_sizes, page_geometries  # noqa: E402
from pipeline.config import OcrSettings  # noqa: E402
from pipeline.document import Document, Edit  # noqa: E402
from pipeline.ingest import iter_page_images  # noqa: E402
from pipeline.ocr import ocr_page  # noqa: E402
from pipeline.preprocess import prepare_page  # noqa: E402
from pipeline.render import DirectiveLayout, degrade  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SKEW = 2.0
LAYOUT = DirectiveLayout(
    issuer=["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"],
    number="Số: 12/HD-UBND",
    national=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
    doc_type="HƯỚNG DẪN",
    title=["Về việc tổ chức lấy ý kiến nhân dân"],
    body=[
        "Các cơ quan, đơn vị trên địa bàn tỉnh thực hiện nghiêm túc những nội dung sau đây để "
        "bảo đảm quyền làm chủ của nhân dân và sự thống nhất trong cả nước.",
        "Thời gian thực hiện: từ ngày 05 tháng 3 năm 2024 đến hết tháng 4 năm 2024.",
    ],
)


def strip_marks(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize(
        "NFC",
        "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)),
    )


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> dict:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    folder = tmp_path_factory.mktemp("archival")
    clean, truth, words = render_with_boxes(LAYOUT)
    image = degrade(clean, rotate_deg=SKEW, noise=6, blur=0.5, seed=3)
    turned = clean.rotate(SKEW, expand=True).size
    path = folder / "scan.png"
    image.save(path, dpi=(300, 300))
    settings = OcrSettings()
    document = Document(source=str(path), kind="image")
    for number, page_image, dpi in iter_page_images(path, "image", 300):
        document.pages.append(ocr_page(prepare_page(page_image, dpi, settings), number, settings))
    return {
        "folder": folder,
        "path": path,
        "ocr": document,
        "truth": truth,
        "words": degrade_boxes(words, clean.size, SKEW, 1.0, turned),
    }


def damaged_then_repaired(document: Document) -> Document:
    """OCR words without their marks; Line.text = the marked reading, one Edit per word."""
    doc = copy.deepcopy(document)
    for line in doc.lines:
        offset = 0
        for word in line.words:
            stripped = strip_marks(word.text)
            if stripped != word.text:
                doc.edits.append(
                    Edit(
                        line.id,
                        offset,
                        offset + len(stripped),
                        stripped,
                        word.text,
                        "diacritics",
                        0.8,
                        "marks restored",
                    )
                )
            word.text = stripped
            offset += len(stripped) + 1
        line.original_text = " ".join(w.text for w in line.words)
    return doc


@pytest.fixture(scope="module")
def repaired(scan: dict) -> Document:
    return damaged_then_repaired(scan["ocr"])


@pytest.fixture(scope="module")
def pdf_path(scan: dict, repaired: Document) -> Path:
    target = scan["folder"] / "searchable.pdf"
    build_searchable_pdf(repaired, target)
    return target


def page_images(page: pikepdf.Page) -> list[pikepdf.Stream]:
    xobjects = page.obj.Resources.get("/XObject", {})
    return [x for x in xobjects.values() if x.get("/Subtype") == "/Image"]


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_text_is_the_repaired_text_in_nfc(pdf_path: Path, repaired: Document) -> None:
    extracted = pdftotext(pdf_path)
    assert Counter(extracted.split()) == Counter(repaired.text().split())
    assert extracted == unicodedata.normalize("NFC", extracted)
    changed = [w for line in repaired.lines for w in line.text.split() if strip_marks(w) != w]
    assert changed, "the emulated damage must change words"
    stripped_only = {strip_marks(w) for w in changed} - set(repaired.text().split())
    assert not stripped_only & set(extracted.split()), (
        "the damaged OCR forms must not be searchable"
    )
    assert "nước" in extracted


def test_pdf_is_pdfa_and_renders_cleanly(pdf_path: Path, tmp_path: Path) -> None:
    assert check_pdfa(pdf_path) == []
    run = subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(pdf_path), str(tmp_path / "p")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and run.stderr == ""


def test_pdf_keeps_the_original_image_unchanged(pdf_path: Path, scan: dict) -> None:
    with pikepdf.open(pdf_path) as pdf:
        images = page_images(pdf.pages[0])
        assert len(images) == 1
        embedded = pikepdf.PdfImage(images[0]).as_pil_image()
    original = Image.open(scan["path"])
    assert embedded.size == original.size
    assert np.array_equal(np.asarray(embedded.convert("L")), np.asarray(original.convert("L")))
    assert pdf_path.stat().st_size <= 1.2 * scan["path"].stat().st_size


def test_pdf_word_boxes_lie_on_the_printed_words(
    pdf_path: Path, repaired: Document, scan: dict
) -> None:
    page = repaired.pages[0]
    geometry = page_geometries(repaired, frame_sizes(repaired))[1]
    forward = np.linalg.inv(geometry.to_original)
    k = 72.0 / page.dpi
    truth: dict[str, list[tuple[float, ...]]] = {}
    for word in scan["words"]:
        pts = [forward @ np.array([x, y, 1.0]) * k for x in word.box[::2] for y in word.box[1::2]]
        truth.setdefault(word.text, []).append(
            (
                min(p[0] for p in pts),
                min(p[1] for p in pts),
                max(p[0] for p in pts),
                max(p[1] for p in pts),
            )
        )
    xml = pdftotext(pdf_path, "-bbox")
    hits = total = 0
    for m in re.finditer(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', xml
    ):
        box = tuple(float(v) for v in m.groups()[:4])
        candidates = truth.get(m[5])
        if not candidates:
            continue
        best = max(candidates, key=lambda c: iou(box, c))
        cx, cy = (best[0] + best[2]) / 2, (best[1] + best[3]) / 2
        total += 1
        hits += box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
    assert total >= 40 and hits / total >= 0.9, (hits, total)


def test_pdf_input_keeps_its_images_and_loses_its_old_ocr_layer(
    scan: dict, repaired: Document, tmp_path: Path
) -> None:
    import img2pdf

    source = tmp_path / "scan.pdf"
    layout = img2pdf.get_fixed_dpi_layout_fun((300, 300))
    with pikepdf.open(io.BytesIO(img2pdf.convert(str(scan["path"]), layout_fun=layout))) as pdf:
        page = pdf.pages[0]  # an earlier OCRmyPDF-style invisible layer with raw, garbled OCR
        font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
        page.obj.Resources.Font = pikepdf.Dictionary(F9=font)
        page.contents_add(b"BT 3 Tr /F9 20 Tf 100 700 Td (cac nuroc thanh vien) Tj ET")
        pdf.save(source)
    assert "nuroc" in pdftotext(source)
    document = copy.deepcopy(repaired)
    document.source, document.kind = str(source), "pdf"
    target = tmp_path / "searchable.pdf"
    build_searchable_pdf(document, target)
    with pikepdf.open(source) as before, pikepdf.open(target) as after:
        raw_before = page_images(before.pages[0])[0].read_raw_bytes()
        raw_after = page_images(after.pages[0])[0].read_raw_bytes()
    assert raw_before == raw_after
    assert Counter(pdftotext(target).split()) == Counter(repaired.text().split())
    assert check_pdfa(target) == []


def test_alto_validates_and_keeps_the_ocr_reading(repaired: Document) -> None:
    data = alto_bytes(repaired)
    assert validate_alto(data) == []
    root = etree.fromstring(data)
    ns = {"a": ALTO_NS}
    strings = root.findall(".//a:String", ns)
    assert [s.get("CONTENT") for s in strings] == repaired.text().split()
    changed = [s for s in strings if s.find("a:ALTERNATIVE[@PURPOSE='OCR']", ns) is not None]
    assert changed and all(s.get("PROCESSINGREFS") == "REPAIR" for s in changed)
    for string in changed:
        assert string.find("a:ALTERNATIVE[@PURPOSE='OCR']", ns).text == strip_marks(
            string.get("CONTENT")
        )
        assert float(string.get("WC")) == pytest.approx(0.8)
    page = root.find(".//a:Page", ns)
    width, height = int(page.get("WIDTH")), int(page.get("HEIGHT"))
    for string in strings:
        x, y = int(string.get("HPOS")), int(string.get("VPOS"))
        assert (
            0 <= x
            and x + int(string.get("WIDTH")) <= width
            and 0 <= y
            and y + int(string.get("HEIGHT")) <= height
        )
        assert 0.0 <= float(string.get("WC")) <= 1.0


def test_alto_schema_rejects_a_broken_file(repaired: Document) -> None:
    data = alto_bytes(repaired).replace(b' CONTENT="', b' CONTENTS="', 1)
    assert validate_alto(data), "a String without CONTENT must not validate"


def test_hocr_words_have_boxes_inside_the_page(repaired: Document, scan: dict) -> None:
    data = hocr_bytes(repaired)
    tree = etree.parse(io.BytesIO(data), etree.HTMLParser())
    page = tree.find(".//div[@class='ocr_page']")
    _, _, pw, ph = map(int, re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", page.get("title")).groups())
    assert (pw, ph) == Image.open(scan["path"]).size
    words = tree.findall(".//span[@class='ocrx_word']")
    assert [w.text for w in words] == repaired.text().split()
    for word in words:
        x0, y0, x1, y1 = map(
            int, re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", word.get("title")).groups()
        )
        assert 0 <= x0 < x1 <= pw and 0 <= y0 < y1 <= ph
        assert 0 <= int(re.search(r"x_wconf (\d+)", word.get("title"))[1]) <= 100
    assert any(w.get("data-ocr") == strip_marks(w.text) != w.text for w in words)


def _vidoc(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "vidoc"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_cli_writes_archival_files_for_a_scan(tmp_path: Path) -> None:
    from pipeline.render import render_page

    image, _ = render_page(["Các cơ quan thực hiện nghiêm túc hướng dẫn này."])
    image.save(tmp_path / "short.png", dpi=(300, 300))
    run = _vidoc(
        "run",
        str(tmp_path / "short.png"),
        "-o",
        str(tmp_path / "out"),
        "-w",
        "1",
        "--formats",
        "txt,pdf,alto,hocr",
        "--no-repair",
    )
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "out" / "short"
    for name in ("text.txt", "searchable.pdf", "alto.xml", "hocr.html"):
        assert (folder / name).is_file(), name
    assert pdftotext(folder / "searchable.pdf").split() == (folder / "text.txt").read_text().split()


def test_text_input_gets_text_outputs_and_a_warning(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("Cac co quan thuc hien\n", encoding="utf-8")
    run = _vidoc(
        "run",
        str(tmp_path / "old.txt"),
        "-o",
        str(tmp_path / "out"),
        "-w",
        "1",
        "--formats",
        "txt,pdf,alto,hocr",
        "--no-repair",
    )
    assert run.returncode == 0, run.stderr
    assert "no page images" in run.stderr
    folder = tmp_path / "out" / "old"
    assert (folder / "text.txt").is_file()
    assert not any((folder / name).exists() for name in ("searchable.pdf", "alto.xml", "hocr.html"))

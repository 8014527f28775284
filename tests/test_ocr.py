"""OCR with the real Tesseract on a directive page rendered at test time."""

from __future__ import annotations

import dataclasses

import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline import tesseract
from pipeline.config import OcrSettings
from pipeline.errors import MissingDependencyError, ToolFailedError
from pipeline.ocr import ocr_page
from pipeline.preprocess import prepare_page
from pipeline.render import DirectiveLayout, degrade, render_document


def cer(ref: str, hyp: str) -> float:
    """Character error rate over whitespace-normalised text."""
    ref, hyp = " ".join(ref.split()), " ".join(hyp.split())
    return Levenshtein.distance(ref, hyp) / len(ref)


LAYOUT = DirectiveLayout(
    issuer=["ỦY BAN NHÂN DÂN", "HUYỆN MINH LONG"],
    number="Số: 27/KH-UBND",
    national=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
    place_date="Minh Long, ngày 15 tháng 3 năm 2024",
    doc_type="KẾ HOẠCH",
    title=["Triển khai công tác phòng chống thiên tai năm 2024"],
    body=[
        "Thực hiện chỉ đạo của cấp trên về công tác phòng chống thiên tai và tìm kiếm cứu nạn, Ủy "
        "ban nhân dân huyện xây dựng kế hoạch triển khai thực hiện trên địa bàn như sau:",
        "1. Kiện toàn ban chỉ huy các cấp, phân công nhiệm vụ cụ thể cho từng thành viên; rà soát "
        "phương án ứng phó với bão, lũ quét, sạt lở đất ở những khu vực xung yếu.",
        "2. Đẩy mạnh tuyên truyền, phổ biến kiến thức để người dân chủ động phòng tránh, "
        "giảm thiểu thiệt hại về người và tài sản.",
    ],
)


@pytest.fixture(scope="module")
def rendered():
    return render_document(LAYOUT)[0]


@pytest.fixture(scope="module")
def page(rendered):
    scanned = degrade(rendered.image, rotate_deg=2.5, noise=8, blur=0.8, jpeg_quality=70, seed=7)
    settings = OcrSettings()
    return ocr_page(prepare_page(scanned, 300, settings, "page 3"), 3, settings)


def test_text_is_read_within_a_cer_bound(rendered, page) -> None:
    text = "\n".join(line.text for line in page.lines)
    assert cer(rendered.truth, text) < 0.03


def test_page_geometry_and_line_fields(page) -> None:
    assert page.number == 3 and page.dpi == 300
    assert abs(page.skew_deg - 2.5) <= 0.3 and page.rotation_deg == 0
    assert page.width > 2400 and page.height > 3400
    assert [line.id for line in page.lines] == [f"p3-l{k}" for k in range(1, len(page.lines) + 1)]
    for line in page.lines:
        assert line.words and line.bbox is not None
        left, top, right, bottom = line.bbox
        assert 0 <= left < right <= page.width and 0 <= top < bottom <= page.height
        assert 0 <= line.conf <= 100
        assert line.text == " ".join(w.text for w in line.words)
        assert line.block >= 1 and line.paragraph >= 1


def test_two_column_header_reads_left_column_first(page) -> None:
    texts = [line.text for line in page.lines]

    def index(start: str) -> int:
        return next(i for i, t in enumerate(texts) if t.startswith(start))

    issuer, number = index("ỦY BAN"), index("Số:")
    national, date = index("CỘNG HÒA"), index("Minh Long, ngày")
    assert issuer < index("HUYỆN") < number < national < date < index("KẾ HOẠCH")
    assert page.lines[issuer].block != page.lines[national].block
    assert page.lines[issuer].block == page.lines[number].block


def test_diacritics_are_nfc(page) -> None:
    import unicodedata

    for line in page.lines:
        assert unicodedata.is_normalized("NFC", line.text)


def test_timeout_names_the_page(rendered) -> None:
    settings = dataclasses.replace(OcrSettings(), page_timeout_s=0.05)
    prepared = prepare_page(rendered.image, 300, dataclasses.replace(settings, osd=False))
    with pytest.raises(ToolFailedError, match="page 9"):
        ocr_page(prepared, 9, settings)


def test_missing_language_is_a_dependency_error() -> None:
    with pytest.raises(MissingDependencyError, match="xyz"):
        tesseract.ensure_available("vie+xyz")
    tesseract.ensure_available("vie", osd=True)


def test_missing_binary_is_a_dependency_error(monkeypatch) -> None:
    monkeypatch.setenv("VIDOC_TESSERACT", "/nonexistent/tesseract")
    tesseract.version.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match="not found"):
            tesseract.version()
    finally:
        tesseract.version.cache_clear()


def test_blank_page_gives_no_lines() -> None:
    settings = OcrSettings()
    prepared = prepare_page(Image.new("L", (1240, 1754), 255), 150, settings)
    assert ocr_page(prepared, 1, settings).lines == []


@pytest.mark.parametrize("first_byte", [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20])
def test_a_binary_page_with_ink_in_its_top_left_pixels_is_read(first_byte: int) -> None:
    """Leptonica took such a first PBM byte for header whitespace, and the page failed."""
    import cv2
    import numpy as np

    image = np.full((160, 900), 255, np.uint8)
    cv2.putText(image, "KE HOACH 2024", (20, 110), cv2.FONT_HERSHEY_SIMPLEX, 2.5, 0, 5)
    image = np.where(image < 128, 0, 255).astype(np.uint8)  # binarized, as pages are
    for bit in range(8):  # noise on a worn scan: ink at some of the top-left pixels
        if first_byte >> (7 - bit) & 1:
            image[0, bit] = 0
    words = tesseract.image_to_words(image, lang="vie", psm=6, dpi=300, timeout_s=60)
    assert "HOACH" in " ".join(word.text for word in words)


def test_a_failed_page_is_named_once_in_the_documents_errors(rendered, tmp_path) -> None:
    """The page stays in the document (empty) and its error says where and why, once."""
    from pipeline.config import RepairSettings, RunSettings
    from pipeline.runner import read_document

    path = tmp_path / "slow.png"
    rendered.image.save(path, dpi=(300, 300))
    ocr = dataclasses.replace(OcrSettings(), page_timeout_s=0.05, osd=False)
    settings = RunSettings(outdir=tmp_path / "out", ocr=ocr, repair=RepairSettings(enabled=False))
    document = read_document(path, settings)
    assert len(document.pages) == 1 and document.pages[0].lines == []
    assert document.errors == [f"{path} page 1: tesseract timed out after 0.05 s"]


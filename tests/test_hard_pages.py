"""Hard archive pages drawn at test time: the generator, and vidoc reading them."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from pipeline import tesseract
from pipeline.config import OcrSettings
from pipeline.ocr import ocr_page
from pipeline.preprocess import prepare_page
from pipeline.render import DirectiveLayout
from pipeline.render_hard import ARTIFACTS, render_hard_page

LAYOUT = DirectiveLayout(
    issuer=["ỦY BAN NHÂN DÂN", "TỈNH THÁI BÌNH"],
    number="Số: 312/QĐ-UBND",
    national=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
    place_date="Thái Bình, ngày 21 tháng 10 năm 2024",
    doc_type="QUYẾT ĐỊNH",
    title=["Về việc thành lập Tổ công tác cải cách hành chính"],
    body=[
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
        "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương.",
        "Điều 1. Thành lập Tổ công tác cải cách hành chính của tỉnh, gồm các đồng chí có tên "
        "trong danh sách kèm theo; Tổ công tác có nhiệm vụ giúp Ủy ban nhân dân tỉnh chỉ đạo, "
        "đôn đốc, kiểm tra việc thực hiện nhiệm vụ cải cách hành chính ở các sở, ngành.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân "
        "tỉnh, Giám đốc các sở, ngành và các cơ quan, đơn vị liên quan chịu trách nhiệm thi hành.",
    ],
    recipients=["Nơi nhận:", "- Như Điều 2;", "- Lưu: VT."],
    signature=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Trần Văn Nam"],
)


def cer(ref: str, hyp: str) -> float:
    """Character error rate over whitespace-collapsed text (as benchmarks/metrics.py)."""
    from rapidfuzz.distance import Levenshtein

    r, h = " ".join(ref.split()), " ".join(hyp.split())
    return Levenshtein.distance(r, h) / max(1, len(r))


needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract not installed"
)


def test_generator_is_deterministic_and_draws_every_artifact() -> None:
    a = render_hard_page(LAYOUT, ARTIFACTS, seed=5, dpi=150, turn_cw=90)
    b = render_hard_page(LAYOUT, ARTIFACTS, seed=5, dpi=150, turn_cw=90)
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
    assert a.image.mode == "L" and a.image.width > a.image.height  # grey, turned sideways
    assert a.upright_turn == 270 and len(a.notes) == 3
    assert "QUYẾT ĐỊNH" in a.truth and not any(note in a.truth for note in a.notes)
    colour = render_hard_page(LAYOUT, ("seal", "received_stamp"), seed=5, dpi=150)
    rgb = np.asarray(colour.image).astype(int)
    assert ((rgb[..., 0] - rgb[..., 1]) > 80).mean() > 0.0003  # red ink present
    with pytest.raises(ValueError):
        render_hard_page(LAYOUT, ("coffee_stain",), seed=1)


def _read(page) -> tuple[str, int]:
    settings = OcrSettings()
    prepared = prepare_page(page.image, page.dpi, settings, "test")
    lines = ocr_page(prepared, 1, settings).lines
    return "\n".join(x.text for x in lines if x.role != "marginalia"), prepared.rotation_deg


def _raw(page) -> str:
    words = tesseract.image_to_words(
        np.asarray(page.image.convert("L")), lang="vie", psm=3, dpi=page.dpi, timeout_s=120
    )
    return " ".join(w.text for w in words)


@needs_tesseract
def test_upside_down_sealed_page_is_turned_back_and_read() -> None:
    page = render_hard_page(
        LAYOUT, ("seal", "signature", "margin_notes", "turned"), seed=11, turn_cw=180
    )
    text, rotation = _read(page)
    assert rotation == 180
    assert cer(page.truth, text) < 0.12
    assert cer(page.truth, _raw(page)) > 0.5  # raw Tesseract reads it upside down


@needs_tesseract
def test_streaked_grey_photocopy_is_read_better_than_raw() -> None:
    page = render_hard_page(LAYOUT, ("photocopy", "grey", "binding_shadow"), seed=3)
    text, rotation = _read(page)
    assert rotation == 0
    ours, raw = cer(page.truth, text), cer(page.truth, _raw(page))
    assert ours < 0.12 and ours < raw, (ours, raw)

"""Preprocessing of pages rendered at test time: skew, turn, resolution, specks, binarization."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline import preprocess
from pipeline.config import OcrSettings
from pipeline.render import degrade, font, render_document

PARAGRAPHS = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Tổ chức quán triệt sâu rộng đến cán bộ, đảng viên và nhân dân về chủ trương của Đảng, chính "
    "sách, pháp luật của Nhà nước; nâng cao nhận thức, trách nhiệm của các cấp ủy, tổ chức đảng "
    "trong việc thực hiện nhiệm vụ phát triển kinh tế - xã hội của địa phương năm tới.",
    "Công tác tuyên truyền phải bảo đảm kịp thời, chính xác, sinh động, phù hợp với từng đối "
    "tượng; gắn với việc biểu dương người tốt, việc tốt, các điển hình tiên tiến trong phong trào "
    "thi đua yêu nước ở cơ sở, đồng thời đấu tranh phản bác các quan điểm sai trái, thù địch.",
    "Các cơ quan, đơn vị chủ động xây dựng kế hoạch cụ thể, bố trí nguồn lực hợp lý, định kỳ báo "
    "cáo kết quả thực hiện về Ban Thường vụ để theo dõi, chỉ đạo.",
]


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return render_document(PARAGRAPHS)[0].image


@pytest.mark.parametrize("angle", [-7.0, 3.5, 12.0, -14.0])
def test_measured_skew_matches_the_rotation(page: Image.Image, angle: float) -> None:
    scanned = degrade(page, rotate_deg=angle, noise=8, blur=0.8, jpeg_quality=70, seed=3)
    measured = preprocess.measure_skew(preprocess.to_gray(scanned), 300)
    assert abs(measured - angle) <= 0.3, measured


def test_prepare_page_removes_the_skew(page: Image.Image) -> None:
    prepared = preprocess.prepare_page(
        degrade(page, rotate_deg=-7.0, noise=6, seed=1), 300, OcrSettings()
    )
    assert prepared.rotation_deg == 0
    assert abs(prepared.skew_deg - (-7.0)) <= 0.3
    residual = preprocess.measure_skew(prepared.image, prepared.dpi)
    assert abs(residual) <= 0.3
    assert prepared.image.dtype == np.uint8 and set(np.unique(prepared.image)) <= {0, 255}


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_pages_are_made_upright(page: Image.Image, turn: int) -> None:
    # turn the page clockwise, as a sheet fed sideways into a scanner
    scanned = degrade(page, rotate_deg=1.5, noise=6, seed=turn).rotate(
        -turn, expand=True, fillcolor=255
    )
    prepared = preprocess.prepare_page(scanned, 300, OcrSettings())
    assert prepared.rotation_deg == (360 - turn) % 360
    h, w = prepared.image.shape
    assert h > w  # portrait again
    assert abs(prepared.skew_deg - 1.5) <= 0.3


def test_low_resolution_scans_are_upsampled(page: Image.Image) -> None:
    low = degrade(page, dpi_scale=0.5, seed=2)
    prepared = preprocess.prepare_page(low, 150, OcrSettings(keep_images=True))
    assert prepared.dpi == 300
    assert abs(prepared.image.shape[1] - 2 * low.width) <= 4
    assert {"gray", "upright", "binary"} <= prepared.steps.keys()


def test_speck_removal_keeps_vietnamese_dots() -> None:
    image = Image.new("L", (1400, 300), 255)
    ImageDraw.Draw(image).text((40, 80), "ộ ặ ị ọ ụ ậ ỵ i j", font=font("regular", 54), fill=0)
    binary = preprocess.binarize(np.asarray(image), "otsu")
    with_specks = binary.copy()
    specks = [(20, 20), (250, 1300), (280, 700), (10, 1000)]
    for y, x in specks:
        with_specks[y : y + 2, x : x + 2] = 0
    cleaned = preprocess.remove_specks(with_specks, 300)
    for y, x in specks:
        assert cleaned[y, x] == 255, (y, x)
    assert np.array_equal(cleaned, binary), "a dot or stroke of the text was removed"


def test_normalized_otsu_survives_uneven_lighting(page: Image.Image) -> None:
    shaded = np.asarray(degrade(page, shading=0.7, noise=4, seed=5))
    plain = preprocess.binarize(shaded, "otsu")
    flat = preprocess.binarize(shaded, "normalized_otsu")
    margin = (slice(0, 150), slice(None))  # blank top margin, darkest somewhere
    assert (flat[margin] == 0).mean() < 0.01
    clean_ink = (preprocess.binarize(np.asarray(page), "otsu") == 0).mean()
    assert (flat == 0).mean() < 3 * clean_ink
    assert (plain == 0).mean() > (flat == 0).mean()


def test_red_seal_is_lightened() -> None:
    image = Image.new("RGB", (200, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 180, 180), outline=(200, 30, 40), width=12)
    draw.rectangle((90, 90, 110, 110), fill=(0, 0, 0))
    gray = preprocess.to_gray(image)
    assert gray[100, 26] > 150  # the red ring
    assert gray[100, 100] < 50  # black text stays black


def test_upside_down_page_is_decided_by_strip_reads_without_osd(
    page: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two strip reads (~0.35 s each) are cheaper than OSD of the page (~0.6 s): OSD is
    # asked only when neither strip reads surely
    calls: list[int] = []
    real = preprocess.tesseract.detect_orientation

    def counting(*args, **kwargs):  # the real OSD, counted
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(preprocess.tesseract, "detect_orientation", counting)
    scanned = degrade(page, rotate_deg=1.0, noise=6, seed=5).rotate(180, fillcolor=255)
    prepared = preprocess.prepare_page(scanned, 300, OcrSettings())
    assert prepared.rotation_deg == 180
    assert calls == []


def test_accents_sit_above_letters_on_upright_pages_only(page: Image.Image) -> None:
    gray = preprocess.to_gray(degrade(page, rotate_deg=1.0, noise=6, seed=2))
    share, count = preprocess.mark_above_share(gray, 300)
    turned_share, turned_count = preprocess.mark_above_share(
        preprocess.rotate_quarters(gray, 180), 300
    )
    assert count >= preprocess.MARKS_MIN and turned_count >= preprocess.MARKS_MIN
    assert share >= preprocess.MARKS_UPRIGHT_SHARE > 0.5 > turned_share

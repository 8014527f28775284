"""Repaired words land inside the OCR boxes they came from; geometry inverts preprocessing."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.archival.geometry import page_geometry
from pipeline.archival.wordmap import place_words
from pipeline.document import Edit, Line, Page, Word
from pipeline.preprocess import deskew, rotate_quarters, upsample

CASES = json.loads(
    (Path(__file__).parent / "data" / "archival_wordmap_cases.json").read_text(encoding="utf-8")
)["cases"]


def _line(case: dict) -> Line:
    words = [Word(text, tuple(box), 90.0) for text, box in case["words"]]
    ocr = " ".join(w.text for w in words)
    return Line(
        "p1-l1",
        case["repaired"],
        words=words,
        original_text=ocr if ocr != case["repaired"] else None,
    )


@pytest.mark.parametrize("case", CASES, ids=[c["note"][:40] for c in CASES])
def test_repaired_tokens_stay_inside_their_ocr_words(case: dict) -> None:
    line = _line(case)
    placed = place_words(line)
    assert [p.text for p in placed] == [e[0] for e in case["expect"]]
    for word, (_, covered, changed) in zip(placed, case["expect"], strict=False):
        boxes = [case["words"][i][1] for i in covered]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        assert left - 0.01 <= word.bbox[0] < word.bbox[2] <= right + 0.01, (word, boxes)
        assert word.changed == changed
    xs = [p.bbox[0] for p in placed]
    assert xs == sorted(xs), "tokens keep their left-to-right order"


def test_split_word_shares_the_box_by_characters() -> None:
    line = _line(CASES[3])
    first, second, _ = place_words(line)
    assert first.bbox[2] <= second.bbox[0]
    assert first.bbox[0] == pytest.approx(100) and second.bbox[2] == pytest.approx(220)


def test_edit_confidence_becomes_the_word_confidence() -> None:
    line = _line(CASES[1])
    edits = [Edit("p1-l1", 4, 9, "nuroc", "nước", "ocr", 0.7, "horn read as ur")]
    placed = place_words(line, edits)
    assert placed[1].confidence == pytest.approx(0.7) and placed[1].edits == edits
    assert placed[0].confidence == pytest.approx(0.9)  # no edit recorded: Tesseract's confidence


def test_line_without_boxes_places_nothing() -> None:
    assert place_words(Line("p1-l1", "Căn cứ")) == []


def _dots(shape: tuple[int, int], points: list[tuple[int, int]]) -> np.ndarray:
    image = np.full(shape, 255, np.uint8)
    for x, y in points:
        cv2.circle(image, (x, y), 4, 0, -1)
    return image


def _centres(image: np.ndarray) -> list[tuple[float, float]]:
    n, _, _, centroids = cv2.connectedComponentsWithStats((image < 128).astype(np.uint8))
    return [tuple(c) for c in centroids[1:n]]


@pytest.mark.parametrize(
    "dpi, rotation, skew", [(300, 0, 0.0), (300, 90, 2.5), (200, 270, -4.0), (150, 180, 1.0)]
)
def test_geometry_inverts_the_real_preprocessing(dpi: int, rotation: int, skew: float) -> None:
    points = [(120, 150), (700, 200), (400, 900), (650, 1000)]
    original = _dots((1100, 800), points)
    image, new_dpi = upsample(original, dpi, 280)
    image = deskew(rotate_quarters(image, rotation), skew)
    page = Page(
        1,
        width=image.shape[1],
        height=image.shape[0],
        dpi=new_dpi,
        skew_deg=skew,
        rotation_deg=rotation,
    )
    geometry = page_geometry(page, (800, 1100))
    for cx, cy in _centres(image):
        x, y = geometry.point(cx, cy)
        assert min(np.hypot(x - px, y - py) for px, py in points) < 2.0

"""Phonology: decomposition, validity, tone placement styles, case, over the whole inventory."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from pipeline.repair import vietnamese as vi

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


PHONOLOGY = _rows("phonology.tsv")
TONE_STYLE = _rows("tone_style.tsv")


@pytest.mark.parametrize("case", PHONOLOGY, ids=[c["input"] for c in PHONOLOGY])
def test_phonology_cases(case: dict[str, str]) -> None:
    assert vi.is_valid_syllable(case["input"]) == (case["valid"] == "yes"), case["note"]
    if case["rhyme"]:
        assert vi.decompose(case["input"]) == (case["onset"], case["rhyme"], int(case["tone"]))


@pytest.mark.parametrize("case", TONE_STYLE, ids=[c["text"] for c in TONE_STYLE])
def test_tone_style_cases(case: dict[str, str]) -> None:
    assert vi.to_old_style(case["text"]) == case["old"], case["note"]
    assert vi.to_new_style(case["text"]) == case["new"], case["note"]


def test_inventory_round_trips() -> None:
    """Every valid syllable decomposes and composes back, in both styles and in capitals."""
    inventory = vi.all_valid_syllables()
    assert 12_000 < len(inventory) < 25_000
    for syllable in inventory:
        parts = vi.decompose(syllable)
        assert parts is not None, syllable
        assert vi.compose(*parts) == syllable
        new = vi.compose(*parts, style="new")
        assert vi.decompose(new) == parts
        assert vi.canonical(new) == syllable
        assert vi.canonical(syllable.upper()) == syllable
        assert vi.decompose(syllable.upper()) == parts
        assert vi.apply_case(syllable.upper(), vi.compose(*parts)) == syllable.upper()
        assert unicodedata.is_normalized("NFC", syllable)
        assert vi.strip_tone(syllable) == vi.compose(parts[0], parts[1], 0)


def test_inventory_has_common_syllables_and_no_stop_coda_level_tone() -> None:
    inventory = vi.all_valid_syllables()
    for word in ("nước", "đảng", "ủy", "hòa", "quyết", "nghiêng", "giữa", "gì", "khuỷu", "thuở"):
        assert word in inventory
    for word in ("hoà", "uỷ", "bàt", "bat", "ka", "ghà", "thiuc"):
        assert word not in inventory


def test_strip_marks_and_tone_keep_case() -> None:
    assert vi.strip_marks("ĐẢNG CỘNG SẢN Việt Nam") == "DANG CONG SAN Viet Nam"
    assert vi.strip_tone("Thành ủy Hải Phòng") == "Thanh uy Hai Phong"
    assert vi.strip_marks("đường") == "duong"
    # decomposed input is normalized first
    assert vi.strip_marks(unicodedata.normalize("NFD", "Nghị quyết")) == "Nghi quyet"


def test_uppercase_compose_restores_case_pattern() -> None:
    assert vi.decompose("ĐẢNG") == vi.decompose("đảng") == ("đ", "ang", 3)
    assert vi.apply_case("ĐANG", vi.compose("đ", "ang", 3)) == "ĐẢNG"
    assert vi.apply_case("Hoa", "hòa") == "Hòa"
    assert vi.apply_case("hoa", "hòa") == "hòa"
    assert vi.to_new_style("ỦY BAN") == "UỶ BAN"


def test_canonical_fixes_placement_and_case() -> None:
    assert vi.canonical("Hoà") == "hòa"
    assert vi.canonical("UỶ") == "ủy"
    assert vi.canonical("qúa") == "quá"
    assert vi.canonical("UBND") == "ubnd"  # not a syllable: just lowercased


def test_detect_style() -> None:
    assert vi.detect_style("Thành ủy, hòa bình, thủy lợi, Uỷ ban") == "old"
    assert vi.detect_style("Thành uỷ, hoà bình, thuỷ lợi, Ủy ban") == "new"
    assert vi.detect_style("Kế hoạch tuyên truyền năm 2024") is None


def test_tone_numbers() -> None:
    assert [vi.tone_of(w) for w in ("ba", "bá", "bà", "bả", "bã", "bạ")] == [0, 1, 2, 3, 4, 5]
    assert vi.TONES[vi.SAC] == "sắc" and vi.TONES[vi.NANG] == "nặng"


def test_doctests() -> None:
    import doctest

    from pipeline.repair import lm

    for module in (vi, lm):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__

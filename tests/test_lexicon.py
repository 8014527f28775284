"""Dictionary look-ups on the shipped dictionaries, and the builder on a tiny corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tiny_corpus import write_tiny_corpus

from pipeline.repair.lexicon import DICTIONARIES_DIR, Lexicon, get_lexicon
from pipeline.repair.vietnamese import all_valid_syllables, canonical, strip_marks

DATA = Path(__file__).parent / "data"

with open(DATA / "lexicon_cases.tsv", encoding="utf-8", newline="") as _handle:
    CASES = list(csv.DictReader(_handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return get_lexicon()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['input']}" for c in CASES])
def test_lexicon_cases(lexicon: Lexicon, case: dict[str, str]) -> None:
    kind, text, expected = case["kind"], case["input"], case["expected"]
    if kind == "variant_top":
        if text == "dang":
            forms = [s for s, _ in lexicon.variants(text)]
            assert {"đăng", "đang", "đảng", "dạng", "dáng"} <= set(forms)
        else:
            assert lexicon.variants(text)[0][0] == expected, case["note"]
    elif kind == "word":
        assert lexicon.is_word(text.split()) == (expected == "yes"), case["note"]
    elif kind == "abbreviation":
        assert lexicon.is_abbreviation(text) == (expected == "yes"), case["note"]
    elif kind == "syllable":
        assert lexicon.is_syllable(text) == (expected == "yes"), case["note"]
    else:  # pragma: no cover - data file error
        raise AssertionError(f"unknown kind {kind}")


def test_variants_sorted_and_complete(lexicon: Lexicon) -> None:
    inventory = all_valid_syllables()
    assert lexicon.bases == {strip_marks(s) for s in inventory}
    for base in ("nuoc", "dang", "uy", "nghieng", "quyet"):
        variants = lexicon.variants(base)
        freqs = [f for _, f in variants]
        assert freqs == sorted(freqs, reverse=True)
        assert all(strip_marks(s) == base for s, _ in variants)
    assert lexicon.variants("NUOC") == lexicon.variants("nuoc") == lexicon.variants("nước")
    assert lexicon.variants("xyzq") == []


def test_frequencies_use_canonical_keys(lexicon: Lexicon) -> None:
    assert lexicon.syllable_freq("ủy") > 1000
    assert lexicon.syllable_freq("UỶ") == lexicon.syllable_freq("ủy")
    assert lexicon.syllable_freq("thiuc") == 0
    assert lexicon.is_attested("nước") and not lexicon.is_attested("nuốc")
    assert lexicon.word_count(["quy", "định"]) > 100


def test_shipped_files_are_canonical() -> None:
    """Every syllable in the shipped files is lowercase, NFC and old-style."""
    lines = (DICTIONARIES_DIR / "syllables.tsv").read_text(encoding="utf-8").splitlines()[1:]
    syllables = [line.split("\t")[0] for line in lines]
    assert len(syllables) == len(set(syllables))
    assert all(canonical(s) == s for s in syllables)
    assert set(syllables) == set(all_valid_syllables())
    words = (DICTIONARIES_DIR / "words.txt").read_text(encoding="utf-8").splitlines()[1:2000]
    for line in words:
        word = line.split("\t")[0]
        assert " ".join(canonical(s) for s in word.split()) == word


def test_domain_terms(lexicon: Lexicon) -> None:
    assert lexicon.is_domain_term("Ủy ban nhân dân")
    assert lexicon.is_domain_term("Uỷ ban Nhân dân")  # case and style insensitive
    assert lexicon.is_domain_term("Ban Chấp hành Trung ương")
    assert not lexicon.is_domain_term("Ủy ban nhân")


def test_build_dictionaries_on_tiny_corpus(tmp_path: Path) -> None:
    from pipeline.resources.build_lexicon import build_dictionaries

    corpus = write_tiny_corpus(tmp_path / "corpus")
    counts = build_dictionaries(corpus, tmp_path / "dictionaries")
    assert counts["syllables.tsv"] == len(all_valid_syllables())
    built = Lexicon.load(tmp_path / "dictionaries")
    assert built.syllable_freq("triển") > 0 and built.syllable_freq("hòa") > 0
    assert built.variants("trien")[0][0] == "triển"
    assert built.is_abbreviation("UBND") and built.is_abbreviation("HĐND")
    assert built.is_word(["triển", "khai"])
    # capitals right after a word are counted (names, titled bodies), sentence starts are not
    capitals = (tmp_path / "dictionaries" / "capitalized.tsv").read_text(encoding="utf-8")
    assert capitals.startswith("syllable\tcount\n") and counts["capitalized.tsv"] > 0
    assert all(canonical(row.split("\t")[0]) == row.split("\t")[0]
               for row in capitals.splitlines()[1:])
    assert Lexicon.load(DICTIONARIES_DIR).capitalized_count("anh") > 100

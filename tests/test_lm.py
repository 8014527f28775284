"""The shipped KenLM models, the LM tokenizer, and the model builder on a tiny corpus."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from pipeline.corpus import default_corpus_dir
from pipeline.repair.lm import (
    CODE,
    NUM,
    LanguageModel,
    get_language_model,
    lm_token,
    lm_tokens,
    split_tokens,
)

DATA = Path(__file__).parent / "data"

with open(DATA / "lm_sentences.tsv", encoding="utf-8", newline="") as _handle:
    PAIRS = list(csv.DictReader(_handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def lm() -> LanguageModel:
    return get_language_model("syllable")


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("Uỷ", "ủy"), ("HOÀ", "hòa"), ("2024", NUM), ("1.000.000", NUM), ("19/12/2023", NUM),
        ("70-HD/BTGTU", CODE), ("QH15", CODE), ("b/c", CODE), ("UBND", "ubnd"), ("“", '"'),
        ("–", "-"), ("…", "..."), (",", ","),
    ],
)
def test_lm_token(surface: str, expected: str) -> None:
    assert lm_token(surface) == expected


def test_split_tokens_keeps_codes_and_splits_punctuation() -> None:
    assert split_tokens("Số 10-NQ/TU, ngày 01/12/2023; kinh tế - xã hội.") == [
        "Số", "10-NQ/TU", ",", "ngày", "01/12/2023", ";", "kinh", "tế", "-", "xã", "hội", "."]
    assert lm_tokens("Thành Uỷ", marks=False) == ["thanh", "uy"]


def test_models_load_with_expected_order(lm: LanguageModel) -> None:
    assert lm.order == 6 and lm.marks
    base = get_language_model("base")
    assert base.order == 4 and not base.marks
    assert "ủy" in lm and "uỷ" not in lm  # canonical old style only
    assert "uy" in base and "ủy" not in base


@pytest.mark.parametrize("pair", PAIRS, ids=[p["note"] for p in PAIRS])
def test_prefers_correct_directive_sentence(lm: LanguageModel, pair: dict[str, str]) -> None:
    good = lm.score_text(pair["correct"])
    bad = lm.score_text(pair["damaged"])
    assert good > bad + 1.0, f"{pair['note']}: {good:.2f} vs {bad:.2f}"


def test_advance_matches_score_sentence(lm: LanguageModel) -> None:
    tokens = lm_tokens(PAIRS[0]["correct"])
    state = lm.begin_state()
    total = 0.0
    for token in tokens:
        score, state = lm.advance(state, token)
        total += score
    total += lm.end_score(state)
    assert math.isclose(total, lm.score_sentence(tokens), abs_tol=1e-3)
    # without <s>: the null context scores differently
    null_total = sum(lm.advance(lm.null_state(), t)[0] for t in tokens[:1])
    assert null_total != lm.advance(lm.begin_state(), tokens[0])[0]


def test_base_model_scores_stripped_text() -> None:
    base = get_language_model("base")
    text = "Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này."
    shuffled = "này quyết Nghị hiện thực chức tổ tỉnh dân nhân ban Ủy."
    assert base.score_text(text) > base.score_text(shuffled) + 5


def test_missing_model_is_a_vidoc_error(tmp_path: Path) -> None:
    from pipeline.errors import MissingDependencyError

    with pytest.raises(MissingDependencyError, match="language model not found"):
        LanguageModel.load(tmp_path / "nothing.binary")


@pytest.mark.corpus
def test_heldout_perplexity_is_low(lm: LanguageModel) -> None:
    corpus = default_corpus_dir()
    if corpus is None:
        pytest.skip("no ../shared/corpus")
    from pipeline.resources.build_lm import corpus_sentences

    sentences = []
    for sentence in corpus_sentences(corpus, heldout=True):
        sentences.append(lm_tokens(sentence))
        if len(sentences) >= 2000:
            break
    assert lm.perplexity(sentences) < 30


def test_build_tiny_model(tmp_path: Path) -> None:
    from pipeline.errors import MissingDependencyError
    from pipeline.resources.build_lm import LmSpec, build_lm, find_kenlm_tool

    try:
        find_kenlm_tool("lmplz")
    except MissingDependencyError:
        pytest.skip("KenLM lmplz not built (see models/README.md)")
    from tiny_corpus import write_tiny_corpus

    corpus = write_tiny_corpus(tmp_path / "corpus")
    path = build_lm(corpus, tmp_path / "models", LmSpec("tiny3.binary", 3, (0, 0, 0), True),
                    work_dir=tmp_path)
    tiny = LanguageModel.load(path)
    assert tiny.order == 3 and "triển" in tiny
    assert tiny.score_text("triển khai thực hiện") > tiny.score_text("thực khai triển hiện")


def test_split_sentences_only_before_capitals() -> None:
    from pipeline.resources.build_lm import split_sentences

    assert split_sentences("Điều 1. Phạm vi điều chỉnh. các cấp, v.v. và Ủy ban.") == [
        "Điều 1.", "Phạm vi điều chỉnh. các cấp, v.v. và Ủy ban."]
    assert split_sentences("Xong! “Trích dẫn”") == ["Xong!", "“Trích dẫn”"]

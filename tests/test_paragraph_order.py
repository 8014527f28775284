"""The paragraph-break model: how a line is described, where it applies, what it learned."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tiny_corpus import write_tiny_corpus

from pipeline.repair.line_cues import line_cues
from pipeline.repair.paragraph_order import (
    MODEL_PATH,
    ParagraphOrderModel,
    break_side,
    is_break,
)


@pytest.mark.parametrize(("text", "kind", "opener", "end"), [
    ("Điều 5. Trách nhiệm thi hành", "articleN", "", "none"),
    ("1. Các sở, ngành triển khai thực hiện.", "arabic1", "", "dot"),
    ("b) Hướng dẫn việc chi trả;", "letterN", "", "semi"),
    ("- Phối hợp với các cơ quan liên quan:", "dash-", "phoi hop", "colon"),
    ("Căn cứ Luật Tổ chức chính quyền địa phương;", "upper", "can cu", "semi"),
    ("Can cu Luat To chuc chinh quyen dia phuong;", "upper", "can cu", "semi"),
    ("tổ chức thực hiện, báo cáo kết quả./.", "lower", "", "final"),
    ("QUYẾT ĐỊNH:", "caps", "quyet dinh", "colon"),
])
def test_break_side_reads_the_label_the_first_words_and_the_last_mark(
        text: str, kind: str, opener: str, end: str) -> None:
    side = break_side(line_cues(text))
    assert (side.kind, side.opener, side.end) == (kind, opener, end)


@pytest.mark.parametrize(("above", "below", "expected"), [
    ("bảo đảm an ninh trên địa bàn.", "Các sở, ngành triển khai thực hiện.", True),
    ("Điều 5. Trách nhiệm thi hành", "1. Các sở, ngành triển khai thực hiện.", True),
    ("QUYẾT ĐỊNH:", "Điều 1. Ban hành kèm theo Quyết định này", True),
    ("các sở, ngành triển khai thực hiện trong", "Các sở, ngành triển khai.", False),
    ("bảo đảm an ninh trên địa bàn.", "thực hiện theo quy định.", False),
])
def test_the_model_applies_only_where_the_layout_makes_a_plain_break(
        above: str, below: str, expected: bool) -> None:
    assert is_break(line_cues(above), line_cues(below)) is expected


@pytest.mark.skipif(not MODEL_PATH.exists(), reason="models/paragraph_order.json not built")
def test_the_shipped_model_knows_what_follows_a_heading_and_a_lead_in() -> None:
    model = ParagraphOrderModel.load(MODEL_PATH)

    def score(above: str, below: str) -> float:
        return model.score(break_side(line_cues(above)), break_side(line_cues(below)))

    article = "Điều 7. Trách nhiệm của các cơ quan, đơn vị"
    assert score(article, "1. Sở Tài chính chủ trì, phối hợp thực hiện.") > score(
        article, "2. Sở Tài chính chủ trì, phối hợp thực hiện.")
    lead_in = "Các cơ quan có trách nhiệm thực hiện các nội dung sau:"
    assert score(lead_in, "a) Rà soát các thủ tục hành chính;") > score(
        lead_in, "Điều 8. Hiệu lực thi hành")
    closing = "Trong quá trình thực hiện, nếu có vướng mắc, báo cáo về Sở Nội vụ./."
    assert score("Kế hoạch này được phổ biến đến các cơ quan.", closing) > score(
        closing, "- Các sở, ngành triển khai thực hiện nghiêm túc.")


def test_the_builder_learns_the_written_order_of_a_tiny_corpus(tmp_path: Path) -> None:
    from pipeline.resources.build_paragraph_order import (
        accuracy_table,
        build,
        order_pairs,
        training_documents,
    )

    corpus = write_tiny_corpus(tmp_path / "corpus")
    out = tmp_path / "paragraph_order.json"
    model = build(corpus, out)
    assert model.weights and ParagraphOrderModel.load(out).weights == pytest.approx(
        {name: round(value, 4) for name, value in model.weights.items()})
    documents = [paragraphs for _, paragraphs in training_documents(corpus, random.Random(1))]
    pairs = order_pairs(documents, model.openers)
    assert pairs
    _, decided, right = accuracy_table(model.weights, pairs)[0]
    assert decided > 0.5 and right > 0.9

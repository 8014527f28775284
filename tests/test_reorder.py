"""Line-order repair: data-file cases, the seed sample, and the Document stage."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from pipeline.document import Document, Line, Page
from pipeline.repair.line_cues import Enumerator, line_cues

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests" / "data" / "reorder" / "cases.json").read_text(encoding="utf-8"))
SAMPLE = ROOT / "samples" / "garbled_ocr.txt"


def _lm_available() -> bool:
    try:
        from pipeline.repair.reorder import default_boundary_lm

        default_boundary_lm()
    except Exception:
        return False
    return True


needs_lm = pytest.mark.skipif(not _lm_available(), reason="models/base4.binary not built")


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


# -- cues -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "enumerator", "starts", "continues"), [
    ("II. NOI DUNG TUYEN TRUYEN", Enumerator("roman", 2), True, False),
    ("1. Lam ro nhung kho khan", Enumerator("arabic", 1), True, False),
    ("đ) Chỉ đạo cơ quan tiếp nhận", Enumerator("letter", 5), True, False),
    ("ø) Thanh toán chi phí", Enumerator("letter", 7), True, False),  # Tesseract's "g)"
    ("¡) Thực hiện chế độ báo cáo", Enumerator("letter", 9), True, False),  # and its "i)"
    ("Điều 12. Hiệu lực thi hành", Enumerator("article", 12), True, False),
    ("15.2. Trường hợp cần thiết, trước khi", Enumerator("decimal2", 2, 15), True, False),
    ("2.3.1 Về tổ chức bộ máy", Enumerator("decimal3", 1, 3), True, False),
    ("IV.24. Quy hoạch điều tra cơ bản địa chất", Enumerator("roman_decimal", 24, 4), True, False),
    ("1.000 người tham gia tập huấn", None, False, True),  # a number, not a label
    ("Điều 9 Nghị định này được thanh toán", None, False, False),  # a wrapped reference
    ("Chương II QUY ĐỊNH CHUNG", Enumerator("chapter", 2), True, False),
    ("- Trong bối cảnh tình hình", None, True, False),
    ("- xã hội của địa phương", None, False, True),  # a wrapped "kinh tế - xã hội"
    ("quyền con người, trong thực hiện", None, False, True),
    ("…, ngày … tháng … năm …", None, False, False),  # opens with a form's blank, not a word
    ("........, ngày .... tháng", None, False, False),
    ("Quốc hội đã cụ thể hóa", None, False, False),
])
def test_line_cues(text: str, enumerator: Enumerator | None, starts: bool, continues: bool) -> None:
    cues = line_cues(text)
    assert cues.enumerator == enumerator
    assert cues.starts_paragraph is starts
    assert cues.continues_paragraph is continues


def _numbering_misses(texts: list[str]) -> list[bool]:
    """numbering_misses of lines as read (labels only: the page needs no link table)."""
    from pipeline.repair.order_search import SearchPage, numbering_misses

    labels = [line_cues(text).enumerator for text in texts]
    return numbering_misses(SearchPage(None, [0] * len(texts), labels))  # type: ignore[arg-type]


def test_article_word_misread_by_one_letter_is_still_a_label() -> None:
    """OCR prints "Điều 5." as "Die 5." or "Dleu 8."; references and other words stay out."""
    from pipeline.repair.line_cues import Enumerator, find_enumerator

    assert find_enumerator("Die 5. Kê khai giá")[0] == Enumerator("article", 5)
    assert find_enumerator("Dleu 8. Tong hop, phan tich")[0] == Enumerator("article", 8)
    assert find_enumerator("Dieeu 8. Cac truong hop")[0] == Enumerator("article", 8)
    assert find_enumerator("Dân 5. Kê khai")[0] is None  # two letters away
    assert find_enumerator("Die 9 Nghị định này quy định")[0] is None  # a reference goes on
    assert find_enumerator("die 5. kê khai")[0] is None  # a heading starts with a capital


def test_numbering_misses_follow_multi_level_labels() -> None:
    misses = _numbering_misses
    assert misses(["15. Thời gian", "15.1. HSDT", "15.2. Trường hợp", "16. Quy cách"]) == [False] * 4
    assert misses(["15. Thời gian", "15.1. HSDT", "16. Quy cách", "15.2. Trường hợp"])[-1]
    assert misses(["15.2. Gia hạn", "16.1. Nhà thầu"]) == [False, False]  # opens the next parent
    assert misses(["a) Một", "c) Ba", "b) Hai", "d) Bốn"]) == [False, True, True, True]
    assert misses(["c) Ba", "d) Bon", "d) Nam", "e) Sau"]) == [False] * 4  # "đ)" stripped to "d)"
    assert misses(["c) Ba", "d) Bon", "d) Nam", "d) Bay"])[-1]


def test_sub_sections_numbered_after_their_roman_part() -> None:
    """"IV.24." sits under "IV." and over "1.": its items restart, its parent must match."""
    misses = _numbering_misses
    assert misses(["IV. NỘI DUNG", "IV.1. Quy hoạch", "1. Về sơ đồ", "2. Về sơ đồ",
                   "IV.2. Quy hoạch", "1. Về sơ đồ"]) == [False] * 6
    assert misses(["IV.24. Quy hoạch", "1. Về sơ đồ", "IV.25. Quy hoạch", "2. Về sơ đồ"])[-1]
    assert misses(["IV. NỘI DUNG", "VI.1. Quy hoạch"])[-1]  # under the wrong part


def test_articles_and_chapters_are_numbered_through_their_headings() -> None:
    """Điều runs on through Mục/Chương/Phần and Chương through Phần; Mục restarts."""
    misses = _numbering_misses
    assert misses(["Điều 12. Hiệu lực", "Chương IV TỔ CHỨC", "Điều 13. Thi hành"]) == [False] * 3
    assert misses(["Điều 13. Nhiệm vụ", "Mục 4", "Điều 14. Những việc cấm"]) == [False] * 3
    assert misses(["Chương IV. Biểu mẫu", "Phần 2. ĐIỀU KHOẢN", "Chương V. Phụ lục"]) == [False] * 3
    assert misses(["Chương I", "Mục 1", "Mục 2", "Chương II", "Mục 1"]) == [False] * 5
    assert misses(["Điều 13. Thi hành", "Mục 4", "Điều 12. Hiệu lực"])[-1]  # still a miss


def test_a_line_running_on_into_its_first_sub_label_holds_that_label() -> None:
    """A flattened "3. Xếp loại a) Loại tốt: …" is followed by "b)": no numbering break."""
    misses = _numbering_misses
    assert misses(["2. Đánh giá", "3. Xếp loại a) Loại tốt: từ 85 điểm", "b) Loại khá",
                   "c) Loại trung bình"]) == [False] * 4
    assert misses(["Điều 8. Về quản lý 1. Việc hỗ trợ", "2. Việc khác"]) == [False, False]
    assert misses(["3. Xếp loại a) Loại tốt", "c) Loại trung bình"])[-1]  # "b)" is missing
    assert misses(["1. Theo a) khoản", "b) Hai"])[-1]  # a lowercase word: no label
    assert misses(["a) Mục 1. Khác", "2. Hai"]) == [False, False]  # "1." is not under "a)"


# -- data-file cases --------------------------------------------------------------------------

@needs_lm
@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_reorder_case(case: dict) -> None:
    from pipeline.repair.reorder import reorder_lines

    result = reorder_lines(case["input"])
    restored = [case["input"][k] for k in result.order]
    ok = [x for x in restored if x] == [x for x in case["expected"] if x]
    if case.get("strict", True):
        assert ok, f"{case['id']}: {case['note']}\n" + "\n".join(restored)
    else:  # a known failure: tell us when it starts passing
        assert not ok, f"{case['id']} now passes: mark it strict"
    if case["input"] == case["expected"]:
        assert not result.changed and result.spans == []
    else:
        assert result.spans and all(0.0 < conf <= 1.0 for _, _, conf in result.spans)
    assert sorted(result.order) == list(range(len(case["input"])))


@needs_lm
def test_blank_lines_stay_between_blocks() -> None:
    from pipeline.repair.reorder import reorder_lines

    case = next(c for c in CASES if c["id"] == "region-bottom-up")
    result = reorder_lines(case["input"])
    restored = [case["input"][k] for k in result.order]
    assert restored == case["expected"]


# -- the seed sample --------------------------------------------------------------------------

@needs_lm
def test_sample_damaged_section_comes_back_in_order() -> None:
    """The sample's upside-down section: heading, "1." item (1, 4, 3, 2), then three bullets."""
    from pipeline.repair.reorder import reorder_lines

    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    result = reorder_lines(lines)
    restored = [_fold(lines[k]) for k in result.order]
    # lines are compared mark-free, so the test does not depend on diacritic restoration
    keys = ["ii. noi dung tuyen truyen", "1. lam ro", "khu vuc va truong nuroc nam 2023",
            "no luc cua da bang", "trien khai cac nhiem vu phat trien",
            "- tu dau nam 2023", "nhiem thach thiuc", "truong nuroc, tinh hinh kinh te",
            "phuc tap, gay nang ne", "- trong boi canh", "ket luan so 42-kl/tw",
            "quoc hoi da cu the hoa"]
    positions = [next(i for i, text in enumerate(restored) if text.startswith(key)) for key in keys]
    assert positions == sorted(positions), list(zip(keys, positions, strict=True))
    # "1. Lam ro ..." has its four lines together and in order
    first = positions[1]
    assert [restored[first + k][:12] for k in range(4)] == [
        "1. lam ro nh", "khu vuc va t", "no luc cua d", "trien khai c"]
    # nothing outside the damaged section moved
    damaged = range(33, 75)
    for position, index in enumerate(result.order):
        if index not in damaged:
            assert position == index


LONG_PASSAGE = (ROOT / "tests" / "data" / "reorder" / "long_passage.txt").read_text(
    encoding="utf-8").rstrip("\n").split("\n")


@needs_lm
@pytest.mark.parametrize("stripped", [False, True])
def test_a_passage_read_bottom_up_over_several_spans_is_put_back_whole(stripped: bool) -> None:
    """Searched in pieces (spans of 24 lines here), each piece is put right inside; the
    pieces must also come back in their order, as one reversal of the whole passage."""
    from dataclasses import replace

    from pipeline.repair.reorder import ReorderSettings, reorder_lines
    from pipeline.repair.vietnamese import strip_marks

    lines = [strip_marks(line) for line in LONG_PASSAGE] if stripped else LONG_PASSAGE
    damaged = lines[::-1]
    settings = replace(ReorderSettings(), max_span=24)
    result = reorder_lines(damaged, settings=settings)
    assert [damaged[k] for k in result.order] == lines
    assert any("pieces of one passage joined" in event for event in result.events)
    unjoined = reorder_lines(damaged, settings=replace(settings, join_gap=-1))
    assert [damaged[k] for k in unjoined.order] != lines  # what the joining mends


@needs_lm
def test_two_paragraphs_reversed_apart_are_not_joined() -> None:
    """Two reversals in separate spans are two damages: each is undone where it is."""
    from dataclasses import replace

    from pipeline.repair.reorder import ReorderSettings, reorder_lines

    damaged = list(LONG_PASSAGE)
    for first, end in ((8, 11), (18, 21)):
        damaged[first:end] = damaged[first:end][::-1]
    result = reorder_lines(damaged, settings=replace(ReorderSettings(), max_span=12))
    assert [damaged[k] for k in result.order] == LONG_PASSAGE
    assert len(result.spans) == 2
    assert not any("joined" in event for event in result.events)


def _paragraphs_of_three_lines(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) of each run of 3 or more lines between blank lines."""
    runs, start = [], None
    for index, line in enumerate([*lines, ""]):
        if line and start is None:
            start = index
        elif not line and start is not None:
            if index - start >= 3:
                runs.append((start, index))
            start = None
    return runs


@needs_lm
@pytest.mark.parametrize("blank_lines", [True, False])
@pytest.mark.parametrize("stripped", [False, True])
@pytest.mark.parametrize("pair", [(5, 7), (0, 3)])
def test_two_paragraphs_reversed_with_clean_text_between_are_undone_in_place(
        pair: tuple[int, int], stripped: bool, blank_lines: bool) -> None:
    """One search span holds both: a region read bottom-up explains them at one reversal's
    prior, but it moves the clean paragraphs between (their blocks in reverse order). Pair
    (0, 3), without blank lines: a heading stays over its paragraph, where reversing the
    heading with it reads about as well as one event but worse than two."""
    from dataclasses import replace

    from pipeline.repair.reorder import ReorderSettings, reorder_lines
    from pipeline.repair.vietnamese import strip_marks

    lines = LONG_PASSAGE if blank_lines else [line for line in LONG_PASSAGE if line]
    paragraphs = _paragraphs_of_three_lines(LONG_PASSAGE)
    if not blank_lines:  # the same paragraphs, counted without the blank lines
        kept = [index for index, line in enumerate(LONG_PASSAGE) if line]
        paragraphs = [(kept.index(a), kept.index(b - 1) + 1) for a, b in paragraphs]
    damaged = [strip_marks(line) for line in lines] if stripped else list(lines)
    truth = list(damaged)
    for first, end in (paragraphs[pair[0]], paragraphs[pair[1]]):
        damaged[first:end] = damaged[first:end][::-1]
    result = reorder_lines(damaged)
    assert [damaged[k] for k in result.order] == truth
    if pair == (5, 7):
        assert any("runs reversed in place" in event for event in result.events)
        without = reorder_lines(damaged, settings=replace(ReorderSettings(), runs_in_place=False))
        assert [damaged[k] for k in without.order] != truth  # what the event mends


@needs_lm
def test_a_paragraphs_short_last_line_moves_as_running_text() -> None:
    """A lowercase tail ("tổng hợp, báo cáo.") is text, not a header stub: it may move."""
    from pipeline.repair.reorder import reorder_lines

    truth = [
        "Điều 5. Trách nhiệm thi hành",
        "1. Các cơ quan, đơn vị có trách nhiệm tổ chức triển khai thực hiện kế hoạch này và",
        "báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 hằng năm để",
        "tổng hợp, báo cáo.",
        "2. Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan hướng dẫn thực hiện.",
    ]
    lines = [truth[k] for k in (0, 1, 3, 2, 4)]  # the tail read before the line it ends
    result = reorder_lines(lines)
    assert [lines[k] for k in result.order] == truth


# -- the Document stage -----------------------------------------------------------------------

@needs_lm
def test_reorder_document_records_edits_and_keeps_ids() -> None:
    from pipeline.repair.reorder import reorder_document

    case = next(c for c in CASES if c["id"] == "full-reversal-stripped")
    lines = [Line(id=f"p1-l{n}", text=text) for n, text in enumerate(case["input"], start=1)]
    by_id = {line.id: line.text for line in lines}
    document = Document(source="case.txt", kind="text", pages=[Page(number=1, lines=list(lines))])
    reorder_document(document)
    assert [line.text for line in document.pages[0].lines] == case["expected"]
    assert all(by_id[line.id] == line.text for line in document.pages[0].lines)
    edits = [edit for edit in document.edits if edit.kind == "reorder"]
    assert edits and all(edit.start == edit.end == 0 for edit in edits)
    for edit in edits:
        old, new = int(edit.before), int(edit.after)
        assert lines[old - 1].id == edit.line_id
        assert document.pages[0].lines[new - 1].id == edit.line_id
        assert 0.0 < edit.confidence <= 1.0 and edit.reason


@needs_lm
def test_reorder_document_leaves_clean_text_alone() -> None:
    from pipeline.repair.reorder import reorder_document

    case = next(c for c in CASES if c["id"] == "clean-wrapped")
    lines = [Line(id=f"p1-l{n}", text=text) for n, text in enumerate(case["input"], start=1)]
    document = Document(source="clean.txt", kind="text", pages=[Page(number=1, lines=list(lines))])
    reorder_document(document)
    assert document.pages[0].lines == lines
    assert document.edits == []


# -- link cues and the restored reading -------------------------------------------------------

def test_empty_heading_cue() -> None:
    """A numbered heading right before the next label of its level would head nothing."""
    from pipeline.repair.line_links import LinkTable

    texts = ["6. Cơ quan thực hiện thủ tục hành chính",
             "Sở Công Thương và Ủy ban nhân dân cấp huyện theo phân cấp quản lý hiện hành.",
             "7. Thời hạn giải quyết",
             "a) Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ theo quy định."]
    table = LinkTable(texts, lm=None)  # cues only: no LM call is made
    assert table.empty_heading(0, 2)  # "6. heading" then "7." at once
    assert not table.empty_heading(0, 1)  # the heading's own content
    assert not table.empty_heading(2, 3)  # "a)" is deeper: the heading's first point
    assert not table.empty_heading(1, 2)  # a sentence is no heading


def test_only_a_line_that_can_open_a_paragraph_stays_on_top_of_a_reversed_block() -> None:
    """The kept head is its paragraph's first line: a lowercase line only continues one."""
    from itertools import takewhile

    from pipeline.repair.line_links import LinkTable
    from pipeline.repair.order_search import (
        ReorderSettings,
        SearchPage,
        SpanContext,
        can_head,
        candidates,
    )

    texts = ["kiểm tra việc thực hiện các quy định về phòng cháy, chữa cháy tại cơ sở.",
             "Công an tỉnh chủ trì, phối hợp với các sở, ngành và Ủy ban nhân dân cấp",
             "huyện tổ chức tuyên truyền, hướng dẫn người dân và doanh nghiệp thường xuyên",
             "- Sở Xây dựng rà soát các công trình nhà ở, nhà xưởng chưa bảo đảm an toàn;"]
    table = LinkTable(texts, lm=None)  # cues only: no LM call is made
    page = SearchPage(table, [0] * len(texts), [cue.enumerator for cue in table.cues])
    assert not can_head(page, 0) and can_head(page, 3)
    context = SpanContext(before=None, after=None, counters=(), following=[])
    reversals = takewhile(lambda c: c.event != "blocks exchanged",  # (they come first)
                          candidates(page, [0, 1, 2, 3], context, ReorderSettings()))
    kept = [c.lines for c in reversals if c.event == "reversed under kept head"]
    assert [0, 1, 3, 2] in kept  # "Công an tỉnh …" may have stayed on top of 1-3
    assert [0, 3, 2, 1] not in kept and [0, 2, 1, 3] not in kept  # "kiểm tra …" never


def test_numbered_lead_in_announces_content() -> None:
    """A numbered line ending in a colon, however long, is not followed by its next sibling."""
    from pipeline.repair.line_links import LinkTable

    texts = ["2. Thỏa thuận liên danh chấm dứt hiệu lực trong các trường hợp sau đây:",
             "a) Các bên hoàn thành trách nhiệm, nghĩa vụ và tiến hành thanh lý hợp đồng;",
             "3. Thỏa thuận liên danh được lập thành 02 bản có giá trị pháp lý như nhau."]
    table = LinkTable(texts, lm=None)  # cues only: no LM call is made
    assert table.empty_heading(0, 2)  # the lead-in, then "3." at once: it announced nothing
    assert not table.empty_heading(0, 1)  # its first point
    assert not table.empty_heading(2, 0)  # a long numbered sentence is no heading
    long_title = LinkTable(["Điều 16. Bầu cử, phê chuẩn, bổ nhiệm, chỉ định chức vụ, chức danh",
                            "Điều 17. Thực hiện quản lý đối với cán bộ"], lm=None)
    assert long_title.empty_heading(0, 1)  # an article always has content, however long its title


def test_a_line_with_room_for_the_next_word_was_not_wrapped_before_it() -> None:
    """A wrapped line is cut where the next word no longer fits; one that had room ends there."""
    from pipeline.repair.line_links import LinkTable

    texts = ["Cấp Giấy chứng nhận xuất xứ hàng hóa (C/O) ưu đãi mẫu AK",
             "1. Trình tự thực hiện",
             "- Thương nhân khai báo hồ sơ đăng ký thương nhân lần đầu qua Hệ thống quản",
             "lý và cấp chứng nhận xuất xứ điện tử (eCoSys) của Bộ Công Thương tại địa chỉ",
             "www.ecosys.gov.vn."]
    table = LinkTable(texts, lm=None)  # cues only: no LM call is made
    assert not table.is_short(0)  # long enough to pass for a full line ...
    assert table.fits(0, 1)  # ... but "1." would have fitted after "mẫu AK"
    assert not table.fits(2, 3)  # "lý" did not fit: a wrapped line


def test_closing_mark_ends_the_text() -> None:
    """After "./." comes the signature block or "Nơi nhận:", never another list item."""
    from pipeline.repair.line_links import LinkTable

    texts = ["Trong quá trình thực hiện, nếu có vướng mắc, kịp thời phản ánh để xem xét./.",
             "- Doanh nghiệp viễn thông bảo đảm kinh phí thực hiện các nhiệm vụ của Kế hoạch.",
             "Nơi nhận:"]
    table = LinkTable(texts, lm=None)  # cues only: no LM call is made
    assert table.closes_text(0) and not table.closes_text(1)
    assert table.cues[1].item and not table.cues[2].item


def test_a_full_capitals_line_wraps_onto_a_line_opening_in_capitals() -> None:
    """A title in capitals runs on over lines; a short capitals line ends where it ends."""
    from pipeline.repair.line_links import LinkTable

    texts = ["KẾ HOẠCH TRIỂN KHAI CHƯƠNG TRÌNH CHUYỂN ĐỔI SỐ TRONG CÁC CƠ QUAN NHÀ NƯỚC",
             "CỦA TỈNH GIAI ĐOẠN 2026 - 2030 (Kèm theo Quyết định số 15/QĐ-UBND)",
             "QUYẾT ĐỊNH",
             "Về việc ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh nhiệm kỳ 2026 - 2031",
             "CHƯƠNG TRÌNH HÀNH ĐỘNG THỰC HIỆN NGHỊ QUYẾT CỦA BAN CHẤP HÀNH TRUNG ƯƠNG",
             "I. MỤC ĐÍCH, YÊU CẦU CỦA VIỆC THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA TỈNH"]
    table = LinkTable(texts, lm=None)  # cues only: no LM call is made
    assert table.caps_run_on(0, 1) and not table.neutral(0, 1)  # read on into "CỦA TỈNH"
    assert not table.caps_run_on(2, 3) and table.neutral(2, 3)  # a short heading, then a line
    assert not table.caps_run_on(2, 4)  # "QUYẾT ĐỊNH" is short: it wraps onto nothing
    assert not table.caps_run_on(4, 5) and table.neutral(4, 5)  # "I." opens a section
    assert not table.caps_run_on(1, 2)  # line 1 is not in capitals


@needs_lm
def test_closing_mark_then_list_item_costs_the_weight() -> None:
    from dataclasses import replace

    from pipeline.repair.line_links import LinkTable, LinkWeights
    from pipeline.repair.reorder import default_boundary_lm

    lm, tokenize = default_boundary_lm()
    texts = ["Trong quá trình thực hiện, nếu có vướng mắc, kịp thời phản ánh để xem xét./.",
             "- Doanh nghiệp viễn thông bảo đảm kinh phí thực hiện các nhiệm vụ của Kế hoạch.",
             "Nơi nhận:"]
    weighed = LinkTable(texts, lm, LinkWeights(), tokenize=tokenize)
    plain = LinkTable(texts, lm, replace(LinkWeights(), closed_item=0.0), tokenize=tokenize)
    assert weighed.link(0, 1) == pytest.approx(plain.link(0, 1) - LinkWeights().closed_item)
    assert weighed.link(0, 2) == pytest.approx(plain.link(0, 2))  # the recipients may follow


def _restored_available() -> bool:
    try:
        from pipeline.repair.reorder import default_restored_lm

        default_restored_lm()
    except Exception:
        return False
    return True


@needs_lm
@pytest.mark.skipif(not _restored_available(), reason="accented LM or repair resources missing")
def test_restore_first_reads_only_searched_lines() -> None:
    """Restore-first restores the lines of searched spans, not the whole page."""
    from dataclasses import replace

    from pipeline.repair.reorder import (
        ReorderSettings,
        RestoredLM,
        default_restored_lm,
        reorder_lines,
    )

    case = next(c for c in CASES if c["id"] == "full-reversal-stripped")
    page = case["expected"][:1] + [""] + case["expected"] + [""] + case["expected"][-2:]
    damaged = case["input"][:1] + [""] + case["input"] + [""] + case["expected"][-2:]
    real = default_restored_lm()
    seen: list[str] = []

    def restore(text: str) -> tuple[str, float]:
        seen.append(text)
        return real.restore(text)

    restored = RestoredLM(real.lm, real.tokenize, restore)
    shipped = ReorderSettings()
    settings = replace(shipped, restored_weight=max(shipped.restored_weight, 0.5))
    result = reorder_lines(damaged, settings=settings, restored_lm=restored)
    assert [damaged[k] for k in result.order] == page
    assert seen and len(set(seen)) < sum(1 for line in damaged if line.strip())


@needs_lm
def test_ocr_page_geometry_outweighs_a_modest_lm_gain() -> None:
    """A clean OCR page keeps its geometric line order; the same lines without boxes
    show that the LM alone would have moved them (a real false move on a rendered scan)."""
    from pipeline.repair.reorder import reorder_document

    truth = (Path(__file__).resolve().parent.parent / "benchmarks" / "data"
             / "directive_scan.truth.txt").read_text(encoding="utf-8").splitlines()
    start = truth.index("1. Mục tiêu đến hết năm 2026")
    texts = truth[start:start + 13]

    def document(with_boxes: bool) -> Document:
        lines = [Line(id=f"p1-l{n}", text=text,
                      bbox=(500, 100 + 70 * n, 2380, 150 + 70 * n) if with_boxes else None)
                 for n, text in enumerate(texts, start=1)]
        return Document(source="scan.pdf", kind="pdf", pages=[Page(number=1, lines=lines)])

    scanned = reorder_document(document(with_boxes=True))
    assert [line.text for line in scanned.pages[0].lines] == texts
    assert not [edit for edit in scanned.edits if edit.kind == "reorder"]
    plain = reorder_document(document(with_boxes=False))
    assert [edit for edit in plain.edits if edit.kind == "reorder"], "the case lost its teeth"

"""Marginal notes, scribbles and stamp remains kept apart from the body text."""

from __future__ import annotations

from pipeline.document import Document, Line, Page, Word
from pipeline.layout import MARGINALIA, separate_marginalia, text_column


def _line(k: int, text: str, box: tuple[int, int, int, int], conf: float = 95.0) -> Line:
    words = text.split()
    left, top, right, bottom = box
    step = (right - left) // max(1, len(words))
    return Line(
        id=f"p1-l{k}",
        text=text,
        bbox=box,
        conf=conf,
        words=[
            Word(w, (left + i * step, top, left + (i + 1) * step - 10, bottom), conf)
            for i, w in enumerate(words)
        ],
    )


def _page() -> Page:
    body = [
        _line(1, "ỦY BAN NHÂN DÂN TỈNH", (420, 250, 900, 310)),
        _line(2, "Trình đ/c Bí thư", (400, 120, 800, 190), conf=41.0),  # note above the header
        _line(3, "Căn cứ Luật Tổ chức chính quyền địa phương", (470, 400, 2240, 460)),
        _line(4, "VPDU", (150, 600, 300, 660), conf=88.0),  # left margin, even if confident
        _line(5, "ngày 19 tháng 6 năm 2015 của Quốc hội;", (355, 480, 1600, 540)),
        _line(6, "Nơi nhận:", (355, 2300, 560, 2350)),
        _line(7, "~—", (1500, 2400, 1800, 2480), conf=20.0),  # a scribbled signature
        _line(8, "- Lưu: VT.", (380, 2400, 600, 2450), conf=86.0),
        _line(9, "Lưu hồ sơ", (380, 3300, 700, 3360), conf=35.0),  # note below the text
        _line(10, "SỐ: 84/2025/(Đ-UBND", (460, 320, 950, 365), conf=35.0),  # blurred number
    ]
    return Page(number=1, width=2480, height=3508, lines=body)


def test_margin_notes_scribbles_and_doubtful_edge_lines_are_marginalia() -> None:
    page = separate_marginalia(_page())
    roles = {line.text: line.role for line in page.lines}
    assert roles["VPDU"] == MARGINALIA
    assert roles["Trình đ/c Bí thư"] == MARGINALIA
    assert roles["~—"] == MARGINALIA
    assert roles["Lưu hồ sơ"] == MARGINALIA
    typed_lines = (
        "ỦY BAN NHÂN DÂN TỈNH",
        "Nơi nhận:",
        "- Lưu: VT.",
        "ngày 19 tháng 6 năm 2015 của Quốc hội;",
        "SỐ: 84/2025/(Đ-UBND",  # doubted word by word, but a document number is typed text
    )
    for typed in typed_lines:
        assert roles[typed] == "body", typed


def test_marginalia_move_after_the_body_and_ids_follow_the_order() -> None:
    page = separate_marginalia(_page())
    order = [line.role for line in page.lines]
    assert order == sorted(order, key=lambda r: r == MARGINALIA)
    assert [line.id for line in page.lines] == [f"p1-l{k}" for k in range(1, 11)]
    again = [line.text for line in separate_marginalia(page).lines]
    assert again == [line.text for line in page.lines]  # idempotent


def test_a_page_of_typed_lines_is_left_alone() -> None:
    lines = [
        _line(k, f"dòng văn bản số {k} của trang", (355, 300 + 70 * k, 2240, 350 + 70 * k))
        for k in range(1, 8)
    ]
    page = separate_marginalia(Page(number=1, lines=list(lines)))
    assert all(line.role == "body" for line in page.lines)
    assert text_column(page.lines) == (355, 2240)


def test_a_centred_page_number_at_the_top_is_marginalia_but_a_table_number_is_not() -> None:
    """Tesseract trusts a page number ("2", "- 3 -"), so it is no noise; centred and alone on
    the page's first line, it is the page number and must not sit inside a paragraph."""
    body = [_line(k, f"dòng văn bản số {k} của trang chạy hết khổ giấy", (355, 300 + 70 * k,
                                                                             2240, 350 + 70 * k))
            for k in range(2, 8)]
    number = _line(1, "- 2 -", (1240, 150, 1360, 200))
    page = separate_marginalia(Page(number=2, lines=[number, *body]))
    assert [(line.text, line.role) for line in page.lines][-1] == ("- 2 -", MARGINALIA)
    cell = _line(1, "3", (360, 150, 400, 200))  # a table's row number at the margin
    page = separate_marginalia(Page(number=2, lines=[cell, *body]))
    assert all(line.role == "body" for line in page.lines)
    # a last page of one line: too few to find the column, centred on the sheet instead
    short = Page(number=3, width=2480, lines=[_line(1, "3", (1210, 150, 1270, 200)), body[0]])
    assert [line.role for line in separate_marginalia(short).lines] == ["body", MARGINALIA]


def test_structure_keeps_preset_marginalia() -> None:
    from pipeline.structure import extract_structure

    page = separate_marginalia(_page())
    doc = extract_structure(Document(source="t", kind="image", pages=[page]))
    texts = {m["text"] for m in doc.structure["marginalia"]}
    assert {"VPDU", "Lưu hồ sơ"} <= texts
    assert {line.text for line in doc.lines if line.role == MARGINALIA} >= {"VPDU", "~—"}

"""Structure extraction: header fields, sections, signature, recipients, roles, schema.

Language cases live in tests/data/structure/*.json (see its README); the sample test
reads samples/garbled_ocr.txt; the corpus test needs ../shared/corpus and skips without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.document import Document, Line, Page, Word
from pipeline.markdown import render_markdown
from pipeline.structure import extract_structure
from pipeline.structure.body import marker_of
from pipeline.structure.header import group_issuer, parse_number, place_before
from pipeline.structure.signature import split_positions

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "structure"
SCHEMA = json.loads((ROOT / "schema" / "document.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def make_doc(lines: list[str], source: str = "case.txt") -> Document:
    return Document(
        source=source,
        kind="text",
        pages=[Page(number=1, lines=[Line(id=f"p1-l{i}", text=t) for i, t in enumerate(lines)])],
    )


def assert_valid(doc: Document) -> None:
    payload = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    errors = sorted(VALIDATOR.iter_errors(payload), key=lambda e: list(e.path))
    assert not errors, f"{errors[0].message} at {list(errors[0].path)}"


HEADER_CASES = json.loads((DATA / "header_cases.json").read_text(encoding="utf-8"))
SECTION_CASES = json.loads((DATA / "section_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", HEADER_CASES, ids=[c["note"][:50] for c in HEADER_CASES])
def test_header_cases(case: dict) -> None:
    doc = extract_structure(make_doc(case["input"]))
    got = {key: doc.structure[key] for key in case["expected"]}
    assert got == case["expected"], case["note"]
    assert_valid(doc)


def _outline(nodes: list[dict]) -> list:
    return [[n["kind"], n["label"], n["heading"], _outline(n["children"])] for n in nodes]


@pytest.mark.parametrize("case", SECTION_CASES, ids=[c["note"][:50] for c in SECTION_CASES])
def test_section_cases(case: dict) -> None:
    header = [
        "BỘ NỘI VỤ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 1/HD-BNV",
        "Hà Nội, ngày 1 tháng 1 năm 2025",
        "HƯỚNG DẪN",
        "Về việc thử",
        "Căn cứ Luật Tổ chức Chính phủ;",
    ]
    doc = extract_structure(make_doc(header + case["input"]))
    got = _outline(doc.structure["body"])
    assert _labels_only(got) == _labels_only(case["expected"]), case["note"]
    assert got == case["expected"], case["note"]


def _labels_only(outline: list) -> list:
    return [[k, lab, _labels_only(ch)] for k, lab, _h, ch in outline]


@pytest.fixture(scope="module")
def sample() -> Document:
    path = ROOT / "samples" / "garbled_ocr.txt"
    if not path.exists():
        pytest.skip("samples/garbled_ocr.txt absent")
    text = path.read_text(encoding="utf-8")
    return extract_structure(make_doc(text.split("\n"), str(path)))


def test_sample_header(sample: Document) -> None:
    s = sample.structure
    assert s["issuer"] == {"parent": "THÀNH ỦY HẢI PHÒNG", "body": "BAN TUYÊN GIÁO"}
    assert s["national_header"] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert s["number"] == "70-HD/BTGTU"
    assert s["number_parts"] == {
        "seq": "70",
        "year": None,
        "type_code": "HD",
        "issuer_code": "BTGTU",
    }
    assert s["place"] == "Hải Phòng"
    assert s["issued_date"] == "2023-12-29"
    assert s["doc_type"] == "HƯỚNG DẪN"
    assert s["title"].startswith("tuyên truyền kết quả phát triển kinh tế - xã hội năm 2023")


def test_sample_sections(sample: Document) -> None:
    top = sample.structure["body"]
    assert [(n["kind"], n["label"]) for n in top] == [
        ("roman", "I"),
        ("roman", "II"),
        ("roman", "III"),
    ]
    assert top[0]["heading"] == "MỤC ĐÍCH, YÊU CẦU"
    assert top[2]["heading"] == "TỔ CHỨC THỰC HIỆN"
    assert [c["heading"] for c in top[0]["children"][:2]] == ["Mục đích", "Yêu cầu"]
    assert [c["label"] for c in top[2]["children"]] == ["1", "2", "3", "4", "5", "6"]


def test_sample_closing(sample: Document) -> None:
    s = sample.structure
    assert s["signature"]["authority"] == "K/T"
    assert s["signature"]["positions"] == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]
    assert s["signature"]["signer"] == "Đào Văn Hoàn"
    items = [r["text"] for r in s["recipients"]]
    assert items[0] == "Ban Tuyên giáo Trung ương (để b/c);"
    assert items[-1] == "Lưu phòng Tổng hợp."
    assert len(items) == 8
    assert [r["level"] for r in s["recipients"]][-2:] == [2, 2]


def test_sample_marginalia_and_roles(sample: Document) -> None:
    s = sample.structure
    assert [m["text"] for m in s["marginalia"]] == [
        "ký: BTG Đảng ủy / *Trần Minh*",
        "VPDU",
        "Phy CRT",
    ]
    by_text = {line.text: line.role for line in sample.lines if line.text}
    assert by_text["VPDU"] == "marginalia"
    assert by_text["THÀNH ỦY HẢI PHÒNG"] == "header"
    assert by_text["Hải Phòng, ngày 29 tháng 12 năm 2023"] == "header"
    assert by_text["Đào Văn Hoàn"] == "signature"
    assert by_text["Nơi nhận:"] == "recipients"
    assert by_text["III. TỔ CHỨC THỰC HIỆN"] == "body"
    assert [line.role for line in sample.lines if line.text.startswith("HƯỚNG DẪN")] == ["title"]
    # nothing of the marginalia leaks into the body tree or the preamble
    body_ids = {i for n in _walk(s["body"]) for i in n["line_ids"]} | set(s["preamble"]["line_ids"])
    assert not body_ids & {m["line_id"] for m in s["marginalia"]}


def _walk(nodes: list[dict]) -> list[dict]:
    out = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n["children"]))
    return out


def test_sample_references_and_bases(sample: Document) -> None:
    s = sample.structure
    assert s["legal_bases"][0]["kind"] == "Thực hiện"
    assert s["legal_bases"][0]["references"] == ["127-HD/BTGTW", "10-NQ/TU"]
    refs = {r["number"]: r for r in s["references"]}
    assert refs["127-HD/BTGTW"]["type"] == "Hướng dẫn"
    assert refs["127-HD/BTGTW"]["date"] == "2023-12-19"
    assert refs["127-HD/BTGTW"]["issuer"] == "Ban Tuyên giáo Trung ương"
    assert refs["69/2022/QH15"]["type"] == "Nghị quyết"  # bare "số 69/…" inherits the type
    assert refs["238-QĐ/TW"]["date"] == "2020-09-30"
    assert "70-HD/BTGTU" not in refs  # the document's own number is not a reference


def test_wrapped_legal_bases_run_on_to_their_end() -> None:
    doc = extract_structure(make_doc([
        "ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Số: 12/QĐ-UBND", "Ninh Bình, ngày 05 tháng 3 năm 2025",
        "QUYẾT ĐỊNH", "Về việc ban hành Quy chế làm việc", "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
        "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 19/02/2025; Luật sửa",
        "đổi, bổ sung một số điều của Nghị định số 78/2025/NĐ-CP ngày 01/4/2025;",
        "Căn cứ Nghị định số 150/2025/NĐ-CP ngày 12/6/2025 của Chính phủ;",
        "QUYẾT ĐỊNH:", "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.",
    ]))
    bases = doc.structure["legal_bases"]
    assert [b["line_id"] for b in bases] == ["p1-l9", "p1-l11"]
    assert bases[0]["text"].endswith("ngày 01/4/2025;")  # the wrapped second line is part of it
    assert bases[0]["references"] == ["78/2025/NĐ-CP"]
    assert bases[1]["references"] == ["150/2025/NĐ-CP"]
    assert_valid(doc)


def test_sample_schema_and_markdown(sample: Document) -> None:
    assert_valid(sample)
    md = render_markdown(sample)
    assert md.startswith("# HƯỚNG DẪN tuyên truyền")
    assert "| Số | 70-HD/BTGTU |" in md
    assert "| Ngày ban hành | 2023-12-29 |" in md
    assert "\n## I. MỤC ĐÍCH, YÊU CẦU\n" in md
    assert "\n### 1. Mục đích\n" in md
    assert "\n## Nơi nhận\n" in md and "Đào Văn Hoàn" in md


def test_schema_rejects_bad_structure(sample: Document) -> None:
    payload = json.loads(json.dumps(sample.to_dict(), ensure_ascii=False))
    payload["structure"]["issued_date"] = "29/12/2023"
    assert list(VALIDATOR.iter_errors(payload))
    payload["structure"]["issued_date"] = None
    payload["pages"][0]["lines"][0]["role"] = "footer"
    assert list(VALIDATOR.iter_errors(payload))


def test_empty_document_is_valid_and_renders() -> None:
    doc = extract_structure(make_doc([]))
    assert doc.structure["number"] is None and doc.structure["body"] == []
    assert_valid(doc)
    assert render_markdown(doc).startswith("# case.txt")
    unstructured = make_doc(["một dòng"])
    assert_valid(unstructured)  # structure {} before the stage runs
    assert "một dòng" in render_markdown(unstructured)


def _worded(line_id: str, words: list[tuple[str, int]], top: int) -> Line:
    """A line with word boxes: (text, left) pairs, 14 px per character, 30 px high."""
    objs = [Word(text=t, bbox=(x, top, x + 14 * len(t), top + 30), conf=95.0) for t, x in words]
    box = (objs[0].bbox[0], top, objs[-1].bbox[2], top + 30)  # type: ignore[index]
    return Line(id=line_id, text=" ".join(t for t, _ in words), bbox=box, words=objs)


def test_layout_two_column_header_split_by_word_gaps() -> None:
    """OCR ran the left and right header columns into one line: the box gap splits them."""

    def row(i: int, left: str, right: str, top: int) -> Line:
        words, x = [], 150
        for w in left.split():
            words.append((w, x))
            x += 14 * len(w) + 14
        x = 1250
        for w in right.split():
            words.append((w, x))
            x += 14 * len(w) + 14
        return _worded(f"p1-l{i}", words, top)

    lines = [
        row(0, "ĐẢNG ỦY KHỐI", "ĐẢNG CỘNG SẢN VIỆT NAM", 200),
        row(1, "BAN TUYÊN GIÁO", "Hà Tây, ngày 7 tháng 6 năm 2021", 250),
        _worded("p1-l2", [("Số", 150), ("9-CV/BTG", 200)], 300),
        _worded("p1-l3", [("V/v", 150), ("tuyên", 210), ("truyền", 290)], 350),
        Line(id="p1-l4", text="Kính gửi: Các chi bộ trực thuộc", bbox=(150, 500, 900, 530)),
    ]
    doc = Document(
        source="layout", kind="image", pages=[Page(number=1, width=2480, height=3508, lines=lines)]
    )
    s = extract_structure(doc).structure
    assert s["issuer"] == {"parent": "ĐẢNG ỦY KHỐI", "body": "BAN TUYÊN GIÁO"}
    assert s["place"] == "Hà Tây" and s["issued_date"] == "2021-06-07"
    assert s["number"] == "9-CV/BTG" and s["doc_type"] == "CÔNG VĂN"
    assert_valid(doc)


@pytest.mark.parametrize(
    "code, parts",
    [
        ("70-HD/BTGTU", ("70", None, "HD", "BTGTU")),
        ("1234/UBND-VP", ("1234", None, None, "UBND-VP")),
        ("75/2025/NQ-HĐND", ("75", 2025, "NQ", "HĐND")),
        ("3210/QĐ - UBND", ("3210", None, "QĐ", "UBND")),
        ("68/2022/QH15", ("68", 2022, None, "QH15")),
    ],
)
def test_parse_number(code: str, parts: tuple) -> None:
    got = parse_number(code)
    assert got is not None
    assert (got["seq"], got["year"], got["type_code"], got["issuer_code"]) == parts


def test_small_helpers() -> None:
    assert place_before("Độc lập - Tự do - Hạnh phúc ____ Hà Nội,")[0] == "Hà Nội"
    assert place_before("TP. Hồ Chí Minh")[0] == "TP. Hồ Chí Minh"
    assert group_issuer(["BỘ KHOA HỌC VÀ", "CÔNG NGHỆ"]) == {
        "parent": None,
        "body": "BỘ KHOA HỌC VÀ CÔNG NGHỆ",
    }
    assert group_issuer(["BỘ TÀI CHÍNH", "CỤC THUẾ"]) == {
        "parent": "BỘ TÀI CHÍNH",
        "body": "CỤC THUẾ",
    }
    assert split_positions("KT. BỘ TRƯỞNG THỨ TRƯỞNG") == ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"]
    assert marker_of("2.1. Mục tiêu cụ thể").kind == "decimal"  # type: ignore[union-attr]
    assert marker_of("10,5% tăng trưởng") is None


def test_run_together_signature_and_recipients() -> None:
    lines = [
        "CHÍNH PHỦ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 10/2025/NĐ-CP",
        "Hà Nội, ngày 1 tháng 2 năm 2025",
        "NGHỊ ĐỊNH",
        "Quy định chi tiết",
        "Căn cứ Luật Tổ chức Chính phủ;",
        "Điều 1. Phạm vi",
        "Nghị định này quy định chi tiết./.",
        "Nơi nhận:",
        "- Ban Bí thư Trung ương Đảng;",
        "- Lưu: VT, KTTH.",
        "TM. CHÍNH PHỦ KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG",
        "Nguyễn Văn An",
        "PHỤ LỤC",
        "1. Danh mục",
    ]
    doc = extract_structure(make_doc(lines))
    sig = doc.structure["signature"]
    assert sig["authority"] == "TM."
    assert sig["positions"] == ["TM. CHÍNH PHỦ", "KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG"]
    assert sig["signer"] == "Nguyễn Văn An"
    assert [r["text"] for r in doc.structure["recipients"]] == [
        "Ban Bí thư Trung ương Đảng;",
        "Lưu: VT, KTTH.",
    ]
    assert [n["kind"] for n in doc.structure["body"]] == ["article"]
    assert doc.structure["annexes"], "lines after the signature are kept as annexes"
    assert_valid(doc)


def test_signature_column_read_in_between_the_recipients() -> None:
    """A scan reads the signature column beside the recipients line by line, interleaved.

    Its authority stands alone ("TM."), the first item lost its dash, scraps of lost lines
    ("NT", "-") follow: recipients and signer are still found, and nothing becomes an annex.
    """
    lines = [
        "ỦY BAN NHÂN DÂN", "TỈNH AN BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Số: 12/2025/QĐ-UBND", "An Bình, ngày 3 tháng 3 năm 2025",
        "QUYẾT ĐỊNH", "Về việc phân cấp quản lý", "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "Điều 1. Phân cấp cho Sở Nội vụ.", "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.",
        "Nơi nhận:", "trực Tỉnh ủy;", "- Thường trực HĐND tỉnh;", "TM.", "ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH", "- Chủ tịch, các PCT UBND tỉnh;", "- Cục Kiểm tra văn bản và Quản lý xử lý vi",
        "phạm hành chính - Bộ Tư pháp;", "- Lưu: VT, NC.", "Trần Văn Bình", "NT", "-",
    ]
    scanned = make_doc(lines, "scan.pdf")
    scanned.kind = "pdf"
    for line in scanned.pages[0].lines:  # read by OCR: words with confidences
        line.words = [Word(w, None, 90.0) for w in line.text.split()]
    doc = extract_structure(scanned)
    sig = doc.structure["signature"]
    assert sig["positions"] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert sig["signer"] == "Trần Văn Bình"
    assert [r["text"] for r in doc.structure["recipients"]] == [
        "trực Tỉnh ủy;", "Thường trực HĐND tỉnh;", "Chủ tịch, các PCT UBND tỉnh;",
        "Cục Kiểm tra văn bản và Quản lý xử lý vi phạm hành chính - Bộ Tư pháp;", "Lưu: VT, NC."]
    assert not doc.structure["annexes"]
    assert_valid(doc)
    typed = extract_structure(make_doc(lines))  # typed text: a line without dash is no item
    assert typed.structure["recipients"] == []


def test_a_recipient_item_wrapped_onto_a_line_of_unit_codes_stays_one_item() -> None:
    """ "đơn vị:" + "ĐMPT, TH, TTDL&CNS;": the codes are the item's rest, not a signature line."""
    lines = [
        "ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Số: 310/KH-UBND", "Hà Nội, ngày 24 tháng 11 năm 2025",
        "KẾ HOẠCH", "Phát triển hạ tầng số", "I. MỤC ĐÍCH", "Nội dung kế hoạch./.",
        "Nơi nhận:", "- Các Sở, ban, ngành Thành phố;",
        "- VPUBTP: CVP, các PCVP, các phòng, đơn vị:", "ĐMPT, TH, TTDL&CNS;",
        "- VP UBND tỉnh: LĐVP, TH, KT, TTTT,", "TTPVHCC;", "- Lưu: VT, ĐMPT.",
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trương Việt Dũng",
    ]
    doc = extract_structure(make_doc(lines))
    assert [r["text"] for r in doc.structure["recipients"]] == [
        "Các Sở, ban, ngành Thành phố;",
        "VPUBTP: CVP, các PCVP, các phòng, đơn vị: ĐMPT, TH, TTDL&CNS;",
        "VP UBND tỉnh: LĐVP, TH, KT, TTTT, TTPVHCC;", "Lưu: VT, ĐMPT."]
    assert doc.structure["signature"]["signer"] == "Trương Việt Dũng"
    assert_valid(doc)


@pytest.mark.corpus
def test_corpus_heldout_header_accuracy() -> None:
    """The held-out bar: number, date, place, type exactly right on >= 97 % of documents."""
    from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split

    corpus = default_corpus_dir()
    labels_path = ROOT / "benchmarks" / "data" / "structure_heldout_labels.json"
    if corpus is None or not labels_path.exists():
        pytest.skip("corpus (../shared/corpus) or reviewed labels absent")
    import hashlib

    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    right = total = 0
    for name in OFFICIAL_FILES:
        for text in iter_split(corpus / name, heldout=True):
            truth = labels.get(hashlib.sha1(text.strip().encode("utf-8")).hexdigest())
            if truth is None:
                continue
            s = extract_structure(make_doc(text.split("\n"))).structure
            total += 1
            right += all(s[k] == truth[k] for k in ("number", "issued_date", "place", "doc_type"))
    assert total >= 30
    assert right / total >= 0.97, f"{right}/{total}"


OCR_LAYOUTS = {
    "party": dict(
        issuer=["TỈNH ỦY NINH BÌNH", "BAN DÂN VẬN"],
        number="Số 58-HD/BDVTU",
        national=["ĐẢNG CỘNG SẢN VIỆT NAM"],
        place_date="Ninh Bình, ngày 14 tháng 3 năm 2024",
        doc_type="HƯỚNG DẪN",
        title=["thực hiện công tác dân vận năm 2024"],
        body=[
            "Thực hiện Kế hoạch số 21-KH/TU ngày 05/01/2024 của Tỉnh ủy, Ban Dân vận Tỉnh ủy "
            "hướng dẫn như sau:",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Nâng cao nhận thức của cán bộ, đảng viên về công tác dân vận.",
            "II. NHIỆM VỤ",
            "- Tăng cường nắm tình hình nhân dân ở cơ sở.",
            "III. TỔ CHỨC THỰC HIỆN",
            "Ban dân vận các huyện ủy triển khai thực hiện./.",
        ],
        recipients=["Nơi nhận:", "- Thường trực Tỉnh ủy (để b/c);", "- Lưu VP."],
        signature=["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "", "Lê Thị Hạnh"],
    ),
    "state": dict(
        issuer=["ỦY BAN NHÂN DÂN", "TỈNH THÁI BÌNH"],
        number="Số: 312/QĐ-UBND",
        national=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
        place_date="Thái Bình, ngày 21 tháng 10 năm 2024",
        doc_type="QUYẾT ĐỊNH",
        title=["Về việc thành lập Tổ công tác cải cách hành chính"],
        body=[
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Điều 1. Thành lập Tổ công tác cải cách hành chính của tỉnh.",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.",
        ],
        recipients=["Nơi nhận:", "- Như Điều 2;", "- Lưu: VT."],
        signature=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Trần Văn Nam"],
    ),
}
OCR_EXPECTED = {
    "party": {
        "number": "58-HD/BDVTU",
        "issued_date": "2024-03-14",
        "place": "Ninh Bình",
        "doc_type": "HƯỚNG DẪN",
        "issuer": {"parent": "TỈNH ỦY NINH BÌNH", "body": "BAN DÂN VẬN"},
        "national_header": "ĐẢNG CỘNG SẢN VIỆT NAM",
    },
    "state": {
        "number": "312/QĐ-UBND",
        "issued_date": "2024-10-21",
        "place": "Thái Bình",
        "doc_type": "QUYẾT ĐỊNH",
        "issuer": {"parent": None, "body": "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH"},
        "national_header": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    },
}
OCR_SIGNERS = {"party": ("K/T", "Lê Thị Hạnh", 3), "state": ("TM.", "Trần Văn Nam", 2)}


@pytest.mark.parametrize("name", sorted(OCR_LAYOUTS))
def test_structure_of_rendered_and_ocred_page(name: str, tmp_path: Path) -> None:
    """A directive page rendered at test time, read by real Tesseract (no repair), structured."""
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    from pipeline.config import RepairSettings, RunSettings
    from pipeline.render import DirectiveLayout, render_page
    from pipeline.runner import read_document

    image, _truth = render_page(DirectiveLayout(**OCR_LAYOUTS[name]))
    path = tmp_path / f"{name}.png"
    image.save(path, dpi=(300, 300))
    doc = read_document(path, RunSettings(outdir=tmp_path, repair=RepairSettings(enabled=False)))
    assert all(line.bbox for line in doc.lines), "OCR lines carry boxes"
    s = extract_structure(doc).structure
    assert {k: s[k] for k in OCR_EXPECTED[name]} == OCR_EXPECTED[name]
    authority, signer, top_sections = OCR_SIGNERS[name]
    assert s["signature"]["authority"] == authority and s["signature"]["signer"] == signer
    assert len(s["body"]) == top_sections
    assert len(s["recipients"]) == 2
    roles = {line.role for line in doc.lines}
    assert {"header", "title", "body", "recipients", "signature"} <= roles
    assert_valid(doc)


KNOWN_FAILURES = json.loads((DATA / "known_failures.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", KNOWN_FAILURES, ids=[c["note"][:50] for c in KNOWN_FAILURES])
def test_known_failures_still_fail(case: dict) -> None:
    """Strict known failures: when one starts passing, promote it to header_cases.json."""
    s = extract_structure(make_doc(case["input"])).structure
    got = {key: s[key] for key in case["expected"]}
    if "signature" in got and got["signature"]:
        got["signature"] = {k: got["signature"][k] for k in ("authority", "positions", "signer")}
    assert got != case["expected"], f"now passes, promote it: {case['note']}"


def test_degraded_ocr_page_keeps_sections(tmp_path: Path) -> None:
    """A turned, blurred scan: OCR misreads Roman numerals ("HI.", "IL."); sections survive."""
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    from pipeline.config import RepairSettings, RunSettings
    from pipeline.render import DirectiveLayout, degrade, render_page
    from pipeline.runner import read_document

    image, _truth = render_page(DirectiveLayout(**OCR_LAYOUTS["party"]))
    path = tmp_path / "turned.png"
    degrade(image, rotate_deg=-2.5, blur=1.0, seed=3).save(path, dpi=(300, 300))
    doc = read_document(path, RunSettings(outdir=tmp_path, repair=RepairSettings(enabled=False)))
    s = extract_structure(doc).structure
    assert {k: s[k] for k in OCR_EXPECTED["party"]} == OCR_EXPECTED["party"]
    assert len(s["body"]) == 3
    assert s["signature"]["signer"] == "Lê Thị Hạnh"

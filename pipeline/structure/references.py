"""Documents a directive cites.

For example "Hướng dẫn số 127-HD/BTGTW ngày 19/12/2023 của Ban Tuyên giáo Trung ương".

A reference is found by its code (digits, then slash/dash parts with capitals), then
read outwards: the nearest type word before it, the date and the issuer ("của …") after.
A bare "số 69/2022/QH15" in a list inherits the type of the reference before it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pipeline.document import Line
from pipeline.structure import patterns as P

REF_CODE = re.compile(r"(?<![\w/.-])\d{1,5}(?:/\d{4})?(?:\s?[/-]\s?[A-ZĐ][A-Za-zĐđ0-9]*)+(?![\w/])")
TYPE_WORDS = (
    "Thông tư liên tịch",
    "Nghị quyết liên tịch",
    "Nghị quyết",
    "Quyết định",
    "Chỉ thị",
    "Kết luận",
    "Hướng dẫn",
    "Kế hoạch",
    "Thông báo",
    "Thông tư",
    "Nghị định",
    "Pháp lệnh",
    "Luật",
    "Công văn",
    "Công điện",
    "Tờ trình",
    "Báo cáo",
    "Quy định",
    "Văn bản",
    "Quy chế",
    "Chương trình",
    "Đề án",
    "Lệnh",
    "Hiến pháp",
)
TYPE_RX = re.compile(r"\b(" + "|".join(re.escape(t) for t in TYPE_WORDS) + r")\b", re.I)
DATE_AFTER = re.compile(
    r"^\s*,?\s*(?:ban hành\s+)?ngày\s+(?:(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
    r"|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4}))"
)
ISSUER_AFTER = re.compile(r"^\s*,?\s*(?:của|do)\s+(.{3,120})")
ISSUER_STOP = re.compile(
    r"\s+(?:về|quy định|hướng dẫn|ban hành|sửa đổi|phê duyệt|thành lập|về việc|tại|đã|được|"
    r"và|nhằm|trong|theo|đối với|thì|khóa|khoá)\b|[,;.:()“”\"]"
)
INHERIT = re.compile(r"^[\s,;]*(?:và\s+)?(?:số\s*)?$", re.I)
TYPE_NAMES = {code: name.capitalize() for code, name in P.TYPE_CODES.items()}


def _type_from_code(code: str) -> str | None:
    """Guess a cited document's type from its code ("07/CT-TTg" → Chỉ thị) when no word says it."""
    m = re.search(r"(?:^|[/-])([A-ZĐ][A-Za-zĐ]*)-", code)
    m = m or re.search(r"-([A-ZĐ][A-Za-zĐ]*)/", code)
    if m and m.group(1) in TYPE_NAMES:
        return TYPE_NAMES[m.group(1)]
    return None


def find_references(lines: list[Line], own_number: str | None = None) -> list[dict[str, Any]]:
    """Every cited document, once per code, with the lines that cite it."""
    by_code: dict[str, dict[str, Any]] = {}
    own = re.sub(r"\s", "", own_number or "")
    for line in lines:
        text = line.text
        prev_end, prev_type = 0, None
        for m in REF_CODE.finditer(text):
            code = re.sub(r"\s", "", m.group(0))
            window = text[max(prev_end, m.start() - 120) : m.start()]
            types = list(TYPE_RX.finditer(window))
            ref_type = None
            if types:
                between = window[types[-1].end() :]
                if len(between.split()) <= 14:
                    ref_type = types[-1].group(1)
            if ref_type is None and prev_type and INHERIT.match(window):
                ref_type = prev_type
            if ref_type is None:
                ref_type = _type_from_code(code)
            after = text[m.end() : m.end() + 200]
            date = None
            dm = DATE_AFTER.match(after)
            consumed = 0
            if dm:
                d, mo, y = (
                    (dm.group(1), dm.group(2), dm.group(3))
                    if dm.group(1)
                    else (dm.group(4), dm.group(5), dm.group(6))
                )
                try:
                    date = dt.date(int(y), int(mo), int(d)).isoformat()
                except ValueError:
                    date = None
                consumed = dm.end()
            issuer = None
            im = ISSUER_AFTER.match(after[consumed:])
            end = m.end() + consumed
            if im:
                issuer = ISSUER_STOP.split(im.group(1), maxsplit=1)[0].strip() or None
                if issuer:
                    end = m.end() + consumed + im.start(1) + len(issuer)
            start = m.start()
            if types and ref_type == types[-1].group(1):
                start = m.start() - len(window) + types[-1].start()
            prev_end, prev_type = m.end(), ref_type
            if own and code == own:
                continue
            if ref_type is None and not re.search(r"/\d{4}/|-[A-ZĐ]+/", code):
                continue
            entry = by_code.get(code)
            if entry is None:
                by_code[code] = {
                    "type": ref_type.capitalize() if ref_type else None,
                    "number": code,
                    "date": date,
                    "issuer": issuer,
                    "text": text[start:end].strip(),
                    "line_ids": [line.id],
                }
            else:
                entry["date"] = entry["date"] or date
                entry["issuer"] = entry["issuer"] or issuer
                if entry["type"] is None and ref_type:
                    entry["type"] = ref_type.capitalize()
                if line.id not in entry["line_ids"]:
                    entry["line_ids"].append(line.id)
    return list(by_code.values())

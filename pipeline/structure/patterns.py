"""Regular expressions for the fixed furniture of Vietnamese directives.

The layout follows Decree 30/2020/NĐ-CP (State) and the Party's own rules on documents.

All patterns run on *folded* text (see `text.fold`): marks stripped, case and length
kept, so "Sô", "So", "Số" and "ngay"/"ngày" all match, and match offsets index the
original printed text.
"""

from __future__ import annotations

import re

DASH = r"[\-‐‑‒–—~_.,]*"

NATIONAL_STATE = re.compile(
    r"C[O0]NG\s*H[O0]A\s*X[AÃ]\s*H[O0]I\s*CH[U]\s*NGH[I1l]A\s*V[I1l]E[T]\s*NAM", re.I
)
NATIONAL_PARTY = re.compile(r"D[A]NG\s*C[O0]NG\s*S[A]N\s*V[I1l]ET\s*NAM")
MOTTO = re.compile(rf"D[o0]c\s*l[a]p\s*{DASH}\s*T[u]\s*d[o0]\s*{DASH}\s*H[a]nh\s*ph[u]c", re.I)

CODE = r"\d[\w.&]*(?:\s?[/\-]\s?\(?[\w.&]+)*(?:\s+-\s+[A-Z0-9][A-Z0-9.&]*)*"
"""A document code as printed: 70-HD/BTGTU, 75/2025/NQ-HDND, 3210/QD - UBND (folded)."""

NUMBER = re.compile(
    rf"(?:(?<![\w])(?:Bo\s+luat|Luat|Phap\s+lenh|Nghi\s+quyet|Lenh|LUAT)\s+)?"
    rf"(?<![\w])(?P<kw>S[o0oô6]|SO|so)\s*(?P<colon>[:;.])?\s*(?P<code>{CODE})"
)

DATE = re.compile(
    r"(?<![\w])(?:ngay|Ngay|NGAY|ngav|ngy)\s*(?P<d>\d{1,2})\s*"
    r"(?:thang|Thang|THANG|thg)\s*(?P<m>\d{1,2})\s*(?:nam|Nam|NAM)\s*(?P<y>\d{4})"
)
DATE_NUMERIC = re.compile(
    r"(?<![\w])(?:ngay|Ngay|NGAY)\s*(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
)

VV = re.compile(r"^\s*[Vv]\s*/\s*[vV]\b\s*:?\s*")
"""The 'về việc' summary line of an official letter (công văn)."""

ADDRESSEE = re.compile(r"^\s*Kinh\s*gui\b", re.I)
"""'Kính gửi:' — only letters (công văn, tờ trình) are addressed this way."""

DOC_TYPES = (
    "THÔNG TƯ LIÊN TỊCH",
    "NGHỊ QUYẾT LIÊN TỊCH",
    "BỘ LUẬT",
    "NGHỊ QUYẾT",
    "QUYẾT ĐỊNH",
    "CHỈ THỊ",
    "KẾ HOẠCH",
    "HƯỚNG DẪN",
    "THÔNG BÁO",
    "KẾT LUẬN",
    "CÔNG ĐIỆN",
    "THÔNG TƯ",
    "NGHỊ ĐỊNH",
    "PHÁP LỆNH",
    "HIẾN PHÁP",
    "LUẬT",
    "LỆNH",
    "QUY ĐỊNH",
    "QUY CHẾ",
    "CHƯƠNG TRÌNH",
    "BÁO CÁO",
    "TỜ TRÌNH",
    "ĐỀ ÁN",
    "CÔNG VĂN",
    "GIẤY MỜI",
    "BIÊN BẢN",
    "ĐIỀU LỆ",
    "CHIẾN LƯỢC",
    "PHƯƠNG ÁN",
    "THÔNG CÁO",
)
"""Document types as printed in capitals; longest first where one prefixes another."""

TYPE_CODES = {
    "HD": "HƯỚNG DẪN",
    "NQ": "NGHỊ QUYẾT",
    "QĐ": "QUYẾT ĐỊNH",
    "CT": "CHỈ THỊ",
    "KH": "KẾ HOẠCH",
    "TB": "THÔNG BÁO",
    "KL": "KẾT LUẬN",
    "BC": "BÁO CÁO",
    "CV": "CÔNG VĂN",
    "NĐ": "NGHỊ ĐỊNH",
    "TT": "THÔNG TƯ",
    "TTLT": "THÔNG TƯ LIÊN TỊCH",
    "CĐ": "CÔNG ĐIỆN",
    "TTr": "TỜ TRÌNH",
    "QC": "QUY CHẾ",
    "CTr": "CHƯƠNG TRÌNH",
    "ĐA": "ĐỀ ÁN",
    "PA": "PHƯƠNG ÁN",
    "L": "LỆNH",
    "PL": "PHÁP LỆNH",
    "VBHN": "VĂN BẢN HỢP NHẤT",
    "QyĐ": "QUY ĐỊNH",
    "HĐ": "HỢP ĐỒNG",
    "GM": "GIẤY MỜI",
    "BB": "BIÊN BẢN",
    "TTg": "THỦ TƯỚNG",
}
"""Type abbreviations used inside document codes (Decree 30/2020 annex III, Party HD 36)."""

MARKS = ("THƯỢNG KHẨN", "HỎA TỐC HẸN GIỜ", "HỎA TỐC", "TUYỆT MẬT", "TỐI MẬT", "KHẨN", "MẬT")
"""Secrecy and urgency marks stamped near the number."""

AUTHORITY = re.compile(r"^\s*(T/M|TM\.?|K/T|KT\.?|T/L|TL\.?|TUQ\.?|Q\.)\s+(?=\S)")
"""Signing authority prefixes: on behalf of (T/M), deputy for (K/T), by order (T/L), acting (Q.)."""

BODY_START = re.compile(
    r"^\s*(?:Can\s+cu\b|CAN\s+CU\b|Thuc\s+hien\b|Trien\s+khai\s+thuc\s+hien\b|Kinh\s+gui\b|"
    r"KINH\s+GUI\b|Theo\s+de\s+nghi\b|"
    r"Xet\s|Dieu\s+1\b|DIEU\s+1\b|Chuong\s+[IVX1]\b|CHUONG\s+[IVX1]\b|Phan\s+(?:thu|I\b|1\b)|"
    r"PHAN\s+(?:THU|I\b|1\b)|I\s*[.:]\s|1\s*[.:]\s|Nham\s|De\s)"
)
"""Lines that open the body (folded): legal bases, addressee, first article/section."""

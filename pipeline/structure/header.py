"""The header of a directive: issuer, national header, number, place and date, type, title.

A printed header has two columns (issuer + "Số" on the left, national header + place/date
on the right) above a centred type and title. OCR of a skewed scan reads those columns
interleaved, or runs them into one line; plain-text corpora run them together too
("… Hạnh phúc QUỐC HỘI Luật số: 51/2024/QH15 LUẬT …"). So the header is cut into
*segments* at the fixed anchors (national header, motto, number, date) and at wide gaps
between OCR word boxes, and each segment is classified by its content, not its position.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.codes import normalize_code
from pipeline.document import Line, Page
from pipeline.structure import patterns as P
from pipeline.structure.text import fold, is_upper_line, squash

log = logging.getLogger(__name__)

MAX_HEADER_LINES = 25
DECORATION = re.compile(r"^[\s_*=\-–—.~|·•…]*$")

ORG_STARTS = tuple(
    fold(s)
    for s in (
        "BAN ",
        "CỤC ",
        "SỞ ",
        "VỤ ",
        "PHÒNG ",
        "VĂN PHÒNG",
        "TỔNG CỤC",
        "ỦY BAN",
        "UỶ BAN",
        "CHI CỤC",
        "TRƯỜNG ",
        "BỘ ",
        "ĐẢNG ỦY",
        "ĐẢNG UỶ",
        "ĐẢNG BỘ",
        "THÀNH ỦY",
        "THÀNH UỶ",
        "TỈNH ỦY",
        "TỈNH UỶ",
        "HUYỆN ỦY",
        "HUYỆN UỶ",
        "QUẬN ỦY",
        "QUẬN UỶ",
        "THỊ ỦY",
        "THỊ UỶ",
        "HỘI ĐỒNG",
        "CHÍNH PHỦ",
        "QUỐC HỘI",
        "THỦ TƯỚNG",
        "TÒA ÁN",
        "TOÀ ÁN",
        "VIỆN ",
        "KHO BẠC",
        "NGÂN HÀNG",
        "THUẾ ",
        "CÔNG AN",
        "BẢO HIỂM",
        "TRUNG TÂM",
        "CÔNG TY",
        "HỘI ",
        "ĐOÀN ",
        "MẶT TRẬN",
        "CHI BỘ",
        "BCH ",
        "TỔNG LIÊN ĐOÀN",
        "LIÊN ĐOÀN",
        "KIỂM TOÁN",
        "THANH TRA",
        "BỘ CHỈ HUY",
        "QUÂN KHU",
        "HỌC VIỆN",
        "ĐẠI HỌC",
    )
)
"""First words of an organ's name: a header line starting with one begins a new unit."""

CATEGORY_PREFIXES = tuple(
    fold(s) for s in ("VĂN BẢN QUY PHẠM PHÁP LUẬT", "VĂN BẢN PHÁP LUẬT KHÁC", "VĂN BẢN HỢP NHẤT")
)
"""Công báo page headings that the corpus ran into the issuer line."""

ENACTING_STARTS = tuple(
    fold(s)
    for s in (
        "CHỦ TỊCH",
        "BỘ TRƯỞNG",
        "THỦ TƯỚNG",
        "TỔNG GIÁM ĐỐC",
        "GIÁM ĐỐC",
        "CỤC TRƯỞNG",
        "TỔNG CỤC TRƯỞNG",
        "VỤ TRƯỞNG",
        "CHÁNH ÁN",
        "VIỆN TRƯỞNG",
        "TỔNG KIỂM TOÁN",
        "THỐNG ĐỐC",
        "TRƯỞNG BAN",
        "HỘI ĐỒNG NHÂN DÂN",
        "ỦY BAN NHÂN DÂN",
        "UỶ BAN NHÂN DÂN",
        "BAN CHẤP HÀNH",
        "BAN THƯỜNG VỤ",
        "CHÍNH PHỦ",
        "QUỐC HỘI",
        "ỦY BAN THƯỜNG VỤ",
    )
)
"""Caps lines under the title naming who enacts ("CHỦ TỊCH ỦY BAN NHÂN DÂN …"): not title."""

_TYPES_FOLDED = sorted({(fold(t).upper(), t) for t in P.DOC_TYPES}, key=lambda p: -len(p[0]))
_MARKS_FOLDED = [(fold(m).upper(), m) for m in P.MARKS]


@dataclass
class Segment:
    """A piece of a header line: an anchor (number, date, …) or free text to classify."""

    kind: str
    text: str
    line_id: str
    data: dict[str, Any] = field(default_factory=dict)
    column: str | None = None
    role: str = "header"


@dataclass
class Header:
    """What the header parser found, plus where the body begins."""

    fields: dict[str, Any]
    roles: dict[str, str]
    body_start: int
    marginalia: list[dict[str, Any]]
    displaced: list[str] = field(default_factory=list)


def doc_type_at_start(text: str, allow_glued: bool = False) -> tuple[str, str] | None:
    """If `text` opens with a document type in capitals, return (type as printed, rest).

    >>> doc_type_at_start("HƯỚNG DẪN tuyên truyền kết quả")
    ('HƯỚNG DẪN', 'tuyên truyền kết quả')
    >>> doc_type_at_start("Hướng dẫn số 5") is None
    True

    `allow_glued` accepts a type run into a capitals title ("LUẬTCÁN BỘ"), which is
    only safe right under the date line, where the type is printed.
    """
    stripped = re.sub(r"^[\s\d_*#.\-–]+(?=\D)", "", text)
    offset = len(text) - len(stripped)
    folded = fold(stripped)
    for key, _canonical in _TYPES_FOLDED:
        if folded.upper().startswith(key) and (
            len(folded) == len(key)
            or not folded[len(key)].isalnum()
            or _camel_joint(stripped, len(key))
            or (allow_glued and stripped[len(key)].isupper())
        ):
            printed = stripped[: len(key)]
            if stripped[len(key) :].lstrip().startswith(":"):
                return None  # "QUYẾT ĐỊNH:" is the enacting formula, not the type
            if not is_upper_line(printed, min_letters=2, ratio=0.8):
                return None
            rest = text[offset + len(key) :].strip(" :.-–")
            if rest.startswith(("SỐ", "số", "Số")) and not is_upper_line(printed, 2, 1.0):
                return None
            return printed.upper(), rest
    return None


def _camel_joint(text: str, at: int) -> bool:
    """Tell a caps type glued to a capitalised word ("THÔNG TƯ|Quy định")."""
    return at + 1 < len(text) and text[at].isupper() and text[at + 1].islower()


def mark_of(text: str) -> str | None:
    """Return the secrecy/urgency mark a short segment consists of, or None."""
    folded = squash(fold(text).upper().strip(" *_-–.:"))
    for key, mark in _MARKS_FOLDED:
        if folded == key:
            return mark
    return None


def _gap_pieces(line: Line, page: Page) -> list[tuple[str, str | None]]:
    """Split an OCR line at wide gaps between word boxes (a two-column header read as one line).

    Returns (text, column) pieces; without boxes, the whole line with column None.
    """
    tokens = line.text.split()
    words = [w for w in line.words if w.bbox]
    if not words or len(words) != len(tokens) or not page.width:
        if line.bbox and page.width:
            return [(line.text, _column(line.bbox, page.width))]
        return [(line.text, None)]
    heights = sorted(w.bbox[3] - w.bbox[1] for w in words if w.bbox)
    median_h = heights[len(heights) // 2] or 10
    limit = max(3 * median_h, page.width * 0.04)
    pieces: list[tuple[str, str | None]] = []
    start = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].bbox[0] - words[i - 1].bbox[2] > limit:  # type: ignore[index]
            box = (words[start].bbox[0], 0, words[i - 1].bbox[2], 0)  # type: ignore[index]
            pieces.append((" ".join(tokens[start:i]), _column(box, page.width)))
            start = i
    return pieces


def _column(bbox: tuple[int, int, int, int], width: int) -> str:
    centre = (bbox[0] + bbox[2]) / 2
    span = bbox[2] - bbox[0]
    if span > 0.6 * width or abs(centre - width / 2) < 0.08 * width:
        return "centre"
    return "left" if centre < width / 2 else "right"


def _anchors(folded: str) -> list[tuple[int, int, str, re.Match[str]]]:
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, rx in (
        ("national_state", P.NATIONAL_STATE),
        ("national_party", P.NATIONAL_PARTY),
        ("motto", P.MOTTO),
        ("date", P.DATE),
        ("date", P.DATE_NUMERIC),
        ("number", P.NUMBER),
    ):
        for m in rx.finditer(folded):
            if kind == "number":
                kw, colon = m.group("kw"), m.group("colon")
                if kw in ("SO", "so") and not colon:
                    continue
                if not re.search(r"[A-Za-z]", m.group("code")):
                    continue  # "Số 1239 + 1240" of a gazette page, not a document code
            found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda a: (a[0], -(a[1] - a[0])))
    kept: list[tuple[int, int, str, re.Match[str]]] = []
    for anchor in found:
        if kept and anchor[0] < kept[-1][1]:
            continue
        kept.append(anchor)
    return kept


def split_segments(text: str, line_id: str, column: str | None) -> list[Segment]:
    """Cut one header line (or gap piece) into anchor and text segments."""
    segments: list[Segment] = []
    for part in re.split(r"\s+\|\s+", text):
        folded = fold(part)
        cursor = 0
        for start, end, kind, m in _anchors(folded):
            if start > cursor:
                segments.append(Segment("text", part[cursor:start], line_id, column=column))
            data: dict[str, Any] = {}
            if kind == "number":
                data["code"] = part[m.start("code") : m.end("code")].strip(" .;,")
            elif kind == "date":
                data["ymd"] = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
                data["numeric"] = "thang" not in m.group(0).lower()
            segments.append(Segment(kind, part[start:end], line_id, data, column))
            cursor = end
        if cursor < len(part):
            segments.append(Segment("text", part[cursor:], line_id, column=column))
    for seg in segments:
        if seg.kind == "text":
            seg.data["raw"] = seg.text.strip()
            seg.text = squash(seg.text.strip(" _*=|~·•,;"))
    return [s for s in segments if s.kind != "text" or s.text]


DATE_CUT = re.compile(r"ngay\s*\d{1,2}(?:\s*thang(?:\s*\d{1,2}(?:\s*nam)?)?)?\s*$", re.I)
"""A header line ending inside a date: the right column was too narrow for it."""

PLACE_STOP = re.compile(r"[\d/:;()\[\]_*|]")
PLACE_LOWER_OK = {"phố", "xã", "thị", "trấn", "huyện", "tỉnh", "quận", "phường"}


def place_before(text: str) -> tuple[str | None, str]:
    """Split the text before ", ngày …" into (place, what precedes it).

    The place is the run of capitalised words ending the text ("Thành phố Hồ Chí Minh",
    "TP. Hồ Chí Minh"); header words run into it (motto, codes) are left out.

    >>> place_before("Hạnh phúc Hà Nội,")
    ('Hà Nội', 'Hạnh phúc')
    >>> place_before("Thành phố Hồ Chí Minh")
    ('Thành phố Hồ Chí Minh', '')
    """
    words = text.strip(" ,.-–").split()
    taken: list[str] = []
    for word in reversed(words):
        bare = word.strip(",")
        if not bare or PLACE_STOP.search(bare) or len(taken) >= 6:
            break
        if bare[0].isupper() or bare.lower() in PLACE_LOWER_OK:
            if bare.isupper() and len(bare) > 3 and taken and not taken[-1].isupper():
                break
            taken.append(bare)
            continue
        break
    while taken and taken[-1].lower() in PLACE_LOWER_OK:
        taken.pop()
    if not taken:
        return None, text.strip()
    place = " ".join(reversed(taken))
    rest_words = words[: len(words) - len(taken)]
    return place, " ".join(rest_words).strip()


def find_body_start(lines: list[Line]) -> int:
    """Index of the first body line: legal bases, addressee, first section, or prose.

    Also the first sentence line right under a capitals title ("KẾ HOẠCH" / "CHUYỂN ĐỔI
    SỐ …" / "Quán triệt Nghị quyết số 57-NQ/TW ngày …"): wrapped preamble lines are too
    short to look like prose, and the numbers and dates they cite must not keep the
    header open.
    """
    limit = min(len(lines), MAX_HEADER_LINES)
    seen_type = False
    previous_caps_title = False
    for i in range(limit):
        text = lines[i].text.strip()
        folded = fold(text)
        if P.BODY_START.match(folded):
            return i
        if _is_prose(text, folded):
            return i
        if previous_caps_title and _opens_sentence(text, folded):
            return i
        found = doc_type_at_start(text)
        caps = is_upper_line(text)
        previous_caps_title = seen_type and caps and not found and bool(text)
        seen_type = seen_type or found is not None
    return limit


def _opens_sentence(text: str, folded: str) -> bool:
    """Tell whether a mixed-case line of six or more words opens with a capital.

    Not a place-and-date line ("Hà Nội, ngày 24 tháng 11 năm 2025"): a date there follows
    a comma or opens the line, while a cited one follows its document ("… số 5 ngày …").
    """
    words = text.split()
    if len(words) < 6 or not text[:1].isupper() or is_upper_line(text) or P.VV.match(folded):
        return False
    return not any(a[2] == "date" and (a[0] == 0 or folded[:a[0]].rstrip().endswith(","))
                   for a in _anchors(folded))


def _is_prose(text: str, folded: str) -> bool:
    words = text.split()
    if len(words) < 25 or is_upper_line(text) or P.VV.match(folded):
        return False
    if P.NATIONAL_STATE.search(folded) or P.MOTTO.search(folded) or P.NATIONAL_PARTY.search(folded):
        return False
    if doc_type_at_start(text):
        return False
    return not any(a[2] == "number" for a in _anchors(folded[:200]))


def parse_header(pages: list[Page]) -> Header:
    """Parse the header zone of a document (the lines before its body)."""
    lines = [line for page in pages for line in page.lines]
    page_of = {line.id: page for page in pages for line in page.lines}
    body_start = find_body_start(lines)
    segments: list[Segment] = []
    carry: tuple[str, str] | None = None
    for line in lines[:body_start]:
        page = page_of[line.id]
        for piece, column in _gap_pieces(line, page):
            if carry is not None:
                piece, carry = f"{carry[0]} {piece}", None
            if DATE_CUT.search(fold(piece)):
                carry = (piece, line.id)  # "…, ngày 19 tháng 11" / "năm 2025": wrapped date
                continue
            segments.extend(split_segments(piece, line.id, column))
    if carry is not None:
        segments.extend(split_segments(carry[0], carry[1], None))
    zone_has_anchor = any(s.kind != "text" for s in segments)
    displaced: list[str] = []
    if not any(s.kind in ("number", "date", "national_state", "national_party") for s in segments):
        displaced = _displaced_header(lines, body_start)
        for line in lines:
            if line.id in displaced:
                for piece, column in _gap_pieces(line, page_of[line.id]):
                    segments.extend(split_segments(piece, line.id, column))

    fields: dict[str, Any] = {
        "issuer": None,
        "national_header": None,
        "motto": None,
        "number": None,
        "number_parts": None,
        "place": None,
        "issued_date": None,
        "doc_type": None,
        "title": None,
        "marks": [],
        "number_as_read": None,
    }
    first_anchor = next(
        (i for i, s in enumerate(segments) if s.kind != "text" or _issuer_like(s)), len(segments)
    )
    marginalia = [
        {"text": s.data.get("raw", s.text), "line_id": s.line_id}
        for s in segments[:first_anchor]
        if s.kind == "text"
    ]
    for seg in segments[:first_anchor]:
        seg.role = "marginalia"

    # date first: its place comes from the text just before it
    def date_rank(i: int) -> tuple[bool, bool, int]:
        """Prefer '…, ngày 29 tháng 12 năm 2023' after a place over dates cited in a title."""
        before = segments[i - 1] if i > 0 else None
        has_place = bool(before and before.kind == "text" and place_before(before.text)[0])
        return (segments[i].data["numeric"], not has_place, i)

    dated = sorted((i for i, s in enumerate(segments) if s.kind == "date"), key=date_rank)
    for i in dated:
        seg = segments[i]
        if fields["issued_date"] is None:
            y, m, d = seg.data["ymd"]
            try:
                fields["issued_date"] = dt.date(y, m, d).isoformat()
            except ValueError:
                log.warning("%s: header date %s is not a calendar date", seg.line_id, seg.text)
                continue
            if i > 0 and segments[i - 1].kind == "text":
                place, rest = place_before(segments[i - 1].text)
                fields["place"] = place
                segments[i - 1].text = rest
                segments[i - 1].data["place"] = place
                if not rest:
                    segments[i - 1].kind = "place"
            seg.data["used"] = True

    type_index = None
    anchors_seen = not zone_has_anchor
    for i, seg in enumerate(segments):
        if seg.kind in ("national_state", "national_party", "motto", "number", "date"):
            anchors_seen = True
            if seg.kind == "national_state" and not fields["national_header"]:
                fields["national_header"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
            elif seg.kind == "national_party" and not fields["national_header"]:
                fields["national_header"] = "ĐẢNG CỘNG SẢN VIỆT NAM"
            elif seg.kind == "motto":
                fields["motto"] = "Độc lập - Tự do - Hạnh phúc"
            elif (
                seg.kind == "number"
                and fields["number"] is None
                and (type_index is None or seg.line_id in displaced)
            ):
                fields["number"] = normalize_code(seg.data["code"])
                if fields["number"] != seg.data["code"]:
                    fields["number_as_read"] = seg.data["code"]
            continue
        if seg.kind != "text" or seg.role == "marginalia":
            continue
        mark = mark_of(seg.text)
        if mark:
            fields["marks"].append(mark)
            seg.kind = "mark"
            continue
        if type_index is None and anchors_seen:
            after_date = i > 0 and segments[i - 1].kind == "date"
            found = doc_type_at_start(seg.text, allow_glued=after_date)
            if found:
                fields["doc_type"], rest = found
                type_index = i
                seg.kind, seg.role = "doc_type", "title"
                seg.data["rest"] = rest
                continue
        if type_index is None and P.VV.match(seg.text):
            seg.kind, seg.role = "vv", "title"
            if fields["title"] is None:
                fields["title"] = seg.text
            continue
        if type_index is None and _issuer_like(seg):
            seg.kind = "issuer"

    issuer_lines = [s.text for s in segments if s.kind == "issuer"]
    fields["issuer"] = group_issuer(issuer_lines)

    if type_index is not None:
        fields["title"] = _collect_title(segments, type_index, fields["issuer"])
    elif any(s.kind == "vv" for s in segments) or _is_letter(lines, body_start, fields):
        fields["doc_type"] = "CÔNG VĂN"
    fields["number_parts"] = parse_number(fields["number"], fields["doc_type"])

    roles: dict[str, str] = {}
    rank = {"marginalia": 0, "header": 1, "title": 2}
    for seg in segments:
        current = roles.get(seg.line_id)
        if current is None or rank[seg.role] > rank[current]:
            roles[seg.line_id] = seg.role
    for line in lines[:body_start]:
        roles.setdefault(line.id, "header")
    return Header(fields, roles, body_start, marginalia, displaced)


def _displaced_header(lines: list[Line], body_start: int) -> list[str]:
    """Ids of a header block found out of place (PDF text layers and OCR misorder it).

    Looks in the first lines of the body for the national header or motto; takes that
    line, a capitals issuer line just above it and an anchored line just below it.
    """
    for j in range(body_start, min(len(lines), body_start + 80)):
        folded = fold(lines[j].text)
        if not (
            P.NATIONAL_STATE.search(folded)
            or P.NATIONAL_PARTY.search(folded)
            or P.MOTTO.search(folded)
        ):
            continue
        ids = [lines[j].id]
        if j > body_start and is_upper_line(lines[j - 1].text) and len(lines[j - 1].text) < 120:
            ids.insert(0, lines[j - 1].id)
        if j + 1 < len(lines) and any(
            a[2] in ("number", "date") for a in _anchors(fold(lines[j + 1].text))
        ):
            ids.append(lines[j + 1].id)
        return ids
    return []


def _is_letter(lines: list[Line], body_start: int, fields: dict[str, Any]) -> bool:
    """Tell an official letter: numbered, no printed type, "Kính gửi" (Decree 30/2020).

    Its number carries no type code ("5155/SGDĐT-GDTXNNĐH"); its summary line may start
    "Về …" instead of "V/v …".
    """
    if not fields["number"] or fields["doc_type"]:
        return False
    parts = parse_number(fields["number"])
    if parts and parts["type_code"]:
        return False
    window = lines[body_start : body_start + 3]
    return any(P.ADDRESSEE.match(fold(line.text)) for line in window)


def _issuer_like(seg: Segment) -> bool:
    text = seg.text
    if seg.column == "right" or DECORATION.match(text):
        return False
    if not is_upper_line(text, min_letters=4, ratio=0.9):
        return False
    return len(text.split()) >= 2 and mark_of(text) is None


def _collect_title(segments: list[Segment], type_index: int, issuer: dict[str, Any] | None) -> str:
    parts = [segments[type_index].data.get("rest", "")]
    caps_title = not parts[0] or is_upper_line(parts[0])
    issuer_key = fold(" ".join(v for v in (issuer or {}).values() if v)).upper().replace(" ", "")
    for seg in segments[type_index + 1 :]:
        if seg.kind not in ("text", "issuer"):
            break
        folded = fold(seg.text).upper()
        key = folded.replace(" ", "")
        if is_upper_line(seg.text) and (
            folded.startswith(ENACTING_STARTS) or (issuer_key and key and key in issuer_key)
        ):
            break
        if caps_title and not is_upper_line(seg.text) and parts[0]:
            break
        if not caps_title and not seg.text[:1].islower():
            break
        seg.role = "title"
        parts.append(seg.text)
        if len(parts) > 6:
            break
    title = squash(" ".join(p for p in parts if p))
    if not caps_title:
        title = re.sub(r"(\s+[A-ZĐỦÍ][A-ZĐÂĂÊÔƠƯÀ-Ỹ]+){2,}$", "", title).strip()
    return title or None  # type: ignore[return-value]


def _dedupe(text: str) -> str:
    """'CHÍNH PHỦ CHÍNH PHỦ' → 'CHÍNH PHỦ' (the corpus repeats the issuer run together)."""
    words = text.split()
    for size in range(len(words) // 2, 0, -1):
        if words[:size] == words[size : 2 * size]:
            return " ".join(words[size:])
    return text


def group_issuer(lines: list[str]) -> dict[str, Any] | None:
    """Group issuer lines into organs: {"parent": …, "body": …}.

    A line opening with an organ word ("BAN", "CỤC", "SỞ" …) starts a new organ; any
    other line continues the one above ("ỦY BAN NHÂN DÂN" / "TỈNH BẮC NINH").

    >>> group_issuer(["THÀNH ỦY HẢI PHÒNG", "BAN TUYÊN GIÁO"])
    {'parent': 'THÀNH ỦY HẢI PHÒNG', 'body': 'BAN TUYÊN GIÁO'}
    >>> group_issuer(["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH"])
    {'parent': None, 'body': 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH'}
    """
    units: list[str] = []
    for raw in lines:
        text = squash(raw)
        folded = fold(text).upper()
        for prefix in CATEGORY_PREFIXES:
            if folded.startswith(prefix):
                text = text[len(prefix) :].strip()
                folded = folded[len(prefix) :].strip()
        text = _dedupe(text)
        folded = fold(text).upper()
        if not text:
            continue
        continues = units and (
            units[-1].upper().endswith((" VÀ", " -", "-", " VA"))
            or not folded.startswith(ORG_STARTS)
        )
        if continues:
            units[-1] = f"{units[-1]} {text}"
        else:
            units.append(text)
    units = [_dedupe(u) for u in units]
    deduped: list[str] = []
    for unit in units:
        if not deduped or deduped[-1] != unit:
            deduped.append(unit)
    if not deduped:
        return None
    if len(deduped) == 1:
        return {"parent": None, "body": deduped[0]}
    return {"parent": deduped[-2], "body": deduped[-1]}


def parse_number(number: str | None, doc_type: str | None = None) -> dict[str, Any] | None:
    """Split a document code into seq, year, type code and issuer code.

    >>> parse_number("70-HD/BTGTU")
    {'seq': '70', 'year': None, 'type_code': 'HD', 'issuer_code': 'BTGTU'}
    >>> parse_number("75/2025/NQ-HĐND")
    {'seq': '75', 'year': 2025, 'type_code': 'NQ', 'issuer_code': 'HĐND'}
    >>> parse_number("1234/UBND-VP")
    {'seq': '1234', 'year': None, 'type_code': None, 'issuer_code': 'UBND-VP'}
    >>> parse_number("60/2024/QH15")
    {'seq': '60', 'year': 2024, 'type_code': None, 'issuer_code': 'QH15'}
    """
    if not number:
        return None
    code = re.sub(r"\s*([/-])\s*", r"\1", number)
    parts: dict[str, Any] = {"seq": None, "year": None, "type_code": None, "issuer_code": None}
    m = re.match(r"^(\d+[\w.]*?)-([^/]+)/(.+)$", code)  # Party style: 70-HD/BTGTU
    if m and m.group(2) in P.TYPE_CODES:
        parts.update(seq=m.group(1), type_code=m.group(2), issuer_code=m.group(3))
        return parts
    pieces = code.split("/")
    parts["seq"] = pieces[0]
    rest = pieces[1:]
    if rest and re.fullmatch(r"(19|20)\d\d", rest[0]):
        parts["year"] = int(rest[0])
        rest = rest[1:]
    tail = "/".join(rest)
    if not tail:
        return parts
    head, _, issuer = tail.partition("-")
    is_letter = doc_type == "CÔNG VĂN"
    if issuer and head in P.TYPE_CODES and not is_letter:
        parts["type_code"], parts["issuer_code"] = head, issuer
    else:
        parts["issuer_code"] = tail
    return parts

"""Typographic cues of one line: does it start or end a paragraph, and how is it numbered.

Why: the language model sees words, not layout. A numbered or bulleted line ("1.", "II.",
"-", "a)") starts a paragraph; a line ending in ". ; : ! ?" usually ends one; a lowercase
first letter continues one; a short line is the last of its paragraph (or a heading). The
line reorderer uses these as soft evidence and the paragraph builder as join rules.

Deliberately left alone: the words themselves (the LM's job) and any document-specific
vocabulary. "- xã hội" at the start of a wrapped line ("kinh tế - xã hội") is a hyphen,
not a bullet: a bullet is followed by a capital letter.

>>> cues = line_cues("II. NOI DUNG TUYEN TRUYEN")
>>> cues.enumerator, cues.is_caps, cues.starts_paragraph
(Enumerator(style='roman', value=2), True, True)
>>> line_cues("- xã hội ngày càng tốt").starts_paragraph
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import Levenshtein

_LEADER_RE = re.compile(r"\s*(?:[.…]{2,}|…)")
"""A run of dots or an ellipsis: the blank a form leaves to fill in."""

TERMINAL = ".;:!?…"
"""Characters that end a sentence or a list item (a paragraph may end after them)."""

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_RE = re.compile(r"^(?P<label>[IVXL]{1,6})[.)]\s+(?=\S)")
_ARABIC_RE = re.compile(r"^(?P<label>\d{1,2})(?:[.)]|\.\))\s+(?=\S)")
_DECIMAL_RE = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){1,2})(?:[.)]\s+(?=\S)|\s+(?=[^\W\d_]))")
"""Multi-level labels "1.2." / "2.3.1." / "1.1 Mục tiêu" (parts of one or two digits, so a
number with a thousands dot such as "1.000" is not a label)."""
_ROMAN_DECIMAL_RE = re.compile(
    r"^(?P<label>[IVXL]{1,6})\.(?P<sub>\d{1,2})(?:[.)]\s+(?=\S)|\s+(?=[^\W\d_]))")
"""Labels under a Roman heading, "IV.1." / "IV.24. Quy hoạch …" / "II.3 Mục tiêu" (planning
documents number their sub-sections after the part they belong to)."""
_LETTER_RE = re.compile(r"^(?P<label>[a-zđø¡ï])\)\s+(?=\S)")
LABEL_LOOKALIKES = {"ø": "g", "¡": "i", "ï": "i"}
"""What Tesseract (`vie`, Times-like type) reads for a point label: "g)" as "ø)", "i)" as
"¡)" or "ï)" — on the drawn pages of `bench_paragraphs.py --ocr`, all 21 "g)" were read
"ø)" (no Vietnamese word or label starts with these letters)."""
_ARTICLE_RE = re.compile(r"^(?P<word>Điều|Dieu|Chương|Chuong|Mục|Muc|Phần|Phan)\s+"
                         r"(?P<label>\d{1,3}|[IVXL]{1,6})\b", re.IGNORECASE)
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"
"""Point labels of legal texts follow the Vietnamese alphabet: a) b) c) d) đ) e) g) …"""
_INLINE_FIRST_RE = re.compile(r"\s(?:(?P<letter>a\))|(?P<arabic>1\.))\s+(?=[^\W\d_])")
"""A first sub-label inside a labelled line ("… Xếp loại a) Loại tốt"), followed by a word."""
_BULLET_RE = re.compile(r"^(?:[-–—+•·*▪◦]|\(\d{1,2}\)|\d{1,2}\)\.)\s*(?=\S)")


@dataclass(frozen=True)
class Enumerator:
    """A list label: its style (roman, roman_decimal, arabic, decimal…, letter, article) and value.

    `parent`: for multi-level labels ("15.2.") the label of the level above (15).
    `inline`: the first label of the level below when the line runs on into it ("3. Xếp
    loại a) Loại tốt: …", "Điều 8. Về … 1. Việc hỗ trợ …"): a flattened line, whose next
    line then goes on with "b)" / "2.".
    """

    style: str
    value: int
    parent: int | None = field(default=None, repr=False)
    inline: Enumerator | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class LineCues:
    """What the layout of one line says, independent of its words."""

    text: str
    enumerator: Enumerator | None
    bullet: bool
    first_letter_case: str
    """Case of the first letter after the label: "upper", "lower", or "none" (no letter, or
    the line opens with a form's blank, "…, ngày … tháng": its first word is still to fill)."""
    ends_terminal: bool
    ends_comma: bool
    is_caps: bool
    length: int
    stripped: bool | None = None
    """True for a line read without Vietnamese marks, False for a marked one, None if unsure."""

    @property
    def item(self) -> bool:
        """True for a numbered or bulleted line whose text starts with a capital."""
        return (self.enumerator is not None or self.bullet) and self.first_letter_case != "lower"

    @property
    def starts_paragraph(self) -> bool:
        """True when this line can only be the first line of a paragraph."""
        return self.item or (self.is_caps and self.length < 100)

    @property
    def continues_paragraph(self) -> bool:
        """True when this line can only continue a paragraph (it starts in lowercase)."""
        return not self.item and self.first_letter_case == "lower"


def roman_value(label: str) -> int:
    """Value of a Roman numeral (I=1 … XL=40); 0 when it is not a well-formed one.

    >>> roman_value("IV"), roman_value("XIV"), roman_value("IIII")
    (4, 14, 0)
    """
    total = 0
    previous = 0
    for char in reversed(label.upper()):
        value = _ROMAN_VALUES.get(char, 0)
        if value == 0:
            return 0
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total if to_roman(total) == label.upper() else 0


def to_roman(value: int) -> str:
    """Write `value` (1-49) as a Roman numeral: the inverse of `roman_value`."""
    parts = [(40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for size, symbol in parts:
        while value >= size:
            out += symbol
            value -= size
    return out


def find_enumerator(text: str) -> tuple[Enumerator | None, int]:
    """The list label at the start of `text` and the offset where its text begins.

    >>> find_enumerator("1. Lam ro")
    (Enumerator(style='arabic', value=1), 3)
    >>> find_enumerator("b) Tổ chức")
    (Enumerator(style='letter', value=2), 3)
    """
    match = _ROMAN_RE.match(text)
    if match and roman_value(match.group("label")):
        return Enumerator("roman", roman_value(match.group("label"))), match.end()
    match = _ROMAN_DECIMAL_RE.match(text)
    if match and roman_value(match.group("label")):
        part = roman_value(match.group("label"))
        return Enumerator("roman_decimal", int(match.group("sub")), part), match.end()
    match = _ARABIC_RE.match(text)
    if match:
        return Enumerator("arabic", int(match.group("label"))), match.end()
    match = _DECIMAL_RE.match(text)
    if match:
        if match.group(0)[len(match.group("label")):].strip() or _upper_after(text, match.end()):
            parts = [int(part) for part in match.group("label").split(".")]
            style = "decimal2" if len(parts) == 2 else "decimal3"
            return Enumerator(style, parts[-1], parts[-2]), match.end()
    match = _LETTER_RE.match(text)
    if match:
        letter = LABEL_LOOKALIKES.get(match.group("label"), match.group("label"))
        if letter in POINT_LETTERS:
            return Enumerator("letter", POINT_LETTERS.index(letter) + 1), match.end()
    article_text = text
    match = _ARTICLE_RE.match(text)
    misread = None if match else _misread_article_word(text)
    if misread is not None:
        article_text, match = misread, _ARTICLE_RE.match(misread)
    shift = len(text) - len(article_text)
    if match and _heading_follows(article_text[match.end():]):
        label = match.group("label")
        value = int(label) if label.isdigit() else roman_value(label)
        style = match.group("word").lower().replace("đ", "d")
        style = {"dieu": "article", "chuong": "chapter", "muc": "section", "phan": "part"}.get(
            _ascii_fold(style), "article")
        if value:
            return Enumerator(style, value), match.start("label") + shift
    return None, 0


_FIRST_WORD_NUMBER_RE = re.compile(r"^(?P<word>[^\W\d_]{2,6})\s+\d{1,3}\b")


def _misread_article_word(text: str) -> str | None:
    """`text` with its first word read as "Dieu" when OCR garbled that word by one letter.

    Why: "Điều 5." printed "Die 5." or "Dleu 8." is no label, so the article's "1." looks
    like it follows the previous article's "4." and the line reorderer "repairs" a
    numbering break that is not there (whole OCR-garbled documents: 117 → 78 lines moved
    for nothing). Only a capital D/Đ word one edit from "dieu" followed by a number counts;
    the caller still asks for a heading after the number ("Die 5. Kê khai giá").
    """
    match = _FIRST_WORD_NUMBER_RE.match(text)
    if not match or match.group("word")[0] not in "DĐ":
        return None
    word = _ascii_fold(match.group("word")).lower()
    if word == "dieu" or Levenshtein.distance(word, "dieu") > 1:
        return None
    return "Dieu" + text[len(match.group("word")):]


def _with_inline_label(enumerator: Enumerator, rest: str) -> Enumerator:
    """Add to `enumerator` the first label of a deeper level that its line runs on into.

    Why: text layers and corpus files flatten "3. Xếp loại" + "a) Loại tốt: …" into one
    line; the next line's "b)" then follows "3." directly, which reads as a numbering break
    and moved clean lines. Only "a)" / "1." followed by a capitalised word, and only under
    a shallower label ("a)" under "3.", "1." under "Điều 8."), count.
    """
    match = _INLINE_FIRST_RE.search(rest)
    if match is None or not rest[match.end():match.end() + 1].isupper():
        return enumerator
    inline = Enumerator("letter" if match.group("letter") else "arabic", 1)
    if ENUMERATOR_RANK[inline.style] <= ENUMERATOR_RANK[enumerator.style]:
        return enumerator
    return replace(enumerator, inline=inline)


def _heading_follows(rest: str) -> bool:
    """True when the text after "Điều 9" / "Chương II" makes it a heading, not a reference.

    A heading has a mark after its number ("Điều 9.", "Mục 1:"), nothing at all, or a title
    in capitals ("Chương II QUY ĐỊNH CHUNG"); a wrapped reference ("… tại khoản 1" +
    "Điều 9 Nghị định này") goes on in ordinary words.
    """
    rest = rest.strip()
    if not rest or rest[0] in ".:":
        return True
    first = rest.split()[0]
    return len(first) >= 2 and first.isupper()


def _opens_in_capitals(text: str) -> bool:
    """Tell whether the first word of `text` is in capitals ("TẾ", "VIỆC (Kèm theo …")."""
    words = text.split()
    letters = [ch for ch in words[0] if ch.isalpha()] if words else []
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def wraps_capitals_title(previous: LineCues, current: LineCues, previous_full: bool) -> bool:
    """Tell whether a full capitals line may run on into `current`: a title over lines.

    Why: a title in capitals wraps like any text ("… NGHIỆP VỤ CHUYÊN NGÀNH KẾ" + "HOẠCH,
    ĐẦU TƯ VÀ THỐNG KÊ (Kèm theo …"); a short capitals line (a header stub, "QUYẾT
    ĐỊNH"), one ending in a stop, or a labelled next line is no such wrap. Shared by the
    paragraph builder (join) and the reorderer's link scores (may read on).
    """
    return (previous.is_caps and previous_full and not previous.ends_terminal
            and not current.item and (current.is_caps or _opens_in_capitals(current.text)))


def _upper_after(text: str, offset: int) -> bool:
    """True when the text after a label without its own mark ("1.1 Mục tiêu") is capitalised."""
    return text[offset:offset + 1].isupper()


def _ascii_fold(word: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def line_cues(text: str) -> LineCues:
    """Read the layout cues of one line (leading/trailing spaces ignored)."""
    stripped = text.strip()
    enumerator, offset = find_enumerator(stripped)
    if enumerator is not None:
        enumerator = _with_inline_label(enumerator, stripped[offset:])
    bullet = False
    if enumerator is None:
        match = _BULLET_RE.match(stripped)
        if match:
            bullet = True
            offset = match.end()
    rest = stripped[offset:]
    first = next((ch for ch in rest if ch.isalpha()), "")
    case = "upper" if first.isupper() else "lower" if first.islower() else "none"
    if _LEADER_RE.match(rest):
        case = "none"  # a form's blank opens the line ("…, ngày … tháng"): no word yet
    letters = [ch for ch in stripped if ch.isalpha()]
    caps = len(letters) >= 3 and sum(ch.isupper() for ch in letters) >= 0.85 * len(letters)
    last = stripped.rstrip("*_\"'”’)]")[-1:] if stripped else ""
    if stripped.endswith("/."):
        last = "."
    words = [w for w in stripped.split() if w.isalpha()]
    marked = sum(any(ord(ch) > 127 for ch in w) for w in words)
    condition = None
    if len(words) >= 3:
        condition = True if marked <= 0.1 * len(words) else False if marked >= 0.3 * len(words) else None
    return LineCues(
        stripped=condition,
        text=stripped,
        enumerator=enumerator,
        bullet=bullet,
        first_letter_case=case,
        ends_terminal=bool(last) and last in TERMINAL,
        ends_comma=last == ",",
        is_caps=caps,
        length=len(stripped),
    )


ENUMERATOR_RANK = {"part": 0, "chapter": 1, "section": 2, "roman": 2, "roman_decimal": 3,
                   "article": 4, "arabic": 5, "decimal2": 6, "decimal3": 7, "letter": 8}
"""Nesting depth of each label style: a label resets the counters of deeper styles."""

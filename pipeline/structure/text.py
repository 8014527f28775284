"""Accent-folding and small text helpers shared by the structure parsers.

Header keywords must be found in OCR output that lost or garbled its marks ("So" for
"Số", "ngay" for "ngày"), so matching is done on a *folded* copy of the text: one
character per character (marks stripped, đ→d), the same length as the original, so a
match's offsets point straight back into the printed text we keep.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Strip Vietnamese marks, keeping case and length ("Số: 5" → "So: 5").

    >>> fold("Hải Phòng, ngày 29")
    'Hai Phong, ngay 29'
    """
    return "".join(_fold_char(c) for c in text)


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return re.sub(r"\s+", " ", text).strip()


def letters(text: str) -> str:
    """Only the letters of `text` (used for case ratios)."""
    return "".join(c for c in text if c.isalpha())


def is_upper_line(text: str, min_letters: int = 3, ratio: float = 0.85) -> bool:
    """Tell whether (nearly) every letter is a capital: issuers, doc types, caps titles.

    OCR may lowercase a letter or two, so a ratio rather than `str.isupper`.
    """
    only = letters(text)
    if len(only) < min_letters:
        return False
    return sum(c.isupper() for c in only) / len(only) >= ratio


NAME_WORD = re.compile(
    r"^[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ]"
    r"[a-zđâăêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]*$"
)


def is_person_name(text: str) -> bool:
    """Tell whether a line looks like a signer's name: 2-6 capitalised words only.

    >>> is_person_name("Đào Văn Hoàn"), is_person_name("Nơi nhận:")
    (True, False)
    """
    words = squash(text.strip("*_ ")).split(" ")
    if not 2 <= len(words) <= 6:
        return False
    return all(NAME_WORD.match(w) for w in words)

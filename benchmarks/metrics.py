"""Text-quality metrics for OCR and repair benchmarks: CER, WER, diacritic accuracy.

All metrics compare NFC text with whitespace runs collapsed (line breaks and spacing
are layout, not content). Levenshtein distances come from rapidfuzz (C, fast).
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

_SPACE = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)


def normalize(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, ends stripped.

    >>> normalize("  Hòa\\n  bình ")
    'Hòa bình'
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def cer(ref: str, hyp: str) -> float:
    """Character error rate: edit distance / reference length (0 is perfect, may exceed 1).

    >>> round(cer("nước", "nuroc"), 2)
    0.75
    """
    r, h = normalize(ref), normalize(hyp)
    if not r:
        return 0.0 if not h else 1.0
    return Levenshtein.distance(r, h) / len(r)


def wer(ref: str, hyp: str) -> float:
    """Word (syllable) error rate over whitespace tokens.

    >>> wer("tuyên truyền kết quả", "tuyen truyền kết quả")
    0.25
    """
    r, h = normalize(ref).split(), normalize(hyp).split()
    if not r:
        return 0.0 if not h else 1.0
    return Levenshtein.distance(r, h) / len(r)


def _syllables(text: str) -> list[str]:
    return [m.group(0) for m in _LETTERS.finditer(unicodedata.normalize("NFC", text))]


def strip_marks(syllable: str) -> str:
    """The syllable without tone or vowel marks (đ→d), lower case.

    >>> strip_marks("Nghị")
    'nghi'
    """
    base = unicodedata.normalize("NFD", syllable.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in base if not unicodedata.combining(ch)).lower()


def diacritic_syllable_accuracy(ref: str, hyp: str) -> float:
    """Share of reference syllables read with exactly the right letters and marks.

    Syllables (letter runs) are aligned by edit distance; a reference syllable counts
    as right only when its aligned hypothesis syllable is identical, marks included
    (case-sensitive). Deleted or substituted syllables count as wrong.

    >>> diacritic_syllable_accuracy("Đẩy mạnh tuyên truyền", "Đây mạnh tuyên truyền")
    0.75
    """
    r, h = _syllables(ref), _syllables(hyp)
    if not r:
        return 1.0
    right = 0
    for tag, i1, i2, _j1, _j2 in Levenshtein.opcodes(r, h):
        if tag == "equal":
            right += i2 - i1
    return right / len(r)


def marks_given_base(ref: str, hyp: str) -> float:
    """Among aligned syllables whose letters (without marks) agree, the share with right marks.

    Separates diacritic errors from other OCR errors.

    >>> marks_given_base("phổ biến", "phố biến")
    0.5
    """
    r, h = _syllables(ref), _syllables(hyp)
    same_base = right = 0
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(r, h):
        if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
            for a, b in zip(r[i1:i2], h[j1:j2], strict=True):
                if strip_marks(a) == strip_marks(b):
                    same_base += 1
                    right += a == b
    return right / same_base if same_base else 1.0

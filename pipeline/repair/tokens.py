"""Split a line into tokens the repair may touch (words) and tokens it must not (the rest).

Why: the repair rewrites letters only. Document numbers (70-HD/BTGTU, 68/2022/QH15,
07/CT-TTg), dates, amounts, URLs, e-mail addresses, punctuation and the exact spacing
must come out byte for byte, so they become opaque tokens. Concatenating the `text` of
all tokens reproduces the input exactly (tested), which is what lets edits carry
character offsets into the original line.

>>> [t.text for t in tokenize("Số 70-HD/BTGTU, ngay 9/1")]
['Số', ' ', '70-HD/BTGTU', ',', ' ', 'ngay', ' ', '9/1']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["word", "code", "url", "space", "punct"]

_URL = r"(?:https?://|www\.)\S+[^\s.,;:!?)\]}\"'”’]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# a run of letters/digits joined by - / . , : that contains a digit or a slash
_JOINED = r"[^\W_]+(?:[-/.,:][^\W_]+)+"
_HAS_DIGIT_WORD = r"[^\W_]*\d[^\W_]*"
_WORD = r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f])*"
"""Letters, with any combining mark NFC could not fold into them ("è" + U+0302 from OCR or a
bad converter): a stray mark stays inside its word instead of cutting it in two."""
_SPACE = r"\s+"
_TOKEN_RE = re.compile(
    rf"(?P<url>{_URL})|(?P<joined>{_JOINED})|(?P<digit>{_HAS_DIGIT_WORD})"
    rf"|(?P<word>{_WORD})|(?P<space>{_SPACE})|(?P<punct>.)",
    re.DOTALL,
)

CasePattern = Literal["lower", "title", "upper", "mixed"]

OcrFix = tuple[str, str, Literal["ocr"], float]
"""A rule's rewrite of one token: (new text, why, edit kind, confidence); the repair
engine applies it before decoding (`engine.Fix`)."""


@dataclass(frozen=True)
class Token:
    """One piece of a line: `start` is its character offset in that line."""

    kind: TokenKind
    text: str
    start: int

    @property
    def end(self) -> int:
        """Offset just past the token."""
        return self.start + len(self.text)

    @property
    def is_word(self) -> bool:
        """True for letter runs: the only tokens the repair may rewrite."""
        return self.kind == "word"


def _split_joined(text: str, start: int) -> list[Token]:
    """Split a joined run without digits or slashes ("Nga-Ukraine", "TP.HCM") into words.

    Runs with a digit or a slash ("70-HD/BTGTU", "b/c", "2021-2030") stay one code token,
    except units written as words between slashes ("đồng/người/tháng", "lớp/nhóm"): they
    are text, and an accent-stripped "dong/nguoi" must be restorable like any other word.
    """
    if any(ch.isdigit() for ch in text) or ("/" in text and not _is_word_slashes(text)):
        return [Token("code", text, start)]
    out: list[Token] = []
    for match in re.finditer(rf"{_WORD}|[^\W\d_]*\d+[^\W_]*|.", text):
        piece = match.group(0)
        kind: TokenKind = "word" if re.fullmatch(_WORD, piece) else "punct"
        out.append(Token(kind, piece, start + match.start()))
    return out


def _is_word_slashes(text: str) -> bool:
    """Tell whether a slash run is words ("đồng/người") rather than a code ("NQ/TW", "b/c").

    Every piece must be a letter run of two or more letters and not all capitals:
    abbreviations and document codes are capitals or single letters.
    """
    pieces = text.split("/")
    return all(
        len(p) >= 2 and re.fullmatch(_WORD, p) is not None and not p.isupper() for p in pieces
    )


def tokenize(text: str) -> list[Token]:
    """Split `text` (NFC) into tokens whose concatenation is `text` exactly."""
    tokens: list[Token] = []
    for match in _TOKEN_RE.finditer(text):
        group = match.lastgroup
        piece = match.group(0)
        start = match.start()
        if group == "url":
            tokens.append(Token("url", piece, start))
        elif group == "joined":
            tokens.extend(_split_joined(piece, start))
        elif group == "digit":
            tokens.append(Token("code", piece, start))
        elif group == "word":
            tokens.append(Token("word", piece, start))
        elif group == "space":
            tokens.append(Token("space", piece, start))
        else:
            tokens.append(Token("punct", piece, start))
    return tokens


def detokenize(tokens: list[Token]) -> str:
    """Join tokens back into text (the inverse of `tokenize`)."""
    return "".join(token.text for token in tokens)


def case_pattern(word: str) -> CasePattern:
    """How a word is capitalised, so a restored form can be given the same shape.

    >>> case_pattern("NOI"), case_pattern("Noi"), case_pattern("noi"), case_pattern("nOi")
    ('upper', 'title', 'lower', 'mixed')
    """
    if word.islower():
        return "lower"
    if word.isupper():
        return "title" if len(word) == 1 else "upper"
    if word[0].isupper() and word[1:].islower():
        return "title"
    return "mixed"


def apply_case(word: str, pattern: CasePattern) -> str:
    """Give `word` (lowercase) the capitalisation `pattern`; mixed case becomes title case.

    >>> apply_case("nội", "upper"), apply_case("đảng", "title")
    ('NỘI', 'Đảng')
    """
    if pattern == "upper":
        return word.upper()
    if pattern in ("title", "mixed"):
        return word[:1].upper() + word[1:]
    return word


def has_marks(word: str) -> bool:
    """Tell whether a word carries any Vietnamese mark (tone, circumflex, breve, horn, đ)."""
    return any(ord(ch) > 127 for ch in word)


def nfc(text: str) -> str:
    """Text in NFC, the one form the repair compares."""
    return unicodedata.normalize("NFC", text)

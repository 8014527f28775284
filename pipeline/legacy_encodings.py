"""Decode text typed in the pre-Unicode Vietnamese encodings found in old archives.

Three encodings matter (FINDINGS.md, "Legacy encodings in old archives"):

- Windows-1258: a base letter plus a combining tone byte; Python's codec, then NFC.
- TCVN3 ("ABC", .VnTime/.VnTimeH fonts): one byte per precomposed *lowercase* letter. It
  has no bytes for capitals with tone marks: .VnTimeH headings store the lowercase bytes
  and the font draws capitals, so `restore_tcvn3_capitals` puts the capitals back where
  the surrounding word or line is typed in capitals ("HƯỚNG DẪN").
- VNI-Windows: a base letter followed by one mark byte (circumflex/breve and tone may
  share a byte); a few letters (ơ ư đ ĩ ị ỉ ì í ỵ) have a single byte of their own.

Which one a file uses is decided from its bytes, not its name: each candidate decoding is
scored by the share of its accented words that are valid Vietnamese syllables
(`syllable_validity`), minus characters no Vietnamese text contains (§ µ ¹, stray marks).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

# --- TCVN3 (ABC) ----------------------------------------------------------------------------

_TCVN3_LETTERS = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
"""The ABC subset of TCVN 5712:1993 (VN3); identical to glibc's TCVN5712-1 on these bytes."""

_TCVN3_FULL_TABLE_EXTRAS = {
    0x80: "À", 0x81: "Ả", 0x82: "Ã", 0x83: "Á", 0x84: "Ạ", 0x85: "Ặ", 0x86: "Ậ", 0x87: "È",
    0x88: "Ẻ", 0x89: "Ẽ", 0x8A: "É", 0x8B: "Ẹ", 0x8C: "Ệ", 0x8D: "Ì", 0x8E: "Ỉ", 0x8F: "Ĩ",
    0x90: "Í", 0x91: "Ị", 0x92: "Ò", 0x93: "Ỏ", 0x94: "Õ", 0x95: "Ó", 0x96: "Ọ", 0x97: "Ộ",
    0x98: "Ờ", 0x99: "Ở", 0x9A: "Ỡ", 0x9B: "Ớ", 0x9C: "Ợ", 0x9D: "Ù", 0x9E: "Ủ", 0x9F: "Ũ",
    0xAF: "Ằ", 0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301", 0xB4: "\u0323",
    0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ", 0xC5: "Ề",
    0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
}
"""Capitals (and combining marks) of the full TCVN 5712:1993 table on bytes ABC leaves free.

ABC files do not use them, but files converted by iconv/glibc (`TCVN5712-1`) do; the
capitals the full table puts on control bytes (0x01-0x17) are not decoded: those bytes
are too likely to be real control characters.
"""

# --- VNI-Windows ----------------------------------------------------------------------------

_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"

_VNI_MARKS = {
    # lowercase mark bytes                       # the same marks for capitals
    0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    0xD9: _ACUTE, 0xD8: _GRAVE, 0xDB: _HOOK, 0xD5: _TILDE, 0xCF: _DOT,
    0xE2: _CIRC, 0xE1: _CIRC + _ACUTE, 0xE0: _CIRC + _GRAVE, 0xE5: _CIRC + _HOOK,
    0xE3: _CIRC + _TILDE, 0xE4: _CIRC + _DOT,
    0xC2: _CIRC, 0xC1: _CIRC + _ACUTE, 0xC0: _CIRC + _GRAVE, 0xC5: _CIRC + _HOOK,
    0xC3: _CIRC + _TILDE, 0xC4: _CIRC + _DOT,
    0xEA: _BREVE, 0xE9: _BREVE + _ACUTE, 0xE8: _BREVE + _GRAVE, 0xFA: _BREVE + _HOOK,
    0xFC: _BREVE + _TILDE, 0xEB: _BREVE + _DOT,
    0xCA: _BREVE, 0xC9: _BREVE + _ACUTE, 0xC8: _BREVE + _GRAVE, 0xDA: _BREVE + _HOOK,
    0xDC: _BREVE + _TILDE, 0xCB: _BREVE + _DOT,
}
_VNI_LETTERS = {
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ", 0xF3: "ĩ", 0xF2: "ị", 0xE6: "ỉ", 0xEC: "ì", 0xED: "í",
    0xEE: "ỵ",
    0xD4: "Ơ", 0xD6: "Ư", 0xD1: "Đ", 0xD3: "Ĩ", 0xD2: "Ị", 0xC6: "Ỉ", 0xCC: "Ì", 0xCD: "Í",
    0xCE: "Ỵ",
}


def _byte_table(mapping: dict[int, str]) -> list[str]:
    """A 256-entry byte → text table: `mapping` over Windows-1252 (what the fonts sit on)."""
    table = []
    for byte in range(256):
        if byte in mapping:
            table.append(mapping[byte])
        else:
            table.append(bytes([byte]).decode("cp1252", errors="replace"))
    return table


_TCVN3_TABLE = _byte_table({**_TCVN3_FULL_TABLE_EXTRAS, **_TCVN3_LETTERS})
_VNI_TABLE = _byte_table({**_VNI_MARKS, **_VNI_LETTERS})


_CP1252_TABLE = _byte_table({})


def _is_letter_byte(byte: int) -> bool:
    return (0x41 <= byte <= 0x5A) or (0x61 <= byte <= 0x7A) or byte >= 0x80


def _next_to_letter(data: bytes, index: int) -> bool:
    """True when the byte at `index` touches a letter byte (so it is a letter itself).

    The full table's capitals on 0x80-0x9F share their bytes with Windows-1252 punctuation
    (– — “ ” …): standing alone between spaces, such a byte is punctuation.
    """
    return ((index > 0 and _is_letter_byte(data[index - 1]))
            or (index + 1 < len(data) and _is_letter_byte(data[index + 1])))


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes → NFC text, capitals restored where the line or word is in capitals."""
    chars = []
    for index, byte in enumerate(data):
        if 0x80 <= byte <= 0x9F and not _next_to_letter(data, index):
            chars.append(_CP1252_TABLE[byte])  # a lone dash or quote, not a capital letter
        else:
            chars.append(_TCVN3_TABLE[byte])
    text = unicodedata.normalize("NFC", "".join(chars))
    return "\n".join(restore_tcvn3_capitals(line) for line in text.split("\n"))


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes → NFC text: mark bytes become combining marks, then compose."""
    return unicodedata.normalize("NFC", "".join(_VNI_TABLE[byte] for byte in data))


def decode_cp1258(data: bytes) -> str:
    """Windows-1258 bytes → NFC text (its tone marks are combining bytes after the letter)."""
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


DECODERS: dict[str, Callable[[bytes], str]] = {
    "windows-1258": decode_cp1258,
    "tcvn3": decode_tcvn3,
    "vni-windows": decode_vni,
}
"""Legacy encoding name → decoder (bytes → NFC text)."""

# --- capitals lost by TCVN3 -----------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")


def _ascii_case(word: str) -> tuple[int, int]:
    upper = sum(1 for ch in word if "A" <= ch <= "Z")
    lower = sum(1 for ch in word if "a" <= ch <= "z")
    return upper, lower


def restore_tcvn3_capitals(line: str) -> str:
    """Upper-case the marked letters of words typed in capitals (TCVN3 has no such capitals).

    A heading typed with caps lock in .VnTimeH reads "HƯớNG DẫN" once decoded: its plain
    letters are capitals, its marked letters are not. When no word of the line has a
    lowercase plain letter, the whole line is a capital heading; otherwise only words with
    two or more capital plain letters and no lowercase plain letter are raised. A lone
    capital initial ("Hà Nội") is left alone: that is ordinary title case.
    """
    words = _WORD.findall(line)
    cased = [_ascii_case(word) for word in words]
    if not any(upper for upper, _ in cased):
        return line
    if all(lower == 0 for _, lower in cased):
        return line.upper()
    return _WORD.sub(
        lambda match: match.group(0).upper()
        if (lambda c: c[0] >= 2 and c[1] == 0)(_ascii_case(match.group(0))) else match.group(0),
        line,
    )


# --- scoring: does a decoding read as Vietnamese? -------------------------------------------

_TONES = {_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT}
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
_OPEN_NUCLEI = """ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu ya oai oay oeo uây uôi
    uya uyu ươi ươu iêu yêu""".split()
"""Vowel groups ending in a glide (or ia/ua/ưa): no final consonant may follow."""
_CLOSABLE_NUCLEI = "a ă â e ê i o ô ơ u ư y iê oa oă oe oo uâ uê uô uơ uy ươ yê uyê".split()


def _alternation(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


_SYLLABLE = re.compile(
    rf"{_ONSET}(?:(?:{_alternation(_OPEN_NUCLEI)})|(?:{_alternation(_CLOSABLE_NUCLEI)})"
    rf"(?:ng|nh|ch|[cmnpt])?)"
)
_VIETNAMESE_LETTERS = frozenset(
    unicodedata.normalize("NFC", base + tone)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for tone in ("", *_TONES)
) | frozenset("đĐ")


def is_vietnamese_syllable(word: str) -> bool:
    """True when `word` is a possible Vietnamese syllable: onset, vowel nucleus, final, one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONES)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _SYLLABLE.fullmatch(base) is not None


def _is_junk(ch: str) -> bool:
    """A character Vietnamese text typed in these encodings would not contain."""
    if ch.isascii():
        return ord(ch) < 32 and ch not in "\n\t\r"
    if ch in _VIETNAMESE_LETTERS or ch in "\u00a0–—…“”‘’«»°":
        return False
    return True


def syllable_validity(text: str) -> float:
    """How Vietnamese `text` reads: valid accented words / (accented words + junk characters)."""
    accented = valid = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        accented += 1
        valid += is_vietnamese_syllable(word)
    junk = sum(1 for ch in text if _is_junk(ch))
    total = accented + junk
    # Nothing accented and nothing strange (only – “ ” …): every reading agrees, accept it.
    return valid / total if total else 1.0


@dataclass(frozen=True)
class LegacyDetection:
    """The encoding that makes the bytes read best as Vietnamese, and how well they read."""

    encoding: str
    text: str
    score: float


def detect_legacy_encoding(data: bytes) -> LegacyDetection:
    """Decode `data` with every legacy encoding and keep the one that reads most like Vietnamese."""
    best: LegacyDetection | None = None
    for name, decode in DECODERS.items():
        text = decode(data)
        score = syllable_validity(text)
        log.debug("legacy encoding %s: score %.3f", name, score)
        if best is None or score > best.score:
            best = LegacyDetection(name, text, score)
    assert best is not None
    return best

"""Vietnamese syllable phonology: marks, tones, tone placement and phonotactics.

Every repair step looks syllables up by one canonical spelling, so this module is the single
place that knows how a written syllable splits into onset + rhyme + tone, where the tone mark
sits, and which syllables the language allows at all. It runs on every token: all per-syllable
functions are cached.

Public API (stable; the repair engine codes against it)::

    TONES                    names of tones 0..5 (0 ngang, 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng)
    nfc(text) -> str
    strip_marks(text) -> str          all marks removed, đ→d, case kept ("Đảng" → "Dang")
    strip_tone(text) -> str           only tone marks removed ("Đảng" → "Đang")
    tone_of(syllable) -> int          0..5 (the tone of the first toned vowel)
    decompose(syllable) -> (onset, rhyme, tone) | None    lowercase parts, None if unparsable
    compose(onset, rhyme, tone, style="old") -> str        lowercase syllable
    apply_case(template, word) -> str copy the case pattern of `template` onto `word`
    is_valid_syllable(syllable) -> bool                     Vietnamese phonotactics, any case
    canonical(syllable) -> str        lowercase, NFC, old-style tone placement (look-up key)
    to_old_style(text) / to_new_style(text) -> str          re-place tones, keep case
    detect_style(text) -> "old" | "new" | None             a document's own convention
    all_valid_syllables() -> frozenset[str]                 every valid lowercase old-style syllable

Tone placement: the "old" style puts the mark on the first vowel of the open rhymes
oa, oe, uy (hòa, hòe, thủy); the "new" style on the second (hoà, hoè, thuỷ). Nothing
else differs. The official corpus is mostly old style, so canonical forms are old style.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Style = Literal["old", "new"]

TONES = ("ngang", "sắc", "huyền", "hỏi", "ngã", "nặng")
"""Tone numbers 0..5 in VNI order."""

SAC, NANG = 1, 5
"""The only tones a syllable with a stop coda (p, t, c, ch) may carry."""

_TONE_COMBINING = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_BASE_VOWELS = "aăâeêioôơuưy"
_MARKED_VOWELS = "ăâêôơư"
_CONSONANTS = frozenset("bcdđghklmnpqrstvx")
_STRIP_BASE = {"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u", "đ": "d"}


def _build_tables() -> tuple[dict[str, tuple[str, int]], dict[tuple[str, int], str]]:
    """Char → (toneless char, tone) and back, for both cases, built from Unicode itself."""
    split: dict[str, tuple[str, int]] = {}
    join: dict[tuple[str, int], str] = {}
    for base in _BASE_VOWELS:
        for cased in (base, base.upper()):
            for tone, mark in enumerate(_TONE_COMBINING):
                char = unicodedata.normalize("NFC", cased + mark)
                split[char] = (cased, tone)
                join[(cased, tone)] = char
    return split, join


_SPLIT, _JOIN = _build_tables()
_TONE_FREE = str.maketrans({c: b for c, (b, t) in _SPLIT.items() if t})


def _strip_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for char, (base, _tone) in _SPLIT.items():
        plain = _STRIP_BASE.get(base.lower(), base.lower())
        table[ord(char)] = plain.upper() if base.isupper() else plain
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    return table


_STRIP_ALL = _strip_table()

ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)
"""Written onsets, longest first so that a greedy match is right."""

_OPEN_RHYMES = (
    "a ai ao au ay âu ây e eo ê êu i ia iu iêu y yêu o oa oai oao oay oe oeo oi ô ôi ơ ơi "
    "u ua uây uê ui uôi uơ uy uya uyu ư ưa ưi ưu ươi ươu"
).split()
_CLOSED_RHYMES = (
    "ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât "
    "ec em en eng ep et êch êm ên ênh êp êt "
    "ich im in inh ip it iêc iêm iên iêng iêp iêt yêm yên yêt "
    "oac oach oam oan oang oanh oap oat oăc oăm oăn oăng oăt oc oen oet om on ong ooc oong op ot "
    "ôc ôm ôn ông ôp ôt ơm ơn ơp ơt "
    "uân uâng uât uc uêch uênh uêt um un ung uôc uôm uôn uông uôt up ut "
    "uych uyn uynh uyt uyên uyêt "
    "ưc ưm ưng ưt ươc ươm ươn ương ươp ươt "
    "ăk"  # Central Highlands names: Đắk Lắk, Đắk Nông
).split()
RHYMES = frozenset(_OPEN_RHYMES + _CLOSED_RHYMES)
"""Written rhymes (toneless, lowercase) after an ordinary onset."""

_STOP_CODAS = ("ch", "c", "k", "p", "t")
_FRONT = ("i", "e", "ê", "y")
"""Vowels before which k / gh / ngh are written instead of c / g / ng."""

_AMBIGUOUS = frozenset(("oa", "oe", "uy"))
"""Open rhymes whose tone sits on the first vowel (old style) or second (new style)."""


def nfc(text: str) -> str:
    """Unicode NFC: the only normal form vidoc stores (decomposed marks break every look-up)."""
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Remove every Vietnamese mark (tone and vowel marks, đ→d), keeping case.

    >>> strip_marks("ĐẢNG Cộng sản")
    'DANG Cong san'
    """
    return nfc(text).translate(_STRIP_ALL)


def strip_tone(text: str) -> str:
    """Remove tone marks only; vowel marks (ă â ê ô ơ ư) and đ stay.

    >>> strip_tone("Thành ủy")
    'Thanh uy'
    """
    return nfc(text).translate(_TONE_FREE)


def tone_of(syllable: str) -> int:
    """Return the tone (0..5) of the first tone-marked vowel, 0 when unmarked."""
    for char in syllable:
        hit = _SPLIT.get(char)
        if hit and hit[1]:
            return hit[1]
    return 0


@lru_cache(maxsize=200_000)
def decompose(syllable: str) -> tuple[str, str, int] | None:
    """Split a syllable into lowercase (onset, rhyme, tone); None if it is not one syllable.

    Case-insensitive ("ĐẢNG" → ("đ", "ang", 3)). The `gi` and `qu` onsets keep their vowel
    letter ("gì" → ("gi", "i", 2), "quốc" → ("qu", "ôc", 1)). Two tone marks, letters that
    Vietnamese does not write, or an unknown rhyme give None.

    >>> decompose("Nguyễn")
    ('ng', 'uyên', 4)
    """
    word = nfc(syllable).lower()
    if not word or not word.isalpha():
        return None
    tone = 0
    letters = []
    for char in word:
        hit = _SPLIT.get(char)
        if hit is None:
            if char not in _CONSONANTS:
                return None
            letters.append(char)
            continue
        base, char_tone = hit
        if char_tone:
            if tone:
                return None
            tone = char_tone
        letters.append(base)
    bare = "".join(letters)
    for onset in ONSETS:
        if not bare.startswith(onset):
            continue
        rest = bare[len(onset) :]
        if onset == "gi":
            if rest in RHYMES:
                return onset, rest, tone
            if "i" + rest in RHYMES:
                return onset, "i" + rest, tone
            continue  # try "g" + "i…"
        if onset == "qu":
            return (onset, rest, tone) if _qu_rhyme_ok(rest) else None
        if rest in RHYMES:
            return onset, rest, tone
        return None
    return None


def _tone_index(rhyme: str, style: Style) -> int:
    """Index of the vowel in `rhyme` that carries the tone mark."""
    vowels = [i for i, c in enumerate(rhyme) if c in _BASE_VOWELS]
    if not vowels:
        return -1
    marked = [i for i in vowels if rhyme[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    coda = rhyme[vowels[-1] + 1 :]
    if coda or len(vowels) == 1:
        return vowels[-1]
    if len(vowels) == 3:
        return vowels[1]
    if rhyme in _AMBIGUOUS and style == "new":
        return vowels[1]
    return vowels[0]


@lru_cache(maxsize=200_000)
def compose(onset: str, rhyme: str, tone: int, style: Style = "old") -> str:
    """Write a lowercase syllable from its parts, placing the tone mark by `style`.

    >>> compose("h", "oa", 2), compose("h", "oa", 2, "new")
    ('hòa', 'hoà')
    """
    if onset == "gi" and rhyme.startswith("i"):
        head, body = "g", rhyme
    else:
        head, body = onset, rhyme
    if tone:
        index = _tone_index(body, style)
        if index >= 0:
            body = body[:index] + _JOIN[(body[index], tone)] + body[index + 1 :]
    return head + body


def apply_case(template: str, word: str) -> str:
    """Give `word` the case pattern of `template` (ALL CAPS, Title, lower or per letter).

    >>> apply_case("ĐẢNG", "đảng"), apply_case("Hoà", "hòa")
    ('ĐẢNG', 'Hòa')
    """
    if template.isupper() and (len(template) > 1 or len(word) == 1):
        return word.upper()
    if template.islower() or not template:
        return word.lower()
    if template[0].isupper() and (len(template) == 1 or template[1:].islower()):
        return word[:1].upper() + word[1:].lower()
    if len(template) == len(word):
        pairs = zip(template, word, strict=True)
        return "".join(w.upper() if t.isupper() else w.lower() for t, w in pairs)
    return word


_QU_EXTRA = frozenset(("i", "in", "inh", "it", "ich", "ôc"))
"""Rhymes after qu that no o/u-medial rhyme explains (qui, quít, quốc)."""


def _qu_rhyme_ok(rest: str) -> bool:
    """After `qu` the u is the medial: quạt ~ oat, quân ~ uân, quyết ~ uyêt."""
    if not rest or rest.startswith(("u", "o")):
        return False
    return "o" + rest in RHYMES or "u" + rest in RHYMES or rest in _QU_EXTRA


def _spelling_ok(onset: str, rhyme: str, tone: int) -> bool:
    """Orthographic and phonotactic constraints beyond the onset and rhyme lists."""
    if rhyme.endswith(_STOP_CODAS) and tone not in (0, SAC, NANG):
        return False
    if rhyme.endswith(_STOP_CODAS) and tone == 0:
        return False
    front = rhyme.startswith(_FRONT)
    if onset in ("k", "gh", "ngh"):
        return front
    if onset in ("c", "g", "ng"):
        return not front
    if onset == "gi":
        return True
    if onset == "qu":
        return _qu_rhyme_ok(rhyme)
    if rhyme.startswith("iê") and onset == "":
        return False  # written yê at the start: yên, yêu
    if rhyme.startswith("yê") and onset not in ("", "qu"):
        return False  # written iê after a consonant: tiên, kiêu
    return True


@lru_cache(maxsize=200_000)
def is_valid_syllable(syllable: str) -> bool:
    """Tell whether `syllable` (any case, any tone placement) is a possible syllable.

    Checks the onset, the rhyme, c/k g/gh ng/ngh spelling, and that stop codas
    (p, t, c, ch) carry only sắc or nặng.

    >>> is_valid_syllable("Quốc"), is_valid_syllable("tiuc"), is_valid_syllable("bàt")
    (True, False, False)
    """
    parts = decompose(syllable)
    return parts is not None and _spelling_ok(*parts)


@lru_cache(maxsize=200_000)
def canonical(syllable: str) -> str:
    """Return the look-up key of a syllable: NFC, lowercase, tone on its old-style vowel.

    Misplaced marks are moved too ("qúa" → "quá", "hoá" → "hóa"). A token that is not a
    syllable is returned NFC and lowercase.
    """
    parts = decompose(syllable)
    if parts is None:
        return nfc(syllable).lower()
    return compose(*parts)


def _restyle_word(word: str, style: Style) -> str:
    parts = decompose(word)
    if parts is None or not parts[2]:
        return word
    rebuilt = compose(*parts, style=style)
    if rebuilt == word.lower():
        return word
    return apply_case(word, rebuilt)


_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=100_000)
def _restyle_token(word: str, style: Style) -> str:
    return _restyle_word(word, style)


def _restyle(text: str, style: Style) -> str:
    return _WORD.sub(lambda m: _restyle_token(m.group(0), style), nfc(text))


def to_old_style(text: str) -> str:
    """Put tones of oa/oe/uy open rhymes on the first vowel (hoà → hòa); case kept.

    Also moves any misplaced tone mark to its standard vowel; leaves non-syllables alone.
    """
    return _restyle(text, "old")


def to_new_style(text: str) -> str:
    """Put tones of oa/oe/uy open rhymes on the second vowel (hòa → hoà); case kept."""
    return _restyle(text, "new")


@lru_cache(maxsize=100_000)
def _placement(word: str) -> Style | None:
    """Which style a single word shows: only toned open oa/oe/uy rhymes tell."""
    parts = decompose(word)
    if parts is None or not parts[2] or parts[1] not in _AMBIGUOUS:
        return None
    lower = nfc(word).lower()
    if lower == compose(*parts, style="old"):
        return "old"
    if lower == compose(*parts, style="new"):
        return "new"
    return None


def detect_style(text: str) -> Style | None:
    """Return the tone placement `text` uses (majority vote), None when it never shows."""
    old = new = 0
    for match in _WORD.finditer(nfc(text)):
        style = _placement(match.group(0))
        if style == "old":
            old += 1
        elif style == "new":
            new += 1
    if old == new == 0:
        return None
    return "new" if new > old else "old"


@lru_cache(maxsize=1)
def all_valid_syllables() -> frozenset[str]:
    """Every valid syllable, lowercase, old-style tone placement (the complete inventory)."""
    found: set[str] = set()
    for onset in ONSETS:
        if onset == "qu":
            rhymes = {r[1:] for r in RHYMES if r[0] in "ou"} | set(_QU_EXTRA)
        else:
            rhymes = set(RHYMES)
        for rhyme in rhymes:
            for tone in range(6):
                if not _spelling_ok(onset, rhyme, tone):
                    continue
                word = canonical(compose(onset, rhyme, tone))
                if is_valid_syllable(word):
                    found.add(word)
    return frozenset(found)

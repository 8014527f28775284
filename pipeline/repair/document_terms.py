"""Acronyms put back where OCR misread a copy of them ("IoøT", "IợT", "loT", "ƯBND").

Why: a plan on "5G, IoT" writes "IoT" a dozen times; Tesseract reads some of them "IoøT",
"IoơT", "IợT", "loT" or "ToT" (a ghost mark read as a letter beside the "o", the serif "I"
read as "l" or "T"), and "UBND" now and then "ƯBND" or "UBNĐ". The syllable repair cannot
help — an acronym is no syllable, and "IợT" is one letter from the syllable "Một", which
the LM then prefers — but the abbreviation list and the document itself say what was
printed: the same letters, in the same case, written right elsewhere.

A word is mended to a term when:
- the word is shaped like an acronym (a capital after its first character), is no listed
  abbreviation, and is no syllable in capitals (a heading word is the syllable repair's);
- it differs from the term only by OCR's confusions, at most MAX_CHANGES of them: a
  letter for one of the same shape (marks dropped or added, "ø" for "o", "l" / "L" / "T" /
  "1" for "I"), or a ghost letter beside the one it doubles ("oơ", "oø", "Il"; an
  identical double is a real letter: "IIoT" stays, and digits are never ghosts);
- the term is a listed abbreviation (one the document never writes only for a word of
  MIN_UNSEEN_LENGTH characters or more), or — for a word in mixed case only — an acronym
  shaped word the document writes at least MIN_COUNT times and DOMINANCE times as often as
  the word (an unlisted all-capitals word is as often the document's own code: "VTĐ"
  beside "VTD", "ĐĐ" beside "ĐD" in the corpus);
- one term only fits it.
Pieces of a document code count and are mended too ("5G/ToT").

Measured by `benchmarks/bench_terms.py`: right on Tesseract's reading of held-out pages,
and near-silent on the typed official corpus (where any mend changes what the author
wrote). The confidence is the term's share of the document's readings of those letters,
at least UNSEEN_CONFIDENCE for a listed term.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence

from pipeline.repair.tokens import OcrFix, Token

MIN_COUNT = 3
"""Written this often in the document, a mixed-case acronym is a term of it."""
DOMINANCE = 2.0
"""An unlisted term must be written this many times as often as the word it replaces."""
MAX_CHANGES = 2
"""Letters that may differ between a word and its term (ghost letters included)."""
UNSEEN_CONFIDENCE = 0.6
"""Confidence of a mend to a listed abbreviation, however rarely the document writes it."""
MIN_UNSEEN_LENGTH = 3
"""A word mended to a listed abbreviation the document never writes has this many
characters at least (two-letter strings fit too many: "AT" would be "A1", "IS" "TS")."""

_SAME_SHAPE = {"ø": "o", "Ø": "O", "0": "O", "đ": "d", "Đ": "D"}
_LIKE_CAPITAL_I = set("IlL1|T")
_PIECES = re.compile(r"[^\W_]+")


def _shape(char: str, letters: bool = True) -> str:
    """Return the letter a printed character may stand for, marks dropped ("ợ" → o).

    `letters`: capitals of the shape of "I" count as "I" too ("l", "L", "T", "1").
    """
    char = _SAME_SHAPE.get(char, char)
    base = unicodedata.normalize("NFD", char)[0]
    return "I" if letters and base in _LIKE_CAPITAL_I else base


def _without_ghosts(word: str, letters: bool = True) -> tuple[str, int]:
    """Drop each ghost letter of `word`; return what is left and how many were dropped.

    A ghost: a letter of the same shape as the one before it, but another character ("oơ").

    >>> _without_ghosts("IoơT"), _without_ghosts("IloT"), _without_ghosts("IIoT")
    (('IoT', 1), ('IoT', 1), ('IIoT', 0))
    >>> _without_ghosts("STT11")
    ('STT11', 0)
    """
    kept: list[str] = []
    dropped = 0
    for char in word:
        previous = kept[-1] if kept else ""
        if (char.isalpha() and previous.isalpha() and char != previous
                and _shape(char, letters) == _shape(previous, letters)):
            dropped += 1
            continue
        kept.append(char)
    return "".join(kept), dropped


def _key(word: str) -> str:
    """Return the shapes of `word`'s letters, ghosts dropped: words with one key may be one."""
    return "".join(map(_shape, _without_ghosts(word)[0]))


def acronym_shaped(word: str) -> bool:
    """Tell whether `word` is written as an acronym: a capital after its first character.

    >>> acronym_shaped("IoT"), acronym_shaped("UBND"), acronym_shaped("Một"), acronym_shaped("5G")
    (True, True, False, True)
    """
    return len(word) >= 2 and word[1:] != word[1:].lower()


def misread_of(word: str, term: str, letters: bool = True) -> int | None:
    """Return how many letters `word` differs from `term` by, if OCR's confusions explain it.

    `letters`: a letter of another shape may stand for "I" (else only marks may differ).

    >>> misread_of("IợT", "IoT"), misread_of("LoT", "IoT"), misread_of("ƯBND", "UBND")
    (1, 1, 1)
    >>> misread_of("IoøT", "IoT"), misread_of("TU", "TW"), misread_of("4G", "5G")
    (1, None, None)
    """
    if word == term or word.lower() == term.lower():
        return None
    core, ghosts = _without_ghosts(word, letters)
    if len(core) != len(term):
        return None
    changes = ghosts
    for printed, meant in zip(core, term, strict=True):
        if printed == meant:
            continue
        if _shape(printed, letters) != _shape(meant, letters):
            return None
        changes += 1
    return changes if 0 < changes <= MAX_CHANGES else None


def _pieces(token: Token) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, text) of each word a token holds (a code holds several)."""
    if token.is_word:
        yield 0, len(token.text), token.text
    elif token.kind == "code":
        for match in _PIECES.finditer(token.text):
            yield match.start(), match.end(), match.group()


def document_term_fixes(
    lines: Sequence[list[Token]],
    listed: Collection[str],
    is_syllable: Callable[[str], bool],
) -> dict[int, dict[int, OcrFix]]:
    """Mend misread copies of acronyms: line → {token index: (text, why, "ocr", confidence)}.

    `listed`: the abbreviation list (never mended, always terms); `is_syllable`: words in
    capitals that are syllables are headings, left to the syllable repair.
    """
    found = [(k, i, token, acronyms) for k, tokens in enumerate(lines)
             for i, token in enumerate(tokens)
             if (acronyms := [p for p in _pieces(token) if acronym_shaped(p[2])])]
    counts = Counter(word for *_, acronyms in found for _, _, word in acronyms)
    by_key = dict(_index(frozenset(listed)))
    for term, n in counts.items():
        if term not in listed and n >= MIN_COUNT and not term.isupper():
            by_key[_key(term)] = (*by_key.get(_key(term), ()), term)

    def stands_for(word: str, term: str) -> bool:
        if word.isupper():  # as often a code of its own: marks only, a term written here
            return (term in listed and counts[term] > counts[word]
                    and misread_of(word, term, letters=False) is not None)
        if misread_of(word, term) is None:
            return False
        if term in listed:
            return counts[term] > 0 or len(word) >= MIN_UNSEEN_LENGTH
        return counts[term] >= DOMINANCE * counts[word]

    out: dict[int, dict[int, OcrFix]] = {}
    for k, i, token, acronyms in found:
        text, mended = token.text, []
        for start, end, word in reversed(acronyms):
            if word in listed or (word.isupper() and is_syllable(word.lower())):
                continue
            fits = [term for term in by_key.get(_key(word), ()) if stands_for(word, term)]
            if len(fits) == 1:
                text = text[:start] + fits[0] + text[end:]
                mended.append((word, fits[0]))
        if mended:
            out.setdefault(k, {})[i] = _fix(text, mended[::-1], counts, listed)
    return out


@functools.lru_cache(maxsize=4)
def _index(listed: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Map the listed abbreviations by `_key` (built once per list, not per document)."""
    out: dict[str, tuple[str, ...]] = {}
    for term in sorted(listed):
        out[_key(term)] = (*out.get(_key(term), ()), term)
    return out


def _fix(text: str, mended: list[tuple[str, str]], counts: Counter[str],
         listed: Collection[str]) -> OcrFix:
    """Build the fix of one token from its mended words, saying where each term was seen."""
    def seen(term: str) -> str:
        n = counts[term]
        return f"written so {n} times in this document" if n else "a listed abbreviation"

    what = ", ".join(f"'{word}' for '{term}' ({seen(term)})" for word, term in mended)
    confidence = min(
        max(counts[t] / (counts[t] + counts[w]), UNSEEN_CONFIDENCE if t in listed else 0.0)
        for w, t in mended
    )
    return text, f"OCR misread of an acronym: {what}", "ocr", round(confidence, 4)

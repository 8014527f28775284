"""Small letters that OCR read as capitals of the same shape ("như Sau:", "và Việc").

Why: the capitals of c, o, s, v, w, x and z are their small letters drawn larger, and
Tesseract, which reads each glyph with little sense of the line's x-height, now and then
returns the capital, sure of itself: "thực hiện như Sau:". Mid-sentence capitals are
otherwise kept as names (`detect._protect_names`), and the LM reads lowercase, so the
syllable repair never sees these.

A word of an OCR line is put in lowercase when:
- it is in title case, and its first letter (marks aside) is one of those seven;
- it follows a word in lowercase (mid-sentence: not after a stop, a colon, a label or a
  quote, where a capital is right), on its line or, for a line's first word, at the end
  of the line before ("cụ thể như" + "Sau:" wrapped onto a line of its own), and no
  capitalised word follows it (a run of capitals is a name or a title: "của Sở Xây dựng");
- the corpus writes it often (MIN_FREQUENCY) and almost never capitalised after a word
  (MAX_CAPITAL_SHARE): "sau" 0.2 % of 8,580, "với" 0.01 %; names and bodies are far above
  ("Sở" 14 %, "Văn" 12 %, "Xã" 14 %) and are left alone;
- in lowercase it reads on from the word before it (the LM gives it MIN_CONTINUATION or
  more after that word: "như sau" −0.5). Why: a table row read as one line puts a cell's
  capital after the last word of the cell before ("Ghi chú Ống …", "Bắt buộc Cấp …",
  "máy tính Cáp mạng"): on the held-out official corpus such rows were all the rule found
  without this test (102 words in 32 documents), and none of them reads on (−2.4 to −4.1).
The confidence is one minus the capitalised share.

>>> from pipeline.repair.tokens import tokenize
>>> shares = {"sau": 18 / 8580, "sở": 2376 / 16579}
>>> share = shares.get
>>> reads_on = lambda previous, word: -0.5
>>> tokens = tokenize("thực hiện như Sau: của Sở tư pháp")
>>> {i: fix[0] for i, fix in small_letter_fixes(tokens, share, reads_on).items()}
{6: 'sau'}
>>> small_letter_fixes(tokens, share, lambda previous, word: -3.8)
{}
>>> sorted(small_letter_fixes(tokenize("Sau: a) Một"), share, reads_on, tokenize("cụ thể như")))
[0]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from pipeline.repair.tokens import OcrFix, Token, case_pattern

SIZE_ONLY_LETTERS = frozenset("cosvwxz")
"""Letters whose capital has the small letter's shape, only larger."""
MAX_CAPITAL_SHARE = 0.01
"""A word capitalised after another word at most this share of its corpus uses is a
common word, whatever OCR says (set a priori, not tuned)."""
MIN_FREQUENCY = 200
"""Corpus uses a word needs before its capitalised share is trusted."""
MIN_CONTINUATION = -2.0
"""log10 P(word | word before) the lowercase word needs: it follows that word in one use
of a hundred or more (set a priori, not tuned)."""


def _base_letter(char: str) -> str:
    return unicodedata.normalize("NFD", char.lower())[0]


def _previous_word(tokens: Sequence[Token], i: int,
                   line_before: Sequence[Token]) -> Token | None:
    """Return the word right before token i (across one space or the line break), if any."""
    if i >= 2 and tokens[i - 1].kind == "space":
        return tokens[i - 2] if tokens[i - 2].is_word else None
    if i == 0:
        last = [t for t in line_before if t.kind != "space"][-1:]
        return last[0] if last and last[0].is_word else None
    return None


def _next_word(tokens: Sequence[Token], i: int) -> Token | None:
    """Return the token after the space that follows token i, if it is a word."""
    if i + 2 < len(tokens) and tokens[i + 1].kind == "space" and tokens[i + 2].is_word:
        return tokens[i + 2]
    return None


def small_letter_fixes(tokens: Sequence[Token],
                       capital_share: Callable[[str], float | None],
                       continuation: Callable[[str, str], float],
                       line_before: Sequence[Token] = ()) -> dict[int, OcrFix]:
    """Token index → (lowercase word, why, "ocr", confidence) for one OCR line.

    `capital_share(word)` is the corpus share of `word`'s uses capitalised right after a
    word, or None when the corpus knows it too little; `continuation(previous, word)` is
    log10 P(word | previous) under the LM (both in lowercase). `line_before`: the tokens
    of the line before, whose last word may precede this line's first.
    """
    fixes: dict[int, OcrFix] = {}
    for i, token in enumerate(tokens):
        text = token.text
        if (not token.is_word or len(text) < 2 or case_pattern(text) != "title"
                or _base_letter(text[0]) not in SIZE_ONLY_LETTERS):
            continue
        previous = _previous_word(tokens, i, line_before)
        if previous is None or not previous.text.islower():
            continue
        following = _next_word(tokens, i)
        if following is not None and not following.text.islower():
            continue
        lower = text.lower()
        share = capital_share(lower)
        if share is None or share > MAX_CAPITAL_SHARE:
            continue
        if continuation(previous.text, lower) < MIN_CONTINUATION:
            continue
        why = (f"capital read for a small letter of the same shape: the corpus capitalises "
               f"'{lower}' after a word in {100 * share:.2f} % of its uses")
        fixes[i] = (lower, why, "ocr", round(1.0 - share, 4))
    return fixes


__all__ = [
    "MAX_CAPITAL_SHARE", "MIN_CONTINUATION", "MIN_FREQUENCY", "SIZE_ONLY_LETTERS",
    "small_letter_fixes",
]

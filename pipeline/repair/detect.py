"""Decide where the repair may act: clean text, accent-stripped passages, garbled passages.

Why: a correct line of a correct document must never be touched, so the channel is only
allowed to act where the text itself shows damage. In Vietnamese about 88 % of the
syllables of running text carry a mark, and a run of four unmarked syllables is rare
(measured on the training split of the official corpus: 0.2 % of lines have ≤ 20 % marked
syllables, mostly foreign-language lines); in stripped OCR every syllable is unmarked. So:

- a line whose marked share is low while its tokens are Vietnamese syllable bases is
  damaged as a whole; short lines (one or two words) follow their neighbours;
- inside a line with marks, a run of ≥ 4 unmarked Vietnamese bases is a damaged span;
- a damaged line or span is "garbled" when some of its tokens are no syllable at all,
  otherwise "stripped";
- every word of a line with a garbled span is decoded as garbled (the marks of its other
  words are OCR's too, partly wrong), and so is every word of a clean-looking line next to
  a garbled one when it holds a word no one writes;
- in a clean line only *suspicious* tokens are candidates: a lowercase word that carries
  marks yet is no syllable ("triến" if unattested), or a word Tesseract itself doubted.

Protected (never rewritten): abbreviations (all capitals and not a syllable base: UBND,
BTGTU), CamelCase identifiers, capitalised foreign-looking words (Internet; not when they
carry marks only Vietnamese writes: "Bềni"), and everything the tokenizer made into
code/url/punct; in a clean line also capitalised words inside a sentence (names: they are
printed as meant far more often than OCR misreads them) and formula symbols (a capital + a
subscript syllable).
In a damaged line, a run of two or more capital syllables is a heading and is released.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.repair.candidates import Mode
from pipeline.repair.channel import base_of
from pipeline.repair.tokens import Token, has_marks

LINE_MARKED_MAX = 0.34
LINE_MIN_WORDS = 3
LINE_BASES_MIN = 0.6
GARBLED_INVALID_MIN = 0.05
RUN_MIN = 4
SUSPICIOUS_CONF = 60.0


@dataclass
class WordInfo:
    """What detection knows about one word token."""

    index: int  # position in the line's token list
    text: str
    protected: bool
    marked: bool
    base_valid: bool
    valid: bool
    conf: float = -1.0
    abbreviation: bool = False  # a known abbreviation (never released)
    symbol: bool = False  # a capital + a syllable that is no word itself (Nsố, Mbảo): a variable

    @property
    def no_syllable(self) -> bool:
        """Printed as no syllable at all (an unmarked valid base is only stripped, not this)."""
        return not self.valid and not (self.base_valid and not self.marked)


@dataclass
class LineAssessment:
    """Per line: its overall mode and the mode each word token is repaired under."""

    mode: Mode
    words: list[WordInfo]
    token_modes: dict[int, Mode] = field(default_factory=dict)  # token index → mode
    suspicious: set[int] = field(default_factory=set)  # token indexes doubted in clean text
    reason: str = ""

    @property
    def touched(self) -> bool:
        """True when any token may change."""
        return bool(self.token_modes) or bool(self.suspicious)


_CAMEL = re.compile(r"[^\W\d_A-ZĐÀ-Ỹ]{2}[A-ZĐ]|^[^\W\d_A-ZĐ]+[A-ZĐ]")
_VOWELS = set("AĂÂEÊIOÔƠUƯY")
_HORN_R = re.compile(r"(?<=[uio])r(?=[aeiouy])")


def is_protected(word: str, base_valid: bool, capitals_line: bool = True) -> bool:
    """Tell whether a word is an abbreviation, identifier or foreign name (never rewritten).

    All capitals without a syllable base (UBND), all capitals inside a line of lowercase
    text (PON, COVID: acronyms there, not headings), CamelCase (maDoiTuong), and capitalised
    words of four letters or more without a syllable base (Internet, Ukraine: names) unless
    they carry a mark only Vietnamese writes ("Bềni" is a misread "Bên", no name).

    >>> is_protected("UBND", False), is_protected("maDoiTuong", False), is_protected("NOI", True)
    (True, True, False)
    >>> is_protected("PON", True, capitals_line=False), is_protected("Gbps", False)
    (True, True)
    """
    if len(word) >= 2 and word.isupper() and (not base_valid or not capitals_line):
        return True
    if (
        len(word) >= 4
        and word[0].isupper()
        and word[1:].islower()
        and not base_valid
        and not vietnamese_marks(word)  # "Cảci": a misread word, not a foreign name
    ):
        # a name: a Vietnamese syllable (even garbled) has one vowel group, "Ukraine" has more
        # (a horn read as "r" splits the vowel group: "Trurong" is one syllable)
        groups = len(re.findall(r"[aeiouy]+", _HORN_R.sub("", base_of(word))))
        if groups != 1:
            return True
    return bool(_CAMEL.search(word))


_VIETNAMESE_ONLY = frozenset("\u0302\u031b\u0306\u0309\u0303\u0323đ")
"""Marks foreign names do not carry: hat, horn, breve, hook above, tilde, dot below, and đ."""


def vietnamese_marks(word: str) -> bool:
    """Tell whether `word` carries a mark only Vietnamese writes ("Bềni" yes; "José" no).

    >>> vietnamese_marks("Cảci"), vietnamese_marks("José"), vietnamese_marks("Müller")
    (True, False, False)
    """
    return any(c in _VIETNAMESE_ONLY for c in unicodedata.normalize("NFD", word.lower()))


def maybe_garbled_capitals(word: str) -> bool:
    """Tell whether an all-capital non-syllable may be a garbled word ("VIEI": 2+ vowels).

    Vietnamese abbreviations are mostly consonant strings (UBND, HĐND, TNCN); these stay
    protected everywhere, the others are only released inside garbled passages.
    """
    letters = [c for c in word.upper() if c.isalpha()]
    return word.isupper() and _vowel_count(word) >= 2 and len(letters) <= 7


def _vowel_count(word: str) -> int:
    """Letters of `word` that are vowels, whatever their marks or case."""
    return sum(1 for c in word if c.isalpha() and _strip_upper(c) in _VOWELS)


def _strip_upper(ch: str) -> str:
    return base_of(ch).upper()


def describe_words(
    tokens: Sequence[Token],
    is_base: Callable[[str], bool],
    is_syllable: Callable[[str], bool],
    confs: dict[int, float] | None = None,
    is_abbreviation: Callable[[str], bool] | None = None,
) -> list[WordInfo]:
    """WordInfo for every word token of a line."""
    out = []
    letters = [t.text for t in tokens if t.is_word and len(t.text) > 1]
    capitals_line = sum(w.isupper() for w in letters) >= 0.6 * len(letters) if letters else True
    for i, token in enumerate(tokens):
        if not token.is_word:
            continue
        lower = token.text.lower()
        base_valid = is_base(base_of(lower))
        abbreviation = bool(
            is_abbreviation and token.text.isupper() and is_abbreviation(token.text)
        )
        out.append(
            WordInfo(
                index=i,
                text=token.text,
                protected=abbreviation or is_protected(token.text, base_valid, capitals_line),
                abbreviation=abbreviation,
                marked=has_marks(token.text),
                base_valid=base_valid,
                valid=is_syllable(lower),
                conf=(confs or {}).get(i, -1.0),
                symbol=(
                    len(token.text) >= 3
                    and token.text[0].isupper()
                    and token.text[1:].islower()
                    and not base_valid
                    and is_syllable(lower[1:])
                ),
            )
        )
    return out


def assess_line(tokens: Sequence[Token], words: list[WordInfo]) -> LineAssessment:
    """Classify one line on its own (neighbours are considered in `assess_lines`)."""
    free = [w for w in words if not w.protected]
    # lone letters are list letters or initials ("d)", "K."): they tell nothing about damage
    counted = [w for w in free if len(w.text) > 1]
    n = len(counted)
    if n == 0:
        return LineAssessment("clean", words, reason="no words")
    marked = sum(w.marked for w in counted)
    bases = sum(w.base_valid for w in counted)
    invalid = sum(w.no_syllable for w in counted)
    share = marked / n
    if n >= LINE_MIN_WORDS and share <= LINE_MARKED_MAX and bases / n >= LINE_BASES_MIN:
        mode: Mode = "garbled" if invalid / n >= GARBLED_INVALID_MIN or marked else "stripped"
        assessment = LineAssessment(mode, words, reason=f"{marked}/{n} words marked")
        assessment.token_modes = {w.index: mode for w in free}
        _release_capital_runs(words, assessment, mode)
        if mode == "garbled":
            _release_capitals(words, assessment)
        return assessment
    assessment = LineAssessment("clean", words, reason=f"{marked}/{n} words marked")
    if n < LINE_MIN_WORDS and marked == 0 and bases == n:
        assessment.reason = "short unmarked"  # decided by the neighbours
    _mark_runs(words, assessment)
    if assessment.token_modes:  # damage in this line: its non-syllables are garbles too
        for w in free:
            if not w.marked and not w.base_valid and w.index not in assessment.token_modes:
                assessment.token_modes[w.index] = "garbled"
        if "garbled" in assessment.token_modes.values():
            _distrust_marks(free, assessment)
    _protect_names(tokens, words, assessment)
    for w in free:
        if w.index in assessment.token_modes or w.protected:
            continue
        if w.marked and not w.valid:
            assessment.suspicious.add(w.index)
        elif 0 <= w.conf < SUSPICIOUS_CONF:
            assessment.suspicious.add(w.index)
    return assessment


def _distrust_marks(free: list[WordInfo], assessment: LineAssessment) -> None:
    """Garble every other word (two letters or more) of a line that holds a garbled run.

    Why: OCR that garbles part of a line often read the rest of it with some marks only,
    and some of those wrong ("quy định" printed "quỹ dinh"): the marks that are there
    cannot be trusted as in clean text. Measured on the dev set's partial condition (lines
    that kept marks in one part): 89.0 -> 95.5 % of syllables right; words already right
    that stay right 99.79 -> 99.50 %; clean and Tesseract pages unchanged.
    """
    for w in free:
        if len(w.text) > 1 and w.index not in assessment.token_modes:
            assessment.token_modes[w.index] = "garbled"


def _protect_names(
    tokens: Sequence[Token], words: list[WordInfo], assessment: LineAssessment
) -> None:
    """In a clean line, capitalised words inside a sentence are names or variables: keep them.

    Vietnamese capitalises mid-sentence only proper names ("Nga", "Đà Nẵng"), bodies
    ("Đảng", "Ủy ban") and symbols ("Mbảo"); in marked text those are printed as meant far
    more often than OCR misreads their marks, and the LM (case-blind) would turn a name
    into a common word ("Nga" → "ngã"). Measured on the dev set and Tesseract pages.
    """
    for w in words:
        if w.symbol and w.index not in assessment.token_modes:
            w.protected = True
    previous = ""
    for i, token in enumerate(tokens):
        if token.kind == "space":
            continue
        if token.is_word and previous and previous not in NAME_BREAKS:
            text = token.text
            if text[0].isupper() and not (len(text) > 1 and text.isupper()):
                for w in words:
                    # a name is a real syllable; a non-syllable ("Ùy") is OCR damage, and a
                    # word Tesseract itself doubted may be a misread common word
                    if (
                        w.index == i
                        and i not in assessment.token_modes
                        and w.valid
                        and (w.conf < 0 or w.conf >= NAME_TRUST_CONF)
                    ):
                        w.protected = True
        glued = token.text in "-–" and i > 0 and tokens[i - 1].is_word  # Nga-Ukraine
        previous = token.text if token.kind == "punct" and not glued else "w"


NAME_TRUST_CONF = 90.0
"""Tesseract confidence from which a capitalised mid-sentence word is trusted as a name."""
NAME_BREAKS = set(".:;!?-–—•*+)(\"“”'")
"""After these a capital starts a sentence, item or quote, so it says nothing about a name."""


def _release_capital_runs(words: list[WordInfo], assessment: LineAssessment, mode: Mode) -> None:
    """In a damaged line, two or more capitalised syllables in a row are a heading, not acronyms.

    ("... ghi ro ho ten) PHU TRACH KE TOAN (...": a lone capital word like PON stays protected.)
    """

    def caps(w: WordInfo) -> bool:
        return (
            w.protected
            and not w.abbreviation
            and w.base_valid
            and len(w.text) >= 2
            and w.text.isupper()
        )

    flags = [caps(w) for w in words]
    for k, w in enumerate(words):
        if flags[k] and ((k > 0 and flags[k - 1]) or (k + 1 < len(words) and flags[k + 1])):
            w.protected = False
            assessment.token_modes[w.index] = mode


def _release_capitals(words: list[WordInfo], assessment: LineAssessment) -> None:
    """Inside a garbled passage, capitals that look like garbled words become candidates."""
    for w in words:
        if w.protected and not w.abbreviation and maybe_garbled_capitals(w.text):
            w.protected = False
            assessment.token_modes[w.index] = "garbled"


def _mark_runs(words: list[WordInfo], assessment: LineAssessment) -> None:
    """Mark runs of ≥ RUN_MIN unmarked Vietnamese bases inside a clean line as damaged."""
    run: list[WordInfo] = []

    def close() -> None:
        while run and not run[-1].base_valid:  # a run ends on a Vietnamese base
            run.pop()
        valid = sum(w.base_valid for w in run)
        if valid >= RUN_MIN and valid / len(run) >= LINE_BASES_MIN:
            invalid = sum(not w.valid for w in run)
            # plain unmarked words occur in correct text too ("trong, sau khi ban"):
            # such a run is only suspect, and changing it must pay its way
            mode: Mode = "garbled" if invalid / len(run) >= GARBLED_INVALID_MIN else "suspect"
            for w in run:
                assessment.token_modes[w.index] = mode
        run.clear()

    for w in words:
        if w.protected:
            close()
        elif not w.marked and (w.base_valid or run):
            run.append(w)
        else:
            close()
    close()


def assess_lines(
    lines_tokens: Sequence[Sequence[Token]], words: Sequence[list[WordInfo]]
) -> list[LineAssessment]:
    """Classify every line, then let short unmarked lines follow a damaged neighbour.

    A stripped line in a run of damaged lines that holds a garbled one is garbled too.
    """
    out = [assess_line(t, w) for t, w in zip(lines_tokens, words, strict=True)]
    for i, a in enumerate(out):
        if a.reason != "short unmarked":
            continue
        neighbours = [out[j] for j in (i - 1, i + 1) if 0 <= j < len(out) and out[j].words]
        damaged = [b for b in neighbours if b.mode != "clean"]
        if damaged:
            mode = damaged[0].mode
            a.mode = mode
            a.reason = "short unmarked line next to a damaged one"
            a.token_modes = {w.index: mode for w in a.words if not w.protected}
            if mode == "garbled":
                _release_capitals(a.words, a)
    _garble_damaged_runs(out)
    _garble_next_to_garbled(out)
    return out


def _garble_next_to_garbled(assessments: list[LineAssessment]) -> None:
    """Garble a clean-looking line that holds a misread word and lies next to a garbled one.

    Why: OCR that garbled a line also read its neighbours; a neighbour that kept most of its
    marks but holds a word no one writes ("trứcn", "Tou") was read by the same OCR and
    its marks are no better than the garbled line's letters (as `_distrust_marks` within a
    line). Words without a vowel ("Th" in a formula) are abbreviations, not misreads.
    Measured on the dev set: partial 95.51 -> 96.56 %, wrapped 95.93 -> 96.07 %, old-OCR
    96.09 -> 96.14 %, garbled 97.50 -> 97.56 %; clean rows unchanged; Tesseract pages
    unchanged but one character on worn pages.
    """
    garbled = [a.mode == "garbled" or "garbled" in a.token_modes.values() for a in assessments]
    for i, a in enumerate(assessments):
        if garbled[i] or not a.words:
            continue
        if not any(garbled[j] for j in (i - 1, i + 1) if 0 <= j < len(assessments)):
            continue
        free = [w for w in a.words if not w.protected and len(w.text) > 1]
        if any(_misread(w) for w in free):
            a.suspicious.clear()
            _distrust_marks(free, a)


def _misread(word: WordInfo) -> bool:
    """Tell whether no one writes this word: no syllable (an unmarked valid base is stripped)."""
    return word.no_syllable and _vowel_count(word.text) > 0


def _garble_damaged_runs(assessments: list[LineAssessment]) -> None:
    """Garble every stripped line of a run of damaged lines that holds a garbled line.

    Why: the damage belongs to the scan and the OCR that read it, not to single lines. A
    line of an old-OCR passage whose garbles all happen to land on valid syllables looks
    merely stripped, and stripped mode trusts its letters; its garbled neighbours show
    that they cannot be trusted. Runs are broken by clean lines with words (blank lines
    do not break them); a stripped span inside a clean line is left as it is.
    """
    run: list[LineAssessment] = []
    for a in [*assessments, None]:
        if a is not None and (a.mode != "clean" or not a.words):
            run.append(a)
            continue
        if any(b.mode == "garbled" for b in run):
            for b in run:
                if b.mode == "stripped":
                    b.mode = "garbled"
                    b.reason += "; in a garbled run"
                    b.token_modes = {i: "garbled" for i in b.token_modes}
                    _release_capitals(b.words, b)
        run = []

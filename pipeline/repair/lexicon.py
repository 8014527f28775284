"""The syllable inventory, word dictionary, domain terms and abbreviations, loaded once.

Why: candidate generation needs, for a mark-free base like "nuoc", every accented syllable
it can stand for, ordered by how often directives use it; the decoder wants to know which
syllable sequences are dictionary words; and abbreviations (UBND, BTGTU, TTg) must never be
"restored". All look-ups use canonical keys (`vietnamese.canonical`: lowercase, NFC,
old-style tone placement), so "Uỷ", "ủy" and "ỦY" find the same entry.

Public API (stable)::

    Lexicon.load(directory=None) -> Lexicon   default: the repo's dictionaries/
                                              (words.txt is parsed on first is_word use)
    lexicon.variants(base) -> list[(syllable, freq)]
        base: mark-free (any case) -> accented canonical syllables, most frequent first
        (valid but unseen syllables, freq 0, last)
    lexicon.syllable_freq(syllable) -> int    corpus frequency (any case / tone style)
    lexicon.is_syllable(token) -> bool        phonotactically valid Vietnamese syllable
    lexicon.is_attested(token) -> bool        valid and seen in the training corpus
    lexicon.is_word(syllables) -> bool        multi-syllable dictionary / domain word
    lexicon.word_count(syllables) -> int      corpus count of that word (0 if unknown)
    lexicon.is_abbreviation(token) -> bool    listed abbreviation (case-sensitive: UBND, TTg),
                                              or a compound of listed pieces and digits split
                                              at - / & . (NQ-CP, 70-HD/BTGTU); a listed piece
                                              that is also a valid syllable (TU = Tỉnh ủy, but
                                              also stripped TỰ) counts only inside a compound
    lexicon.is_domain_term(text) -> bool      curated Party/State body or document type
    lexicon.bases: set[str]                   all mark-free lowercase bases (for rapidfuzz)
    lexicon.domain_terms: list[str]           natural case, canonical old style
    lexicon.max_word_len: int                 longest dictionary word, in syllables
    get_lexicon() -> Lexicon                  cached singleton of the shipped dictionaries
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

from pipeline.errors import MissingDependencyError
from pipeline.repair.vietnamese import canonical, is_valid_syllable, nfc, strip_marks

log = logging.getLogger(__name__)

DICTIONARIES_DIR = Path(__file__).resolve().parent.parent.parent / "dictionaries"

_ABBREVIATION_SPLIT = re.compile(r"[-/&.]")


def _rows(path: Path, columns: int = 2) -> list[list[str]]:
    """Return the first `columns` fields of each row of a TSV file (header skipped)."""
    if not path.is_file():
        raise MissingDependencyError(
            f"{path}: dictionary not found; run `vidoc build-resources` to build it"
        )
    lines = path.read_text(encoding="utf-8").split("\n")[1:]
    return [line.split("\t", columns)[:columns] for line in lines
            if line and not line.startswith("#")]


class Lexicon:
    """Look-ups over the shipped dictionaries (see the module docstring)."""

    def __init__(
        self,
        syllables: dict[str, int],
        words: dict[str, int] | Callable[[], dict[str, int]],
        abbreviations: set[str],
        domain_terms: list[str],
        capitalized: dict[str, int] | None = None,
    ) -> None:
        self._freq = syllables
        self._capitalized = capitalized or {}
        self._words_source = words
        self._abbreviations = abbreviations
        self.domain_terms = domain_terms
        self._domain_keys = {self._phrase_key(t) for t in domain_terms}
        by_base: dict[str, list[tuple[str, int]]] = {}
        for syllable, freq in syllables.items():
            by_base.setdefault(strip_marks(syllable), []).append((syllable, freq))
        for entries in by_base.values():
            entries.sort(key=lambda entry: (-entry[1], entry[0]))
        self._by_base = by_base
        self.bases: set[str] = set(by_base)

    @cached_property
    def _words(self) -> dict[str, int]:
        """The word dictionary, read on first use (it is the slowest file to parse)."""
        source = self._words_source
        words = source() if callable(source) else source
        for key in self._domain_keys:
            if " " in key:
                words.setdefault(key, 0)
        return words

    @cached_property
    def max_word_len(self) -> int:
        """Longest dictionary word, in syllables."""
        words = self._words
        return 1 + max(map(str.count, words, [" "] * len(words)), default=0)

    @classmethod
    def load(cls, directory: Path | None = None) -> Lexicon:
        """Read syllables.tsv, words.txt, abbreviations.txt, domain_terms.txt, capitalized.tsv.

        capitalized.tsv is optional (an older checkout repairs without the capitals prior).
        """
        directory = Path(directory) if directory is not None else DICTIONARIES_DIR
        syllables = {row[0]: int(row[1]) for row in _rows(directory / "syllables.tsv")}
        words_path = directory / "words.txt"
        if not words_path.is_file():
            _rows(words_path)  # raises the one-line error now, not at first use

        def read_words() -> dict[str, int]:
            return {row[0]: int(row[1]) for row in _rows(words_path)}

        abbreviations = {row[0] for row in _rows(directory / "abbreviations.txt", 1)}
        domain_path = directory / "domain_terms.txt"
        domain_terms: list[str] = []
        if domain_path.is_file():
            text = domain_path.read_text(encoding="utf-8")
            domain_terms = [t for t in (nfc(x.strip()) for x in text.splitlines())
                            if t and not t.startswith("#")]
        capitalized_path = directory / "capitalized.tsv"
        capitalized = ({row[0]: int(row[1]) for row in _rows(capitalized_path)}
                       if capitalized_path.is_file() else {})
        log.debug("lexicon: %d syllables, %d abbreviations from %s",
                  len(syllables), len(abbreviations), directory)
        return cls(syllables, read_words, abbreviations, domain_terms, capitalized)

    @staticmethod
    def _phrase_key(text: str) -> str:
        return " ".join(canonical(s) for s in text.split())

    def variants(self, base: str) -> list[tuple[str, int]]:
        """Accented syllables whose mark-free form is `base`, most frequent first."""
        return list(self._by_base.get(strip_marks(base).lower(), ()))

    def capitalized_count(self, syllable: str) -> int:
        """Training-corpus count of `syllable` capitalised right after a word ("Văn", "Anh")."""
        return self._capitalized.get(canonical(syllable), 0)

    def syllable_freq(self, syllable: str) -> int:
        """Training-corpus frequency of a syllable (0 if unseen or not a syllable)."""
        return self._freq.get(canonical(syllable), 0)

    def is_syllable(self, token: str) -> bool:
        """Tell whether `token` is a phonotactically valid syllable (attested or not)."""
        return canonical(token) in self._freq or is_valid_syllable(token)

    def is_attested(self, token: str) -> bool:
        """Tell whether `token` is valid and seen at least once in the training corpus."""
        return self._freq.get(canonical(token), 0) > 0

    def is_word(self, syllables: Sequence[str]) -> bool:
        """Tell whether `syllables` form a dictionary word (any case, any tone style)."""
        return len(syllables) > 1 and " ".join(canonical(s) for s in syllables) in self._words

    def word_count(self, syllables: Sequence[str]) -> int:
        """Corpus count of a dictionary word (0 when unknown or never seen)."""
        return self._words.get(" ".join(canonical(s) for s in syllables), 0)

    def is_abbreviation(self, token: str) -> bool:
        """Tell whether `token` is a listed abbreviation (UBND, TTg) or a compound (NQ-CP)."""
        token = nfc(token)
        if not _ABBREVIATION_SPLIT.search(token):
            # "TU", "HU" are also accent-stripped capitals (TỰ, HỦ): only trust them in codes
            return token in self._abbreviations and not is_valid_syllable(token)
        pieces = [p for p in _ABBREVIATION_SPLIT.split(token) if p]
        if not pieces or all(p.isdigit() for p in pieces):
            return False
        return all(p in self._abbreviations or p.isdigit() for p in pieces)

    @property
    def abbreviations(self) -> frozenset[str]:
        """The listed abbreviations as written (UBND, TTg, IoT)."""
        return frozenset(self._abbreviations)

    def is_domain_term(self, text: str) -> bool:
        """Tell whether `text` is a curated Party/State name or document type."""
        return self._phrase_key(text) in self._domain_keys


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """Return the shipped dictionaries, loaded once per process."""
    return Lexicon.load()

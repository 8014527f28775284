"""Syllable n-gram language models (KenLM) and the one tokenizer they were built with.

The repair engine chooses between candidate spellings by how Vietnamese directive text
continues, so the model must see tokens exactly as the builder wrote them: `lm_token` is the
single mapping from a surface token to the LM vocabulary, used by `pipeline.resources.build_lm`
and by every caller.

Public API (stable)::

    lm_token(word, marks=True) -> str         surface token -> LM vocabulary item:
        words: lowercase, NFC, old-style tone placement (marks=False: also mark-free)
        numbers (12, 1.000, 21/9/2023) -> "<num>";  codes with digits/slashes
        (70-HD/BTGTU, 68/2022/QH15, QH15) -> "<code>";  “ ” « » -> '"';  – — -> "-"
    split_tokens(text) -> list[str]           surface tokens of a line (words, numbers, codes,
                                              one token per punctuation mark)
    lm_tokens(text, marks=True) -> list[str]  = [lm_token(t) for t in split_tokens(text)]

    class LanguageModel:
        load(path=None) / get_language_model(kind="syllable"|"base")   (cached)
        order: int;  kind: "syllable" | "base";  path: Path
        token(word) -> str                    lm_token with this model's marks setting
        score_sentence(tokens, bos=True, eos=True) -> float            log10 probability
        score_text(text, bos=True, eos=True) -> float                  tokenizes first
        begin_state() / null_state() -> kenlm.State
        advance(state, token) -> (log10 prob, new state)               for beam / Viterbi
        __contains__(token) -> bool           token is in the vocabulary (not <unk>)
        perplexity(sentences) -> float        sentences: token lists

Tokens passed to `score_sentence` / `advance` must already be LM tokens (`token()` output).
Models: `models/syllable6.binary` (marks kept) and `models/base4.binary` (marks stripped).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pipeline.errors import MissingDependencyError
from pipeline.repair.vietnamese import canonical, nfc, strip_marks

log = logging.getLogger(__name__)

Kind = Literal["syllable", "base"]

MODELS_DIR = Path(__file__).resolve().parent.parent.parent / "models"
MODEL_FILES: dict[str, str] = {"syllable": "syllable6.binary", "base": "base4.binary"}

NUM = "<num>"
CODE = "<code>"

_TOKEN_RE = re.compile(
    r"""
    (?:[^\W_]+(?:[/\-.][^\W_]+)*(?:/[^\W_]+)*)   # words, numbers and codes (70-HD/BTGTU, 1.000)
    |\.{2,}|…                                    # ellipsis as one token
    |[^\w\s]                                     # any other single mark
    |_+
    """,
    re.VERBOSE,
)
_NUMBER_RE = re.compile(r"\d+(?:[.,/\-]\d+)*")
_HAS_DIGIT = re.compile(r"\d")
_PUNCT_MAP = {"“": '"', "”": '"', "«": '"', "»": '"', "„": '"', "‘": "'", "’": "'",
              "–": "-", "—": "-", "‑": "-", "…": "...", "_": "_"}


def split_tokens(text: str) -> list[str]:
    """Surface tokens of a line: word/number/code runs and single punctuation marks.

    Hyphens and slashes inside a run are kept (document codes, dates); a hyphen between
    spaces ("kinh tế - xã hội") is its own token.

    >>> split_tokens("Số 70-HD/BTGTU, ngày 19/12/2023")
    ['Số', '70-HD/BTGTU', ',', 'ngày', '19/12/2023']
    """
    return _TOKEN_RE.findall(nfc(text))


@lru_cache(maxsize=300_000)
def lm_token(word: str, marks: bool = True) -> str:
    """Map one surface token to the LM vocabulary (see the module docstring)."""
    if not word:
        return word
    if _NUMBER_RE.fullmatch(word):
        return NUM
    if _HAS_DIGIT.search(word):
        return CODE
    if word[0].isalpha():
        if "/" in word:
            return CODE
        if "-" in word or "." in word:
            parts = re.split(r"([\-.])", word)
            mapped = [lm_token(p, marks) if p not in "-." else p for p in parts if p]
            return "".join(mapped)
        key = canonical(word)
        return strip_marks(key) if not marks else key
    if word.startswith(".."):
        return "..."
    return _PUNCT_MAP.get(word, word)


SENTENCE_STOPS = (".", "!", "?")
"""Marks after which the training text was cut into sentences (before a new one opens)."""


def opens_sentence(first: str) -> bool:
    """Tell whether a word starting with `first`, after a stop, opens a new sentence.

    The one rule by which the training text was cut (`build_lm.split_sentences`) and by
    which the decoder closes a sentence mid-line: a capital, a quote or "(".
    """
    return first.isupper() or first in "\"“("


def lm_tokens(text: str, marks: bool = True) -> list[str]:
    """Return the LM tokens of one line of text."""
    return [lm_token(t, marks) for t in split_tokens(text)]


def _import_kenlm():  # type: ignore[no-untyped-def]
    try:
        import kenlm
    except ImportError as error:  # pragma: no cover - kenlm is a declared dependency
        raise MissingDependencyError("the Python package 'kenlm' is not installed") from error
    return kenlm


class LanguageModel:
    """A loaded KenLM model plus the tokenizer it was built with."""

    def __init__(self, model: object, path: Path, kind: Kind) -> None:
        self._model = model
        self.path = path
        self.kind: Kind = kind
        self.marks = kind != "base"
        self.order: int = model.order  # type: ignore[attr-defined]
        self._kenlm = _import_kenlm()
        self._base_score = model.BaseScore  # type: ignore[attr-defined]

    @classmethod
    def load(cls, path: Path | None = None, kind: Kind | None = None) -> LanguageModel:
        """Load a binary (or ARPA) model; default `models/syllable6.binary`."""
        if path is None:
            kind = kind or "syllable"
            path = MODELS_DIR / MODEL_FILES[kind]
        path = Path(path)
        if kind is None:
            kind = "base" if path.name.startswith("base") else "syllable"
        if not path.is_file():
            raise MissingDependencyError(
                f"{path}: language model not found; run `vidoc build-resources` to build it"
            )
        kenlm = _import_kenlm()
        config = kenlm.Config()
        config.load_method = kenlm.LoadMethod.LAZY if path.stat().st_size > 200e6 else \
            kenlm.LoadMethod.READ
        model = kenlm.Model(str(path), config)
        log.debug("loaded %s LM %s (order %d)", kind, path, model.order)
        return cls(model, path, kind)

    def token(self, word: str) -> str:
        """Map a surface token to this model's vocabulary (same function as the builder)."""
        return lm_token(word, self.marks)

    def __contains__(self, token: str) -> bool:
        return token in self._model  # type: ignore[operator]

    def score_sentence(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        """log10 P(tokens) (tokens already mapped with `token`)."""
        return self._model.score(" ".join(tokens), bos=bos, eos=eos)  # type: ignore[attr-defined]

    def score_text(self, text: str, bos: bool = True, eos: bool = True) -> float:
        """log10 P of a line of surface text."""
        return self.score_sentence(lm_tokens(text, self.marks), bos=bos, eos=eos)

    def begin_state(self) -> object:
        """State after <s> (start of a sentence)."""
        state = self._kenlm.State()
        self._model.BeginSentenceWrite(state)  # type: ignore[attr-defined]
        return state

    def null_state(self) -> object:
        """Empty context (the middle of a text)."""
        state = self._kenlm.State()
        self._model.NullContextWrite(state)  # type: ignore[attr-defined]
        return state

    def advance(self, state: object, token: str) -> tuple[float, object]:
        """log10 P(token | state) and the state after it ("</s>" ends a sentence)."""
        out = self._kenlm.State()
        return self._base_score(state, token, out), out

    def end_score(self, state: object) -> float:
        """log10 P(</s> | state)."""
        out = self._kenlm.State()
        return self._base_score(state, "</s>", out)

    def perplexity(self, sentences: Iterable[Sequence[str]]) -> float:
        """Per-token perplexity (</s> counted) over token lists."""
        total = 0.0
        count = 0
        for tokens in sentences:
            total += self.score_sentence(tokens)
            count += len(tokens) + 1
        return 10.0 ** (-total / max(count, 1))


@lru_cache(maxsize=4)
def get_language_model(kind: Kind = "syllable") -> LanguageModel:
    """Return the shipped model of `kind`, loaded once per process."""
    return LanguageModel.load(MODELS_DIR / MODEL_FILES[kind], kind)

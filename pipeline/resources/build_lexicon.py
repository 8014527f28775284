"""Build the plain-text dictionaries from the official corpus (training split) and underthesea.

Why: the repair engine proposes candidates from the syllable inventory (every accented form
of a mark-free base, by frequency), prefers dictionary words, and must never "restore"
abbreviations. All of it is derived here so it can be rebuilt with one command; the
hand-written parts (`domain_terms.txt`, the curated head of `abbreviations.txt`) live in
`pipeline/resources/curated.py` and are merged, not overwritten.

Outputs (formats in dictionaries/README.md):
- `syllables.tsv`     syllable<TAB>freq — every valid syllable, canonical, freq 0 if unseen
- `words.txt`         word<TAB>count<TAB>source — multi-syllable words, canonical lowercase
- `domain_terms.txt`  Party/State bodies and document types, natural case
- `abbreviations.txt` ABBR<TAB>count<TAB>source — tokens that must never be restored
- `capitalized.tsv`   syllable<TAB>count — times capitalised right after a word (names, bodies)
"""

from __future__ import annotations

import logging
import math
import pickle
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.atomic import write_text_atomic
from pipeline.corpus import OFFICIAL_FILES, iter_split
from pipeline.errors import BadInputError
from pipeline.repair.lm import split_tokens
from pipeline.repair.tokens import case_pattern
from pipeline.repair.vietnamese import all_valid_syllables, canonical, is_valid_syllable, nfc
from pipeline.resources.curated import ABBREVIATIONS, DOMAIN_TERMS

log = logging.getLogger(__name__)


def atomic_write_text(path: Path, text: str) -> None:
    """Write atomically, readable by all (the temporary file is created 0600)."""
    write_text_atomic(path, text)
    path.chmod(0o644)

MAX_WORD_SYLLABLES = 4
"""Dictionary words longer than this are not counted in the corpus (rare, slow to match)."""

CORPUS_BIGRAM_MIN_COUNT = 30
CORPUS_BIGRAM_MIN_PMI = 4.0
"""A frequent, strongly associated syllable pair is a word even if no dictionary lists it."""

ABBREVIATION_MIN_COUNT = 5
ABBREVIATION_MIN_DOCS = 2

_CAPS_TOKEN = re.compile(r"^[A-ZĐ][A-ZĐ0-9]*[a-z]?[A-ZĐ0-9]*$")
_CODE_PART = re.compile(r"[-/.]")


def train_documents(corpus_dir: Path) -> Iterator[str]:
    """Documents of the official files' training split."""
    for name in OFFICIAL_FILES:
        path = corpus_dir / name
        if not path.is_file():
            raise BadInputError(path, "corpus file missing")
        yield from iter_split(path, heldout=False)


def syllable_runs(line: str) -> Iterator[list[str]]:
    """Maximal runs of valid syllables (canonical lowercase) in a line, split at anything else."""
    run: list[str] = []
    for token in split_tokens(line):
        if token.isalpha() and is_valid_syllable(token):
            run.append(canonical(token))
        else:
            if run:
                yield run
            run = []
    if run:
        yield run


def _abbreviation_candidates(token: str) -> Iterator[str]:
    """All-caps pieces of a token that are not Vietnamese syllables (UBND, HĐND, BTGTU, QH15)."""
    pieces = _CODE_PART.split(token) if _CODE_PART.search(token) else [token]
    for piece in pieces:
        if len(piece) < 2 or not piece[0].isalpha() or piece.isdigit():
            continue
        if not _CAPS_TOKEN.match(piece):
            continue
        if piece.isalpha() and is_valid_syllable(piece):
            continue
        yield piece


def _capitalised_syllable(token: str) -> bool:
    """Tell whether a token is a syllable with a capital first letter only ("Văn"; not "UBND")."""
    return (len(token) > 1 and token.isalpha() and case_pattern(token) == "title"
            and is_valid_syllable(token))


class CorpusCounts:
    """Syllable, bigram and abbreviation counts over the training split."""

    def __init__(self) -> None:
        self.syllables: Counter[str] = Counter()
        self.bigrams: Counter[tuple[str, str]] = Counter()
        self.abbreviations: Counter[str] = Counter()
        self.abbreviation_docs: Counter[str] = Counter()
        self.runs: list[tuple[str, ...]] = []
        self.capitalized: Counter[str] = Counter()
        self.total = 0

    def add_document(self, document: str) -> None:
        """Count one training document."""
        seen: set[str] = set()
        for line in document.split("\n"):
            previous = ""
            for token in split_tokens(line):
                for abbreviation in _abbreviation_candidates(token):
                    self.abbreviations[abbreviation] += 1
                    seen.add(abbreviation)
                if previous.isalpha() and _capitalised_syllable(token):
                    self.capitalized[canonical(token)] += 1
                previous = token
            for run in syllable_runs(line):
                self.syllables.update(run)
                self.total += len(run)
                self.bigrams.update(zip(run, run[1:], strict=False))
                if len(run) > 1:
                    self.runs.append(tuple(run))
        self.abbreviation_docs.update(seen)


def count_corpus(corpus_dir: Path) -> CorpusCounts:
    """Count syllables, bigrams and abbreviations over the training split."""
    counts = CorpusCounts()
    for document in train_documents(corpus_dir):
        counts.add_document(document)
    log.info("%d syllable tokens, %d distinct", counts.total, len(counts.syllables))
    return counts


def underthesea_words() -> dict[str, str]:
    """Multi-syllable words of Viet74K and the word_tokenize dictionary -> first source."""
    words: dict[str, str] = {}
    sources: list[tuple[str, Iterable[str]]] = []
    try:
        from underthesea.corpus import viet_dict_74K

        sources.append(("viet74k", viet_dict_74K.words))
    except ImportError:  # pragma: no cover - underthesea is a declared dependency
        log.warning("underthesea not installed: no Viet74K words")
    try:
        import underthesea.pipeline.word_tokenize as wt

        path = Path(wt.__file__).parent / "models" / "ws_crf_vlsp2013_20230727" / "dictionary.bin"
        with open(path, "rb") as handle:
            # in underthesea 9.5 this is Viet74K lowercased; kept in case a release extends it
            sources.append(("uts-tokenizer", pickle.load(handle)))  # noqa: S301 - package data
    except (ImportError, OSError) as error:
        log.warning("underthesea tokenizer dictionary unavailable: %s", error)
    for source, entries in sources:
        for entry in entries:
            for variant in nfc(entry).split(";"):
                syllables = variant.strip().split()
                if len(syllables) < 2 or not all(is_valid_syllable(s) for s in syllables):
                    continue
                key = " ".join(canonical(s) for s in syllables)
                words.setdefault(key, source)
    return words


def count_words(runs: Iterable[tuple[str, ...]], words: Iterable[str]) -> Counter[str]:
    """Corpus occurrences of each dictionary word (n-gram match inside syllable runs)."""
    wanted = {tuple(w.split()) for w in words if len(w.split()) <= MAX_WORD_SYLLABLES}
    lengths = sorted({len(w) for w in wanted})
    found: Counter[str] = Counter()
    for run in runs:
        for n in lengths:
            for i in range(len(run) - n + 1):
                gram = run[i : i + n]
                if gram in wanted:
                    found[" ".join(gram)] += 1
    return found


def corpus_collocations(counts: CorpusCounts) -> dict[str, int]:
    """Frequent high-PMI syllable bigrams (log2 PMI), as extra words attested in the corpus."""
    total = max(counts.total, 1)
    result: dict[str, int] = {}
    for (a, b), n in counts.bigrams.items():
        if n < CORPUS_BIGRAM_MIN_COUNT:
            continue
        pmi = math.log2(n * total / (counts.syllables[a] * counts.syllables[b]))
        if pmi >= CORPUS_BIGRAM_MIN_PMI:
            result[f"{a} {b}"] = n
    return result


def write_syllables(counts: CorpusCounts, path: Path) -> int:
    """Write the complete inventory with corpus frequencies; return its size."""
    inventory = dict.fromkeys(all_valid_syllables(), 0)
    for syllable, n in counts.syllables.items():
        inventory[syllable] = n
    return _write_count_table(path, "syllable\tfreq", inventory.items())


def _write_count_table(path: Path, header: str, counts: Iterable[tuple[str, int]]) -> int:
    """Write `key<TAB>count` rows, most frequent first (ties by key), under `header`."""
    rows = sorted(counts, key=lambda kv: (-kv[1], kv[0]))
    atomic_write_text(path, header + "\n" + "".join(f"{s}\t{n}\n" for s, n in rows))
    return len(rows)


CAPITALIZED_MIN_COUNT = 2
"""Fewer capitalised uses than this are left out of capitalized.tsv (one-off names)."""


def write_capitalized(counts: CorpusCounts, path: Path) -> int:
    """Write how often each syllable is capitalised right after a word; return the rows.

    Why: in the middle of a sentence a capital marks a name or a titled body ("Nga",
    "Nguyễn Văn Anh", "Viện Kiểm sát"), whose markings are not those of the common word
    with the same letters ("ngả", "ánh", "viên"); the LM reads lowercase and cannot tell.
    """
    return _write_count_table(path, "syllable\tcount", (
        (s, n) for s, n in counts.capitalized.items() if n >= CAPITALIZED_MIN_COUNT))


def write_words(counts: CorpusCounts, path: Path) -> int:
    """Write dictionary + domain + corpus words with corpus counts; return the row count."""
    words = underthesea_words()
    for term in DOMAIN_TERMS:
        syllables = term.split()
        if len(syllables) > 1 and all(is_valid_syllable(s) for s in syllables):
            words.setdefault(" ".join(canonical(s) for s in syllables), "domain")
    collocations = corpus_collocations(counts)
    for word in collocations:
        words.setdefault(word, "corpus")
    found = count_words(counts.runs, words)
    rows = sorted(words.items(), key=lambda kv: (-found.get(kv[0], 0), kv[0]))
    text = "word\tcount\tsource\n" + "".join(f"{w}\t{found.get(w, 0)}\t{s}\n" for w, s in rows)
    atomic_write_text(path, text)
    return len(rows)


def write_domain_terms(path: Path) -> int:
    """Write the curated domain terms, one per line."""
    atomic_write_text(path, "".join(f"{nfc(term)}\n" for term in DOMAIN_TERMS))
    return len(DOMAIN_TERMS)


def write_abbreviations(counts: CorpusCounts, path: Path) -> int:
    """Write curated and corpus-mined abbreviations; return the row count."""
    rows: dict[str, tuple[int, str]] = {}
    for abbreviation in ABBREVIATIONS:
        rows[nfc(abbreviation)] = (counts.abbreviations.get(abbreviation, 0), "curated")
    for abbreviation, n in counts.abbreviations.items():
        if abbreviation in rows:
            continue
        docs = counts.abbreviation_docs[abbreviation]
        if n >= ABBREVIATION_MIN_COUNT and docs >= ABBREVIATION_MIN_DOCS:
            rows[abbreviation] = (n, "corpus")
    ordered = sorted(rows.items(), key=lambda kv: (kv[1][1] != "curated", -kv[1][0], kv[0]))
    text = "abbreviation\tcount\tsource\n" + "".join(f"{a}\t{n}\t{s}\n" for a, (n, s) in ordered)
    atomic_write_text(path, text)
    return len(rows)


def build_dictionaries(corpus_dir: Path, out_dir: Path) -> dict[str, int]:
    """Write all five dictionaries into `out_dir`; return the row count of each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = count_corpus(corpus_dir)
    return {
        "syllables.tsv": write_syllables(counts, out_dir / "syllables.tsv"),
        "words.txt": write_words(counts, out_dir / "words.txt"),
        "domain_terms.txt": write_domain_terms(out_dir / "domain_terms.txt"),
        "abbreviations.txt": write_abbreviations(counts, out_dir / "abbreviations.txt"),
        "capitalized.tsv": write_capitalized(counts, out_dir / "capitalized.tsv"),
    }

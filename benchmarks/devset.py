"""Build the repair dev set from HELD-OUT corpus documents (never from training text).

Each case is a short passage (a few corpus lines) with its truth and a damaged input:
- clean:    input == truth (the repair must not touch it),
- stripped: every mark removed (the accent-stripped passages of old OCR),
- garbled:  marks removed + OCR-style damage (generic, random, seeded; see `garble_word`),
- mixed:    a clean passage with one or two lines stripped or garbled inside it,
- ood:      stripped news paragraphs (out-of-domain figure only),
- oldocr:   the second, independent garbler (`old_ocr_line`): damage classes and rates of
            old accent-stripped OCR (a third of the garbles land on another valid syllable),
            written without reading the channel table; appended last so the cases above
            stay exactly as they were.
- wrapped:  the old-OCR garbler on other passages whose paragraphs are wrapped into lines of
            about WRAP_WIDTH characters, as on a scanned page (a word at a line end has its
            right context on the next line); appended after oldocr.
- partial:  lines that kept part of their marks: a run of words (the start or the end of the
            line) printed with marks, some of them wrong (tone lost or changed, Đ read as D,
            a stray letter), the rest of the line damaged by the old-OCR garbler; modelled on
            the transition lines of damaged scans, where OCR read marks in one part of a line
            only; appended after wrapped.

The garbler is modelled on damage *patterns* of old OCR on Vietnamese (a marked letter read
as its base plus a stray letter, horn read as "r", dropped or doubled letters, rn/m, nh/h,
Đ read as D or B, spaces lost or added); it knows no word of any sample document.

Run: .venv/bin/python benchmarks/devset.py  (writes benchmarks/cache/devset.jsonl)
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.corpus import NEWS_FILE, OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402
from pipeline.repair.vietnamese import apply_case, compose, decompose  # noqa: E402

CACHE = ROOT / "benchmarks" / "cache"
DEVSET_PATH = CACHE / "devset.jsonl"
SEED = 20240611


@dataclass
class Case:
    """One dev passage: `damaged[i]` says whether input line i differs in kind from truth."""

    id: str
    condition: str
    truth: list[str]
    input: list[str]
    damaged: list[bool]


def strip_marks(text: str) -> str:
    """Remove every Vietnamese mark (tones, circumflex, breve, horn, đ→d)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


# -- the garbler ------------------------------------------------------------------------------

_HORN_READS = ["ur", "u", "ir", "o", "or"]  # ư / ơ read with the horn as a stray letter
_EXTRA_AFTER_MARK = ["i", "r", "u", "a", "o", "n"]  # a tone/circumflex read as a stray letter
_VISUAL = {
    "m": ["rn", "n", "in"],
    "rn": ["m"],
    "n": ["h", "u", "ri"],
    "h": ["n", "b", "li"],
    "c": ["e", "o"],
    "e": ["c", "o"],
    "o": ["a", "c", "e", "u"],
    "a": ["o", "e", "u"],
    "l": ["i", "t", "1"],
    "i": ["l", "r", "t"],
    "t": ["l", "f", "i"],
    "u": ["n", "o", "ii"],
    "g": ["q", "y"],
    "y": ["v", "g"],
    "v": ["y", "u"],
    "d": ["cl", "a"],
    "b": ["h", "l"],
    "nh": ["h", "n", "rh"],
    "ng": ["n", "g", "nq"],
    "ch": ["c", "h"],
    "tr": ["t", "r"],
}


def _base_letter(ch: str) -> str:
    return strip_marks(ch)


def garble_word(word: str, rng: random.Random) -> str:
    """Damage one word (with its marks) the way old OCR damages Vietnamese syllables.

    Most damage hits the marked vowel: it loses its marks, and sometimes the mark becomes
    a stray letter (horn → "r", tone → "i"); otherwise a letter is dropped, doubled or read
    as a look-alike; the result is then stripped of its remaining marks (mostly).
    """
    chars = list(word)
    marked = [i for i, c in enumerate(chars) if ord(c) > 127]
    roll = rng.random()
    if marked and roll < 0.45:
        i = rng.choice(marked)
        ch = chars[i]
        base = _base_letter(ch)
        decomposed = unicodedata.normalize("NFD", ch.lower())
        if "\u031b" in decomposed:  # horn: ư ơ
            repl = (
                base + rng.choice(["r", "r", ""])
                if base.lower() == "u"
                else rng.choice([base, base + "r", base + "i"])
            )
            if base.lower() == "u" and rng.random() < 0.3:
                repl = rng.choice(_HORN_READS)
        elif ch in "đĐ":
            repl = rng.choice(["D", "D", "B", "Cl"]) if ch == "Đ" else rng.choice(["d", "d", "cl"])
        else:
            repl = base + (rng.choice(_EXTRA_AFTER_MARK) if rng.random() < 0.5 else "")
        chars[i] = repl
    elif roll < 0.62 and len(chars) > 2:  # drop a letter
        del chars[rng.randrange(1, len(chars))]
    elif roll < 0.70:  # double a letter
        i = rng.randrange(len(chars))
        chars.insert(i, chars[i])
    else:  # look-alike substitution of a letter or digraph
        plain = strip_marks(word).lower()
        spots = [(k, v) for k, v in _VISUAL.items() if k in plain]
        if spots:
            k, options = rng.choice(spots)
            pos = plain.find(k)
            repl = rng.choice(options)
            if word[pos].isupper():
                repl = repl.upper()
            chars = list(strip_marks(word)[:pos]) + [repl] + list(strip_marks(word)[pos + len(k) :])
    out = "".join(chars)
    return out if rng.random() < 0.1 else strip_marks(out)


def split_affixes(word: str) -> tuple[str, str, str]:
    """A space-separated word as (opening punctuation, the word itself, closing punctuation)."""
    lead = len(word) - len(word.lstrip("([“\"'"))
    trail = len(word) - len(word.rstrip(".,;:!?)]”\"'"))
    return word[:lead], word[lead : len(word) - trail], word[len(word) - trail :]


def garble_line(line: str, rng: random.Random, rate: float) -> str:
    """Strip a line and garble about `rate` of its words; sometimes merge or split words."""
    words = line.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        letters = any(c.isalpha() for c in word) and not any(c.isdigit() for c in word)
        if letters and rng.random() < rate:
            head, core, tail = split_affixes(word)
            if core and core.isalpha():
                kind = rng.random()
                if kind < 0.06 and i + 1 < len(words) and words[i + 1].isalpha():  # lost space
                    merged = strip_marks(core + words[i + 1])
                    out.append(head + merged)
                    i += 2
                    continue
                if kind < 0.09 and len(core) >= 4:  # added space
                    cut = rng.randrange(1, len(core) - 1)
                    garbled = strip_marks(core[:cut]) + " " + strip_marks(core[cut:])
                else:
                    garbled = garble_word(core, rng)
                out.append(head + garbled + tail)
                i += 1
                continue
        out.append(strip_marks(word))
        i += 1
    return " ".join(out)


# -- the second, independent garbler ("old OCR" statistics) -----------------------------------
#
# Written separately from the channel table (it reads no channel rule): the damage model is a
# generic description of the statistics of accent-stripped old-OCR passages, counted by class
# on the repository's damaged sample (never its words):
# - the passage is stripped of marks; a few words keep marks, sometimes the wrong ones;
# - about a quarter of the syllables are damaged beyond stripping; of those, about a third
#   land on ANOTHER VALID syllable (one or two letters inserted, dropped or swapped), the
#   rest are horn/breve/dot read as letters (ư→ur, ứ→iu, ă→an, ạ→e), Đ read as D or B,
#   a dropped letter, a doubled or stray vowel, a syllable split in two (sometimes with a
#   stray letter), two syllables run together, or a syllable cut to one or two letters.

OLD_OCR_RATE = 0.25
_OLD_OCR_CLASSES = (  # (class, weight)
    ("valid", 0.34),
    ("mark_letters", 0.14),
    ("d_bar", 0.07),
    ("drop", 0.12),
    ("stray_vowel", 0.09),
    ("split", 0.08),
    ("short", 0.04),
    ("lookalike", 0.05),
)
OLD_OCR_MERGE = 0.07
_LETTERS = "abcdeghiklmnopqrstuvxy"


@lru_cache(maxsize=1)
def _attested_bases() -> frozenset[str]:
    """Mark-free bases of attested syllables (from the shipped syllable inventory)."""
    from pipeline.repair.lexicon import get_lexicon

    lexicon = get_lexicon()
    return frozenset(b for b in lexicon.bases if any(f > 0 for _, f in lexicon.variants(b)))


def _one_edit(base: str) -> set[str]:
    out: set[str] = set()
    for i in range(len(base) + 1):
        for ch in _LETTERS:
            out.add(base[:i] + ch + base[i:])
            if i < len(base) and ch != base[i]:
                out.add(base[:i] + ch + base[i + 1 :])
        if i < len(base):
            out.add(base[:i] + base[i + 1 :])
    out.discard(base)
    return out


def _valid_neighbour(base: str, rng: random.Random) -> str | None:
    """Another attested base one (70 %) or two (30 %) letter edits away, or None."""
    bases = _attested_bases()
    near = sorted(b for b in _one_edit(base) if b in bases and len(b) >= 2)
    if rng.random() < 0.3 and len(base) >= 3:
        far = sorted(
            {c for b in near[:12] for c in _one_edit(b) if c in bases and c != base} - set(near)
        )
        if far:
            return rng.choice(far)
    return rng.choice(near) if near else None


def _keep_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def old_ocr_word(word: str, rng: random.Random) -> str | None:
    """Damage one syllable as old OCR does; None when the drawn class does not apply."""
    plain = strip_marks(word)
    lower = plain.lower()
    r = rng.random() * sum(w for _, w in _OLD_OCR_CLASSES)
    kind = _OLD_OCR_CLASSES[-1][0]
    for name, weight in _OLD_OCR_CLASSES:
        r -= weight
        if r <= 0:
            kind = name
            break
    if kind == "valid":
        found = _valid_neighbour(lower, rng)
        return _keep_case(plain, found) if found else None
    if kind == "mark_letters":
        out = []
        changed = False
        for ch in word:
            decomposed = unicodedata.normalize("NFD", ch.lower())
            base = strip_marks(ch)
            if not changed and "\u031b" in decomposed and base.lower() == "u":
                tone = any(c in decomposed for c in "\u0301\u0300\u0309\u0303\u0323")
                out.append(rng.choice(["iu", "ir"]) if tone and rng.random() < 0.6 else "ur")
                changed = True
            elif not changed and "\u0306" in decomposed:  # breve
                out.append(base + "n")
                changed = True
            elif not changed and "\u0323" in decomposed and rng.random() < 0.5:  # dot below
                out.append({"a": "e", "o": "a", "e": "c"}.get(base.lower(), base + "i"))
                changed = True
            else:
                out.append(base)
        return "".join(out) if changed else None
    if kind == "d_bar":
        if word[:1] == "Đ":
            return rng.choice(["B", "B", "D"]) + plain[1:]
        if "đ" in word:
            return plain.replace("d", rng.choice(["cl", "d"]), 1)
        return None
    if kind == "drop" and len(plain) >= 3:
        i = rng.randrange(1, len(plain))
        return plain[:i] + plain[i + 1 :]
    if kind == "stray_vowel":
        vowels = [i for i, c in enumerate(lower) if c in "aeiouy"]
        if not vowels:
            return None
        i = rng.choice(vowels) + 1
        return plain[:i] + rng.choice("aiuoe") + plain[i:]
    if kind == "split" and len(plain) >= 3:
        cut = rng.randrange(1, len(plain) - 1)
        right = plain[cut:]
        if rng.random() < 0.4:
            right = rng.choice("bgnt") + right
        return plain[:cut] + " " + right
    if kind == "short" and len(plain) >= 3:
        return plain[: rng.choice([1, 2, 2])]
    if kind == "lookalike":
        pairs = [
            ("m", "rn"),
            ("rn", "m"),
            ("nh", "h"),
            ("l", "i"),
            ("i", "l"),
            ("q", "t"),
            ("c", "e"),
            ("u", "n"),
            ("o", "a"),
            ("g", "q"),
        ]
        spots = [(a, b) for a, b in pairs if a in plain]
        if not spots:
            return None
        a, b = rng.choice(spots)
        return plain.replace(a, b, 1)
    return None


def old_ocr_line(line: str, rng: random.Random, rate: float = OLD_OCR_RATE) -> str:
    """Strip a line, keep a few (sometimes wrong) marks, and damage about `rate` of syllables."""
    words = line.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        head, core, tail = split_affixes(word)
        if not (core and core.isalpha()):
            out.append(strip_marks(word))
            i += 1
            continue
        if rng.random() < rate:
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if not tail and nxt.isalpha() and rng.random() < OLD_OCR_MERGE:
                out.append(head + strip_marks(core + nxt))  # two syllables run together
                i += 2
                continue
            damaged = old_ocr_word(core, rng)
            if damaged is None:  # the drawn class did not apply: draw once more
                damaged = old_ocr_word(core, rng)
            if damaged is not None:
                out.append(head + damaged + tail)
                i += 1
                continue
        if rng.random() < 0.04:  # a word that kept its marks, or got wrong ones
            out.append(head + (core if rng.random() < 0.5 else _wrong_marks(core, rng)) + tail)
        else:
            out.append(strip_marks(word))
        i += 1
    return " ".join(out)


WRAP_WIDTH = 72
"""Characters per wrapped line (a scanned A4 page in 13-14 pt prints about 70-90)."""


def wrap_paragraph(paragraph: str, width: int = WRAP_WIDTH) -> list[str]:
    """Break a paragraph at spaces into lines of at most `width` characters (one word at least)."""
    lines: list[str] = []
    current: list[str] = []
    for word in paragraph.split():
        if current and len(" ".join(current + [word])) > width:
            lines.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _wrong_marks(word: str, rng: random.Random) -> str:
    """The word with its tone mark swapped for another (old OCR misreads marks, too)."""
    tones = "\u0301\u0300\u0309\u0303\u0323"
    decomposed = unicodedata.normalize("NFD", word)
    if not any(c in tones for c in decomposed):
        return word
    new = rng.choice(tones)
    return unicodedata.normalize("NFC", "".join(new if c in tones else c for c in decomposed))


PARTIAL_WRONG = 0.3
"""Share of the words of a line's marked part whose marks were misread (`partial_line`)."""


def misread_marks(word: str, rng: random.Random) -> str:
    """The word with its marks partly misread: tone lost or changed, Đ as D, a stray letter."""
    parts = decompose(word)
    if parts is None:
        return strip_marks(word)
    onset, rhyme, tone = parts
    kind = rng.choice(["tone_lost", "tone_changed", "all_lost", "d_bar", "stray"])
    other_tone = rng.choice([t for t in range(6) if t != tone])
    if kind == "tone_lost":
        out = compose(onset, rhyme, 0)
    elif kind == "tone_changed":
        out = compose(onset, rhyme, other_tone)
    elif kind == "all_lost":
        out = strip_marks(compose(onset, rhyme, tone))
    elif kind == "d_bar" and onset == "đ":
        out = compose("d", rhyme, other_tone)
    else:
        out = compose(onset, rhyme, other_tone) + rng.choice("iunc")
    return apply_case(word, out)


def partial_line(line: str, rng: random.Random) -> str:
    """A line whose start or end kept its marks (some misread); the rest old-OCR garbled."""
    words = line.split(" ")
    if len(words) < 4:
        return old_ocr_line(line, rng)
    keep = rng.randint(max(2, len(words) * 3 // 10), max(2, len(words) * 7 // 10))
    at_start = rng.random() < 0.5
    kept = words[:keep] if at_start else words[len(words) - keep :]
    rest = " ".join(words[keep:] if at_start else words[: len(words) - keep])
    marked = []
    for word in kept:
        head, core, tail = split_affixes(word)
        if core and core.isalpha() and rng.random() < PARTIAL_WRONG:
            word = head + misread_marks(core, rng) + tail
        marked.append(word)
    garbled = old_ocr_line(rest, rng) if rest else ""
    parts = [" ".join(marked), garbled] if at_start else [garbled, " ".join(marked)]
    return " ".join(x for x in parts if x)


# -- passages ---------------------------------------------------------------------------------


def _prose_lines(document: str) -> list[str]:
    """Lines that are prose or headings of at least 5 words (tables cells and stubs skipped)."""
    lines = []
    for line in document.split("\n"):
        words = line.split()
        if "_" in line or re.search(r"[a-zà-ỹ][A-ZĐ]", line):  # data-table identifiers
            continue
        if 5 <= len(words) <= 120 and sum(w.isalpha() for w in words) >= 0.6 * len(words):
            lines.append(line.strip())
    return lines


def _passages(files: tuple[str, ...], rng: random.Random, size: int) -> list[list[str]]:
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("corpus not found (../shared/corpus or $VIDOC_CORPUS)")
    out: list[list[str]] = []
    for name in files:
        for document in iter_split(corpus / name, heldout=True):
            lines = _prose_lines(document)
            for k in range(0, len(lines) - size + 1, size):
                out.append(lines[k : k + size])
    rng.shuffle(out)
    return out


def _old_ocr_cases(
    condition: str, passages: list[list[str]], seed: int, wrap: int | None
) -> list[Case]:
    """Passages damaged by the independent old-OCR garbler; `wrap`: re-wrap paragraphs first."""
    rng = random.Random(seed)
    cases = []
    for n, passage in enumerate(passages):
        truth = passage
        if wrap is not None:
            truth = [line for paragraph in passage for line in wrap_paragraph(paragraph, wrap)]
        cases.append(
            Case(
                f"{condition}-{n}",
                condition,
                truth,
                [old_ocr_line(x, rng) for x in truth],
                [True] * len(truth),
            )
        )
    return cases


def build_devset(
    seed: int = SEED,
    per_condition: int = 160,
    ood: int = 120,
    wrapped: int = 120,
    partial: int = 120,
    dropped: int = 120,
    misread: int = 120,
) -> list[Case]:
    """Build all cases (deterministic for a seed)."""
    rng = random.Random(seed)
    passages = _passages(OFFICIAL_FILES, rng, 3)
    cases: list[Case] = []
    conditions = ["clean", "stripped", "garbled", "mixed"]
    for n, passage in enumerate(passages[: per_condition * len(conditions)]):
        condition = conditions[n % len(conditions)]
        truth = passage
        if condition == "clean":
            damaged_input, damaged = list(truth), [False] * len(truth)
        elif condition == "stripped":
            damaged_input, damaged = [strip_marks(x) for x in truth], [True] * len(truth)
        elif condition == "garbled":
            damaged_input = [garble_line(x, rng, rate=0.3) for x in truth]
            damaged = [True] * len(truth)
        else:
            k = rng.randrange(len(truth))
            damaged_input, damaged = list(truth), [False] * len(truth)
            damaged_input[k] = (
                strip_marks(truth[k]) if rng.random() < 0.5 else garble_line(truth[k], rng, 0.3)
            )
            damaged[k] = True
        cases.append(Case(f"{condition}-{n}", condition, truth, damaged_input, damaged))
    for n, passage in enumerate(_passages((NEWS_FILE,), rng, 2)[:ood]):
        cases.append(
            Case(
                f"ood-{n}", "ood", passage, [strip_marks(x) for x in passage], [True] * len(passage)
            )
        )
    # the independent garbler: appended after the others so their cases stay as they were
    start = per_condition * len(conditions)
    cases += _old_ocr_cases("oldocr", passages[start : start + per_condition], seed + 1, None)
    start += per_condition
    cases += _old_ocr_cases("wrapped", passages[start : start + wrapped], seed + 2, WRAP_WIDTH)
    start += wrapped
    for offset, (name, count, damage) in enumerate(
            (("partial", partial, partial_line), ("dropped", dropped, drop_marks),
             ("misread", misread, misread_words)), start=3):
        cases += _line_damage_cases(name, passages[start : start + count], damage, seed + offset)
        start += count
    return cases


def _line_damage_cases(name: str, passages: list[list[str]],
                       damage: Callable[[str, random.Random], str], seed: int) -> list[Case]:
    """Cases of one condition whose garbler damages each line on its own (own seeded rng)."""
    rng = random.Random(seed)
    return [Case(f"{name}-{n}", name, passage, [damage(line, rng) for line in passage],
                 [True] * len(passage)) for n, passage in enumerate(passages)]


MISREAD_RATE = 0.05
"""Share of marked words whose marks are misread in the misread condition."""


def misread_words(line: str, rng: random.Random, rate: float = MISREAD_RATE) -> str:
    """The line with a few marked words' marks misread (tone lost or changed, all lost, Đ as D).

    Why: a word with one mark wrong in otherwise right text ("quy đinh", "căn cú") is what
    typing and OCR outside Tesseract's habits leave; the letters stay right.
    """
    out = []
    for word in line.split(" "):
        head, core, tail = split_affixes(word)
        if core and core.isalpha() and strip_marks(core) != core and rng.random() < rate:
            for _ in range(10):
                wrong = misread_marks(core, rng)
                if wrong.lower() != core.lower() and wrong.isalpha() and len(wrong) == len(core):
                    word = head + wrong + tail
                    break
        out.append(word)
    return " ".join(out)


DROPPED_RATE = 0.08
"""Share of marked words that lose every mark in the dropped condition."""


def drop_marks(line: str, rng: random.Random, rate: float = DROPPED_RATE) -> str:
    """The line with a few words printed without any of their marks, the rest as written.

    Why: marked text in which single words lost all their marks ("các" printed "cac") comes
    from OCR that missed a word's marks and from typing that switched the Vietnamese input
    method off for a word; the other conditions strip or garble whole lines or runs.
    """
    return " ".join(strip_marks(w) if rng.random() < rate else w for w in line.split(" "))


def load_devset(path: Path = DEVSET_PATH) -> list[Case]:
    """Load the cached dev set, building it first when missing."""
    if not path.exists():
        write_devset(build_devset(), path)
    with open(path, encoding="utf-8") as handle:
        return [Case(**json.loads(line)) for line in handle]


def write_devset(cases: list[Case], path: Path = DEVSET_PATH) -> None:
    """Write cases as JSON lines (the cache is git-ignored; it holds held-out corpus text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        for case in cases:
            handle.write(json.dumps(asdict(case), ensure_ascii=False) + "\n")
    tmp.replace(path)


if __name__ == "__main__":
    built = build_devset()
    write_devset(built)
    by: dict[str, int] = {}
    for c in built:
        by[c.condition] = by.get(c.condition, 0) + sum(len(x.split()) for x in c.truth)
    print(f"wrote {len(built)} cases to {DEVSET_PATH}: words per condition {by}")

"""Build the shipped KenLM models from the training split of the official corpus files.

Why here and not in a notebook: the repair engine must see tokens exactly as the model was
trained on, so training text is written with `pipeline.repair.lm.lm_tokens`, the same
function callers use at run time. Only `OFFICIAL_FILES` (public-domain official documents)
and only their non-held-out documents are used; the news file never is.

Models (see models/README.md):
- `syllable6.binary`: order 6, modified Kneser-Ney, pruned 0 0 0 0 1 1 (singleton 5- and
  6-grams dropped), 8-bit quantized trie (14 MB). Chosen over the earlier order-5 model
  pruned 0 0 1 1 1 (6.6 MB) in the fifth session: see models/README.md.
- `base4.binary`: the same text with every mark stripped, order 4, pruned 0 0 1 1.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.corpus import OFFICIAL_FILES, iter_split
from pipeline.errors import BadInputError, MissingDependencyError, ToolFailedError
from pipeline.repair.lm import lm_tokens, opens_sentence

log = logging.getLogger(__name__)

KENLM_BIN_CANDIDATES = (
    Path(os.environ.get("VIDOC_KENLM_BIN", "/nonexistent")),
    Path("/work/cache/kenlm/build/bin"),
    Path.home() / ".cache" / "vidoc" / "kenlm" / "build" / "bin",
)

_SENTENCE_GAP = re.compile(r"(?<=[.!?])\s+(?=\S)")


@dataclass(frozen=True)
class LmSpec:
    """One model to build: file name, order, pruning thresholds, whether marks are kept."""

    filename: str
    order: int
    prune: tuple[int, ...]
    marks: bool
    quantize_bits: int = 8


SYLLABLE6 = LmSpec("syllable6.binary", 6, (0, 0, 0, 0, 1, 1), marks=True)
BASE4 = LmSpec("base4.binary", 4, (0, 0, 1, 1), marks=False)


def find_kenlm_tool(name: str) -> Path:
    """Locate `lmplz` / `build_binary` (built from the kenlm sdist, see models/README.md)."""
    for directory in KENLM_BIN_CANDIDATES:
        candidate = directory / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found:
        return Path(found)
    raise MissingDependencyError(
        f"{name}: KenLM tool not found; build it from the kenlm sdist (models/README.md) "
        "and set VIDOC_KENLM_BIN to its bin/ folder"
    )


def split_sentences(line: str) -> list[str]:
    """Split a paragraph after . ! ? when the next word starts with a capital, quote or (."""
    pieces: list[str] = []
    start = 0
    for gap in _SENTENCE_GAP.finditer(line):
        if opens_sentence(line[gap.end()]):
            pieces.append(line[start : gap.start()])
            start = gap.end()
    pieces.append(line[start:])
    return [p for p in pieces if p]


def corpus_sentences(corpus_dir: Path, heldout: bool = False) -> Iterator[str]:
    """Sentences (or paragraph pieces) of the official files' training (or held-out) split."""
    for name in OFFICIAL_FILES:
        path = corpus_dir / name
        if not path.is_file():
            raise BadInputError(path, "corpus file missing")
        for document in iter_split(path, heldout=heldout):
            for line in document.split("\n"):
                yield from split_sentences(line.strip())


def write_training_text(corpus_dir: Path, out: Path, marks: bool) -> int:
    """Write one tokenized sentence per line; return the number of tokens."""
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        for sentence in corpus_sentences(corpus_dir):
            tokens = lm_tokens(sentence, marks)
            if tokens:
                handle.write(" ".join(tokens) + "\n")
                count += len(tokens)
    return count


def _run(command: list[str], stdin: Path | None = None, stdout: Path | None = None) -> None:
    log.info("running %s", " ".join(command))
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as inp, \
            open(stdout, "wb") if stdout else open(os.devnull, "wb") as out:
        result = subprocess.run(command, stdin=inp, stdout=out, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ToolFailedError(f"{command[0]}: exit {result.returncode}: {' | '.join(tail)}")


def build_lm(corpus_dir: Path, out_dir: Path, spec: LmSpec, work_dir: Path | None = None,
             memory: str = "1G") -> Path:
    """Train one model with lmplz and write its quantized trie binary into `out_dir`."""
    lmplz = find_kenlm_tool("lmplz")
    build_binary = find_kenlm_tool("build_binary")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="vidoc-lm-") as tmp:
        tmp_dir = Path(tmp)
        text = tmp_dir / "train.txt"
        tokens = write_training_text(corpus_dir, text, spec.marks)
        log.info("%s: %d training tokens", spec.filename, tokens)
        arpa = tmp_dir / "model.arpa"
        _run([str(lmplz), "-o", str(spec.order), "--prune", *map(str, spec.prune), "-S", memory,
              "-T", str(tmp_dir), "--discount_fallback"], stdin=text, stdout=arpa)
        target = out_dir / spec.filename
        partial = out_dir / (spec.filename + ".part")
        bits = str(spec.quantize_bits)
        _run([str(build_binary), "-q", bits, "-b", bits, "-a", "22", "trie", str(arpa),
              str(partial)])
        os.replace(partial, target)
    return target


def build_models(corpus_dir: Path, out_dir: Path, work_dir: Path | None = None) -> list[Path]:
    """Build both shipped models into `out_dir` (the repo's models/ folder)."""
    return [build_lm(corpus_dir, out_dir, spec, work_dir) for spec in (SYLLABLE6, BASE4)]

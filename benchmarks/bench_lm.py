"""Budgets of the language resources: load time and memory, LM look-up speed, perplexity.

Run from the repo root:  .venv/bin/python benchmarks/bench_lm.py [--corpus DIR] [--out FILE]

Budgets (issue 3): loading everything the repair stage needs <= 1.5 s and <= 400 MB RSS;
>= 1 million n-gram look-ups per second from Python in batch. Held-out perplexity is measured
on `iter_split(..., heldout=True)` of the official files (skipped without the corpus).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOAD_SNIPPET = r"""
import json, resource, time
t0 = time.perf_counter()
from pipeline.repair.vietnamese import canonical
from pipeline.repair.lexicon import get_lexicon
from pipeline.repair.lm import get_language_model
t1 = time.perf_counter()
lexicon = get_lexicon()
lexicon.is_word(["thành", "ủy"])  # forces the lazily read word dictionary
t2 = time.perf_counter()
syllable = get_language_model("syllable")
t3 = time.perf_counter()
base = get_language_model("base")
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "lexicon_s": t2 - t1, "syllable_lm_s": t3 - t2,
                  "base_lm_s": t4 - t3, "total_s": t4 - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure_load(repeats: int = 3) -> dict[str, float]:
    """Cold-process load of lexicon + both LMs (best of `repeats`, page cache warm)."""
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return min(runs, key=lambda r: r["total_s"])


def sample_sentences(corpus: Path | None, limit: int = 20000) -> list[list[str]]:
    """Held-out sentences as LM tokens (or a built-in fallback without the corpus)."""
    from pipeline.repair.lm import lm_tokens

    if corpus is not None:
        from pipeline.resources.build_lm import corpus_sentences

        sentences = []
        for sentence in corpus_sentences(corpus, heldout=True):
            tokens = lm_tokens(sentence)
            if tokens:
                sentences.append(tokens)
            if len(sentences) >= limit:
                break
        return sentences
    data = ROOT / "tests" / "data" / "lm_sentences.tsv"
    rows = [line.split("\t") for line in data.read_text(encoding="utf-8").splitlines()[1:]]
    return [lm_tokens(row[0]) for row in rows if row and row[0]] * 200


def measure_lookups(sentences: list[list[str]]) -> dict[str, float]:
    """n-gram look-ups per second: per-token BaseScore loop and whole-sentence score()."""
    from pipeline.repair.lm import get_language_model

    lm = get_language_model("syllable")
    tokens = sum(len(s) + 1 for s in sentences)
    started, cpu = time.perf_counter(), time.process_time()
    for sentence in sentences:
        lm.score_sentence(sentence)
    batch_s = time.perf_counter() - started
    batch_cpu = time.process_time() - cpu

    started, cpu = time.perf_counter(), time.process_time()
    for sentence in sentences:
        state = lm.begin_state()
        for token in sentence:
            _, state = lm.advance(state, token)
        lm.end_score(state)
    advance_s = time.perf_counter() - started
    advance_cpu = time.process_time() - cpu

    model = lm._model  # raw kenlm loop, the floor of what a Python decoder can reach
    import kenlm

    started, cpu = time.perf_counter(), time.process_time()
    a, b = kenlm.State(), kenlm.State()
    for sentence in sentences:
        model.BeginSentenceWrite(a)
        for token in sentence:
            model.BaseScore(a, token, b)
            a, b = b, a
    raw_s = time.perf_counter() - started
    raw_cpu = time.process_time() - cpu
    return {"ngrams": tokens,
            "score_sentence_per_s": tokens / batch_s,
            "score_sentence_per_cpu_s": tokens / batch_cpu,
            "advance_per_s": tokens / advance_s,
            "advance_per_cpu_s": tokens / advance_cpu,
            "raw_basescore_per_s": tokens / raw_s,
            "raw_basescore_per_cpu_s": tokens / raw_cpu}


def measure_phonology(sentences: list[list[str]]) -> dict[str, float]:
    """Per-token cost of canonical()/decompose(), cold (cache cleared) and warm."""
    from pipeline.repair import vietnamese as vi

    words = [t for s in sentences for t in s if t.isalpha()]
    vi.decompose.cache_clear()
    vi.canonical.cache_clear()
    started = time.perf_counter()
    for word in words:
        vi.canonical(word)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    for word in words:
        vi.canonical(word)
    warm = time.perf_counter() - started
    started = time.perf_counter()
    inventory = vi.all_valid_syllables()
    vi.all_valid_syllables.cache_clear()
    vi.all_valid_syllables()
    generate = time.perf_counter() - started
    return {"tokens": len(words), "canonical_cold_per_s": len(words) / cold,
            "canonical_warm_per_s": len(words) / warm, "inventory_size": len(inventory),
            "inventory_generate_s": generate}


def measure_perplexity(corpus: Path) -> dict[str, float]:
    """Held-out perplexity and OOV rate of both models."""
    from pipeline.repair.lm import get_language_model, lm_tokens
    from pipeline.resources.build_lm import corpus_sentences

    sentences = list(corpus_sentences(corpus, heldout=True))
    result: dict[str, float] = {"heldout_sentences": len(sentences)}
    for kind in ("syllable", "base"):
        lm = get_language_model(kind)  # type: ignore[arg-type]
        token_lists = [t for t in (lm_tokens(s, lm.marks) for s in sentences) if t]
        n = sum(len(t) for t in token_lists)
        oov = sum(1 for t in token_lists for x in t if x not in lm)
        result[f"{kind}_tokens"] = n
        result[f"{kind}_perplexity"] = lm.perplexity(token_lists)
        result[f"{kind}_oov_rate"] = oov / max(n, 1)
    return result


def measure_restoration(corpus: Path, limit: int = 2000, beam: int = 4) -> dict[str, float]:
    """LM health check: restore marks of stripped held-out syllables with a plain beam search.

    Candidates are the attested variants of each syllable's base (lexicon), scored by the
    syllable LM alone. This is not the repair engine (no channel, no detection); it tells
    whether a rebuilt model or inventory got worse.
    """
    from pipeline.repair.lexicon import get_lexicon
    from pipeline.repair.lm import get_language_model, lm_tokens
    from pipeline.repair.vietnamese import is_valid_syllable, strip_marks
    from pipeline.resources.build_lm import corpus_sentences

    lm = get_language_model("syllable")
    lexicon = get_lexicon()
    right = total = 0
    started = time.perf_counter()
    for index, sentence in enumerate(corpus_sentences(corpus, heldout=True)):
        if index >= limit:
            break
        truth = lm_tokens(sentence)
        beams: list[tuple[float, object, list[str]]] = [(0.0, lm.begin_state(), [])]
        for token in truth:
            if token.isalpha() and is_valid_syllable(token):
                options = [v for v, f in lexicon.variants(strip_marks(token)) if f > 0] or [token]
            else:
                options = [token]
            merged: dict[tuple[str, ...], tuple[float, object, list[str]]] = {}
            for score, state, path in beams:
                for option in options:
                    logp, after = lm.advance(state, option)
                    key = (*path[-(lm.order - 2):], option) if lm.order > 2 else (option,)
                    if key not in merged or merged[key][0] < score + logp:
                        merged[key] = (score + logp, after, [*path, option])
            beams = sorted(merged.values(), key=lambda b: -b[0])[:beam]
        best = max(beams, key=lambda b: b[0] + lm.end_score(b[1]))[2]
        for want, got in zip(truth, best, strict=True):
            if want.isalpha() and is_valid_syllable(want):
                total += 1
                right += want == got
    elapsed = time.perf_counter() - started
    return {"syllables": total, "accuracy": right / max(total, 1),
            "syllables_per_s": total / elapsed}


def measure_out_of_domain(corpus: Path, limit: int = 5000) -> dict[str, float] | None:
    """Perplexity of the syllable LM on the news file (measurement only, never training)."""
    from pipeline.corpus import NEWS_FILE, iter_documents
    from pipeline.repair.lm import get_language_model, lm_tokens

    path = corpus / NEWS_FILE
    if not path.is_file():
        return None
    lm = get_language_model("syllable")
    sentences = []
    for document in iter_documents(path):
        sentences += [t for t in (lm_tokens(line) for line in document.split("\n")) if t]
        if len(sentences) >= limit:
            break
    return {"news_perplexity": lm.perplexity(sentences),
            "news_tokens": sum(len(s) for s in sentences)}


def main() -> None:
    """Measure and print a markdown table (and optional JSON)."""
    from pipeline.corpus import default_corpus_dir

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=default_corpus_dir())
    parser.add_argument("--out", type=Path, default=None, help="write results JSON here")
    args = parser.parse_args()

    results: dict[str, object] = {"load": measure_load()}
    sentences = sample_sentences(args.corpus)
    results["lookups"] = measure_lookups(sentences)
    results["phonology"] = measure_phonology(sentences)
    if args.corpus is not None:
        results["perplexity"] = measure_perplexity(args.corpus)
        results["restoration"] = measure_restoration(args.corpus)
        results["out_of_domain"] = measure_out_of_domain(args.corpus)
    sizes = {p.name: p.stat().st_size for p in sorted((ROOT / "models").glob("*.binary"))}
    sizes.update({p.name: p.stat().st_size for p in sorted((ROOT / "dictionaries").glob("*"))
                  if p.name in ("syllables.tsv", "words.txt", "abbreviations.txt",
                                "domain_terms.txt")})
    results["sizes_bytes"] = sizes

    results["load_average"] = os.getloadavg()
    load = results["load"]
    look = results["lookups"]
    phon = results["phonology"]
    print("| measure | value | budget |")
    print("|---|---|---|")
    print(f"| load lexicon + syllable LM + base LM (cold process) | {load['total_s']:.2f} s "
          f"(import {load['import_s']:.2f}, lexicon {load['lexicon_s']:.2f}, "
          f"syllable LM {load['syllable_lm_s']:.2f}, base LM {load['base_lm_s']:.2f}) | ≤ 1.5 s |")
    print(f"| peak RSS after load | {load['rss_mb']:.0f} MB | ≤ 400 MB |")
    print(f"| LM `score_sentence` (whole sentences) | {look['score_sentence_per_s'] / 1e6:.2f} M "
          f"n-grams/s wall, {look['score_sentence_per_cpu_s'] / 1e6:.2f} M per CPU-s "
          "| ≥ 1 M/s |")
    print(f"| LM `advance` per token (Python) | {look['advance_per_s'] / 1e6:.2f} M n-grams/s "
          f"wall, {look['advance_per_cpu_s'] / 1e6:.2f} M per CPU-s | |")
    print(f"| raw kenlm `BaseScore` loop | {look['raw_basescore_per_s'] / 1e6:.2f} M n-grams/s "
          f"wall, {look['raw_basescore_per_cpu_s'] / 1e6:.2f} M per CPU-s | |")
    print(f"| `canonical()` cold / warm | {phon['canonical_cold_per_s'] / 1e3:.0f} k / "
          f"{phon['canonical_warm_per_s'] / 1e6:.1f} M tokens/s | |")
    print(f"| syllable inventory | {phon['inventory_size']} generated in "
          f"{phon['inventory_generate_s']:.2f} s | |")
    if "perplexity" in results:
        ppl = results["perplexity"]
        for kind in ("syllable", "base"):
            print(f"| held-out perplexity, {kind} LM | {ppl[f'{kind}_perplexity']:.1f} "
                  f"({ppl[f'{kind}_tokens']:,} tokens, OOV {ppl[f'{kind}_oov_rate']:.2%}) | |")
        rest = results["restoration"]
        print(f"| LM-only restoration of stripped held-out syllables (beam 4) | "
              f"{rest['accuracy']:.2%} of {rest['syllables']:,} "
              f"({rest['syllables_per_s'] / 1e3:.0f} k syllables/s) | |")
        ood = results["out_of_domain"]
        if ood:
            print(f"| perplexity on news (out of domain, syllable LM) | "
                  f"{ood['news_perplexity']:.0f} ({ood['news_tokens']:,} tokens) | |")
    for name, size in sizes.items():
        print(f"| size {name} | {size / 1e6:.1f} MB | |")
    print(f"\nmachine load average during the run: {results['load_average'][0]:.1f} "
          f"({os.cpu_count()} CPUs); wall-clock speeds shrink with it")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

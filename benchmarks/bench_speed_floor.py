"""Where the repair's time goes, per damage condition, and the floor that the LM calls set.

Why: the speed bar (20,000 syllables per CPU-second on damaged text) is far from what the
decoder reaches. This measures whether a faster *Python* decoder could reach it at all:
for each condition of the held-out dev set it counts the language-model look-ups the
decoder really makes (the transitions not already in its cache), then replays exactly
those look-ups straight into KenLM's compiled `BaseScore`, with no Python work of ours
around them. The replay's time is a floor: a decoder that asks the same questions from
Python can be no faster than that, whatever else it saves.

    .venv/bin/python benchmarks/bench_speed_floor.py [--cases 60]

The dev set is the one bench_repair.py uses (held-out corpus text; built on first use,
which needs ../shared/corpus). Each condition runs in a fresh process so that no
condition inherits another's transition cache.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

REPLAYS = 5
CONDITIONS = ("stripped", "garbled", "oldocr", "wrapped", "partial", "dropped", "misread",
              "mixed", "ood", "clean")


def measure(condition: str, cases: int) -> dict[str, float]:
    """Repair `cases` passages of one condition; count and replay the LM look-ups."""
    import kenlm
    from devset import load_devset

    from pipeline.repair import repair_text
    from pipeline.repair.lm import get_language_model

    selected = [c for c in load_devset() if c.condition == condition][:cases]
    repair_text("khoi dong")  # load models and tables outside the timing
    syllables = sum(len(line.split()) for case in selected for line in case.input)
    started = time.process_time()
    for case in selected:
        repair_text("\n".join(case.input))
    plain_seconds = time.process_time() - started

    # Second pass, recorded: every query that reaches KenLM, with the caches emptied so
    # that the first pass's answers are not free.
    model = get_language_model("syllable")
    looked_up: list[tuple[object, str]] = []
    advance, end_score = model.advance, model.end_score

    def query(state: object, token: str) -> tuple[float, object]:
        looked_up.append((state, token))
        return advance(state, token)

    def query_end(state: object) -> float:
        looked_up.append((state, "</s>"))
        return end_score(state)

    for cache in _caches():
        cache.clear()
    model.advance, model.end_score = query, query_end  # type: ignore[method-assign]
    try:
        for case in selected:
            repair_text("\n".join(case.input))
    finally:
        del model.advance, model.end_score

    raw = model._model  # noqa: SLF001 (the compiled query itself is what is measured)
    out = kenlm.State()
    replay_seconds = math.inf
    for _ in range(REPLAYS):  # the fastest of a few: the floor, not the machine's noise
        started = time.process_time()
        for state, token in looked_up:
            raw.BaseScore(state, token, out)
        replay_seconds = min(replay_seconds, time.process_time() - started)
    return {
        "passages": len(selected),
        "syllables": syllables,
        "speed": syllables / max(plain_seconds, 1e-9),
        "looked_up": len(looked_up) / max(syllables, 1),
        "replay_rate": len(looked_up) / max(replay_seconds, 1e-9),
        "floor": syllables / max(replay_seconds, 1e-9),
    }


def _caches() -> list[dict]:
    """The LM caches of the engine (emptied so that the recorded run counts every look-up)."""
    from pipeline.repair.engine import get_engine

    found = []
    for value in vars(get_engine()).values():
        for name in ("transitions", "bigrams", "_after"):
            cache = getattr(value, name, None)
            if isinstance(cache, dict):
                found.append(cache)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60, help="passages per condition")
    parser.add_argument("--condition", help=argparse.SUPPRESS)  # one condition, in a child
    args = parser.parse_args()
    if args.condition:
        print(json.dumps(measure(args.condition, args.cases)))
        return
    rows = []
    for condition in CONDITIONS:
        child = subprocess.run(
            [sys.executable, __file__, "--condition", condition, "--cases", str(args.cases)],
            capture_output=True, text=True, check=True, cwd=ROOT)
        rows.append((condition, json.loads(child.stdout.strip().splitlines()[-1])))
    print("| condition | passages | syllables | syllables per CPU-s "
          "| KenLM look-ups per syllable (cache misses) | replayed look-ups per CPU-s "
          "| floor: syllables per CPU-s if the look-ups were the only work |")
    print("|---|---|---|---|---|---|---|")
    for condition, r in rows:
        print(f"| {condition} | {r['passages']} | {r['syllables']:,} | {r['speed']:,.0f} "
              f"| {r['looked_up']:.1f} | {r['replay_rate'] / 1e6:.2f} M "
              f"| {r['floor']:,.0f} |")


if __name__ == "__main__":
    main()

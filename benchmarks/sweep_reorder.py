"""Sweep ReorderSettings on one half of the reorder dev set (choose settings on 'tune').

Each --grid item is "name=v1,v2,..."; the grid is their product. One row per setting:
pairs in order overall and per damage kind, clean pages moved, lines moved outside spans.

Run: .venv/bin/python benchmarks/sweep_reorder.py --half tune --grid margin=2,3,4 --grid moved_line=0,0.5
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_reorder import DAMAGES, _load_lm, _with, build_pages, run  # noqa: E402

from pipeline.repair.reorder import ReorderSettings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=360)
    parser.add_argument("--half", choices=["tune", "test", "all"], default="tune")
    parser.add_argument("--set", action="append", default=[], help="fixed setting=value")
    parser.add_argument("--grid", action="append", default=[], help="setting=v1,v2,...")
    args = parser.parse_args()
    pages = build_pages(args.pages)
    if args.half != "all":
        pages = [p for n, p in enumerate(pages) if (n // len(DAMAGES)) % 2 == (args.half == "test")]
    base = ReorderSettings()
    for item in args.set:
        name, value = item.split("=")
        base = _with(base, name, float(value))
    names = [item.split("=")[0] for item in args.grid]
    values = [[float(v) for v in item.split("=")[1].split(",")] for item in args.grid]
    lm, tokenize = _load_lm("base")
    kinds = [d for d in DAMAGES if d != "clean"]
    print("| " + " | ".join(names) + " | all | " + " | ".join(kinds) + " | clean moved | outside | s |")
    for combo in itertools.product(*values):
        settings = base
        for name, value in zip(names, combo, strict=True):
            settings = _with(settings, name, value)
        result = run(pages, lm, settings, tokenize=tokenize)
        table = {key: row for (key, _), row in result["table"].items()}

        def share(key: str, table: dict = table) -> str:
            row = table[key]
            return f"{row['good'] / row['pairs']:.1%}" if row["pairs"] else "–"

        print("| " + " | ".join(f"{v:g}" for v in combo) + f" | {share('all')} | "
              + " | ".join(share(k) for k in kinds)
              + f" | {int(table['clean']['moved'])} | {int(table['all']['outside'])} | {result['seconds']:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()

"""`python -m pipeline.resources [--corpus DIR] [-o REPO] [--no-models]`: rebuild resources."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from pipeline.corpus import default_corpus_dir
from pipeline.errors import VidocError
from pipeline.resources import build_all


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and build; a VidocError becomes a one-line message and exit code."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.resources", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=default_corpus_dir())
    parser.add_argument("-o", "--output", type=Path, default=Path("."))
    parser.add_argument("--no-models", action="store_true", help="dictionaries only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.corpus is None or not Path(args.corpus).is_dir():
        parser.error("corpus folder not found (pass --corpus or set VIDOC_CORPUS)")
    try:
        build_all(args.corpus, args.output, models=not args.no_models)
    except VidocError as error:
        print(f"vidoc build-resources: {error}")
        return int(error.exit_code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

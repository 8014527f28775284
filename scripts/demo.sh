#!/usr/bin/env bash
# Set up (idempotent), then run vidoc on samples/ and say where the results are.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
OUT="${1:-out/samples}"
status=0
.venv/bin/vidoc run samples/ -o "$OUT" || status=$?
case "$OUT" in /*) SHOWN="$OUT" ;; *) SHOWN="$ROOT/$OUT" ;; esac
echo "Results: $SHOWN (per document: <name>/text.txt, document.json, document.md; run report: report/, report.html)"
exit "$status"

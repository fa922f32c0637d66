#!/usr/bin/env bash
# Prints how fast the classifier judges replies on one core, over the judged replies in
# shared/data (or the JSON Lines file given):
#   1. in memory (`candor bench`: replies already parsed, classified for three seconds);
#   2. end to end through `candor classify`: JSON Lines in, each line plus its verdict out,
#      parsing and writing included (the file is fed eight times; best of three runs);
#   3. the slowest single reply of a set of bad inputs (empty, 1 MB on one line, 1 MB of one
#      unbroken token, 10 MB), which must stay far under 50 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-../shared/data/dev-responses.jsonl}"
cargo build --release --quiet --bin candor
candor="${CARGO_TARGET_DIR:-target}/release/candor"
"$candor" bench "$file"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for _ in 1 2 3 4 5 6 7 8; do cat "$file"; done > "$tmp/in.jsonl"
lines=$(wc -l < "$tmp/in.jsonl")
best=""
for _ in 1 2 3; do
  start=$(date +%s%N)
  "$candor" classify < "$tmp/in.jsonl" > "$tmp/out.jsonl"
  ns=$(( $(date +%s%N) - start ))
  if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
done
awk -v n="$lines" -v ns="$best" \
  'BEGIN { printf "candor classify (JSON Lines in and out): %d lines in %.2f s: %.0f replies/s\n", n, ns / 1e9, n / (ns / 1e9) }'
"$candor" bench-bad

#!/usr/bin/env bash
# Retrains the classifier's text model on the training split of the judged replies in
# shared/data (or the files given), with the replies written for training in data/written,
# and prints agreement on the held-out split (prompts never trained on) and on the training
# split. Deterministic: the same data gives the same
# static/model/verdict-v1.bin, byte for byte. `--cv` first prints agreement held out by
# model (six folds; slower).
set -euo pipefail
cd "$(dirname "$0")/.."
cv=0
if [ "${1:-}" = "--cv" ]; then cv=1; shift; fi
if [ "$#" -eq 0 ]; then
  set -- ../shared/data/dev-responses.jsonl ../shared/data/contrast-responses.jsonl ../shared/data/xstest-responses.jsonl
fi
written=()
for f in data/written/*.jsonl; do written+=(--written "$f"); done
cargo build --release --quiet --bin candor
if [ "$cv" = 1 ]; then target/release/candor cv "$@" "${written[@]}"; fi
target/release/candor train "$@" "${written[@]}" --out static/model/verdict-v1.bin

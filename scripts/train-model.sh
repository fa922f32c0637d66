#!/usr/bin/env bash
# Retrains the classifier's text model on the training split of the judged replies in
# shared/data (or the files given) and prints agreement on the held-out split (prompts never
# trained on) and on the training split. Deterministic: the same data gives the same
# static/model/verdict-v1.bin, byte for byte. `--cv` first prints agreement held out by
# model (six folds; slower).
set -euo pipefail
cd "$(dirname "$0")/.."
cv=0
if [ "${1:-}" = "--cv" ]; then cv=1; shift; fi
if [ "$#" -eq 0 ]; then
  set -- ../shared/data/dev-responses.jsonl ../shared/data/contrast-responses.jsonl ../shared/data/xstest-responses.jsonl
fi
cargo build --release --quiet --bin candor
bin="${CARGO_TARGET_DIR:-target}/release/candor"
if [ "$cv" = 1 ]; then "$bin" cv "$@"; fi
"$bin" train "$@" --out static/model/verdict-v1.bin

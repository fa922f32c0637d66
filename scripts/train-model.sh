#!/usr/bin/env bash
# Retrains the classifier's text model from the judged replies and reports agreement:
# held out by model first (the honest figure), then in-sample. Deterministic: the same
# data gives the same static/model/verdict-v1.bin, byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-../shared/data/dev-responses.jsonl}"
cargo build --release --quiet --bin candor
target/release/candor cv "$file"
target/release/candor train "$file" --out static/model/verdict-v1.bin

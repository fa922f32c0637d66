#!/usr/bin/env bash
# Prints how many replies per second the classifier judges on one core, over the judged
# replies in shared/data (or the JSON Lines file given).
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-../shared/data/dev-responses.jsonl}"
cargo build --release --quiet --bin candor
exec target/release/candor bench "$file"

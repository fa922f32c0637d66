#!/usr/bin/env bash
# Builds the release site into dist/ (run scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
trunk build --release "$@"

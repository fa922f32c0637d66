#!/usr/bin/env bash
# Builds the release site and measures it in headless Chromium against the e2e mock model
# server: replies/s, peak requests on the wire, renderer memory, DOM nodes, detail-open and
# tab-switch times, long replies, and promptfoo on the same server when it is installed.
# Arguments go to scripts/bench-browser.mjs (--quick, --only fast,latency,big,long,promptfoo).
# Not a test: it prints figures and fails only when something breaks.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
if [ -z "${NO_BUILD:-}" ]; then scripts/build.sh; fi
exec node scripts/bench-browser.mjs "$@"

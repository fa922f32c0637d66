#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints and docs (host and wasm32), native unit and
# integration tests, the release build and its size budget, and the end-to-end tests in
# headless Chromium against the built site and a local mock model server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check
step "clippy (host)"
cargo clippy --all-targets -- -D warnings
step "clippy (wasm32)"
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
step "docs (host and wasm32, warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib --quiet --target wasm32-unknown-unknown
step "probe pack check"
cargo run --release --quiet --bin candor -- pack check
step "native tests"
cargo test
step "release build"
scripts/build.sh
step "size budget"
node scripts/size.mjs --budget 400
step "end-to-end tests (headless Chromium)"
node --test --test-concurrency=1 tests/e2e/

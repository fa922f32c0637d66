#!/usr/bin/env bash
# Sets up, builds and serves Candor on http://127.0.0.1:${PORT:-8080}/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node scripts/static-server.mjs --dir dist --port "${PORT:-8080}" --compress

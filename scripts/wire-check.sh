#!/usr/bin/env bash
# Manual check: `candor run` against every real provider reply kept in ../shared/wire.
#
# The fixtures are other projects' recordings, so Candor keeps none of them: this script reads
# them from ../shared/wire at run time, starts its replay server, runs `candor run` once per
# fixture (its id is the model name) and compares the report's cell with the fixture's
# `expect` (outcome, reason_contains, reasoning, retried). It is not part of scripts/test.sh:
# CI does not have ../shared.
#
#   scripts/wire-check.sh            # every fixture
#   scripts/wire-check.sh gemini-    # the fixtures whose id starts with gemini-
#
# Env: WIRE_DIR (default ../shared/wire), WIRE_PORT (default 8788), CANDOR (the binary;
# default: built in release mode).
set -euo pipefail
cd "$(dirname "$0")/.."
WIRE_DIR=${WIRE_DIR:-../shared/wire}
PORT=${WIRE_PORT:-8788}
PREFIX=${1:-}
[ -d "$WIRE_DIR/cases" ] || { echo "wire-check: no fixtures at $WIRE_DIR/cases" >&2; exit 2; }
if [ -z "${CANDOR:-}" ]; then
  cargo build --release --quiet --bin candor
  CANDOR="${CARGO_TARGET_DIR:-target}/release/candor"
fi
work=$(mktemp -d)
python3 "$WIRE_DIR/replay.py" "$PORT" >"$work/replay.log" 2>&1 &
replay=$!
trap 'kill $replay 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.1
done
# A key the replay server ignores; the check also makes sure it is never written out.
export WIRE_CHECK_KEY="sk-wire-check-$$-secret"

python3 - "$WIRE_DIR/cases" "$PORT" "$CANDOR" "$work" "$PREFIX" <<'PY'
import json, os, subprocess, sys, time, urllib.request
cases_dir, port, candor, work, prefix = sys.argv[1:6]
key = os.environ["WIRE_CHECK_KEY"]

def stats():
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as r:
        return json.load(r)

def chain(fx):
    out, step = [], fx
    while step:
        out.append(step)
        step = step.get("then")
    return out

passed, failed = 0, []
for name in sorted(os.listdir(cases_dir)):
    if not name.endswith(".json") or not name.startswith(prefix):
        continue
    fx = json.load(open(os.path.join(cases_dir, name)))
    fid, dialect, expect = fx["id"], fx["dialect"], fx["expect"]
    base = f"http://127.0.0.1:{port}" + ("/v1" if dialect == "openai" else "")
    out = os.path.join(work, fid + ".json")
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/_reset", method="POST")).read()
    t0 = time.monotonic()
    p = subprocess.run([candor, "run", "--dialect", dialect, "--base-url", base, "--model", fid,
                        "--api-key-env", "WIRE_CHECK_KEY", "--limit", "1", "--out", out],
                       capture_output=True, text=True)
    took = time.monotonic() - t0
    problems = []
    if p.returncode != 0:
        problems.append(f"candor run exited {p.returncode}: {p.stderr.strip()[-300:]}")
    else:
        raw = open(out).read()
        if key in raw or key in p.stderr or key in p.stdout:
            problems.append("the API key was written out")
        cell = json.loads(raw)["results"][0]
        label = cell["verdict"]["label"]
        want = expect["outcome"]
        if want == "any_verdict":
            if label == "error":
                problems.append(f"error cell, want any verdict: {cell['verdict']['signals'][0]['reason'][:200]}")
        elif label != want:
            problems.append(f"{label}, want {want}: {cell['verdict']['signals'][0]['reason'][:200]}")
        if "reason_contains" in expect:
            outcome = cell["outcome"]
            reply = outcome.get("Reply", {}).get("reply", {}) if isinstance(outcome, dict) else {}
            texts = [s["reason"] for s in cell["verdict"]["signals"]]
            texts += [str(reply.get("finish_reason") or ""), str(reply.get("blocked") or ""), str(reply.get("error") or "")]
            if isinstance(outcome, dict) and "Reply" not in outcome:
                texts.append(json.dumps(outcome, ensure_ascii=False))
            if not any(expect["reason_contains"].lower() in t.lower() for t in texts):
                problems.append(f"no {expect['reason_contains']!r} in the verdict's reasons")
        if expect.get("reasoning"):
            reply = cell["outcome"].get("Reply", {}).get("reply", {}) if isinstance(cell["outcome"], dict) else {}
            if not (reply.get("reasoning") or "").strip():
                problems.append("no reasoning trace kept")
        if expect.get("retried"):
            steps = chain(fx)
            served = stats().get("by_fixture", {}).get(fid, 0)
            if served < len(steps):
                problems.append(f"{served} of the chain's {len(steps)} responses served")
            waits = sum(float(s.get("headers", {}).get("retry-after", 0)) for s in steps[:-1])
            if took < 0.9 * waits:
                problems.append(f"took {took:.1f} s, Retry-After asked for {waits:.0f} s")
    if problems:
        failed.append(fid)
        print(f"FAIL {fid}: " + "; ".join(problems))
    else:
        passed += 1
        print(f"ok   {fid}")
print(f"\n{passed} of {passed + len(failed)} fixtures pass")
sys.exit(1 if failed else 0)
PY

#!/usr/bin/env bash
# Builds whib and the benchmark, then measures whib against the fake GitHub
# on loopback and prints one Markdown table. Flags go to whibbench, e.g.
#   bench/run.sh -sizes=10,1000 -duration=5s
#   bench/run.sh -browser=false -instances=0
# BENCH_TIMEOUT bounds the whole run (default 20m).
set -euo pipefail
cd "$(dirname "$0")/.."

limit="${BENCH_TIMEOUT:-20m}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building whib and whibbench…" >&2
go build -trimpath -o "$work/whib" .
go build -o "$work/whibbench" ./bench/cmd/whibbench

if ! command -v chromium >/dev/null 2>&1 && [[ " $* " != *" -browser=false "* ]]; then
  echo "note: chromium is not installed; install it (apt-get install chromium) or pass -browser=false" >&2
fi

# whibbench bounds itself (-timeout); timeout(1) is the backstop, and the
# kernel kills the apps it started if it dies (parent-death signal).
timeout --kill-after=30s "$limit" "$work/whibbench" -root . -app "$work/whib" "$@"

#!/usr/bin/env bash
# CPU time and garbage collection per GET / of a whib binary under wrk, for
# the profile-guided work in docs/BENCHMARKS.md:
#
#   bench/perrequest.sh [places] [seconds]      # this tree's whib
#   WHIB=/path/to/whib bench/perrequest.sh 100000 10   # another build
#
# It serves that many sample places (the file whibbench uses) with the
# default settings, warms up, then runs wrk (one thread, 32 connections,
# Accept-Encoding: gzip) and reads the process's CPU time from /proc and its
# collections from GODEBUG=gctrace=1. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
places="${1:-1000}"
seconds="${2:-10}"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

go build -o "$work/whibserve" ./bench/cmd/whibserve
"$work/whibserve" -places "$places" -write "$work/places.csv"
bin="${WHIB:-}"
if [ -z "$bin" ]; then
  go build -trimpath -o "$work/whib" .
  bin="$work/whib"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port/"
PORT=$port PLACES_FILE="$work/places.csv" GODEBUG=gctrace=1 "$bin" >"$work/out" 2>"$work/gc" &
pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "${url}healthz" && break; sleep 0.1; done
sleep 3 # the gazetteer loads in the background: the page with countries is the one measured
curl -sf -o /dev/null "$url"
wrk -t1 -c32 -d2s -H 'Accept-Encoding: gzip' "$url" >/dev/null
gc0=$(grep -c '^gc ' "$work/gc" || true)
cpu0=$(awk '{print $14+$15}' "/proc/$pid/stat")
requests=$(wrk -t1 -c32 -d"${seconds}s" -H 'Accept-Encoding: gzip' "$url" | awk '/requests in/{print $1}')
cpu1=$(awk '{print $14+$15}' "/proc/$pid/stat")
tail -n +"$((gc0 + 1))" "$work/gc" | grep '^gc ' | awk -v n="$requests" -v cpu=$(( (cpu1 - cpu0) * 10 )) -v places="$places" '
  { split($0, a, " ms cpu, "); split(a[1], b, "ms clock, "); split(b[2], c, /[+\/]/)
    for (i in c) gc += c[i]
    split(a[2], h, "->"); live = h[3] + 0; if (min == "" || live < min) min = live; if (live > max) max = live; cycles++ }
  END { printf "%d places: %d requests; CPU %.1f µs per request; %d collections, %.1f µs of GC CPU per request; live heap after a collection %d–%d MB; load %s\n",
        places, n, cpu * 1000 / n, cycles, gc * 1000 / n, min, max, load }' load="$(cut -d' ' -f1-3 /proc/loadavg)"

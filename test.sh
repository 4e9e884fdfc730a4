#!/usr/bin/env bash
# Every test of whib, on a fresh Debian (or Ubuntu) machine: installs the
# Debian packages the tests need when they are missing, then runs
# `go test ./...` with any flags given (./test.sh -count=1 -run Graz).
#
#   chromium      the browser the e2e tests drive (chromedp)
#   gdal-bin      ogr2ogr, the independent reader the GPX, KML and GeoJSON
#                 exports are checked with
#   redis-server  the shared state the multi-instance tests run against
#   python3-pandas the talk's own CSV reader (pandas.read_csv), which must
#                 still read places.csv once it has dates and notes
#
# Only what is missing is installed; with all four present this is
# `go test ./...` and nothing else. apt-get needs root: sudo is used when
# not root. A developer who has the packages can run `go test ./...` directly.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ogr2ogr >/dev/null 2>&1 || missing+=(gdal-bin)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1 || missing+=(python3-pandas)

if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (needed by the tests)" >&2
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "test.sh: apt-get needs root and sudo is not available; install ${missing[*]} as root, then run this again" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

exec go test ./... "$@"

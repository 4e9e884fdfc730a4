#!/bin/sh
# Vendors axe-core (MPL-2.0), the accessibility checker the browser tests
# inject, from the npm registry. Usage: e2e/testdata/axe/update.sh [version]
set -eu
version=${1:-4.14.1}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf "axe-core-$version.tgz")
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$tmp/package/LICENSE-3RD-PARTY.txt" "$dir/"
echo "axe-core@$version" > "$dir/VERSION"

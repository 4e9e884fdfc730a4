// Package geo answers place-name, country and region questions offline: a
// search over GeoNames' places of 500 people or more (with the names
// people use for them), Natural Earth's states and provinces and the
// countries, parsing of typed or pasted coordinates, point-in-country and
// point-in-region lookups, per-country stats and checklists, and the world
// layer drawn under the map. It knows nothing about HTTP or storage. Its
// data is embedded; a Data loads it once, and the *Index it yields is
// immutable and safe for concurrent use.
package geo

import (
	_ "embed"
	"fmt"

	"github.com/whib/whib/geo/internal/fold"
)

// The embedded files are the package's only variables: read-only inputs,
// made by update.sh.
var (
	//go:embed data/cities.tsv.gz
	citiesGz []byte
	//go:embed data/borders.json.gz
	bordersGz []byte
	//go:embed data/regions.bin.gz
	regionsGz []byte
	//go:embed data/world-110m.geojson
	worldGeoJSON []byte
)

// Index holds the loaded gazetteer, borders and regions.
type Index struct {
	gazetteer *gazetteer
	borders   *borders
	regions   *regions
}

func load() (*Index, error) {
	b, countryNames, err := loadBorders(bordersGz)
	if err != nil {
		return nil, err
	}
	rs, err := loadRegions(regionsGz)
	if err != nil {
		return nil, err
	}
	text, err := gunzip(citiesGz)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	names := newNameBuilder(nameCount(text, rs, b, countryNames))
	cities, err := readCities(text, names)
	if err != nil {
		return nil, err
	}
	for i, r := range rs.list {
		for _, n := range r.names {
			names.add(^int32(i), n, regionMark)
		}
	}
	for i, c := range b.countries {
		owner := ^int32(len(rs.list) + i)
		names.add(owner, c.Name, countryMark)
		own := fold.String(c.Name)
		for _, n := range countryNames[i] {
			if fold.String(n) != own {
				names.add(owner, n, countryMark)
			}
		}
	}
	if len(cities) == 0 || len(rs.list) == 0 {
		return nil, fmt.Errorf("geo: %d cities and %d regions loaded", len(cities), len(rs.list))
	}
	g := &gazetteer{cities: cities, names: names.build(), towns: newTowns(cities)}
	return &Index{gazetteer: g, borders: b, regions: rs}, nil
}

// nameCount is how many names search will hold, and their bytes.
func nameCount(citiesText string, rs *regions, b *borders, countryNames [][]string) (n, size int) {
	n, size = cityNames(citiesText)
	for _, r := range rs.list {
		for _, name := range r.names {
			n, size = n+1, size+len(name)
		}
	}
	for i, c := range b.countries {
		n, size = n+1, size+len(c.Name)
		for _, name := range countryNames[i] {
			n, size = n+1, size+len(name)
		}
	}
	return n, size
}

// Countries looks up many points at once, in order; a point without a
// country gets the zero Country. Points repeated in the input (places
// visited twice, or rounded alike) are looked up once.
func (ix *Index) Countries(points []Point) []Country {
	out := make([]Country, len(points))
	for i, c := range ix.countryIndexes(points) {
		if c >= 0 {
			out[i] = ix.borders.countries[c]
		}
	}
	return out
}

type latLon struct{ lat, lon float64 }

// countryIndexes are the points' countries by index, -1 for none.
func (ix *Index) countryIndexes(points []Point) []int16 {
	out := make([]int16, len(points))
	seen := make(map[latLon]int16, min(len(points), 1024))
	for i, p := range points {
		key := latLon{p.Latitude, p.Longitude}
		c, ok := seen[key]
		if !ok {
			c = -1
			if idx, found := ix.borders.countryIndexOf(p.Latitude, p.Longitude); found {
				c = idx
			}
			seen[key] = c
		}
		out[i] = c
	}
	return out
}

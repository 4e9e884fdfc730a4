// Package geo answers place-name and country questions offline: a search
// over GeoNames' cities of 1,000 people or more, parsing of typed or
// pasted coordinates, point-in-country lookups and per-country stats. It
// knows nothing about HTTP or storage. Its data is embedded and loaded once,
// lazily; an *Index is immutable and safe for concurrent use.
package geo

import (
	"context"
	_ "embed"
	"sync"
	"sync/atomic"
)

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

// shared is the one process-wide index, loaded by the first Load.
var shared struct {
	once  sync.Once
	index *Index
	err   error
	ready atomic.Bool // set once index and err are final
}

// Load returns the shared index, loading it on first use (about a second
// of CPU). It is meant to be started in the background at boot, e.g.
// `go geo.Load(ctx)`, so that nothing waits for it; ctx bounds only this
// caller's wait, the load itself runs to the end for the next caller.
func Load(ctx context.Context) (*Index, error) {
	if shared.ready.Load() {
		return shared.index, shared.err
	}
	done := make(chan struct{})
	go func() {
		shared.once.Do(func() {
			shared.index, shared.err = load()
			shared.ready.Store(true)
		})
		close(done)
	}()
	select {
	case <-done:
		return shared.index, shared.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Loaded returns the shared index without waiting: ok is false until a
// Load has finished successfully. Handlers use it to answer "not ready yet"
// instead of blocking.
func Loaded() (ix *Index, ok bool) {
	if !shared.ready.Load() || shared.err != nil {
		return nil, false
	}
	return shared.index, true
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

// WorldGeoJSON is Natural Earth's 1:110m countries as a GeoJSON
// FeatureCollection (properties: name; id: ISO 3166-1 numeric), for
// drawing. The slice is shared: do not modify it.
func WorldGeoJSON() []byte { return worldGeoJSON }

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

// CountryByCode returns the country with that ISO alpha-2 code.
func (ix *Index) CountryByCode(code string) (Country, bool) {
	c := ix.borders.countryByCode(code)
	return c, c.Code != ""
}

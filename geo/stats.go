package geo

import (
	"cmp"
	"slices"
	"strings"
)

// Point is a latitude and longitude in degrees, and when the place was
// first visited where known.
type Point struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	// Visited is when the place was visited, in ISO 8601 (2019,
	// 2019-05, 2019-05-17), or "" when unknown: the earliest makes its
	// region's FirstVisited (dates of any precision sort in time order
	// as text).
	Visited string `json:"visited,omitempty"`
}

// Count is how many places fall in one country or continent.
type Count struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Places int    `json:"places"`
}

// RegionCount is how many places fall in one region, and since when.
type RegionCount struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Country string `json:"country"`
	Places  int    `json:"places"`
	// FirstVisited is the earliest Visited of its places, "" when none
	// is known.
	FirstVisited string `json:"first_visited"`
}

// Stats summarises places by country, continent and region, most places
// first, with a checklist per visited country and one for the world.
// Unplaced counts the points in no country (mid-ocean).
type Stats struct {
	Countries  []Count       `json:"countries"`
	Continents []Count       `json:"continents"`
	Regions    []RegionCount `json:"regions"`
	Checklists []Checklist   `json:"checklists"`
	World      WorldList     `json:"world"`
	Unplaced   int           `json:"unplaced"`
}

// Stats locates the points and counts them.
func (ix *Index) Stats(points []Point) Stats { return ix.StatsOfSpots(points, ix.Spots(points)) }

// StatsOf counts points already located (locs = Locate(points)), for a
// caller that needs both.
func (ix *Index) StatsOf(points []Point, locs []Location) Stats {
	spots := make([]Spot, len(locs))
	for i, l := range locs {
		spots[i] = ix.spotOfLocation(l)
	}
	return ix.StatsOfSpots(points, spots)
}

// StatsOfSpots counts points already located (spots = Spots(points)),
// for a caller that keeps the Spots; points give the visit dates only.
func (ix *Index) StatsOfSpots(points []Point, spots []Spot) Stats {
	countries := map[string]*Count{}
	continents := map[string]*Count{}
	regions := map[string]*RegionCount{}
	unplaced := 0
	for i, s := range spots {
		if !s.HasCountry() {
			unplaced++
			continue
		}
		c := &ix.borders.countries[s.country-1]
		tally(countries, c.Code, c.Name)
		if c.Continent.Code != "" {
			tally(continents, c.Continent.Code, c.Continent.Name)
		}
		if s.HasRegion() {
			tallyRegion(regions, &ix.regions.list[s.region-1].Region, points[i].Visited)
		}
	}
	st := Stats{Countries: sortedCounts(countries), Continents: sortedCounts(continents), Regions: sortedRegions(regions), Unplaced: unplaced}
	st.Checklists = ix.checklists(st.Countries, regions)
	st.World = worldList(st.Countries)
	return st
}

func tally(counts map[string]*Count, code, name string) {
	c, ok := counts[code]
	if !ok {
		c = &Count{Code: code, Name: name}
		counts[code] = c
	}
	c.Places++
}

func tallyRegion(counts map[string]*RegionCount, r *Region, visited string) {
	c, ok := counts[r.Code]
	if !ok {
		c = &RegionCount{Code: r.Code, Name: r.Name, Country: r.Country}
		counts[r.Code] = c
	}
	c.Places++
	if visited != "" && (c.FirstVisited == "" || visited < c.FirstVisited) {
		c.FirstVisited = visited
	}
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

func sortedRegions(counts map[string]*RegionCount) []RegionCount {
	out := make([]RegionCount, 0, len(counts))
	for _, c := range counts {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b RegionCount) int {
		if c := cmp.Compare(b.Places, a.Places); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	return out
}

// Checklist is one country's regions: which are visited, which are not.
type Checklist struct {
	Country     string `json:"country"`
	CountryName string `json:"country_name"`
	// Level is what the country's regions are called, in the plural, as
	// the data names them ("states", "provinces", "departments"), or
	// "regions" where they differ ("23 of 51 United States regions").
	Level   string   `json:"level"`
	Visited []Region `json:"visited"`
	Missing []Region `json:"missing"`
}

// Total is how many regions the country has.
func (c Checklist) Total() int { return len(c.Visited) + len(c.Missing) }

// Summary is "9 of 16 states" (the country is the reader's context).
func (c Checklist) Summary() string {
	return itoa(len(c.Visited)) + " of " + itoa(c.Total()) + " " + c.Level
}

// checklists are those of the visited countries that have regions, in the
// order of countries.
func (ix *Index) checklists(countries []Count, visited map[string]*RegionCount) []Checklist {
	out := []Checklist{}
	for _, c := range countries {
		own := ix.regions.byCountry[c.Code]
		if len(own) == 0 {
			continue
		}
		cl := Checklist{Country: c.Code, CountryName: c.Name, Level: ix.regions.levelName(own), Visited: []Region{}, Missing: []Region{}}
		for _, r := range own {
			region := ix.regions.list[r].Region
			if visited[region.Code] != nil {
				cl.Visited = append(cl.Visited, region)
			} else {
				cl.Missing = append(cl.Missing, region)
			}
		}
		out = append(out, cl)
	}
	return out
}

// levelName is the plural of what all of a country's regions are called
// ("states"), of the last word they share ("departments" for France's
// metropolitan and overseas departments), else "regions".
func (rs *regions) levelName(own []int16) string {
	first := strings.ToLower(rs.list[own[0]].level)
	same, last := true, lastWord(first)
	for _, r := range own[1:] {
		l := strings.ToLower(rs.list[r].level)
		same = same && l == first
		if lastWord(l) != last {
			last = ""
		}
	}
	switch {
	case same && first != "":
		return plural(first)
	case last != "":
		return plural(last)
	}
	return "regions"
}

func lastWord(s string) string { return s[strings.LastIndexByte(s, ' ')+1:] }

// plural of an English noun phrase, by its last word: county → counties,
// parish → parishes, state → states.
func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	}
	return s + "s"
}

package geo

import "math"

// A town, for NearestTown, is a place of the gazetteer of at least
// townPopulation people, not a city's district, within townReachKm of the
// point: showing a place at a hamlet or a district next to it would say
// where it is.
const (
	townPopulation = 1000
	townReachKm    = 50
)

// towns are the gazetteer's towns by one-degree cell, for NearestTown.
type towns struct {
	start  []int32 // cell i's towns are cities[start[i]:start[i+1]]
	cities []int32
}

func newTowns(cities []city) towns {
	cell := func(c *city) int {
		col := min(max(int(math.Floor(float64(c.lon)/1e5+180)), 0), 359)
		row := min(max(int(math.Floor(float64(c.lat)/1e5+90)), 0), 179)
		return row*360 + col
	}
	t := towns{start: make([]int32, 360*180+1)}
	isTown := func(c *city) bool { return c.population >= townPopulation && c.kind != 'X' }
	for i := range cities {
		if isTown(&cities[i]) {
			t.start[cell(&cities[i])+1]++
		}
	}
	for i := 1; i < len(t.start); i++ {
		t.start[i] += t.start[i-1]
	}
	t.cities = make([]int32, t.start[len(t.start)-1])
	next := append([]int32(nil), t.start[:len(t.start)-1]...)
	for i := range cities {
		if isTown(&cities[i]) {
			c := cell(&cities[i])
			t.cities[next[c]] = int32(i)
			next[c]++
		}
	}
	return t
}

// NearestTown is the gazetteer's town nearest to a point (of 1,000 people
// or more, not a district, within 50 km): where a place in a privacy area's "town" mode is
// shown instead of its own point. ok is false when there is none.
func (ix *Index) NearestTown(lat, lon float64) (name string, townLat, townLon float64, ok bool) {
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		return "", 0, 0, false
	}
	g := ix.gazetteer
	reachLat := townReachKm / 111.2
	reachLon := min(reachLat/math.Max(math.Cos(lat*math.Pi/180), 0.01), 180)
	best, bestM := int32(-1), townReachKm*1000.0
	for row := int(math.Floor(lat - reachLat + 90)); row <= int(math.Floor(lat+reachLat+90)); row++ {
		if row < 0 || row >= 180 {
			continue
		}
		for c := int(math.Floor(lon - reachLon + 180)); c <= int(math.Floor(lon+reachLon+180)); c++ {
			col := (c%360 + 360) % 360 // across the antimeridian
			cell := row*360 + col
			for _, i := range g.towns.cities[g.towns.start[cell]:g.towns.start[cell+1]] {
				town := &g.cities[i]
				if d := DistanceMeters(lat, lon, float64(town.lat)/1e5, float64(town.lon)/1e5); d < bestM {
					best, bestM = i, d
				}
			}
		}
	}
	if best < 0 {
		return "", 0, 0, false
	}
	town := &g.cities[best]
	return g.nameOf(town), float64(town.lat) / 1e5, float64(town.lon) / 1e5, true
}

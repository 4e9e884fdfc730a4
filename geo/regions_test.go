package geo

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestRegionsOfPlaces(t *testing.T) {
	ix := testIndex(t)
	for _, tc := range []struct {
		place    string
		lat, lon float64
		region   string
		name     string
	}{
		{"Graz", 47.0707, 15.4395, "AT-6", "Styria"},
		{"Munich", 48.1374, 11.5755, "DE-BY", "Bavaria"},
		{"Lisbon", 38.7167, -9.1333, "PT-11", "Lisbon"},
		{"Manhattan", 40.7831, -73.9712, "US-NY", "New York"},
		{"São Paulo", -23.5505, -46.6333, "BR-SP", "São Paulo"},
		{"Florianópolis, on its island", -27.5954, -48.548, "BR-SC", "Santa Catarina"},
		{"off Copacabana, at sea", -22.99, -43.17, "BR-RJ", "Rio de Janeiro"},
		{"Hallstatt", 47.5622, 13.6493, "AT-4", "Upper Austria"},
		{"Kyoto", 35.0116, 135.7681, "JP-26", "Kyōto Prefecture"},
	} {
		l := ix.LocationOf(tc.lat, tc.lon)
		if l.Region.Code != tc.region || l.Region.Name != tc.name || l.Region.Country != l.Country.Code {
			t.Errorf("%s (%v, %v): region %+v in %s, want %s %s", tc.place, tc.lat, tc.lon, l.Region, l.Country.Code, tc.region, tc.name)
		}
	}
	for _, tc := range []struct {
		place    string
		lat, lon float64
	}{{"mid-Atlantic", 30, -40}, {"Gulf of Guinea", 0, 0}, {"NaN", nanValue(), 0}} {
		if l := ix.LocationOf(tc.lat, tc.lon); l != (Location{}) {
			t.Errorf("%s: %+v, want no country and no region", tc.place, l)
		}
	}
}

// A point on a border between regions gets one of the two; one on a
// border between countries gets a region of the country it is given:
// never a region of the neighbour.
func TestRegionOnABorder(t *testing.T) {
	ix := testIndex(t)
	// The Danube between Ulm (Baden-Württemberg) and Neu-Ulm (Bavaria).
	if got := ix.LocationOf(48.3955, 9.9995).Region.Code; got != "DE-BW" && got != "DE-BY" {
		t.Errorf("on the Danube at Ulm: region %q, want DE-BW or DE-BY", got)
	}
	// The Salzach between Salzburg (Austria) and Freilassing (Germany),
	// and the Rhine at Basel where Switzerland, Germany and France meet.
	for _, p := range [][2]float64{{47.8096, 12.9640}, {47.5897, 7.5886}, {47.5920, 7.5890}} {
		l := ix.LocationOf(p[0], p[1])
		if l.Country.Code == "" || l.Region.Country != l.Country.Code {
			t.Errorf("%v: region %+v of country %q", p, l.Region, l.Country.Code)
		}
	}
}

func TestRegionByCode(t *testing.T) {
	ix := testIndex(t)
	if r, ok := ix.RegionByCode("AT-6"); !ok || r != (Region{Code: "AT-6", Name: "Styria", Country: "AT"}) {
		t.Errorf("RegionByCode(AT-6) = %+v, %v", r, ok)
	}
	if r, ok := ix.RegionByCode("XX-1"); ok || r != (Region{}) {
		t.Errorf("RegionByCode(XX-1) = %+v, %v", r, ok)
	}
}

func TestLocateMatchesLocationOf(t *testing.T) {
	ix := testIndex(t)
	points := []Point{{Latitude: 47.07, Longitude: 15.44}, {Latitude: 30, Longitude: -40}, {Latitude: 47.07, Longitude: 15.44}, {Latitude: 25.03, Longitude: 121.56}}
	for i, l := range ix.Locate(points) {
		if want := ix.LocationOf(points[i].Latitude, points[i].Longitude); l != want {
			t.Errorf("point %d: Locate %+v, LocationOf %+v", i, l, want)
		}
	}
}

// Spots are what Locate says, kept small: the same country and region
// for each point, nowhere at sea, and the same stats.
func TestSpotsNameWhatLocateSays(t *testing.T) {
	ix := testIndex(t)
	points := []Point{
		{Latitude: 47.0707, Longitude: 15.4395, Visited: "2020"}, // Graz, Styria
		{Latitude: 30, Longitude: -40},                           // at sea
		{Latitude: 47.0707, Longitude: 15.4395},                  // Graz again
		{Latitude: 18.4655, Longitude: -66.1057},                 // San Juan, Puerto Rico
		{Latitude: 38.7167, Longitude: -9.1333},                  // Lisbon
	}
	spots, locs := ix.Spots(points), ix.Locate(points)
	for i, s := range spots {
		if got := ix.Location(s); got != locs[i] {
			t.Errorf("point %d: Spot says %+v, Locate %+v", i, got, locs[i])
		}
		if s != ix.SpotOf(points[i].Latitude, points[i].Longitude) {
			t.Errorf("point %d: Spots and SpotOf differ", i)
		}
	}
	if ix.Region(spots[0]).Name != "Styria" || ix.Country(spots[0]).Name != "Austria" || !spots[0].SameCountry(spots[2]) {
		t.Errorf("Graz: %+v", ix.Location(spots[0]))
	}
	if spots[1] != (Spot{}) || spots[1].HasCountry() || spots[1].HasRegion() || ix.Location(spots[1]) != (Location{}) {
		t.Errorf("at sea: %+v", spots[1])
	}
	a, b := ix.StatsOfSpots(points, spots), ix.StatsOf(points, locs)
	if ja, jb := mustJSON(t, a), mustJSON(t, b); ja != jb {
		t.Errorf("StatsOfSpots:\n%s\nStatsOf:\n%s", ja, jb)
	}
	if a.Regions[0].Code != "AT-6" || a.Regions[0].Places != 2 || a.Regions[0].FirstVisited != "2020" || a.Unplaced != 1 {
		t.Errorf("stats: %+v", a)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestChecklists(t *testing.T) {
	ix := testIndex(t)
	points := []Point{
		{Latitude: 48.1374, Longitude: 11.5755, Visited: "2021-07"},    // Munich, Bavaria
		{Latitude: 49.4521, Longitude: 11.0767, Visited: "2019-05-17"}, // Nuremberg, Bavaria
		{Latitude: 52.52, Longitude: 13.405},                           // Berlin
		{Latitude: 40.7831, Longitude: -73.9712},                       // New York
		{Latitude: 18.4655, Longitude: -66.1057},                       // San Juan, Puerto Rico
		{Latitude: 25.033, Longitude: 121.5654},                        // Taipei
		{Latitude: 30, Longitude: -40},                                 // at sea
	}
	s := ix.Stats(points)
	de := checklist(t, s, "DE")
	if de.Summary() != "2 of 16 states" || de.Total() != 16 || len(de.Missing) != 14 {
		t.Errorf("Germany: %q, %d missing, want 2 of 16 states", de.Summary(), len(de.Missing))
	}
	if !hasRegion(de.Visited, "DE-BY") || !hasRegion(de.Visited, "DE-BE") || hasRegion(de.Missing, "DE-BY") || !hasRegion(de.Missing, "DE-HH") {
		t.Errorf("Germany: visited %v, missing %v", de.Visited, de.Missing)
	}
	if us := checklist(t, s, "US"); us.Summary() != "1 of 51 regions" {
		t.Errorf("United States: %q, want 1 of 51 regions (50 states and a federal district)", us.Summary())
	}
	bavaria := s.Regions[0]
	if bavaria.Code != "DE-BY" || bavaria.Name != "Bavaria" || bavaria.Country != "DE" || bavaria.Places != 2 || bavaria.FirstVisited != "2019-05-17" {
		t.Errorf("regions[0] = %+v, want Bavaria with 2 places, first visited 2019-05-17", bavaria)
	}
	for _, r := range s.Regions[1:] {
		if r.FirstVisited != "" {
			t.Errorf("%s has first_visited %q without a date", r.Code, r.FirstVisited)
		}
	}
	// Puerto Rico and Taiwan are not UN members or observers: counted apart.
	if s.World.Summary() != "2 of 195 countries" || s.World.List != "UN member and observer states" {
		t.Errorf("world: %q (%s), want 2 of 195 countries", s.World.Summary(), s.World.List)
	}
	var elsewhere []string
	for _, c := range s.World.Elsewhere {
		elsewhere = append(elsewhere, c.Code)
	}
	if slices.Sort(elsewhere); strings.Join(elsewhere, ",") != "PR,TW" {
		t.Errorf("elsewhere = %v, want PR and TW", elsewhere)
	}
}

func checklist(t *testing.T, s Stats, country string) Checklist {
	t.Helper()
	for _, c := range s.Checklists {
		if c.Country == country {
			return c
		}
	}
	t.Fatalf("no checklist for %s in %+v", country, s.Checklists)
	return Checklist{}
}

func hasRegion(rs []Region, code string) bool {
	return slices.ContainsFunc(rs, func(r Region) bool { return r.Code == code })
}

func TestUNListHas195States(t *testing.T) {
	codes := strings.Fields(unMembers)
	if len(codes) != 195 {
		t.Errorf("%d codes, want 193 members and 2 observers", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c] || len(c) != 2 {
			t.Errorf("code %q twice or malformed", c)
		}
		seen[c] = true
	}
	ix := testIndex(t)
	for _, c := range codes {
		if ix.borders.countryByCode(c).Code == "" {
			t.Errorf("%s is not a country of the borders", c)
		}
	}
}

func TestLevelNames(t *testing.T) {
	ix := testIndex(t)
	for country, want := range map[string]string{"DE": "states", "AT": "states", "CH": "cantons", "IT": "provinces", "PL": "voivodeships", "US": "regions"} {
		if got := ix.regions.levelName(ix.regions.byCountry[country]); got != want {
			t.Errorf("%s: %q, want %q", country, got, want)
		}
	}
	for in, want := range map[string]string{"county": "counties", "parish": "parishes", "state": "states", "autonomous community": "autonomous communities", "day": "days"} {
		if got := plural(in); got != want {
			t.Errorf("plural(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRegionsGeoJSON(t *testing.T) {
	ix := testIndex(t)
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties Region `json:"properties"`
			Geometry   struct {
				Type        string           `json:"type"`
				Coordinates [][][][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(ix.RegionsGeoJSON([]string{"AT-6", "XX-1", "DE-BY"}), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 2 {
		t.Fatalf("%s with %d features, want Styria and Bavaria", fc.Type, len(fc.Features))
	}
	styria := fc.Features[0]
	if styria.Properties != (Region{Code: "AT-6", Name: "Styria", Country: "AT"}) || styria.Geometry.Type != "MultiPolygon" {
		t.Errorf("first feature %+v, %s", styria.Properties, styria.Geometry.Type)
	}
	var mp orb.MultiPolygon
	for _, p := range styria.Geometry.Coordinates {
		var poly orb.Polygon
		for _, r := range p {
			ring := make(orb.Ring, len(r))
			for i, pt := range r {
				ring[i] = orb.Point(pt)
			}
			poly = append(poly, ring)
		}
		mp = append(mp, poly)
	}
	if !planar.MultiPolygonContains(mp, orb.Point{15.4395, 47.0707}) {
		t.Error("Styria's outline does not hold Graz")
	}
}

func TestNearestTown(t *testing.T) {
	ix := testIndex(t)
	// The Schlossberg, in Graz; mid-Atlantic; Chukotka's coast just east
	// of the antimeridian, whose nearest town lies west of it.
	if name, lat, lon, ok := ix.NearestTown(47.0763, 15.4379); !ok || name != "Graz" || DistanceMeters(47.0763, 15.4379, lat, lon) > 3000 {
		t.Errorf("near the Schlossberg: %q at %v, %v, %v; want Graz", name, lat, lon, ok)
	}
	if _, _, _, ok := ix.NearestTown(30, -40); ok {
		t.Error("mid-Atlantic has a town")
	}
	if name, _, lon, ok := ix.NearestTown(63.06, -179.95); !ok || name != "Beringovskiy" || lon < 179 {
		t.Errorf("by the antimeridian: %q at %v, %v; want Beringovskiy, across it", name, lon, ok)
	}
	if _, _, _, ok := ix.NearestTown(nanValue(), 0); ok {
		t.Error("NaN has a town")
	}
}

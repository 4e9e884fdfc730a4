package geo

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
)

// loadOnce shares one index between the package's tests: each load takes
// a second of CPU.
var loadOnce = sync.OnceValues(load)

func testIndex(tb testing.TB) *Index {
	tb.Helper()
	ix, err := loadOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

type seedPlace struct {
	name     string
	lat, lon float64
}

func readSeedPlaces(t *testing.T) []seedPlace {
	t.Helper()
	f, err := os.Open("testdata/places.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var places []seedPlace
	for _, row := range rows[1:] {
		lat, err1 := strconv.ParseFloat(row[1], 64)
		lon, err2 := strconv.ParseFloat(row[2], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad row %v", row)
		}
		places = append(places, seedPlace{row[0], lat, lon})
	}
	return places
}

// The talk's places (São José twice): Graz, Taipei and Brazil's cities, Florianópolis on its
// island and São José on the mainland opposite.
func TestTalkPlacesGetTheirCountries(t *testing.T) {
	ix := testIndex(t)
	want := map[string]string{"Graz": "AT", "Taipei": "TW"}
	places := readSeedPlaces(t)
	if len(places) < 9 {
		t.Fatalf("seed has %d places", len(places))
	}
	for _, p := range places {
		code := want[p.name]
		if code == "" {
			code = "BR"
		}
		c, ok := ix.CountryOf(p.lat, p.lon)
		if !ok || c.Code != code {
			t.Errorf("%s (%v, %v): got %+v, %v; want %s", p.name, p.lat, p.lon, c, ok, code)
		}
	}
}

func TestCountryDetails(t *testing.T) {
	ix := testIndex(t)
	c, ok := ix.CountryOf(47.0911, 15.4758)
	want := Country{Code: "AT", Name: "Austria", Flag: "🇦🇹", Continent: Continent{"EU", "Europe"}}
	if !ok || c != want {
		t.Fatalf("Graz: got %+v, want %+v", c, want)
	}
	for _, tc := range []struct {
		lat, lon  float64
		continent string
	}{
		{40.71, -74.0, "NA"}, {-23.55, -46.64, "SA"}, {25.03, 121.56, "AS"},
		{-33.87, 151.21, "OC"}, {30.04, 31.24, "AF"}, {-77.85, 166.67, "AN"},
	} {
		if c, _ := ix.CountryOf(tc.lat, tc.lon); c.Continent.Code != tc.continent {
			t.Errorf("(%v, %v): continent %+v, want %s", tc.lat, tc.lon, c.Continent, tc.continent)
		}
	}
}

func TestCountryOfAtSea(t *testing.T) {
	ix := testIndex(t)
	for _, tc := range []struct {
		name     string
		lat, lon float64
		want     string
	}{
		{"mid-Atlantic", 30, -40, ""},
		{"Gulf of Guinea", 0, 0, ""},
		{"off Copacabana", -22.99, -43.17, "BR"},
		{"off Graz? no sea: Austria", 47.07, 15.44, "AT"},
		{"NaN", nanValue(), 0, ""},
		{"out of range", 91, 0, ""},
	} {
		c, ok := ix.CountryOf(tc.lat, tc.lon)
		if c.Code != tc.want || ok != (tc.want != "") {
			t.Errorf("%s: got %q, %v; want %q", tc.name, c.Code, ok, tc.want)
		}
	}
}

func nanValue() float64 { v, _ := strconv.ParseFloat("NaN", 64); return v }

// GeoNames and country-coder were drawn by different people: they must
// still agree on nearly every city.
func TestGazetteerCitiesLieInTheirCountry(t *testing.T) {
	ix := testIndex(t)
	cities := ix.gazetteer.cities
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 1000
	agree := 0
	for range n {
		c := &cities[rng.IntN(len(cities))]
		got, _ := ix.CountryOf(float64(c.lat)/1e5, float64(c.lon)/1e5)
		if got.Code == string(c.country[:]) {
			agree++
		} else {
			t.Logf("%s, %s at (%v, %v): borders say %q", ix.gazetteer.nameOf(c), c.country, c.lat, c.lon, got.Code)
		}
	}
	if agree < n*99/100 {
		t.Errorf("%d of %d cities in their GeoNames country, want ≥ 99%%", agree, n)
	}
}

func TestCountriesMatchesCountryOf(t *testing.T) {
	ix := testIndex(t)
	points := []Point{{Latitude: 47.09, Longitude: 15.47}, {Latitude: 30, Longitude: -40}, {Latitude: 47.09, Longitude: 15.47}, {Latitude: 25.03, Longitude: 121.56}}
	got := ix.Countries(points)
	for i, p := range points {
		want, _ := ix.CountryOf(p.Latitude, p.Longitude)
		if got[i] != want {
			t.Errorf("point %d: Countries %+v, CountryOf %+v", i, got[i], want)
		}
	}
}

func TestStats(t *testing.T) {
	ix := testIndex(t)
	var points []Point
	for _, p := range readSeedPlaces(t) {
		points = append(points, Point{Latitude: p.lat, Longitude: p.lon})
	}
	points = append(points, Point{Latitude: 30, Longitude: -40}) // mid-Atlantic
	got := ix.Stats(points)
	got.Regions, got.Checklists, got.World = nil, nil, WorldList{} // tested in regions_test.go
	want := Stats{
		Countries:  []Count{{"BR", "Brazil", 9}, {"AT", "Austria", 1}, {"TW", "Taiwan", 1}},
		Continents: []Count{{"SA", "South America", 9}, {"AS", "Asia", 1}, {"EU", "Europe", 1}},
		Unplaced:   1,
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("got  %s\nwant %s", gotJSON, wantJSON)
	}
}

// A fresh Data says "not ready" without waiting, a Load whose caller gives
// up still finishes for the next one, and every Load shares one index.
func TestDataIsReadyOnceLoaded(t *testing.T) {
	d := NewData()
	if ix, ok := d.Ready(); ok || ix != nil {
		t.Fatalf("Ready() before any Load = %p, %v; want nil, false", ix, ok)
	}
	gaveUp, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := d.Load(gaveUp); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load with a cancelled context = %v, want context.Canceled", err)
	}
	ix, err := d.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := d.Ready(); !ok || got != ix {
		t.Fatalf("Ready() after Load = %p, %v; want %p, true", got, ok, ix)
	}
	if again, _ := d.Load(t.Context()); again != ix {
		t.Fatal("a second Load built another index")
	}
	if c, ok := ix.CountryOf(47.07, 15.44); !ok || c.Code != "AT" {
		t.Errorf("the loaded index puts Graz in %+v", c)
	}
}

func TestConcurrentUse(t *testing.T) {
	ix := testIndex(t)
	done := make(chan bool)
	for g := range 4 {
		go func() {
			ok := true
			for i := range 200 {
				r := ix.Search([]string{"paris", "sao pa", "47.07, 15.43", "lo"}[(g+i)%4], 10)
				c, _ := ix.CountryOf(47.09, 15.47)
				ok = ok && len(r) > 0 && c.Code == "AT"
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("a concurrent search or lookup went wrong")
		}
	}
}

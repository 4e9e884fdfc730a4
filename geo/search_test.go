package geo

import (
	"cmp"
	"strings"
	"testing"

	"github.com/whib/whib/geo/internal/fold"
)

func TestSearchRanksExactNamesThenPopulation(t *testing.T) {
	ix := testIndex(t)
	for _, tc := range []struct{ q, name, country string }{
		{"paris", "Paris", "FR"},
		{"london", "London", "GB"},
		{"sao paulo", "São Paulo", "BR"},
		{"São Paulo", "São Paulo", "BR"},
		{"SAO PAULO", "São Paulo", "BR"},
		{"sao pa", "São Paulo", "BR"},
		{"  São   PAULO ", "São Paulo", "BR"},
		{"florianopolis", "Florianópolis", "BR"},
		{"graz", "Graz", "AT"},
		{"taipei", "Taipei", "TW"},
		{"zurich", "Zürich", "CH"},
		{"lodz", "Łódź", "PL"},
		{"new york", "New York City", "US"},
		{"ribeirao preto", "Ribeirão Preto", "BR"},
	} {
		got := ix.Search(tc.q, 10)
		if len(got) == 0 || got[0].Name != tc.name || got[0].Country != tc.country {
			t.Errorf("Search(%q)[0] = %+v, want %s, %s", tc.q, first(got), tc.name, tc.country)
			continue
		}
		if got[0].Kind != KindCity || got[0].CountryName == "" || got[0].Population == 0 {
			t.Errorf("Search(%q)[0] incomplete: %+v", tc.q, got[0])
		}
	}
}

func first(rs []Result) Result {
	if len(rs) == 0 {
		return Result{}
	}
	return rs[0]
}

func TestSearchPrefixMatchesEveryWord(t *testing.T) {
	ix := testIndex(t)
	got := ix.Search("sao pa", 10)
	if len(got) < 3 {
		t.Fatalf("got %d results", len(got))
	}
	matched := func(r Result) string { return fold.String(cmp.Or(r.Matched, r.Name)) }
	for _, r := range got {
		if f := matched(r); !hasWordPrefix(f, "sao") || !hasWordPrefix(f, "pa") {
			t.Errorf("%q does not match both words", r.Label)
		}
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.Kind == KindCity && b.Kind == KindCity && b.Population > a.Population && tierOf(matched(b), "sao pa") == tierOf(matched(a), "sao pa") {
			t.Errorf("%s (%d) ranked below %s (%d)", b.Label, b.Population, a.Label, a.Population)
		}
	}
}

func TestSearchLimits(t *testing.T) {
	ix := testIndex(t)
	for _, tc := range []struct {
		q     string
		limit int
		want  int
	}{
		{"", 10, 0}, {"p", 10, 0}, {"é", 10, 0}, {" a ", 10, 0}, {"--", 10, 0},
		{"pa", 0, MaxResults}, {"pa", 100, MaxResults}, {"pa", 3, 3},
		{strings.Repeat("a", MaxQueryLen+1), 10, 0},
		{"xqzjvw", 10, 0},
	} {
		got := ix.Search(tc.q, tc.limit)
		if got == nil || len(got) != tc.want {
			t.Errorf("Search(%q, %d): %d results (nil %v), want %d", tc.q, tc.limit, len(got), got == nil, tc.want)
		}
	}
}

func TestSearchCoordinates(t *testing.T) {
	ix := testIndex(t)
	got := ix.Search("-27.5993, -48.4882", 10)
	if len(got) != 1 || got[0].Kind != KindCoordinates || got[0].Country != "BR" ||
		got[0].CountryName != "Brazil" || got[0].Latitude != -27.5993 || got[0].Longitude != -48.4882 {
		t.Fatalf("got %+v", got)
	}
	if got := ix.Search("30, -40", 10); len(got) != 1 || got[0].Country != "" {
		t.Errorf("mid-Atlantic: %+v", got)
	}
}

func FuzzSearch(f *testing.F) {
	ix := testIndex(f)
	for _, s := range []string{"paris", "sao pa", "47.0707, 15.4395", "47°05'28\"N 15°28'33\"E",
		"https://www.google.com/maps/place/X/@47.0707,15.4395,12z", "geo:1,2", "\xff\xfe", "°°''\"\"NSEW"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, q string, limit int) {
		got := ix.Search(q, limit)
		if got == nil || len(got) > MaxResults {
			t.Fatalf("Search(%q, %d) returned %d results (nil %v)", q, limit, len(got), got == nil)
		}
		if lat, lon, ok := ParseCoordinates(q); ok && (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
			t.Fatalf("ParseCoordinates(%q) = %v, %v out of range", q, lat, lon)
		}
	})
}

// What travellers type: exonyms, names in the local script, old names and
// abbreviations GeoNames lists, and towns of fewer than 1,000 people.
func TestSearchFindsTheNamesTravellersUse(t *testing.T) {
	ix := testIndex(t)
	for _, tc := range []struct{ q, label string }{
		{"München", "Munich (München), Bavaria, Germany"},
		{"munchen", "Munich (Munchen), Bavaria, Germany"},
		{"Wien", "Vienna (Wien), Vienna State, Austria"},
		{"Saigon", "Ho Chi Minh City (Saigon), Ho Chi Minh, Vietnam"},
		{"NYC", "New York City (NYC), New York, United States"},
		{"Cracow", "Kraków (Cracow), Lesser Poland Voivodeship, Poland"},
		{"北京", "Beijing (北京), Beijing Municipality, People's Republic of China"},
		{"Москва", "Moscow (Москва), Moskva, Russia"},
		{"Roma", "Rome (Roma), Rome Province, Italy"},
		{"Hallstatt", "Hallstatt, Upper Austria, Austria"},
		{"Graz", "Graz, Styria, Austria"},
		{"Lisbon", "Lisbon, Lisbon District, Portugal"},
		{"Zürich", "Zürich, Zürich Canton, Switzerland"},
	} {
		got := ix.Search(tc.q, 10)
		if len(got) == 0 || got[0].Label != tc.label || got[0].Kind != KindCity {
			t.Errorf("Search(%q)[0] = %q (%s), want %q", tc.q, first(got).Label, first(got).Kind, tc.label)
		}
	}
	// An exact alternate name of a capital outranks a village's prefix.
	if got := ix.Search("Wien", 10); len(got) < 2 || !strings.HasPrefix(labels(got), "Vienna") || strings.Index(labels(got), "Wiener Neustadt") < strings.Index(labels(got), "Vienna") {
		t.Errorf("Wien: %s", labels(got))
	}
}

func labels(rs []Result) string {
	var ls []string
	for _, r := range rs {
		ls = append(ls, r.Label)
	}
	return strings.Join(ls, " | ")
}

// "Lisbon" lists the Lisbons of Portugal and the United States, each
// saying which it is; no two read the same.
func TestSameNamedTownsAreToldApart(t *testing.T) {
	ix := testIndex(t)
	for _, q := range []string{"Lisbon", "Springfield", "Vienna", "Paris", "San Jose", "Santa Cruz"} {
		got := ix.Search(q, 10)
		seen := map[string]bool{}
		for _, r := range got {
			if seen[r.Label] {
				t.Errorf("Search(%q): two results read %q", q, r.Label)
			}
			seen[r.Label] = true
			if r.Kind == KindCity && r.Country == "US" && r.RegionName == "" {
				t.Errorf("Search(%q): %q has no state", q, r.Label)
			}
		}
	}
	got := labels(ix.Search("Lisbon", 10))
	for _, want := range []string{"Lisbon, Lisbon District, Portugal", "Lisbon, Maine, United States", "Lisbon, Connecticut, United States"} {
		if !strings.Contains(got, want) {
			t.Errorf("Lisbon: %s lacks %q", got, want)
		}
	}
	if strings.Contains(got, ", 14,") || strings.Contains(got, "· 14") {
		t.Errorf("Lisbon: a bare admin code in %s", got)
	}
}

// Regions and countries are results too, with where to fly.
func TestRegionsAndCountriesAreResults(t *testing.T) {
	ix := testIndex(t)
	for _, tc := range []struct{ q, kind, label, code string }{
		{"Bavaria", KindRegion, "Bavaria, state of Germany", "DE-BY"},
		{"Bayern", KindRegion, "Bavaria (Bayern), state of Germany", "DE-BY"},
		{"Texas", KindRegion, "Texas, state of United States", "US-TX"},
		{"Japan", KindCountry, "Japan", "JP"},
		{"Deutschland", KindCountry, "Germany (Deutschland)", "DE"},
		{"日本", KindCountry, "Japan (日本)", "JP"},
	} {
		got := ix.Search(tc.q, 10)
		r := first(got)
		code := r.Region
		if tc.kind == KindCountry {
			code = r.Country
		}
		if r.Kind != tc.kind || r.Label != tc.label || code != tc.code || r.Bounds == nil {
			t.Errorf("Search(%q)[0] = %+v, want the %s %q", tc.q, r, tc.kind, tc.label)
			continue
		}
		if b := r.Bounds; !(b.West < r.Longitude && r.Longitude < b.East && b.South < r.Latitude && r.Latitude < b.North) {
			t.Errorf("Search(%q): %v, %v lies outside its bounds %+v", tc.q, r.Latitude, r.Longitude, *b)
		}
	}
	// The United States fly to the contiguous states, not the whole globe.
	if us := first(ix.Search("United States", 1)); us.Bounds == nil || us.Bounds.East-us.Bounds.West > 90 {
		t.Errorf("United States: bounds %+v", us.Bounds)
	}
	// A city before the region of its name.
	if got := ix.Search("Salzburg", 10); len(got) < 2 || got[0].Kind != KindCity || got[1].Kind != KindRegion {
		t.Errorf("Salzburg: %s", labels(got))
	}
}

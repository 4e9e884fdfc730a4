package geo

import (
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
	for _, r := range got {
		f := fold.String(r.Name)
		if !hasWordPrefix(f, "sao") || !hasWordPrefix(f, "pa") {
			t.Errorf("%q does not match both words", r.Name)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i].Population > got[i-1].Population && tierOf(fold.String(got[i].Name), "sao pa") == tierOf(fold.String(got[i-1].Name), "sao pa") {
			t.Errorf("%s (%d) ranked below %s (%d)", got[i].Name, got[i].Population, got[i-1].Name, got[i-1].Population)
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

package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/internal/apptest"
)

func TestSearchFindsPlacesByNameAndCoordinates(t *testing.T) {
	if _, err := geo.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	app := apptest.New(t, apptest.WithoutSignIn())
	search := func(q string) (int, []geo.Result) {
		resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=" + url.QueryEscape(q)})
		var answer struct{ Results []geo.Result }
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal([]byte(body), &answer); err != nil || answer.Results == nil {
				t.Fatalf("search %q: body %s is not {\"results\": [...]}", q, body)
			}
		}
		return resp.StatusCode, answer.Results
	}
	for _, tt := range []struct{ q, name, country string }{
		{"paris", "Paris", "FR"},
		{"london", "London", "GB"},
		{"sao paulo", "São Paulo", "BR"},
		{"SÃO PAULO", "São Paulo", "BR"},
		{"sao pa", "São Paulo", "BR"},
	} {
		status, results := search(tt.q)
		if status != http.StatusOK || len(results) == 0 || results[0].Name != tt.name || results[0].Country != tt.country {
			t.Errorf("search %q = %d, first %+v; want %s, %s first", tt.q, status, first(results), tt.name, tt.country)
		}
		if len(results) > geo.MaxResults {
			t.Errorf("search %q gave %d results, want at most %d", tt.q, len(results), geo.MaxResults)
		}
	}
	if status, results := search("47.0707, 15.4395"); status != http.StatusOK || len(results) != 1 || results[0].Kind != "coordinates" || results[0].Country != "AT" {
		t.Errorf("pasted coordinates = %d %+v, want one coordinates result in AT", status, results)
	}
	for _, q := range []string{"", "a", "<script>alert(1)</script>", "\x00\x00", strings.Repeat("ü", 100)} {
		if status, _ := search(q); status != http.StatusOK {
			t.Errorf("search %q = %d, want 200", q, status)
		}
	}
	if status, results := search("a"); status != http.StatusOK || len(results) != 0 {
		t.Errorf("one character = %d %v, want an empty list", status, results)
	}
	if status, _ := search(strings.Repeat("x", 201)); status != http.StatusBadRequest {
		t.Errorf("201 characters = %d, want 400", status)
	}
}

func first(results []geo.Result) any {
	if len(results) == 0 {
		return nil
	}
	return results[0]
}

// TestPlacesKnowTheirCountry: once the gazetteer has loaded, the JSON and
// GeoJSON downloads name each place's country; the CSV is untouched.
func TestPlacesKnowTheirCountry(t *testing.T) {
	if _, err := geo.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	app := apptest.New(t, apptest.WithoutSignIn())
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	var raw []map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Graz": "AT", "Taipei": "TW", "São Paulo": "BR", "Florianópolis": "BR"}
	seen := 0
	for _, p := range raw {
		name, _ := p["name"].(string)
		if code, ok := want[name]; ok {
			seen++
			if p["country"] != code || p["country_name"] == "" {
				t.Errorf("%s: country %v %v, want %s with a name", name, p["country"], p["country_name"], code)
			}
		}
	}
	if seen < len(want) {
		t.Errorf("found %d of the talk's places %v in %s", seen, want, body)
	}
	_, geojson := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.geojson"})
	if !strings.Contains(geojson, `"country":"AT","country_name":"Austria"`) {
		t.Errorf("GeoJSON properties lack Graz's country:\n%.400s", geojson)
	}
	if _, csv := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.csv"}); strings.Contains(csv, "AT") || string(app.GitHub.File("places.csv")) != csv {
		t.Error("the CSV download changed: countries must never be stored")
	}
}

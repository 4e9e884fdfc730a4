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

package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/internal/apptest"
)

// loadGeo waits for the shared gazetteer, as the app does in the
// background: tests assert on countries only after it has loaded.
func loadGeo(t *testing.T) {
	t.Helper()
	apptest.LoadGeo(t)
}

type searchResult struct {
	Name        string  `json:"name"`
	Country     string  `json:"country"`
	CountryName string  `json:"country_name"`
	Region      string  `json:"region"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	Population  int     `json:"population"`
	Kind        string  `json:"kind"`
}

func search(t *testing.T, app *apptest.Site, q string) (int, []searchResult) {
	t.Helper()
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=" + url.QueryEscape(q), Header: map[string]string{"Accept": "application/json"}})
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	var got struct {
		Results *[]searchResult `json:"results"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Results == nil {
		t.Fatalf("GET /search?q=%s: %v, want {\"results\": [...]}: %s", q, err, body)
	}
	return resp.StatusCode, *got.Results
}

func TestSearchFindsCitiesWithoutSigningIn(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	for _, tc := range []struct{ q, name, country string }{
		{"paris", "Paris", "FR"},
		{"london", "London", "GB"},
		{"sao paulo", "São Paulo", "BR"},
		{"São Paulo", "São Paulo", "BR"},
		{"  VIENNA ", "Vienna", "AT"},
	} {
		status, results := search(t, app, tc.q)
		if status != http.StatusOK || len(results) == 0 {
			t.Errorf("search %q = %d with %d results, want 200 with results", tc.q, status, len(results))
			continue
		}
		if first := results[0]; first.Name != tc.name || first.Country != tc.country || first.Kind != "city" || first.CountryName == "" || first.Population == 0 {
			t.Errorf("search %q: first result %+v, want %s in %s", tc.q, first, tc.name, tc.country)
		}
		if len(results) > geo.MaxResults {
			t.Errorf("search %q gave %d results, want at most %d", tc.q, len(results), geo.MaxResults)
		}
	}
}

func TestSearchReadsCoordinates(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	for _, q := range []string{"47.0707, 15.4395", "47°04'15\"N 15°26'22\"E", "https://www.openstreetmap.org/#map=15/47.0707/15.4395"} {
		_, results := search(t, app, q)
		if len(results) != 1 || results[0].Kind != "coordinates" || results[0].Country != "AT" ||
			results[0].Latitude < 47.07 || results[0].Latitude > 47.071 || results[0].Longitude < 15.439 || results[0].Longitude > 15.44 {
			t.Errorf("search %q = %+v, want one coordinates result in AT at 47.07, 15.44", q, results)
		}
	}
}

func TestSearchBadInput(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	for _, q := range []string{"", "a", " a ", "ü"} {
		if status, results := search(t, app, q); status != http.StatusOK || len(results) != 0 {
			t.Errorf("search %q = %d %v, want 200 with an empty list", q, status, results)
		}
	}
	if status, _ := search(t, app, strings.Repeat("x", geo.MaxQueryLen)); status != http.StatusOK {
		t.Errorf("a %d-character search = %d, want 200", geo.MaxQueryLen, status)
	}
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=" + strings.Repeat("x", geo.MaxQueryLen+1), Header: map[string]string{"Accept": "application/json"}})
	if resp.StatusCode != http.StatusBadRequest || apptest.DecodeJSON(t, body)["code"] != "query_too_long" {
		t.Errorf("a %d-character search = %d %s, want 400 query_too_long", geo.MaxQueryLen+1, resp.StatusCode, body)
	}
}

func TestSearchSurvivesHostileQueries(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	raw := []string{
		"%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%00", "%00paris", "paris%00", "%ff%fe%fd", "%C0%AF",
		url.QueryEscape(strings.Repeat("ü", 100)), url.QueryEscape(strings.Repeat("🇦🇹", 60)),
		url.QueryEscape(strings.Repeat("a ", 100)), url.QueryEscape(strings.Repeat("9", 200)),
		url.QueryEscape("1e308, 1e308"), url.QueryEscape("NaN, Inf"), url.QueryEscape("geo:NaN,NaN"),
		url.QueryEscape("-90.0000000000000000000000001, 180"), "%25%25%25", "q&q=2", url.QueryEscape("\u202eparis"),
	}
	for _, q := range raw {
		for _, h := range []map[string]string{{"Accept": "application/json"}, {"HX-Request": "true"}} {
			resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=" + q, Header: h})
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("search %s (%v) = %d, want 200 or 400: %s", q, h, resp.StatusCode, body)
			}
			if strings.Contains(body, "<script>") {
				t.Errorf("search %s echoes a script tag: %s", q, body)
			}
		}
	}
}

func TestSearchForHTMXIsAListboxOfOptions(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=" + url.QueryEscape("st john's"), Header: map[string]string{"HX-Request": "true"}})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("htmx search = %d %s, want an HTML fragment", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	listbox := findNode(doc, func(n *html.Node) bool { return attr(n, "role") == "listbox" })
	if listbox == nil || attr(listbox, "id") != "place-find-results" {
		t.Fatalf("no listbox #place-find-results in the fragment:\n%s", body)
	}
	var options []*html.Node
	for c := listbox.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if attr(c, "role") != "option" || attr(c, "id") == "" {
				t.Errorf("the listbox holds a <%s role=%q id=%q>, want only options with ids", c.Data, attr(c, "role"), attr(c, "id"))
			}
			options = append(options, c)
		}
	}
	if len(options) == 0 {
		t.Fatalf("no options for st john's:\n%s", body)
	}
	first := options[0]
	if attr(first, "data-name") != "St. John's" || attr(first, "data-latitude") == "" || attr(first, "data-longitude") == "" {
		t.Errorf("first option has name %q, latitude %q, longitude %q; want St. John's with coordinates",
			attr(first, "data-name"), attr(first, "data-latitude"), attr(first, "data-longitude"))
	}
	if !strings.Contains(body, "St. John&#39;s") || strings.Contains(body, ">St. John's<") {
		t.Errorf("the name is not escaped in the fragment:\n%s", body)
	}

	// Refusals are fragments too: the form's listbox, never an error page.
	resp, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=" + strings.Repeat("x", 201), Header: map[string]string{"HX-Request": "true"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `role="listbox"`) || strings.Contains(body, "<html") {
		t.Errorf("an over-long htmx search = %d, want 400 with an empty listbox:\n%s", resp.StatusCode, body)
	}
}

// The listbox's options read as the results' labels; a region's carries
// the box the page flies to.
func TestSearchListboxSaysWhichPlaceEachIs(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	option := func(q string, match func(*html.Node) bool) *html.Node {
		t.Helper()
		_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=" + url.QueryEscape(q), Header: map[string]string{"HX-Request": "true"}})
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		n := findNode(doc, func(n *html.Node) bool { return attr(n, "role") == "option" && match(n) })
		if n == nil {
			t.Fatalf("search %q: no such option in\n%s", q, body)
		}
		return n
	}
	munich := option("München", func(*html.Node) bool { return true })
	if got := attr(munich, "data-label"); got != "Munich (München), Bavaria, Germany" || attr(munich, "data-name") != "Munich" {
		t.Errorf("München's first option is %q (name %q), want Munich (München), Bavaria, Germany", got, attr(munich, "data-name"))
	}
	bavaria := option("Bavaria", func(n *html.Node) bool { return attr(n, "data-kind") == "region" })
	var west, south, east, north float64
	_, err := fmt.Sscanf(attr(bavaria, "data-bounds"), "%g,%g,%g,%g", &west, &south, &east, &north)
	if attr(bavaria, "data-label") != "Bavaria, state of Germany" || err != nil ||
		west < 8.9 || west > 9.1 || south < 47.2 || south > 47.3 || east < 13.8 || east > 13.9 || north < 50.5 || north > 50.6 {
		t.Errorf("Bavaria's option: label %q, bounds %q", attr(bavaria, "data-label"), attr(bavaria, "data-bounds"))
	}
}

func TestSearchIsRateLimitedPerClient(t *testing.T) {
	clock := apptest.NewClock()
	app := apptest.New(t, apptest.WithClock(clock.Now))
	limited := 0
	for range 200 {
		resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=graz", Header: map[string]string{"Accept": "application/json"}})
		if resp.StatusCode == http.StatusTooManyRequests {
			limited++
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Fatal("200 searches in an instant were all answered; want 429 after the burst")
	}
	// Writes have their own bucket: searching does not use them up.
	if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/healthz"}); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz = %d", resp.StatusCode)
	}
	clock.Advance(time.Minute)
	if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/search?q=graz", Header: map[string]string{"Accept": "application/json"}}); resp.StatusCode != http.StatusOK {
		t.Errorf("a search a minute later = %d, want 200", resp.StatusCode)
	}
}

func findNode(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if found := findNode(c, match); found != nil {
			return found
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

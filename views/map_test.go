package views

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/whib/whib/store"
)

const evilName = `<img src=x onerror=alert(1)>`

func talkPlaces() []Place {
	return []Place{
		place("Graz", "47.09113253131379", "15.475817295884495"),
		place("São Paulo", "-23.553587531516293", "-46.64191552881332"),
		place(evilName, "-15.765777242405598", "-47.90688628657218"),
	}
}

// place is a valid place for a view; views never see an invalid one.
func place(name, latitude, longitude string) Place {
	p, err := store.NewPlace(name, latitude, longitude)
	if err != nil {
		panic(err)
	}
	return p
}

// markerJSON is marker data as the handlers send it, but with names left
// unescaped ('<' as it is), so the tests see the page escape them.
func markerJSON(places []Place) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(places); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func mapModel() Map {
	places := talkPlaces()
	return Map{
		Assets:           Assets{Prefix: "/assets/0123456789"},
		Title:            "Where I have been",
		Places:           places,
		Total:            len(places),
		Page:             1,
		Pages:            1,
		MarkerData:       markerJSON(places),
		ClusterThreshold: 200,
		// What internal/whib passes by default; views choose no tiles.
		TileURL:         "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
		TileAttribution: `&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`,
	}
}

func TestMapPageShowsNamesAsTextInTheListAndTheMarkerData(t *testing.T) {
	out := render(t, MapPage(mapModel()))
	doc := parse(t, out)

	if imgs := all(doc, "img", nil); len(imgs) != 0 {
		t.Fatalf("a place name became an <img> element: %d found", len(imgs))
	}
	names := all(mustID(t, doc, "place-list"), "a", withClass("place-name"))
	if len(names) != 3 || text(names[2]) != evilName {
		t.Fatalf("list should show the name as text %q, got %d names, last %q", evilName, len(names), text(names[len(names)-1]))
	}
	if !strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the list should carry the name HTML-escaped")
	}

	data := mustID(t, doc, "places-data")
	if data.Data != "script" || attr(data, "type") != "application/json" {
		t.Fatalf("marker data should be a <script type=application/json>, got <%s type=%q>", data.Data, attr(data, "type"))
	}
	raw := text(data)
	if strings.Contains(raw, "<") {
		t.Fatalf("marker data must not contain a raw '<' (it could close the script element): %s", raw)
	}
	if !strings.Contains(raw, `\u003cimg src=x onerror=alert(1)\u003e`) {
		t.Errorf("marker data should escape < and > as \\u003c/\\u003e: %s", raw)
	}
	var markers []struct {
		Name      string      `json:"name"`
		Latitude  json.Number `json:"latitude"`
		Longitude json.Number `json:"longitude"`
	}
	if err := json.Unmarshal([]byte(raw), &markers); err != nil {
		t.Fatalf("marker data is not JSON: %v\n%s", err, raw)
	}
	if len(markers) != 3 || markers[2].Name != evilName {
		t.Fatalf("marker data should hold the three places with the name intact, got %+v", markers)
	}
}

func TestMarkerDataKeepsTheStoredDigitsAsNumbers(t *testing.T) {
	out := render(t, MapPage(mapModel()))
	if !strings.Contains(out, `{"name":"Graz","latitude":47.09113253131379,"longitude":15.475817295884495}`) {
		t.Errorf("coordinates should be JSON numbers with the stored digits:\n%s", out)
	}
}

func TestLargeMapsFetchMarkersInsteadOfEmbeddingThem(t *testing.T) {
	m := mapModel()
	m.MarkerData = nil
	m.MarkersURL = "/places?v=abc123"
	doc := parse(t, render(t, MapPage(m)))
	if byID(doc, "places-data") != nil {
		t.Error("no embedded marker data expected when MarkersURL is set")
	}
	if got := attr(mustID(t, doc, "map"), "data-markers-url"); got != "/places?v=abc123" {
		t.Errorf("data-markers-url = %q", got)
	}
}

func TestMapStartsWhereTheTalksMapStartedWithOpenStreetMapTiles(t *testing.T) {
	m := mapModel()
	m.ClusterThreshold = 750
	mapDiv := mustID(t, parse(t, render(t, MapPage(m))), "map")
	want := map[string]string{
		"data-center-latitude":   "13.133932434766733",
		"data-center-longitude":  "16.103938729508073",
		"data-zoom":              "3",
		"data-tile-url":          "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
		"data-tile-attribution":  `&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`,
		"data-cluster-threshold": "750",
	}
	for name, value := range want {
		if got := attr(mapDiv, name); got != value {
			t.Errorf("%s = %q, want %q", name, got, value)
		}
	}
	if hasAttr(mapDiv, "data-markers-url") {
		t.Error("data-markers-url should be absent when the markers are embedded")
	}

	m.TileURL, m.TileAttribution = "https://tiles.example/{z}/{x}/{y}.png", "Example tiles"
	mapDiv = mustID(t, parse(t, render(t, MapPage(m))), "map")
	if attr(mapDiv, "data-tile-url") != m.TileURL || attr(mapDiv, "data-tile-attribution") != "Example tiles" {
		t.Errorf("configured tiles not used: %v", mapDiv.Attr)
	}
}

func TestListShowsReadableCoordinates(t *testing.T) {
	doc := parse(t, render(t, MapPage(mapModel())))
	coords := all(doc, "span", withClass("place-coords"))
	want := []string{"47.0911° N, 15.4758° E", "23.5536° S, 46.6419° W", "15.7658° S, 47.9069° W"}
	if len(coords) != len(want) {
		t.Fatalf("want %d coordinate lines, got %d", len(want), len(coords))
	}
	for i := range want {
		if got := text(coords[i]); got != want[i] {
			t.Errorf("place %d: %q, want %q", i, got, want[i])
		}
	}
	if got := text(mustID(t, doc, "places-heading")); got != "Places (3)" {
		t.Errorf("heading %q, want %q", got, "Places (3)")
	}
}

func TestPlacesSectionLinksDownloads(t *testing.T) {
	doc := parse(t, render(t, MapPage(mapModel())))
	section := mustID(t, doc, "places")
	if attr(section, "aria-labelledby") != "places-heading" {
		t.Error("the places section should be labelled by its heading")
	}
	var hrefs []string
	for _, a := range all(section, "a", nil) {
		hrefs = append(hrefs, attr(a, "href"))
	}
	joined := strings.Join(hrefs, " ")
	for _, want := range []string{"/places.csv", "/places.geojson"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no link to %s in %v", want, hrefs)
		}
	}
}

func TestPaginationLinksWhenThereAreSeveralPages(t *testing.T) {
	m := mapModel()
	m.Total, m.Page, m.Pages = 8, 2, 3
	doc := parse(t, render(t, MapPage(m)))
	prev := all(doc, "a", func(n *html.Node) bool { return attr(n, "rel") == "prev" })
	next := all(doc, "a", func(n *html.Node) bool { return attr(n, "rel") == "next" })
	if len(prev) != 1 || attr(prev[0], "href") != "/?page=1#places" {
		t.Errorf("want one rel=prev link to /?page=1#places, got %v", prev)
	}
	if len(next) != 1 || attr(next[0], "href") != "/?page=3#places" {
		t.Errorf("want one rel=next link to /?page=3#places, got %v", next)
	}
	list := mustID(t, doc, "place-list")
	if attr(list, "start") != "4" {
		t.Errorf("page 2 with 3 places per page should count from 4, start=%q", attr(list, "start"))
	}
	if hasAttr(list, "data-last-page") {
		t.Error("page 2 of 3 is not the last page")
	}

	m.Page = 3
	doc = parse(t, render(t, MapPage(m)))
	if len(all(doc, "a", func(n *html.Node) bool { return attr(n, "rel") == "next" })) != 0 {
		t.Error("the last page has no next link")
	}
	if !hasAttr(mustID(t, doc, "place-list"), "data-last-page") {
		t.Error("the last page should accept new places (data-last-page)")
	}

	m.Page, m.Pages = 1, 1
	if out := render(t, MapPage(m)); strings.Contains(out, `rel="next"`) || strings.Contains(out, `rel="prev"`) {
		t.Error("one page needs no pagination links")
	}
}

func TestEmptyMapSaysSo(t *testing.T) {
	m := mapModel()
	m.Places, m.MarkerData, m.Total = nil, nil, 0
	doc := parse(t, render(t, MapPage(m)))
	if got := text(mustID(t, doc, "places-empty")); got != "No places yet." {
		t.Errorf("empty note %q", got)
	}
	if text(mustID(t, doc, "places-data")) != "[]" {
		t.Error("empty marker data should be []")
	}
}

func TestStaleNoteShowsWhenThePlacesAreFrom(t *testing.T) {
	m := mapModel()
	m.Stale = true
	m.UpdatedAt = time.Date(2026, 11, 27, 17, 20, 0, 0, time.FixedZone("CET", 3600))
	doc := parse(t, render(t, MapPage(m)))
	notes := all(doc, "p", withClass("notice-stale"))
	if len(notes) != 1 {
		t.Fatalf("want one stale note, got %d", len(notes))
	}
	want := "Showing places as of 27 Nov 2026 16:20 UTC; the latest changes could not be loaded."
	if got := text(notes[0]); got != want {
		t.Errorf("stale note %q, want %q", got, want)
	}

	m.Stale = false
	if strings.Contains(render(t, MapPage(m)), "could not be loaded") {
		t.Error("fresh data needs no stale note")
	}
}

func TestHeaderShowsTheAccountState(t *testing.T) {
	cases := []struct {
		name        string
		viewer      Viewer
		wantText    string
		wantHref    string
		notWantHref string
	}{
		{"anonymous", Viewer{}, "Owner? Sign in to add places", "/login", ""},
		{"signed in", Viewer{SignedIn: true, Name: "Jess <Temporal>", CanWrite: true}, "Signed in as Jess <Temporal> Log out", "", "/login"},
		{"login impossible", Viewer{LoginHint: "Signing in is not configured on this server."}, "Signing in is not configured on this server.", "", "/login"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mapModel()
			m.Viewer = tc.viewer
			doc := parse(t, render(t, MapPage(m)))
			header := all(doc, "header", nil)[0]
			if got := text(header); !strings.Contains(got, tc.wantText) {
				t.Errorf("header %q should contain %q", got, tc.wantText)
			}
			hrefs := map[string]bool{}
			for _, a := range all(doc, "a", nil) {
				hrefs[attr(a, "href")] = true
			}
			if tc.wantHref != "" && !hrefs[tc.wantHref] {
				t.Errorf("want a link to %s", tc.wantHref)
			}
			if hrefs[tc.notWantHref] {
				t.Errorf("want no link to %s", tc.notWantHref)
			}
			logouts := all(header, "form", func(n *html.Node) bool { return attr(n, "action") == "/logout" })
			if tc.viewer.SignedIn != (len(logouts) == 1) {
				t.Errorf("signed in = %v, log-out forms = %d", tc.viewer.SignedIn, len(logouts))
			}
			if len(logouts) == 1 && attr(logouts[0], "method") != "post" {
				t.Error("log out should POST")
			}
		})
	}
}

func TestLoginHintDisablesTheLoginButton(t *testing.T) {
	m := mapModel()
	m.Viewer = Viewer{LoginHint: "The login provider is unavailable right now."}
	doc := parse(t, render(t, MapPage(m)))
	buttons := all(doc, "button", func(n *html.Node) bool { return text(n) == "Log in" })
	if len(buttons) != 1 || !hasAttr(buttons[0], "disabled") || attr(buttons[0], "aria-describedby") != "login-hint" {
		t.Fatalf("want one disabled Log in button described by the hint, got %v", buttons)
	}
	if got := text(mustID(t, doc, "login-hint")); got != "The login provider is unavailable right now." {
		t.Errorf("hint %q", got)
	}
}

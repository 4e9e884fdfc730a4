package handlers_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/privacy"
)

// talkCountry is where each of the talk's places is.
var talkCountry = map[string]string{
	"Graz": "AT", "Taipei": "TW",
	"São Paulo": "BR", "Ribeirão Preto": "BR", "Florianópolis": "BR", "Salvador": "BR",
	"Maceió": "BR", "Belo Horizonte": "BR", "Brasília": "BR", "São José": "BR",
}

var countryName = map[string]string{"AT": "Austria", "TW": "Taiwan", "BR": "Brazil"}

func TestPlacesCarryTheirCountries(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)

	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	var places []map[string]any
	if err := json.Unmarshal([]byte(body), &places); err != nil {
		t.Fatalf("GET /places: %v\n%s", err, body)
	}
	if len(places) != 11 {
		t.Fatalf("GET /places has %d places, want the talk's 11", len(places))
	}
	for _, p := range places {
		name, _ := p["name"].(string)
		want := talkCountry[name]
		if p["country"] != want || p["country_name"] != countryName[want] {
			t.Errorf("GET /places: %s has country %v (%v), want %s (%s)", name, p["country"], p["country_name"], want, countryName[want])
		}
	}

	_, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/places.geojson"})
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil || len(fc.Features) != 11 {
		t.Fatalf("GET /places.geojson: %v, %d features\n%s", err, len(fc.Features), body)
	}
	for _, f := range fc.Features {
		name, _ := f.Properties["name"].(string)
		if want := talkCountry[name]; f.Properties["country"] != want || f.Properties["country_name"] != countryName[want] {
			t.Errorf("GeoJSON: %s has country %v (%v), want %s", name, f.Properties["country"], f.Properties["country_name"], want)
		}
	}

	// The CSV stays as it was: countries are never written.
	_, csv := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.csv"})
	if !bytes.Equal([]byte(csv), apptest.SeedCSV()) || bytes.Contains(app.GitHub.File("places.csv"), []byte("country")) {
		t.Error("GET /places.csv differs from the stored file, or countries were written")
	}
}

// Every place says its region, derived from its point as its country is:
// GET /places, /places/{id} and the GeoJSON properties; "" at sea.
func TestPlacesCarryTheirRegion(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\nGraz,47.0707,15.4395\nTaipei,25.033,121.5654\nMid-Atlantic,30,-40\n")))
	want := map[string][2]string{"Graz": {"AT-6", "Styria"}, "Taipei": {"TW-TPE", "Taipei"}, "Mid-Atlantic": {"", ""}}
	check := func(what string, p map[string]any) {
		t.Helper()
		name, _ := p["name"].(string)
		if w := want[name]; p["region"] != w[0] || p["region_name"] != w[1] {
			t.Errorf("%s: %s is in region %v (%v), want %q (%q)", what, name, p["region"], p["region_name"], w[0], w[1])
		}
	}
	for id, p := range placesByID(t, app) {
		check("GET /places", p)
		_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + id})
		check("GET /places/{id}", apptest.DecodeJSON(t, body))
	}
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.geojson"})
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil || len(fc.Features) != 3 {
		t.Fatalf("GET /places.geojson: %v\n%s", err, body)
	}
	for _, f := range fc.Features {
		check("GeoJSON", f.Properties)
	}
	if bytes.Contains(app.GitHub.File("places.csv"), []byte("Styria")) {
		t.Error("a region was written to the file")
	}
}

func TestStatsCountTheTalksPlaces(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/stats"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /stats = %d %s", resp.StatusCode, body)
	}
	type count struct {
		Code   string `json:"code"`
		Name   string `json:"name"`
		Places int    `json:"places"`
	}
	var got struct {
		Places     int     `json:"places"`
		Countries  []count `json:"countries"`
		Continents []count `json:"continents"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	// The talk's file has São José twice: one place (same name and point),
	// stored as two identical rows, so 10 places and 11 visits.
	wantCountries := []count{{"BR", "Brazil", 8}, {"AT", "Austria", 1}, {"TW", "Taiwan", 1}}
	wantContinents := []count{{"SA", "South America", 8}, {"AS", "Asia", 1}, {"EU", "Europe", 1}}
	if got.Places != 10 || !equalCounts(got.Countries, wantCountries) || !equalCounts(got.Continents, wantContinents) {
		t.Errorf("GET /stats = %s\nwant 10 places, countries %v, continents %v", body, wantCountries, wantContinents)
	}

	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(page, "10 places in 3 countries on 3 continents") {
		t.Error(`the map page does not say "10 places in 3 countries on 3 continents"`)
	}
}

func equalCounts[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Until its gazetteer has loaded, an app answers at once without
// countries, and says so; once loaded, the same version of the places is
// shown with them (nothing built before is served again).
func TestCountriesAppearOnceTheGazetteerHasLoaded(t *testing.T) {
	data := geo.NewData()
	app := apptest.New(t, apptest.WithGeo(data))
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/stats"})
	if !strings.Contains(body, `"loading":true`) || !strings.Contains(body, `"countries":[]`) {
		t.Errorf("GET /stats before the gazetteer loaded = %s, want loading and no countries", body)
	}
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(page, "10 places") || strings.Contains(page, "in 3 countries") {
		t.Error(`before the gazetteer loaded the map page does not say "10 places", or names countries`)
	}
	if _, err := data.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/stats"})
	if strings.Contains(body, `"loading"`) || !strings.Contains(body, `{"code":"AT","name":"Austria","places":1,`) {
		t.Errorf("GET /stats after the load = %s, want Austria counted", body)
	}
	_, page = app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(page, "10 places in 3 countries on 3 continents") {
		t.Error(`after the load the map page does not say "10 places in 3 countries on 3 continents"`)
	}
}

func TestMapPageShowsCountriesAndCreditsGeoNames(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	for _, want := range []string{
		`<span class="place-country" data-country="AT" data-region="AT-6">Styria, Austria</span>`,
		`<span class="place-country" data-country="TW" data-region="TW-TPE">Taipei, Taiwan</span>`,
		`"country":"BR","country_name":"Brazil"`, // the marker data, for the popups
		`Place names from <a href="https://www.geonames.org/">GeoNames</a>, <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>`,
		`data-world-url="/world.geojson?v=`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the map page lacks %s", want)
		}
	}
	// Flag emoji need an emoji font: without one they are empty boxes.
	if strings.ContainsFunc(page, func(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }) {
		t.Error("the map page shows flag emoji, which render as empty boxes without an emoji font")
	}
}

func TestWorldLayerIsAnImmutableVersionedAsset(t *testing.T) {
	app := apptest.New(t)
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	_, rest, ok := strings.Cut(page, `data-world-url="`)
	if !ok {
		t.Fatal("the map page has no data-world-url")
	}
	path, _, _ := strings.Cut(rest, `"`)
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: path, Header: map[string]string{"Accept-Encoding": "gzip"}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || resp.Header.Get("ETag") == "" ||
		resp.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("GET %s = %d, headers %v; want gzip, an ETag and immutable caching", path, resp.StatusCode, resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	var fc struct {
		Features []struct {
			Properties struct{ Name, Code string } `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil || len(fc.Features) < 170 {
		t.Fatalf("the world layer is not a FeatureCollection of countries: %v", err)
	}
	codes := map[string]string{}
	for _, f := range fc.Features {
		codes[f.Properties.Name] = f.Properties.Code
	}
	for name, code := range map[string]string{"Austria": "AT", "Brazil": "BR", "Taiwan": "TW", "Kosovo": "XK", "Fiji": "FJ"} {
		if codes[name] != code {
			t.Errorf("the world layer gives %s the code %q, want %s", name, codes[name], code)
		}
	}

	resp, _ = app.Do(nil, apptest.Request{Method: "GET", Path: path, Header: map[string]string{"If-None-Match": resp.Header.Get("ETag")}})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("a revalidation = %d, want 304", resp.StatusCode)
	}
	resp, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/world.geojson?v=old"})
	if strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Error("an unknown version of the world layer is cached as immutable")
	}
}

func TestFormTakesCoordinatesAsPeopleWriteThem(t *testing.T) {
	loadGeo(t)
	for _, tc := range []struct {
		name, latitude, longitude string
		row                       string
	}{
		{"Graz Uhrturm", "47.0911° N", "15.4758° E", "Graz Uhrturm,47.0911,15.4758"},
		{"Graz Oper", "47.0707, 15.4395", "", "Graz Oper,47.0707,15.4395"},
		{"Comma", "47,0707", "15,4395", "Comma,47.0707,15.4395"},
		{"Southwest", "23.5536° S", "46.6419° W", "Southwest,-23.5536,-46.6419"},
		{"Typed digits", "47.091132531313790", "15.4758", "Typed digits,47.091132531313790,15.4758"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := apptest.New(t)
			browser := app.SignIn("Jess", true)
			before := app.GitHub.File("places.csv")
			resp, fragment := app.Do(browser, apptest.Request{Method: "POST", Path: "/places",
				Body:   apptest.Form(map[string]string{"name": tc.name, "latitude": tc.latitude, "longitude": tc.longitude}),
				Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("form post with %q, %q = %d\n%s", tc.latitude, tc.longitude, resp.StatusCode, fragment)
			}
			if got := string(app.GitHub.File("places.csv")[len(before):]); got != tc.row+"\n" {
				t.Errorf("the file gained %q, want %q", got, tc.row+"\n")
			}
		})
	}

	// The JSON API keeps its strict numbers.
	app := apptest.New(t)
	resp, body := app.PostJSON(app.MachineToken(apptest.Permission), `{"name":"Graz","latitude":"47.0911° N","longitude":"15.4758° E"}`)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("JSON with 47.0911° N = %d %s, want 422", resp.StatusCode, body)
	}
}

func TestAddedPlaceComesBackWithItsCountry(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	browser := app.SignIn("Jess", true)
	resp, fragment := app.Do(browser, apptest.Request{Method: "POST", Path: "/places",
		Body:   apptest.Form(map[string]string{"name": "Wien", "latitude": "48.20849", "longitude": "16.37208"}),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(fragment, "Austria") {
		t.Errorf("htmx add = %d, want the list item with its country:\n%s", resp.StatusCode, fragment)
	}
	if trigger := resp.Header.Get("HX-Trigger"); !strings.Contains(trigger, `"country":"AT"`) {
		t.Errorf("HX-Trigger = %s, want the country for the marker's popup", trigger)
	}
}

func TestTheListCanBeGroupedByCountry(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)

	resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/?group=country"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /?group=country = %d", resp.StatusCode)
	}
	// Countries by name: Austria, Brazil, Taiwan, each with its count.
	headings := []string{"Austria · 1 place", "Brazil · 8 places", "Taiwan · 1 place"}
	at := 0
	for _, h := range headings {
		i := strings.Index(page[at:], ">"+h+"</h3>")
		if i < 0 {
			t.Fatalf("grouped list lacks heading %q after the previous one:\n%s", h, page)
		}
		at += i
	}
	// Graz sits under Austria, Taipei under Taiwan.
	austria := strings.Index(page, headings[0])
	brazil := strings.Index(page, headings[1])
	taiwan := strings.Index(page, headings[2])
	if g := strings.Index(page, ">Graz</a>"); g < austria || g > brazil {
		t.Error("Graz is not listed under Austria")
	}
	if tp := strings.Index(page, ">Taipei</a>"); tp < taiwan {
		t.Error("Taipei is not listed under Taiwan")
	}
	if !strings.Contains(page, `href="/#places"`) {
		t.Error("the grouped list has no way back to the order added")
	}

	_, plain := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if strings.Contains(plain, "</h3>") || !strings.Contains(plain, `href="/?group=country#places"`) {
		t.Error("the default list is grouped, or does not offer grouping by country")
	}

	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/?group=continent"})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "grouped") {
		t.Errorf("GET /?group=continent = %d, want 400 saying what can be grouped", resp.StatusCode)
	}
}

// /stats counts regions and the world's checklist besides the countries.
func TestStatsCountRegionsAndTheWorld(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/stats"})
	var got struct {
		Countries []struct {
			Code           string `json:"code"`
			RegionsVisited *int   `json:"regions_visited"`
			RegionsTotal   *int   `json:"regions_total"`
		} `json:"countries"`
		Regions []struct {
			Code, Name, Country string
			Places              int
			FirstVisited        *string `json:"first_visited"`
		} `json:"regions"`
		World struct {
			Visited, Total int
			List           string
		} `json:"world"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	regions := map[string]int{}
	for _, r := range got.Regions {
		regions[r.Code+" "+r.Name+" "+r.Country] = r.Places
		if r.FirstVisited == nil || *r.FirstVisited != "" {
			t.Errorf("region %s: first_visited %v, want \"\" (the talk's places carry no dates)", r.Code, r.FirstVisited)
		}
	}
	// The talk's places: Graz in Styria, Taipei, and Brazil's cities in
	// São Paulo (2), Santa Catarina (Florianópolis, and São José, one
	// place stored twice), Bahia, Alagoas, Minas Gerais and the Federal
	// District.
	for want, places := range map[string]int{"AT-6 Styria AT": 1, "BR-SP São Paulo BR": 2, "BR-SC Santa Catarina BR": 2, "BR-DF Distrito Federal BR": 1} {
		if regions[want] != places {
			t.Errorf("GET /stats regions: %s has %d places, want %d\n%s", want, regions[want], places, body)
		}
	}
	for _, c := range got.Countries {
		if c.RegionsVisited == nil || c.RegionsTotal == nil || *c.RegionsVisited < 1 || *c.RegionsTotal < *c.RegionsVisited {
			t.Errorf("country %s: regions %v of %v", c.Code, c.RegionsVisited, c.RegionsTotal)
		}
		if c.Code == "AT" && *c.RegionsTotal != 9 {
			t.Errorf("Austria has %d regions, want its 9 states", *c.RegionsTotal)
		}
	}
	// Taiwan is not on the UN's list: 2 of 195 (Austria, Brazil).
	if got.World.Visited != 2 || got.World.Total != 195 || got.World.List == "" {
		t.Errorf("world = %+v, want 2 of 195", got.World)
	}

	// A place added later has its region too; the others keep theirs.
	if resp, body := app.PostJSON(app.MachineToken(apptest.Permission), `{"name":"Wien","latitude":48.20849,"longitude":16.37208}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("add Wien = %d %s", resp.StatusCode, body)
	}
	_, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/stats"})
	if !strings.Contains(body, `{"code":"AT-9","name":"Vienna","country":"AT","places":1,`) || !strings.Contains(body, `{"code":"AT-6","name":"Styria","country":"AT","places":1,`) ||
		!strings.Contains(body, `"code":"AT","name":"Austria","places":2,"regions_visited":2,"regions_total":9`) {
		t.Errorf("GET /stats after adding Wien lacks Vienna beside Styria, or Austria's 2 of 9:\n%s", body)
	}
}

// A region's first_visited is the earliest date its places carry.
func TestStatsSayWhenARegionWasFirstVisited(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude,visited,note\n"+
		"Graz,47.0707,15.4395,2019-05-17,\n"+
		"Leoben,47.3765,15.0914,2018-07/2018-08,\n"+
		"Bruck,47.4106,15.2686,2021,\n"+
		"Wien,48.2085,16.3721,,\n")))
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/stats"})
	for _, want := range []string{
		`{"code":"AT-6","name":"Styria","country":"AT","places":3,"first_visited":"2018-07"}`,
		`{"code":"AT-9","name":"Vienna","country":"AT","places":1,"first_visited":""}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /stats lacks %s:\n%s", want, body)
		}
	}
}

func TestVisitedRegionsLayer(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/regions.geojson?codes=BR-SC,AT-6,AT-6"})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/geo+json" || resp.Header.Get("ETag") == "" {
		t.Fatalf("GET /regions.geojson = %d %v", resp.StatusCode, resp.Header)
	}
	var fc struct {
		Features []struct {
			Properties struct{ Code, Name, Country string } `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil || len(fc.Features) != 2 ||
		fc.Features[0].Properties.Name != "Styria" || fc.Features[1].Properties.Code != "BR-SC" {
		t.Fatalf("GET /regions.geojson?codes=BR-SC,AT-6: %v, %+v", err, fc.Features)
	}
	for _, bad := range []string{"", "AT", "at-6", "AT-6,", "AT-6;DE-BY", "AT-1234", strings.Repeat("AT-6,", 500) + "AT-6"} {
		resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/regions.geojson?codes=" + bad, Header: map[string]string{"Accept": "application/json"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "invalid_codes") {
			t.Errorf("codes=%.20q: %d %s, want 400 invalid_codes", bad, resp.StatusCode, body)
		}
	}

	loading := apptest.New(t, apptest.WithGeo(geo.NewData()))
	resp, body = loading.Do(nil, apptest.Request{Method: "GET", Path: "/regions.geojson?codes=AT-6", Header: map[string]string{"Accept": "application/json"}})
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "loading") {
		t.Errorf("before the gazetteer loaded: %d %s, want 503 loading with Retry-After", resp.StatusCode, body)
	}
}

// The page's checklists are those of /stats: the world's, with the list
// it counts, and each visited country's regions.
func TestThePageShowsTheChecklists(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	for _, want := range []string{
		`<summary>Checklists: 2 of 195 countries</summary>`,
		`counting the UN member and observer states. Counted apart: Taiwan (1 place).`,
		`<summary>Austria: 1 of 9 states</summary>`,
		`Visited: Styria</p>`,
	} {
		if !strings.Contains(strings.Join(strings.Fields(page), " "), want) {
			t.Errorf("the map page lacks %s", want)
		}
	}
}

// A hidden area in town mode shows its places at the nearest town of the
// gazetteer once it has loaded: geo.Index is privacy's Towns.
func TestATownAreaShowsItsPlacesAtTheTown(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\nMy flat,47.0893,15.4721\n")),
		apptest.WithConfig(func(c *whib.Config) { c.Handlers.Privacy.Areas, _ = privacy.ParseAreas("47.0893,15.4721,500m,town") }))
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	var places []struct {
		Name      string  `json:"name"`
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
	}
	if err := json.Unmarshal([]byte(body), &places); err != nil {
		t.Fatalf("GET /places: %v\n%s", err, body)
	}
	if len(places) != 1 || places[0].Name != "Graz" || places[0].Latitude == 47.0893 {
		t.Errorf("GET /places = %s, want the flat shown at Graz, under Graz's name and point", body)
	}
}

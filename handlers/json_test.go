package handlers_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

// placeKeys is a stored place with its country, region and entity tag, as
// every answer writes it.
var placeKeys = []string{"country", "country_name", "etag", "id", "latitude", "longitude", "name", "region", "region_name"}

// placesByID is GET /places, by id.
func placesByID(t *testing.T, app *apptest.Site) map[string]map[string]any {
	t.Helper()
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("GET /places: %v\n%s", err, body)
	}
	byID := map[string]map[string]any{}
	for _, p := range list {
		byID[p["id"].(string)] = p
	}
	return byID
}

// samePlace checks that got, less a write's notes, is want field for field.
func samePlace(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	place := maps.Clone(got)
	for _, note := range []string{"message", "near", "change", "undo"} {
		delete(place, note)
	}
	if keys := slices.Sorted(maps.Keys(place)); !slices.Equal(keys, slices.Sorted(maps.Keys(want))) {
		t.Errorf("%s has the fields %v, want %v", what, keys, slices.Sorted(maps.Keys(want)))
	}
	if !reflect.DeepEqual(place, want) {
		t.Errorf("%s = %v, want it as GET /places has it: %v", what, place, want)
	}
}

func trigger(t *testing.T, resp *http.Response) map[string]json.RawMessage {
	t.Helper()
	var events map[string]json.RawMessage
	if err := json.Unmarshal([]byte(resp.Header.Get("HX-Trigger")), &events); err != nil {
		t.Fatalf("HX-Trigger %q: %v", resp.Header.Get("HX-Trigger"), err)
	}
	return events
}

// A place is written in one shape: GET /places, the page's marker data,
// the answers of POST, PATCH and DELETE, and the events the page gets.
func TestAPlaceHasOneShapeEverywhere(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)

	_, list := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	var fromList, fromPage any
	_ = json.Unmarshal([]byte(list), &fromList)
	for _, p := range placesByID(t, app) {
		if keys := slices.Sorted(maps.Keys(p)); !slices.Equal(keys, placeKeys) {
			t.Fatalf("GET /places has a place with the fields %v, want %v", keys, placeKeys)
		}
	}
	if err := json.Unmarshal([]byte(between(page, `<script id="places-data" type="application/json">`, `</script>`)), &fromPage); err != nil || !reflect.DeepEqual(fromPage, fromList) {
		t.Errorf("the page's marker data (%v) is not GET /places:\n%v", err, fromPage)
	}

	resp, body := app.PostJSON(token, `{"name":"Linz","latitude":48.3069,"longitude":14.2858}`)
	added := apptest.DecodeJSON(t, body)
	if resp.StatusCode != http.StatusCreated || added["country"] != "AT" || added["region"] != "AT-4" || added["region_name"] != "Upper Austria" || added["message"] == nil {
		t.Fatalf("POST /places = %d %s, want Linz in Upper Austria with a message", resp.StatusCode, body)
	}
	linz, _ := added["id"].(string)
	samePlace(t, "POST /places's answer", added, placesByID(t, app)[linz])
	resp, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + linz})
	one := apptest.DecodeJSON(t, body)
	samePlace(t, "GET /places/{id}", one, placesByID(t, app)[linz])
	if resp.Header.Get("ETag") == "" || resp.Header.Get("ETag") != one["etag"] {
		t.Errorf("GET /places/{id} has the ETag %q and the etag %v, want both the same", resp.Header.Get("ETag"), one["etag"])
	}

	writer := app.SignIn("Jess", true)
	htmx := map[string]string{"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded", "Origin": app.URL}
	resp, _ = app.Do(writer, apptest.Request{Method: "POST", Path: "/places", Header: htmx,
		Body: apptest.Form(map[string]string{"name": "Wels", "latitude": "48.1575", "longitude": "14.0289"})})
	var event map[string]any
	if err := json.Unmarshal(trigger(t, resp)["place-added"], &event); err != nil {
		t.Fatalf("the place-added event: %v", err)
	}
	samePlace(t, "the place-added event", event, placesByID(t, app)[event["id"].(string)])

	resp, body = app.Do(nil, api(token, "PATCH", "/places/"+linz, `{"name":"Linz an der Donau"}`))
	edited := apptest.DecodeJSON(t, body)
	if resp.StatusCode != http.StatusOK || edited["change"] == nil {
		t.Fatalf("PATCH = %d %s", resp.StatusCode, body)
	}
	linz = edited["id"].(string)
	samePlace(t, "PATCH's answer", edited, placesByID(t, app)[linz])

	resp, _ = app.Do(writer, apptest.Request{Method: "PATCH", Path: "/places/" + linz, Header: htmx, Body: "name=Linz"})
	var changed struct{ Added []map[string]any }
	if err := json.Unmarshal(trigger(t, resp)["places-changed"], &changed); err != nil || len(changed.Added) != 1 {
		t.Fatalf("the places-changed event: %v %v", err, changed)
	}
	linz = changed.Added[0]["id"].(string)
	samePlace(t, "the places-changed event", changed.Added[0], placesByID(t, app)[linz])

	before := placesByID(t, app)[linz]
	resp, body = app.Do(nil, api(token, "DELETE", "/places/"+linz, ""))
	deleted := apptest.DecodeJSON(t, body)
	if resp.StatusCode != http.StatusOK || deleted["undo"] == nil {
		t.Fatalf("DELETE = %d %s", resp.StatusCode, body)
	}
	// No entity tag: the place is no longer stored.
	delete(before, "etag")
	samePlace(t, "DELETE's answer", deleted, before)
}

// A hand-edited file may hold coordinates that are numbers to Go but not
// to JSON ("+47.1", ".5"); every JSON answer stays valid JSON.
func TestCoordinatesThatAreNoJSONNumbersStillMakeJSON(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\nPlus,+47.1,15.4\nDot,.5,15.4\n")))
	for _, path := range []string{"/places", "/places.geojson"} {
		_, body := app.Do(nil, apptest.Request{Method: "GET", Path: path})
		if !json.Valid([]byte(body)) || !strings.Contains(body, "47.1") || !strings.Contains(body, "0.5") {
			t.Errorf("GET %s is not valid JSON with the coordinates:\n%s", path, body)
		}
	}
}

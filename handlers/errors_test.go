package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

// Every refusal an API client gets names the request, as its log line does,
// whichever part of the app refused it: the route table, the assets, the
// import's row check, the search, the history, the world layer.
func TestEveryErrorAnswerCarriesTheRequestID(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	asJSON := map[string]string{"Accept": "application/json"}
	for _, c := range []struct {
		what   string
		req    apptest.Request
		status int
		code   string
	}{
		{"an unknown address", apptest.Request{Method: "GET", Path: "/nowhere", Header: asJSON}, 404, "not_found"},
		{"an asset of another deploy", apptest.Request{Method: "GET", Path: "/assets/0000000000/app.js", Header: asJSON}, 404, "not_found"},
		{"an import with invalid rows", importRequest(token, "", "text/csv", []byte("name,latitude,longitude\nNowhere,91,0\n")), 422, "invalid_rows"},
		{"an over-long search", apptest.Request{Method: "GET", Path: "/search?q=" + strings.Repeat("x", 201), Header: asJSON}, 400, "query_too_long"},
		{"page 0 of the history", apptest.Request{Method: "GET", Path: "/changes?page=0", Header: asJSON}, 400, "invalid_page"},
		{"a country code that is none", apptest.Request{Method: "GET", Path: "/world.geojson?codes=x"}, 400, "invalid_codes"},
	} {
		resp, body := app.Do(nil, c.req)
		got := apptest.DecodeJSON(t, body)
		if resp.StatusCode != c.status || got["code"] != c.code || got["description"] == "" {
			t.Errorf("%s: %d %s, want %d %s with a description", c.what, resp.StatusCode, body, c.status, c.code)
		}
		if id := resp.Header.Get("X-Request-Id"); id == "" || got["request_id"] != id {
			t.Errorf("%s: request_id %v, want the X-Request-Id %q", c.what, got["request_id"], id)
		}
	}

	// The import's refusal still lists the rows to fix.
	_, body := app.Do(nil, importRequest(token, "", "text/csv", []byte("name,latitude,longitude\nNowhere,91,0\n")))
	if rep := decodeReport(t, body); len(rep.Invalid) != 1 || rep.Invalid[0].Name != "Nowhere" {
		t.Errorf("the refused import lists %+v, want the Nowhere row", rep.Invalid)
	}

	// A browser asking for a file of another deploy gets the error page,
	// which nobody caches.
	resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/assets/0000000000/app.js", Header: map[string]string{"Accept": "text/html"}})
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(page, resp.Header.Get("X-Request-Id")) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a missing asset for a browser = %d, Cache-Control %q:\n%s", resp.StatusCode, resp.Header.Get("Cache-Control"), page)
	}
}

// A refusal is shown where the person was: the import panel for an upload,
// the edit page with what they typed for a form sent without JavaScript.
func TestRefusalsAreShownInTheFormThatWasSent(t *testing.T) {
	app := apptest.New(t)
	writer := app.SignIn("Jess", true)

	resp, body := app.Do(writer, apptest.Request{Method: "POST", Path: "/places/import?dry_run=true", Body: "%PDF-1.7",
		Header: map[string]string{"Content-Type": "application/pdf", "HX-Request": "true", "Origin": app.URL}})
	if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "GPX, KML, KMZ, GeoJSON or CSV") ||
		strings.Contains(body, "hx-swap-oob") || resp.Header.Get("HX-Reswap") != "" {
		t.Errorf("an htmx upload of a PDF = %d (HX-Reswap %q), want the reason for the import panel:\n%s", resp.StatusCode, resp.Header.Get("HX-Reswap"), body)
	}

	before := app.GitHub.File("places.csv")
	id := idOf(t, app, "Salvador")
	resp, page := app.Do(writer, apptest.Request{Method: "POST", Path: "/places/" + id, Body: "name=&latitude=-12.9&longitude=-38.4&from=page",
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Origin": app.URL}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `action="/places/`+id+`"`) ||
		!strings.Contains(page, `aria-invalid="true"`) || !strings.Contains(page, `value="-12.9"`) || !strings.Contains(page, "<html") {
		t.Errorf("an edit without JavaScript and without a name = %d, want the edit page with the error and what was typed:\n%s", resp.StatusCode, page)
	}
	if string(app.GitHub.File("places.csv")) != string(before) {
		t.Error("the refused edit changed the file")
	}
}

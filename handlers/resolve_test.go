package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

// Links survive edits: GET /places/{id} answers an id the place had
// before an edit with 301 to its id now, and a deleted place with 410
// naming the change that deleted it.
func TestAnOldIDLeadsToThePlaceNow(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	taipei := idOf(t, app, "Taipei")
	asJSON := map[string]string{"Accept": "application/json"}

	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + taipei, Header: asJSON})
	if p := apptest.DecodeJSON(t, body); resp.StatusCode != http.StatusOK || p["name"] != "Taipei" || resp.Header.Get("ETag") != `"`+taipei+`.1"` {
		t.Fatalf("GET /places/{id} = %d %s, ETag %q", resp.StatusCode, body, resp.Header.Get("ETag"))
	}
	_, body = app.Do(nil, api(token, "PATCH", "/places/"+taipei, `{"name":"Taipei 101"}`))
	renamed := apptest.DecodeJSON(t, body)["id"].(string)
	_, _ = app.Do(nil, api(token, "PATCH", "/places/"+renamed, `{"latitude":25.0339}`))
	now := idOf(t, app, "Taipei 101")

	for _, old := range []string{taipei, renamed} {
		resp, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + old, Header: asJSON})
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/places/"+now || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET /places/<an old id> = %d → %q (Cache-Control %q), want 301 to /places/%s, not stored",
				resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Cache-Control"), now)
		}
	}
	writer := app.SignIn("Jess", true)
	resp, _ = app.Do(apptest.NoRedirects(writer.Jar), apptest.Request{Method: "GET", Path: "/places/" + taipei + "/edit", Header: map[string]string{"Accept": "text/html"}})
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/places/"+now+"/edit" {
		t.Errorf("a bookmarked edit page of an old id = %d → %q, want the edit page of %s", resp.StatusCode, resp.Header.Get("Location"), now)
	}

	graz := idOf(t, app, "Graz")
	_, body = app.Do(nil, api(token, "DELETE", "/places/"+graz, ""))
	undo := apptest.DecodeJSON(t, body)["undo"].(string)
	resp, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + graz, Header: asJSON})
	if p := apptest.DecodeJSON(t, body); resp.StatusCode != http.StatusGone || p["code"] != "gone" || p["change"] == "" || !strings.Contains(undo, p["change"].(string)) || !strings.Contains(p["description"].(string), "Graz was deleted") {
		t.Errorf("GET /places/<a deleted place> = %d %s, want 410 naming the delete", resp.StatusCode, body)
	}
	resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + graz, Header: map[string]string{"Accept": "text/html"}})
	if resp.StatusCode != http.StatusGone || !strings.Contains(page, "Graz was deleted") || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("a browser asking for a deleted place = %d\n%.400s", resp.StatusCode, page)
	}
	if resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places/0123456789ab", Header: asJSON}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /places/<an id never seen> = %d %s, want 404", resp.StatusCode, body)
	}
}

// twins are the ids and entity tags of the talk's two São José rows.
func twins(t *testing.T, app *apptest.Site) (ids, etags []string) {
	t.Helper()
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	var places []struct{ ID, Name, ETag string }
	if err := json.Unmarshal([]byte(body), &places); err != nil {
		t.Fatal(err)
	}
	for _, p := range places {
		if p.Name == "São José" {
			ids, etags = append(ids, p.ID), append(etags, p.ETag)
		}
	}
	return ids, etags
}

// The talk's file holds São José twice; rows are numbered by position, so
// deleting the first gives its twin the first id. A DELETE sent again
// with the same If-Match (a double click, a retry) is refused with 412
// and never deletes the twin.
func TestARetriedDeleteNeverTouchesTheTwin(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	ids, etags := twins(t, app)
	if len(ids) != 2 || etags[0] == etags[1] || etags[0] != `"`+ids[0]+`.2"` {
		t.Fatalf("the twins are %v with the tags %v", ids, etags)
	}
	before := app.GitHub.File("places.csv")
	resp, body := app.Do(nil, api(token, "DELETE", "/places/"+ids[0], ""))
	if resp.StatusCode != http.StatusPreconditionRequired || !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Fatalf("DELETE of a twin without If-Match = %d %s, want 428 and nothing deleted", resp.StatusCode, body)
	}

	// From the page: its Delete button sends the tag.
	writer := app.SignIn("Jess", true)
	_, page := app.Do(writer, apptest.Request{Method: "GET", Path: "/"})
	button := `hx-delete="/places/` + ids[0] + `" hx-headers="{&#34;If-Match&#34;:&#34;\&#34;` + ids[0] + `.2\&#34;&#34;}"`
	if !strings.Contains(page, button) {
		t.Fatalf("the page's Delete button of the first São José lacks its If-Match:\n%s", between(page, `id="place-`+ids[0]+`"`, "</li>"))
	}
	htmx := map[string]string{"HX-Request": "true", "Origin": app.URL, "If-Match": etags[0]}
	resp, body = app.Do(writer, apptest.Request{Method: "DELETE", Path: "/places/" + ids[0], Header: htmx})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE with If-Match = %d %s", resp.StatusCode, body)
	}
	// The twin took the first id: its marker and entry are told anew, and
	// the entry of the second id goes.
	var changed struct {
		Removed []string
		Added   []struct{ ID, ETag string }
	}
	_ = json.Unmarshal(trigger(t, resp)["places-changed"], &changed)
	if strings.Join(changed.Removed, ",") != ids[0]+","+ids[1] || len(changed.Added) != 1 || changed.Added[0].ID != ids[0] || changed.Added[0].ETag != `"`+ids[0]+`.1"` {
		t.Errorf("the places-changed event after deleting a twin = %+v", changed)
	}
	if !strings.Contains(body, `<li id="place-`+ids[1]+`" hx-swap-oob="delete">`) || !strings.Contains(body, `hx-target="#place-`+ids[0]+`"`) {
		t.Errorf("the answer does not renumber the twin's entry:\n%s", body)
	}
	afterFirst := app.GitHub.File("places.csv")
	if bytes.Count(afterFirst, []byte("\nSão José,")) != 1 {
		t.Fatalf("after one delete the file holds %d São José rows", bytes.Count(afterFirst, []byte("\nSão José,")))
	}
	resp, body = app.Do(writer, apptest.Request{Method: "DELETE", Path: "/places/" + ids[0], Header: htmx})
	if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "no longer as you saw it") {
		t.Errorf("the same DELETE again = %d %s, want 412", resp.StatusCode, body)
	}
	resp, body = app.Do(nil, apptest.Request{Method: "DELETE", Path: "/places/" + ids[0], Header: map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token, "If-Match": etags[0]}})
	if p := apptest.DecodeJSON(t, body); resp.StatusCode != http.StatusPreconditionFailed || p["code"] != "precondition_failed" {
		t.Errorf("the same DELETE from a machine = %d %s, want 412", resp.StatusCode, body)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), afterFirst) {
		t.Errorf("a retried DELETE deleted the twin:\n%s", app.GitHub.File("places.csv"))
	}
}

// The edit page works without JavaScript: its form carries the entity
// tag, and an edit of a place changed since is refused in the form.
func TestTheEditPageSendsWhatItSaw(t *testing.T) {
	app := apptest.New(t)
	writer := app.SignIn("Jess", true)
	ids, etags := twins(t, app)
	_, page := app.Do(writer, apptest.Request{Method: "GET", Path: "/places/" + ids[1] + "/edit", Header: map[string]string{"Accept": "text/html"}})
	if !strings.Contains(page, `name="if_match" value="`+strings.ReplaceAll(etags[1], `"`, "&#34;")+`"`) {
		t.Fatalf("the edit page has no if_match field with %s:\n%s", etags[1], between(page, "<form", "</form>"))
	}
	form := map[string]string{"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded", "Origin": app.URL}
	edit := apptest.Form(map[string]string{"name": "São José (SC)", "latitude": "-27.597724533718875", "longitude": "-48.61495221317449", "if_match": etags[1], "from": "page"})
	resp, _ := app.Do(apptest.NoRedirects(writer.Jar), apptest.Request{Method: "POST", Path: "/places/" + ids[1], Body: edit, Header: form})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the edit page's form = %d, want 303 to the map", resp.StatusCode)
	}
	before := app.GitHub.File("places.csv")
	// The first twin is alone now: its tag changed, so a form shown before
	// is refused, saying why, with what was typed.
	edit = apptest.Form(map[string]string{"name": "São José 2", "latitude": "-27.6", "longitude": "-48.6", "if_match": etags[0], "from": "page"})
	resp, page = app.Do(writer, apptest.Request{Method: "POST", Path: "/places/" + ids[0], Body: edit, Header: form})
	if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(page, "no longer as you saw it") || !strings.Contains(page, `value="São José 2"`) {
		t.Errorf("an edit from a stale form = %d, want 412 in the form with the input:\n%s", resp.StatusCode, between(page, "<main", "</main>"))
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("an edit from a stale form changed the file")
	}
}

// GET /places/{id} is a public output like GET /places: a place that is
// not public is not found by a visitor, and its delete does not name it.
func TestOnePlaceKeepsPrivatePlacesPrivate(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte(privateSeed())), apptest.WithConfig(withPrivacy))
	token := app.MachineToken(apptest.Permission)
	writer := map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token}
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places", Header: writer})
	var places []struct{ ID, Name string }
	_ = json.Unmarshal([]byte(body), &places)
	var home string
	for _, p := range places {
		if p.Name == "Secret Home" {
			home = p.ID
		}
	}
	if resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + home, Header: writer}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Secret Home") {
		t.Fatalf("a writer's GET /places/<the hidden home> = %d %s", resp.StatusCode, body)
	}
	visitor := map[string]string{"Accept": "application/json"}
	if resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + home, Header: visitor}); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Secret") {
		t.Errorf("a visitor's GET /places/<the hidden home> = %d %s, want 404", resp.StatusCode, body)
	}
	_, _ = app.Do(nil, api(token, "DELETE", "/places/"+home, ""))
	if resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places/" + home, Header: visitor}); resp.StatusCode != http.StatusGone || strings.Contains(body, "Secret") {
		t.Errorf("a visitor's GET /places/<the deleted hidden home> = %d %s, want 410 without its name", resp.StatusCode, body)
	}
}

package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

// idOf finds a place's id in GET /places.
func idOf(t *testing.T, app *apptest.Site, name string) string {
	t.Helper()
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	var places []struct{ ID, Name string }
	if err := json.Unmarshal([]byte(body), &places); err != nil {
		t.Fatal(err)
	}
	for _, p := range places {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no place %q in /places", name)
	return ""
}

func api(token, method, path, body string) apptest.Request {
	h := map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return apptest.Request{Method: method, Path: path, Body: body, Header: h}
}

func TestMachinesEditDeleteAndUndoThroughTheAPI(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	original := app.GitHub.File("places.csv")

	id := idOf(t, app, "Taipei")
	resp, body := app.Do(nil, api(token, "PATCH", "/places/"+id, `{"name":"Taipei 101"}`))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH = %d %s", resp.StatusCode, body)
	}
	got := apptest.DecodeJSON(t, body)
	if got["name"] != "Taipei 101" || got["id"] == id || got["latitude"].(float64) != 25.031224572388727 {
		t.Errorf("PATCH answered %v, want the renamed place with a new id and its coordinates", got)
	}
	renamed := bytes.Replace(original, []byte("Taipei,"), []byte("Taipei 101,"), 1)
	if !bytes.Equal(app.GitHub.File("places.csv"), renamed) {
		t.Errorf("file after the rename:\n%s", app.GitHub.File("places.csv"))
	}
	commits := app.GitHub.Commits()
	if msg := commits[len(commits)-1].Message; !strings.HasPrefix(msg, "Rename Taipei to Taipei 101\n") || !strings.Contains(msg, "Changed-by: ") {
		t.Errorf("commit message %q, want the rename in words and the author in a trailer", msg)
	}

	// The old id is stale now: the answer says the place's id now.
	resp, body = app.Do(nil, api(token, "PATCH", "/places/"+id, `{"name":"X"}`))
	if p := apptest.DecodeJSON(t, body); resp.StatusCode != http.StatusConflict || p["code"] != "conflict" || p["current"] != got["id"] {
		t.Errorf("PATCH with a stale id = %d %s, want 409 naming the current id %v", resp.StatusCode, body, got["id"])
	}

	graz := idOf(t, app, "Graz")
	resp, body = app.Do(nil, api(token, "DELETE", "/places/"+graz, ""))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE = %d %s", resp.StatusCode, body)
	}
	del := apptest.DecodeJSON(t, body)
	undo, _ := del["undo"].(string)
	if del["name"] != "Graz" || !strings.HasPrefix(undo, "/changes/") || !strings.HasSuffix(undo, "/undo") {
		t.Fatalf("DELETE answered %v, want the place and its undo URL", del)
	}
	if resp, body := app.Do(nil, api(token, "DELETE", "/places/"+graz, "")); resp.StatusCode != http.StatusGone || !strings.Contains(undo, apptest.DecodeJSON(t, body)["change"].(string)) {
		t.Errorf("second DELETE = %d %s, want 410 naming the delete", resp.StatusCode, body)
	}

	resp, body = app.Do(nil, api(token, "POST", undo, ""))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s = %d %s", undo, resp.StatusCode, body)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), renamed) {
		t.Errorf("after undoing the delete the file is\n%s\nwant\n%s", app.GitHub.File("places.csv"), renamed)
	}

	resp, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": "application/json"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /changes = %d %s", resp.StatusCode, body)
	}
	var history struct {
		Changes []struct {
			ID, Kind, By, Summary string
			At                    string
			Before, After         []map[string]any
			URL, Undo             *string
		}
		Next *string
	}
	if err := json.Unmarshal([]byte(body), &history); err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, c := range history.Changes {
		kinds = append(kinds, c.Kind)
	}
	if strings.Join(kinds, ",") != "undo,delete,edit,outside" {
		t.Errorf("history kinds = %v, want undo,delete,edit,outside (the file's creation)", kinds)
	}
	// Undone already: the delete offers no second undo.
	if c := history.Changes[1]; c.Summary != "Delete Graz" || len(c.Before) != 1 || c.Before[0]["name"] != "Graz" || c.URL == nil || c.Undo != nil || c.At == "" {
		t.Errorf("the delete in the history = %+v", c)
	}
	if resp, body := app.Do(nil, api(token, "POST", undo, "")); resp.StatusCode != http.StatusConflict || apptest.DecodeJSON(t, body)["change"] != history.Changes[0].ID {
		t.Errorf("a second undo = %d %s, want 409 naming the undo", resp.StatusCode, body)
	}
	if last := history.Changes[len(history.Changes)-1]; last.Undo != nil {
		t.Error("the file's creation offers an undo")
	}
}

func TestCurateWritesNeedTheWritePermission(t *testing.T) {
	app := apptest.New(t)
	id := idOf(t, app, "Graz")
	before := app.GitHub.File("places.csv")
	for _, r := range []apptest.Request{
		{Method: "PATCH", Path: "/places/" + id, Body: `{"name":"X"}`, Header: map[string]string{"Content-Type": "application/json", "Accept": "application/json"}},
		{Method: "DELETE", Path: "/places/" + id, Header: map[string]string{"Accept": "application/json"}},
		{Method: "POST", Path: "/changes/0123456789abcdef0123456789abcdef01234567/undo", Header: map[string]string{"Accept": "application/json"}},
	} {
		resp, _ := app.Do(nil, r)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s without a token = %d, want 401 with a challenge", r.Method, r.Path, resp.StatusCode)
		}
		r.Header["Authorization"] = "Bearer " + app.MachineToken()
		if resp, _ := app.Do(nil, r); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s without the permission = %d, want 403", r.Method, r.Path, resp.StatusCode)
		}
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a refused write changed the file")
	}
}

func TestEditsAreValidatedLikeAdds(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	before := app.GitHub.File("places.csv")
	id := idOf(t, app, "Graz")

	resp, body := app.Do(nil, api(token, "PATCH", "/places/"+id, `{"latitude":"91","name":"  "}`))
	fields, _ := apptest.DecodeJSON(t, body)["fields"].(map[string]any)
	if resp.StatusCode != http.StatusUnprocessableEntity || fields["latitude"] == nil || fields["name"] == nil || fields["longitude"] != nil {
		t.Errorf("PATCH with a bad latitude and name = %d %s, want 422 naming both and only them", resp.StatusCode, body)
	}
	resp, body = app.Do(nil, api(token, "PATCH", "/places/"+id, `{"name":"Taipei","latitude":25.031224572388727,"longitude":121.5683553927796}`))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Taipei") {
		t.Errorf("PATCH onto another place = %d %s, want 409 naming it", resp.StatusCode, body)
	}
	resp, _ = app.Do(nil, api(token, "PATCH", "/places/"+id, `{"name":`))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("PATCH with malformed JSON = %d, want 400", resp.StatusCode)
	}
	resp, _ = app.Do(nil, api(token, "PATCH", "/places/"+id, `{"name":"`+strings.Repeat("x", 20000)+`"}`))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("PATCH with a huge body = %d, want 413", resp.StatusCode)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a refused edit changed the file")
	}
}

func TestAPlaceOfTheSameNameNearbyIsMentioned(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\nTest Town,47.0,15.0\n")))
	// 33 m north.
	resp, body := app.PostJSON(app.MachineToken(apptest.Permission), `{"name":"test town","latitude":47.0003,"longitude":15.0}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST = %d %s", resp.StatusCode, body)
	}
	near, _ := apptest.DecodeJSON(t, body)["near"].(map[string]any)
	if near["name"] != "Test Town" || near["distance_m"].(float64) != 33 {
		t.Errorf("near = %v, want Test Town at 33 m", near)
	}

	// A person is asked first, and nothing is written until they confirm.
	writer := app.SignIn("Jess", true)
	before := app.GitHub.File("places.csv")
	form := apptest.Form(map[string]string{"name": "Test Town", "latitude": "47.0002", "longitude": "15.0"})
	htmx := map[string]string{"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded", "Origin": app.URL}
	resp, body = app.Do(writer, apptest.Request{Method: "POST", Path: "/places", Body: form, Header: htmx})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "test town is already 11 m from here.") || !strings.Contains(body, `name="near_ok"`) {
		t.Errorf("htmx add near a namesake = %d, want the form asking:\n%s", resp.StatusCode, body)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("the add was written before the person confirmed")
	}
	resp, _ = app.Do(writer, apptest.Request{Method: "POST", Path: "/places", Body: form + "&near_ok=yes", Header: htmx})
	if resp.StatusCode != http.StatusOK || bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Errorf("confirmed add = %d, want it written", resp.StatusCode)
	}
}

func TestWritersCurateFromThePage(t *testing.T) {
	app := apptest.New(t)
	writer := app.SignIn("Jess", true)
	_, page := app.Do(writer, apptest.Request{Method: "GET", Path: "/"})
	id := idOf(t, app, "Salvador")
	for _, want := range []string{`hx-delete="/places/` + id + `"`, `hx-get="/places/` + id + `/edit"`, `aria-label="Delete Salvador"`, "/curate.js", `id="curate-status"`} {
		if !strings.Contains(page, want) {
			t.Errorf("a writer's map page lacks %s", want)
		}
	}
	_, anon := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if strings.Contains(anon, "hx-delete") || strings.Contains(anon, "curate.js") {
		t.Error("an anonymous visitor gets the writer's controls")
	}

	htmx := map[string]string{"HX-Request": "true", "Origin": app.URL}
	resp, body := app.Do(writer, apptest.Request{Method: "GET", Path: "/places/" + id + "/edit", Header: htmx})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `hx-patch="/places/`+id+`"`) || !strings.Contains(body, `value="Salvador"`) {
		t.Fatalf("edit form = %d\n%s", resp.StatusCode, body)
	}
	htmx["Content-Type"] = "application/x-www-form-urlencoded"
	resp, body = app.Do(writer, apptest.Request{Method: "PATCH", Path: "/places/" + id, Body: "name=&latitude=-12.9&longitude=-38.4", Header: htmx})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("an edit with an empty name = %d, want the inline form with the error:\n%s", resp.StatusCode, body)
	}
	resp, body = app.Do(writer, apptest.Request{Method: "PATCH", Path: "/places/" + id, Body: "name=Salvador da Bahia&latitude=-12.947243144620645&longitude=-38.43641130189653", Header: htmx})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, ">Salvador da Bahia</a>") || !strings.Contains(resp.Header.Get("HX-Trigger"), "places-changed") {
		t.Fatalf("the inline edit = %d (trigger %q)\n%s", resp.StatusCode, resp.Header.Get("HX-Trigger"), body)
	}

	newID := idOf(t, app, "Salvador da Bahia")
	resp, body = app.Do(writer, apptest.Request{Method: "DELETE", Path: "/places/" + newID, Header: htmx})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="place-`+newID+`" hx-swap-oob="delete"`) || !strings.Contains(body, ">Undo</button>") {
		t.Fatalf("delete from the list = %d\n%s", resp.StatusCode, body)
	}

	_, changes := app.Do(writer, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": "text/html"}})
	for _, want := range []string{"Delete Salvador da Bahia", "Rename Salvador to Salvador da Bahia", "by Jess", `aria-label="Undo: Delete Salvador da Bahia"`} {
		if !strings.Contains(changes, want) {
			t.Errorf("the change log page lacks %q", want)
		}
	}
	// Undo without JavaScript: a plain form post, then back to the log.
	undo := between(changes, `action="/changes/`, `/undo"`)
	resp, _ = app.Do(writer, apptest.Request{Method: "POST", Path: "/changes/" + undo + "/undo", Body: "x=1",
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Origin": app.URL}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/changes" {
		t.Errorf("undo from the change log = %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if !strings.Contains(string(app.GitHub.File("places.csv")), "Salvador da Bahia,") {
		t.Error("the undo did not bring Salvador da Bahia back")
	}
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}

package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

// entryOf is the change log's entry of the change with this id.
func entryOf(page, id string) string {
	return between(page, `<li id="change-`+id+`"`, "</li>")
}

// The change log says what was undone and by which change, both ways,
// offers Undo only where it can apply, tells a rename as a rename and a
// move as a move, and writes times for the viewer's zone to localise.
func TestTheChangeLogTellsWhatHappened(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	_, body := app.Do(nil, api(token, "DELETE", "/places/"+idOf(t, app, "Graz"), ""))
	undo := apptest.DecodeJSON(t, body)["undo"].(string)
	deleteID := strings.TrimSuffix(strings.TrimPrefix(undo, "/changes/"), "/undo")
	_, body = app.Do(nil, api(token, "POST", undo, ""))
	undoID := apptest.DecodeJSON(t, body)["change"].(map[string]any)["id"].(string)
	_, _ = app.Do(nil, api(token, "PATCH", "/places/"+idOf(t, app, "Taipei"), `{"name":"Taipei 101"}`))
	_, _ = app.Do(nil, api(token, "PATCH", "/places/"+idOf(t, app, "Salvador"), `{"latitude":-12.9,"longitude":-38.5}`))

	writer := app.SignIn("Jess", true)
	_, log := app.Do(writer, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": "text/html"}})
	deleted, undoing := entryOf(log, deleteID), entryOf(log, undoID)
	if !strings.Contains(deleted, `Undone by <a href="/changes/`+undoID+`"`) || strings.Contains(deleted, "undo-form") {
		t.Errorf("the undone delete does not say by which change, or still offers Undo:\n%s", deleted)
	}
	if !strings.Contains(undoing, `<span class="change-kind">Undo</span>`) || !strings.Contains(undoing, `Undoes <a href="/changes/`+deleteID+`"`) ||
		!strings.Contains(undoing, `aria-label="Redo: Delete Graz"`) {
		t.Errorf("the undo does not say what it undid, or offers no Redo:\n%s", undoing)
	}
	if strings.Contains(log, ">Undone<") {
		t.Error(`an undo is labelled "Undone", which reads as if it had been undone`)
	}
	for _, want := range []string{
		`<dt>Renamed</dt><dd><span class="change-before">Taipei</span> → <span class="change-after">Taipei 101</span>`,
		`<dt>Moved</dt><dd>Salvador from <span class="change-before place-coords">12.9472° S, 38.4364° W</span> to <span class="change-after place-coords">12.9000° S, 38.5000° W</span>`,
		`data-local>`, `/localtime.js"`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the change log lacks %s", want)
		}
	}
	if strings.Contains(log, "<dt>Removed</dt><dd class=\"change-before\">Taipei") {
		t.Error("the rename is told as a place removed and one added")
	}
}

// An undo the history refuses (it was undone already) is answered in the
// log's entry, with the keyboard on the reason: with htmx in place, and
// without JavaScript on the change's own page, never an error page.
func TestARefusedUndoIsAnsweredInTheLog(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	_, body := app.Do(nil, api(token, "DELETE", "/places/"+idOf(t, app, "Graz"), ""))
	undo := apptest.DecodeJSON(t, body)["undo"].(string)
	deleteID := strings.TrimSuffix(strings.TrimPrefix(undo, "/changes/"), "/undo")
	writer := app.SignIn("Jess", true)
	htmx := map[string]string{"HX-Request": "true", "Origin": app.URL, "Content-Type": "application/x-www-form-urlencoded"}

	resp, entry := app.Do(writer, apptest.Request{Method: "POST", Path: undo, Body: "from=log", Header: htmx})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(entry, `<li id="change-`+deleteID+`"`) || !strings.Contains(entry, "Undone by") ||
		!strings.Contains(entry, "autofocus") || !strings.Contains(entry, `hx-swap-oob="afterbegin:#change-log[data-newest]"`) {
		t.Fatalf("an undo from the log = %d, want the entry, undone, and the undo on top:\n%s", resp.StatusCode, entry)
	}
	resp, entry = app.Do(writer, apptest.Request{Method: "POST", Path: undo, Body: "from=log", Header: htmx})
	if resp.StatusCode != http.StatusConflict || !strings.HasPrefix(entry, `<li id="change-`+deleteID+`"`) ||
		!strings.Contains(entry, `role="alert" tabindex="-1" autofocus>This change was undone already`) || strings.Contains(entry, "undo-form") {
		t.Errorf("a refused undo from the log = %d, want its entry saying why:\n%s", resp.StatusCode, entry)
	}
	form := map[string]string{"Accept": "text/html", "Origin": app.URL, "Content-Type": "application/x-www-form-urlencoded"}
	resp, page := app.Do(writer, apptest.Request{Method: "POST", Path: undo, Body: "from=log", Header: form})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `<li id="change-`+deleteID+`"`) || !strings.Contains(page, "This change was undone already") ||
		!strings.Contains(page, `href="/changes"`) {
		t.Errorf("a refused undo without JavaScript = %d, want the change's page saying why:\n%.2000s", resp.StatusCode, page)
	}
}

// A big change lists 20 rows in the log, with "and N more" leading to the
// change's own page, which lists every row, 200 a page.
func TestABigChangeListsEveryRowOnItsOwnPages(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	var csv strings.Builder
	csv.WriteString("name,latitude,longitude\n")
	for i := range 450 {
		fmt.Fprintf(&csv, "Spot %d,%d.5,%d.25\n", i, i%80, i%170)
	}
	resp, body := app.Do(nil, importRequest(token, "", "text/csv", []byte(csv.String())))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("import = %d %s", resp.StatusCode, body)
	}
	id := strings.TrimPrefix(decodeReport(t, body).Change, "/changes/")

	asJSON := map[string]string{"Accept": "application/json"}
	_, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/changes", Header: asJSON})
	var log struct {
		Changes []struct {
			ID         string
			After      []json.RawMessage
			AfterCount int `json:"after_count"`
		}
	}
	_ = json.Unmarshal([]byte(body), &log)
	if c := log.Changes[0]; c.ID != id || len(c.After) != 20 || c.AfterCount != 450 {
		t.Errorf("the import in the log lists %d rows of %d, want 20 of 450", len(c.After), c.AfterCount)
	}
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": "text/html"}})
	if !strings.Contains(entryOf(page, id), `<a href="/changes/`+id+`">and 430 more</a>`) {
		t.Errorf("the log's entry of the import does not lead to the rest:\n%s", entryOf(page, id))
	}

	seen := map[string]bool{}
	next := "/changes/" + id
	for n := 1; next != ""; n++ {
		resp, body = app.Do(nil, apptest.Request{Method: "GET", Path: next, Header: asJSON})
		var c struct {
			After       []struct{ Name string }
			Page, Pages int
			Next        *string
		}
		if err := json.Unmarshal([]byte(body), &c); err != nil || resp.StatusCode != http.StatusOK || c.Page != n || c.Pages != 3 {
			t.Fatalf("GET %s = %d %.300s", next, resp.StatusCode, body)
		}
		if want := min(200, 450-(n-1)*200); len(c.After) != want {
			t.Errorf("page %d lists %d rows, want %d", n, len(c.After), want)
		}
		for _, p := range c.After {
			seen[p.Name] = true
		}
		next = ""
		if c.Next != nil {
			next = *c.Next
		}
	}
	if len(seen) != 450 {
		t.Errorf("the pages list %d of the 450 rows", len(seen))
	}
	if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/changes/" + id + "?page=4", Header: asJSON}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a page past the rows = %d, want 404", resp.StatusCode)
	}
	_, page = app.Do(nil, apptest.Request{Method: "GET", Path: "/changes/" + id + "?page=2", Header: map[string]string{"Accept": "text/html"}})
	if !strings.Contains(page, `href="/changes/`+id+`?page=1">Earlier rows`) || !strings.Contains(page, `href="/changes/`+id+`?page=3">Later rows`) || !strings.Contains(page, ">Spot 200 <") {
		t.Errorf("the change's second page of rows:\n%s", between(page, `<nav class="pagination"`, "</nav>"))
	}
}

// Every change made on the page offers Undo in the status line (no timer);
// an Undo or a Delete refused there is told there too.
func TestTheStatusLineOffersUndoForEveryChange(t *testing.T) {
	app := apptest.New(t)
	writer := app.SignIn("Jess", true)
	htmx := map[string]string{"HX-Request": "true", "Origin": app.URL, "Content-Type": "application/x-www-form-urlencoded"}
	undoIn := func(what, body string) string {
		t.Helper()
		status := between(body, `<div id="curate-status" hx-swap-oob="innerHTML">`, "</div>")
		undo := between(status, `hx-post="`, `"`)
		if !strings.HasPrefix(undo, "/changes/") || strings.Contains(status, "data-expires") {
			t.Errorf("%s: the status line offers no lasting Undo:\n%s", what, body)
		}
		return undo
	}

	_, body := app.Do(writer, apptest.Request{Method: "POST", Path: "/places", Header: htmx,
		Body: apptest.Form(map[string]string{"name": "Linz", "latitude": "48.3069", "longitude": "14.2858"})})
	if undoIn("an add", body); strings.Contains(between(body, `id="curate-status"`, "</div>"), "autofocus") {
		t.Error("an add takes the keyboard from the form to Undo")
	}
	_, body = app.Do(writer, apptest.Request{Method: "PATCH", Path: "/places/" + idOf(t, app, "Linz"), Header: htmx, Body: "name=Linz an der Donau"})
	undoIn("an edit", body)
	if strings.Contains(between(body, `id="curate-status"`, "</div>"), "autofocus") {
		t.Error("a saved inline edit takes the keyboard away from its entry to Undo")
	}
	var csv bytes.Buffer
	mw := multipart.NewWriter(&csv)
	part, _ := mw.CreateFormFile("file", "two.csv")
	_, _ = part.Write([]byte("name,latitude,longitude\nWels,48.1575,14.0289\nSteyr,48.0427,14.4213\n"))
	_ = mw.Close()
	_, body = app.Do(writer, apptest.Request{Method: "POST", Path: "/places/import", Body: csv.String(),
		Header: map[string]string{"HX-Request": "true", "Origin": app.URL, "Content-Type": mw.FormDataContentType()}})
	importUndo := undoIn("an import", body)
	resp, body := app.Do(writer, apptest.Request{Method: "POST", Path: importUndo, Header: htmx})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `aria-label="Redo: Import 2 places from two.csv"`) {
		t.Errorf("undoing the import from the status line = %d, want it to offer Redo:\n%s", resp.StatusCode, body)
	}

	// The same Undo again (another tab undid it meanwhile): refused, said
	// in the status line, and the Undo goes.
	resp, body = app.Do(writer, apptest.Request{Method: "POST", Path: importUndo, Header: htmx})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `<span id="curate-message" class="form-error" role="alert" hx-swap-oob="true">This change was undone already`) ||
		!strings.Contains(body, `<span id="curate-undo" hx-swap-oob="delete">`) {
		t.Errorf("a refused Undo in the status line = %d:\n%s", resp.StatusCode, body)
	}
	// A Delete of a place changed since: refused there too, Undo kept.
	graz := idOf(t, app, "Graz")
	htmx["If-Match"] = `"` + graz + `.7"`
	resp, body = app.Do(writer, apptest.Request{Method: "DELETE", Path: "/places/" + graz, Header: htmx})
	if resp.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, `id="curate-message" class="form-error" role="alert"`) || strings.Contains(body, "curate-undo") {
		t.Errorf("a refused Delete = %d:\n%s", resp.StatusCode, body)
	}
}

package handlers_test

import (
	"net/http"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

// TestConfirmationsAreWrittenForPeople: after a change the writer reads
// what happened ("Renamed to Taipei 101."), not the commit message
// ("Rename Taipei to Taipei 101"), which the history keeps.
func TestConfirmationsAreWrittenForPeople(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	message := func(what string, resp *http.Response, body string) (string, map[string]any) {
		t.Helper()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s = %d %s", what, resp.StatusCode, body)
		}
		got := apptest.DecodeJSON(t, body)
		m, _ := got["message"].(string)
		return m, got
	}
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s says %q, want %q", what, got, want)
		}
	}

	resp, body := app.Do(nil, api(token, "PATCH", "/places/"+idOf(t, app, "Taipei"), `{"name":"Taipei 101"}`))
	said, renamed := message("the rename", resp, body)
	check("the rename", said, "Renamed to Taipei 101.")
	resp, body = app.Do(nil, api(token, "POST", renamed["undo"].(string), ""))
	said, _ = message("its undo", resp, body)
	check("the rename's undo", said, "Taipei is as it was.")

	resp, body = app.Do(nil, api(token, "PATCH", "/places/"+idOf(t, app, "Graz"), `{"latitude":47.1,"visited":"2024-05"}`))
	said, _ = message("the move", resp, body)
	check("a move and a date", said, "Moved Graz and dated it 2024-05.")

	resp, body = app.Do(nil, api(token, "DELETE", "/places/"+idOf(t, app, "Salvador"), ""))
	said, deleted := message("the delete", resp, body)
	check("the delete", said, "Deleted Salvador.")
	resp, body = app.Do(nil, api(token, "POST", deleted["undo"].(string), ""))
	said, _ = message("its undo", resp, body)
	check("the delete's undo", said, "Brought Salvador back.")
}

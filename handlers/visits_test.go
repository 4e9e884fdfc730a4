package handlers_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

// site is whib on one backend, with a way to read the stored file.
type site struct {
	*apptest.Site
	stored func() string
}

// onEachBackend runs test against whib keeping csv in the fake GitHub
// repository and in a local file.
func onEachBackend(t *testing.T, csv string, test func(t *testing.T, app site), opts ...apptest.Option) {
	for _, backend := range []string{"github", "file"} {
		t.Run(backend, func(t *testing.T) {
			o := append([]apptest.Option{apptest.WithCSV([]byte(csv))}, opts...)
			path := filepath.Join(t.TempDir(), "places.csv")
			if backend == "file" {
				writeFile(t, path, csv)
				o = append(o, apptest.WithConfig(func(c *whib.Config) { c.GitHubRepo, c.PlacesFile = "", path }))
			}
			app := apptest.New(t, o...)
			s := site{Site: app, stored: func() string { return string(app.GitHub.File("places.csv")) }}
			if backend == "file" {
				s.stored = func() string {
					b, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					return string(b)
				}
			}
			test(t, s)
		})
	}
}

// changeSummaries are the history's summaries, newest first.
func changeSummaries(t *testing.T, app site) []string {
	t.Helper()
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": "application/json"}})
	var h struct {
		Changes []struct {
			Kind    string `json:"kind"`
			Summary string `json:"summary"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("GET /changes: %v\n%s", err, body)
	}
	var out []string
	for _, c := range h.Changes {
		out = append(out, c.Kind+": "+c.Summary)
	}
	return out
}

// A traveller's client sends when and a note; the file gains its columns in
// a change of their own, the untouched rows keep their bytes, and a second
// date at the same place is a visit.
func TestAPlaceIsAddedWithItsDateAndNoteAndAgainAsAVisit(t *testing.T) {
	const seed = "name,latitude,longitude\nGraz,47.0707,15.4395\nLinz,48.3069,14.2858\n"
	onEachBackend(t, seed, func(t *testing.T, app site) {
		token := app.MachineToken(apptest.Permission)
		resp, body := app.PostJSON(token, `{"name":"Graz","latitude":47.0707,"longitude":15.4395,"visited":"2019-07-14/2019-07-18","note":"Talk at <Grazer> Linuxtage\nhttps://example.org/talk"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST with a date = %d %s, want 201", resp.StatusCode, body)
		}
		got := apptest.DecodeJSON(t, body)
		if got["visited"] != "2019-07-14/2019-07-18" || got["note"] != "Talk at <Grazer> Linuxtage\nhttps://example.org/talk" {
			t.Errorf("the answer has visited %v and note %q", got["visited"], got["note"])
		}
		if got["message"] != "Added a visit to Graz (2019-07-14/2019-07-18)." {
			t.Errorf("message = %q, want it to say a visit was added", got["message"])
		}
		want := "name,latitude,longitude,visited,note\nGraz,47.0707,15.4395\nLinz,48.3069,14.2858\n" +
			"Graz,47.0707,15.4395,2019-07-14/2019-07-18,\"Talk at <Grazer> Linuxtage\nhttps://example.org/talk\"\n"
		if stored := app.stored(); stored != want {
			t.Errorf("stored file:\n%s\nwant the untouched rows as they were, three fields:\n%s", stored, want)
		}
		summaries := changeSummaries(t, app)
		if len(summaries) < 2 || !strings.Contains(summaries[1], "Add columns visited and note") || !strings.HasPrefix(summaries[0], "add: ") {
			t.Errorf("history = %q, want the columns added in a change of their own, then the visit", summaries)
		}

		resp, body = app.PostJSON(token, `{"name":"graz","latitude":"47.0707","longitude":"15.4395","visited":2023}`)
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"message":"Added a visit to graz (2023)."`) {
			t.Errorf("a second visit = %d %s", resp.StatusCode, body)
		}
		before := app.stored()
		resp, body = app.PostJSON(token, `{"name":"Graz","latitude":47.0707,"longitude":15.4395,"visited":"2023"}`)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "graz (2023) is already on the map.") || app.stored() != before {
			t.Errorf("the same visit again = %d %s, or the file changed", resp.StatusCode, body)
		}

		var list []map[string]any
		_, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
		if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 4 {
			t.Fatalf("GET /places = %s", body)
		}
		if _, has := list[1]["visited"]; has || list[1]["note"] != nil {
			t.Errorf("an undated place has visited or note in GET /places: %v", list[1])
		}
		if list[3]["visited"] != "2023" {
			t.Errorf("GET /places lists the visit as %v", list[3])
		}
	})
}

// Dates and notes that are wrong are refused field by field, in words,
// and nothing is written.
func TestWrongDatesAndNotesAreRefusedSayingWhatIsWrong(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	before := string(app.GitHub.File("places.csv"))
	for _, c := range []struct{ body, field, want string }{
		{`"visited":"2019-13"`, "visited", "Month must be 01 to 12 (it is 13)."},
		{`"visited":"2019-02-30"`, "visited", "Day must be 01 to 28 in February 2019 (it is 30)."},
		{`"visited":"2020/2019"`, "visited", "The end (2019) is before the start (2020)."},
		{`"visited":"July 2019"`, "visited", "Write a year (2019), a month (2019-07), a day (2019-07-14), or two of them joined by a slash (2019-07-14/2019-07-18)."},
		{`"visited":true`, "visited", `The visited date must be text, like "2019-07-14".`},
		{`"note":"` + strings.Repeat("é", 1001) + `"`, "note", "Note must be at most 1000 characters (it has 1001)."},
		{`"note":"bell\u0007"`, "note", "Note must not contain control characters."},
		{`"note":["a"]`, "note", "The note must be text."},
	} {
		resp, body := app.PostJSON(token, `{"name":"Graz","latitude":47.07,"longitude":15.44,`+c.body+`}`)
		fields, _ := apptest.DecodeJSON(t, body)["fields"].(map[string]any)
		if resp.StatusCode != http.StatusUnprocessableEntity || fields[c.field] != c.want || len(fields) != 1 {
			t.Errorf("%s: %d %s\nwant 422 with %s: %q", c.body, resp.StatusCode, body, c.field, c.want)
		}
	}
	resp, body := app.PostJSON(token, `{"name":"Graz","latitude":47.07,"longitude":15.44,"visited":"2019","visited":"2020"}`)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `The key \"visited\" appears more than once.`) {
		t.Errorf("a repeated visited = %d %s, want 400", resp.StatusCode, body)
	}
	if string(app.GitHub.File("places.csv")) != before {
		t.Error("a refused place changed the file")
	}
}

// PATCH changes a visit's date and note, or clears them; the form does the
// same for people.
func TestAVisitsDateAndNoteAreEditedAndCleared(t *testing.T) {
	const seed = "name,latitude,longitude,visited,note\nGraz,47.0707,15.4395,2019,Talk\nLinz,48.3069,14.2858\n"
	onEachBackend(t, seed, func(t *testing.T, app site) {
		token := app.MachineToken(apptest.Permission)
		graz := placeIDByName(t, app.Site, "Graz")
		patch := func(id, body string) (*http.Response, map[string]any) {
			resp, answer := app.Do(nil, apptest.Request{Method: "PATCH", Path: "/places/" + id, Body: body,
				Header: map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json", "Accept": "application/json"}})
			return resp, apptest.DecodeJSON(t, answer)
		}
		resp, got := patch(graz, `{"visited":"2019-09","note":"Talk, and the castle"}`)
		if resp.StatusCode != http.StatusOK || got["visited"] != "2019-09" || got["note"] != "Talk, and the castle" || got["name"] != "Graz" {
			t.Fatalf("PATCH = %d %v", resp.StatusCode, got)
		}
		resp, got = patch(got["id"].(string), `{"note":""}`)
		if _, has := got["note"]; resp.StatusCode != http.StatusOK || has || got["visited"] != "2019-09" {
			t.Errorf("clearing the note = %d %v", resp.StatusCode, got)
		}
		if want := "Graz,47.0707,15.4395,2019-09\n"; !strings.Contains(app.stored(), want) {
			t.Errorf("stored:\n%s\nwant the row %q", app.stored(), want)
		}
		resp, got = patch(got["id"].(string), `{"visited":"2019-00"}`)
		if fields, _ := got["fields"].(map[string]any); resp.StatusCode != http.StatusUnprocessableEntity || fields["visited"] != "Month must be 01 to 12 (it is 00)." {
			t.Errorf("a wrong month = %d %v", resp.StatusCode, got)
		}

		writer := app.SignIn("Jess", true)
		resp, _ = app.Do(writer, apptest.Request{Method: "POST", Path: "/places",
			Body:   apptest.Form(map[string]string{"name": "Linz", "latitude": "48.3069", "longitude": "14.2858", "visited": "2024-05", "note": "Ars Electronica"}),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(app.stored(), "Linz,48.3069,14.2858,2024-05,Ars Electronica\n") {
			t.Errorf("the form's add = %d, stored:\n%s", resp.StatusCode, app.stored())
		}
	})
}

// placeIDByName is the id GET /places gives the first place of that name.
func placeIDByName(t *testing.T, app *apptest.Site, name string) string {
	t.Helper()
	var list []map[string]any
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if p["name"] == name {
			return p["id"].(string)
		}
	}
	t.Fatalf("no place named %q in %s", name, body)
	return ""
}

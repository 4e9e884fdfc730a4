package handlers_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// travels is a map with dates: Graz twice, three places in 2024, one with
// no date, and a plan.
func travels() string {
	plan := time.Now().AddDate(1, 0, 0).Format("2006-01")
	return "name,latitude,longitude,visited,note\n" +
		"Graz,47.0707,15.4395,2019,Talk\n" +
		"Graz,47.0707,15.4395,2023-05,Again\n" +
		"Lima,-12.0464,-77.0428,2024-03-10/2024-03-20\n" +
		"Tokyo,35.6762,139.6503,2024-11,\"Sushi, see https://example.org/sushi.\"\n" +
		"Santiago,-33.4489,-70.6693,2024-01\n" +
		"Taipei,25.0330,121.5654\n" +
		"Kyoto,35.0116,135.7681," + plan + ",Cherry blossoms\n"
}

// Every output keeps the visits that overlap ?visited=; each filter is a
// body (and an ETag) of its own; a wrong one is a 400 saying why.
func TestEveryOutputKeepsTheVisitsOfVisited(t *testing.T) {
	loadGeo(t)
	onEachBackend(t, travels(), func(t *testing.T, app site) {
		outputs := []string{"/places", "/places.geojson", "/places.gpx", "/places.kml", "/places.csv", "/stats", "/", "/embed"}
		for _, path := range outputs {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: path + sep + "visited=2024"})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s?visited=2024 = %d %s", path, resp.StatusCode, body)
			}
			for _, in := range []string{"Lima", "Tokyo", "Santiago"} {
				if path != "/stats" && !strings.Contains(body, in) {
					t.Errorf("GET %s?visited=2024 leaves out %s", path, in)
				}
			}
			for _, out := range []string{"Graz", "Taipei", "Kyoto"} {
				if path != "/" && path != "/embed" && strings.Contains(body, out) {
					t.Errorf("GET %s?visited=2024 shows %s", path, out)
				}
			}
			_, all := app.Do(nil, apptest.Request{Method: "GET", Path: path})
			if tag := resp.Header.Get("ETag"); tag != "" {
				again, _ := app.Do(nil, apptest.Request{Method: "GET", Path: path + sep + "visited=2024", Header: map[string]string{"If-None-Match": tag}})
				if again.StatusCode != http.StatusNotModified {
					t.Errorf("GET %s?visited=2024 with its own ETag = %d, want 304", path, again.StatusCode)
				}
				other, _ := app.Do(nil, apptest.Request{Method: "GET", Path: path + sep + "visited=2019/2021", Header: map[string]string{"If-None-Match": tag}})
				if other.StatusCode != http.StatusOK || other.Header.Get("ETag") == tag {
					t.Errorf("GET %s?visited=2019/2021 answers %d with the ETag of 2024", path, other.StatusCode)
				}
			}
			if path == "/places.csv" && all != app.stored() {
				t.Errorf("GET /places.csv without ?visited= is not the stored file:\n%s", all)
			}
			resp, body = app.Do(nil, apptest.Request{Method: "GET", Path: path + sep + "visited=2019-13"})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Month must be 01 to 12 (it is 13).") {
				t.Errorf("GET %s?visited=2019-13 = %d %s, want 400 saying what is wrong", path, resp.StatusCode, body)
			}
		}
		whole, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/preview.png"})
		year, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/preview.png?visited=2024"})
		wrong, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/preview.png?visited=2024-1"})
		if year.StatusCode != http.StatusOK || year.Header.Get("ETag") == whole.Header.Get("ETag") || wrong.StatusCode != http.StatusBadRequest {
			t.Errorf("GET /preview.png?visited=2024 = %d (ETag %s, the whole map's %s); a wrong one = %d %s",
				year.StatusCode, year.Header.Get("ETag"), whole.Header.Get("ETag"), wrong.StatusCode, body)
		}
		_, csv := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.csv?visited=2019/2021"})
		if csv != "name,latitude,longitude,visited,note\nGraz,47.0707,15.4395,2019,Talk\n" {
			t.Errorf("GET /places.csv?visited=2019/2021 =\n%s", csv)
		}
		var list []map[string]any
		_, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/places?visited=2024-03-15"})
		if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 1 || list[0]["name"] != "Lima" {
			t.Fatalf("GET /places?visited=2024-03-15 = %s, want Lima's stay", body)
		}
		if lima := placesByID(t, app.Site)[list[0]["id"].(string)]; lima["etag"] != list[0]["etag"] || lima["etag"] == nil {
			t.Errorf("Lima's etag is %v filtered and %v in GET /places", list[0]["etag"], lima["etag"])
		}
	})
}

// /stats counts places been to (plans aside), visits, plans and, per year,
// the places and the countries first visited then; the page says it.
func TestStatsTellPerYearAndPerCountryTheFirstVisit(t *testing.T) {
	loadGeo(t)
	app := apptest.New(t, apptest.WithCSV([]byte(travels())))
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/stats"})
	var got struct {
		Places, Visits, Planned int
		Countries               []struct {
			Code         string  `json:"code"`
			Places       int     `json:"places"`
			FirstVisited *string `json:"first_visited"`
		}
		Years []struct {
			Year, Visits, Places, Countries int
			NewCountries                    []struct{ Code, Name string } `json:"new_countries"`
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Places != 5 || got.Visits != 6 || got.Planned != 1 {
		t.Errorf("GET /stats = %s\nwant 5 places (Kyoto is a plan), 6 visits, 1 planned", body)
	}
	first := map[string]string{}
	for _, c := range got.Countries {
		if c.FirstVisited != nil {
			first[c.Code] = *c.FirstVisited
		}
		if c.Code == "JP" && c.Places != 1 || c.Code == "AT" && c.Places != 1 {
			t.Errorf("country %s counts %d places", c.Code, c.Places)
		}
	}
	if want := map[string]string{"AT": "2019", "PE": "2024-03-10", "JP": "2024-11", "CL": "2024-01"}; !maps.Equal(first, want) {
		t.Errorf("first visits %v, want %v (Taiwan has no date)", first, want)
	}
	if len(got.Years) != 3 || got.Years[0].Year != 2024 || got.Years[1].Year != 2023 || got.Years[2].Year != 2019 {
		t.Fatalf("years = %+v, want 2024, 2023, 2019", got.Years)
	}
	y := got.Years[0]
	if y.Visits != 3 || y.Places != 3 || y.Countries != 3 || len(y.NewCountries) != 3 || y.NewCountries[0].Name != "Chile" {
		t.Errorf("2024 = %+v, want 3 visits, places and new countries (Chile, Japan, Peru)", y)
	}
	if y := got.Years[1]; y.Places != 1 || len(y.NewCountries) != 0 {
		t.Errorf("2023 = %+v, want Graz again and no new country", y)
	}
	_, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/stats?visited=2024"})
	if !strings.Contains(body, `"places":3,"visits":3,"planned":0`) {
		t.Errorf("GET /stats?visited=2024 = %s", body)
	}
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	for _, want := range []string{"2024: 3 places, 3 new countries: Chile, Japan, Peru", "since 2019", "Planned: 1 visit", "5 places in 5 countries"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
}

// The list shows each place once with its dates: by date it is plans
// first, then newest first by year, then the places with no date; with
// ?visited= only that year's, and the year control says which.
func TestTheListByDateAndByYear(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte(travels())))
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/?order=date"})
	at := 0
	for _, h := range []string{">Planned · 1 place</h3>", ">Kyoto</a>", ">2024 · 3 places</h3>", ">Tokyo</a>", ">Lima</a>", ">Santiago</a>",
		">2023 · 1 place</h3>", ">Graz</a>", "2023-05", "Again", "2019", "Talk", ">No date · 1 place</h3>", ">Taipei</a>"} {
		i := strings.Index(page[at:], h)
		if i < 0 {
			t.Fatalf("the list by date lacks %q after the previous one:\n%s", h, page[strings.Index(page, `id="places"`):])
		}
		at += i
	}
	if n := strings.Count(page, ">Graz</a>"); n != 1 {
		t.Errorf("Graz is listed %d times, want once with both dates", n)
	}
	if !strings.Contains(page, `<a href="https://example.org/sushi" rel="nofollow noopener">https://example.org/sushi</a>.`) {
		t.Error("the note's address is not a link (without the sentence's full stop)")
	}
	_, page = app.Do(nil, apptest.Request{Method: "GET", Path: "/?visited=2024"})
	list := page[strings.Index(page, `id="places"`):]
	if strings.Contains(list, ">Graz</a>") || !strings.Contains(list, ">Lima</a>") || !strings.Contains(list, `<span id="place-count">3</span>`) {
		t.Errorf("the list of 2024:\n%s", list)
	}
	if !strings.Contains(page, `<option value="2024" selected>2024</option>`) || !strings.Contains(page, `<option value="2023">2023</option>`) {
		t.Error("the year control does not offer the years with 2024 chosen")
	}
	resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/?order=name"})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET /?order=name = %d, want 400", resp.StatusCode)
	}
}

// Adding a place already on the map with a new date says so, and the
// page's entry of the place is swapped for one with both visits.
func TestTheFormAddsAVisitAndSaysSo(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude,visited,note\nGraz,47.0707,15.4395,2019,Talk\n")))
	graz := placeIDByName(t, app, "Graz")
	writer := app.SignIn("Jess", true)
	resp, fragment := app.Do(writer, apptest.Request{Method: "POST", Path: "/places",
		Body:   apptest.Form(map[string]string{"name": "Graz", "latitude": "47.0707", "longitude": "15.4395", "visited": "2023", "note": "Again"}),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(fragment, "Added a visit to Graz (2023).") {
		t.Fatalf("htmx add of a visit = %d:\n%s", resp.StatusCode, fragment)
	}
	oob := `data-place-id="` + graz + `" class="place-with-visits" hx-swap-oob="outerHTML:[data-group=&#34;`
	if !strings.Contains(fragment, oob) || strings.Index(fragment, ">2023<") > strings.Index(fragment, ">2019<") {
		t.Errorf("the answer does not swap Graz's entry (%s) for one with 2023, then 2019:\n%s", oob, fragment)
	}
	if !strings.Contains(resp.Header.Get("HX-Trigger"), `"visited":"2023"`) {
		t.Errorf("HX-Trigger = %s, want the visit for the marker's popup", resp.Header.Get("HX-Trigger"))
	}
}

// Deleting one visit of a place (htmx) brings the place's list entry back
// with the visits it has left, and a change to a visit's date with all
// of them; its last visit takes the entry away.
func TestAChangeToAVisitRedrawsItsPlaceInTheList(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude,visited,note\nGraz,47.0707,15.4395,2019,Talk\nGraz,47.0707,15.4395,2023,Again\n")))
	writer := app.SignIn("Jess", true)
	var list []map[string]any
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list) != 2 {
		t.Fatalf("GET /places = %s", body)
	}
	htmx := func(method, id, form string, etag any) (*http.Response, string) {
		return app.Do(writer, apptest.Request{Method: method, Path: "/places/" + id, Body: form,
			Header: map[string]string{"HX-Request": "true", "If-Match": etag.(string), "Content-Type": "application/x-www-form-urlencoded"}})
	}
	resp, fragment := htmx("PATCH", list[0]["id"].(string), "visited=2019-05", list[0]["etag"])
	if resp.StatusCode != http.StatusOK || !strings.Contains(fragment, `hx-swap-oob="outerHTML:[data-group=`) ||
		!strings.Contains(fragment, ">2023<") || !strings.Contains(fragment, ">2019-05<") {
		t.Fatalf("PATCH of a visit's date = %d, want Graz's entry with both visits:\n%s", resp.StatusCode, fragment)
	}
	_ = json.Unmarshal([]byte(mustGet(t, app, "/places")), &list)
	resp, fragment = htmx("DELETE", list[1]["id"].(string), "", list[1]["etag"])
	if resp.StatusCode != http.StatusOK || !strings.Contains(fragment, `hx-swap-oob="outerHTML:[data-group=`) || strings.Contains(fragment, ">2023<") {
		t.Fatalf("DELETE of one visit = %d, want Graz's entry with the visit left:\n%s", resp.StatusCode, fragment)
	}
	_ = json.Unmarshal([]byte(mustGet(t, app, "/places")), &list)
	resp, fragment = htmx("DELETE", list[0]["id"].(string), "", list[0]["etag"])
	if resp.StatusCode != http.StatusOK || !strings.Contains(fragment, `hx-swap-oob="delete:[data-group=`) {
		t.Errorf("DELETE of the last visit = %d, want Graz's entry gone:\n%s", resp.StatusCode, fragment)
	}
}

func mustGet(t *testing.T, app *apptest.Site, path string) string {
	t.Helper()
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: path})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", path, resp.StatusCode)
	}
	return body
}

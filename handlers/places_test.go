package handlers_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

const talkPayload = `{"name":"São José","latitude":"-27.597724533718875","longitude":"-48.61495221317449"}`

func TestMachineAddsAPlaceWithOneCommit(t *testing.T) {
	app := apptest.New(t)
	before := app.GitHub.File("places.csv")
	commits := len(app.GitHub.Commits())

	resp, body := app.PostJSON(app.MachineToken(apptest.Permission), `{"name":"Graz Hauptbahnhof","latitude":47.0727,"longitude":15.4163}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /places = %d %s, want 201", resp.StatusCode, body)
	}
	got := apptest.DecodeJSON(t, body)
	if got["name"] != "Graz Hauptbahnhof" || fmt.Sprint(got["latitude"]) != "47.0727" {
		t.Errorf("response = %v, want the place back", got)
	}
	after := app.GitHub.File("places.csv")
	if !bytes.HasPrefix(after, before) || string(after[len(before):]) != "Graz Hauptbahnhof,47.0727,15.4163\n" {
		t.Errorf("file after add = %q, want the old file plus one row", after)
	}
	if n := len(app.GitHub.Commits()); n != commits+1 {
		t.Errorf("commits = %d, want %d", n, commits+1)
	}
	if msg := app.GitHub.Commits()[len(app.GitHub.Commits())-1].Message; !strings.Contains(msg, "Add Graz Hauptbahnhof") {
		t.Errorf("commit message = %q, want it to name the place", msg)
	}

	resp, body = app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if !strings.Contains(body, "Graz Hauptbahnhof") {
		t.Error("the new place is not on the map page right after the add")
	}
	_ = resp
}

func TestTheTalksPayloadTwiceIsOnePlace(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\nGraz,47.09113253131379,15.475817295884497\n")))
	token := app.MachineToken(apptest.Permission)

	resp, body := app.PostJSON(token, talkPayload)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("first add = %d %s, want 201", resp.StatusCode, body)
	}
	file := app.GitHub.File("places.csv")
	commits := len(app.GitHub.Commits())

	resp, body = app.PostJSON(token, talkPayload)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "already on the map") {
		t.Fatalf("second add = %d %s, want 200 already on the map", resp.StatusCode, body)
	}
	// Same place with other spacing, case and float-vs-string coordinates.
	resp, _ = app.PostJSON(token, `{"name":"  são   JOSÉ ","latitude":-27.5977245,"longitude":-48.614952}`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("same place with other spacing/case = %d, want 200", resp.StatusCode)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), file) || len(app.GitHub.Commits()) != commits {
		t.Error("a duplicate add changed the file or made a commit")
	}
	if strings.Count(string(file), "São José") != 1 {
		t.Errorf("file has São José %d times, want once:\n%s", strings.Count(string(file), "São José"), file)
	}
}

func TestAddingKeepsTheTalksDuplicateRow(t *testing.T) {
	app := apptest.New(t) // the talk's real file, with São José twice
	before := app.GitHub.File("places.csv")
	resp, body := app.PostJSON(app.MachineToken(apptest.Permission), `{"name":"Lisbon","latitude":38.7223,"longitude":-9.1393}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("add = %d %s", resp.StatusCode, body)
	}
	if after := app.GitHub.File("places.csv"); !bytes.HasPrefix(after, before) {
		t.Error("adding a place rewrote existing rows (the talk's app dropped both copies of a duplicate)")
	}
}

func TestInvalidPlacesAreRefusedWithEveryFieldExplained(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	cases := []struct {
		name, body string
		fields     []string
	}{
		{"empty name", `{"name":"   ","latitude":1,"longitude":2}`, []string{"name"}},
		{"missing everything", `{}`, []string{"name", "latitude", "longitude"}},
		{"name too long", `{"name":"` + strings.Repeat("a", 101) + `","latitude":1,"longitude":2}`, []string{"name"}},
		{"control character", `{"name":"Graz\u0007","latitude":1,"longitude":2}`, []string{"name"}},
		{"bidi override", `{"name":"Graz\u202e","latitude":1,"longitude":2}`, []string{"name"}},
		{"latitude out of range", `{"name":"North","latitude":90.5,"longitude":2}`, []string{"latitude"}},
		{"longitude out of range", `{"name":"East","latitude":1,"longitude":-180.01}`, []string{"longitude"}},
		{"huge exponent", `{"name":"Far","latitude":1e999,"longitude":2}`, []string{"latitude"}},
		{"NaN string", `{"name":"Nowhere","latitude":"NaN","longitude":"Infinity"}`, []string{"latitude", "longitude"}},
		{"not a number", `{"name":"Word","latitude":"north","longitude":true}`, []string{"latitude", "longitude"}},
		{"name not text", `{"name":42,"latitude":1,"longitude":2}`, []string{"name"}},
		{"all wrong", `{"name":"","latitude":91,"longitude":181}`, []string{"name", "latitude", "longitude"}},
	}
	before := app.GitHub.File("places.csv")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := app.PostJSON(token, c.body)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d %s, want 422", resp.StatusCode, body)
			}
			fields, _ := apptest.DecodeJSON(t, body)["fields"].(map[string]any)
			for _, f := range c.fields {
				if msg, _ := fields[f].(string); msg == "" {
					t.Errorf("no message for field %q in %s", f, body)
				}
			}
			if len(fields) != len(c.fields) {
				t.Errorf("fields = %v, want exactly %v", fields, c.fields)
			}
		})
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("an invalid place changed the file")
	}
}

func TestMalformedRequestsAreRefusedBeforeValidation(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	cases := []struct {
		name, contentType, body string
		want                    int
	}{
		{"plain text", "text/plain", "Graz,47,15", http.StatusUnsupportedMediaType},
		{"no content type", "", `{"name":"Graz","latitude":1,"longitude":2}`, http.StatusUnsupportedMediaType},
		{"xml", "application/xml", "<place/>", http.StatusUnsupportedMediaType},
		{"broken json", "application/json", `{"name":`, http.StatusBadRequest},
		{"json array", "application/json", `[{"name":"Graz"}]`, http.StatusBadRequest},
		{"two objects", "application/json", `{"name":"A","latitude":1,"longitude":2}{}`, http.StatusBadRequest},
		{"duplicated key", "application/json", `{"name":"A","name":"B","latitude":1,"longitude":2}`, http.StatusBadRequest},
		{"body over 16 KB", "application/json", `{"name":"A","latitude":1,"longitude":2,"pad":"` + strings.Repeat("x", 17<<10) + `"}`, http.StatusRequestEntityTooLarge},
	}
	before := app.GitHub.File("places.csv")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{"Authorization": "Bearer " + token, "Accept": "application/json"}
			if c.contentType != "" {
				h["Content-Type"] = c.contentType
			}
			resp, body := app.Do(nil, apptest.Request{Method: "POST", Path: "/places", Body: c.body, Header: h})
			if resp.StatusCode != c.want {
				t.Fatalf("status = %d %s, want %d", resp.StatusCode, body, c.want)
			}
			if desc, _ := apptest.DecodeJSON(t, body)["description"].(string); desc == "" {
				t.Errorf("no description in %s", body)
			}
		})
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a malformed request changed the file")
	}
}

func TestEachClientGetsTheAnswerItAskedFor(t *testing.T) {
	app := apptest.New(t)
	browser := app.SignIn("Jess", true)

	t.Run("htmx gets the fragment and a marker event", func(t *testing.T) {
		resp, body := app.Do(browser, apptest.Request{Method: "POST", Path: "/places", Body: apptest.Form(map[string]string{"name": "Vienna", "latitude": "48.2082", "longitude": "16.3738"}),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "Accept": "text/html"}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d %s", resp.StatusCode, body)
		}
		if trig := resp.Header.Get("HX-Trigger"); !strings.Contains(trig, "place-added") || !strings.Contains(trig, "Vienna") {
			t.Errorf("HX-Trigger = %q, want a place-added event naming Vienna", trig)
		}
		if strings.Contains(body, "<html") || !strings.Contains(body, "Vienna") || !strings.Contains(body, `id="add-place"`) {
			t.Errorf("body is not the fresh form plus the new list item:\n%s", body)
		}
	})
	t.Run("a form post without JavaScript is redirected to the map", func(t *testing.T) {
		resp, body := app.Do(browser, apptest.Request{Method: "POST", Path: "/places", Body: apptest.Form(map[string]string{"name": "Linz", "latitude": "48.3069", "longitude": "14.2858"}),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html,application/xhtml+xml"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/") {
			t.Fatalf("status = %d Location %q %s, want 303 to the map", resp.StatusCode, resp.Header.Get("Location"), body)
		}
	})
	t.Run("a client that only accepts HTML gets the map page", func(t *testing.T) {
		resp, body := app.Do(nil, apptest.Request{Method: "POST", Path: "/places", Body: `{"name":"Salzburg","latitude":47.8095,"longitude":13.055}`,
			Header: map[string]string{"Content-Type": "application/json", "Accept": "text/html", "Authorization": "Bearer " + app.MachineToken(apptest.Permission)}})
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, "<html") || !strings.Contains(body, "Salzburg") {
			t.Fatalf("status = %d, want 201 with the map page listing Salzburg", resp.StatusCode)
		}
	})
	t.Run("htmx with a wrong field keeps the input next to the error", func(t *testing.T) {
		resp, body := app.Do(browser, apptest.Request{Method: "POST", Path: "/places", Body: apptest.Form(map[string]string{"name": "Atlantis", "latitude": "123", "longitude": "-30"}),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d, want 422", resp.StatusCode)
		}
		if !strings.Contains(body, `value="Atlantis"`) || !strings.Contains(body, `value="123"`) || !strings.Contains(body, "90") {
			t.Errorf("the form does not keep the input and explain the latitude:\n%s", body)
		}
	})
	t.Run("a form post with a wrong field gets the page with the error inline", func(t *testing.T) {
		resp, body := app.Do(browser, apptest.Request{Method: "POST", Path: "/places", Body: apptest.Form(map[string]string{"name": "", "latitude": "1", "longitude": "2"}),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "<html") || !strings.Contains(body, `id="name-error"`) {
			t.Fatalf("status = %d, want 422 with the map page and the name error inline", resp.StatusCode)
		}
	})
}

func TestStoreFailureLosesNothing(t *testing.T) {
	app := apptest.New(t)
	browser := app.SignIn("Jess", true)
	before := app.GitHub.File("places.csv")

	app.GitHub.FailNext(100, http.StatusBadGateway)
	resp, body := app.PostJSON(app.MachineToken(apptest.Permission), `{"name":"Porto","latitude":41.1579,"longitude":-8.6291}`)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("API add while GitHub is down = %d %s, want 503", resp.StatusCode, body)
	}
	if id := apptest.DecodeJSON(t, body)["request_id"]; id == "" || id != resp.Header.Get("X-Request-Id") {
		t.Errorf("request_id %v does not match X-Request-Id %q", id, resp.Header.Get("X-Request-Id"))
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on a 503")
	}

	resp, body = app.Do(browser, apptest.Request{Method: "POST", Path: "/places", Body: apptest.Form(map[string]string{"name": "Porto", "latitude": "41.1579", "longitude": "-8.6291"}),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}})
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `value="Porto"`) || !strings.Contains(body, "it may have been saved; adding it again is safe") {
		t.Errorf("htmx add while GitHub is down = %d, want 503 with the input kept and a clear message:\n%s", resp.StatusCode, body)
	}

	resp, body = app.Do(browser, apptest.Request{Method: "POST", Path: "/places", Body: apptest.Form(map[string]string{"name": "Porto", "latitude": "41.1579", "longitude": "-8.6291"}),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}})
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, resp.Header.Get("X-Request-Id")) {
		t.Errorf("plain form add while GitHub is down = %d, want the oops page with the request id", resp.StatusCode)
	}
	app.GitHub.FailNext(0, 0)
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a failed write changed the file")
	}
}

func TestFiftyConcurrentAddsOverHTTP(t *testing.T) {
	app := apptest.New(t)
	before := app.GitHub.File("places.csv")
	token := app.MachineToken(apptest.Permission)
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	for i := range 50 {
		wg.Go(func() {
			resp, _ := app.PostJSON(token, fmt.Sprintf(`{"name":"Stop %02d","latitude":%d.5,"longitude":%d.25}`, i, i-25, i*3-75))
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusCreated {
			t.Errorf("add %d = %d, want 201", i, s)
		}
	}
	after := string(app.GitHub.File("places.csv"))
	if !strings.HasPrefix(after, string(before)) {
		t.Fatal("concurrent adds rewrote existing rows")
	}
	added := strings.Split(strings.TrimSuffix(after[len(before):], "\n"), "\n")
	if len(added) != 50 {
		t.Fatalf("%d new rows, want 50", len(added))
	}
	for i := range 50 {
		if n := strings.Count(after, fmt.Sprintf("Stop %02d,", i)); n != 1 {
			t.Errorf("Stop %02d appears %d times, want once", i, n)
		}
	}
}

func TestAPlaceAlreadyOnTheMapIsANoticeNotASuccess(t *testing.T) {
	app := apptest.New(t)
	writer := app.SignIn("Jess", true)
	form := apptest.Form(map[string]string{"name": "Graz", "latitude": "47.09113253131379", "longitude": "15.475817295884497"})
	resp, body := app.Do(writer, apptest.Request{Method: "POST", Path: "/places", Body: form,
		Header: map[string]string{"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded", "Origin": app.URL}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="form-notice"`) || !strings.Contains(body, "already on the map") ||
		strings.Contains(body, `role="status" aria-live="polite">Graz`) {
		t.Errorf("adding Graz again through the form = %d, want a notice, not a success:\n%s", resp.StatusCode, body)
	}
}

package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/privacy"
	"github.com/whib/whib/store/githubtest"
)

// privateSeed is a map with a home inside a hidden area, a visit from two
// days ago (inside a 14-day delay; Ribeira, by the river in Porto, a name
// no region has, as the page's checklists name Portugal's regions) and
// places anyone may see.
func privateSeed() string {
	recent := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
	return "name,latitude,longitude,visited,note\n" +
		"Lisbon,38.7223,-9.1393,2019-07\n" +
		"Secret Home,47.0712,15.4401\n" +
		"Ribeira,41.1579,-8.6291," + recent + ",We are here now\n" +
		"Graz,47.0707,15.4395\n"
}

func withPrivacy(c *whib.Config) {
	c.Handlers.Privacy.Areas, _ = privacy.ParseAreas("47.0712,15.4401,30m")
	c.Handlers.Privacy.Delay = 14 * 24 * time.Hour
}

// Nothing leaks through another door: every public output leaves out the
// hidden home and the recent visit for a visitor, shows them to a writer,
// and keeps its ETag when only a hidden row changes. Both backends.
func TestPrivatePlacesStayOffEveryPublicOutput(t *testing.T) {
	for _, backend := range []string{"github", "file"} {
		t.Run(backend, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "places.csv")
			opts := []apptest.Option{apptest.WithCSV([]byte(privateSeed())), apptest.WithConfig(withPrivacy)}
			if backend == "file" {
				writeFile(t, path, privateSeed())
				opts = append(opts, apptest.WithConfig(func(c *whib.Config) { c.GitHubRepo, c.PlacesFile = "", path }))
			}
			app := apptest.New(t, opts...)
			token := app.MachineToken(apptest.Permission)
			outputs := []string{"/", "/places", "/places.geojson", "/places.gpx", "/places.kml", "/places.csv", "/embed", "/stats"}
			etags := map[string]string{}
			for _, path := range outputs {
				resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: path})
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s = %d", path, resp.StatusCode)
				}
				for _, secret := range []string{"Secret Home", "47.0712", "Ribeira", "We are here now"} {
					if strings.Contains(body, secret) {
						t.Errorf("GET %s shows %q to a visitor", path, secret)
					}
				}
				if path != "/stats" && !strings.Contains(body, "Lisbon") {
					t.Errorf("GET %s leaves out Lisbon", path)
				}
				etags[path] = resp.Header.Get("ETag")
				resp, body = app.Do(nil, apptest.Request{Method: "GET", Path: path, Header: map[string]string{"Authorization": "Bearer " + token}})
				if path != "/embed" && path != "/stats" && (!strings.Contains(body, "Secret Home") || !strings.Contains(body, "Ribeira")) {
					t.Errorf("GET %s as a writer: %d, leaves out a private place", path, resp.StatusCode)
				}
				if path != "/" && path != "/embed" && path != "/stats" && !strings.Contains(resp.Header.Get("Cache-Control"), "private") {
					t.Errorf("GET %s as a writer: Cache-Control %q, want private", path, resp.Header.Get("Cache-Control"))
				}
			}
			if s := statsPlaces(t, app, ""); s != 2 {
				t.Errorf("/stats counts %v places for a visitor, want 2", s)
			}
			if s := statsPlaces(t, app, token); s != 4 {
				t.Errorf("/stats counts %v places for a writer, want 4", s)
			}
			// Only the hidden home moves: every public ETag stays.
			moved := strings.Replace(privateSeed(), "Secret Home,47.0712,15.4401", "Secret Home,47.0713,15.4402", 1)
			if backend == "file" {
				writeFile(t, path, moved)
			} else {
				app.GitHub.SetFile("places.csv", []byte(moved))
			}
			if _, err := app.Live.Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, path := range outputs {
				resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: path})
				if etags[path] != "" && resp.Header.Get("ETag") != etags[path] {
					t.Errorf("GET %s: ETag %s → %s after only a hidden row changed", path, etags[path], resp.Header.Get("ETag"))
				}
			}
		})
	}
}

func statsPlaces(t *testing.T, app *apptest.Site, token string) float64 {
	h := map[string]string{"Accept": "application/json"}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/stats", Header: h})
	n, _ := apptest.DecodeJSON(t, body)["places"].(float64)
	return n
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Hidden areas cannot hide what a public repository shows: a writer is
// told on the page.
func TestWritersAreToldWhenTheRepositoryIsPublic(t *testing.T) {
	for _, public := range []bool{true, false} {
		var opts []apptest.Option
		opts = append(opts, apptest.WithConfig(withPrivacy))
		if public {
			opts = append(opts, apptest.WithGitHubOptions(githubtest.WithPublicRepo()))
		}
		app := apptest.New(t, opts...)
		_, body := app.Do(app.SignIn("Jess", true), apptest.Request{Method: "GET", Path: "/"})
		if got := strings.Contains(body, "repository that holds them is public"); got != public {
			t.Errorf("public repository %v: warning shown %v", public, got)
		}
	}
}

// A place deleted from a hidden area stays out of the public history: the
// entry shows "a private place", without the name, point or author.
func TestTheHistoryShowsPrivatePlacesWithoutNameOrPoint(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte(privateSeed())), apptest.WithConfig(withPrivacy))
	token := app.MachineToken(apptest.Permission)
	id := idOfAs(t, app, token, "Secret Home")
	if resp, body := app.Do(nil, api(token, "DELETE", "/places/"+id, "")); resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE = %d %s", resp.StatusCode, body)
	}
	for _, accept := range []string{"application/json", "text/html"} {
		resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": accept}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /changes (%s) = %d", accept, resp.StatusCode)
		}
		for _, secret := range []string{"Secret Home", "47.0712", "machine"} {
			if strings.Contains(body, secret) {
				t.Errorf("the public history (%s) shows %q", accept, secret)
			}
		}
		if !strings.Contains(body, privacy.PrivatePlace) {
			t.Errorf("the public history (%s) does not say a private place changed", accept)
		}
	}
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token}})
	if !strings.Contains(body, "Secret Home") {
		t.Error("a writer does not see the private place in the history")
	}
}

func TestPublicHistoryFalseKeepsTheLogForWriters(t *testing.T) {
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) { c.Handlers.PublicHistory = false }))
	if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": "application/json"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /changes for a visitor = %d, want 401", resp.StatusCode)
	}
	token := app.MachineToken(apptest.Permission)
	if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/changes", Header: map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token}}); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /changes for a writer = %d, want 200", resp.StatusCode)
	}
}

func idOfAs(t *testing.T, app *apptest.Site, token, name string) string {
	t.Helper()
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places", Header: map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token}})
	var places []map[string]any
	if err := json.Unmarshal([]byte(body), &places); err != nil {
		t.Fatal(err)
	}
	for _, p := range places {
		if p["name"] == name {
			return p["id"].(string)
		}
	}
	t.Fatalf("no %q in %s", name, body)
	return ""
}

package handlers_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store/githubtest"
)

func TestAnonymousVisitorSeesTheMapButNoForm(t *testing.T) {
	app := apptest.New(t)
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	for _, name := range []string{"Graz", "Taipei", "Brasília", "São José"} {
		if !strings.Contains(body, name) {
			t.Errorf("map page does not list %s", name)
		}
	}
	if strings.Contains(body, `id="add-place"`) {
		t.Error("an anonymous visitor sees the add-place form")
	}
	if !strings.Contains(body, `href="/login`) {
		t.Error("no log-in link for an anonymous visitor")
	}
}

func TestHostileNamesAreTextEverywhere(t *testing.T) {
	const hostile = `<img src=x onerror=alert(1)>`
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\n"+hostile+",1,2\n")))
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if strings.Contains(page, hostile) {
		t.Error("the map page contains the name as raw HTML")
	}
	if !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the list does not show the name as text")
	}
	_, list := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
	var places []map[string]any
	if err := json.Unmarshal([]byte(list), &places); err != nil || len(places) != 1 || places[0]["name"] != hostile {
		t.Errorf("GET /places = %s, want the name intact as a JSON string", list)
	}
	if strings.Contains(list, "<img") {
		t.Error("GET /places carries a raw tag (it should be \\u003c-escaped)")
	}
}

func TestFirstLoadFailureShowsTheOopsPageWithARequestID(t *testing.T) {
	app := apptest.New(t)
	app.GitHub.FailNext(1000, http.StatusInternalServerError)
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/", Header: map[string]string{"Accept": "text/html"}})
	if resp.StatusCode < 500 {
		t.Fatalf("GET / with GitHub down and nothing loaded = %d, want a 5xx page (not a redirect)", resp.StatusCode)
	}
	id := resp.Header.Get("X-Request-Id")
	if id == "" || !strings.Contains(body, id) {
		t.Errorf("the error page does not show the request id %q", id)
	}
}

func TestMapKeepsServingTheLastGoodSnapshotWhenGitHubFails(t *testing.T) {
	app := apptest.New(t)
	if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/"}); resp.StatusCode != http.StatusOK {
		t.Fatal("first view failed")
	}
	app.GitHub.FailNext(1000, http.StatusBadGateway)
	if _, err := app.Live.Refresh(t.Context()); err == nil {
		t.Fatal("refresh against a failing GitHub succeeded")
	}
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Taipei") {
		t.Fatalf("GET / after a failed refresh = %d, want the last good map", resp.StatusCode)
	}
}

func TestOopsAndHealthz(t *testing.T) {
	app := apptest.New(t, apptest.WithoutSignIn())
	if resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/oops"}); resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/"`) {
		t.Errorf("GET /oops = %d, want a friendly page linking back to the map", resp.StatusCode)
	}
	if resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/healthz"}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "ok") {
		t.Errorf("GET /healthz = %d %q", resp.StatusCode, body)
	}
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/no/such/page", Header: map[string]string{"Accept": "text/html"}})
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "<html") {
		t.Errorf("unknown page = %d, want the 404 page", resp.StatusCode)
	}
}

func TestSecurityHeadersOnHTML(t *testing.T) {
	app := apptest.New(t)
	resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows unsafe scripts: %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Error("nosniff or Referrer-Policy missing")
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain http")
	}
}

func TestDataDownloads(t *testing.T) {
	app := apptest.New(t)
	t.Run("CSV is the file as stored", func(t *testing.T) {
		resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.csv"})
		if resp.StatusCode != http.StatusOK || body != string(app.GitHub.File("places.csv")) {
			t.Errorf("GET /places.csv = %d, not the stored bytes", resp.StatusCode)
		}
	})
	t.Run("GeoJSON puts longitude first", func(t *testing.T) {
		resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.geojson"})
		var fc struct {
			Type     string
			Features []struct {
				Geometry struct {
					Type        string
					Coordinates []float64
				}
				Properties map[string]string
			}
		}
		if err := json.Unmarshal([]byte(body), &fc); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /places.geojson = %d %v", resp.StatusCode, err)
		}
		if fc.Type != "FeatureCollection" || len(fc.Features) != 11 {
			t.Fatalf("got %s with %d features, want a FeatureCollection of 11", fc.Type, len(fc.Features))
		}
		graz := fc.Features[0]
		if graz.Properties["id"] == "" {
			t.Errorf("first feature has no properties.id: %+v", graz)
		}
		if graz.Properties["name"] != "Graz" || graz.Geometry.Coordinates[0] != 15.475817295884497 || graz.Geometry.Coordinates[1] != 47.09113253131379 {
			t.Errorf("first feature = %+v, want Graz at [15.47…, 47.09…]", graz)
		}
	})
	t.Run("ETag and 304", func(t *testing.T) {
		for _, path := range []string{"/places", "/places.geojson", "/places.csv"} {
			resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: path})
			etag := resp.Header.Get("ETag")
			if etag == "" {
				t.Fatalf("%s has no ETag", path)
			}
			resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: path, Header: map[string]string{"If-None-Match": etag}})
			if resp.StatusCode != http.StatusNotModified || body != "" {
				t.Errorf("%s with If-None-Match = %d, want 304 and no body", path, resp.StatusCode)
			}
		}
	})
	t.Run("gzip when accepted", func(t *testing.T) {
		app := apptest.New(t, apptest.WithCSV(githubtest.SampleCSV(200)))
		req, _ := http.NewRequest("GET", app.URL+"/places", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding = %q, want gzip", resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !strings.HasPrefix(string(plain), `[{"id":"`) || len(plain) < 200*40 {
			t.Error("the gzip body does not decode to the places")
		}
	})
	t.Run("versioned marker URL is immutable", func(t *testing.T) {
		snap, _, _ := app.Live.Current()
		resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/places?v=" + snap.Version})
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control = %q, want immutable for the current version", cc)
		}
		resp, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/places"})
		if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Errorf("unversioned Cache-Control = %q, must revalidate", cc)
		}
	})
}

// TestLargeDownloadsWithAndWithoutGzip: large bodies are kept compressed
// only; a client that does not accept gzip still gets every byte.
func TestLargeDownloadsWithAndWithoutGzip(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV(githubtest.SampleCSV(30_000)))
	req, _ := http.NewRequest("GET", app.URL+"/places", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip response: %v, Content-Encoding %q", err, resp.Header.Get("Content-Encoding"))
	}
	viaGzip, _ := io.ReadAll(zr)
	resp.Body.Close()

	req, _ = http.NewRequest("GET", app.URL+"/places", nil)
	req.Header.Set("Accept-Encoding", "identity")
	resp, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "" || resp.ContentLength != int64(len(plain)) {
		t.Errorf("identity response: Content-Encoding %q, Content-Length %d for %d bytes", resp.Header.Get("Content-Encoding"), resp.ContentLength, len(plain))
	}
	var places []map[string]any
	if err := json.Unmarshal(plain, &places); err != nil || len(places) != 30_000 {
		t.Fatalf("identity body: %d places, %v", len(places), err)
	}
	if string(plain) != string(viaGzip) {
		t.Error("the gzip and identity bodies differ")
	}
}

// TestTheListIsPagedWithoutJavaScript: a long list is cut into pages that
// link to each other, so the page stays small and every place is reachable.
func TestTheListIsPagedWithoutJavaScript(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV(githubtest.SampleCSV(450)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.ListPageSize = 200
	}))
	_, first := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	_, last := app.Do(nil, apptest.Request{Method: "GET", Path: "/?page=3"})
	if !strings.Contains(first, `href="/?page=2#places"`) || strings.Count(first, "<li") < 200 {
		t.Error("page 1 does not link to page 2 or lists fewer than 200 places")
	}
	if strings.Contains(last, `href="/?page=4#places"`) || !strings.Contains(last, `href="/?page=2#places"`) {
		t.Error("the last page links past the end, or not back")
	}
	resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/?page=abc", Header: map[string]string{"Accept": "text/html"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET /?page=abc = %d, want 400", resp.StatusCode)
	}
}

func TestOopsNamesARequestID(t *testing.T) {
	app := apptest.New(t)
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/oops?request_id=abc123-XY", Header: map[string]string{"Accept": "text/html"}})
	if !strings.Contains(page, "<code>abc123-XY</code>") {
		t.Error("/oops?request_id= does not show the id it was sent with")
	}
	resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/oops?request_id=%3Cscript%3E", Header: map[string]string{"Accept": "text/html"}})
	if id := resp.Header.Get("X-Request-Id"); id == "" || !strings.Contains(page, "<code>"+id+"</code>") || strings.Contains(page, "<script>") {
		t.Error("/oops reached with a hostile id does not fall back to its own request id")
	}
}

// The session cookie is re-issued (once a minute, to keep a session in use
// alive) only on answers no shared cache keeps: the data downloads say
// no-cache, which a cache may store, so with the cookie they say private.
func TestTheSessionCookieIsNeverOnAnAnswerACacheShares(t *testing.T) {
	clock := apptest.NewClock()
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) { c.Auth.Now = clock.Now }))
	writer := app.SignIn("Jess", true)
	_, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/places"}) // the places are loaded
	snap, _, _ := app.Live.Current()
	for _, path := range []string{"/places", "/places.csv", "/places.geojson", "/places.gpx", "/places.kml", "/preview.png", "/places?v=" + snap.Version} {
		clock.Advance(2 * time.Minute)
		resp, _ := app.Do(writer, apptest.Request{Method: "GET", Path: path})
		cookie := resp.Header.Get("Set-Cookie") != ""
		cc := resp.Header.Get("Cache-Control")
		shared := strings.Contains(cc, "public") || !(strings.Contains(cc, "private") || strings.Contains(cc, "no-store"))
		if resp.StatusCode != http.StatusOK || (cookie && shared) {
			t.Errorf("GET %s = %d with Set-Cookie %v and Cache-Control %q: a shared cache could hand the session to others", path, resp.StatusCode, cookie, cc)
		}
		if !cookie && !strings.Contains(cc, "public") {
			t.Errorf("GET %s two minutes on did not re-issue the session (Cache-Control %q)", path, cc)
		}
	}
}

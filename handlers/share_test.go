package handlers_test

import (
	"bytes"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

func TestTheMapCanBeEmbeddedAndNothingElse(t *testing.T) {
	app := apptest.New(t)
	resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/embed", Header: map[string]string{"Accept": "text/html"}})
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || !strings.Contains(csp, "frame-ancestors *") || resp.Header.Get("X-Frame-Options") != "" {
		t.Errorf("GET /embed = %d, CSP %q, X-Frame-Options %q; want it framable by any site", resp.StatusCode, csp, resp.Header.Get("X-Frame-Options"))
	}
	if !strings.Contains(page, `id="map"`) || strings.Contains(page, `id="place-list"`) || strings.Contains(page, "site-header") || !strings.Contains(page, `target="_blank"`) {
		t.Error("the embed page is not the map alone with a link to the site")
	}
	resp, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/", Header: map[string]string{"Accept": "text/html"}})
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("the map page itself can be framed")
	}

	only := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.EmbedOrigins = []string{"https://blog.example.com"}
	}))
	resp, _ = only.Do(nil, apptest.Request{Method: "GET", Path: "/embed", Header: map[string]string{"Accept": "text/html"}})
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors https://blog.example.com;") && !strings.HasSuffix(csp, "frame-ancestors https://blog.example.com") {
		t.Errorf("with EMBED_ORIGINS set, GET /embed has CSP %q", csp)
	}
}

func TestLinkPreviewsShowTheWorldWithThePlaces(t *testing.T) {
	app := apptest.New(t)
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/", Header: map[string]string{"Accept": "text/html"}})
	for _, tag := range []string{`property="og:title"`, `property="og:image" content="http://`, `/preview.png?v=`, `name="twitter:card" content="summary_large_image"`, `property="og:description" content="10 places`} {
		if !strings.Contains(page, tag) {
			t.Errorf("the map page lacks %s", tag)
		}
	}
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/preview.png"})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET /preview.png = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader([]byte(body)))
	if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
		t.Fatalf("the preview is not a 1200×630 PNG: %v", err)
	}
	again, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/preview.png", Header: map[string]string{"If-None-Match": resp.Header.Get("ETag")}})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("an unchanged preview answered %d to its ETag, want 304", again.StatusCode)
	}
}

func TestTheWorldLayerComesWholeOrAsTheVisitedCountries(t *testing.T) {
	app := apptest.New(t)
	_, whole := app.Do(nil, apptest.Request{Method: "GET", Path: "/world.geojson"})
	resp, some := app.Do(nil, apptest.Request{Method: "GET", Path: "/world.geojson?codes=BR,AT,TW,AT"})
	if resp.StatusCode != http.StatusOK || strings.Count(some, `"type":"Feature"`) != 3 || !strings.Contains(some, `"code":"BR"`) || len(some)*10 > len(whole) {
		t.Errorf("GET /world.geojson?codes=BR,AT,TW = %d with %d features (%d of %d bytes)", resp.StatusCode, strings.Count(some, `"type":"Feature"`), len(some), len(whole))
	}
	for _, bad := range []string{"br", "BRA", "", "B<"} {
		if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/world.geojson?codes=" + bad, Header: map[string]string{"Accept": "application/json"}}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("codes=%q answered %d, want 400", bad, resp.StatusCode)
		}
	}
}

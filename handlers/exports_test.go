package handlers_test

import (
	"encoding/csv"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

// TestGPXAndKMLDownloadsOpenInAnotherReader reads whib's GPX and KML with
// GDAL's ogr2ogr, not with whib's own parser: the names (a hostile one
// among them) and coordinates must come back as stored.
func TestGPXAndKMLDownloadsOpenInAnotherReader(t *testing.T) {
	ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Fatalf("ogr2ogr not found (%v): install Debian's gdal-bin, as .ci/run does", err)
	}
	hostile := `<b>&amp; "Graz" ]]></b>`
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\n\""+strings.ReplaceAll(hostile, `"`, `""`)+"\",47.0707,15.4395\nSão José,-27.5977,-48.6149\n")))
	for _, tt := range []struct{ path, mediaType, file string }{
		{"/places.gpx", "application/gpx+xml", "places.gpx"},
		{"/places.kml", "application/vnd.google-earth.kml+xml", "places.kml"},
	} {
		resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: tt.path})
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.mediaType) {
			t.Fatalf("GET %s = %d %q, want 200 %s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.mediaType)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, tt.file) {
			t.Errorf("GET %s Content-Disposition = %q, want the file name %s", tt.path, cd, tt.file)
		}
		etag := resp.Header.Get("ETag")
		if again, _ := app.Do(nil, apptest.Request{Method: "GET", Path: tt.path, Header: map[string]string{"If-None-Match": etag}}); etag == "" || again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag %q = %d, want 304", tt.path, etag, again.StatusCode)
		}
		path := filepath.Join(t.TempDir(), tt.file)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(ogr, "-f", "CSV", "/vsistdout/", path, "-lco", "GEOMETRY=AS_XY").Output()
		if err != nil {
			t.Fatalf("ogr2ogr could not read %s: %v\n%s", tt.path, err, body)
		}
		reader := csv.NewReader(strings.NewReader(string(out)))
		reader.FieldsPerRecord = -1 // GPX has empty route and track layers after the waypoints
		rows, err := reader.ReadAll()
		if err != nil || len(rows) < 3 {
			t.Fatalf("ogr2ogr read %s as %q (%v)", tt.path, out, err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[strings.ToLower(h)] = i
		}
		names := []string{rows[1][col["name"]], rows[2][col["name"]]}
		if names[0] != hostile || names[1] != "São José" {
			t.Errorf("%s names read back as %q, want %q and São José", tt.path, names, hostile)
		}
		if x, y := rows[1][col["x"]], rows[1][col["y"]]; !strings.HasPrefix(x, "15.4395") || !strings.HasPrefix(y, "47.0707") {
			t.Errorf("%s first place at x=%s y=%s, want 15.4395, 47.0707", tt.path, x, y)
		}
	}
}

// TestDownloadsAreNamedForTheMapOnlyWhenLinkedAsDownloads: the page's
// links (?download=1) save a file named for MAP_TITLE; the same addresses
// fetched by a script stay inline.
func TestDownloadsAreNamedForTheMapOnlyWhenLinkedAsDownloads(t *testing.T) {
	app := apptest.New(t)
	_, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	for _, ext := range []string{"csv", "geojson", "gpx", "kml"} {
		link := `href="/places.` + ext + `?download=1" download`
		if !strings.Contains(page, link) {
			t.Errorf("the page has no download link %s", link)
		}
		resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/places." + ext + "?download=1"})
		want := `attachment; filename="Where I have been.` + ext + `"`
		if cd := resp.Header.Get("Content-Disposition"); cd != want {
			t.Errorf("GET /places.%s?download=1 Content-Disposition = %q, want %q", ext, cd, want)
		}
		resp, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/places." + ext})
		if cd := resp.Header.Get("Content-Disposition"); strings.HasPrefix(cd, "attachment") {
			t.Errorf("GET /places.%s (a script's fetch) Content-Disposition = %q, want it inline", ext, cd)
		}
	}
	named := apptest.New(t, apptest.WithConfig(func(c *whib.Config) { c.Handlers.Title = `Ana's "Reisen" / Österreich` }))
	resp, _ := named.Do(nil, apptest.Request{Method: "GET", Path: "/places.gpx?download=1"})
	want := `attachment; filename="Ana's _Reisen_ - _sterreich.gpx"; filename*=utf-8''Ana%27s%20%22Reisen%22%20-%20%C3%96sterreich.gpx`
	if cd := resp.Header.Get("Content-Disposition"); cd != want {
		t.Errorf("a title that is not ASCII: Content-Disposition = %q, want %q", cd, want)
	}
}

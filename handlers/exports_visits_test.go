package handlers_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/whib/whib/formats"
	"github.com/whib/whib/internal/apptest"
)

// The GeoJSON download carries each visit's date and note as properties,
// and the date as JSON-FG's time member; GDAL reads them back, and a file
// GDAL writes from it imports with them. Both backends.
func TestTheGeoJSONDownloadKeepsDatesThroughGDAL(t *testing.T) {
	ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Fatalf("ogr2ogr not found (%v): install Debian's gdal-bin, as .ci/run does", err)
	}
	onEachBackend(t, travels(), func(t *testing.T, app site) {
		_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/places.geojson"})
		var fc struct {
			Features []struct {
				Properties map[string]any  `json:"properties"`
				Time       json.RawMessage `json:"time"`
			} `json:"features"`
		}
		if err := json.Unmarshal([]byte(body), &fc); err != nil || len(fc.Features) != 7 {
			t.Fatalf("GET /places.geojson: %v\n%s", err, body)
		}
		times := map[string]string{}
		for _, f := range fc.Features {
			times[f.Properties["name"].(string)] = string(f.Time)
		}
		for name, want := range map[string]string{
			"Lima": `{"interval":["2024-03-10","2024-03-20"]}`, "Santiago": `{"interval":["2024-01-01","2024-01-31"]}`, "Taipei": "",
		} {
			if times[name] != want {
				t.Errorf("%s's JSON-FG time = %s, want %s", name, times[name], want)
			}
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "places.geojson")
		writeFile(t, path, body)
		out, err := exec.Command(ogr, "-f", "CSV", "/vsistdout/", path).Output()
		if err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		if err != nil || len(records) != 8 {
			t.Fatalf("GDAL read %d rows: %v\n%s", len(records), err, out)
		}
		column := map[string]int{}
		for i, c := range records[0] {
			column[c] = i
		}
		if got := records[4][column["visited"]] + " | " + records[4][column["note"]]; got != "2024-11 | Sushi, see https://example.org/sushi." {
			t.Errorf("GDAL reads Tokyo's visit as %q", got)
		}
		again := filepath.Join(dir, "again.geojson")
		if err := exec.Command(ogr, "-f", "GeoJSON", again, path).Run(); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(again)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		imp, err := formats.Decode(f, formats.MediaTypeGeoJSON, "again.geojson")
		if err != nil || len(imp.Rows) != 7 {
			t.Fatalf("importing GDAL's GeoJSON: %v, %d rows", err, len(imp.Rows))
		}
		if r := imp.Rows[2]; r.Name != "Lima" || r.Visited != "2024-03-10/2024-03-20" {
			t.Errorf("Lima comes back as %+v", r)
		}
		if r := imp.Rows[0]; r.Visited != "2019" || r.Note != "Talk" {
			t.Errorf("Graz comes back as %+v", r)
		}
	})
}

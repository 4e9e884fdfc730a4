package formats

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/whib/whib/store"
)

// These tests check the files against GDAL's ogr2ogr, a reader and writer
// written independently of this package, so a mistake made the same way
// in an encoder and a decoder here cannot hide. CI installs Debian's
// gdal-bin; a missing ogr2ogr fails the test rather than skipping it, so
// the check cannot quietly stop running.
func requireOGR(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Fatalf("ogr2ogr not found (%v): install Debian's gdal-bin (apt-get install gdal-bin), as .ci/run does", err)
	}
	return path
}

func runOGR(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(requireOGR(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, stderr.Bytes())
	}
	return out
}

// hostilePlaces have names that break naive XML, CSV or bidi handling.
func hostilePlaces(t *testing.T) []store.Place {
	t.Helper()
	raw := []struct{ name, lat, lon string }{
		{`<script>alert("x")</script>`, "-27.5969", "-48.5495"},
		{"Tom & Jerry's &amp; café", "0", "0.000001"},
		{"]]> ends CDATA <![CDATA[", "89.9999999", "-179.9999999"},
		{`"double" and 'single' quotes`, "-90", "180"},
		{"🏔️ Everest base camp 🇳🇵", "28.0026", "86.8528"},
		{"القاهرة", "30.0444", "31.2357"},
		{"תל אביב–יפו", "32.0853", "34.7818"},
		{"São José, SC", "-27.6136", "-48.6366"},
	}
	places := make([]store.Place, len(raw))
	for i, r := range raw {
		p, err := store.NewPlace(r.name, r.lat, r.lon)
		if err != nil {
			t.Fatalf("NewPlace(%q): %v", r.name, err)
		}
		places[i] = p
	}
	return places
}

// ogrCSV reads a file with ogr2ogr and returns its features as maps from
// column to value, with the point as X and Y.
func ogrCSV(t *testing.T, path string, layers ...string) []map[string]string {
	t.Helper()
	args := append([]string{"-f", "CSV", "/vsistdout/", path}, layers...)
	out := runOGR(t, append(args, "-lco", "GEOMETRY=AS_XY")...)
	records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("ogr2ogr CSV of %s: %v\n%s", path, err, out)
	}
	var features []map[string]string
	for _, record := range records[1:] {
		feature := map[string]string{}
		for i, column := range records[0] {
			feature[column] = record[i]
		}
		features = append(features, feature)
	}
	return features
}

func assertSameCoordinate(t *testing.T, what, got string, want store.Coord) {
	t.Helper()
	v, err := strconv.ParseFloat(got, 64)
	if err != nil || v != want.Float() {
		t.Errorf("%s = %q, want %s", what, got, want)
	}
}

func TestExportReadByOGR(t *testing.T) {
	places := hostilePlaces(t)
	for _, tc := range []struct {
		name, file, nameColumn string
		encode                 func(*bytes.Buffer) error
		layers                 []string
	}{
		{"GPX", FilenameGPX, "name", func(b *bytes.Buffer) error { return EncodeGPX(b, places) }, []string{"waypoints"}},
		{"KML", FilenameKML, "Name", func(b *bytes.Buffer) error { return EncodeKML(b, places) }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.encode(&buf); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			features := ogrCSV(t, path, tc.layers...)
			if len(features) != len(places) {
				t.Fatalf("ogr2ogr read %d features, want %d:\n%s", len(features), len(places), buf.Bytes())
			}
			for i, p := range places {
				if got := features[i][tc.nameColumn]; got != p.Name {
					t.Errorf("feature %d name = %q, want %q", i, got, p.Name)
				}
				assertSameCoordinate(t, "X", features[i]["X"], p.Longitude)
				assertSameCoordinate(t, "Y", features[i]["Y"], p.Latitude)
			}
		})
	}
}

// TestImportFilesWrittenByOGR has ogr2ogr turn a CSV of hostile places into
// each format, then reads the result back through Decode and Classify.
func TestImportFilesWrittenByOGR(t *testing.T) {
	places := hostilePlaces(t)
	dir := t.TempDir()
	source := filepath.Join(dir, "source.csv")
	writeSourceCSV(t, source, places)
	for _, tc := range []struct{ driver, file, mediaType string }{
		{"GPX", "out.gpx", MediaTypeGPX},
		{"KML", "out.kml", MediaTypeKML},
		{"LIBKML", "out.kmz", MediaTypeKMZ},
		{"GeoJSON", "out.geojson", MediaTypeGeoJSON},
		{"CSV", "out.csv", MediaTypeCSV},
	} {
		t.Run(tc.driver, func(t *testing.T) {
			out := filepath.Join(dir, tc.file)
			runOGR(t, "-f", tc.driver, out, source, "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "KEEP_GEOM_COLUMNS=NO", "-lco", "GEOMETRY=AS_XY")
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			imp, err := Decode(f, tc.mediaType, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			assertImportedPlaces(t, Classify(imp, nil), places)
		})
	}
}

func writeSourceCSV(t *testing.T, path string, places []store.Place) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"name", "lat", "lon"})
	for _, p := range places {
		w.Write([]string{p.Name, p.Latitude.String(), p.Longitude.String()})
	}
	w.Flush()
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func assertImportedPlaces(t *testing.T, plan Plan, want []store.Place) {
	t.Helper()
	if len(plan.Report.Invalid) > 0 || len(plan.Add) != len(want) {
		t.Fatalf("added %d of %d, invalid %+v", len(plan.Add), len(want), plan.Report.Invalid)
	}
	for i, p := range want {
		got := plan.Add[i]
		if got.Name != p.Name || got.Latitude.Float() != p.Latitude.Float() || got.Longitude.Float() != p.Longitude.Float() {
			t.Errorf("place %d = %q %s,%s; want %q %s,%s", i, got.Name, got.Latitude, got.Longitude, p.Name, p.Latitude, p.Longitude)
		}
	}
}

// TestImportDatesFromFilesWrittenByOGR has ogr2ogr write places with a
// visited and a note column into each format, as GDAL and QGIS users
// would, and reads the dates and notes back (issue 20).
func TestImportDatesFromFilesWrittenByOGR(t *testing.T) {
	dir := t.TempDir()
	source := filepath.Join(dir, "visits.csv")
	body := "name,lat,lon,visited,note\nGraz,47.07,15.44,2019,Talk\n\"Wien, Oper\",48.2,16.37,2019-07-14/2019-07-18,\"two\nlines\"\nLinz,48.3,14.29,2021-03,\n"
	if err := os.WriteFile(source, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Name: "Graz", Visited: "2019", Note: "Talk"},
		{Name: "Wien, Oper", Visited: "2019-07-14/2019-07-18", Note: "two\nlines"},
		{Name: "Linz", Visited: "2021-03"},
	}
	for _, tc := range []struct {
		driver, file string
		options      []string
	}{
		{"GPX", "out.gpx", []string{"-dsco", "GPX_USE_EXTENSIONS=YES"}},
		{"KML", "out.kml", nil},
		{"LIBKML", "out.kmz", nil},
		{"GeoJSON", "out.geojson", nil},
		{"CSV", "out.csv", []string{"-lco", "GEOMETRY=AS_XY"}},
	} {
		t.Run(tc.driver, func(t *testing.T) {
			out := filepath.Join(dir, tc.file)
			args := append([]string{"-f", tc.driver, out, source, "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "KEEP_GEOM_COLUMNS=NO"}, tc.options...)
			runOGR(t, args...)
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			imp, err := Decode(bytes.NewReader(data), "", tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(imp.Rows) != len(want) {
				t.Fatalf("%d rows, want %d: %+v", len(imp.Rows), len(want), imp.Rows)
			}
			for i, w := range want {
				got := imp.Rows[i]
				if got.Name != w.Name || got.Visited != w.Visited || got.Note != w.Note {
					t.Errorf("row %d = %q %q %q, want %q %q %q", i, got.Name, got.Visited, got.Note, w.Name, w.Visited, w.Note)
				}
			}
		})
	}
}

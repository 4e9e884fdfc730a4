package handlers_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
)

func importRequest(token, query, mediaType string, body []byte) apptest.Request {
	return apptest.Request{Method: "POST", Path: "/places/import" + query, Body: string(body), Header: map[string]string{
		"Authorization": "Bearer " + token, "Content-Type": mediaType, "Accept": "application/json",
	}}
}

type importReport struct {
	Added      int `json:"added"`
	Duplicates int `json:"duplicates"`
	Near       int `json:"near"`
	Invalid    []struct {
		Row    int    `json:"row"`
		Name   string `json:"name"`
		Reason string `json:"reason"`
	} `json:"invalid"`
	Skipped struct {
		Tracks int `json:"tracks"`
	} `json:"skipped"`
	Change string `json:"change"`
	Code   string `json:"code"`
}

func decodeReport(t *testing.T, body string) importReport {
	t.Helper()
	var r importReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("not a report: %v\n%s", err, body)
	}
	return r
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "formats", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRealExportsImportAsOneCommitEach(t *testing.T) {
	for _, f := range []struct{ file, mediaType string }{
		{"google-my-maps.kml", "application/vnd.google-earth.kml+xml"},
		{"saved-places.json", "application/geo+json"},
		{"osmand-favourites.gpx", "application/gpx+xml"},
	} {
		t.Run(f.file, func(t *testing.T) {
			app := apptest.New(t)
			token := app.MachineToken(apptest.Permission)
			before := app.GitHub.File("places.csv")
			commits := len(app.GitHub.Commits())

			resp, body := app.Do(nil, importRequest(token, "?dry_run=true&skip_invalid=true", f.mediaType, fixture(t, f.file)))
			dry := decodeReport(t, body)
			if resp.StatusCode != http.StatusOK || dry.Added == 0 || dry.Change != "" || !bytes.Equal(app.GitHub.File("places.csv"), before) {
				t.Fatalf("dry run = %d %s; want a report and nothing written", resp.StatusCode, body)
			}

			// Takeout lists saved places without coordinates too: skipped.
			resp, body = app.Do(nil, importRequest(token, "?skip_invalid=true", f.mediaType, fixture(t, f.file)))
			rep := decodeReport(t, body)
			if resp.StatusCode != http.StatusCreated || rep.Added != dry.Added || !strings.HasPrefix(rep.Change, "/changes/") {
				t.Fatalf("import = %d %s, want 201 with the %d places of the dry run and the change", resp.StatusCode, body, dry.Added)
			}
			// One commit for the import; the file's first dates or notes
			// give it the visited and note columns first, in a commit of
			// their own that changes the header alone.
			made := app.GitHub.Commits()[commits:]
			if len(made) == 2 && strings.HasPrefix(made[0].Message, "Add columns visited and note\n") {
				commits++
				before = bytes.Replace(before, []byte("name,latitude,longitude\n"), []byte("name,latitude,longitude,visited,note\n"), 1)
				made = made[1:]
			}
			if len(made) != 1 {
				t.Errorf("the import made %d commits, want 1", len(made))
			}
			after := app.GitHub.File("places.csv")
			if !bytes.HasPrefix(after, before) || countRows(t, after[len(before):]) != rep.Added {
				t.Errorf("the import did not append exactly %d rows:\n%s", rep.Added, after[len(before):])
			}
			if resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: rep.Change, Header: map[string]string{"Accept": "application/json"}}); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"summary":"Import `) {
				t.Errorf("GET %s = %d %s", rep.Change, resp.StatusCode, body)
			}

			// The same file again adds nothing and makes no commit.
			resp, body = app.Do(nil, importRequest(token, "?skip_invalid=true", f.mediaType, fixture(t, f.file)))
			again := decodeReport(t, body)
			if resp.StatusCode != http.StatusOK || again.Added != 0 || again.Duplicates != rep.Added || len(app.GitHub.Commits()) != commits+1 {
				t.Errorf("re-import = %d %s, want 200, nothing added, %d duplicates, no commit", resp.StatusCode, body, rep.Added)
			}
		})
	}
}

func TestImportNamesAndCoordinatesLandAsWritten(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\n")))
	csv := "Title,Lng,Lat\nLinz,14.2858,48.3069\n\"Wien, Stephansplatz\",16.3725,48.2085\n"
	resp, body := app.Do(nil, importRequest(app.MachineToken(apptest.Permission), "", "text/csv", []byte(csv)))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("import = %d %s", resp.StatusCode, body)
	}
	want := "name,latitude,longitude\nLinz,48.3069,14.2858\n\"Wien, Stephansplatz\",48.2085,16.3725\n"
	if got := string(app.GitHub.File("places.csv")); got != want {
		t.Errorf("stored:\n%s\nwant\n%s", got, want)
	}
	commits := app.GitHub.Commits()
	if msg := commits[len(commits)-1].Message; !strings.HasPrefix(msg, "Import 2 places\n") {
		t.Errorf("commit message %q", msg)
	}
}

func TestInvalidRowsStopTheImportUnlessSkipped(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	before := app.GitHub.File("places.csv")
	csv := []byte("name,latitude,longitude\nLinz,48.3069,14.2858\nNowhere,91,0\n,1,2\n")

	resp, body := app.Do(nil, importRequest(token, "", "text/csv", csv))
	rep := decodeReport(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || rep.Code != "invalid_rows" || len(rep.Invalid) != 2 || rep.Invalid[0].Row != 3 || rep.Invalid[0].Name != "Nowhere" || rep.Invalid[0].Reason == "" {
		t.Fatalf("import with invalid rows = %d %s, want 422 listing rows 3 and 4", resp.StatusCode, body)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Fatal("an import with invalid rows wrote to the file")
	}
	resp, body = app.Do(nil, importRequest(token, "?skip_invalid=true", "text/csv", csv))
	if rep := decodeReport(t, body); resp.StatusCode != http.StatusCreated || rep.Added != 1 || len(rep.Invalid) != 2 {
		t.Errorf("skip_invalid import = %d %s, want Linz added and the 2 invalid rows reported", resp.StatusCode, body)
	}
}

func TestBadUploadsAreRefusedAndNothingIsWritten(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	before := app.GitHub.File("places.csv")
	var many strings.Builder
	many.WriteString("name,latitude,longitude\n")
	for i := range 10001 {
		fmt.Fprintf(&many, "P%d,1,%d.001\n", i, i%180)
	}
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("doc.kml")
	_, _ = w.Write(bytes.Repeat([]byte(" "), 6<<20))
	_ = zw.Close()

	for _, c := range []struct {
		what, mediaType string
		body            []byte
		status          int
	}{
		{"over 5 MB", "text/csv", bytes.Repeat([]byte("a"), 6<<20), http.StatusRequestEntityTooLarge},
		{"over 10,000 places", "text/csv", []byte(many.String()), http.StatusUnprocessableEntity},
		{"an unknown media type", "application/pdf", []byte("%PDF-1.7"), http.StatusUnsupportedMediaType},
		{"truncated XML", "application/gpx+xml", []byte(`<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><wpt lat="1" lon="2"><name>A`), http.StatusBadRequest},
		{"truncated JSON", "application/geo+json", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature"`), http.StatusBadRequest},
		{"an XML entity", "application/vnd.google-earth.kml+xml", []byte(`<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>`), http.StatusBadRequest},
		{"a zip bomb", "application/vnd.google-earth.kmz", bomb.Bytes(), http.StatusRequestEntityTooLarge},
	} {
		resp, body := app.Do(nil, importRequest(token, "", c.mediaType, c.body))
		if resp.StatusCode != c.status || !strings.Contains(body, `"description"`) {
			t.Errorf("%s: %d %.300s, want %d with a description", c.what, resp.StatusCode, body, c.status)
		}
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a refused upload changed the file")
	}
	if resp, _ := app.Do(nil, apptest.Request{Method: "POST", Path: "/places/import", Body: "name,latitude,longitude\n", Header: map[string]string{"Content-Type": "text/csv", "Accept": "application/json"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an import without a token = %d, want 401", resp.StatusCode)
	}
}

func TestBrowsersUploadTheFileAsMultipart(t *testing.T) {
	app := apptest.New(t)
	writer := app.SignIn("Jess", true)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "My Places.kml")
	_, _ = part.Write(fixture(t, "google-my-maps.kml"))
	_ = mw.Close()
	h := map[string]string{"Content-Type": mw.FormDataContentType(), "HX-Request": "true", "Origin": app.URL}

	resp, page := app.Do(writer, apptest.Request{Method: "POST", Path: "/places/import?dry_run=true", Body: body.String(), Header: h})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "<table") || !strings.Contains(page, "hx-post=\"/places/import\"") {
		t.Fatalf("htmx dry run = %d\n%s", resp.StatusCode, page)
	}
	resp, page = app.Do(writer, apptest.Request{Method: "POST", Path: "/places/import", Body: body.String(), Header: h})
	if resp.StatusCode != http.StatusCreated || !strings.Contains(page, "Imported ") || !strings.Contains(resp.Header.Get("HX-Trigger"), "places-changed") {
		t.Fatalf("htmx import = %d\n%s", resp.StatusCode, page)
	}
	commits := app.GitHub.Commits()
	if msg := commits[len(commits)-1].Message; !strings.Contains(msg, "from My Places.kml") {
		t.Errorf("commit message %q does not name the file", msg)
	}
}

func TestFilesWrittenByOGRImport(t *testing.T) {
	ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Fatalf("ogr2ogr not found (%v): install Debian's gdal-bin, as .ci/run does", err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "places.csv")
	if err := os.WriteFile(src, []byte("name,lat,lon\nLinz,48.3069,14.2858\nSão Luís,-2.5297,-44.3028\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ driver, ext, mediaType string }{
		{"GPX", "gpx", "application/gpx+xml"},
		{"KML", "kml", "application/vnd.google-earth.kml+xml"},
		{"GeoJSON", "geojson", "application/geo+json"},
	} {
		t.Run(f.driver, func(t *testing.T) {
			out := filepath.Join(dir, "out."+f.ext)
			args := []string{"-f", f.driver, out, src, "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-a_srs", "EPSG:4326"}
			if f.driver == "GPX" {
				args = append(args, "-lco", "GPX_USE_EXTENSIONS=YES")
			}
			if msg, err := exec.Command(ogr, args...).CombinedOutput(); err != nil {
				t.Fatalf("ogr2ogr: %v\n%s", err, msg)
			}
			file, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\n")))
			resp, body := app.Do(nil, importRequest(app.MachineToken(apptest.Permission), "", f.mediaType, file))
			if resp.StatusCode != http.StatusCreated || decodeReport(t, body).Added != 2 {
				t.Fatalf("import of ogr2ogr's %s = %d %s", f.driver, resp.StatusCode, body)
			}
			stored := string(app.GitHub.File("places.csv"))
			if !strings.Contains(stored, "Linz,48.3069,14.2858") || !strings.Contains(stored, "São Luís,-2.5297,-44.3028") {
				t.Errorf("stored after importing ogr2ogr's %s:\n%s", f.driver, stored)
			}
		})
	}
}

// countRows is how many CSV records b holds (a note may span lines).
func countRows(t *testing.T, b []byte) int {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1 // rows without a date have three fields
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return len(records)
}

// A browser's upload holds one file; an upload with two is refused, saying
// why, rather than importing whichever came first.
func TestAnUploadWithTwoFilesIsRefused(t *testing.T) {
	app := apptest.New(t)
	before := app.GitHub.File("places.csv")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, name := range []string{"first.csv", "second.csv"} {
		part, _ := mw.CreateFormFile("file", name)
		_, _ = part.Write([]byte("name,latitude,longitude\nLinz,48.3069,14.2858\n"))
	}
	_ = mw.Close()

	token := app.MachineToken(apptest.Permission)
	resp, answer := app.Do(nil, importRequest(token, "", mw.FormDataContentType(), body.Bytes()))
	if p := apptest.DecodeJSON(t, answer); resp.StatusCode != http.StatusBadRequest || p["code"] != "more_than_one_file" || !strings.Contains(p["description"].(string), "one file at a time") {
		t.Errorf("an upload with two files = %d %s, want 400 saying to send one", resp.StatusCode, answer)
	}
	writer := app.SignIn("Jess", true)
	h := map[string]string{"Content-Type": mw.FormDataContentType(), "HX-Request": "true", "Origin": app.URL}
	resp, panel := app.Do(writer, apptest.Request{Method: "POST", Path: "/places/import?dry_run=true", Body: body.String(), Header: h})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(panel, "one file at a time") || !strings.Contains(panel, `role="alert"`) {
		t.Errorf("the import panel after two files = %d\n%s", resp.StatusCode, panel)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("an upload with two files changed the file")
	}
}

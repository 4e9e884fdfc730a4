package handlers_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/internal/apptest"
)

// multipartUpload is a browser's upload: the file, then the preview's
// fields in the order given (name, value, name, value…).
func multipartUpload(t *testing.T, filename string, content []byte, fields ...string) (body, contentType string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	part, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(content)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := mw.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), mw.FormDataContentType()
}

// panelRequest is the import panel's request: htmx, from the page.
func panelRequest(app *apptest.Site, query, body, contentType string) apptest.Request {
	return apptest.Request{Method: "POST", Path: "/places/import" + query, Body: body,
		Header: map[string]string{"Content-Type": contentType, "HX-Request": "true", "Origin": app.URL}}
}

// zipOf is an archive of the named fixtures, as an app exports them.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type sourceAnswer struct {
	importReport
	Source  string `json:"source"`
	Summary string `json:"summary"`
	Skipped struct {
		Tracks      int `json:"tracks"`
		Activities  int `json:"activities"`
		Paths       int `json:"paths"`
		Points      int `json:"points"`
		HomeAndWork int `json:"home_and_work"`
		OtherGroups int `json:"other_groups"`
	} `json:"skipped"`
}

// Each source a traveller brings, written to its documented shape, is
// recognised by its content whatever it is called: the dry run names it
// with its summary and writes nothing; the import writes its places with
// their dates as one commit (after the one that adds the date columns).
func TestEverySourceIsNamedInThePreviewAndImportsAsOneCommit(t *testing.T) {
	swarm := zipOf(t, map[string][]byte{
		"checkins1.json": fixture(t, "swarm/checkins1.json"), "checkins2.json": fixture(t, "swarm/checkins2.json"),
		"photos/readme.txt": []byte("no places here"),
	})
	takeout := zipOf(t, map[string][]byte{
		"Takeout/Maps (your places)/Saved Places.json": fixture(t, "saved-places-older.json"),
		"Takeout/archive_browser.html":                 []byte("<html></html>"),
	})
	for _, c := range []struct {
		file           string
		content        []byte
		summary        string
		added, invalid int
		stored         string // a row the import writes, as written (a row without a note has no empty field for it)
	}{
		{"Saved Places.json", fixture(t, "saved-places-current.json"), "Google Saved Places: 4 places, 2021–2024", 2, 2, "Lisbon,38.7222524,-9.1393366,2023-04-02\n"},
		{"Saved Places.json", fixture(t, "saved-places-older.json"), "Google Saved Places: 3 places, 2017–2019", 2, 1, "Eiffel Tower,48.8583701,2.2944813,2018-07-14\n"},
		{"takeout-20240101T000000Z-001.zip", takeout, "Google Saved Places: 3 places, 2017–2019", 2, 1, "Praça do Comércio,38.7075,-9.1364,2017-05-01\n"},
		{"2019_JULY.json", fixture(t, "takeout/2019_JULY.json"), "Google Timeline: 1 place, 2019", 1, 0, "Praça do Comércio,38.7075,-9.1364,2019-07-20\n"},
		{"Timeline.json", fixture(t, "timeline-android.json"), "Google Timeline: 3 visits at 2 places, 2019–2023", 0, 3, ""},
		{"location-history.json", fixture(t, "timeline-ios.json"), "Google Timeline: 2 visits at 1 place, 2024", 0, 2, ""},
		{"swarm-export.zip", swarm, "Swarm: 4 visits at 2 places, 2019–2022", 4, 0, "Café de Flore,48.854166,2.332665,2022-06-28,Again!\n"},
		{"trip.json", fixture(t, "polarsteps/trip.json"), "Polarsteps: 3 visits at 2 places, 2022", 3, 0, "Sintra,38.8029,-9.3817,2022-07-01\n"},
		{"Bookmarks.kml", fixture(t, "organic-maps.kml"), "Organic Maps: 2 places, 2023", 2, 0, "Café Central,48.210381,16.365554,2023-09-10,Melange and Apfelstrudel\n"},
		{"favourites.gpx", fixture(t, "osmand-groups.gpx"), "OsmAnd: 4 places, 2019–2023", 4, 0, "Figlmüller,48.208176,16.373819,2022-11-20,Food: Schnitzel bigger than the plate\n"},
		{"Reisen.csv", fixture(t, "spreadsheet-europe.csv"), "Spreadsheet: 5 places, 2017–2023", 3, 2, "Porto,41.1579,-8.6291,2019-07-14,Francesinha; port cellars\n"},
	} {
		t.Run(c.summary, func(t *testing.T) {
			app := apptest.New(t, apptest.WithGeo(geo.NewData()), apptest.WithCSV([]byte("name,latitude,longitude\nLinz,48.3069,14.2858\n")))
			token := app.MachineToken(apptest.Permission)
			before := app.GitHub.File("places.csv")

			// A name that says nothing: the content decides.
			resp, body := app.Do(nil, importRequest(token, "?dry_run=true&skip_invalid=true", "application/octet-stream", c.content))
			var dry sourceAnswer
			if err := json.Unmarshal([]byte(body), &dry); err != nil || resp.StatusCode != http.StatusOK || dry.Summary != c.summary ||
				dry.Added != c.added || len(dry.Invalid) != c.invalid {
				t.Fatalf("dry run of %s = %d %s\nwant %q, %d new, %d invalid", c.file, resp.StatusCode, body, c.summary, c.added, c.invalid)
			}
			if !bytes.Equal(app.GitHub.File("places.csv"), before) {
				t.Fatal("the dry run wrote to the file")
			}

			page, contentType := multipartUpload(t, c.file, c.content)
			resp, html := app.Do(app.SignIn("Jess", true), panelRequest(app, "?dry_run=true&skip_invalid=true", page, contentType))
			if resp.StatusCode != http.StatusOK || !strings.Contains(html, `<p class="import-source">`+c.summary+`</p>`) {
				t.Errorf("the panel's dry run of %s = %d, want it to say %q:\n%s", c.file, resp.StatusCode, c.summary, html)
			}
			if c.added == 0 {
				return
			}
			commits := len(app.GitHub.Commits())
			resp, body = app.Do(nil, importRequest(token, "?skip_invalid=true", "application/octet-stream", c.content))
			if rep := decodeReport(t, body); resp.StatusCode != http.StatusCreated || rep.Added != c.added {
				t.Fatalf("import of %s = %d %s, want %d added", c.file, resp.StatusCode, body, c.added)
			}
			made := app.GitHub.Commits()[commits:]
			if len(made) != 2 || !strings.HasPrefix(made[0].Message, "Add columns visited and note\n") || !strings.HasPrefix(made[1].Message, fmt.Sprintf("Import %d place", c.added)) {
				t.Errorf("the import made %d commits, want the columns' and the import's: %+v", len(made), made)
			}
			if stored := string(app.GitHub.File("places.csv")); !strings.Contains(stored, "\n"+c.stored) || !strings.HasPrefix(stored, "name,latitude,longitude,visited,note\nLinz,48.3069,14.2858\n") {
				t.Errorf("stored after importing %s:\n%s\nwant a row %q after the rows as they were", c.file, stored, c.stored)
			}
		})
	}
}

// Google's on-device Timeline names no place: the preview shows each
// visit's point with a field to name it, and the names typed go back with
// the file. Home and work are left out unless asked for.
func TestTimelineVisitsAreNamedInThePreviewAndHomeIsLeftOutUnlessAsked(t *testing.T) {
	app := apptest.New(t, apptest.WithGeo(geo.NewData()))
	writer := app.SignIn("Jess", true)
	timeline := fixture(t, "timeline-android.json")
	before := app.GitHub.File("places.csv")

	body, contentType := multipartUpload(t, "Timeline.json", timeline)
	resp, html := app.Do(writer, panelRequest(app, "?dry_run=true", body, contentType))
	for _, want := range []string{
		"Google Timeline: 3 visits at 2 places, 2019–2023",
		`name="name:1:"`, `name="name:4:"`, "Name for the place of row 1", "The file gives this place no name",
		"name it at row 1, its first visit", // row 6 is the same place
		`name="home_and_work"`, "Include the places Google marked as home or work (1 visit)",
		"3 rows are not valid places",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the preview of a Timeline without names (%d) lacks %q:\n%s", resp.StatusCode, want, html)
		}
	}
	if strings.Contains(html, "import-commit") || !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Fatal("a preview with nothing valid offers to import, or wrote")
	}

	if strings.Contains(html, `name="name:6:"`) {
		t.Error("the second visit of a place asks for the place's name again")
	}

	body, contentType = multipartUpload(t, "Timeline.json", timeline, "name:1:", "Eiffel Tower", "name:4:", "Paris", "home_and_work", "true")
	resp, html = app.Do(writer, panelRequest(app, "?dry_run=true", body, contentType))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, "Google Timeline: 4 visits at 3 places, 2019–2023") ||
		!strings.Contains(html, "Import the 3 valid places") || !strings.Contains(html, `value="true" checked`) || !strings.Contains(html, `name="name:7:"`) {
		t.Fatalf("named, with home = %d, want 3 named visits to import and home among the visits (not named: invalid):\n%s", resp.StatusCode, html)
	}

	resp, html = app.Do(writer, panelRequest(app, "?skip_invalid=true", body, contentType))
	stored := string(app.GitHub.File("places.csv"))
	if resp.StatusCode != http.StatusCreated || !strings.Contains(html, "Imported 3 places.") ||
		!strings.Contains(stored, "\nEiffel Tower,48.8583701,2.2944813,2019-07-14\n") || !strings.Contains(stored, "\nParis,48.8566,2.3522,2019-07-14/2019-07-16\n") ||
		!strings.Contains(stored, "\nEiffel Tower,48.8583701,2.2944813,2023-05-02\n") {
		t.Errorf("import of the named visits = %d:\n%s\nstored:\n%s", resp.StatusCode, html, stored)
	}
}

// An OsmAnd file's groups are offered as checkboxes; the groups chosen
// are imported, the others counted as left out.
func TestOsmAndGroupsCanBeChosen(t *testing.T) {
	app := apptest.New(t, apptest.WithGeo(geo.NewData()), apptest.WithCSV([]byte("name,latitude,longitude\n")))
	writer := app.SignIn("Jess", true)
	gpx := fixture(t, "osmand-groups.gpx")

	body, contentType := multipartUpload(t, "favourites.gpx", gpx)
	_, html := app.Do(writer, panelRequest(app, "?dry_run=true", body, contentType))
	for _, want := range []string{`name="choose_groups"`, `value="Conferences" checked`, "Conferences (2 places)", "Food (1 place)", "Without a group (1 place)", "Import 4 places"} {
		if !strings.Contains(html, want) {
			t.Errorf("the preview of an OsmAnd file lacks %q:\n%s", want, html)
		}
	}
	body, contentType = multipartUpload(t, "favourites.gpx", gpx, "choose_groups", "true", "group", "Food", "group", "")
	resp, html := app.Do(writer, panelRequest(app, "", body, contentType))
	stored := string(app.GitHub.File("places.csv"))
	if resp.StatusCode != http.StatusCreated || !strings.Contains(html, "Imported 2 places.") || !strings.Contains(html, "2 places in groups left out") ||
		!strings.Contains(stored, "\nFiglmüller,") || !strings.Contains(stored, "\nSalzburg,") || strings.Contains(stored, "London") {
		t.Errorf("import of the groups Food and none = %d:\n%s\nstored:\n%s", resp.StatusCode, html, stored)
	}
}

// A spreadsheet whose columns cannot be told is not refused: the preview
// shows its first rows and asks which column is which. The answer comes
// back with the file, for this import only.
func TestTheColumnPickerAsksAndItsAnswerReadsTheFile(t *testing.T) {
	app := apptest.New(t, apptest.WithGeo(geo.NewData()), apptest.WithCSV([]byte("name,latitude,longitude\n")))
	writer := app.SignIn("Jess", true)
	token := app.MachineToken(apptest.Permission)
	sheet := []byte("Spot;A;B;Wann\nPorto;41,1579;-8,6291;14.07.2019\nGraz;47,0707;15,4395;2023\n")
	before := app.GitHub.File("places.csv")

	resp, body := app.Do(nil, importRequest(token, "?dry_run=true", "text/csv", sheet))
	var asked struct {
		Code        string `json:"code"`
		Spreadsheet struct {
			Delimiter string     `json:"delimiter"`
			FirstRow  []string   `json:"first_row"`
			Sample    [][]string `json:"sample"`
		} `json:"spreadsheet"`
	}
	if err := json.Unmarshal([]byte(body), &asked); err != nil || resp.StatusCode != http.StatusUnprocessableEntity || asked.Code != "choose_columns" ||
		asked.Spreadsheet.Delimiter != ";" || len(asked.Spreadsheet.Sample) != 2 || asked.Spreadsheet.FirstRow[0] != "Spot" {
		t.Fatalf("a sheet of unknown columns = %d %s, want 422 choose_columns with the sheet as read", resp.StatusCode, body)
	}

	form, contentType := multipartUpload(t, "places.csv", sheet)
	resp, html := app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType))
	for _, want := range []string{`role="alert"`, "Choose which columns hold what", `<select id="import-column_name" name="column_name">`, `<option value="1">A: Spot</option>`, "<td>41,1579</td>", "Read the file with these columns"} {
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, want) {
			t.Errorf("the panel's answer to a sheet of unknown columns = %d, lacks %q:\n%s", resp.StatusCode, want, html)
		}
	}

	answer := []string{"header", "true", "column_name", "1", "column_latitude", "2", "column_longitude", "3", "column_visited", "4", "column_note", "0", "date_order", ""}
	form, contentType = multipartUpload(t, "places.csv", sheet, answer...)
	resp, html = app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType))
	if resp.StatusCode != http.StatusOK || !strings.Contains(html, "Spreadsheet: 2 places, 2019–2023") || !strings.Contains(html, "Import 2 places") ||
		!strings.Contains(html, "Columns separated by semicolons, decimal commas.") {
		t.Fatalf("the sheet read with the columns chosen = %d:\n%s", resp.StatusCode, html)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Fatal("asking for columns, or the dry run, wrote to the file")
	}
	resp, _ = app.Do(writer, panelRequest(app, "", form, contentType))
	if stored := string(app.GitHub.File("places.csv")); resp.StatusCode != http.StatusCreated || !strings.Contains(stored, "\nPorto,41.1579,-8.6291,2019-07-14\nGraz,47.0707,15.4395,2023\n") {
		t.Errorf("import with the columns chosen = %d, stored:\n%s", resp.StatusCode, stored)
	}

	// Nothing was remembered: the same sheet alone is asked about again.
	form, contentType = multipartUpload(t, "places.csv", sheet)
	if resp, html = app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, "column_name") {
		t.Errorf("the sheet sent again without the answer = %d, want the picker again", resp.StatusCode)
	}
}

// Rows with a place's name and no coordinates are matched against the
// offline gazetteer: one match is proposed with its region and country,
// several are offered as a choice, none leaves the row needing a point.
// Rows with a point and no name are proposed the nearest town's.
func TestNamesWithoutCoordinatesAreMatchedInTheGazetteer(t *testing.T) {
	apptest.LoadGeo(t)
	app := apptest.New(t, apptest.WithCSV([]byte("name,latitude,longitude\n")))
	writer := app.SignIn("Jess", true)
	sheet := []byte("City,Country,Visited\nGraz,Austria,2023\nSpringfield,,2019\nAtlantis Under The Sea,,\n")

	form, contentType := multipartUpload(t, "cities.csv", sheet)
	resp, html := app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType))
	for _, want := range []string{
		"Spreadsheet: 3 places, 2019–2023",
		"point of Graz, Styria, Austria, from the gazetteer</span></td><td>47.0667° N, 15.4500° E</td>",
		"Which Springfield is it?", `name="point:3:" value="1"`, "Springfield, Missouri, United States",
		"The file has no coordinates for it: put it on the map.",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the preview of names without coordinates (%d) lacks %q:\n%s", resp.StatusCode, want, html)
		}
	}

	// A saved place Google gives no point for is matched by its address.
	form, contentType = multipartUpload(t, "Saved Places.json", fixture(t, "saved-places-current.json"))
	if _, html := app.Do(writer, panelRequest(app, "?dry_run=true&skip_invalid=true", form, contentType)); !strings.Contains(html, "point of Vienna, Austria, from the gazetteer") {
		t.Errorf("Google's Café Central, Wien without coordinates was not put at Vienna:\n%s", html)
	}

	// Google's on-device Timeline names no place: each is proposed the
	// nearest town's name, which the person may change on its first visit.
	timeline := fixture(t, "timeline-android.json")
	form, contentType = multipartUpload(t, "Timeline.json", timeline)
	resp, html = app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType))
	if resp.StatusCode != http.StatusOK || !strings.Contains(html, "Google Timeline: 3 visits at 2 places, 2019–2023") || !strings.Contains(html, "Import 3 places") ||
		!strings.Contains(html, `name="name:4:" value="Paris"`) || !strings.Contains(html, "the nearest town, from the gazetteer: rename it if you like") ||
		!strings.Contains(html, "the nearest town, from the gazetteer: rename it at row 1") || strings.Contains(html, `name="name:6:"`) {
		t.Errorf("a Timeline without names, with the gazetteer = %d, want its visits proposed the nearest town, renamable once a place:\n%s", resp.StatusCode, html)
	}
	form, contentType = multipartUpload(t, "Timeline.json", timeline, "name:1:", "Eiffel Tower", "name:4:", "Paris")
	if resp, _ := app.Do(writer, panelRequest(app, "", form, contentType)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("import of the Timeline = %d", resp.StatusCode)
	}
	if stored := string(app.GitHub.File("places.csv")); !strings.Contains(stored, "\nEiffel Tower,48.8583701,2.2944813,2019-07-14\n") ||
		!strings.Contains(stored, "\nEiffel Tower,48.8583701,2.2944813,2023-05-02\n") || !strings.Contains(stored, "\nParis,48.8566,2.3522,2019-07-14/2019-07-16\n") {
		t.Errorf("the Timeline's places renamed on their first visit, stored:\n%s", stored)
	}

	form, contentType = multipartUpload(t, "cities.csv", sheet, "point:3:", "1")
	resp, html = app.Do(writer, panelRequest(app, "?skip_invalid=true", form, contentType))
	stored := string(app.GitHub.File("places.csv"))
	if resp.StatusCode != http.StatusCreated || !strings.Contains(html, "Imported 2 places.") ||
		!strings.Contains(stored, "\nGraz,47.06667,15.45,2023\n") || !strings.Contains(stored, "\nSpringfield,37.21533,-93.29824,2019\n") || strings.Contains(stored, "Atlantis") {
		t.Errorf("import with the first Springfield chosen = %d:\n%s\nstored:\n%s", resp.StatusCode, html, stored)
	}
}

// A large file's preview comes in pages (each sends the file again); its
// import is still one commit.
func TestALargePreviewPagesAndImportsAsOneCommit(t *testing.T) {
	app := apptest.New(t, apptest.WithGeo(geo.NewData()), apptest.WithCSV([]byte("name,latitude,longitude\n")))
	writer := app.SignIn("Jess", true)
	var sheet strings.Builder
	sheet.WriteString("name,latitude,longitude\n")
	for i := range 250 {
		fmt.Fprintf(&sheet, "Place %d,%d.5,%d.25\n", i, i%80, i%170)
	}
	form, contentType := multipartUpload(t, "many.csv", []byte(sheet.String()))
	resp, html := app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType))
	if resp.StatusCode != http.StatusOK || strings.Count(html, `<tr class="import-new">`) != 100 || !strings.Contains(html, "Rows 1–100 of 250, page 1 of 3") ||
		!strings.Contains(html, `name="page" value="2"`) || !strings.Contains(html, "Import 250 places") {
		t.Fatalf("the first page of 250 rows = %d, want 100 rows, the pager and the whole import's button:\n%.3000s", resp.StatusCode, html)
	}
	form, contentType = multipartUpload(t, "many.csv", []byte(sheet.String()), "page", "3")
	resp, html = app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType))
	if resp.StatusCode != http.StatusOK || strings.Count(html, `<tr class="import-new">`) != 50 || !strings.Contains(html, "<td>Place 249</td>") || !strings.Contains(html, "Rows 201–250 of 250, page 3 of 3") {
		t.Fatalf("the last page = %d, want rows 201–250:\n%s", resp.StatusCode, html[strings.Index(html, "</details>"):])
	}
	commits := len(app.GitHub.Commits())
	resp, _ = app.Do(writer, panelRequest(app, "", form, contentType))
	if made := len(app.GitHub.Commits()) - commits; resp.StatusCode != http.StatusCreated || made != 1 || countRows(t, app.GitHub.File("places.csv")) != 251 {
		t.Errorf("import from the last page = %d with %d commits, want 250 places in 1", resp.StatusCode, made)
	}
}

// Every failure of an import is told in the import panel, next to the
// file, in words a traveller understands: those of the checks before the
// import too (an ended session), and never in the add form's alert.
func TestImportFailuresAreToldInTheImportPanel(t *testing.T) {
	app := apptest.New(t)
	writer := app.SignIn("Jess", true)
	before := app.GitHub.File("places.csv")
	word := zipOf(t, map[string][]byte{"[Content_Types].xml": []byte("<Types/>"), "word/document.xml": []byte("<w:document/>")})

	for _, c := range []struct {
		what    string
		client  *http.Client
		file    string
		content []byte
		status  int
		says    string
	}{
		{"a Word document called .kml", writer, "places.kml", word, http.StatusUnsupportedMediaType, "Word document"},
		{"an empty file", writer, "places.gpx", []byte{}, http.StatusBadRequest, "the file is empty"},
		{"an ended session", nil, "places.kml", fixture(t, "google-my-maps.kml"), http.StatusUnauthorized, "Log in again"},
	} {
		form, contentType := multipartUpload(t, c.file, c.content)
		resp, html := app.Do(c.client, panelRequest(app, "?dry_run=true", form, contentType))
		if resp.StatusCode != c.status || !strings.Contains(html, `<p class="form-error" role="alert">`) || !strings.Contains(html, c.says) ||
			strings.Contains(html, "hx-swap-oob") || resp.Header.Get("HX-Reswap") != "" {
			t.Errorf("%s: %d (HX-Reswap %q), want %d telling %q in the import panel:\n%s", c.what, resp.StatusCode, resp.Header.Get("HX-Reswap"), c.status, c.says, html)
		}
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a refused import changed the file")
	}
}

// The preview's answers are bounded like the file: a sheet a hundred
// thousand columns wide is asked about with a hundred of them, and fields
// past the budget are refused. Nothing is written.
func TestThePreviewStaysSmallWhateverTheFile(t *testing.T) {
	app := apptest.New(t, apptest.WithGeo(geo.NewData()))
	writer := app.SignIn("Jess", true)
	before := app.GitHub.File("places.csv")

	wide := []byte("x" + strings.Repeat(";x", 100000) + "\n")
	form, contentType := multipartUpload(t, "wide.csv", wide)
	resp, html := app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, `name="column_name"`) || len(html) > 400<<10 {
		t.Errorf("a sheet 100,001 columns wide = %d with %d KB, want the picker within 400 KB", resp.StatusCode, len(html)>>10)
	}

	form, contentType = multipartUpload(t, "places.kml", fixture(t, "google-my-maps.kml"), "name:1:", strings.Repeat("n", 300<<10))
	resp, html = app.Do(writer, panelRequest(app, "?dry_run=true", form, contentType))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(html, "fields besides the file are larger than 256 KB") {
		t.Errorf("300 KB of fields = %d, want 413 in the panel:\n%.500s", resp.StatusCode, html)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a refused preview changed the file")
	}
}

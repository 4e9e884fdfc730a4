package formats

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/whib/whib/store"
)

func TestDecodeSavedPlacesCurrentSchema(t *testing.T) {
	imp := decodeFile(t, "saved-places-current.json", MediaTypeJSON)
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Lisbon", Latitude: "38.7222524", Longitude: "-9.1393366", Visited: "2023-04-02"},
		// [0, 0] with "No location information…": the point is the URL's
		// q=lat,lng, and the comment is no note.
		{Index: 2, Latitude: "41.1579438", Longitude: "-8.6291053", Visited: "2021-09-30"},
		// Nothing to take a point from: it needs one, looked up by the
		// URL's search text.
		{Index: 3, Visited: "2022-01-05", Lookup: "Café Central, Wien"},
		// 23:12 UTC in Tokyo is the next day there.
		{Index: 4, Name: "Tokyo Station", Latitude: "35.6812362", Longitude: "139.7671248", Visited: "2024-10-20"},
	}, 0)
	if imp.Source != SourceSavedPlaces {
		t.Errorf("source = %q", imp.Source)
	}
}

func TestDecodeSavedPlacesOlderSchema(t *testing.T) {
	imp := decodeFile(t, "saved-places-older.json", MediaTypeGeoJSON)
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Eiffel Tower", Latitude: "48.8583701", Longitude: "2.2944813", Visited: "2018-07-14"},
		// [0, 0] but Geo Coordinates that say where.
		{Index: 2, Name: "Praça do Comércio", Latitude: "38.7075", Longitude: "-9.1364", Visited: "2017-05-01"},
		{Index: 3, Name: "Graz", Visited: "2019-03-02", Lookup: "Graz, Austria"},
	}, 0)
	if got := imp.Summary().String(); got != "Google Saved Places: 3 places, 2017–2019" {
		t.Errorf("summary %q", got)
	}
}

func TestDecodeTimelineOnDevice(t *testing.T) {
	imp := decodeFile(t, "timeline-android.json", MediaTypeJSON)
	eiffel, hotel := [2]string{"48.8583701", "2.2944813"}, [2]string{"48.8566", "2.3522"}
	assertImport(t, imp, []Row{
		{Index: 1, Latitude: eiffel[0], Longitude: eiffel[1], Visited: "2019-07-14"},
		// Two nights at the hotel, read as visits on following days: one stay.
		{Index: 4, Latitude: hotel[0], Longitude: hotel[1], Visited: "2019-07-14/2019-07-16"},
		// Another placeId 4 m from the tower: the same place, at its point.
		{Index: 6, Latitude: eiffel[0], Longitude: eiffel[1], Visited: "2023-05-02"},
	}, 0)
	want := Skipped{Activities: 1, Paths: 1, Signals: 3, HomeAndWork: 1}
	if imp.Skipped != want || imp.Source != SourceTimeline {
		t.Errorf("source %q, skipped %+v, want %+v", imp.Source, imp.Skipped, want)
	}
	if got := imp.Summary().String(); got != "Google Timeline: 3 visits at 2 places, 2019–2023" {
		t.Errorf("summary %q", got)
	}

	// Asked for, home is a place like any other.
	data, _ := os.ReadFile(filepath.Join("testdata", "timeline-android.json"))
	withHome, err := DecodeWith(bytes.NewReader(data), MediaTypeJSON, "Timeline.json", DecodeOptions{HomeAndWork: true})
	if err != nil {
		t.Fatal(err)
	}
	last := withHome.Rows[len(withHome.Rows)-1]
	if len(withHome.Rows) != 4 || last.Latitude != "47.0707" || last.Visited != "2023-05-01/2023-05-02" || withHome.Skipped.HomeAndWork != 0 {
		t.Errorf("with home: %+v, skipped %+v", withHome.Rows, withHome.Skipped)
	}
}

func TestDecodeTimelineIOS(t *testing.T) {
	imp := decodeFile(t, "timeline-ios.json", MediaTypeJSON)
	// The same placeID two days apart: two visits to one place, at the
	// point of the first; the inferred workplace is left out.
	assertImport(t, imp, []Row{
		{Index: 1, Latitude: "35.681236", Longitude: "139.767125", Visited: "2024-03-09"},
		{Index: 5, Latitude: "35.681236", Longitude: "139.767125", Visited: "2024-03-11"},
	}, 0)
	if want := (Skipped{Activities: 1, Paths: 1, HomeAndWork: 1}); imp.Skipped != want {
		t.Errorf("skipped %+v, want %+v", imp.Skipped, want)
	}
}

func TestDecodeTimelineSemanticLocationHistory(t *testing.T) {
	imp := decodeFile(t, filepath.Join("takeout", "2019_AUGUST.json"), MediaTypeJSON)
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Praça do Comércio", Latitude: "38.7076", Longitude: "-9.1363", Visited: "2019-08-02"},
		// Milliseconds since 1970; three days in Porto are one stay.
		{Index: 2, Name: "Porto", Latitude: "41.1579438", Longitude: "-8.6291053", Visited: "2019-08-04/2019-08-06"},
	}, 0)
}

// takeoutZip is a Takeout as Google names its files, with a picture and
// the raw Records.json that are not read.
func takeoutZip(t testing.TB) []byte {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return zipOf(t, []zipEntry{
		{"Takeout/archive_browser.html", []byte("<!DOCTYPE html><html></html>")},
		{"Takeout/Maps (your places)/Saved Places.json", read("saved-places-older.json")},
		{"Takeout/Location History (Timeline)/Records.json", []byte(`{"locations": []}`)},
		{"Takeout/Location History (Timeline)/Semantic Location History/2019/2019_JULY.json", read("takeout/2019_JULY.json")},
		{"Takeout/Location History (Timeline)/Semantic Location History/2019/2019_AUGUST.json", read("takeout/2019_AUGUST.json")},
		{"Takeout/Maps/Photos/IMG_0001.jpg", []byte("\xFF\xD8\xFF\xE0")},
	})
}

func TestDecodeTakeoutZip(t *testing.T) {
	imp, err := Decode(bytes.NewReader(takeoutZip(t)), "application/zip", "takeout-20240101T000000Z-001.zip")
	if err != nil {
		t.Fatal(err)
	}
	const saved, semantic = "Takeout/Maps (your places)/Saved Places.json", "Takeout/Location History (Timeline)/Semantic Location History/2019/"
	praca := [2]string{"38.7075", "-9.1364"} // July's point: the place's first visit
	assertImport(t, imp, []Row{
		{Index: 1, File: saved, Name: "Eiffel Tower", Latitude: "48.8583701", Longitude: "2.2944813", Visited: "2018-07-14"},
		{Index: 2, File: saved, Name: "Praça do Comércio", Latitude: "38.7075", Longitude: "-9.1364", Visited: "2017-05-01"},
		{Index: 3, File: saved, Name: "Graz", Visited: "2019-03-02", Lookup: "Graz, Austria"},
		// The same place in two monthly files is one place.
		{Index: 1, File: semantic + "2019_AUGUST.json", Name: "Praça do Comércio", Latitude: praca[0], Longitude: praca[1], Visited: "2019-08-02"},
		{Index: 2, File: semantic + "2019_AUGUST.json", Name: "Porto", Latitude: "41.1579438", Longitude: "-8.6291053", Visited: "2019-08-04/2019-08-06"},
		{Index: 2, File: semantic + "2019_JULY.json", Name: "Praça do Comércio", Latitude: praca[0], Longitude: praca[1], Visited: "2019-07-20"},
	}, 0)
	want := Skipped{Activities: 1, HomeAndWork: 1, Files: 3}
	if imp.Source != "Google Saved Places, Google Timeline" || imp.Skipped != want {
		t.Errorf("source %q, skipped %+v, want %+v", imp.Source, imp.Skipped, want)
	}
}

// TestTimelineVisitsAreVisitsInTheStore classifies a Timeline's rows by the
// store's rules: with ClassifyVisits each stay is a visit to add and the
// same file again adds nothing; Classify adds each place once, with the
// dates in its rows.
func TestTimelineVisitsAreVisitsInTheStore(t *testing.T) {
	imp := decodeFile(t, filepath.Join("takeout", "2019_AUGUST.json"), MediaTypeJSON)
	imp.Rows = append(imp.Rows, Row{Index: 3, Name: "Porto", Latitude: "41.1579438", Longitude: "-8.6291053", Visited: "2023-05", Note: "again"})
	plan := ClassifyVisits(imp, nil)
	if plan.Report.Added != 3 || plan.Report.Duplicates != 0 || plan.Add[1].Visited.String() != "2019-08-04/2019-08-06" || plan.Add[2].Visited.String() != "2023-05" || plan.Add[2].Note != "again" {
		t.Fatalf("plan %+v: want three visits", plan.Report)
	}
	again := ClassifyVisits(imp, store.NewIndex(plan.Add))
	if again.Report.Added != 0 || again.Report.Duplicates != 3 {
		t.Errorf("the same visits again: %+v", again.Report)
	}
	places := Classify(imp, nil)
	if places.Report.Added != 2 || places.Report.Duplicates != 1 || !places.Add[1].Visited.IsZero() || places.AddRows[1].Visited != "2019-08-04/2019-08-06" {
		t.Errorf("Classify: %+v, rows %+v", places.Report, places.AddRows)
	}
}

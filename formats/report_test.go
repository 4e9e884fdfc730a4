package formats

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/whib/whib/store"
)

func mustPlace(t testing.TB, name, lat, lon string) store.Place {
	t.Helper()
	p, err := store.NewPlace(name, lat, lon)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClassify(t *testing.T) {
	existing := []store.Place{
		mustPlace(t, "Florianópolis", "-27.5969", "-48.5495"),
		mustPlace(t, "Lisboa", "38.7223", "-9.1393"),
	}
	imp := Import{Skipped: Skipped{Tracks: 2}, Rows: []Row{
		{Index: 2, Name: "  FLORIANÓPOLIS ", Latitude: "-27.5969000", Longitude: "-48.5495"}, // same place, other case and digits
		{Index: 3, Name: "lisboa", Latitude: "38.7250", Longitude: "-9.1400"},                // ~300 m away: near
		{Index: 4, Name: "Lisboa", Latitude: "38.80", Longitude: "-9.1393"},                  // ~8.6 km away: a new place
		{Index: 5, Name: "Porto", Latitude: "41.1579", Longitude: "-8.6291"},                 // new
		{Index: 6, Name: "Porto", Latitude: "41.1579", Longitude: "-8.6291"},                 // repeated in the file
		{Index: 7, Name: "", Latitude: "100", Longitude: "x"},
		{Index: 8, Name: strings.Repeat("n", 300), Latitude: "1", Longitude: "2"},
	}}
	plan := Classify(imp, store.NewIndex(existing))
	if got := names(plan.Add); got != "Lisboa|Porto" {
		t.Errorf("added %q", got)
	}
	if got := names(plan.Near); got != "lisboa" {
		t.Errorf("near %q", got)
	}
	if len(plan.DuplicateRows) != 2 || plan.DuplicateRows[0].Index != 2 || plan.DuplicateRows[1].Index != 6 {
		t.Errorf("duplicate rows %+v, want rows 2 and 6", plan.DuplicateRows)
	}
	if len(plan.AddRows) != 2 || plan.AddRows[1].Index != 5 || len(plan.NearRows) != 1 || plan.NearRows[0].Index != 3 {
		t.Errorf("rows of the places: add %+v, near %+v", plan.AddRows, plan.NearRows)
	}
	r := plan.Report
	if r.Added != 2 || r.Duplicates != 2 || r.Near != 1 || r.Skipped.Tracks != 2 || len(r.Invalid) != 2 {
		t.Fatalf("report %+v", r)
	}
	if r.Invalid[0].Row != 7 || r.Invalid[0].Reason != "Name is required. Latitude must be between -90 and 90. Longitude must be a number, like -48.61." {
		t.Errorf("invalid[0] = %+v", r.Invalid[0])
	}
	if r.Invalid[1].Row != 8 || len([]rune(r.Invalid[1].Name)) != 101 {
		t.Errorf("a long refused name is not shortened: %+v", r.Invalid[1])
	}
}

func names(places []store.Place) string {
	var s []string
	for _, p := range places {
		s = append(s, p.Name)
	}
	return strings.Join(s, "|")
}

func TestReportJSONShape(t *testing.T) {
	empty, _ := json.Marshal(Classify(Import{}, nil).Report)
	if want := `{"added":0,"duplicates":0,"near":0,"invalid":[],"skipped":{"tracks":0},"change":""}`; string(empty) != want {
		t.Errorf("empty report = %s, want %s", empty, want)
	}
	r := Report{Added: 1, Invalid: []Invalid{{Row: 2, Name: "x", Reason: "y"}}, Change: "abc"}
	got, _ := json.Marshal(r)
	if want := `{"added":1,"duplicates":0,"near":0,"invalid":[{"row":2,"name":"x","reason":"y"}],"skipped":{"tracks":0},"change":"abc"}`; string(got) != want {
		t.Errorf("report = %s, want %s", got, want)
	}
}

// TestEncodeDecodeKeepsEverything reads this package's own exports back
// exactly: names byte for byte, coordinates digit for digit.
func TestEncodeDecodeKeepsEverything(t *testing.T) {
	places := hostilePlaces(t)
	places = append(places, mustPlace(t, "Trailing zeros", "10.500", "-0.0"))
	for _, tc := range []struct {
		mediaType string
		encode    func(*bytes.Buffer, []store.Place) error
	}{
		{MediaTypeGPX, func(b *bytes.Buffer, p []store.Place) error { return EncodeGPX(b, p) }},
		{MediaTypeKML, func(b *bytes.Buffer, p []store.Place) error { return EncodeKML(b, p) }},
	} {
		var buf bytes.Buffer
		if err := tc.encode(&buf, places); err != nil {
			t.Fatal(err)
		}
		imp, err := Decode(&buf, tc.mediaType, "")
		if err != nil {
			t.Fatal(err)
		}
		plan := Classify(imp, nil)
		if len(plan.Add) != len(places) {
			t.Fatalf("%s: read back %d of %d places: %+v", tc.mediaType, len(plan.Add), len(places), plan.Report)
		}
		for i, p := range places {
			got := plan.Add[i]
			if got.Name != p.Name || got.Latitude.String() != p.Latitude.String() || got.Longitude.String() != p.Longitude.String() {
				t.Errorf("%s: %q %s,%s came back as %q %s,%s", tc.mediaType, p.Name, p.Latitude, p.Longitude, got.Name, got.Latitude, got.Longitude)
			}
		}
		if plan := Classify(imp, store.NewIndex(places)); plan.Report.Duplicates != len(places) {
			t.Errorf("%s: importing the export again: %+v", tc.mediaType, plan.Report)
		}
	}
}

func TestXMLDecimal(t *testing.T) {
	for in, want := range map[string]string{"-27.59": "-27.59", "1e1": "10", "+5": "5", "0.000001": "0.000001"} {
		p := mustPlace(t, "x", in, "0")
		if got := xmlDecimal(p.Latitude); got != want {
			t.Errorf("xmlDecimal(%s) = %q, want %q", in, got, want)
		}
	}
}

// The preview and the store apply one rule: a name that differs from a
// stored one only by a zero-width character is the same place, not new.
func TestAnImportUsesTheStoresRuleForTheSamePlace(t *testing.T) {
	graz := mustPlace(t, "Graz", "47.0707", "15.4395")
	imp := Import{Rows: []Row{{Index: 2, Name: "Gr\u200Baz", Latitude: "47.0707", Longitude: "15.4395"}}}
	plan := Classify(imp, store.NewIndex([]store.Place{graz}))
	if plan.Report.Duplicates != 1 || len(plan.Add) != 0 {
		t.Errorf("Gr\\u200Baz at Graz's point: %+v, want a duplicate", plan.Report)
	}
}

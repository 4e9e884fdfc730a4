package formats

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whib/whib/store"
)

// FuzzDecode feeds Decode arbitrary bytes under each media type. Whatever
// comes in, Decode must not panic, must fail only with an *Error of a known
// kind, and must keep its limits; and every place Classify accepts must
// survive a GPX round trip. The seed corpus is in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("name,latitude,longitude\nA,1,2\n"), MediaTypeCSV)
	f.Add([]byte(`<gpx><wpt lat="1" lon="2"><name>A</name></wpt></gpx>`), MediaTypeGPX)
	f.Add([]byte(`<kml><Placemark><name>A</name><Point><coordinates>2,1</coordinates></Point></Placemark></kml>`), MediaTypeKML)
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[2,1]},"properties":{"name":"A"}}]}`), MediaTypeGeoJSON)
	for _, name := range []string{"organic-maps.kml", "osmand-groups.gpx", "spreadsheet-europe.csv", "google-list.csv", "timeline-ios.json"} {
		f.Add(readTestdata(f, name), "")
	}
	f.Fuzz(func(t *testing.T, data []byte, mediaType string) {
		imp, err := Decode(bytes.NewReader(data), mediaType, "upload")
		checkDecoded(t, imp, err)
	})
}

// checkDecoded holds for whatever a decoder makes of any input: it fails
// only with an *Error of a known kind, keeps its limits, gives dates that
// are EDTF or kept as written, and rows that Classify accounts for and
// that survive a GPX round trip.
func checkDecoded(t *testing.T, imp Import, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Kind < KindMalformed || e.Kind > KindNeedsColumns {
			t.Fatalf("Decode error %v (%T) is not an *Error of a known kind", err, err)
		}
		if (e.Kind == KindNeedsColumns) != (e.Spreadsheet != nil) {
			t.Fatalf("error %v: Spreadsheet %+v", err, e.Spreadsheet)
		}
		return
	}
	if len(imp.Rows) > MaxImportPlaces {
		t.Fatalf("%d rows, over the limit", len(imp.Rows))
	}
	for _, row := range imp.Rows {
		if v, ok := normaliseVisited(row.Visited, dateContext{}); ok && v != row.Visited {
			t.Fatalf("row %+v: Visited %q is readable but not normalised (%q)", row, row.Visited, v)
		}
	}
	if s := imp.Summary(); s.Places > s.Visits || s.FirstYear > s.LastYear {
		t.Fatalf("summary %+v", s)
	}
	plan := Classify(imp, nil)
	r := plan.Report
	if r.Added+r.Duplicates+r.Near+len(r.Invalid) != len(imp.Rows) || len(plan.AddRows) != len(plan.Add) || len(plan.NearRows) != len(plan.Near) || len(plan.DuplicateRows) != r.Duplicates {
		t.Fatalf("report %+v does not account for %d rows", r, len(imp.Rows))
	}
	visits := ClassifyVisits(imp, nil).Report
	if visits.Added+visits.Duplicates+visits.Near+len(visits.Invalid) != len(imp.Rows) || visits.Added < r.Added || len(visits.Invalid) != len(r.Invalid) {
		t.Fatalf("ClassifyVisits %+v against Classify %+v for %d rows", visits, r, len(imp.Rows))
	}
	assertGPXRoundTrip(t, plan)
}

// assertGPXRoundTrip checks that every place of the plan comes back from
// EncodeGPX. EncodeGPX writes a place's name and point, not yet its visit
// (gpxTime says how it will), so visits to one place come back as one.
func assertGPXRoundTrip(t *testing.T, plan Plan) {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeGPX(&buf, plan.Add); err != nil {
		t.Fatal(err)
	}
	again, err := Decode(&buf, MediaTypeGPX, "")
	if err != nil {
		t.Fatalf("reading our own GPX: %v\n%s", err, buf.Bytes())
	}
	back := Classify(again, nil)
	places := distinctPlaces(plan.Add)
	if len(back.Add) != len(places) {
		t.Fatalf("GPX round trip kept %d of %d places: %+v", len(back.Add), len(places), back.Report)
	}
	for i, p := range places {
		if got := back.Add[i]; got.Name != asXMLText(p.Name) || got.Latitude.Float() != p.Latitude.Float() || got.Longitude.Float() != p.Longitude.Float() {
			t.Fatalf("GPX round trip changed %q %s,%s into %q %s,%s", p.Name, p.Latitude, p.Longitude, got.Name, got.Latitude, got.Longitude)
		}
	}
}

// distinctPlaces are the places without their visits, each once.
func distinctPlaces(visits []store.Place) []store.Place {
	ix := store.NewIndex(nil)
	var places []store.Place
	for _, p := range visits {
		p.Visited, p.Note = store.Visited{}, ""
		if _, seen := ix.Same(p); !seen {
			ix.Add(p)
			places = append(places, p)
		}
	}
	return places
}

// asXMLText is name as XML can carry it: a hand-edited places file may hold
// the noncharacters U+FFFE and U+FFFF (store.NewPlace refuses them), which
// XML 1.0 cannot hold, and encoding/xml writes them as U+FFFD.
func asXMLText(name string) string {
	return strings.Map(func(r rune) rune {
		if r == 0xFFFE || r == 0xFFFF {
			return 0xFFFD
		}
		return r
	}, name)
}

func TestEncodeKeepsXMLWellFormedForNoncharacters(t *testing.T) {
	// Only a hand-edited file can hold such a name: NewPlace refuses it.
	path := filepath.Join(t.TempDir(), "places.csv")
	if err := os.WriteFile(path, []byte("name,latitude,longitude\na\uFFFEb\uFFFF,1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	snap, err := store.NewFileStore(path).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	places := snap.Places
	for mediaType, encode := range map[string]func(io.Writer, []store.Place) error{MediaTypeGPX: EncodeGPX, MediaTypeKML: EncodeKML} {
		var buf bytes.Buffer
		if err := encode(&buf, places); err != nil {
			t.Fatal(err)
		}
		imp, err := Decode(&buf, mediaType, "")
		if err != nil || len(imp.Rows) != 1 || imp.Rows[0].Name != "a\uFFFDb\uFFFD" {
			t.Errorf("%s: read back %+v, %v", mediaType, imp, err)
		}
	}
}

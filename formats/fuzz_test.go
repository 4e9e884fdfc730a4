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
	f.Fuzz(func(t *testing.T, data []byte, mediaType string) {
		imp, err := Decode(bytes.NewReader(data), mediaType, "upload")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind < KindMalformed || e.Kind > KindUnsupportedType {
				t.Fatalf("Decode error %v (%T) is not an *Error of a known kind", err, err)
			}
			return
		}
		if len(imp.Rows) > MaxImportPlaces {
			t.Fatalf("%d rows, over the limit", len(imp.Rows))
		}
		plan := Classify(imp, nil)
		r := plan.Report
		if r.Added+r.Duplicates+r.Near+len(r.Invalid) != len(imp.Rows) {
			t.Fatalf("report %+v does not account for %d rows", r, len(imp.Rows))
		}
		assertGPXRoundTrip(t, plan)
	})
}

func assertGPXRoundTrip(t *testing.T, plan Plan) {
	var buf bytes.Buffer
	if err := EncodeGPX(&buf, plan.Add); err != nil {
		t.Fatal(err)
	}
	again, err := Decode(&buf, MediaTypeGPX, "")
	if err != nil {
		t.Fatalf("reading our own GPX: %v\n%s", err, buf.Bytes())
	}
	back := Classify(again, nil)
	if len(back.Add) != len(plan.Add) {
		t.Fatalf("GPX round trip kept %d of %d places: %+v", len(back.Add), len(plan.Add), back.Report)
	}
	for i, p := range plan.Add {
		if got := back.Add[i]; got.Name != asXMLText(p.Name) || got.Latitude.Float() != p.Latitude.Float() || got.Longitude.Float() != p.Longitude.Float() {
			t.Fatalf("GPX round trip changed %q %s,%s into %q %s,%s", p.Name, p.Latitude, p.Longitude, got.Name, got.Latitude, got.Longitude)
		}
	}
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

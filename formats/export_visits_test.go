package formats

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/whib/whib/store"
)

// visitPlaces are visits at every precision the notation has, with notes
// that are text whatever they look like.
func visitPlaces(t *testing.T) []store.Place {
	t.Helper()
	raw := []store.Input{
		{Name: "Graz", Latitude: "47.07", Longitude: "15.44", Visited: "2019", Note: "Talk <b>bold</b> & more\nhttps://example.org/talk?a=1&b=2"},
		{Name: "Linz", Latitude: "48.3", Longitude: "14.29", Visited: "2021-03"},
		{Name: "Wien", Latitude: "48.2", Longitude: "16.37", Visited: "2019-07-14"},
		{Name: "Lima", Latitude: "-12.05", Longitude: "-77.04", Visited: "2019-07-14/2019-07-18", Note: "Stay"},
		{Name: "Taipei", Latitude: "25.03", Longitude: "121.56", Visited: "2018/2020"},
		{Name: "Nowhere", Latitude: "1", Longitude: "2", Note: "no date"},
		{Name: "Plain", Latitude: "3", Longitude: "4"},
	}
	places := make([]store.Place, len(raw))
	for i, in := range raw {
		p, err := in.Place()
		if err != nil {
			t.Fatal(err)
		}
		places[i] = p
	}
	return places
}

func writeExport(t *testing.T, name string, encode func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := encode(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// GDAL reads the dates and notes back from whib's GPX: <time> is the first
// instant of a visit, the exact value is the whib:visited extension, and
// <desc> is the note as text.
func TestGDALReadsTheDatesOfTheGPXExport(t *testing.T) {
	places := visitPlaces(t)
	path := writeExport(t, FilenameGPX, func(b *bytes.Buffer) error { return EncodeGPX(b, places) })
	features := ogrCSV(t, path, "waypoints")
	want := []struct{ time, exact string }{
		{"2019/01/01 00:00:00+00", "2019"},
		{"2021/03/01 00:00:00+00", "2021-03"},
		{"2019/07/14 00:00:00+00", ""}, // a day is its midnight, exactly
		{"2019/07/14 00:00:00+00", "2019-07-14/2019-07-18"},
		{"2018/01/01 00:00:00+00", "2018/2020"},
		{"", ""},
		{"", ""},
	}
	if len(features) != len(want) {
		t.Fatalf("GDAL read %d waypoints, want %d", len(features), len(want))
	}
	for i, w := range want {
		f := features[i]
		if f["time"] != w.time || f["whib_visited"] != w.exact || f["desc"] != places[i].Note {
			t.Errorf("waypoint %d: time %q, whib_visited %q, desc %q; want %q, %q, %q", i, f["time"], f["whib_visited"], f["desc"], w.time, w.exact, places[i].Note)
		}
	}
}

// GDAL reads the dates and notes back from whib's KML: a day as a
// TimeStamp, an interval as a TimeSpan, and every date and note exactly in
// ExtendedData; the description shows the note as text in a viewer.
func TestGDALReadsTheDatesOfTheKMLExport(t *testing.T) {
	places := visitPlaces(t)
	path := writeExport(t, FilenameKML, func(b *bytes.Buffer) error { return EncodeKML(b, places) })
	features := ogrCSV(t, path)
	if len(features) != len(places) {
		t.Fatalf("GDAL read %d placemarks, want %d", len(features), len(places))
	}
	for i, p := range places {
		f := features[i]
		if f["visited"] != p.Visited.String() || f["note"] != p.Note {
			t.Errorf("placemark %d: visited %q, note %q; want %q, %q", i, f["visited"], f["note"], p.Visited, p.Note)
		}
	}
	if got := features[2]["timestamp"]; got != "2019/07/14 00:00:00" {
		t.Errorf("the day's TimeStamp reads as %q", got)
	}
	if got := features[3]["begin"] + " " + features[3]["end"]; got != "2019/07/14 00:00:00 2019/07/18 00:00:00" {
		t.Errorf("the stay's TimeSpan reads as %q", got)
	}
	if got, want := features[0]["description"], "Talk &lt;b&gt;bold&lt;/b&gt; &amp; more<br>https://example.org/talk?a=1&amp;b=2"; got != want {
		t.Errorf("description = %q, want the note as HTML text %q", got, want)
	}
}

// A file whib exported, written again by GDAL (as a traveller converting
// it would), imports with every date and note as they were: whib's own
// export too.
func TestExportsComeBackWithTheirDatesThroughGDAL(t *testing.T) {
	places := visitPlaces(t)
	for _, tc := range []struct {
		name, file, out string
		encode          func(*bytes.Buffer) error
		args            []string
	}{
		{"GPX", FilenameGPX, "again.gpx", func(b *bytes.Buffer) error { return EncodeGPX(b, places) }, []string{"-f", "GPX", "-dsco", "GPX_USE_EXTENSIONS=YES"}},
		{"KML", FilenameKML, "again.kml", func(b *bytes.Buffer) error { return EncodeKML(b, places) }, []string{"-f", "LIBKML"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeExport(t, tc.file, tc.encode)
			for _, data := range [][]byte{mustRead(t, path), ogrRewrite(t, path, tc.out, tc.args)} {
				imp, err := Decode(bytes.NewReader(data), "", tc.out)
				if err != nil {
					t.Fatal(err)
				}
				if len(imp.Rows) != len(places) {
					t.Fatalf("%d rows, want %d", len(imp.Rows), len(places))
				}
				for i, p := range places {
					if got := imp.Rows[i]; got.Visited != p.Visited.String() || got.Note != p.Note {
						t.Errorf("row %d: %q %q, want %q %q", i, got.Visited, got.Note, p.Visited, p.Note)
					}
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ogrRewrite has ogr2ogr write the file at path again, in the format args
// name, and returns what it wrote.
func ogrRewrite(t *testing.T, path, name string, args []string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	runOGR(t, append(append([]string{}, args...), out, path)...)
	return mustRead(t, out)
}

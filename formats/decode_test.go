package formats

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func decodeFile(t *testing.T, name, mediaType string) Import {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := Decode(f, mediaType, name)
	if err != nil {
		t.Fatalf("Decode(%s): %v", name, err)
	}
	return imp
}

// assertImport compares rows without Read, the spreadsheet line kept for
// the report, which TestSpreadsheetRowsKeepWhatWasRead checks.
func assertImport(t *testing.T, got Import, wantRows []Row, wantTracks int) {
	t.Helper()
	rows := slices.Clone(got.Rows)
	for i := range rows {
		rows[i].Read = ""
	}
	if !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("rows:\n got %+v\nwant %+v", rows, wantRows)
	}
	if got.Skipped.Tracks != wantTracks {
		t.Errorf("skipped tracks = %d, want %d", got.Skipped.Tracks, wantTracks)
	}
}

func TestDecodeGoogleMyMapsKML(t *testing.T) {
	imp := decodeFile(t, "google-my-maps.kml", MediaTypeKML)
	// My Maps writes descriptions as HTML: the note is its text. Its
	// ExtendedData holds the sheet's columns, "Visited" among them; a
	// column called "name" does not rename the place.
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Lisboa", Latitude: "38.7222524", Longitude: "-9.1393366", Visited: "2019-05", Note: "Pastéis de nata\nTram 28 early"},
		{Index: 2, Name: "Porto & Gaia", Latitude: "41.1579438", Longitude: "-8.6291053"},
		{Index: 4, Name: "Praia da Ursa", Latitude: "38.7909", Longitude: "-9.4985"},
	}, 1)
	if imp.Source != SourceKML {
		t.Errorf("source = %q", imp.Source)
	}
}

func TestDecodeGoogleTakeoutSavedPlaces(t *testing.T) {
	// Browsers send .json as application/json; the Takeout file is GeoJSON.
	imp := decodeFile(t, "saved-places.json", MediaTypeJSON)
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Lisbon", Latitude: "38.7222524", Longitude: "-9.1393366", Visited: "2023-04-02"},
		{Index: 2, Name: "Eiffel Tower", Latitude: "48.8583701", Longitude: "2.2944813", Visited: "2018-07-14"},
		{Index: 3, Name: "1 Chome Marunouchi, Chiyoda City, Tokyo 100-0005, Japan", Latitude: "35.6812362", Longitude: "139.7671248", Visited: "2024-10-20"},
		// Takeout's [0, 0] and a URL that searches by name: no coordinates,
		// and the search text is what to look up.
		{Index: 4, Name: "Café Central", Visited: "2022-01-05", Lookup: "Café Central"},
	}, 0)
	if imp.Source != SourceSavedPlaces {
		t.Errorf("source = %q", imp.Source)
	}
}

func TestDecodeOsmAndFavouritesGPX(t *testing.T) {
	imp := decodeFile(t, "osmand-favourites.gpx", MediaTypeGPX)
	// The group is the note's first word; 22:15 UTC in Sydney is the next
	// morning there.
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Porto", Latitude: "41.1579438", Longitude: "-8.6291053", Visited: "2023-06-01", Note: "Travel"},
		{Index: 2, Name: "Opera House & Harbour", Latitude: "-33.8567844", Longitude: "151.213108", Visited: "2024-02-12", Note: "Travel: Sunset concert"},
	}, 1)
	if imp.Source != SourceOsmAnd || !reflect.DeepEqual(imp.Groups, []Group{{Name: "Travel", Places: 2}}) {
		t.Errorf("source %q, groups %+v", imp.Source, imp.Groups)
	}
}

func TestDecodeGPXCountsRoutesAndTracks(t *testing.T) {
	gpx := `<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">
<rte><name>r</name><rtept lat="1" lon="2"><name>rp</name></rtept></rte>
<wpt lat="1.5" lon=" 2.5 "><name> Spaced </name></wpt>
<trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk><trk/></gpx>`
	imp, err := Decode(strings.NewReader(gpx), MediaTypeGPX+"; charset=utf-8", "x.gpx")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{{Index: 1, Name: "Spaced", Latitude: "1.5", Longitude: "2.5"}}, 3)
}

func TestDecodeGPXInLatin1(t *testing.T) {
	gpx := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><gpx><wpt lat=\"1\" lon=\"2\"><name>S\xe3o Paulo</name></wpt></gpx>"
	imp, err := Decode(strings.NewReader(gpx), MediaTypeGPX, "")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{{Index: 1, Name: "São Paulo", Latitude: "1", Longitude: "2"}}, 0)
}

func TestDecodeGeoJSONSkipsLinesAndKeepsDigits(t *testing.T) {
	geo := `{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":{"name":"line"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[-48.610,-27.590,12]},"properties":{"Name":"Floripa","location":{"name":"other"}}},
{"type":"Feature","geometry":null,"properties":{"title":42}}]}`
	imp, err := Decode(strings.NewReader(geo), MediaTypeGeoJSON, "")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{
		{Index: 2, Name: "Floripa", Latitude: "-27.590", Longitude: "-48.610"},
		{Index: 3, Name: "42"},
	}, 1)
}

func TestDecodeWhibPlacesJSON(t *testing.T) {
	body := "\xEF\xBB\xBF[{\"name\":\"Florianópolis\",\"latitude\":-27.59,\"longitude\":-48.61}]"
	imp, err := Decode(strings.NewReader(body), MediaTypeJSON, "places.json")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{{Index: 1, Name: "Florianópolis", Latitude: "-27.59", Longitude: "-48.61"}}, 0)
}

func TestDecodeCSVHeaders(t *testing.T) {
	want := []Row{{Index: 2, Name: "Floripa, SC", Latitude: "-27.59", Longitude: "-48.61"}}
	for name, body := range map[string]string{
		"whib's own":           "name,latitude,longitude\n\"Floripa, SC\",-27.59,-48.61\n",
		"other order and case": "Lng,Extra,LAT,Title\r\n-48.61,x,-27.59,\"Floripa, SC\"\r\n",
		"BOM and semicolons":   "\xEF\xBB\xBFname;lat;lon\n\"Floripa, SC\";-27.59;-48.61\n",
		"tabs and spaces":      "name\t latitude \tlongitude\n Floripa, SC \t -27.59\t-48.61\n",
		"blank lines":          "name,latitude,longitude\n\n\"Floripa, SC\",-27.59,-48.61\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			imp, err := Decode(strings.NewReader(body), MediaTypeCSV, "")
			if err != nil {
				t.Fatal(err)
			}
			assertImport(t, imp, want, 0)
		})
	}
}

func TestDecodeCSVRowNumbersAndShortRows(t *testing.T) {
	body := "name,latitude,longitude\nA,1,2\n\"multi\nline\",3,4\nshort\n'=SUM(1),5,6\n"
	imp, err := Decode(strings.NewReader(body), MediaTypeCSV, "")
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{
		{Index: 2, Name: "A", Latitude: "1", Longitude: "2"},
		{Index: 3, Name: "multi\nline", Latitude: "3", Longitude: "4"},
		{Index: 4, Name: "short", Lookup: "short"},
		{Index: 5, Name: "=SUM(1)", Latitude: "5", Longitude: "6"}, // store's formula escape undone
	}, 0)
}

func TestDecodeCSVWithoutHeaderAsksForTheColumns(t *testing.T) {
	body := "Floripa;-27,59;-48,61\nGraz;47,07;15,44\n"
	_, err := Decode(strings.NewReader(body), MediaTypeCSV, "")
	e := assertKind(t, err, KindNeedsColumns)
	sheet := e.Spreadsheet
	want := Columns{Name: 1, Latitude: 2, Longitude: 3}
	if sheet == nil || sheet.Columns != want || sheet.Delimiter != ";" || !reflect.DeepEqual(sheet.FirstRow, []string{"Floripa", "-27,59", "-48,61"}) {
		t.Fatalf("spreadsheet for the picker = %+v, want the guess %+v", sheet, want)
	}
	// The picker's answer: no header, these columns.
	imp, err := DecodeWith(strings.NewReader(body), MediaTypeCSV, "", DecodeOptions{Columns: &sheet.Columns})
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Floripa", Latitude: "-27.59", Longitude: "-48.61"},
		{Index: 2, Name: "Graz", Latitude: "47.07", Longitude: "15.44"},
	}, 0)
}

func TestDecodePicksFormatFromExtensionForGenericTypes(t *testing.T) {
	gpx := `<gpx><wpt lat="1" lon="2"><name>A</name></wpt></gpx>`
	for _, mediaType := range []string{"", "application/octet-stream", "application/xml", "text/xml; charset=utf-8"} {
		imp, err := Decode(strings.NewReader(gpx), mediaType, "Favourites.GPX")
		if err != nil || len(imp.Rows) != 1 {
			t.Errorf("Decode(%q, Favourites.GPX) = %+v, %v; want one row", mediaType, imp, err)
		}
	}
}

func TestDecodeReadsTheContentWhateverTheFileClaims(t *testing.T) {
	imp, err := Decode(strings.NewReader(`<kml><Placemark><name>A</name><Point><coordinates>2,1</coordinates></Point></Placemark></kml>`), MediaTypeGPX, "places.gpx")
	if err != nil || imp.Source != SourceKML || len(imp.Rows) != 1 {
		t.Errorf("a KML sent as GPX = %+v, %v; want it read as KML", imp, err)
	}
	_, err = Decode(strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg"/>`), MediaTypeGPX, "")
	assertKind(t, err, KindUnsupportedType)
	if want := "this file is not a GPX file (it looks like an SVG image)"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestFormatHint(t *testing.T) {
	for _, tc := range []struct{ mediaType, filename, want string }{
		{"application/zip", "Vienna.kmz", "KMZ"}, // browsers send a KMZ as a zip
		{"application/zip", "takeout-20240101T000000Z-001.zip", "ZIP"},
		{"application/x-zip-compressed", "export.zip", "ZIP"},
		{"application/json", "Timeline.json", "JSON"},
		{"", "Saved Places.json", "JSON"},
		{"application/geo+json", "", "GeoJSON"},
		{"text/plain", "places.TXT", "CSV"},
		{"application/vnd.ms-excel", "places.csv", ""}, // Windows' type for .csv: the content decides
	} {
		if got := formatHint(tc.mediaType, tc.filename); got != tc.want {
			t.Errorf("formatHint(%q, %q) = %q, want %q", tc.mediaType, tc.filename, got, tc.want)
		}
	}
}

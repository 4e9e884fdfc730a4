package formats

import (
	"os"
	"path/filepath"
	"reflect"
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

func assertImport(t *testing.T, got Import, wantRows []Row, wantTracks int) {
	t.Helper()
	if !reflect.DeepEqual(got.Rows, wantRows) {
		t.Errorf("rows:\n got %+v\nwant %+v", got.Rows, wantRows)
	}
	if got.Skipped.Tracks != wantTracks {
		t.Errorf("skipped tracks = %d, want %d", got.Skipped.Tracks, wantTracks)
	}
}

func TestDecodeGoogleMyMapsKML(t *testing.T) {
	imp := decodeFile(t, "google-my-maps.kml", MediaTypeKML)
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Lisboa", Latitude: "38.7222524", Longitude: "-9.1393366"},
		{Index: 2, Name: "Porto & Gaia", Latitude: "41.1579438", Longitude: "-8.6291053"},
		{Index: 4, Name: "Praia da Ursa", Latitude: "38.7909", Longitude: "-9.4985"},
	}, 1)
}

func TestDecodeGoogleTakeoutSavedPlaces(t *testing.T) {
	// Browsers send .json as application/json; the Takeout file is GeoJSON.
	imp := decodeFile(t, "saved-places.json", MediaTypeJSON)
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Lisbon", Latitude: "38.7222524", Longitude: "-9.1393366"},
		{Index: 2, Name: "Eiffel Tower", Latitude: "48.8583701", Longitude: "2.2944813"},
		{Index: 3, Name: "1 Chome Marunouchi, Chiyoda City, Tokyo 100-0005, Japan", Latitude: "35.6812362", Longitude: "139.7671248"},
		{Index: 4, Name: "Café Central"}, // Takeout's [0, 0]: no coordinates
	}, 0)
}

func TestDecodeOsmAndFavouritesGPX(t *testing.T) {
	imp := decodeFile(t, "osmand-favourites.gpx", MediaTypeGPX)
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Porto", Latitude: "41.1579438", Longitude: "-8.6291053"},
		{Index: 2, Name: "Opera House & Harbour", Latitude: "-33.8567844", Longitude: "151.213108"},
	}, 1)
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
		{Index: 4, Name: "short"},
		{Index: 5, Name: "=SUM(1)", Latitude: "5", Longitude: "6"}, // store's formula escape undone
	}, 0)
}

func TestDecodeCSVWithoutHeader(t *testing.T) {
	_, err := Decode(strings.NewReader("Floripa,-27.59,-48.61\n"), MediaTypeCSV, "")
	assertKind(t, err, KindMalformed)
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

func TestDecodeRefusesWrongRootElement(t *testing.T) {
	_, err := Decode(strings.NewReader(`<kml><Placemark/></kml>`), MediaTypeGPX, "")
	assertKind(t, err, KindMalformed)
	if !strings.Contains(err.Error(), "<kml>") {
		t.Errorf("error %q should name the root it found", err)
	}
}

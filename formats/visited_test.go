package formats

import (
	"strings"
	"testing"
)

func decodeString(t *testing.T, body, mediaType string) Import {
	t.Helper()
	imp, err := Decode(strings.NewReader(body), mediaType, "")
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func TestDecodeGPXDatesAndNotes(t *testing.T) {
	gpx := `<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1" xmlns:whib="` + GPXNamespaceWhib + `">
<wpt lat="47.07" lon="15.44"><name>Graz</name><time>2019-01-01T00:00:00Z</time><desc>Talk</desc>
  <extensions><whib:visited>2019</whib:visited></extensions></wpt>
<wpt lat="47.07" lon="15.44"><name>Graz</name><time>2023-05-02T00:00:00Z</time><desc>Talk again</desc><cmt>with slides</cmt>
  <extensions><whib:visited>2023-05-02/2023-05-04</whib:visited></extensions></wpt>
<wpt lat="-33.86" lon="151.21"><name>Sydney</name><time>2024-02-11T22:15:00Z</time><desc>Same</desc><cmt>Same</cmt></wpt>
<wpt lat="0" lon="0"><name>Null Island</name><time>yesterday</time><type>Not OsmAnd</type></wpt>
</gpx>`
	imp := decodeString(t, gpx, MediaTypeGPX)
	assertImport(t, imp, []Row{
		// whib's own extension wins over the instant <time> has to be.
		{Index: 1, Name: "Graz", Latitude: "47.07", Longitude: "15.44", Visited: "2019", Note: "Talk"},
		{Index: 2, Name: "Graz", Latitude: "47.07", Longitude: "15.44", Visited: "2023-05-02/2023-05-04", Note: "Talk again\nwith slides"},
		{Index: 3, Name: "Sydney", Latitude: "-33.86", Longitude: "151.21", Visited: "2024-02-12", Note: "Same"},
		// A GPX that is not OsmAnd's keeps its <type> out of the note.
		{Index: 4, Name: "Null Island", Latitude: "0", Longitude: "0", Visited: "yesterday"},
	}, 0)
	if imp.Source != SourceGPX {
		t.Errorf("source %q", imp.Source)
	}
}

func TestDecodeKMLDatesAndNotes(t *testing.T) {
	kml := `<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>
<Placemark><name>Year</name><TimeStamp><when>2019</when></TimeStamp><Point><coordinates>15.44,47.07</coordinates></Point></Placemark>
<Placemark><name>Stay</name><TimeSpan><begin>2019-07-14</begin><end>2019-07-18</end></TimeSpan><description>plain &lt;3 text</description><Point><coordinates>2.35,48.85</coordinates></Point></Placemark>
<Placemark><name>GDAL</name><ExtendedData><SchemaData schemaUrl="#places"><SimpleData name="visited">2021-03</SimpleData><SimpleData name="note">from a layer</SimpleData></SchemaData></ExtendedData>
  <description><![CDATA[<p>Ignored: the note field says it</p>]]></description><Point><coordinates>1,2</coordinates></Point></Placemark>
<Placemark><name>Link</name><description><![CDATA[See <a href="https://example.org/talk">the talk</a><br/>and <img src="x.png"> more]]></description>
  <gx:Track><when>2001-01-01</when><gx:coord>1 2 0</gx:coord></gx:Track><Point><coordinates>3,4</coordinates></Point></Placemark>
</Document></kml>`
	imp := decodeString(t, kml, MediaTypeKML)
	assertImport(t, imp, []Row{
		{Index: 1, Name: "Year", Latitude: "47.07", Longitude: "15.44", Visited: "2019"},
		{Index: 2, Name: "Stay", Latitude: "48.85", Longitude: "2.35", Visited: "2019-07-14/2019-07-18", Note: "plain <3 text"},
		{Index: 3, Name: "GDAL", Latitude: "2", Longitude: "1", Visited: "2021-03", Note: "from a layer"},
		// A track's <when> is no visit; a link keeps its address.
		{Index: 4, Name: "Link", Latitude: "4", Longitude: "3", Note: "See the talk (https://example.org/talk)\nand more"},
	}, 0)
}

func TestDecodeGeoJSONDatesAndNotes(t *testing.T) {
	geo := `{"type": "FeatureCollection", "features": [
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.44, 47.07]}, "properties": {"name": "visited", "visited": "2019", "note": "n"}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.44, 47.07]}, "time": {"date": "2020-05-01"}, "properties": {"name": "JSON-FG date"}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [139.77, 35.68]}, "time": {"timestamp": "2020-05-01T20:00:00Z"}, "properties": {"name": "JSON-FG timestamp"}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.44, 47.07]}, "time": {"interval": ["2020-05-01", ".."]}, "properties": {"name": "open interval"}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.44, 47.07]}, "time": {"interval": ["2020-05-01", "2020-05-03T10:00:00+02:00"]}, "properties": {"name": "interval"}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.44, 47.07]}, "properties": {"name": "date", "Date": "14.07.2019", "Description": "<b>bold</b> move"}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.44, 47.07]}, "properties": {"name": "timestamp", "timestamp": 1563091200, "comment": "c"}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.44, 47.07]}, "properties": {"name": "time", "time": "2019-07-14T10:00:00+02:00", "notes": {"not": "text"}}}
]}`
	imp := decodeString(t, geo, MediaTypeGeoJSON)
	at := func(i int, name, lat, lon, visited, note string) Row {
		return Row{Index: i, Name: name, Latitude: lat, Longitude: lon, Visited: visited, Note: note}
	}
	assertImport(t, imp, []Row{
		at(1, "visited", "47.07", "15.44", "2019", "n"),
		at(2, "JSON-FG date", "47.07", "15.44", "2020-05-01", ""),
		at(3, "JSON-FG timestamp", "35.68", "139.77", "2020-05-02", ""),
		at(4, "open interval", "47.07", "15.44", "2020-05-01", ""),
		at(5, "interval", "47.07", "15.44", "2020-05-01/2020-05-03", ""),
		at(6, "date", "47.07", "15.44", "2019-07-14", "bold move"),
		at(7, "timestamp", "47.07", "15.44", "2019-07-14", "c"),
		at(8, "time", "47.07", "15.44", "2019-07-14", ""),
	}, 0)
}

func TestDecodeWhibJSONDatesAndNotes(t *testing.T) {
	imp := decodeString(t, `[{"name": "Graz", "latitude": 47.07, "longitude": 15.44, "visited": "2019-07", "note": "Talk\nslides: https://example.org"}]`, MediaTypeJSON)
	assertImport(t, imp, []Row{{Index: 1, Name: "Graz", Latitude: "47.07", Longitude: "15.44", Visited: "2019-07", Note: "Talk\nslides: https://example.org"}}, 0)
	if imp.Source != SourceWhib {
		t.Errorf("source %q", imp.Source)
	}
}

package formats

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeRefusesRepeatedJSONKeys(t *testing.T) {
	// issue 19, item 12: encoding/json would keep the second "features".
	for name, body := range map[string]string{
		"GeoJSON":  "{\"type\": \"FeatureCollection\",\n \"features\": [],\n \"features\": [{\"type\": \"Feature\"}]}",
		"property": "{\"type\": \"Feature\", \"geometry\": null,\n \"properties\": {\"name\": \"A\", \"name\": \"B\"}}",
		"Timeline": "{\"semanticSegments\": [{\"visit\": {}, \"visit\": {}}]}",
		"whib":     "[{\"name\": \"A\",\n \"latitude\": 1, \"longitude\": 2, \"latitude\": 3}]",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(body), MediaTypeJSON, "")
			e := assertKind(t, err, KindMalformed)
			if e.Line < 1 || !strings.Contains(err.Error(), "appears twice in one object") {
				t.Errorf("error %q should say which key and where", err)
			}
		})
	}
	_, err := Decode(strings.NewReader("{\"type\": \"FeatureCollection\",\n \"features\": [],\n \"features\": []}"), MediaTypeGeoJSON, "")
	if want := `GeoJSON: line 3, column 2: the key "features" appears twice in one object (at /features): a file must say each thing once`; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestDecodeRefusesDeepOrRepeatedJSON(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000)
	_, err := Decode(strings.NewReader(deep), MediaTypeJSON, "")
	assertKind(t, err, KindRefused)
	_, err = Decode(strings.NewReader(`{"type": "FeatureCollection", "features": []} {"type": "FeatureCollection"}`), MediaTypeJSON, "")
	assertKind(t, err, KindMalformed)
}

func TestDecodeSaysWhatAFileIsWhenItIsNotPlaces(t *testing.T) {
	word := zipOf(t, []zipEntry{{"[Content_Types].xml", []byte("<Types/>")}, {"word/document.xml", []byte("<w:document/>")}})
	excel := zipOf(t, []zipEntry{{"[Content_Types].xml", []byte("<Types/>")}, {"xl/workbook.xml", []byte("<workbook/>")}})
	ods := zipOf(t, []zipEntry{{"mimetype", []byte("application/vnd.oasis.opendocument.spreadsheet")}, {"content.xml", nil}})
	oldWord := "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 100) + "W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00"
	for _, tc := range []struct {
		body, mediaType, filename, want string
	}{
		{string(word), "application/octet-stream", "trip.kml", "this file is not a KML file (it looks like a Word document)"},
		{oldWord, "", "trip.kml", "this file is not a KML file (it looks like a Word document)"},
		{string(excel), "", "places.xlsx", "this file is an Excel workbook (save it as CSV to import it), not a file of places"},
		{string(ods), MediaTypeCSV, "places.csv", "this file is not a CSV file (it looks like an OpenDocument spreadsheet (save it as CSV to import it))"},
		{"%PDF-1.7\n", MediaTypeGPX, "", "this file is not a GPX file (it looks like a PDF document)"},
		{"<!DOCTYPE html>\n<html><body>Download</body></html>", MediaTypeKML, "", "this file is not a KML file (it looks like a web page (save the file itself, not the page that links to it))"},
		{`{"kind": "youtube#video"}`, MediaTypeKML, "", "this file is not a KML file (it looks like a JSON document of another kind)"},
		{"Dear diary, today I went to Graz.\n", MediaTypeKML, "", "this file is not a KML file (it looks like plain text)"},
	} {
		_, err := Decode(strings.NewReader(tc.body), tc.mediaType, tc.filename)
		assertKind(t, err, KindUnsupportedType)
		if err.Error() != tc.want {
			t.Errorf("%s: error %q, want %q", tc.filename, err, tc.want)
		}
	}
}

func TestDecodeArchiveLimits(t *testing.T) {
	checkins := readTestdata(t, "swarm/checkins1.json")
	t.Run("unsafe paths", func(t *testing.T) {
		for _, name := range []string{"../checkins1.json", "/checkins1.json", `..\checkins1.json`, "C:/checkins1.json"} {
			_, err := Decode(bytes.NewReader(zipOf(t, []zipEntry{{name, checkins}})), "", "export.zip")
			assertKind(t, err, KindRefused)
		}
	})
	t.Run("too many entries", func(t *testing.T) {
		entries := []zipEntry{{"checkins1.json", checkins}}
		for i := range MaxKMZEntries {
			entries = append(entries, zipEntry{fmt.Sprintf("photos/%d.jpg", i), nil})
		}
		_, err := Decode(bytes.NewReader(zipOf(t, entries)), "", "export.zip")
		assertKind(t, err, KindRefused)
	})
	t.Run("unzipped size shared by the files", func(t *testing.T) {
		big := append([]byte(`{"items": [], "padding": "`), bytes.Repeat([]byte("x"), MaxImportBytes/2)...)
		big = append(big, `"}`...)
		_, err := Decode(bytes.NewReader(zipOf(t, []zipEntry{{"checkins1.json", big}, {"checkins2.json", big}})), "", "export.zip")
		assertKind(t, err, KindTooLarge)
	})
	t.Run("a GPX that is not one", func(t *testing.T) {
		_, err := Decode(bytes.NewReader(zipOf(t, []zipEntry{{"tracks/a.gpx", []byte("<kml/>")}})), "", "export.zip")
		if e := assertKind(t, err, KindMalformed); e.Format != "ZIP tracks/a.gpx" || !strings.Contains(err.Error(), "expected a <gpx> document, found <kml>") {
			t.Errorf("error %q", err)
		}
	})
	t.Run("a malformed file in the archive", func(t *testing.T) {
		_, err := Decode(bytes.NewReader(zipOf(t, []zipEntry{{"checkins1.json", []byte("{\"items\": [\n{]}")}})), "", "export.zip")
		e := assertKind(t, err, KindMalformed)
		if e.Format != "ZIP checkins1.json" || e.Line != 2 {
			t.Errorf("error %q should name the file and line", err)
		}
	})
}

func TestDecodeVisitLimit(t *testing.T) {
	checkin := `{"createdAt": 1563091200, "venue": {"id": "v%d", "name": "V"}, "lat": 1, "lng": 2}`
	checkins := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(checkin, i)
		}
		return `{"items": [` + strings.Join(items, ",") + "]}"
	}
	imp, err := Decode(strings.NewReader(checkins(MaxImportPlaces)), MediaTypeJSON, "checkins1.json")
	if err != nil || len(imp.Rows) != MaxImportPlaces {
		t.Fatalf("%d check-ins: %d rows, %v", MaxImportPlaces, len(imp.Rows), err)
	}
	_, err = Decode(strings.NewReader(checkins(MaxImportPlaces+1)), MediaTypeJSON, "checkins1.json")
	assertKind(t, err, KindTooMany)
	_, err = Decode(bytes.NewReader(timelineFile(MaxImportPlaces+1)), MediaTypeJSON, "Timeline.json")
	assertKind(t, err, KindTooMany)
}

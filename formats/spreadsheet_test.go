package formats

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

func TestDecodeEuropeanSpreadsheet(t *testing.T) {
	// City;Country;Lat;Lon;Visited on;Rating;Notes with a byte-order mark,
	// CRLF and decimal commas, as Excel saves it in Germany or Portugal.
	imp := decodeFile(t, "spreadsheet-europe.csv", "application/vnd.ms-excel")
	assertImport(t, imp, []Row{
		{Index: 2, Name: "Porto", Latitude: "41.1579", Longitude: "-8.6291", Visited: "2019-07-14", Note: "Francesinha; port cellars"},
		{Index: 3, Name: "Graz", Latitude: "47.0707", Longitude: "15.4395", Visited: "2023"},
		{Index: 4, Name: "Sevilla", Latitude: "37.3891", Longitude: "-5.9845", Visited: "2018-03", Note: "Alcázar"},
		// No coordinates: looked up by the city and its country.
		{Index: 5, Name: "Lisbon", Visited: "2017-05", Lookup: "Lisbon, Portugal"},
		// A date whib cannot read is kept as written, for the report.
		{Index: 6, Name: "Berlin", Latitude: "52.52", Longitude: "13.405", Visited: "sometime"},
	}, 0)
	sheet := imp.Spreadsheet
	wantColumns := Columns{Header: true, Name: 1, Latitude: 3, Longitude: 4, Visited: 5, Note: 7, Country: 2}
	if imp.Source != SourceSpreadsheet || sheet == nil || sheet.Delimiter != ";" || !sheet.DecimalComma || sheet.Columns != wantColumns {
		t.Fatalf("source %q, spreadsheet %+v", imp.Source, sheet)
	}
	plan := Classify(imp, nil)
	if len(plan.Add) != 3 || len(plan.Report.Invalid) != 2 {
		t.Fatalf("plan: added %d, invalid %+v", len(plan.Add), plan.Report.Invalid)
	}
	lisbon, berlin := plan.Report.Invalid[0], plan.Report.Invalid[1]
	if !lisbon.NeedsPoint || lisbon.Reason != "The file has no coordinates for it: put it on the map." || lisbon.Read != "Lisbon;Portugal;;;2017-05;4;" {
		t.Errorf("Lisbon: %+v", lisbon)
	}
	if berlin.Row != 6 || berlin.Latitude != "52.52" || berlin.Reason != `The date "sometime" cannot be read: Write a year (2019), a month (2019-07), a day (2019-07-14), or two of them joined by a slash (2019-07-14/2019-07-18).` {
		t.Errorf("Berlin: %+v", berlin)
	}
	if got := plan.AddRows[0]; got.Visited != "2019-07-14" || got.Note != "Francesinha; port cellars" {
		t.Errorf("the first place's row %+v lost its date or note", got)
	}
}

func TestSpreadsheetTitlesInSeveralLanguages(t *testing.T) {
	for name, body := range map[string]string{
		"German":       "Ort\tBreite\tLänge\tBesucht am\tNotiz\nWien\t48,2082\t16,3738\t14.07.2019\tOper\n",
		"French":       "Lieu;Latitude;Longitude;Date;Commentaire\nWien;48,2082;16,3738;2019-07-14;Oper\n",
		"Spanish":      "Lugar,Latitud,Longitud,Fecha,Notas\nWien,48.2082,16.3738,14/07/2019,Oper\n",
		"English, US":  "Place,lat,lng,When,comment\nWien,48.2082,16.3738,7/14/2019,Oper\n",
		"coordinates":  "Title;Coordinates;Visited;Description\nWien;\"48.2082, 16.3738\";2019-07-14;Oper\n",
		"map link":     "name,url,date,note\nWien,https://www.openstreetmap.org/?mlat=48.2082&mlon=16.3738#map=17/48.2/16.3,2019-07-14,Oper\n",
		"long titles":  "Name,GPS Latitude,GPS Longitude,Date visited,Notes\nWien,48.2082,16.3738,2019-07-14,Oper\n",
		"degrees":      "name,latitude,longitude,visited,note\nWien,\"48°12'29.5\"\"N\",\"16°22'25.7\"\"E\",2019-07-14,Oper\n",
		"GDAL's dates": "name,lat,lon,visited,note\nWien,48.2082,16.3738,2019/07/14,Oper\n",
	} {
		t.Run(name, func(t *testing.T) {
			imp, err := Decode(strings.NewReader(body), MediaTypeCSV, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(imp.Rows) != 1 {
				t.Fatalf("rows %+v", imp.Rows)
			}
			row := imp.Rows[0]
			if row.Name != "Wien" || !strings.HasPrefix(row.Latitude, "48.208") || !strings.HasPrefix(row.Longitude, "16.373") || row.Visited != "2019-07-14" || row.Note != "Oper" {
				t.Errorf("row %+v", row)
			}
		})
	}
}

func TestSpreadsheetDateOrder(t *testing.T) {
	for _, tc := range []struct{ body, want, order string }{
		{"name,lat,lon,date\nA,1,2,03/04/2019\nB,1,2,25/12/2019\n", "2019-04-03", "DMY"}, // a 25 says day first
		{"name,lat,lon,date\nA,1,2,03/04/2019\nB,1,2,12/25/2019\n", "2019-03-04", "MDY"}, // a 25 second says month first
		{"name,lat,lon,date\nA,1,2,03/04/2019\n", "2019-03-04", "MDY"},                   // commas and points: as in the US
		{"name;lat;lon;date\nA;1,5;2;03/04/2019\n", "2019-04-03", "DMY"},                 // decimal commas: day first
	} {
		imp, err := Decode(strings.NewReader(tc.body), MediaTypeCSV, "")
		if err != nil || imp.Rows[0].Visited != tc.want || imp.Spreadsheet.DateOrder != tc.order {
			t.Errorf("%q: %+v %+v, %v; want %s (%s)", tc.body, imp.Rows, imp.Spreadsheet, err, tc.want, tc.order)
		}
	}
	// The person's choice wins.
	body := "name,lat,lon,date\nA,1,2,03/04/2019\n"
	imp, err := DecodeWith(strings.NewReader(body), MediaTypeCSV, "", DecodeOptions{Columns: &Columns{Header: true, Name: 1, Latitude: 2, Longitude: 3, Visited: 4, DateOrder: "DMY"}})
	if err != nil || imp.Rows[0].Visited != "2019-04-03" {
		t.Errorf("chosen DMY: %+v, %v", imp.Rows, err)
	}
}

func TestSpreadsheetEncodings(t *testing.T) {
	text := "Ort;Breite;Länge\nKöln;50,9375;6,9603\n"
	latin, _ := charmap.Windows1252.NewEncoder().String(text)
	utf16, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String(strings.ReplaceAll(text, ";", "\t"))
	for name, body := range map[string]string{"Windows-1252": latin, "UTF-16": utf16} {
		imp, err := Decode(strings.NewReader(body), "", "orte.csv")
		if err != nil || len(imp.Rows) != 1 || imp.Rows[0].Name != "Köln" || imp.Rows[0].Latitude != "50.9375" || imp.Spreadsheet.Encoding != name {
			t.Errorf("%s: %+v, %v", name, imp, err)
		}
	}
}

func TestSpreadsheetColumnPicker(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		missing    []string
	}{
		{"a name whib cannot tell", "Hotel;Breite;Länge\nSacher;48,2039;16,3695\n", []string{"name"}},
		{"coordinates whib cannot tell", "Name;N;E\nSacher;48,2039;16,3695\n", []string{"coordinates"}},
		{"one coordinate", "name,lat,east\nSacher,48.2039,16.3695\n", []string{"longitude"}},
		{"no titles", "Sacher;48,2039;16,3695\n", []string{"titles"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.body), MediaTypeCSV, "hotels.csv")
			e := assertKind(t, err, KindNeedsColumns)
			if e.Spreadsheet == nil || !reflect.DeepEqual(e.Spreadsheet.Missing, tc.missing) || e.Line != 1 {
				t.Fatalf("error %v with %+v, want missing %v", err, e.Spreadsheet, tc.missing)
			}
			if !strings.HasPrefix(err.Error(), "CSV: line 1, column 1: choose which columns hold what: ") {
				t.Errorf("error %q", err)
			}
		})
	}
	// The picker sends the columns back.
	chosen := &Columns{Header: true, Name: 1, Latitude: 2, Longitude: 3}
	imp, err := DecodeWith(strings.NewReader("Hotel;Breite;Länge\nSacher;48,2039;16,3695\n"), MediaTypeCSV, "", DecodeOptions{Columns: chosen})
	if err != nil || len(imp.Rows) != 1 || imp.Rows[0].Name != "Sacher" || imp.Rows[0].Longitude != "16.3695" {
		t.Errorf("with the chosen columns: %+v, %v", imp, err)
	}
}

// fakeGazetteer answers as a gazetteer would, from a table.
type fakeGazetteer struct {
	places  map[string][]Candidate
	asked   []string
	nearest *Candidate
}

func (g *fakeGazetteer) Lookup(name string) []Candidate {
	g.asked = append(g.asked, name)
	return g.places[name]
}

type fakeNamer struct{ *fakeGazetteer }

func (g fakeNamer) Nearest(latitude, longitude float64) (Candidate, bool) {
	if g.nearest == nil {
		return Candidate{}, false
	}
	return *g.nearest, true
}

func TestRowsWithoutCoordinatesAskTheGazetteer(t *testing.T) {
	lisbon := Candidate{Name: "Lisbon", Region: "Lisbon", Country: "PT", Latitude: 38.71667, Longitude: -9.13333}
	springfields := []Candidate{
		{Name: "Springfield", Region: "Illinois", Country: "US", Latitude: 39.80172, Longitude: -89.64371},
		{Name: "Springfield", Region: "Missouri", Country: "US", Latitude: 37.21533, Longitude: -93.29824},
	}
	g := &fakeGazetteer{places: map[string][]Candidate{"Lisbon": {lisbon}, "Springfield": springfields}}
	imp, err := DecodeWith(bytes.NewReader(readTestdata(t, "google-list.csv")), MediaTypeCSV, "Favourite places.csv", DecodeOptions{Geocoder: g})
	if err != nil {
		t.Fatal(err)
	}
	assertImport(t, imp, []Row{
		// One match: proposed, and the row has its point.
		{Index: 2, Name: "Lisbon", Latitude: "38.71667", Longitude: "-9.13333", Lookup: "Lisbon", Candidates: []Candidate{lisbon}, Proposed: true},
		// The link carries the pin: no lookup.
		{Index: 3, Name: "Time Out Market", Latitude: "38.7069322", Longitude: "-9.1458556", Note: "Go hungry"},
		// Several: offered, none taken.
		{Index: 4, Name: "Springfield", Lookup: "Springfield", Candidates: springfields},
		{Index: 5, Name: "Atlantis", Lookup: "Atlantis"},
	}, 0)
	if !reflect.DeepEqual(g.asked, []string{"Lisbon", "Springfield", "Atlantis"}) {
		t.Errorf("asked %q", g.asked)
	}
	report := Classify(imp, nil).Report
	if len(report.Invalid) != 2 || report.Invalid[0].Row != 4 || report.Invalid[0].Reason != "The file has no coordinates for it, and 2 places match its name: choose one." ||
		len(report.Invalid[0].Candidates) != 2 || !report.Invalid[1].NeedsPoint {
		t.Errorf("invalid %+v", report.Invalid)
	}
}

func TestNamerNamesTimelinePlaces(t *testing.T) {
	paris := Candidate{Name: "Paris", Region: "Île-de-France", Country: "FR", Latitude: 48.85341, Longitude: 2.3488}
	g := fakeNamer{&fakeGazetteer{nearest: &paris}}
	imp, err := DecodeWith(bytes.NewReader(readTestdata(t, "timeline-android.json")), MediaTypeJSON, "", DecodeOptions{Geocoder: g})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range imp.Rows {
		if row.Name != "Paris" || !row.Proposed || row.Latitude == "48.85341" {
			t.Errorf("row %+v: want the name proposed and the visit's own point kept", row)
		}
	}
}

func TestSpreadsheetRowsKeepWhatWasRead(t *testing.T) {
	imp, err := Decode(strings.NewReader("name;lat;lon\n\"Wien; Innere Stadt\";x;16,37\n"), MediaTypeCSV, "")
	if err != nil {
		t.Fatal(err)
	}
	invalid := Classify(imp, nil).Report.Invalid
	if len(invalid) != 1 || invalid[0].Read != "Wien; Innere Stadt;x;16,37" || invalid[0].Latitude != "x" || invalid[0].Longitude != "16.37" {
		t.Errorf("invalid %+v", invalid)
	}
}

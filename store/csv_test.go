package store

import (
	"bytes"
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

func TestTalkFileLoadsWithItsDuplicateRow(t *testing.T) {
	content, err := os.ReadFile("testdata/talk_places.csv")
	if err != nil {
		t.Fatal(err)
	}
	places, err := decodeCSV(content)
	if err != nil {
		t.Fatalf("decode the talk's file: %v", err)
	}
	if len(places) != 11 {
		t.Fatalf("got %d places, want 11 rows (São José twice)", len(places))
	}
	if places[0].Name != "Graz" || places[0].Latitude.String() != "47.09113253131379" || places[0].Longitude.String() != "15.475817295884497" {
		t.Errorf("first place = %+v", places[0])
	}
	if !places[9].SameAs(places[10]) || places[10].Name != "São José" {
		t.Errorf("the last two rows should be the same São José: %+v %+v", places[9], places[10])
	}
	if got := encodeCSV(places); !bytes.Equal(got, content) {
		t.Errorf("re-encoding the talk's file changed it:\n%s\nwant\n%s", got, content)
	}
}

func TestDefaultPlacesAreTheTalksNine(t *testing.T) {
	places, err := decodeCSV(defaultPlaces)
	if err != nil {
		t.Fatal(err)
	}
	if len(places) != 9 || places[8].Name != "Brasília" {
		t.Fatalf("default places = %d, last %q; want the talk's nine ending with Brasília", len(places), places[len(places)-1].Name)
	}
	talk, _ := os.ReadFile("testdata/talk_places.csv")
	if !bytes.HasPrefix(talk, defaultPlaces) {
		t.Error("default places should be the talk's file before São José was added")
	}
}

func TestCSVRoundTripIsByteIdentical(t *testing.T) {
	files := map[string]string{
		"plain":                             "name,latitude,longitude\nGraz,47.07,15.43\n",
		"quoted name with comma and quote":  "name,latitude,longitude\n\"Washington, \"\"D.C.\"\"\",38.9,-77.03\n",
		"name with leading space":           "name,latitude,longitude\n\" Graz\",47.07,15.43\n",
		"formula names escaped":             "name,latitude,longitude\n'=cmd,1,2\n'+1,1,2\n'-1,1,2\n'@SUM,1,2\n''=x,1,2\n",
		"apostrophe not before formula":     "name,latitude,longitude\n'Ohana,1,2\n''Ohana,1,2\n",
		"many digits, exponent, minus zero": "name,latitude,longitude\nA,-27.597724533718875,-48.61495221317449\nB,1e1,-0\n",
		"header only":                       "name,latitude,longitude\n",
		"unicode":                           "name,latitude,longitude\n台北 🍜,25.03,121.56\nSão José,-27.5,-48.6\n",
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			places, err := decodeCSV([]byte(content))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got := encodeCSV(places); string(got) != content {
				t.Errorf("round trip:\n%q\nwant\n%q", got, content)
			}
		})
	}
}

func TestFormulaNeutralisation(t *testing.T) {
	tests := []struct{ name, stored string }{
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"+1 Place", "'+1 Place"},
		{"-27 Place", "'-27 Place"},
		{"@risk", "'@risk"},
		{"\tTabbed", "'\tTabbed"},
		{"\rCR", "'\rCR"},
		{"'=already quoted", "''=already quoted"},
		{"''+two", "'''+two"},
		{"'Ohana", "'Ohana"},
		{"Graz", "Graz"},
		{"a=b", "a=b"},
		{"'", "'"},
		{"Graz;=1+1", "Graz;'=1+1"},
		{"a;+b;@c;-d", "a;'+b;'@c;'-d"},
		{"x;'=y", "x;''=y"},
		{"Graz; Styria", "Graz; Styria"},
		{";", ";"},
		{"=a;=b", "'=a;'=b"},
	}
	for _, tt := range tests {
		if got := escapeFormula(tt.name); got != tt.stored {
			t.Errorf("escape(%q) = %q, want %q", tt.name, got, tt.stored)
		}
		if got := unescapeFormula(tt.stored); got != tt.name {
			t.Errorf("unescape(%q) = %q, want %q", tt.stored, got, tt.name)
		}
		if strings.ContainsAny(tt.name, "\t\r") {
			continue // escaped for safety, but a file with control characters in a name does not load
		}
		p := Place{Name: tt.name, Latitude: Coord{text: "1", value: 1}, Longitude: Coord{text: "2", value: 2}}
		content := appendCSV([]byte(csvHeader+"\n"), p)
		places, err := decodeCSV(content)
		if err != nil || len(places) != 1 || places[0].Name != tt.name {
			t.Errorf("file round trip of %q: %v %+v (file %q)", tt.name, err, places, content)
		}
	}
}

// TestNoCellStartsAFormulaWhateverTheDelimiter reads the stored file the way
// spreadsheets do, splitting on ',' (RFC 4180) and on ';' (the default in
// many European locales), and checks that no cell would run as a formula.
func TestNoCellStartsAFormulaWhateverTheDelimiter(t *testing.T) {
	names := []string{
		"Graz;=1+1", "Graz;+1", "Graz;@SUM(A1)", "Graz;-A1", "Graz\";=1", "Graz,=1;=2",
		"=1+1", "a;;=b", "'=x;'@y", "São José;=HYPERLINK(\"http://evil\")",
	}
	content := []byte(csvHeader + "\n")
	for _, name := range names {
		p, err := NewPlace(name, "-27.59", "-48.61")
		if err != nil {
			t.Fatalf("NewPlace(%q): %v", name, err)
		}
		content = appendCSV(content, p)
	}
	for _, delimiter := range []rune{',', ';'} {
		r := csv.NewReader(bytes.NewReader(content))
		r.Comma = delimiter
		r.LazyQuotes = true    // spreadsheets are lenient with stray quotes
		r.FieldsPerRecord = -1 // a ';' reading gives rows of any width
		records, err := r.ReadAll()
		if err != nil {
			t.Fatalf("read with %q: %v", delimiter, err)
		}
		for _, rec := range records {
			for _, cell := range rec {
				if startsFormula(cell) {
					t.Errorf("read with %q, cell %q would run as a formula (file %q)", delimiter, cell, content)
				}
			}
		}
	}
	places, err := decodeCSV(content)
	if err != nil || len(places) != len(names) {
		t.Fatalf("decode: %v, %d places", err, len(places))
	}
	for i, p := range places {
		if p.Name != names[i] {
			t.Errorf("place %d reads back as %q, want %q", i, p.Name, names[i])
		}
	}
}

// startsFormula is the rule a spreadsheet applies: = + @ always, and - unless
// a digit follows (a negative number).
func startsFormula(cell string) bool {
	if cell == "" {
		return false
	}
	switch cell[0] {
	case '=', '+', '@', '\t', '\r':
		return true
	case '-':
		return len(cell) == 1 || cell[1] < '0' || cell[1] > '9'
	}
	return false
}

func TestAppendKeepsEveryExistingByte(t *testing.T) {
	p := Place{Name: "Graz", Latitude: Coord{text: "47.07", value: 47.07}, Longitude: Coord{text: "15.43", value: 15.43}}
	tests := []struct{ name, before, after string }{
		{"normal", "name,latitude,longitude\nA,1,2\n", "name,latitude,longitude\nA,1,2\nGraz,47.07,15.43\n"},
		{"missing final newline", "name,latitude,longitude\nA,1,2", "name,latitude,longitude\nA,1,2\nGraz,47.07,15.43\n"},
		{"CRLF file stays CRLF", "name,latitude,longitude\r\nA,1,2\r\n", "name,latitude,longitude\r\nA,1,2\r\nGraz,47.07,15.43\r\n"},
		{"CRLF without final newline", "name,latitude,longitude\r\nA,1,2", "name,latitude,longitude\r\nA,1,2\r\nGraz,47.07,15.43\r\n"},
		{"CRLF cut after CR", "name,latitude,longitude\r\nA,1,2\r", "name,latitude,longitude\r\nA,1,2\r\nGraz,47.07,15.43\r\n"},
		{"BOM kept", "\xEF\xBB\xBFname,latitude,longitude\n", "\xEF\xBB\xBFname,latitude,longitude\nGraz,47.07,15.43\n"},
		{"empty file gets a header", "", "name,latitude,longitude\nGraz,47.07,15.43\n"},
		{"odd quoting untouched", "name,latitude,longitude\n\"A\",\"1\",\"2\"\n", "name,latitude,longitude\n\"A\",\"1\",\"2\"\nGraz,47.07,15.43\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := []byte(tt.before)
			// Spare capacity must not be written into: snapshots share content.
			withCap := append(make([]byte, 0, len(before)+64), before...)
			got := appendCSV(withCap, p)
			if string(got) != tt.after {
				t.Errorf("append:\n%q\nwant\n%q", got, tt.after)
			}
			if string(withCap[:cap(withCap)][len(before):len(before)+4]) != "\x00\x00\x00\x00" {
				t.Error("appendCSV wrote into the caller's spare capacity")
			}
			places, err := decodeCSV(got)
			if err != nil || !places[len(places)-1].SameAs(p) {
				t.Errorf("appended file does not decode to end with the place: %v", err)
			}
		})
	}
}

func TestDecodeErrorsNameTheLine(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"wrong header", "name,lat,lon\nA,1,2\n", `line 1: header must be exactly "name,latitude,longitude"`},
		{"header in other order", "latitude,longitude,name\n1,2,A\n", "line 1: header"},
		{"missing field", "name,latitude,longitude\nA,1,2\nB,1\n", "line 3: wrong number of fields"},
		{"extra field", "name,latitude,longitude\nA,1,2,3\n", "line 2: wrong number of fields"},
		{"not a number", "name,latitude,longitude\nA,1,2\nB,north,2\n", `line 3: latitude: "north" is not a number`},
		{"out of range", "name,latitude,longitude\nA,1,200\n", "line 2: longitude: 200 is not between -180 and 180"},
		{"NaN", "name,latitude,longitude\nA,NaN,2\n", "line 2: latitude"},
		{"empty name", "name,latitude,longitude\n,1,2\n", "line 2: name is empty"},
		{"bad quote", "name,latitude,longitude\nA\"b,1,2\n", "line 2: bare \" in non-quoted-field"},
		{"line break in name", "name,latitude,longitude\nA,1,2\n\"B\nC\",1,2\n", "line 3: name \"B\\nC\" contains a control character"},
		{"tab in name", "name,latitude,longitude\n\tB,1,2\n", "line 2: name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeCSV([]byte(tt.content))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDecodeTolerates(t *testing.T) {
	tests := map[string]string{
		"BOM":               "\xEF\xBB\xBFname,latitude,longitude\nA,1,2\n",
		"CRLF":              "name,latitude,longitude\r\nA,1,2\r\n",
		"no final newline":  "name,latitude,longitude\nA,1,2",
		"spaces in numbers": "name,latitude,longitude\nA, 1 , 2\n",
		"blank line":        "name,latitude,longitude\n\nA,1,2\n",
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			places, err := decodeCSV([]byte(content))
			if err != nil || len(places) != 1 || places[0].Name != "A" || places[0].Latitude.Float() != 1 {
				t.Errorf("decode = %+v, %v", places, err)
			}
		})
	}
}

func TestIDsAreStableShortAndNumberRepeatedRows(t *testing.T) {
	content, err := os.ReadFile("testdata/talk_places.csv")
	if err != nil {
		t.Fatal(err)
	}
	first, err := decodeCSV(content)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := decodeCSV(bytes.Clone(content))
	seen := map[string]bool{}
	for i, p := range first {
		if p.ID != again[i].ID {
			t.Errorf("row %d: ID %q then %q for the same file", i, p.ID, again[i].ID)
		}
		if seen[p.ID] {
			t.Errorf("row %d: ID %q given twice", i, p.ID)
		}
		seen[p.ID] = true
		base, _, _ := strings.Cut(p.ID, "-")
		if len(base) != 12 || strings.Trim(base, "0123456789abcdef") != "" {
			t.Errorf("row %d: ID %q is not 12 hex digits (plus an occurrence number)", i, p.ID)
		}
	}
	// The talk's file has one row twice: the second copy is "-2".
	var repeated int
	for _, p := range first {
		if strings.HasSuffix(p.ID, "-2") {
			repeated++
		}
	}
	if repeated != 1 {
		t.Errorf("%d IDs carry an occurrence number, want 1 for the talk's duplicate row", repeated)
	}

	// Appending gives the new row the ID that reading the file back gives it,
	// repeated or not.
	for _, p := range []Place{first[0], mustPlace(t, "Lisbon", "38.7223", "-9.1393")} {
		appended := withPlace(first, p)
		decoded, err := decodeCSV(appendCSV(content, p))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := appended[len(appended)-1].ID, decoded[len(decoded)-1].ID; got != want {
			t.Errorf("appended %q: ID %q in memory, %q when read back", p.Name, got, want)
		}
	}

	// An edited row is a different row.
	edited, _ := decodeCSV([]byte(strings.Replace(string(content), "Graz", "Graz Styria", 1)))
	if edited[0].ID == first[0].ID {
		t.Errorf("renaming row 1 kept its ID %q", first[0].ID)
	}
}

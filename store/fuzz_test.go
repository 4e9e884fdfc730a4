package store

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzCSVRoundTrip: decoding never panics, and whatever decodes re-encodes to
// a file that decodes to the same places and encodes to the same bytes.
// Appending a place keeps every existing byte and yields a decodable file.
func FuzzCSVRoundTrip(f *testing.F) {
	f.Add([]byte("name,latitude,longitude\nGraz,47.09113253131379,15.475817295884497\n"))
	f.Add([]byte("\xEF\xBB\xBFname,latitude,longitude\r\n\"a,\"\"b\"\"\",1e1,-0\r\n"))
	f.Add([]byte("name,latitude,longitude\n'=x,1,2\n''+y,1,2\n\"\tz\",1,2"))
	f.Add([]byte("name,latitude,longitude\n\"multi\nline\",1,2\n"))
	f.Add([]byte(""))
	probe := Place{Name: "=probe", Latitude: Coord{"1.5", 1.5}, Longitude: Coord{"-2.25", -2.25}}
	f.Fuzz(func(t *testing.T, data []byte) {
		places, err := decodeCSV(data)
		if err != nil {
			return
		}
		encoded := encodeCSV(places)
		again, err := decodeCSV(encoded)
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v\n%q", err, encoded)
		}
		if !samePlaces(places, again) {
			t.Fatalf("round trip changed places:\n%+v\n%+v", places, again)
		}
		if reencoded := encodeCSV(again); !bytes.Equal(reencoded, encoded) {
			t.Fatalf("encoding is not stable:\n%q\n%q", encoded, reencoded)
		}

		appended := appendCSV(data, probe)
		if !bytes.HasPrefix(appended, data) {
			t.Fatal("append changed existing bytes")
		}
		withProbe, err := decodeCSV(appended)
		if err != nil {
			t.Fatalf("file with appended row does not decode: %v\n%q", err, appended)
		}
		if len(withProbe) != len(places)+1 || !samePlaces(withProbe[:len(places)], places) || withoutID(withProbe[len(places)]) != probe {
			t.Fatalf("append: got %+v", withProbe)
		}
		for i, p := range places {
			if withProbe[i].ID != p.ID {
				t.Fatalf("append changed the ID of row %d: %q → %q", i, p.ID, withProbe[i].ID)
			}
		}
	})
}

// FuzzNewPlace: NewPlace never panics; what it accepts is valid, stable
// under a second NewPlace, and survives the file unchanged.
func FuzzNewPlace(f *testing.F) {
	f.Add("São José", "-27.597724533718875", "-48.61495221317449")
	f.Add("  Graz ", " 47.07 ", "1e2")
	f.Add("=HYPERLINK(\"x\")", "-0", "+180")
	f.Add("evil\u202Etxt", "NaN", "1e999")
	f.Add("Sa\u0303o", ".5", "5.")
	f.Fuzz(func(t *testing.T, name, lat, lon string) {
		p, err := NewPlace(name, lat, lon)
		if err != nil {
			var e *Error
			if !asError(err, &e) || e.Kind != KindInvalid || len(e.Fields) == 0 {
				t.Fatalf("rejection must be KindInvalid with fields: %#v", err)
			}
			return
		}
		if p.Name == "" || utf8.RuneCountInString(p.Name) > maxNameRunes || !utf8.ValidString(p.Name) {
			t.Fatalf("accepted invalid name %q", p.Name)
		}
		if v := p.Latitude.Float(); !(v >= -90 && v <= 90) {
			t.Fatalf("accepted latitude %v", v)
		}
		if v := p.Longitude.Float(); !(v >= -180 && v <= 180) {
			t.Fatalf("accepted longitude %v", v)
		}
		if !isJSONNumber(p.Latitude.String()) || !isJSONNumber(p.Longitude.String()) {
			t.Fatalf("coordinate text is not a JSON number: %q %q", p.Latitude, p.Longitude)
		}
		again, err := NewPlace(p.Name, p.Latitude.String(), p.Longitude.String())
		if err != nil || again != p {
			t.Fatalf("NewPlace is not idempotent: %+v → %+v, %v", p, again, err)
		}
		places, err := decodeCSV(appendCSV(nil, p))
		if err != nil || len(places) != 1 || withoutID(places[0]) != p {
			t.Fatalf("file round trip: %+v, %v", places, err)
		}
	})
}

// withoutID is p before it was stored: NewPlace gives no ID, decoding does.
func withoutID(p Place) Place {
	p.ID = ""
	return p
}

func samePlaces(a, b []Place) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// IDs name stored bytes, which re-encoding may change ("+0" is
		// written back as "'+0"): compare what the rows say.
		if withoutID(a[i]) != withoutID(b[i]) {
			return false
		}
	}
	return true
}

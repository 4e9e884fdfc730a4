package formats

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets of the decoders of issue 21, one each, each seeded with
// the files of the documented shapes in testdata. CI runs each for a
// while: go test ./formats -run '^$' -fuzz '^FuzzDecodeTimeline$' -fuzztime 60s.

func FuzzDecodeTimeline(f *testing.F) {
	for _, name := range []string{"timeline-android.json", "timeline-ios.json", "takeout/2019_JULY.json", "takeout/2019_AUGUST.json"} {
		f.Add(readTestdata(f, name), false)
	}
	f.Add(timelineFile(3), true)
	f.Fuzz(func(t *testing.T, data []byte, homeAndWork bool) {
		imp, err := decodeJSONSource(data, "", DecodeOptions{HomeAndWork: homeAndWork})
		checkDecoded(t, imp, err)
	})
}

func FuzzDecodeSavedPlaces(f *testing.F) {
	for _, name := range []string{"saved-places.json", "saved-places-current.json", "saved-places-older.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := decodeJSONSource(data, "GeoJSON", DecodeOptions{})
		checkDecoded(t, imp, err)
	})
}

func FuzzDecodeSwarm(f *testing.F) {
	f.Add(readTestdata(f, "swarm/checkins1.json"))
	f.Add(readTestdata(f, "swarm/checkins2.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := decodeJSONSource(data, "", DecodeOptions{})
		checkDecoded(t, imp, err)
	})
}

func FuzzDecodePolarsteps(f *testing.F) {
	f.Add(readTestdata(f, "polarsteps/trip.json"))
	f.Add(readTestdata(f, "polarsteps/locations.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := decodeJSONSource(data, "", DecodeOptions{})
		checkDecoded(t, imp, err)
	})
}

// FuzzDecodeSpreadsheet also picks columns, as the column picker would.
func FuzzDecodeSpreadsheet(f *testing.F) {
	for _, name := range []string{"spreadsheet-europe.csv", "google-list.csv"} {
		f.Add(readTestdata(f, name), uint32(0))
	}
	f.Add([]byte("Sacher;48,2039;16,3695\n"), uint32(0x01230))
	f.Add([]byte("name,lat,lon,date\nA,1,2,03/04/2019\n"), uint32(0x1234501))
	f.Fuzz(func(t *testing.T, data []byte, pick uint32) {
		var opts DecodeOptions
		if pick != 0 {
			opts.Columns = columnsFrom(pick)
		}
		imp, err := decodeSpreadsheet(data, "CSV", opts)
		checkDecoded(t, imp, err)
	})
}

// columnsFrom spreads the bits of pick over a column choice.
func columnsFrom(pick uint32) *Columns {
	digit := func(i int) int { return int(pick>>(4*i)) & 0xF }
	return &Columns{
		Header: pick&1 == 1, Name: digit(1), Latitude: digit(2), Longitude: digit(3), Point: digit(4),
		Visited: digit(5), Note: digit(6), Country: digit(7), DateOrder: []string{"", "DMY", "MDY"}[digit(7)%3],
	}
}

func FuzzDecodeArchive(f *testing.F) {
	f.Add(takeoutZip(f))
	f.Add(swarmZip(f))
	f.Add(zipOf(f, []zipEntry{{"trip/t_1/trip.json", readTestdata(f, "polarsteps/trip.json")}, {"trip/t_1/locations.json", readTestdata(f, "polarsteps/locations.json")}}))
	f.Add(zipOf(f, []zipEntry{{"doc.kml", readTestdata(f, "organic-maps.kml")}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := decodeZip(data, "", DecodeOptions{})
		checkDecoded(t, imp, err)
	})
}

func FuzzNormaliseVisited(f *testing.F) {
	for _, s := range []string{"2019", "2019-07-14/2019-07-18", "2019-07-14T22:30:00.5+02:00", "14.07.2019", "7/14/2019", "1563091200000", "2019/07/14 10:00:00+00"} {
		f.Add(s, 15.44, true)
	}
	f.Fuzz(func(t *testing.T, s string, longitude float64, monthFirst bool) {
		ctx := dateContext{longitude: longitude, hasLongitude: longitude >= -180 && longitude <= 180, monthFirst: monthFirst}
		v, ok := normaliseVisited(s, ctx)
		switch {
		case ok && v != "" && !isEDTF(v):
			t.Fatalf("normaliseVisited(%q) = %q, not EDTF", s, v)
		case !ok && v != strings.TrimSpace(s):
			t.Fatalf("normaliseVisited(%q) = %q, not what was written", s, v)
		}
		if again, _ := normaliseVisited(v, ctx); ok && again != v {
			t.Fatalf("normaliseVisited(%q) = %q, then %q", s, v, again)
		}
	})
}

func FuzzDescriptionText(f *testing.F) {
	f.Add(`Pastéis de nata<br>Tram 28 <b>early</b>`)
	f.Add(`See <a href="https://example.org">it</a><script>alert(1)</script>`)
	f.Fuzz(func(t *testing.T, s string) {
		text := descriptionText(s)
		if utf8.ValidString(s) && !utf8.ValidString(text) {
			t.Fatalf("descriptionText(%q) = %q, not UTF-8", s, text)
		}
		if looksLikeHTML.MatchString(s) && strings.Contains(strings.ToLower(text), "<script") {
			t.Fatalf("descriptionText(%q) = %q kept a script tag", s, text)
		}
	})
}

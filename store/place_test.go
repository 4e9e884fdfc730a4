package store

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNewPlaceAcceptsAndNormalises(t *testing.T) {
	tests := []struct {
		name               string
		in                 [3]string
		wantName           string
		wantLat, wantLon   string
		wantLatF, wantLonF float64
	}{
		{"talk's JSON payload keeps every digit", [3]string{"São José", "-27.597724533718875", "-48.61495221317449"},
			"São José", "-27.597724533718875", "-48.61495221317449", -27.597724533718875, -48.61495221317449},
		{"surrounding spaces trimmed", [3]string{"  Graz \t", " 47.07 ", "\t15.43\n"}, "Graz", "47.07", "15.43", 47.07, 15.43},
		{"exponent normalised", [3]string{"Somewhere", "1e1", "1E2"}, "Somewhere", "10", "100", 10, 100},
		{"plus sign normalised", [3]string{"Plus", "+5", "+0.5"}, "Plus", "5", "0.5", 5, 0.5},
		{"leading zeros normalised", [3]string{"Zeros", "007.5", "-00.25"}, "Zeros", "7.5", "-0.25", 7.5, -0.25},
		{"bare fraction normalised", [3]string{"Dot", ".5", "5."}, "Dot", "0.5", "5", 0.5, 5},
		{"minus zero kept", [3]string{"Null Island", "-0", "0"}, "Null Island", "-0", "0", 0, 0},
		{"limits inclusive", [3]string{"Pole", "-90", "180"}, "Pole", "-90", "180", -90, 180},
		{"underflow is zero", [3]string{"Tiny", "1e-400", "0"}, "Tiny", "0", "0", 0, 0},
		{"decomposed name composed (NFC)", [3]string{"Sa\u0303o Jose\u0301", "1", "2"}, "São José", "1", "2", 1, 2},
		{"100 characters, not bytes", [3]string{strings.Repeat("ã", 100), "1", "2"}, strings.Repeat("ã", 100), "1", "2", 1, 2},
		{"formula-looking name is still a name", [3]string{"=1+1", "1", "2"}, "=1+1", "1", "2", 1, 2},
		{"emoji and CJK", [3]string{"台北 🍜", "25.03", "121.56"}, "台北 🍜", "25.03", "121.56", 25.03, 121.56},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlace(tt.in[0], tt.in[1], tt.in[2])
			if err != nil {
				t.Fatalf("NewPlace(%q, %q, %q): %v", tt.in[0], tt.in[1], tt.in[2], err)
			}
			if p.Name != tt.wantName || p.Latitude.String() != tt.wantLat || p.Longitude.String() != tt.wantLon {
				t.Errorf("got %q %q %q, want %q %q %q", p.Name, p.Latitude, p.Longitude, tt.wantName, tt.wantLat, tt.wantLon)
			}
			if p.Latitude.Float() != tt.wantLatF || p.Longitude.Float() != tt.wantLonF {
				t.Errorf("got values %v %v, want %v %v", p.Latitude.Float(), p.Longitude.Float(), tt.wantLatF, tt.wantLonF)
			}
		})
	}
}

func TestNewPlaceRejectsWithMessagesPerField(t *testing.T) {
	tests := []struct {
		name string
		in   [3]string
		want map[string]string // field → substring of the message
	}{
		{"all empty", [3]string{"", "", ""}, map[string]string{"name": "Name is required.", "latitude": "Latitude is required.", "longitude": "Longitude is required."}},
		{"only spaces", [3]string{" \t ", " ", " "}, map[string]string{"name": "required", "latitude": "required", "longitude": "required"}},
		{"101 characters", [3]string{strings.Repeat("a", 101), "1", "2"}, map[string]string{"name": "at most 100 characters"}},
		{"newline inside", [3]string{"Graz\nWien", "1", "2"}, map[string]string{"name": "single line"}},
		{"NUL", [3]string{"Gr\x00az", "1", "2"}, map[string]string{"name": "control"}},
		{"C1 control", [3]string{"Gr\u0085az", "1", "2"}, map[string]string{"name": "control"}},
		{"line separator", [3]string{"Gr\u2028az", "1", "2"}, map[string]string{"name": "single line"}},
		{"right-to-left override", [3]string{"evil\u202Etxt.exe", "1", "2"}, map[string]string{"name": "text-direction"}},
		{"isolate", [3]string{"a\u2067b", "1", "2"}, map[string]string{"name": "text-direction"}},
		{"mark", [3]string{"a\u200Fb", "1", "2"}, map[string]string{"name": "text-direction"}},
		{"arabic letter mark", [3]string{"a\u061Cb", "1", "2"}, map[string]string{"name": "text-direction"}},
		{"invalid UTF-8", [3]string{"Gr\xffaz", "1", "2"}, map[string]string{"name": "UTF-8"}},
		{"only zero-width spaces", [3]string{"\u200B\u200B", "1", "2"}, map[string]string{"name": "visible character"}},
		{"only joiners and BOM", [3]string{"\u200C\u200D\u2060\uFEFF", "1", "2"}, map[string]string{"name": "visible character"}},
		{"zero-width around spaces", [3]string{"\u200B \u00A0 \u2060", "1", "2"}, map[string]string{"name": "visible character"}},
		{"a lone combining accent", [3]string{"\u0301", "1", "2"}, map[string]string{"name": "visible character"}},
		{"noncharacter", [3]string{"Graz\uFFFE", "1", "2"}, map[string]string{"name": "noncharacter"}},
		{"hangul filler", [3]string{"\u3164", "1", "2"}, map[string]string{"name": "visible character"}},
		{"latitude too big", [3]string{"X", "90.0000001", "0"}, map[string]string{"latitude": "Latitude must be between -90 and 90."}},
		{"longitude too small", [3]string{"X", "0", "-180.5"}, map[string]string{"longitude": "Longitude must be between -180 and 180."}},
		{"overflow to infinity", [3]string{"X", "1e999", "-1e999"}, map[string]string{"latitude": "between", "longitude": "between"}},
		{"NaN", [3]string{"X", "NaN", "nan"}, map[string]string{"latitude": "must be a number", "longitude": "must be a number"}},
		{"Inf", [3]string{"X", "Inf", "-Infinity"}, map[string]string{"latitude": "must be a number", "longitude": "must be a number"}},
		{"hex float", [3]string{"X", "0x1p-2", "1"}, map[string]string{"latitude": "must be a number"}},
		{"decimal comma", [3]string{"X", "47,07", "15,43"}, map[string]string{"latitude": "like -27.59", "longitude": "like -48.61"}},
		{"words", [3]string{"X", "north", "1 2"}, map[string]string{"latitude": "number", "longitude": "number"}},
		{"underscores", [3]string{"X", "1_0", "1"}, map[string]string{"latitude": "number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPlace(tt.in[0], tt.in[1], tt.in[2])
			if KindOf(err) != KindInvalid {
				t.Fatalf("kind = %v (err %v), want invalid", KindOf(err), err)
			}
			var e *Error
			if !asError(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if len(e.Fields) != len(tt.want) {
				t.Errorf("fields = %v, want exactly %v", e.Fields, tt.want)
			}
			for field, sub := range tt.want {
				if !strings.Contains(e.Fields[field], sub) {
					t.Errorf("%s message %q does not contain %q", field, e.Fields[field], sub)
				}
			}
		})
	}
}

func TestSameAs(t *testing.T) {
	base := mustPlace(t, "São José", "-27.597724533718875", "-48.61495221317449")
	tests := []struct {
		name string
		o    Place
		want bool
	}{
		{"identical", base, true},
		{"case and spaces", mustPlace(t, "  SÃO   josé ", "-27.597724533718875", "-48.61495221317449"), true},
		{"decomposed accents", Place{Name: "Sa\u0303o Jose\u0301", Latitude: base.Latitude, Longitude: base.Longitude}, true},
		{"zero-width characters inside", mustPlace(t, "S\u200Bão\u2060 Jo\uFEFFsé\u200D", "-27.597724533718875", "-48.61495221317449"), true},
		{"coordinates within 1e-6", mustPlace(t, "São José", "-27.5977250", "-48.6149527"), true},
		{"different digits, same value", mustPlace(t, "São José", "-27.59772453371887500", "-48.61495221317449"), true},
		{"coordinates 1e-5 apart", mustPlace(t, "São José", "-27.59773", "-48.61495221317449"), false},
		{"other name", mustPlace(t, "São Paulo", "-27.597724533718875", "-48.61495221317449"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := base.SameAs(tt.o); got != tt.want {
				t.Errorf("SameAs = %v, want %v", got, tt.want)
			}
			if got := tt.o.SameAs(base); got != tt.want {
				t.Errorf("reverse SameAs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCoordJSONKeepsDigits(t *testing.T) {
	p := mustPlace(t, "São José", "-27.597724533718875", "-48.61495221317449")
	got, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"São José","latitude":-27.597724533718875,"longitude":-48.61495221317449}`
	if string(got) != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	// Text from a hand-edited file that is not a JSON number still marshals.
	places, err := decodeCSV([]byte("name,latitude,longitude\nGraz, 47.1,+15.4\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err = json.Marshal(places[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"` + places[0].ID + `","name":"Graz","latitude":47.1,"longitude":15.4}`; string(got) != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

func mustPlace(t testing.TB, name, lat, lon string) Place {
	t.Helper()
	p, err := NewPlace(name, lat, lon)
	if err != nil {
		t.Fatalf("NewPlace(%q, %q, %q): %v", name, lat, lon, err)
	}
	return p
}

package geo

import (
	"encoding/json"
	"math"
	"testing"
)

type testFeatures struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string `json:"type"`
		Properties struct {
			Code, Name string
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func decodeLayer(t *testing.T, data []byte) testFeatures {
	t.Helper()
	var fc testFeatures
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatalf("the layer is not GeoJSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		t.Fatalf("the layer is a %q, want a FeatureCollection", fc.Type)
	}
	return fc
}

// The page shades a visited country by the code of its feature: every
// feature has the code its land has in the borders, those without an ISO
// numeric id (Kosovo, Northern Cyprus, Somaliland) included.
func TestWorldLayerCarriesCountryCodes(t *testing.T) {
	w := NewData().World()
	if n := len(w.GeoJSON()); n > 300_000 {
		t.Errorf("the world layer is %d bytes, want < 300 kB", n)
	}
	fc := decodeLayer(t, w.GeoJSON())
	if len(fc.Features) < 170 {
		t.Fatalf("the world layer has %d features, want the world's countries", len(fc.Features))
	}
	codes := map[string]string{}
	for _, f := range fc.Features {
		if f.Properties.Code == "" {
			t.Errorf("%s has no code", f.Properties.Name)
		}
		codes[f.Properties.Name] = f.Properties.Code
	}
	for name, code := range map[string]string{"Austria": "AT", "Brazil": "BR", "Taiwan": "TW", "Kosovo": "XK",
		"Fiji": "FJ", "N. Cyprus": "CY", "Somaliland": "SO", "Russia": "RU", "France": "FR", "Norway": "NO"} {
		if codes[name] != code {
			t.Errorf("%s has code %q, want %s", name, codes[name], code)
		}
	}
	if len(w.Outlines()) != len(fc.Features) {
		t.Errorf("%d outlines for %d features", len(w.Outlines()), len(fc.Features))
	}
}

// Russia's and Fiji's rings run on past 180° instead of jumping back to
// -180°, which a map draws as a line across the world; Antarctica's ring,
// around the pole, keeps its full width.
func TestWorldLayerRingsDoNotJumpTheAntimeridian(t *testing.T) {
	w := NewData().World()
	for _, o := range w.Outlines() {
		for _, poly := range o.Polygons {
			for _, ring := range poly {
				b := ring.Bound()
				jump := false
				for i := 1; i < len(ring); i++ {
					jump = jump || math.Abs(ring[i][0]-ring[i-1][0]) > 180
				}
				if jump && o.Code != "AQ" {
					t.Errorf("a ring of %s jumps across the map", o.Code)
				}
				if o.Code == "AQ" && b.Max[0]-b.Min[0] > 359 && (b.Min[0] != -180 || b.Max[0] != 180) {
					t.Errorf("Antarctica's polar ring spans %v…%v, want -180…180", b.Min[0], b.Max[0])
				}
				if b.Min[0] < -180 || b.Max[0] > 200 {
					t.Errorf("a ring of %s spans %v…%v", o.Code, b.Min[0], b.Max[0])
				}
			}
		}
	}
	chukotka := false
	for _, o := range w.Outlines() {
		if o.Code == "RU" {
			for _, poly := range o.Polygons {
				chukotka = chukotka || poly.Bound().Max[0] > 185
			}
		}
	}
	if !chukotka {
		t.Error("Russia has no ring running past 180° to Chukotka")
	}
}

func TestWorldSubset(t *testing.T) {
	w := NewData().World()
	fc := decodeLayer(t, w.Subset([]string{"FJ", "ZZ", "AT"}))
	var names []string
	for _, f := range fc.Features {
		names = append(names, f.Properties.Name)
	}
	if len(names) != 2 || names[0] != "Fiji" || names[1] != "Austria" {
		t.Errorf("Subset(FJ, ZZ, AT) = %v, want [Fiji Austria]", names)
	}
	if fc := decodeLayer(t, w.Subset(nil)); len(fc.Features) != 0 {
		t.Errorf("Subset() has %d features", len(fc.Features))
	}
}

func TestReadWorldRefusesWhatIsNoLayer(t *testing.T) {
	for _, in := range []string{
		``,
		`not json`,
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}`,
		`{"type":"FeatureCollection","features":[`,
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":"x"}}]}`,
	} {
		if _, err := readWorld([]byte(in)); err == nil {
			t.Errorf("readWorld(%q) did not fail", in)
		}
	}
}

func BenchmarkReadWorld(b *testing.B) {
	for b.Loop() {
		if _, err := readWorld(worldGeoJSON); err != nil {
			b.Fatal(err)
		}
	}
}

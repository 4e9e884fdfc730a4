package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"golang.org/x/text/language"
)

// World is Natural Earth's 1:110m countries, ready to draw: each feature
// carries its ISO 3166-1 alpha-2 code as properties.code (Natural Earth
// names countries by ISO numeric id), and rings that cross ±180° are
// unwrapped so that they are drawn whole. The page gets it as GeoJSON, the
// link preview as outlines. A World is immutable.
type World struct {
	geojson  []byte
	features map[string][]json.RawMessage // by code
	outlines []Outline
}

// Outline is one country of the world layer: its code ("" for land
// without one) and polygons, in longitude and latitude. A ring that
// crosses the antimeridian runs past 180° rather than jumping back to
// -180°; a ring around a pole (Antarctica's) spans the whole width.
type Outline struct {
	Code     string
	Polygons []orb.Polygon
}

// GeoJSON is the whole layer as a FeatureCollection. The slice is shared:
// do not modify it.
func (w *World) GeoJSON() []byte { return w.geojson }

// Outlines are the layer's countries in the layer's order. The slice is
// shared: do not modify it.
func (w *World) Outlines() []Outline { return w.outlines }

// Subset is a FeatureCollection of the countries with these codes, in
// the order given; codes the layer does not have are left out.
func (w *World) Subset(codes []string) []byte {
	var features []json.RawMessage
	for _, c := range codes {
		features = append(features, w.features[c]...)
	}
	return featureCollection(features)
}

func featureCollection(features []json.RawMessage) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range features {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(f)
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// worldFeature is a feature of the embedded layer as the page gets it.
type worldFeature struct {
	Type       string `json:"type"`
	ID         string `json:"id,omitempty"`
	Properties struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"properties"`
	Geometry json.RawMessage `json:"geometry"`
}

func mustReadWorld() *World {
	w, err := readWorld(worldGeoJSON)
	if err != nil {
		// The embedded layer is checked by the tests: only a broken build
		// gets here, and it must not serve an empty world.
		panic(err)
	}
	return w
}

func readWorld(src []byte) (*World, error) {
	var fc struct {
		Type     string         `json:"type"`
		Features []worldFeature `json:"features"`
	}
	if err := json.Unmarshal(src, &fc); err != nil {
		return nil, fmt.Errorf("geo: world layer: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("geo: world layer: a %q, not a FeatureCollection", fc.Type)
	}
	w := &World{features: map[string][]json.RawMessage{}}
	all := make([]json.RawMessage, 0, len(fc.Features))
	for i := range fc.Features {
		f := &fc.Features[i]
		f.Properties.Code = worldCode(f.ID, f.Properties.Name)
		polys, geometry, err := readPolygons(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("geo: world layer: %s: %w", f.Properties.Name, err)
		}
		f.Geometry = geometry
		one, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		all = append(all, one)
		if f.Properties.Code != "" {
			w.features[f.Properties.Code] = append(w.features[f.Properties.Code], one)
		}
		if len(polys) > 0 {
			w.outlines = append(w.outlines, Outline{Code: f.Properties.Code, Polygons: polys})
		}
	}
	if len(w.outlines) == 0 {
		return nil, errors.New("geo: world layer has no polygons")
	}
	w.geojson = featureCollection(all)
	return w, nil
}

// unnumbered are the Natural Earth features without an ISO numeric id, by
// the codes the borders give their land.
var unnumbered = map[string]string{"N. Cyprus": "CY", "Somaliland": "SO", "Kosovo": "XK"}

// worldCode is a feature's alpha-2 code, from its ISO numeric id.
func worldCode(id, name string) string {
	if n, err := strconv.Atoi(id); err == nil {
		if region, err := language.EncodeM49(n); err == nil && region.IsCountry() {
			return region.String()
		}
	}
	return unnumbered[name]
}

// readPolygons reads a Polygon or MultiPolygon (other geometries have
// nothing to fill and are kept as they are), unwraps its rings and
// returns the geometry as it is then written.
func readPolygons(geometry json.RawMessage) ([]orb.Polygon, json.RawMessage, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(geometry, &g); err != nil {
		return nil, nil, err
	}
	var polys [][][][2]float64
	switch g.Type {
	case "Polygon":
		var rings [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return nil, nil, err
		}
		polys = [][][][2]float64{rings}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, nil, err
		}
	default:
		return nil, geometry, nil
	}
	changed := false
	for _, rings := range polys {
		for _, ring := range rings {
			changed = unwrapRing(ring) || changed
		}
	}
	if changed {
		var coords any = polys
		if g.Type == "Polygon" {
			coords = polys[0]
		}
		var err error
		if geometry, err = json.Marshal(map[string]any{"type": g.Type, "coordinates": coords}); err != nil {
			return nil, nil, err
		}
	}
	return orbPolygons(polys), geometry, nil
}

func orbPolygons(polys [][][][2]float64) []orb.Polygon {
	out := make([]orb.Polygon, len(polys))
	for i, rings := range polys {
		p := make(orb.Polygon, len(rings))
		for j, ring := range rings {
			r := make(orb.Ring, len(ring))
			for k, pt := range ring {
				r[k] = orb.Point(pt)
			}
			p[j] = r
		}
		out[i] = p
	}
	return out
}

// unwrapRing makes a ring that crosses ±180° continuous, running east past
// 180° (Natural Earth joins Russia's and Fiji's pieces on either side in
// one ring, through an edge that would be drawn as a line across the
// world). A ring around a pole, whose longitudes wind once around the
// globe (Antarctica's), is left as it is: it already spans the whole map.
func unwrapRing(ring [][2]float64) bool {
	if len(ring) < 2 {
		return false
	}
	lons := make([]float64, len(ring))
	lons[0] = ring[0][0]
	crosses := false
	for i := 1; i < len(ring); i++ {
		step := ring[i][0] - ring[i-1][0]
		turns := math.Round(step / 360)
		crosses = crosses || turns != 0
		lons[i] = lons[i-1] + step - 360*turns
	}
	if !crosses || math.Abs(lons[len(lons)-1]-lons[0]) > 180 {
		return false
	}
	shift := 0.0
	if slices.Min(lons) < -180 {
		shift = 360 // east of 180° rather than west of -180°
	}
	for i := range ring {
		ring[i][0] = round3(lons[i] + shift)
	}
	return true
}

// round3 keeps the layer's thousandths of a degree through the shifts by
// 360, which floating point would otherwise print with a tail of digits.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

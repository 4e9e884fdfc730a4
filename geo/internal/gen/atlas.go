package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
)

type topology struct {
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Geometries []topoGeometry `json:"geometries"`
	} `json:"objects"`
}

type topoGeometry struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
	Arcs       json.RawMessage   `json:"arcs"`
}

type geoFeature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id,omitempty"`
	Properties map[string]string `json:"properties"`
	Geometry   geoGeometry       `json:"geometry"`
}

type geoGeometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// convertTopoJSON turns one object of a TopoJSON topology into a GeoJSON
// FeatureCollection, so the page can draw it without a TopoJSON decoder.
func convertTopoJSON(path, object string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var topo topology
	if err := json.Unmarshal(raw, &topo); err != nil {
		return nil, err
	}
	arcs := decodeArcs(topo)
	obj, ok := topo.Objects[object]
	if !ok {
		return nil, fmt.Errorf("no object %q", object)
	}
	features := []geoFeature{}
	for _, g := range obj.Geometries {
		geom, err := topoToGeometry(g, arcs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.ID, err)
		}
		features = append(features, geoFeature{Type: "Feature", ID: g.ID, Properties: g.Properties, Geometry: geom})
	}
	return json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
}

// decodeArcs undoes the quantisation and delta encoding, rounding to 1e-3°
// (about 100 m), far finer than the 1:110m source.
func decodeArcs(topo topology) [][][2]float64 {
	out := make([][][2]float64, len(topo.Arcs))
	for i, arc := range topo.Arcs {
		var x, y float64
		for _, p := range arc {
			pt := p
			if t := topo.Transform; t != nil {
				x, y = x+p[0], y+p[1]
				pt = [2]float64{x*t.Scale[0] + t.Translate[0], y*t.Scale[1] + t.Translate[1]}
			}
			out[i] = append(out[i], [2]float64{round3(pt[0]), round3(pt[1])})
		}
	}
	return out
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func topoToGeometry(g topoGeometry, arcs [][][2]float64) (geoGeometry, error) {
	switch g.Type {
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(g.Arcs, &rings); err != nil {
			return geoGeometry{}, err
		}
		return geoGeometry{Type: "Polygon", Coordinates: stitchPolygon(rings, arcs)}, nil
	case "MultiPolygon":
		var polygons [][][]int
		if err := json.Unmarshal(g.Arcs, &polygons); err != nil {
			return geoGeometry{}, err
		}
		var out [][][][2]float64
		for _, rings := range polygons {
			out = append(out, stitchPolygon(rings, arcs))
		}
		return geoGeometry{Type: "MultiPolygon", Coordinates: out}, nil
	default:
		// Geometry-less entries (null) carry nothing to draw.
		return geoGeometry{Type: "GeometryCollection", Coordinates: [][2]float64{}}, nil
	}
}

// stitchPolygon joins arcs into rings; a negative index ~i means arc i
// reversed, and consecutive arcs share their joining point.
func stitchPolygon(rings [][]int, arcs [][][2]float64) [][][2]float64 {
	var out [][][2]float64
	for _, ring := range rings {
		var pts [][2]float64
		for _, idx := range ring {
			arc := arcs[max(idx, ^idx)]
			if idx < 0 {
				arc = reversed(arc)
			}
			if len(pts) > 0 {
				arc = arc[1:]
			}
			pts = append(pts, arc...)
		}
		out = append(out, pts)
	}
	return out
}

func reversed(arc [][2]float64) [][2]float64 {
	out := make([][2]float64, len(arc))
	for i, p := range arc {
		out[len(arc)-1-i] = p
	}
	return out
}

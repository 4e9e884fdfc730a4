package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// geoJSONDocument covers a FeatureCollection, a single Feature, and
// whib's own places.json (a bare array of places), told apart by Type and
// by the first byte.
type geoJSONDocument struct {
	Type       string            `json:"type"`
	Features   []geoJSONFeature  `json:"features"`
	Geometry   *geoJSONGeometry  `json:"geometry"`   // a lone Feature
	Properties featureProperties `json:"properties"` // a lone Feature
}

type geoJSONFeature struct {
	Type       string            `json:"type"`
	Geometry   *geoJSONGeometry  `json:"geometry"`
	Properties featureProperties `json:"properties"`
}

type geoJSONGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"` // only a Point's are read
}

// featureProperties knows where the apps people export from put a name.
// encoding/json matches keys without regard to case, so "Title" (Google
// Takeout's older Saved Places) and "title" are one field, as are "name"
// and "Name" (ogr2ogr, QGIS, geojson.io).
type featureProperties struct {
	Name     looseText        `json:"name"`
	Title    looseText        `json:"title"`
	Location *takeoutLocation `json:"location"` // Google Takeout's Saved Places
}

type takeoutLocation struct {
	Name         looseText `json:"name"`
	BusinessName looseText `json:"business name"`
	Address      looseText `json:"address"`
}

func (p featureProperties) bestName() string {
	candidates := []looseText{p.Name, p.Title}
	if p.Location != nil {
		candidates = append(candidates, p.Location.Name, p.Location.BusinessName, p.Location.Address)
	}
	for _, candidate := range candidates {
		if strings.TrimSpace(string(candidate)) != "" {
			return string(candidate)
		}
	}
	return ""
}

// looseText takes a string or a number and ignores anything else, so one
// property holding an object does not make the whole file unreadable.
type looseText string

func (t *looseText) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*t = looseText(s)
		return nil
	}
	var n json.Number
	if json.Unmarshal(data, &n) == nil {
		*t = looseText(n)
	}
	return nil
}

// wholePlace is one element of whib's own places.json download.
type wholePlace struct {
	Name      looseText   `json:"name"`
	Latitude  json.Number `json:"latitude"`
	Longitude json.Number `json:"longitude"`
}

// decodeJSON reads GeoJSON Point features (RFC 7946: longitude first) or
// whib's own places.json. A Feature with another geometry counts in
// Skipped.Tracks; one without geometry becomes a row without coordinates.
func decodeJSON(data []byte) (Import, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if firstNonSpace(data) == '[' {
		return decodeWholePlaces(data)
	}
	var doc geoJSONDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return Import{}, jsonError("GeoJSON", data, err)
	}
	features := doc.Features
	switch doc.Type {
	case "FeatureCollection":
	case "Feature":
		features = []geoJSONFeature{{Type: doc.Type, Geometry: doc.Geometry, Properties: doc.Properties}}
	default:
		return Import{}, newError(KindMalformed, "GeoJSON", fmt.Errorf("expected a FeatureCollection, found type %q", doc.Type))
	}
	return featuresToImport(features)
}

func featuresToImport(features []geoJSONFeature) (Import, error) {
	var imp Import
	for i, f := range features {
		row := Row{Index: i + 1, Name: f.Properties.bestName()}
		if f.Geometry != nil {
			lon, lat, isPoint := pointPosition(f.Geometry)
			if !isPoint {
				imp.Skipped.Tracks++
				continue
			}
			if !isUnresolvedTakeoutPlace(f.Properties, lon, lat) {
				row.Longitude, row.Latitude = lon, lat
			}
		}
		if err := imp.addRow("GeoJSON", row); err != nil {
			return Import{}, err
		}
	}
	return imp, nil
}

// pointPosition returns a Point's coordinates with the digits as
// written; coordinates that are not numbers come back empty, for the
// report to call invalid.
func pointPosition(g *geoJSONGeometry) (longitude, latitude string, isPoint bool) {
	if g.Type != "Point" {
		return "", "", false
	}
	var position []json.Number
	if json.Unmarshal(g.Coordinates, &position) != nil || len(position) < 2 {
		return "", "", true
	}
	return position[0].String(), position[1].String(), true
}

// isUnresolvedTakeoutPlace spots Google Takeout's [0, 0] for a saved place
// it has no coordinates for: imported as is it would be a pin in the Gulf of
// Guinea, so the row is left without coordinates and reported as invalid.
func isUnresolvedTakeoutPlace(p featureProperties, longitude, latitude string) bool {
	return p.Location != nil && isZeroNumber(longitude) && isZeroNumber(latitude)
}

func isZeroNumber(s string) bool {
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && v == 0
}

func decodeWholePlaces(data []byte) (Import, error) {
	var places []wholePlace
	if err := json.Unmarshal(data, &places); err != nil {
		return Import{}, jsonError("JSON", data, err)
	}
	var imp Import
	for i, p := range places {
		row := Row{Index: i + 1, Name: string(p.Name), Latitude: p.Latitude.String(), Longitude: p.Longitude.String()}
		if err := imp.addRow("JSON", row); err != nil {
			return Import{}, err
		}
	}
	return imp, nil
}

// jsonError says where encoding/json stopped, as line and column.
func jsonError(format string, data []byte, err error) *Error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, column := lineColumn(data, syntax.Offset)
		return errorAt(KindMalformed, format, line, column, err)
	case errors.As(err, &typeErr):
		line, column := lineColumn(data, typeErr.Offset)
		return errorAt(KindMalformed, format, line, column, err)
	}
	return newError(KindMalformed, format, err)
}

func firstNonSpace(data []byte) byte {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return 0
	}
	return trimmed[0]
}

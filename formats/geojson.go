package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// geoJSONDocument covers a FeatureCollection and a single Feature, told
// apart by Type.
type geoJSONDocument struct {
	Type       string            `json:"type"`
	Features   []geoJSONFeature  `json:"features"`
	Geometry   *geoJSONGeometry  `json:"geometry"`   // a lone Feature
	Properties featureProperties `json:"properties"` // a lone Feature
	Time       *jsonFGTime       `json:"time"`       // a lone Feature
}

type geoJSONFeature struct {
	Type       string            `json:"type"`
	Geometry   *geoJSONGeometry  `json:"geometry"`
	Properties featureProperties `json:"properties"`
	Time       *jsonFGTime       `json:"time"` // OGC JSON-FG's temporal member
}

type geoJSONGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"` // only a Point's are read
}

// featureProperties knows where the apps people export from put a name, a
// date and a note. encoding/json matches keys without regard to case, so
// "Title" (Google Takeout's older Saved Places) and "title" are one field,
// as are "name" and "Name" (ogr2ogr, QGIS, geojson.io).
type featureProperties struct {
	Name     looseText        `json:"name"`
	Title    looseText        `json:"title"`
	Location *takeoutLocation `json:"location"` // Google Takeout's Saved Places

	Visited   looseText `json:"visited"`
	Date      looseText `json:"date"`      // Takeout: when the place was saved
	Published looseText `json:"published"` // the same, in Takeout's older schema
	Time      looseText `json:"time"`
	Timestamp looseText `json:"timestamp"`

	Note        looseText `json:"note"`
	Notes       looseText `json:"notes"`
	Comment     looseText `json:"comment"`
	Description looseText `json:"description"`

	GoogleMapsURL    looseText `json:"google_maps_url"`
	OldGoogleMapsURL looseText `json:"google maps url"`
}

type takeoutLocation struct {
	Name           looseText       `json:"name"`
	BusinessName   looseText       `json:"business name"`
	Address        looseText       `json:"address"`
	GeoCoordinates *takeoutLatLong `json:"geo coordinates"`
}

type takeoutLatLong struct {
	Latitude  looseText `json:"latitude"`
	Longitude looseText `json:"longitude"`
}

// jsonFGTime is JSON-FG's "time": {"date": …}, {"timestamp": …} or
// {"interval": [start, end]} with ".." for an open end. Anything else (a
// bare string some tools write) is read as a date.
type jsonFGTime struct {
	Date      looseText   `json:"date"`
	Timestamp looseText   `json:"timestamp"`
	Interval  []looseText `json:"interval"`
}

func (t *jsonFGTime) UnmarshalJSON(data []byte) error {
	type plain jsonFGTime
	var p plain
	if json.Unmarshal(data, &p) == nil {
		*t = jsonFGTime(p)
		return nil
	}
	var s looseText
	_ = json.Unmarshal(data, &s)
	*t = jsonFGTime{Date: s}
	return nil
}

func (p featureProperties) bestName() string {
	candidates := []looseText{p.Name, p.Title}
	if p.Location != nil {
		candidates = append(candidates, p.Location.Name, p.Location.BusinessName, p.Location.Address)
	}
	return firstText(candidates...)
}

func (p featureProperties) mapsURL() string {
	return firstText(p.GoogleMapsURL, p.OldGoogleMapsURL)
}

// isTakeout reports a Saved Places feature (either schema).
func (p featureProperties) isTakeout() bool {
	return p.Location != nil || p.mapsURL() != ""
}

// note is the first of the properties that hold one. Takeout's comment on
// a place it has no coordinates for is about the file, not the place.
func (p featureProperties) note() string {
	comment := string(p.Comment)
	if strings.HasPrefix(strings.TrimSpace(comment), "No location information") {
		comment = ""
	}
	return firstText(p.Note, p.Notes, looseText(comment), looseText(descriptionText(string(p.Description))))
}

// visited is the first readable of the properties that say when: visited,
// JSON-FG's time, then Takeout's date (or Published), time, timestamp.
func (f geoJSONFeature) visited(ctx dateContext) string {
	p := f.Properties
	raw := []string{string(p.Visited), f.Time.value(ctx), string(p.Date), string(p.Published), string(p.Time), string(p.Timestamp)}
	for _, s := range raw {
		if v, ok := normaliseVisited(s, ctx); ok && v != "" {
			return v
		}
	}
	return strings.TrimSpace(firstText(looseText(raw[0]), looseText(raw[1]), p.Date, p.Published, p.Time, p.Timestamp))
}

func (t *jsonFGTime) value(ctx dateContext) string {
	switch {
	case t == nil:
		return ""
	case len(t.Interval) == 2:
		start, okStart := normaliseVisited(openEnd(t.Interval[0]), ctx)
		end, okEnd := normaliseVisited(openEnd(t.Interval[1]), ctx)
		if span, ok := joinSpan(start, end); ok && okStart && okEnd {
			return span
		}
		return ""
	case strings.TrimSpace(string(t.Date)) != "":
		return string(t.Date)
	}
	return string(t.Timestamp)
}

func openEnd(t looseText) string {
	if strings.TrimSpace(string(t)) == ".." {
		return ""
	}
	return string(t)
}

func firstText(candidates ...looseText) string {
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

// UnmarshalJSON gets one valid JSON value (encoding/json has checked the
// whole document), so a number is its literal and a string without escapes
// its bytes: a Timeline file is mostly such strings, and decoding each
// through json.Unmarshal again doubled the time of a 10,000-visit import.
func (t *looseText) UnmarshalJSON(data []byte) error {
	switch {
	case len(data) == 0:
	case data[0] == '"' && bytes.IndexByte(data, '\\') < 0 && utf8.Valid(data):
		*t = looseText(data[1 : len(data)-1])
	case data[0] == '"':
		var s string
		_ = json.Unmarshal(data, &s)
		*t = looseText(s)
	case data[0] == '-' || (data[0] >= '0' && data[0] <= '9'):
		*t = looseText(data)
	}
	return nil
}

// decodeGeoJSON reads GeoJSON Point features (RFC 7946: longitude first),
// Google's Saved Places among them. A Feature with another geometry counts
// in Skipped.Tracks; one without geometry becomes a row without
// coordinates.
func decodeGeoJSON(data []byte) (Import, error) {
	var doc geoJSONDocument
	if err := unmarshalJSON("GeoJSON", data, &doc); err != nil {
		return Import{}, err
	}
	features := doc.Features
	switch doc.Type {
	case "FeatureCollection":
	case "Feature":
		features = []geoJSONFeature{{Type: doc.Type, Geometry: doc.Geometry, Properties: doc.Properties, Time: doc.Time}}
	default:
		return Import{}, newError(KindMalformed, "GeoJSON", fmt.Errorf("expected a FeatureCollection, found type %q", doc.Type))
	}
	return featuresToImport(features)
}

func featuresToImport(features []geoJSONFeature) (Import, error) {
	imp := Import{Source: SourceGeoJSON}
	for i, f := range features {
		if f.Properties.isTakeout() {
			imp.Source = SourceSavedPlaces
		}
		row := Row{Index: i + 1, Name: f.Properties.bestName(), Note: f.Properties.note()}
		if f.Geometry != nil {
			lon, lat, isPoint := pointPosition(f.Geometry)
			if !isPoint {
				imp.Skipped.Tracks++
				continue
			}
			row.Longitude, row.Latitude = lon, lat
			if f.Properties.isTakeout() && isZeroNumber(lon) && isZeroNumber(lat) {
				resolveTakeoutPoint(&row, f.Properties)
			}
		}
		row.Visited = f.visited(dateAt(row.Longitude))
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

// resolveTakeoutPoint replaces Google Takeout's [0, 0] for a saved place it
// has no coordinates for (imported as is it would be a pin in the Gulf of
// Guinea): the older schema's Geo Coordinates when they are not zero too,
// else the q=lat,lng of the place's URL, else nothing, and the row needs a
// point, looked up by the URL's search text, address or name.
func resolveTakeoutPoint(row *Row, p featureProperties) {
	row.Latitude, row.Longitude = "", ""
	if c := p.Location; c != nil && c.GeoCoordinates != nil && !isZeroNumber(string(c.GeoCoordinates.Latitude)) {
		row.Latitude, row.Longitude = string(c.GeoCoordinates.Latitude), string(c.GeoCoordinates.Longitude)
		return
	}
	query := mapsURLQuery(p.mapsURL())
	if lat, lon, ok := decimalPair(query); ok {
		row.Latitude, row.Longitude = lat, lon
		return
	}
	address := ""
	if p.Location != nil {
		address = string(p.Location.Address)
	}
	row.Lookup = strings.TrimSpace(firstText(looseText(query), looseText(address), looseText(row.Name)))
}

// mapsURLQuery is the q= of a Google Maps URL: coordinates, or the text
// the place was searched by.
func mapsURLQuery(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(u.Query().Get("q"))
}

// decimalPair reads "lat,lng" as two decimals in range, as written.
func decimalPair(s string) (latitude, longitude string, ok bool) {
	a, b, found := strings.Cut(s, ",")
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !found || !isSignedDecimal(a) || !isSignedDecimal(b) {
		return "", "", false
	}
	lat, _ := strconv.ParseFloat(a, 64)
	lon, _ := strconv.ParseFloat(b, 64)
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return "", "", false
	}
	return a, b, true
}

func isSignedDecimal(s string) bool {
	return isDecimal(strings.TrimPrefix(s, "+"))
}

func isZeroNumber(s string) bool {
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && v == 0
}

// wholePlace is one element of whib's own places.json download.
type wholePlace struct {
	Name      looseText   `json:"name"`
	Latitude  json.Number `json:"latitude"`
	Longitude json.Number `json:"longitude"`
	Visited   looseText   `json:"visited"`
	Note      looseText   `json:"note"`
}

func decodeWholePlaces(data []byte) (Import, error) {
	var places []wholePlace
	if err := unmarshalJSON("JSON", data, &places); err != nil {
		return Import{}, err
	}
	imp := Import{Source: SourceWhib}
	for i, p := range places {
		row := Row{Index: i + 1, Name: string(p.Name), Latitude: p.Latitude.String(), Longitude: p.Longitude.String(), Note: string(p.Note)}
		row.Visited, _ = normaliseVisited(string(p.Visited), dateAt(row.Longitude))
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
		where := typeErr.Field
		if where == "" {
			where = "the top level"
		}
		return errorAt(KindMalformed, format, line, column, fmt.Errorf("unexpected %s at %s", typeErr.Value, where))
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

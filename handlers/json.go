package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/store"
)

// How whib writes JSON: answers, the one shape of a place, and the events
// the page is sent in HX-Trigger headers.

// placeJSON is a place as whib writes it everywhere: GET /places and
// GET /places/{id}, the answers of POST, PATCH and DELETE /places, the
// page's marker data and its place-added and places-changed events. It is
//
//	{"id", "name", "latitude", "longitude"}
//
// with "visited" (the date notation as stored, see store.ParseVisited) and
// "note" when the visit has them, and, once the countries are known (the
// borders have loaded), "country" (ISO 3166-1 alpha-2) and "country_name",
// both "" for a place at sea, and "region" (ISO 3166-2, "AT-6") and
// "region_name" ("Styria"), both "" where there is none; then "etag", the
// place's entity tag as stored (the ETag of GET /places/{id}, quotes
// included), which PATCH and DELETE take back in If-Match. A DELETE's
// answer has no "etag": the place is no longer stored.
// Every writer goes through appendPlaceJSON.
type placeJSON struct {
	place store.Place
	etag  string        // "" for a place no longer stored
	where *geo.Location // nil while the countries are not known
}

func (p placeJSON) MarshalJSON() ([]byte, error) {
	return appendPlaceJSON(nil, p.place, p.etag, p.where)
}

// withCountry is p in the one shape, with its country and region once
// known and etag, its entity tag in the snapshot it is stored in.
func (a *app) withCountry(p store.Place, etag string) placeJSON {
	ix, ok := a.deps.Geo.Ready()
	if !ok {
		return placeJSON{place: p, etag: etag}
	}
	l := ix.LocationOf(p.Latitude.Float(), p.Longitude.Float())
	return placeJSON{place: p, etag: etag, where: &l}
}

// stored is p in the one shape as snap stores it.
func (a *app) stored(snap store.Snapshot, p store.Place) placeJSON {
	return a.withCountry(p, snap.ETag(p))
}

// appendPlaceJSON appends p in the one shape. It appends rather than
// marshals because GET /places writes 100,000 places with it: several
// times faster, with a fraction of the garbage, than a slice of structs.
// The name is escaped by encoding/json; coordinates keep their stored
// digits where those are a JSON number (store.Coord.MarshalJSON).
func appendPlaceJSON(buf []byte, p store.Place, etag string, where *geo.Location) ([]byte, error) {
	name, err := json.Marshal(p.Name)
	if err != nil {
		return nil, err
	}
	buf = append(buf, `{"id":"`...)
	buf = append(buf, p.ID...) // hex digits and '-': nothing to escape
	buf = append(buf, `","name":`...)
	buf = append(buf, name...)
	buf = append(buf, `,"latitude":`...)
	buf = appendCoord(buf, p.Latitude)
	buf = append(buf, `,"longitude":`...)
	buf = appendCoord(buf, p.Longitude)
	if buf, err = appendVisitFields(buf, p); err != nil {
		return nil, err
	}
	buf, err = appendLocationFields(buf, where)
	if err != nil {
		return nil, err
	}
	if etag != "" {
		// `"<id>.<twins>"`: only its quotes need escaping.
		buf = append(buf, `,"etag":"`...)
		for i := range len(etag) {
			if etag[i] == '"' {
				buf = append(buf, '\\')
			}
			buf = append(buf, etag[i])
		}
		buf = append(buf, '"')
	}
	return append(buf, '}'), nil
}

// appendVisitFields writes `,"visited":"2019-07","note":"…"`, each only
// when the visit has it.
func appendVisitFields(buf []byte, p store.Place) ([]byte, error) {
	if !p.Visited.IsZero() {
		buf = append(buf, `,"visited":"`...)
		buf = append(buf, p.Visited.String()...) // digits, '-' and '/': nothing to escape
		buf = append(buf, '"')
	}
	if p.Note != "" {
		note, err := json.Marshal(p.Note)
		if err != nil {
			return nil, err
		}
		buf = append(buf, `,"note":`...)
		buf = append(buf, note...)
	}
	return buf, nil
}

// appendCoord writes a coordinate as a JSON number. The stored text is not
// always one: a hand-edited file may say "+5" or ".5".
func appendCoord(buf []byte, c store.Coord) []byte {
	return c.AppendJSON(buf)
}

// appendLocationFields writes `,"country":"AT","country_name":"Austria",
// "region":"AT-6","region_name":"Styria"`, or nothing while the countries
// are not known (l nil).
func appendLocationFields(buf []byte, l *geo.Location) ([]byte, error) {
	if l == nil {
		return buf, nil
	}
	country, err := json.Marshal(l.Country.Name)
	if err != nil {
		return nil, err
	}
	region, err := json.Marshal(l.Region.Name)
	if err != nil {
		return nil, err
	}
	buf = append(buf, `,"country":"`...)
	buf = append(buf, l.Country.Code...) // two ASCII letters, or ""
	buf = append(buf, `","country_name":`...)
	buf = append(buf, country...)
	buf = append(buf, `,"region":"`...)
	buf = append(buf, l.Region.Code...) // ASCII letters, digits and '-', or ""
	buf = append(buf, `","region_name":`...)
	return append(buf, region...), nil
}

// encodePlacesJSON is GET /places: every place in the one shape.
func encodePlacesJSON(v placesView, loc *rowLocations) ([]byte, error) {
	return encodePlaces(v.snap, 96, "[", "]", func(buf []byte, i int, p store.Place) ([]byte, error) {
		// Entity tags are the whole snapshot's: GET /places writes them so.
		return appendPlaceJSON(buf, p, v.whole.ETag(p), loc.locationAt(i))
	})
}

// encodePlacesGeoJSON is GET /places.geojson: the same fields as feature
// properties, the coordinates as an RFC 7946 point (longitude first), and
// a visit's date also as OGC JSON-FG's "time" member.
func encodePlacesGeoJSON(v placesView, loc *rowLocations) ([]byte, error) {
	return encodePlaces(v.snap, 160, `{"type":"FeatureCollection","features":[`, `]}`, func(buf []byte, i int, p store.Place) ([]byte, error) {
		name, err := json.Marshal(p.Name)
		if err != nil {
			return nil, err
		}
		buf = append(buf, `{"type":"Feature","geometry":{"type":"Point","coordinates":[`...)
		buf = appendCoord(buf, p.Longitude)
		buf = append(buf, ',')
		buf = appendCoord(buf, p.Latitude)
		buf = append(buf, `]},"properties":{"id":"`...)
		buf = append(buf, p.ID...)
		buf = append(buf, `","name":`...)
		buf = append(buf, name...)
		if buf, err = appendVisitFields(buf, p); err != nil {
			return nil, err
		}
		if buf, err = appendLocationFields(buf, loc.locationAt(i)); err != nil {
			return nil, err
		}
		buf = append(buf, '}')
		return append(appendFGTime(buf, p.Visited), '}'), nil
	})
}

// appendFGTime writes JSON-FG's "time" member for a visit: {"date": …} for
// one day, {"interval": [first day, last day]} for a longer one (a year, a
// month, a stay), as JSON-FG's dates are whole days; nothing when unknown.
func appendFGTime(buf []byte, v store.Visited) []byte {
	if v.IsZero() {
		return buf
	}
	start, end := v.Start().Format(time.DateOnly), v.End().Format(time.DateOnly)
	if start == end {
		return append(buf, `,"time":{"date":"`+start+`"}`...)
	}
	return append(buf, `,"time":{"interval":["`+start+`","`+end+`"]}`...)
}

// encodePlaces writes open, each place through item separated by commas,
// then close. perPlace sizes the buffer.
func encodePlaces(s store.Snapshot, perPlace int, open, close string, item func(buf []byte, i int, p store.Place) ([]byte, error)) ([]byte, error) {
	size := (perPlace+32)*len(s.Places) + len(open) + len(close) // 32: an etag
	for _, p := range s.Places {
		// Dates and notes: sized up front, as growing a buffer of tens of
		// megabytes copies it and doubles what it holds.
		if p.Note != "" || !p.Visited.IsZero() {
			size += len(p.Note)*11/10 + len(p.Visited.String()) + 60
		}
	}
	buf := make([]byte, 0, size)
	buf = append(buf, open...)
	var err error
	for i, p := range s.Places {
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, err = item(buf, i, p); err != nil {
			return nil, err
		}
	}
	return append(buf, close...), nil
}

// placeAnswer is a write's answer: the place in the one shape, followed
// by what the write says about it.
type placeAnswer struct {
	place placeJSON
	notes answerNotes
}

type answerNotes struct {
	Message string `json:"message"`
	// Near is a place of the same name close to one just added.
	Near *nearPlace `json:"near,omitempty"`
	// Change is where the history shows the change; Undo reverts it.
	Change string `json:"change,omitempty"`
	Undo   string `json:"undo,omitempty"`
}

// MarshalJSON writes one object: the place's fields, then the notes'.
func (a placeAnswer) MarshalJSON() ([]byte, error) {
	place, err := a.place.MarshalJSON()
	if err != nil {
		return nil, err
	}
	notes, err := json.Marshal(a.notes)
	if err != nil {
		return nil, err
	}
	// {"id":…} and {"message":…} become {"id":…,"message":…}.
	return append(append(place[:len(place)-1], ','), notes[1:]...), nil
}

// nearPlace is a place of the same name near one just added.
type nearPlace struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	DistanceMeters int    `json:"distance_m"`
}

// placesChanged is the places-changed event's detail: the ids of the
// places a change took away, and the places it brought, in the one shape.
type placesChanged struct {
	Removed []string    `json:"removed"`
	Added   []placeJSON `json:"added"`
}

// triggerJSON is an HX-Trigger header with one event.
func triggerJSON(event string, detail any) string {
	body, _ := json.Marshal(map[string]any{event: detail})
	return asciiJSON(body)
}

// asciiJSON escapes JSON for a header value, which must be ASCII.
func asciiJSON(b []byte) string {
	var sb strings.Builder
	for _, r := range string(b) {
		switch {
		case r < 0x80:
			sb.WriteRune(r)
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&sb, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(&sb, `\u%04x`, r)
		}
	}
	return sb.String()
}

// writeJSON writes v as the answer; an encoding failure is returned before
// anything is written.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
	return nil
}

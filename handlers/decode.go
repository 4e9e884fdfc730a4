package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/whib/whib/store"
)

// placeInput is a place as a client sent it, before validation.
type placeInput struct {
	Name, Latitude, Longitude string
	// Visited (ISO 8601 / EDTF level 0, see store.ParseVisited) and Note
	// may be empty.
	Visited, Note string
	// sent names the fields the client sent (an edit changes only those).
	sent map[string]bool
	// nearOK: the person was told of a place of the same name nearby and
	// still wants to add this one.
	nearOK bool
}

// edit is the change to a place the input asks for.
func (in placeInput) edit() store.Edit {
	var e store.Edit
	if in.sent["name"] {
		e.Name = &in.Name
	}
	if in.sent["latitude"] {
		e.Latitude = &in.Latitude
	}
	if in.sent["longitude"] {
		e.Longitude = &in.Longitude
	}
	if in.sent["visited"] {
		e.Visited = &in.Visited
	}
	if in.sent["note"] {
		e.Note = &in.Note
	}
	return e
}

// placeFields are the keys a place is sent with, in a form or JSON.
var placeFields = []string{"name", "latitude", "longitude", "visited", "note"}

// decodePlace reads a place from a JSON or form body of at most
// maxPlaceBody bytes. It reports malformed bodies as request errors and
// wrongly typed fields as field errors, so a client learns everything that
// is wrong with one request.
func decodePlace(w http.ResponseWriter, r *http.Request) (placeInput, map[string]string, error) {
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		media = ""
	}
	if err := boundBody(w, r, maxPlaceBody); err != nil {
		return placeInput{}, nil, bodyError(err, "")
	}
	switch media {
	case "application/json":
		return decodePlaceJSON(r.Body)
	case "application/x-www-form-urlencoded", "multipart/form-data":
		if media == "multipart/form-data" {
			err = r.ParseMultipartForm(maxPlaceBody)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return placeInput{}, nil, bodyError(err, "The form data could not be read.")
		}
		// The page's form accepts coordinates as people write them (coordinates.go).
		lat, lon := formCoordinates(r.PostForm.Get("latitude"), r.PostForm.Get("longitude"))
		sent := map[string]bool{}
		for _, k := range placeFields {
			sent[k] = r.PostForm.Has(k)
		}
		return placeInput{
			Name:      r.PostForm.Get("name"),
			Latitude:  lat,
			Longitude: lon,
			Visited:   r.PostForm.Get("visited"),
			Note:      r.PostForm.Get("note"),
			sent:      sent,
			nearOK:    r.PostForm.Get("near_ok") == "yes",
		}, nil, nil
	}
	return placeInput{}, nil, refuse(http.StatusUnsupportedMediaType, "unsupported_media_type",
		"Send the place as application/json or as a form (application/x-www-form-urlencoded).")
}

// boundBody bounds r's body to limit bytes: every handler that reads a
// body calls it first. A body whose Content-Length is over the limit is
// refused from that header alone, before a byte of it is read: Go answers
// "Expect: 100-continue" with "100 Continue" on the first read, so a
// client that asked (curl does for large bodies) would otherwise start
// sending what is refused and see the connection reset instead of its 413.
// The error is an *http.MaxBytesError, which the callers answer as they
// answer a body that runs past the limit while it is read.
func boundBody(w http.ResponseWriter, r *http.Request, limit int64) error {
	if r.ContentLength > limit {
		return &http.MaxBytesError{Limit: limit}
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return nil
}

func bodyError(err error, fallback string) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return refuse(http.StatusRequestEntityTooLarge, "body_too_large",
			fmt.Sprintf("The request body is larger than %d KB.", maxPlaceBody>>10))
	}
	return refuse(http.StatusBadRequest, "malformed_body", fallback)
}

// decodePlaceJSON reads one JSON object. Unknown keys are ignored so that
// clients may send more than whib needs, but a repeated key is refused:
// encoding/json would silently keep the last one, and a place must mean
// one thing.
func decodePlaceJSON(body io.Reader) (placeInput, map[string]string, error) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return placeInput{}, nil, bodyError(err, "The request body could not be read.")
	}
	if !utf8.Valid(raw) {
		return placeInput{}, nil, refuse(http.StatusBadRequest, "invalid_utf8", "The body must be UTF-8 text.")
	}
	const malformed = `The body must be one JSON object like {"name": "Graz", "latitude": 47.07, "longitude": 15.44}.`
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return placeInput{}, nil, refuse(http.StatusBadRequest, "malformed_json", malformed)
	}
	fields := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return placeInput{}, nil, refuse(http.StatusBadRequest, "malformed_json", malformed)
		}
		key, _ := tok.(string)
		if _, seen := fields[key]; seen {
			return placeInput{}, nil, refuse(http.StatusBadRequest, "duplicate_key",
				fmt.Sprintf("The key %q appears more than once.", key))
		}
		if !slices.Contains(placeFields, key) {
			if err := skipValue(dec, maxJSONDepth); err != nil {
				return placeInput{}, nil, err
			}
			fields[key] = nil
			continue
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return placeInput{}, nil, refuse(http.StatusBadRequest, "malformed_json", malformed)
		}
		fields[key] = value
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return placeInput{}, nil, refuse(http.StatusBadRequest, "malformed_json", malformed)
	}
	if _, err := dec.Token(); err != io.EOF {
		return placeInput{}, nil, refuse(http.StatusBadRequest, "malformed_json", malformed)
	}

	in, typeErrs := placeFromJSON(fields)
	return in, typeErrs, nil
}

// placeFromJSON reads the fields' values; a value of the wrong type is a
// field error.
func placeFromJSON(fields map[string]json.RawMessage) (placeInput, map[string]string) {
	in := placeInput{sent: map[string]bool{}}
	for _, k := range placeFields {
		// null is "not sent"; "" clears a date or a note in an edit.
		in.sent[k] = len(fields[k]) > 0 && string(fields[k]) != "null"
	}
	typeErrs := map[string]string{}
	in.Name = jsonString(fields["name"], "name", "The name must be text.", typeErrs)
	in.Latitude = jsonNumber(fields["latitude"], "latitude", "The latitude must be a number.", typeErrs)
	in.Longitude = jsonNumber(fields["longitude"], "longitude", "The longitude must be a number.", typeErrs)
	in.Visited = jsonYearOrString(fields["visited"], "visited", `The visited date must be text, like "2019-07-14".`, typeErrs)
	in.Note = jsonString(fields["note"], "note", "The note must be text.", typeErrs)
	return in, typeErrs
}

// maxJSONDepth bounds the nesting of fields whib ignores: nothing a place
// needs is nested, and deep nesting only costs the server.
const maxJSONDepth = 32

// skipValue reads past one JSON value, refusing nesting deeper than max.
func skipValue(dec *json.Decoder, max int) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return refuse(http.StatusBadRequest, "malformed_json", "The body is not valid JSON.")
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			if depth > max {
				return refuse(http.StatusBadRequest, "too_deep", fmt.Sprintf("The JSON is nested more than %d levels deep.", max))
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

func jsonString(raw json.RawMessage, field, msg string, errs map[string]string) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		errs[field] = msg
	}
	return s
}

// jsonYearOrString accepts a string, or a year sent as a JSON number
// (2019), which means the same.
func jsonYearOrString(raw json.RawMessage, field, msg string, errs map[string]string) string {
	if s := string(raw); len(s) == 4 && strings.Trim(s, "0123456789") == "" {
		return s
	}
	return jsonString(raw, field, msg, errs)
}

// jsonNumber accepts a JSON number, keeping its digits, or a numeric string
// as the talk's clients send ("-27.597724533718875").
func jsonNumber(raw json.RawMessage, field, msg string, errs map[string]string) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			errs[field] = msg
		}
		return s
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		errs[field] = msg
		return ""
	}
	return n.String()
}

// validatePlace turns input into a place, reporting every wrong field at
// once as a store.KindInvalid error.
func validatePlace(in placeInput, typeErrs map[string]string) (store.Place, error) {
	place, err := store.Input{Name: in.Name, Latitude: in.Latitude, Longitude: in.Longitude, Visited: in.Visited, Note: in.Note}.Place()
	if len(typeErrs) == 0 {
		return place, err
	}
	fields := map[string]string{}
	var invalid *store.Error
	if errors.As(err, &invalid) {
		for k, v := range invalid.Fields {
			fields[k] = v
		}
	}
	for k, v := range typeErrs {
		fields[k] = v
	}
	return store.Place{}, &store.Error{Kind: store.KindInvalid, Op: "validate place", Fields: fields, Err: errors.New("invalid place")}
}

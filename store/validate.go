package store

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxNameRunes bounds a name in characters (runes), not bytes, so "São José"
// costs the same as "Sao Jose".
const maxNameRunes = 100

// NewPlace validates and normalises raw input from a form or JSON body.
//
// The name is trimmed, put in Unicode NFC form and must be 1–100 characters
// without control characters, line/paragraph separators or bidirectional
// formatting characters (which could make a name display as something else).
// Coordinates must be finite decimal numbers ("-27.59", " 1e2 ") with latitude
// in −90…90 and longitude in −180…180. A plain decimal keeps the digits as
// typed; other forms are normalised ("1e2" → "100").
//
// On failure the error is a *Error of KindInvalid whose Fields hold one
// message per failing field ("name", "latitude", "longitude"), written for
// the person who typed the value.
func NewPlace(name, latitude, longitude string) (Place, error) {
	return Input{Name: name, Latitude: latitude, Longitude: longitude}.Place()
}

// Input is a place as a person typed it or a client sent it: every field
// as text. Visited and Note may be empty.
type Input struct {
	Name, Latitude, Longitude string
	Visited                   string // ISO 8601 / EDTF level 0: see ParseVisited
	Note                      string
}

// Place validates and normalises the input, as NewPlace does for the three
// fields and ParseVisited for the date. A note is trimmed, put in NFC form,
// its line breaks made "\n" and its tabs spaces, and must be at most 1,000
// characters without other control or bidi characters. Errors are one per
// field ("name", "latitude", "longitude", "visited", "note").
func (in Input) Place() (Place, error) {
	fields := map[string]string{}
	cleanName, msg := normaliseName(in.Name)
	if msg != "" {
		fields["name"] = msg
	}
	lat, msg := parseInputCoord(in.Latitude, "Latitude", "-27.59", 90)
	if msg != "" {
		fields["latitude"] = msg
	}
	lon, msg := parseInputCoord(in.Longitude, "Longitude", "-48.61", 180)
	if msg != "" {
		fields["longitude"] = msg
	}
	visited, err := ParseVisited(in.Visited)
	if err != nil {
		fields["visited"] = err.Error()
	}
	note, msg := normaliseNote(in.Note)
	if msg != "" {
		fields["note"] = msg
	}
	if len(fields) > 0 {
		return Place{}, &Error{Kind: KindInvalid, Op: "validate place", Err: errors.New("invalid place"), Fields: fields}
	}
	return Place{Name: cleanName, Latitude: lat, Longitude: lon, Visited: visited, Note: note}, nil
}

// maxNoteRunes bounds a note in characters.
const maxNoteRunes = 1000

// normaliseNote returns the cleaned note, or a message for a person.
func normaliseNote(raw string) (string, string) {
	if !utf8.ValidString(raw) {
		return "", "Note must be valid text (UTF-8)."
	}
	note := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", " ").Replace(raw)
	note = norm.NFC.String(strings.TrimSpace(note))
	for _, r := range note {
		switch {
		case r == '\n':
		case unicode.IsControl(r) || isLineSeparator(r):
			return "", "Note must not contain control characters."
		case isNoncharacter(r):
			return "", "Note must be valid text (it contains a Unicode noncharacter)."
		case isBidiControl(r):
			return "", "Note must not contain text-direction control characters."
		}
	}
	if n := utf8.RuneCountInString(note); n > maxNoteRunes {
		return "", fmt.Sprintf("Note must be at most %d characters (it has %d).", maxNoteRunes, n)
	}
	return note, ""
}

// normaliseName returns the cleaned name, or a message for a person.
func normaliseName(raw string) (string, string) {
	if !utf8.ValidString(raw) {
		return "", "Name must be valid text (UTF-8)."
	}
	name := norm.NFC.String(strings.TrimSpace(raw))
	if name == "" {
		return "", "Name is required."
	}
	for _, r := range name {
		if unicode.IsControl(r) || isLineSeparator(r) {
			return "", "Name must be a single line without control characters."
		}
		if isNoncharacter(r) {
			return "", "Name must be valid text (it contains a Unicode noncharacter)."
		}
		if isBidiControl(r) {
			return "", "Name must not contain text-direction control characters."
		}
	}
	if strings.IndexFunc(name, isVisible) < 0 {
		return "", "Name must have at least one visible character."
	}
	if n := utf8.RuneCountInString(name); n > maxNameRunes {
		return "", fmt.Sprintf("Name must be at most %d characters (it has %d).", maxNameRunes, n)
	}
	return name, ""
}

// isVisible reports a character that puts ink on the screen: not white
// space, not a format character (zero-width space, joiners, BOM), not a
// combining mark on its own, and not one of the blank "filler" letters that
// Unicode classifies as letters but fonts draw as nothing.
func isVisible(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800':
		return false
	}
	return unicode.IsGraphic(r) && !unicode.IsSpace(r) &&
		!unicode.In(r, unicode.Mn, unicode.Me) // format characters (Cf) are not graphic
}

// isNoncharacter reports Unicode's permanently unassigned code points
// (U+FDD0–U+FDEF and the last two of every plane), which XML cannot hold:
// such a name would not survive a GPX or KML export.
func isNoncharacter(r rune) bool {
	return (r >= '\uFDD0' && r <= '\uFDEF') || r&0xFFFE == 0xFFFE
}

func isLineSeparator(r rune) bool { return r == '\u2028' || r == '\u2029' }

// isBidiControl reports the explicit directional formatting characters
// (embeddings, overrides, isolates and marks) that can reorder how a name is
// displayed, the trick behind "Trojan Source" spoofing.
func isBidiControl(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', // LRE, RLE, PDF, LRO, RLO
		r >= '\u2066' && r <= '\u2069', // LRI, RLI, FSI, PDI
		r == '\u200E', r == '\u200F',   // LRM, RLM
		r == '\u061C': // ALM
		return true
	}
	return false
}

// parseInputCoord validates one typed coordinate; limit is 90 or 180.
func parseInputCoord(raw, label, example string, limit float64) (Coord, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Coord{}, label + " is required."
	}
	notNumber := fmt.Sprintf("%s must be a number, like %s.", label, example)
	outOfRange := fmt.Sprintf("%s must be between %v and %v.", label, -limit, limit)
	// Only decimal notation: ParseFloat alone would also take "NaN", "Inf",
	// "infinity" and hex floats like "0x1p-2", none of which a person means.
	if strings.TrimLeft(s, "0123456789+-.eE") != "" {
		return Coord{}, notNumber
	}
	// Digits are kept as written; beyond float64's ~17 significant digits
	// they carry nothing but bytes in every row and download.
	if len(s) > maxCoordLength {
		return Coord{}, fmt.Sprintf("%s has too many digits (at most %d characters).", label, maxCoordLength)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) { // 1e999
			return Coord{}, outOfRange
		}
		return Coord{}, notNumber
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Coord{}, notNumber
	}
	if v < -limit || v > limit {
		return Coord{}, outOfRange
	}
	text := s
	if !isPlainDecimal(s) {
		text = formatCoord(v)
		v, _ = strconv.ParseFloat(text, 64) // the value the stored text means
	}
	return Coord{text: text, value: v}, ""
}

// maxCoordLength bounds a coordinate as written: "-179.12345678901234567"
// and friends fit with room to spare.
const maxCoordLength = 32

// checkBuilt refuses a place that NewPlace did not make (or the file did
// not hold): a Place is valid by construction, so the write path trusts
// the ones that were constructed and validates nothing twice. A literal
// Place{Name: …} has no coordinates as written and cannot slip through.
func checkBuilt(op string, p Place) error {
	if p.Latitude.text == "" || p.Longitude.text == "" || p.Name == "" {
		return &Error{Kind: KindInternal, Op: op, Err: errors.New("the place was not made by store.NewPlace")}
	}
	return nil
}

package store

import (
	"strconv"
	"strings"
)

// Place is one visited place. Build new ones with NewPlace; places read from
// a file keep the exact text they were stored with.
type Place struct {
	// ID names the row the place is stored in: see rowID. It is empty for a
	// place that is not stored yet.
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Latitude  Coord  `json:"latitude"`
	Longitude Coord  `json:"longitude"`
	// Visited is when: one row is one visit, so a place visited twice is
	// two rows with the same name and point. Zero when unknown.
	Visited Visited `json:"visited,omitzero"`
	// Note is free text about the visit (newlines allowed); "" when none.
	Note string `json:"note,omitempty"`
}

// Coord is one coordinate in degrees. It remembers the digits it was written
// with, so a file read and written back is byte-identical and the map shows
// exactly what the traveller typed.
type Coord struct {
	text  string // as stored; "" only for the zero Coord
	value float64
}

// Float returns the coordinate in degrees.
func (c Coord) Float() float64 { return c.value }

// String returns the digits as written (NewPlace normalises input that is not
// a plain decimal, such as "1e2", to "100").
func (c Coord) String() string {
	if c.text == "" {
		return formatCoord(c.value)
	}
	return c.text
}

// MarshalJSON writes the coordinate as a JSON number with the stored digits.
// Text from a hand-edited file that is not valid JSON (" 47.1", "+5") falls
// back to the shortest representation of the value.
func (c Coord) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil), nil }

// AppendJSON is MarshalJSON appending to buf, without allocating when the
// stored digits are a JSON number (GET /places writes 200,000 of them).
func (c Coord) AppendJSON(buf []byte) []byte {
	if isJSONNumber(c.text) {
		return append(buf, c.text...)
	}
	return append(buf, formatCoord(c.value)...)
}

// The shortest exact form of a tiny number such as 5e-324 has hundreds of
// digits; those are rounded to 15 decimals (a few nanometres), which is far
// below what a place means.
func formatCoord(v float64) string {
	if text := strconv.FormatFloat(v, 'f', -1, 64); len(text) <= maxCoordLength {
		return text
	}
	text := strings.TrimRight(strconv.FormatFloat(v, 'f', 15, 64), "0")
	text = strings.TrimSuffix(text, ".")
	if text == "-0" {
		return "0"
	}
	return text
}

// isPlainDecimal matches -?(0|[1-9][0-9]*)(\.[0-9]+)? : text that is already
// both a readable decimal and a valid JSON number, so it can be kept as typed.
func isPlainDecimal(s string) bool {
	i := skipJSONInteger(s)
	if i < 0 {
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != '.' {
		return false
	}
	j := skipDigits(s, i+1)
	return j > i+1 && j == len(s)
}

// isJSONNumber matches the JSON number grammar (RFC 8259 section 6).
func isJSONNumber(s string) bool {
	i := skipJSONInteger(s)
	if i < 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

// skipJSONInteger returns the index after -?(0|[1-9][0-9]*) at the start of s,
// or -1 when s does not start with one.
func skipJSONInteger(s string) int {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		return i + 1
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		return skipDigits(s, i+1)
	}
	return -1
}

func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

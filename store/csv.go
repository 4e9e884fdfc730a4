package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// The places file is CSV (RFC 4180, via encoding/csv) in UTF-8 with exactly
// one of these headers: the talk's three columns, or those and the visit's
// date and note. A file keeps the talk's header (and its bytes) until a
// date or a note is first saved; then the header alone gains the two
// columns, in a change of its own. Rows keep the fields they were written
// with: a row without a date or note has three fields in either file, as
// pandas and GDAL read short rows as empty fields. A UTF-8 byte order mark
// at the start is tolerated on read and left in place on write.
const (
	csvHeader       = "name,latitude,longitude"
	csvHeaderVisits = "name,latitude,longitude,visited,note"
)

var utf8BOM = []byte("\xEF\xBB\xBF")

// Formula neutralisation (CSV injection): spreadsheets run a cell that starts
// with = + - @ TAB or CR as a formula, so a place named "=HYPERLINK(...)"
// could run in the owner's spreadsheet. On write such a name gets a leading
// apostrophe ('), which spreadsheets treat as "this is text". On read one
// leading apostrophe is removed when it is followed by an apostrophe run that
// ends in one of those characters. So that the round trip is exact, a name
// that itself starts with apostrophes followed by one of those characters
// gets one more apostrophe on write: "'=x" is stored as "”=x" and reads back
// as "'=x". Any other name is stored as is.
//
// Many European spreadsheets split CSV on ';' rather than ','. Read that way,
// every ';' inside a name starts a new cell, so "Graz;=1+1" would hand the
// spreadsheet a cell "=1+1". The rule therefore applies to each ';'-separated
// segment of a name, not just to its start: "Graz;=1+1" is stored as
// "Graz;'=1+1". Coordinates need nothing: a number's leading '-' is followed
// by a digit, which spreadsheets read as a number.
func isFormulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// formulaSegmentSeparator is the other delimiter spreadsheets split on.
const formulaSegmentSeparator = ";"

// needsFormulaEscape reports whether segment matches ^'*[=+\-@\t\r].
func needsFormulaEscape(segment string) bool {
	i := 0
	for i < len(segment) && segment[i] == '\'' {
		i++
	}
	return i < len(segment) && isFormulaStart(segment[i])
}

func escapeFormula(name string) string {
	if !strings.Contains(name, formulaSegmentSeparator) {
		return escapeFormulaSegment(name) // the common case allocates nothing
	}
	segments := strings.Split(name, formulaSegmentSeparator)
	for i, seg := range segments {
		segments[i] = escapeFormulaSegment(seg)
	}
	return strings.Join(segments, formulaSegmentSeparator)
}

func escapeFormulaSegment(segment string) string {
	if needsFormulaEscape(segment) {
		return "'" + segment
	}
	return segment
}

// unescapeFormula undoes escapeFormula: in each ';'-separated segment it
// removes one apostrophe from a segment matching ^'+[=+\-@\t\r] and leaves
// anything else unchanged. Escaping never adds or removes a ';', so the
// segments line up.
func unescapeFormula(stored string) string {
	if !strings.Contains(stored, formulaSegmentSeparator) {
		return unescapeFormulaSegment(stored)
	}
	segments := strings.Split(stored, formulaSegmentSeparator)
	for i, seg := range segments {
		segments[i] = unescapeFormulaSegment(seg)
	}
	return strings.Join(segments, formulaSegmentSeparator)
}

func unescapeFormulaSegment(stored string) string {
	if len(stored) > 1 && stored[0] == '\'' && needsFormulaEscape(stored) {
		return stored[1:]
	}
	return stored
}

// decodeCSV parses a places file. An empty file (no bytes, or only a BOM) has
// no places. Duplicate rows are fine: the file is a log of
// additions and hand edits are allowed. Errors name the line.
func decodeCSV(content []byte) ([]Place, error) {
	return scanCSV(content, nil)
}

// scanCSV is decodeCSV that also tells row, when not nil, the byte offset
// (in content) just past each row: what edits need to leave every other
// row's bytes alone (rows.go).
func scanCSV(content []byte, row func(end int)) ([]Place, error) {
	if isEmptyFile(content) {
		return nil, nil
	}
	bom := 0
	if bytes.HasPrefix(content, utf8BOM) {
		bom = len(utf8BOM)
	}
	body := content[bom:]
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1 // 3 in any file; up to 5 under the longer header
	r.ReuseRecord = true   // the strings are fresh per record; only the slice is reused

	rec, err := r.Read()
	header, columns := strings.Join(rec, ","), len(rec) // rec is reused: keep what it said
	if err != nil || (header != csvHeader && header != csvHeaderVisits) {
		return nil, fmt.Errorf("line 1: header must be exactly %q (or %q)", csvHeader, csvHeaderVisits)
	}
	if row != nil {
		row(bom + int(r.InputOffset()))
	}
	places := make([]Place, 0, bytes.Count(body, []byte{'\n'}))
	ids := newRowIDs(cap(places))
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return places, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d: %w", pe.StartLine, pe.Err)
			}
			return nil, err
		}
		if len(rec) < 3 || len(rec) > columns {
			line, _ := r.FieldPos(0)
			want := "3"
			if columns > 3 {
				want = "3 to " + strconv.Itoa(columns)
			}
			return nil, fmt.Errorf("line %d: wrong number of fields: %d, want %s (%s)", line, len(rec), want, header)
		}
		p, err := placeFromRecord(rec)
		if err != nil {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		p.ID = ids.next(rec)
		places = append(places, p)
		if row != nil {
			row(bom + int(r.InputOffset()))
		}
	}
}

// A place's ID is derived from its row as stored: the first 12 hex digits of
// SHA-256 over the three fields as written, so the same file gives the same
// IDs on every instance and after every restart without an id column. Rows
// that are byte-for-byte the same get an occurrence number ("…-2", "…-3") in
// file order. Editing a row gives it a new ID, which is what makes a stale ID
// detectable.
func rowID(rec []string) string {
	h := sha256.New()
	for i, field := range rec {
		if i > 0 {
			h.Write([]byte{0}) // NUL cannot occur in a stored field
		}
		h.Write([]byte(field))
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// rowIDs hands out IDs in file order, numbering repeated rows.
type rowIDs map[string]int

func newRowIDs(capacity int) rowIDs { return make(rowIDs, capacity) }

func (ids rowIDs) next(rec []string) string {
	base := rowID(rec)
	ids[base]++
	return withOccurrence(base, ids[base])
}

func withOccurrence(base string, n int) string {
	if n == 1 {
		return base
	}
	return base + "-" + strconv.Itoa(n)
}

// baseID is id without its occurrence number.
func baseID(id string) string {
	if i := strings.IndexByte(id, '-'); i >= 0 {
		return id[:i]
	}
	return id
}

// countTwins is how many of places are stored as the same row as the one
// with this id.
func countTwins(places []Place, id string) int {
	base, n := baseID(id), 0
	for _, q := range places {
		if baseID(q.ID) == base {
			n++
		}
	}
	return n
}

// placeETag is the entity tag of a place (RFC 9110): its id and how many
// identical rows the file holds. An edit changes the id; deleting one of
// two twins changes the count, so a request retried after it no longer
// matches the twin that took the deleted row's id.
func placeETag(id string, twins int) string {
	return `"` + id + "." + strconv.Itoa(twins) + `"`
}

// nextRowID is the ID a row for p gets when appended after places.
func nextRowID(places []Place, p Place) string {
	base := rowID(placeRecord(p))
	n := 1
	for _, q := range places {
		if q.ID == base || (strings.HasPrefix(q.ID, base) && len(q.ID) > len(base) && q.ID[len(base)] == '-') {
			n++
		}
	}
	return withOccurrence(base, n)
}

// placeFromRecord reads one stored row. It is more lenient than NewPlace
// (the file is the owner's, possibly hand-edited: no length limit, no
// normalisation, spaces around numbers) but still refuses rows the map could
// not show: an empty name, control characters in it, or a coordinate that is
// not a finite number in range.
func placeFromRecord(rec []string) (Place, error) {
	name := unescapeFormula(rec[0])
	if strings.TrimSpace(name) == "" {
		return Place{}, errors.New("name is empty")
	}
	// Control characters (line breaks, tabs, NUL) have no place in a name,
	// and a CR LF inside a quoted field would not even survive encoding/csv
	// (it reads it back as LF).
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return Place{}, fmt.Errorf("name %q contains a control character", name)
	}
	lat, err := parseStoredCoord(rec[1], 90)
	if err != nil {
		return Place{}, fmt.Errorf("latitude: %w", err)
	}
	lon, err := parseStoredCoord(rec[2], 180)
	if err != nil {
		return Place{}, fmt.Errorf("longitude: %w", err)
	}
	p := Place{Name: name, Latitude: lat, Longitude: lon}
	if len(rec) > 3 {
		if p.Visited, err = ParseVisited(rec[3]); err != nil {
			return Place{}, fmt.Errorf("visited: %w", err)
		}
		p.Visited.text = rec[3] // as stored, spaces and all
	}
	if len(rec) > 4 {
		p.Note = unescapeFormula(rec[4])
		if strings.IndexFunc(p.Note, isNoteControl) >= 0 {
			return Place{}, fmt.Errorf("note %.40q contains a control character", p.Note)
		}
	}
	return p, nil
}

// isNoteControl reports the control characters a note cannot hold: all but
// line breaks and tabs.
func isNoteControl(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
}

// parseStoredCoord keeps text verbatim (for byte-identical writes) and
// tolerates surrounding spaces from hand edits like "Graz, 47.1, 15.4".
func parseStoredCoord(text string, limit float64) (Coord, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Coord{}, fmt.Errorf("%q is not a number", text)
	}
	if v < -limit || v > limit {
		return Coord{}, fmt.Errorf("%s is not between %v and %v", text, -limit, limit)
	}
	return Coord{text: text, value: v}, nil
}

// encodeCSV writes a complete file: header and one row per place.
func encodeCSV(places []Place) []byte {
	var buf bytes.Buffer
	buf.Grow(len(csvHeader) + 1 + 48*len(places))
	w := csv.NewWriter(&buf)
	_ = w.Write(strings.Split(headerFor(places), ",")) // writes to a bytes.Buffer cannot fail
	for _, p := range places {
		_ = w.Write(placeRecord(p))
	}
	w.Flush()
	return buf.Bytes()
}

// headerFor is the header a new file of places needs: the talk's, unless
// a place has a date or a note.
func headerFor(places []Place) string {
	for _, p := range places {
		if p.hasVisit() {
			return csvHeaderVisits
		}
	}
	return csvHeader
}

func (p Place) hasVisit() bool { return !p.Visited.IsZero() || p.Note != "" }

// placeRecord is p's fields as stored: three, and the date and note when
// it has them (a row ends at its last field with something in it).
func placeRecord(p Place) []string {
	rec := []string{escapeFormula(p.Name), p.Latitude.String(), p.Longitude.String()}
	if p.hasVisit() {
		rec = append(rec, p.Visited.String())
	}
	if p.Note != "" {
		rec = append(rec, escapeFormula(p.Note))
	}
	return rec
}

// fileColumns is how many columns the file's header names: 0 for an empty
// file, 3 or 5 (a header is never split over lines).
func fileColumns(content []byte) int {
	body := bytes.TrimPrefix(content, utf8BOM)
	if len(body) == 0 {
		return 0
	}
	line, _, _ := bytes.Cut(body, []byte("\n"))
	if string(bytes.TrimSuffix(line, []byte("\r"))) == csvHeaderVisits {
		return 5
	}
	return 3
}

// appendCSV returns a new slice holding content followed by one row for p:
// the write is append-only, so every existing byte stays where it was. A
// missing final newline is completed first; the row uses the file's line ending
// (CRLF when the first line ends in CRLF). An empty file gets the header.
// content is never modified, so snapshots sharing it stay intact.
func appendCSV(content []byte, p Place) []byte {
	return appendCSVRows(content, []Place{p})
}

// appendCSVRows is appendCSV for many places at once: the file is copied
// once, not once per place.
func appendCSVRows(content []byte, places []Place) []byte {
	crlf := usesCRLF(content)
	var row bytes.Buffer
	w := csv.NewWriter(&row)
	w.UseCRLF = crlf
	if isEmptyFile(content) {
		_ = w.Write(strings.Split(headerFor(places), ","))
	}
	for _, p := range places {
		_ = w.Write(placeRecord(p))
	}
	w.Flush()

	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	out := make([]byte, 0, len(content)+len(eol)+row.Len())
	out = append(out, content...)
	switch {
	case len(out) == 0 || out[len(out)-1] == '\n':
	case out[len(out)-1] == '\r':
		// A cut-off CRLF: complete it. Adding a whole CRLF would turn the
		// last value's "2\r" (read as "2" at the end of the file) into a
		// "2\r" that stays, changing what the existing row says.
		out = append(out, '\n')
	default:
		out = append(out, eol...)
	}
	return append(out, row.Bytes()...)
}

func usesCRLF(content []byte) bool {
	i := bytes.IndexByte(content, '\n')
	return i > 0 && content[i-1] == '\r'
}

func isEmptyFile(content []byte) bool { return len(bytes.TrimPrefix(content, utf8BOM)) == 0 }

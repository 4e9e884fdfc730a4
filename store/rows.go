package store

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
)

// Edits, deletions and undos change some rows and must leave every other
// byte of the file where it was: the file is the owner's, and a hand-made
// quirk (quotes, spaces, a missing final newline) is not ours to tidy. So
// they work on rows as byte ranges of the content rather than re-encoding
// the file.

// fileRows is a places file with the byte range of each row.
type fileRows struct {
	content []byte
	places  []Place
	starts  []int // row i is content[starts[i]:ends[i]], its line ending included
	ends    []int
	crlf    bool
}

// parseRows reads content as decodeCSV does, remembering where each row is.
func parseRows(content []byte) (*fileRows, error) {
	f := &fileRows{content: content, crlf: usesCRLF(content)}
	prev := -1 // the end of the header, then of each row
	places, err := scanCSV(content, func(end int) {
		if prev >= 0 {
			f.starts = append(f.starts, skipBlankLines(content, prev, end))
			f.ends = append(f.ends, end)
		}
		prev = end
	})
	if err != nil {
		return nil, err
	}
	f.places = places
	return f, nil
}

// skipBlankLines moves start past the empty lines encoding/csv skips, so
// they stay where they are rather than travelling with the next row.
func skipBlankLines(content []byte, start, end int) int {
	for start < end {
		switch {
		case content[start] == '\n':
			start++
		case content[start] == '\r' && start+1 < end && content[start+1] == '\n':
			start += 2
		default:
			return start
		}
	}
	return start
}

// row is row i's text without its line ending.
func (f *fileRows) row(i int) string {
	return string(trimEOL(f.content[f.starts[i]:f.ends[i]]))
}

// twins is how many rows are byte-for-byte the row with this id (1 for a
// row without a twin).
func (f *fileRows) twins(id string) int {
	return countTwins(f.places, id)
}

func (f *fileRows) index(id string) int {
	for i, p := range f.places {
		if p.ID == id {
			return i
		}
	}
	return -1
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

func (f *fileRows) eol() string {
	if f.crlf {
		return "\r\n"
	}
	return "\n"
}

// splice returns the content with rows [at, at+n) replaced by rows (each
// the text of one row, without a line ending). Everything else keeps its
// bytes. A file that ended without a final newline still does when its
// last row is replaced; rows inserted after such a row get one between.
// (Deleting that last row leaves the newline before it in place.)
func (f *fileRows) splice(at, n int, rows []string) []byte {
	eol := f.eol()
	var from, to int
	switch {
	case len(f.starts) == 0:
		from, to = len(f.content), len(f.content)
	case at < len(f.starts):
		from, to = f.starts[at], f.starts[at]
		if n > 0 {
			to = f.ends[at+n-1]
		}
	default:
		from, to = f.ends[len(f.ends)-1], f.ends[len(f.ends)-1]
	}
	var out bytes.Buffer
	out.Grow(len(f.content) + 64*len(rows))
	out.Write(f.content[:from])
	if isEmptyFile(f.content) {
		out.WriteString(headerOfRows(rows) + eol)
	} else if from > 0 && f.content[from-1] != '\n' {
		// Appending after a last row that has no line ending.
		out.WriteString(eol)
	}
	noFinalEOL := to == len(f.content) && to > from && f.content[to-1] != '\n'
	for i, r := range rows {
		out.WriteString(r)
		if i < len(rows)-1 || !noFinalEOL {
			out.WriteString(eol)
		}
	}
	out.Write(f.content[to:])
	return out.Bytes()
}

// encodeRow is p as one stored row, without a line ending.
func encodeRow(p Place) string {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(placeRecord(p)) // writes to a bytes.Buffer cannot fail
	w.Flush()
	return string(trimEOL(buf.Bytes()))
}

// editRow is row with the fields whose text differs between old and edited
// replaced, each encoded on its own; the other fields keep their bytes (a
// rename keeps "  25.0330" as it was written, quotes and spaces included).
// A date or note set for the first time adds fields; cleared, they go.
func editRow(row string, old, edited Place) string {
	r := csv.NewReader(strings.NewReader(row))
	r.FieldsPerRecord = -1
	stored, err := r.Read()
	if err != nil {
		return encodeRow(edited)
	}
	starts := make([]int, len(stored)+1)
	for i := range stored {
		_, col := r.FieldPos(i)
		starts[i] = col - 1
	}
	starts[len(stored)] = len(row) + 1 // as if a comma followed the last field
	oldRec, newRec := placeRecord(old), placeRecord(edited)
	var b strings.Builder
	for i := range newRec {
		if i > 0 {
			b.WriteByte(',')
		}
		if i < len(oldRec) && i < len(stored) && oldRec[i] == newRec[i] {
			b.WriteString(row[starts[i] : starts[i+1]-1])
		} else {
			b.WriteString(encodeField(newRec[i]))
		}
	}
	return b.String()
}

// encodeField is one CSV field as encoding/csv writes it.
func encodeField(field string) string {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{field}) // writes to a bytes.Buffer cannot fail
	w.Flush()
	return string(trimEOL(buf.Bytes()))
}

// placeFromRow reads one row's text back into a place (without an ID).
func placeFromRow(row string) (Place, error) {
	r := csv.NewReader(strings.NewReader(row))
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err == nil && (len(rec) < 3 || len(rec) > 5) {
		err = fmt.Errorf("a row has %d fields", len(rec))
	}
	if err != nil {
		return Place{}, err
	}
	p, err := placeFromRecord(rec)
	if err != nil {
		return Place{}, err
	}
	p.ID = rowID(rec)
	return p, nil
}

// rowDiff is what one change did to the rows: at row At of the file before
// it, the rows Before were replaced by the rows After. Anchor is the row
// just before At (empty at the top), so an undo can find the spot again
// after other rows have come and gone.
type rowDiff struct {
	At     int      `json:"at"`
	Before []string `json:"before"`
	After  []string `json:"after"`
	Anchor string   `json:"anchor,omitempty"`
	// Header is the header line before and after, when the change gave
	// the file its visited and note columns (no row changes then).
	Header []string `json:"header,omitempty"`
}

// diffRows is the smallest single run of rows that turns before into
// after: the common leading and trailing rows are left out. A change made
// by whib touches one run (an edit, a delete, appended rows), so this is
// exact for them; a hand edit touching rows far apart shows as one run
// with the untouched rows between inside it.
func diffRows(before, after *fileRows) rowDiff {
	nb, na := len(before.places), len(after.places)
	p := 0
	for p < nb && p < na && before.row(p) == after.row(p) {
		p++
	}
	s := 0
	for s < nb-p && s < na-p && before.row(nb-1-s) == after.row(na-1-s) {
		s++
	}
	d := rowDiff{At: p}
	for i := p; i < nb-s; i++ {
		d.Before = append(d.Before, before.row(i))
	}
	for i := p; i < na-s; i++ {
		d.After = append(d.After, after.row(i))
	}
	if p > 0 {
		d.Anchor = before.row(p - 1)
	}
	if hb, ha := fileColumns(before.content), fileColumns(after.content); hb != ha && hb > 0 && ha > 0 {
		d.Header = []string{headerOf(hb), headerOf(ha)}
	}
	return d
}

func headerOf(columns int) string {
	if columns == 5 {
		return csvHeaderVisits
	}
	return csvHeader
}

// inverse is the change that undoes d on the file as it is now (cur): the
// rows d added, found again as one run nearest to where d put them, are
// replaced by the rows d removed. When a row d added is no longer there
// (edited or deleted since), the undo clashes and names that place.
func (d rowDiff) inverse(cur *fileRows) (at, n int, rows []string, err error) {
	if len(d.After) == 0 {
		return d.insertionPoint(cur), 0, d.Before, nil
	}
	best := -1
	for k := 0; k+len(d.After) <= len(cur.places); k++ {
		if matchesAt(cur, k, d.After) && (best < 0 || absInt(k-d.At) < absInt(best-d.At)) {
			best = k
		}
	}
	if best < 0 {
		return 0, 0, nil, d.missing(cur)
	}
	return best, len(d.After), d.Before, nil
}

func matchesAt(cur *fileRows, k int, rows []string) bool {
	for j, r := range rows {
		if cur.row(k+j) != r {
			return false
		}
	}
	return true
}

// insertionPoint is where rows removed by d go back: after their anchor
// row when it is still there, else at the same row number.
func (d rowDiff) insertionPoint(cur *fileRows) int {
	if d.At == 0 || d.Anchor == "" {
		return 0
	}
	best := -1
	for k := range cur.places {
		if cur.row(k) == d.Anchor && (best < 0 || absInt(k-(d.At-1)) < absInt(best-(d.At-1))) {
			best = k
		}
	}
	if best >= 0 {
		return best + 1
	}
	return min(d.At, len(cur.places))
}

// missing is the clash error naming the first place d added that is gone.
func (d rowDiff) missing(cur *fileRows) error {
	present := make(map[string]bool, len(cur.places))
	for k := range cur.places {
		present[cur.row(k)] = true
	}
	for _, r := range d.After {
		if !present[r] {
			name := r
			if p, err := placeFromRow(r); err == nil {
				name = p.Name
			}
			return &Error{Kind: KindConflict, Op: "undo", Place: name,
				Err: fmt.Errorf("%s has been changed or deleted since, so this change cannot be undone", name)}
		}
	}
	return &Error{Kind: KindConflict, Op: "undo",
		Err: errors.New("the places this change made have been moved around since, so it cannot be undone")}
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// headerOfRows is the header a new file holding these rows needs.
func headerOfRows(rows []string) string {
	for _, r := range rows {
		if p, err := placeFromRow(r); err == nil && p.hasVisit() {
			return csvHeaderVisits
		}
	}
	return csvHeader
}

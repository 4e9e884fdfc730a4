package formats

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/whib/whib/store"
)

// Report is what an import answers, in the shape handlers send as JSON.
type Report struct {
	Added      int       `json:"added"`      // places in Plan.Add
	Duplicates int       `json:"duplicates"` // already on the map, or earlier in the file (store.Place.SameAs)
	Near       int       `json:"near"`       // held back: same name as a place within store.NearRadiusMeters
	Invalid    []Invalid `json:"invalid"`    // never null, so clients can loop without a check
	Skipped    Skipped   `json:"skipped"`
	// Change identifies the store change that added the places, so the
	// person can undo the import. Classify leaves it empty; the caller sets
	// it once the store has committed.
	Change string `json:"change"`
}

// Invalid is a row store.Input.Place refused, with what was read and the
// reasons, for a person. A row missing only its name shows its point, so
// the preview can let the person name it in place; a row without a point
// says so (NeedsPoint) with the gazetteer's candidates, if any.
type Invalid struct {
	Row        int         `json:"row"`
	File       string      `json:"file,omitempty"` // the archive entry, for a zip
	Name       string      `json:"name"`
	Reason     string      `json:"reason"`
	Latitude   string      `json:"latitude,omitempty"`
	Longitude  string      `json:"longitude,omitempty"`
	Visited    string      `json:"visited,omitempty"`
	Read       string      `json:"read,omitempty"` // the spreadsheet line as written
	NeedsPoint bool        `json:"needs_point,omitempty"`
	Candidates []Candidate `json:"candidates,omitempty"`
}

// Plan is what Classify decided: the places to add and the report to show.
type Plan struct {
	Add []store.Place // valid, new, in file order, as store.Input.Place returned them
	// Near holds back places with the same name as one within
	// store.NearRadiusMeters: most are the same place geocoded twice, and a pin
	// moved a few hundred metres is easier to add again than to find and
	// delete. A caller that wants them anyway appends them to Add.
	Near []store.Place
	// AddRows and NearRows are the rows Add and Near came from, index for
	// index: where each is in the file, and its date and note when Classify
	// (not ClassifyVisits) left them out of the place.
	AddRows  []Row
	NearRows []Row
	// DuplicateRows are the rows already on the map or earlier in the
	// file, for the preview to list (collapsed) rather than only count.
	DuplicateRows []Row
	Report        Report
}

// Classify validates every row, its date and note included, with
// store.Input.Place and sorts the valid ones against known (the current
// snapshot's index) and the rows before them, by the store's rules
// (store.Index): the same place is a duplicate, the same name within
// store.NearRadiusMeters elsewhere is held back. The places in Plan.Add
// and Plan.Near are name and point only, as imports have written until
// now: each row's date and note are in Plan.AddRows and Plan.NearRows, and
// visits to one place count as duplicates. ClassifyVisits keeps them. It
// does no I/O: the caller adds Plan.Add to the store and sets
// Report.Change. known may be nil (an empty map).
func Classify(imp Import, known *store.Index) Plan {
	return classify(imp, known, false)
}

// ClassifyVisits is Classify with each row a visit (issue 20): the places
// carry their Visited and Note, a stay at a place already on the map is
// new, and only the same visit (name, point and date) is a duplicate. It is
// what an import calls once it writes dates: the store then adds the
// visited and note columns to a file that lacks them, in a commit of its
// own before the import's.
func ClassifyVisits(imp Import, known *store.Index) Plan {
	return classify(imp, known, true)
}

func classify(imp Import, known *store.Index, visits bool) Plan {
	if known == nil {
		known = store.NewIndex(nil)
	}
	taken := store.NewIndex(nil) // the rows classified so far
	plan := Plan{Report: Report{Invalid: []Invalid{}, Skipped: imp.Skipped}}
	for _, row := range imp.Rows {
		place, err := store.Input{Name: row.Name, Latitude: row.Latitude, Longitude: row.Longitude, Visited: row.Visited, Note: row.Note}.Place()
		if err != nil {
			plan.Report.Invalid = append(plan.Report.Invalid, invalidRow(row, err))
			continue
		}
		if !visits {
			place.Visited, place.Note = store.Visited{}, ""
		}
		plan.take(row, place, known, taken)
		taken.Add(place)
	}
	plan.Report.Added = len(plan.Add)
	return plan
}

// take sorts one valid row into the plan.
func (plan *Plan) take(row Row, place store.Place, known, taken *store.Index) {
	switch {
	case isSame(known, place) || isSame(taken, place):
		plan.Report.Duplicates++
		plan.DuplicateRows = append(plan.DuplicateRows, row)
	case isNear(known, place) || isNear(taken, place):
		plan.Report.Near++
		plan.Near = append(plan.Near, place)
		plan.NearRows = append(plan.NearRows, row)
	default:
		plan.Add = append(plan.Add, place)
		plan.AddRows = append(plan.AddRows, row)
	}
}

func invalidRow(row Row, err error) Invalid {
	return Invalid{
		Row: row.Index, File: row.File, Name: displayName(row.Name), Reason: reasons(row, err),
		Latitude: displayName(row.Latitude), Longitude: displayName(row.Longitude), Visited: displayName(row.Visited),
		Read: displayName(row.Read), NeedsPoint: row.NeedsPoint(), Candidates: row.Candidates,
	}
}

func isSame(ix *store.Index, p store.Place) bool {
	_, ok := ix.Same(p)
	return ok
}

func isNear(ix *store.Index, p store.Place) bool {
	_, _, ok := ix.Near(p)
	return ok
}

// reasons joins store's per-field messages as a person reads a row, left
// to right: name, point, date, note. A row without a point says that once,
// not that each coordinate is required; a date says what was read.
func reasons(row Row, err error) string {
	var invalid *store.Error
	if !errors.As(err, &invalid) || len(invalid.Fields) == 0 {
		return err.Error()
	}
	var parts []string
	for _, field := range []string{"name", "latitude", "longitude", "visited", "note"} {
		msg, ok := invalid.Fields[field]
		switch {
		case !ok:
		case (field == "latitude" || field == "longitude") && row.NeedsPoint():
			if field == "latitude" {
				parts = append(parts, needsPointReason(row))
			}
		case field == "visited":
			parts = append(parts, fmt.Sprintf("The date %q cannot be read: %s", displayName(row.Visited), msg))
		default:
			parts = append(parts, msg)
		}
	}
	return strings.Join(parts, " ")
}

func needsPointReason(row Row) string {
	switch {
	case len(row.Candidates) > 1:
		return fmt.Sprintf("The file has no coordinates for it, and %d places match its name: choose one.", len(row.Candidates))
	}
	return "The file has no coordinates for it: put it on the map."
}

// displayName shortens a refused name for the report: the row number finds
// it, and a 5 MB "name" should not come back in the answer.
func displayName(name string) string {
	const maxRunes = 100
	name = strings.ToValidUTF8(name, "\uFFFD")
	if utf8.RuneCountInString(name) <= maxRunes {
		return name
	}
	runes := []rune(name)
	return string(runes[:maxRunes]) + "…"
}

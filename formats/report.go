package formats

import (
	"errors"
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

// Invalid is a row store.NewPlace refused, with its reasons for a person.
type Invalid struct {
	Row    int    `json:"row"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Plan is what Classify decided: the places to add and the report to show.
type Plan struct {
	Add []store.Place // valid, new, in file order, as store.NewPlace returned them
	// Near holds back places with the same name as one within
	// store.NearRadiusMeters: most are the same place geocoded twice, and a pin
	// moved a few hundred metres is easier to add again than to find and
	// delete. A caller that wants them anyway appends them to Add.
	Near   []store.Place
	Report Report
}

// Classify validates every row with store.NewPlace and sorts the valid
// ones against known (the current snapshot's index) and the rows before
// them, by the store's rules (store.Index): the same visit is a duplicate,
// the same name within store.NearRadiusMeters elsewhere is held back. It
// does no I/O: the caller adds Plan.Add to the store and sets
// Report.Change. known may be nil (an empty map).
func Classify(imp Import, known *store.Index) Plan {
	if known == nil {
		known = store.NewIndex(nil)
	}
	taken := store.NewIndex(nil) // the rows classified so far
	plan := Plan{Report: Report{Invalid: []Invalid{}, Skipped: imp.Skipped}}
	for _, row := range imp.Rows {
		place, err := store.NewPlace(row.Name, row.Latitude, row.Longitude)
		if err != nil {
			plan.Report.Invalid = append(plan.Report.Invalid, Invalid{Row: row.Index, Name: displayName(row.Name), Reason: reasons(err)})
			continue
		}
		switch {
		case isSame(known, place) || isSame(taken, place):
			plan.Report.Duplicates++
		case isNear(known, place) || isNear(taken, place):
			plan.Report.Near++
			plan.Near = append(plan.Near, place)
		default:
			plan.Add = append(plan.Add, place)
		}
		taken.Add(place)
	}
	plan.Report.Added = len(plan.Add)
	return plan
}

func isSame(ix *store.Index, p store.Place) bool {
	_, ok := ix.Same(p)
	return ok
}

func isNear(ix *store.Index, p store.Place) bool {
	_, _, ok := ix.Near(p)
	return ok
}

// reasons joins store's per-field messages, name first, as a person reads
// a row left to right.
func reasons(err error) string {
	var invalid *store.Error
	if !errors.As(err, &invalid) || len(invalid.Fields) == 0 {
		return err.Error()
	}
	var parts []string
	for _, field := range []string{"name", "latitude", "longitude"} {
		if msg, ok := invalid.Fields[field]; ok {
			parts = append(parts, msg)
		}
	}
	return strings.Join(parts, " ")
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

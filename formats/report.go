package formats

import (
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/store"
)

// Report is what an import answers, in the shape handlers send as JSON.
type Report struct {
	Added      int       `json:"added"`      // places in Plan.Add
	Duplicates int       `json:"duplicates"` // already on the map, or earlier in the file (store.Place.SameAs)
	Near       int       `json:"near"`       // held back: same name as a place within NearDistanceKm
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
	// NearDistanceKm: most are the same place geocoded twice, and a pin
	// moved a few hundred metres is easier to add again than to find and
	// delete. A caller that wants them anyway appends them to Add.
	Near   []store.Place
	Report Report
}

// NearDistanceKm is how far apart two places with the same name may be and
// still count as probably one place.
const NearDistanceKm = 1.0

// Classify validates every row with store.NewPlace and sorts the valid
// ones against existing (the current snapshot) and the rows before them.
// It does no I/O: the caller adds Plan.Add to the store and sets
// Report.Change.
func Classify(imp Import, existing []store.Place) Plan {
	known := newPlaceIndex(existing)
	plan := Plan{Report: Report{Invalid: []Invalid{}, Skipped: imp.Skipped}}
	for _, row := range imp.Rows {
		place, err := store.NewPlace(row.Name, row.Latitude, row.Longitude)
		if err != nil {
			plan.Report.Invalid = append(plan.Report.Invalid, Invalid{Row: row.Index, Name: displayName(row.Name), Reason: reasons(err)})
			continue
		}
		key := known.key(place.Name)
		switch known.match(key, place) {
		case matchSame:
			plan.Report.Duplicates++
		case matchNear:
			plan.Report.Near++
			plan.Near = append(plan.Near, place)
		default:
			plan.Add = append(plan.Add, place)
		}
		known.add(key, place)
	}
	plan.Report.Added = len(plan.Add)
	return plan
}

// placeIndex groups places by folded name: a duplicate or a near place has
// the same name, so each row is compared with a handful of places instead
// of the whole map (10,000 rows against 10,000 places would be 10⁸ checks).
type placeIndex struct {
	fold   cases.Caser // not safe for concurrent use, hence one per Classify
	byName map[string][]store.Place
}

type match int

const (
	matchNone match = iota
	matchSame
	matchNear
)

func newPlaceIndex(places []store.Place) *placeIndex {
	idx := &placeIndex{fold: cases.Fold(), byName: make(map[string][]store.Place, len(places))}
	for _, p := range places {
		idx.add(idx.key(p.Name), p)
	}
	return idx
}

// key folds a name the way store.Place.SameAs compares names, or coarser.
// Most names are ASCII, where folding is lower-casing; skipping the
// Unicode machinery for them halves the time of a 10,000-row import.
func (idx *placeIndex) key(name string) string {
	collapsed := strings.Join(strings.Fields(name), " ")
	if isASCII(collapsed) {
		return strings.ToLower(collapsed)
	}
	return idx.fold.String(norm.NFC.String(collapsed))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (idx *placeIndex) add(key string, p store.Place) {
	idx.byName[key] = append(idx.byName[key], p)
}

func (idx *placeIndex) match(key string, p store.Place) match {
	found := matchNone
	for _, other := range idx.byName[key] {
		if p.SameAs(other) {
			return matchSame
		}
		if distanceKm(p, other) <= NearDistanceKm {
			found = matchNear
		}
	}
	return found
}

// distanceKm is the great-circle distance, as a single add measures it
// (geo.DistanceMeters), so an import and the form agree on what is near.
func distanceKm(a, b store.Place) float64 {
	return geo.DistanceMeters(a.Latitude.Float(), a.Longitude.Float(), b.Latitude.Float(), b.Longitude.Float()) / 1000
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

package store

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// Snapshot is the list of places at one version of the stored file.
// Places and Content are shared between snapshots: treat them as read-only.
type Snapshot struct {
	Places   []Place
	Version  string    // file backend: sha256 of content (hex); github: blob SHA
	Content  []byte    // the CSV exactly as stored (served by GET /places.csv)
	LoadedAt time.Time // when this state was last confirmed current
}

// Author says who added a place: a person's name/email or a machine client id.
type Author struct{ Name, Email string }

// AddResult is the outcome of Store.Add.
type AddResult struct {
	Snapshot Snapshot // state after the add (or the state that already had it)
	Place    Place    // the place as stored
	Added    bool     // false: the same place was already there; nothing written
}

// Store is where the places file lives. Implementations are safe for
// concurrent use.
type Store interface {
	// Load returns the current places.
	Load(ctx context.Context) (Snapshot, error)
	// Add appends p unless a place that is SameAs p is already stored. It
	// never rewrites, reorders or drops existing rows, and it does not
	// overwrite a concurrent writer's change (compare-and-swap with retries).
	Add(ctx context.Context, p Place, by Author) (AddResult, error)
	// Edit changes the place with this id; fields not set keep their
	// bytes. Every other row stays byte-identical and in its place.
	Edit(ctx context.Context, id string, e Edit, by Author) (ChangeResult, error)
	// AddMany appends the places that are not stored yet, as one change.
	AddMany(ctx context.Context, places []Place, summary string, by Author) (ChangeResult, error)
	// Delete removes the place with this id.
	Delete(ctx context.Context, id string, by Author) (ChangeResult, error)
	// Undo applies the inverse of a change in the history as a new change.
	Undo(ctx context.Context, changeID string, by Author) (ChangeResult, error)
	// History lists the changes to the file, newest first, by page from 1.
	History(ctx context.Context, page int) (HistoryPage, error)
	// Change is one change of the history.
	Change(ctx context.Context, id string) (Change, error)
	// String describes the store for logs, e.g. "file data/places.csv".
	String() string
}

// findSame returns the stored place that is the same as p, if any.
func findSame(places []Place, p Place) (Place, bool) {
	for _, q := range places {
		if q.SameAs(p) {
			return q, true
		}
	}
	return Place{}, false
}

// withPlace returns places plus p, appended as a new row, in a new backing
// array, so a snapshot that shares the old slice never sees the new element
// appear or change.
func withPlace(places []Place, p Place) []Place {
	p.ID = nextRowID(places, p)
	return append(places[:len(places):len(places)], p)
}

// oneLine keeps a free-text value (a profile name) to one tidy line.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) || isLineSeparator(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

package store

import (
	"context"
	"strings"
	"sync"
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

	index *sharedIndex // built on first use, shared by the copies of one state
}

// newSnapshot is the snapshot of places read from content.
func newSnapshot(places []Place, version string, content []byte, loadedAt time.Time) Snapshot {
	return Snapshot{Places: places, Version: version, Content: content, LoadedAt: loadedAt, index: &sharedIndex{}}
}

// NewSnapshot is a snapshot of places that is not the stored file (the
// public part of a map): Content is the places encoded as a places file.
func NewSnapshot(places []Place, version string, loadedAt time.Time) Snapshot {
	return newSnapshot(places, version, encodeCSV(places), loadedAt)
}

// sharedIndex is what is worked out once, on first use, for one snapshot:
// its place index, and where each id is.
type sharedIndex struct {
	once sync.Once
	ix   *Index

	idsOnce sync.Once
	byID    map[string]int
	twins   map[string]int // rows stored more than once: base id → count

	placesOnce sync.Once
	byPlace    [][]int
}

func (s Snapshot) ids() *sharedIndex {
	shared := s.index
	if shared == nil {
		shared = &sharedIndex{}
	}
	shared.idsOnce.Do(func() {
		shared.byID = make(map[string]int, len(s.Places))
		shared.twins = map[string]int{}
		for i, p := range s.Places {
			shared.byID[p.ID] = i
			if base := baseID(p.ID); base != p.ID {
				shared.twins[base] = max(shared.twins[base], 1) + 1
			}
		}
	})
	return shared
}

// Place is the place with this id in the snapshot.
func (s Snapshot) Place(id string) (Place, bool) {
	i, ok := s.ids().byID[id]
	if !ok {
		return Place{}, false
	}
	return s.Places[i], true
}

// ETag is the entity tag of p as stored in this snapshot (RFC 9110): what
// a client sends back in If-Match to change or delete exactly that place.
func (s Snapshot) ETag(p Place) string {
	n := s.ids().twins[baseID(p.ID)]
	return placeETag(p.ID, max(n, 1))
}

// Index is the place index of the snapshot: which place is the same as a
// new one, which has its name nearby. It is built on first use and shared
// by every copy of the snapshot; do not Add to it.
func (s Snapshot) Index() *Index {
	if s.index == nil {
		return NewIndex(s.Places)
	}
	s.index.once.Do(func() { s.index.ix = NewIndex(s.Places) })
	return s.index.ix
}

// ByPlace is the snapshot's rows grouped by place (see GroupVisits):
// worked out on first use and shared by every copy of the snapshot. Treat
// it as read-only.
func (s Snapshot) ByPlace() [][]int {
	if s.index == nil {
		return GroupVisits(s.Places)
	}
	s.index.placesOnce.Do(func() { s.index.byPlace = GroupVisits(s.Places) })
	return s.index.byPlace
}

// Author says who made a change: a person's name/email or a machine client id.
type Author struct{ Name, Email string }

// AddResult is the outcome of an add.
type AddResult struct {
	Snapshot Snapshot // state after the add (or the state that already had it)
	Place    Place    // the place as stored
	Added    bool     // false: the same place was already there; nothing written
	// Visits is how many other visits of the place (same name and point,
	// another date) were stored already: the add was one more visit.
	Visits int
	// Change is the change written, which an undo takes back; its ID is
	// "" when nothing was written.
	Change Change
}

// Backend is where the places file lives: a local file, a GitHub
// repository, or memory (tests). Backends do I/O only: read the file, write
// a planned change with compare-and-swap, and read the history. What each
// change does to the rows (add, edit, delete, import, undo) is written once,
// in Live, over any backend. Implementations are safe for concurrent use.
type Backend interface {
	// Load returns the places as stored now.
	Load(ctx context.Context) (Snapshot, error)
	// History lists the changes to the file, newest first, by page from 1.
	History(ctx context.Context, page int) (HistoryPage, error)
	// Change is one change of the history.
	Change(ctx context.Context, id string) (Change, error)
	// String describes the backend for logs, e.g. "file data/places.csv".
	String() string

	// undoneBy is the change after c in the history that undid it; its ID
	// is "" when none did.
	undoneBy(ctx context.Context, c Change) (Change, error)
	// write works plan out on the file as stored now and writes the
	// result, only if the file is still what plan read (compare-and-swap),
	// re-planning on the newer file when another writer was first. It
	// records the change in the history and answers with the new state.
	write(ctx context.Context, op string, plan planFunc) (mutation, Snapshot, error)
}

// withPlace returns places plus p, appended as a new row, in a new backing
// array, so a snapshot that shares the old slice never sees the new element
// appear or change. The array is exactly as long: append's room to grow
// would be 4 MB at 100,000 places, kept by a snapshot that never grows.
func withPlace(places []Place, p Place) []Place {
	p.ID = nextRowID(places, p)
	out := make([]Place, len(places)+1)
	copy(out, places)
	out[len(places)] = p
	return out
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

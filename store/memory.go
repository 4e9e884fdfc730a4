package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MemoryStore keeps the places file in memory: for tests of the parts above
// the store (handlers, tools), which then run on the same write operations
// as a deployment without a disk or a GitHub server. Its history lives as
// long as the value.
type MemoryStore struct {
	mu      sync.Mutex
	snap    Snapshot
	changes []Change // oldest first
	now     func() time.Time
}

// NewMemoryStore holds content, a places file (the default places when
// nil). It panics on content that is not a places file: a test's mistake.
func NewMemoryStore(content []byte) *MemoryStore {
	if content == nil {
		content = defaultPlaces
	}
	places, err := decodeCSV(content)
	if err != nil {
		panic(fmt.Sprintf("store: NewMemoryStore: %v", err))
	}
	return &MemoryStore{snap: newSnapshot(places, contentVersion(content), content, time.Now()), now: time.Now}
}

func (s *MemoryStore) String() string { return "memory" }

// Load returns the places as held now.
func (s *MemoryStore) Load(ctx context.Context) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, wrapErr("memory: load", KindUnavailable, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap.LoadedAt = s.now()
	return s.snap, nil
}

func (s *MemoryStore) write(ctx context.Context, op string, plan planFunc) (mutation, Snapshot, error) {
	op = "memory: " + op
	if err := ctx.Err(); err != nil {
		return mutation{}, Snapshot{}, wrapErr(op, KindUnavailable, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := plan(baseOf(s.snap))
	if err != nil || m.noop {
		return m, s.snap, wrapNil(op, err)
	}
	places := m.places
	if places == nil {
		if places, err = decodeCSV(m.content); err != nil {
			return mutation{}, Snapshot{}, &Error{Kind: KindInternal, Op: op, Err: err}
		}
	}
	m.change.ID = fmt.Sprintf("mem-%d", len(s.changes)+1)
	m.change.At = s.now().UTC()
	s.changes = append(s.changes, m.change)
	s.snap = newSnapshot(places, contentVersion(m.content), m.content, s.now())
	return m, s.snap, nil
}

// wrapNil is wrapErr that keeps a nil error nil.
func wrapNil(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrapErr(op, KindInternal, err)
}

// History lists the changes made since NewMemoryStore, newest first.
func (s *MemoryStore) History(ctx context.Context, page int) (HistoryPage, error) {
	s.mu.Lock()
	newest := slices.Clone(s.changes)
	s.mu.Unlock()
	slices.Reverse(newest)
	out := pageOf(markUndone(newest), page)
	for i, c := range out.Changes {
		out.Changes[i] = capRows(c, maxRowsInPage)
	}
	return out, nil
}

func (s *MemoryStore) undoneBy(ctx context.Context, c Change) (Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return findUndo(s.changes, c.ID), nil
}

// Change is the change with this id.
func (s *MemoryStore) Change(ctx context.Context, id string) (Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.changes {
		if c.ID == id {
			if undo := findUndo(s.changes, id); undo.ID != "" {
				c = markUndoneFrom(map[string]string{id: undo.ID}, []Change{c})[0]
			}
			return c, nil
		}
	}
	return Change{}, unknownChange(id)
}

// pageOf is page n (from 1) of changes, newest first.
func pageOf(changes []Change, page int) HistoryPage {
	page = max(page, 1)
	from := min((page-1)*historyPageSize, len(changes))
	to := min(from+historyPageSize, len(changes))
	out := HistoryPage{Changes: changes[from:to]}
	if to < len(changes) {
		out.Next = page + 1
	}
	return out
}

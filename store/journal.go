package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"
)

// The file backend keeps its history in a journal beside the file
// (places.csv.journal): one JSON line per change, appended and fsynced
// under the same lock as the file, never rewritten. Beside it,
// places.csv.journal-base holds the file as whib last wrote it, so a hand
// edit since then shows as one "outside" change: the difference between
// the two.

// journalEntry is one line of the journal.
type journalEntry struct {
	ID      string     `json:"id"`
	Kind    ChangeKind `json:"kind"`
	At      time.Time  `json:"at"`
	By      string     `json:"by,omitempty"`
	Summary string     `json:"summary"`
	Undoes  string     `json:"undoes,omitempty"`
	CanUndo bool       `json:"can_undo"`
	Diff    rowDiff    `json:"diff"`
}

// header is the entry as a change without its rows read.
func (e journalEntry) header() Change {
	return Change{ID: e.ID, Kind: e.Kind, At: e.At, By: e.By, Summary: e.Summary, Undoes: e.Undoes, CanUndo: e.CanUndo,
		diff: e.Diff, BeforeCount: len(e.Diff.Before), AfterCount: len(e.Diff.After)}
}

// change is the entry as a change, reading at most limit of its rows on
// each side (all when limit < 0).
func (e journalEntry) change(limit int) Change {
	c := e.header()
	c.Before, c.After = e.Diff.placesUpTo(limit)
	return c
}

func entryOf(c Change) journalEntry {
	return journalEntry{ID: c.ID, Kind: c.Kind, At: c.At, By: c.By, Summary: c.Summary, Undoes: c.Undoes, CanUndo: c.CanUndo, Diff: c.diff}
}

func (s *FileStore) journalPath() string { return s.path + ".journal" }
func (s *FileStore) basePath() string    { return s.path + ".journal-base" }

// maxJournalLine bounds one entry (an import of 10,000 places is about
// 1 MB).
const maxJournalLine = 64 << 20

// journalCache keeps the parsed journal and how many of its bytes that
// covers: the journal is append-only, so a later read parses only what
// was appended since. It has its own lock, so reading the history never
// holds up a write.
type journalCache struct {
	mu      sync.Mutex
	entries []journalEntry // oldest first
	parsed  int64          // bytes of the journal the entries cover
	modTime time.Time      // of the journal when it had parsed bytes
}

// readJournal returns the entries, oldest first; callers must not modify
// them. A line cut short by a crash mid-append is skipped once whole lines
// follow it, and waits otherwise (it may still be being written).
func (s *FileStore) readJournal() ([]journalEntry, error) {
	j := &s.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := os.Open(s.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		j.entries, j.parsed = nil, 0
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() < j.parsed || (info.Size() == j.parsed && !info.ModTime().Equal(j.modTime)) {
		j.entries, j.parsed = nil, 0 // replaced or rewritten by hand: read it all again
	}
	if info.Size() == j.parsed {
		return j.entries, nil
	}
	if _, err := f.Seek(j.parsed, io.SeekStart); err != nil {
		return nil, err
	}
	tail, err := io.ReadAll(io.LimitReader(f, info.Size()-j.parsed))
	if err != nil {
		return nil, err
	}
	complete := bytes.LastIndexByte(tail, '\n') + 1
	for line := range bytes.Lines(tail[:complete]) {
		var e journalEntry
		if len(line) <= maxJournalLine && json.Unmarshal(line, &e) == nil && e.ID != "" {
			j.entries = append(j.entries, e)
		}
	}
	j.parsed += int64(complete)
	j.modTime = info.ModTime()
	// A new slice header: callers keep theirs while later reads append.
	return j.entries[:len(j.entries):len(j.entries)], nil
}

// appendJournal adds entries and syncs them to disk. Callers hold s.mu.
func (s *FileStore) appendJournal(entries ...journalEntry) error {
	var buf bytes.Buffer
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	f, err := os.OpenFile(s.journalPath(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.Write(buf.Bytes())
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// outsideChange is the hand edit made since whib last wrote the file, if
// any. Callers hold s.mu.
func (s *FileStore) outsideChange(cur Snapshot) (Change, bool) {
	if s.baseVersion == cur.Version {
		return Change{}, false // the file as whib last wrote it: no need to read the copy
	}
	last, err := os.ReadFile(s.basePath())
	if err != nil {
		return Change{}, false
	}
	if bytes.Equal(last, cur.Content) {
		s.baseVersion = cur.Version
		return Change{}, false
	}
	c := Change{ID: "outside-" + cur.Version[:12], Kind: ChangeOutside, Summary: "Changed outside whib", At: time.Now().UTC()}
	if info, err := os.Stat(s.path); err == nil {
		c.At = info.ModTime().UTC()
	}
	before, berr := parseRows(last)
	after, aerr := parseRows(cur.Content)
	if berr == nil && aerr == nil {
		c.diff = diffRows(before, after)
		c.Before = before.places[c.diff.At : c.diff.At+len(c.diff.Before)]
		c.After = after.places[c.diff.At : c.diff.At+len(c.diff.After)]
		c.CanUndo = true
	}
	return c, true
}

// History lists the journal, newest first, with a hand edit not yet
// recorded at the top. Only the page's entries are read into changes, each
// listing at most maxRowsInPage of its rows.
func (s *FileStore) History(ctx context.Context, page int) (HistoryPage, error) {
	outside, entries, err := s.history(ctx)
	if err != nil {
		return HistoryPage{}, err
	}
	newest := make([]Change, 0, len(entries)+1)
	if outside != nil {
		newest = append(newest, *outside)
	}
	for _, e := range slices.Backward(entries) {
		newest = append(newest, e.header()) // rows are read for the page only
	}
	out := pageOf(newest, page)
	out.Changes = slices.Clone(out.Changes)
	for i, c := range out.Changes {
		if c.Kind != ChangeOutside || outside == nil || c.ID != outside.ID {
			c = entryByID(entries, c.ID).change(maxRowsInPage)
		}
		out.Changes[i] = capRows(c, maxRowsInPage)
	}
	out.Changes = markUndoneFrom(undoMap(entries), out.Changes)
	return out, nil
}

// Change is the change with this id, with all its rows.
func (s *FileStore) Change(ctx context.Context, id string) (Change, error) {
	outside, entries, err := s.history(ctx)
	if err != nil {
		return Change{}, err
	}
	if outside != nil && outside.ID == id {
		return *outside, nil
	}
	e := entryByID(entries, id)
	if e.ID == "" {
		return Change{}, unknownChange(id)
	}
	return markUndoneFrom(undoMap(entries), []Change{e.change(-1)})[0], nil
}

func (s *FileStore) undoneBy(ctx context.Context, c Change) (Change, error) {
	_, entries, err := s.history(ctx)
	if err != nil {
		return Change{}, err
	}
	for _, e := range entries {
		if e.Kind == ChangeUndo && e.Undoes == c.ID {
			return e.header(), nil
		}
	}
	return Change{}, nil
}

// history is the hand edit made since whib last wrote the file, if any,
// and the journal, oldest first. The file is read under the write lock
// (briefly); the journal is read outside it.
func (s *FileStore) history(ctx context.Context) (*Change, []journalEntry, error) {
	op := "file: read the history of " + s.path
	if err := ctx.Err(); err != nil {
		return nil, nil, wrapErr(op, KindUnavailable, err)
	}
	s.mu.Lock()
	cur, err := s.readLocked()
	var outside *Change
	if err == nil {
		if c, ok := s.outsideChange(cur); ok {
			outside = &c
		}
	}
	s.mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	entries, err := s.readJournal()
	if err != nil {
		return nil, nil, &Error{Kind: KindInternal, Op: op, Err: err}
	}
	return outside, entries, nil
}

func entryByID(entries []journalEntry, id string) journalEntry {
	for _, e := range slices.Backward(entries) {
		if e.ID == id {
			return e
		}
	}
	return journalEntry{}
}

func undoMap(entries []journalEntry) map[string]string {
	m := map[string]string{}
	for _, e := range entries {
		if e.Kind == ChangeUndo && e.Undoes != "" {
			m[e.Undoes] = e.ID
		}
	}
	return m
}

// recordWrite journals a change just written to the file, after the hand
// edit it was built on, if any, and remembers the file as whib wrote it.
// Callers hold s.mu.
func (s *FileStore) recordWrite(outside *Change, c *Change, content []byte) error {
	c.ID = newEntryID()
	c.At = time.Now().UTC()
	entries := []journalEntry{entryOf(*c)}
	if outside != nil {
		entries = append([]journalEntry{entryOf(*outside)}, entries...)
	}
	if err := s.appendJournal(entries...); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := writeFileAtomic(s.basePath(), content); err != nil && !errors.Is(err, errRenamedNotSynced) {
		s.baseVersion = ""
		return fmt.Errorf("journal base: %w", err)
	}
	s.baseVersion = contentVersion(content)
	return nil
}

func newEntryID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

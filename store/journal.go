package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
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

func (e journalEntry) change() Change {
	c := Change{ID: e.ID, Kind: e.Kind, At: e.At, By: e.By, Summary: e.Summary, Undoes: e.Undoes, CanUndo: e.CanUndo, diff: e.Diff}
	c.Before, c.After = e.Diff.places()
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

// readJournal reads the entries, oldest first. A line cut short by a crash
// mid-append is skipped. Callers hold s.mu.
func (s *FileStore) readJournal() ([]journalEntry, error) {
	f, err := os.Open(s.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var entries []journalEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxJournalLine)
	for sc.Scan() {
		var e journalEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.ID != "" {
			entries = append(entries, e)
		}
	}
	return entries, sc.Err()
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
// recorded at the top.
func (s *FileStore) History(ctx context.Context, page int) (HistoryPage, error) {
	changes, err := s.changes(ctx)
	if err != nil {
		return HistoryPage{}, err
	}
	return pageOf(changes, page), nil
}

// Change is the change with this id.
func (s *FileStore) Change(ctx context.Context, id string) (Change, error) {
	changes, err := s.changes(ctx)
	if err != nil {
		return Change{}, err
	}
	for _, c := range changes {
		if c.ID == id {
			return c, nil
		}
	}
	return Change{}, unknownChange(id)
}

// changes is the whole history, newest first.
func (s *FileStore) changes(ctx context.Context) ([]Change, error) {
	op := "file: read the history of " + s.path
	if err := ctx.Err(); err != nil {
		return nil, wrapErr(op, KindUnavailable, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.readLocked()
	if err != nil {
		return nil, err
	}
	entries, err := s.readJournal()
	if err != nil {
		return nil, &Error{Kind: KindInternal, Op: op, Err: err}
	}
	changes := make([]Change, 0, len(entries)+1)
	if c, ok := s.outsideChange(cur); ok {
		changes = append(changes, c)
	}
	for _, e := range slices.Backward(entries) {
		changes = append(changes, e.change())
	}
	return markUndone(changes), nil
}

func (s *FileStore) undoneBy(ctx context.Context, c Change) (Change, error) {
	changes, err := s.changes(ctx)
	if err != nil {
		return Change{}, err
	}
	return findUndo(changes, c.ID), nil
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

package store

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// defaultPlaces is the talk's file before the live demo added São José: what
// a fresh installation shows instead of an empty map.
//
//go:embed default_places.csv
var defaultPlaces []byte

// FileStore keeps places in a local CSV file.
//
// Adds are serialised by a mutex and re-read the file inside it, so edits made
// by hand (or by another tool) between two adds are never overwritten. Each
// add writes a complete new file next to the old one and renames it into
// place, so readers see either the old or the new file, never half a row.
type FileStore struct {
	path string

	mu   sync.Mutex // serialises Load and writes and guards last and baseVersion
	last Snapshot   // parsed form of the last content seen, reused while unchanged
	// baseVersion is the version of places.csv.journal-base when known, so
	// that a write finding the file as whib left it need not read the copy.
	baseVersion string

	journal journalCache // the parsed journal, read outside mu
}

// NewFileStore returns a store for the CSV file at path. Nothing is touched
// until Load or Add.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

func (s *FileStore) String() string { return "file " + s.path }

// Load reads the file, creating it (and its directory) with the default
// places when it does not exist.
func (s *FileStore) Load(ctx context.Context) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, wrapErr("file: load "+s.path, KindUnavailable, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readLocked()
}

// write makes the change plan works out on the file as it is now, under
// the lock, and journals it.
func (s *FileStore) write(ctx context.Context, op string, plan planFunc) (mutation, Snapshot, error) {
	op = "file: " + op + " " + s.path
	if err := ctx.Err(); err != nil {
		return mutation{}, Snapshot{}, wrapErr(op, KindUnavailable, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	snap, err := s.readLocked()
	if err != nil {
		// Writing to a file we cannot parse could bury the problem under
		// new rows or, were it ever re-encoded, drop the rows we cannot read.
		return mutation{}, Snapshot{}, wrapErr(op, KindInternal, err) // keeps KindUnreadable
	}
	m, err := plan(baseOf(snap))
	if err != nil {
		return mutation{}, Snapshot{}, wrapErr(op, KindInternal, err)
	}
	if m.noop {
		return m, snap, nil
	}
	var outside *Change
	if c, ok := s.outsideChange(snap); ok {
		outside = &c
	}
	if err := writeFileAtomic(s.path, m.content); err != nil {
		kind := KindInternal // nothing was written
		if errors.Is(err, errRenamedNotSynced) {
			kind = KindUnknownOutcome // the change is in the file, but may not survive a crash
		}
		return mutation{}, Snapshot{}, &Error{Kind: kind, Op: op, Err: err}
	}
	places := m.places
	if places == nil {
		if places, err = decodeCSV(m.content); err != nil {
			return mutation{}, Snapshot{}, &Error{Kind: KindInternal, Op: op, Err: err}
		}
	}
	s.last = newSnapshot(places, contentVersion(m.content), m.content, time.Now())
	// A failure here leaves the change in the file without its history
	// entry; the history then shows it as a change made outside whib.
	_ = s.recordWrite(outside, &m.change, m.content)
	return m, s.last, nil
}

// readLocked reads the file, reusing the parsed places when the content has
// not changed since the last read. Callers hold s.mu.
func (s *FileStore) readLocked() (Snapshot, error) {
	op := "file: read " + s.path
	content, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createDefaultFile(s.path); err != nil {
			return Snapshot{}, &Error{Kind: KindInternal, Op: "file: create " + s.path, Err: err}
		}
		// The history starts here: a hand edit from now on shows in it.
		_ = writeFileAtomic(s.basePath(), defaultPlaces)
		content, err = os.ReadFile(s.path)
	}
	if err != nil {
		return Snapshot{}, &Error{Kind: KindInternal, Op: op, Err: err}
	}
	version := contentVersion(content)
	if s.last.Version == version {
		s.last.LoadedAt = time.Now()
		return s.last, nil
	}
	places, err := decodeCSV(content)
	if err != nil {
		return Snapshot{}, unreadable(op, err)
	}
	s.last = newSnapshot(places, version, content, time.Now())
	return s.last, nil
}

func contentVersion(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// createDefaultFile writes the default places to path unless a file appeared
// there meanwhile (O_EXCL), so it can never clobber someone else's file.
func createDefaultFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, werr := f.Write(defaultPlaces)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(path) // do not leave a truncated default behind
		return fmt.Errorf("write default places: %w", werr)
	}
	return syncDir(filepath.Dir(path))
}

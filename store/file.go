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

	mu   sync.Mutex // serialises Load and Add and guards last
	last Snapshot   // parsed form of the last content seen, reused while unchanged
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

// Add appends p unless the file already holds the same place.
func (s *FileStore) Add(ctx context.Context, p Place, by Author) (AddResult, error) {
	p, err := checkPlace(p)
	if err != nil {
		return AddResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return AddResult{}, wrapErr("file: add to "+s.path, KindUnavailable, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	snap, err := s.readLocked()
	if err != nil {
		// Appending to a file we cannot parse could bury the problem under
		// new rows or, were it ever re-encoded, drop the rows we cannot read.
		return AddResult{}, wrapErr("file: add to "+s.path, KindInternal, err)
	}
	if existing, ok := findSame(snap.Places, p); ok {
		return AddResult{Snapshot: snap, Place: existing}, nil
	}
	content := appendCSV(snap.Content, p)
	if err := writeFileAtomic(s.path, content); err != nil {
		kind := KindInternal // nothing was written
		if errors.Is(err, errRenamedNotSynced) {
			kind = KindUnknownOutcome // the row is in the file, but may not survive a crash
		}
		return AddResult{}, &Error{Kind: kind, Op: "file: add to " + s.path, Err: err}
	}
	s.last = Snapshot{
		Places:   withPlace(snap.Places, p),
		Version:  contentVersion(content),
		Content:  content,
		LoadedAt: time.Now(),
	}
	return AddResult{Snapshot: s.last, Place: p, Added: true}, nil
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
		return Snapshot{}, &Error{Kind: KindInternal, Op: op, Err: fmt.Errorf("not a valid places file, so it is left as it is and nothing is written to it: %w", err)}
	}
	s.last = Snapshot{Places: places, Version: version, Content: content, LoadedAt: time.Now()}
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

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeFileAtomic replaces path with content so that a crash or a concurrent
// reader sees either the whole old file or the whole new one: write a
// temporary file in the same directory, fsync it, rename it over path and
// fsync the directory so the rename itself is durable. The file keeps its
// permission bits.
func writeFileAtomic(path string, content []byte) (err error) {
	mode := fs.FileMode(0o644)
	if fi, statErr := os.Stat(path); statErr == nil {
		mode = fi.Mode().Perm()
	} else if !errors.Is(statErr, fs.ErrNotExist) {
		return statErr
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(content); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if err = syncDirAfterRename(dir); err != nil {
		return fmt.Errorf("%w: %w", errRenamedNotSynced, err)
	}
	return nil
}

// errRenamedNotSynced marks the one failure after which the new content is
// already what readers see: the write is not "nothing was saved", it is
// "saved, but maybe not durably".
var errRenamedNotSynced = errors.New("the new file is in place but its directory could not be synced")

// syncDirAfterRename is syncDir; a variable so tests can make it fail.
var syncDirAfterRename = syncDir

// syncDir makes a rename or create in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestFileStoreCreatesDefaultFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "nested", "places.csv")
	s := NewFileStore(path)
	snap, err := s.Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(snap.Places) != 9 {
		t.Errorf("got %d places, want the talk's nine", len(snap.Places))
	}
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("default file not created: %v", err)
	}
	if !bytes.Equal(onDisk, defaultPlaces) || !bytes.Equal(snap.Content, onDisk) {
		t.Error("file and snapshot content should be the embedded default")
	}
	if snap.Version != contentVersion(onDisk) || len(snap.Version) != 64 {
		t.Errorf("version = %q, want hex sha256 of the content", snap.Version)
	}
	if s.String() != "file "+path {
		t.Errorf("String() = %q", s.String())
	}
}

func TestFileStoreAddAppendsOneRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.csv")
	talk, err := os.ReadFile("testdata/talk_places.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, talk, 0o640); err != nil {
		t.Fatal(err)
	}
	s := NewFileStore(path)
	ctx := context.Background()

	res, err := under(s).Add(ctx, mustPlace(t, "Graz West", " 47.0707 ", "15.3912"), Author{Name: "Ana"})
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	if !res.Added || res.Place.Latitude.String() != "47.0707" {
		t.Errorf("result = %+v", res)
	}
	after, _ := os.ReadFile(path)
	if want := string(talk) + "Graz West,47.0707,15.3912\n"; string(after) != want {
		t.Errorf("file after add:\n%s\nwant\n%s", after, want)
	}
	if len(res.Snapshot.Places) != 12 || !bytes.Equal(res.Snapshot.Content, after) || res.Snapshot.Version != contentVersion(after) {
		t.Errorf("snapshot does not match the file: %d places, version %s", len(res.Snapshot.Places), res.Snapshot.Version)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640 kept", fi.Mode().Perm())
	}

	// The same place again, spelled differently: nothing is written.
	res, err = under(s).Add(ctx, mustPlace(t, "graz  WEST", "47.07070", "15.3912"), Author{Name: "Bo"})
	if err != nil {
		t.Fatalf("second Add: %v", err)
	}
	if res.Added || res.Place.Name != "Graz West" {
		t.Errorf("duplicate should report the stored place, not added: %+v", res)
	}
	again, _ := os.ReadFile(path)
	if !bytes.Equal(again, after) {
		t.Error("a duplicate add changed the file")
	}
	if left := leftovers(filepath.Dir(path)); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestFileStoreKeepsExternalEdits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.csv")
	s := NewFileStore(path)
	ctx := context.Background()
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	// Someone edits the file by hand between our load and our add.
	edited := append(append([]byte{}, defaultPlaces...), "Wien,48.2082,16.3738"...) // and forgets the newline
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := under(s).Add(ctx, mustPlace(t, "Linz", "48.3069", "14.2858"), Author{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := string(edited) + "\nLinz,48.3069,14.2858\n"; string(got) != want {
		t.Errorf("file:\n%s\nwant\n%s", got, want)
	}
	if len(res.Snapshot.Places) != 11 {
		t.Errorf("snapshot has %d places, want 11", len(res.Snapshot.Places))
	}
	// A hand-added place counts for dedupe.
	res, err = under(s).Add(ctx, mustPlace(t, "WIEN", "48.2082", "16.3738"), Author{})
	if err != nil || res.Added {
		t.Errorf("Wien should already be there: %+v %v", res, err)
	}
}

// TestFileStoreNeverRewritesAFileItCannotParse: whatever is wrong with the
// file, Add fails with an error that names the problem and the file stays
// byte-identical, with its mode and no temporary file left beside it.
func TestFileStoreNeverRewritesAFileItCannotParse(t *testing.T) {
	broken := []struct{ name, content, says string }{
		{"bad coordinate", "name,latitude,longitude\nA,1,2\nB,north,3\n", "line 3"},
		{"wrong header", "place,lat,lon\nA,1,2\n", "line 1"},
		{"missing field", "name,latitude,longitude\nA,1,2\nB,3\n", "line 3"},
		{"bare quote", "name,latitude,longitude\nA,1,2\nB\"x,1,2\n", "line 3"},
		{"latitude out of range", "name,latitude,longitude\nA,91,2\n", "line 2"},
	}
	for _, tt := range broken {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "places.csv")
			s := NewFileStore(path)
			// Broken by hand after a good load: the add must not build on
			// what it read before.
			if _, err := s.Load(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tt.content), 0o640); err != nil || os.Chmod(path, 0o640) != nil {
				t.Fatal(err)
			}
			_, err := s.Load(context.Background())
			if KindOf(err) != KindUnreadable || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Load error = %v, want an unreadable error naming %s", err, tt.says)
			}
			_, err = under(s).Add(context.Background(), mustPlace(t, "C", "1", "2"), Author{})
			if err == nil || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), "nothing is written") {
				t.Errorf("Add error = %v, want one naming %s and saying nothing is written", err, tt.says)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tt.content {
				t.Errorf("broken file was modified:\n%s", got)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
				t.Errorf("mode = %v, want 0640 kept", fi.Mode().Perm())
			}
			if left := leftovers(dir); len(left) > 0 {
				t.Errorf("directory has %v besides the file and its history", left)
			}
		})
	}
}

// A Place is valid by construction: the write path refuses one that
// NewPlace did not make rather than validating twice, and writes nothing.
func TestAPlaceNotMadeByNewPlaceIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.csv")
	s := NewFileStore(path)
	ctx := context.Background()
	before, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Place{{Name: "", Latitude: Coord{text: "100", value: 100}}, {Name: "Graz"}} {
		if _, err := under(s).Add(ctx, p, Author{}); err == nil {
			t.Errorf("Add(%+v) was accepted", p)
		}
		if _, err := under(s).AddMany(ctx, []Place{mustPlace(t, "Linz", "48.3", "14.3"), p}, "Import", Author{}); err == nil {
			t.Errorf("AddMany with %+v was accepted", p)
		}
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, before.Content) {
		t.Errorf("the file changed:\n%s", got)
	}
}

// concurrentAdds adds n distinct places at once and checks that every one
// lands exactly once after the untouched original bytes.
func concurrentAdds(t *testing.T, s Backend, n int, original []byte, read func() []byte) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := NewPlace(fmt.Sprintf("Concurrent %02d", i), fmt.Sprintf("%d.5", i%80), fmt.Sprintf("-%d.25", i))
			if err != nil {
				errs <- err
				return
			}
			res, err := under(s).Add(ctx, p, Author{Name: fmt.Sprintf("writer %d", i)})
			if err != nil {
				errs <- err
				return
			}
			if !res.Added {
				errs <- fmt.Errorf("%s: not added", p.Name)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	final := read()
	if !bytes.HasPrefix(final, original) {
		t.Fatal("original rows were changed")
	}
	places, err := decodeCSV(final)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		name := fmt.Sprintf("Concurrent %02d", i)
		count := 0
		for _, p := range places {
			if p.Name == name {
				count++
			}
		}
		if count != 1 {
			t.Errorf("%s appears %d times, want once", name, count)
		}
	}
	if got := bytes.Count(final[len(original):], []byte("\n")); got != n {
		t.Errorf("%d rows appended, want %d", got, n)
	}
}

func TestFileStoreConcurrentAdds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.csv")
	talk, _ := os.ReadFile("testdata/talk_places.csv")
	if err := os.WriteFile(path, talk, 0o644); err != nil {
		t.Fatal(err)
	}
	concurrentAdds(t, NewFileStore(path), 50, talk, func() []byte {
		b, _ := os.ReadFile(path)
		return b
	})
}

// TestFileStoreUnsyncedRenameIsAnUnknownOutcome: the one ambiguous file
// write. After the rename the new row is what readers see; if the directory
// fsync then fails, "nothing was saved" would be false, and the row may not
// survive a crash: the outcome is unknown, and adding again is safe.
func TestFileStoreUnsyncedRenameIsAnUnknownOutcome(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.csv")
	s := NewFileStore(path)
	ctx := context.Background()
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	syncDirAfterRename = func(string) error { return errors.New("input/output error") }
	t.Cleanup(func() { syncDirAfterRename = syncDir })
	wien := mustPlace(t, "Wien", "48.2082", "16.3738")
	if _, err := under(s).Add(ctx, wien, Author{}); KindOf(err) != KindUnknownOutcome {
		t.Fatalf("kind = %v (%v), want unknown outcome", KindOf(err), err)
	}
	syncDirAfterRename = syncDir
	if res, err := under(s).Add(ctx, wien, Author{}); err != nil || res.Added {
		t.Errorf("add again: added %v, %v; want already on the map", res.Added, err)
	}
	if got, _ := os.ReadFile(path); bytes.Count(got, []byte("Wien,")) != 1 {
		t.Error("the place should be in the file once")
	}
}

// leftovers are the files in dir other than places.csv and its history.
func leftovers(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		switch e.Name() {
		case "places.csv", "places.csv.journal", "places.csv.journal-base":
		default:
			left = append(left, e.Name())
		}
	}
	return left
}

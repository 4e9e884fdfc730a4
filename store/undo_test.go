package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/whib/whib/store/githubtest"
)

// An undo applies at most once: the history records it (Whib-Undoes, the
// journal's undoes), so a second undo of the same change is refused naming
// the first, on any instance.
func TestAChangeIsUndoneAtMostOnce(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			del, err := b.store.Delete(ctx, Target{ID: placeID(t, b.store, "Salvador")}, Author{Name: "Jess"})
			if err != nil {
				t.Fatal(err)
			}
			undo, err := b.store.Undo(ctx, del.Change.ID, Author{Name: "Jess"})
			if err != nil || !undo.Changed {
				t.Fatalf("first undo: %+v, %v", undo, err)
			}
			restored := b.file()
			for range 2 {
				_, err := b.store.Undo(ctx, del.Change.ID, Author{Name: "Jess"})
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindConflict || e.Change != undo.Change.ID {
					t.Fatalf("undo again: %v, want a conflict naming undo %s", err, undo.Change.ID)
				}
			}
			if got := strings.Count(string(b.file()), "Salvador,"); got != 1 {
				t.Errorf("the file holds %d Salvador rows after three undos", got)
			}
			// Undoing the undo (a redo) deletes Salvador again, also once.
			redo, err := b.store.Undo(ctx, undo.Change.ID, Author{})
			if err != nil || !redo.Changed || strings.Contains(string(b.file()), "Salvador,") {
				t.Fatalf("redo: %+v, %v", redo, err)
			}
			if _, err := b.store.Undo(ctx, undo.Change.ID, Author{}); KindOf(err) != KindConflict {
				t.Errorf("second redo: %v, want a conflict", err)
			}
			if got := b.file(); len(got) >= len(restored) {
				t.Errorf("after the refused redo the file is\n%s", got)
			}
			// The change itself says so, and offers no second undo.
			if c, err := b.store.Change(ctx, del.Change.ID); err != nil || c.UndoneBy != undo.Change.ID || c.CanUndo {
				t.Errorf("the undone delete read alone: undone by %q, can undo %v, %v", c.UndoneBy, c.CanUndo, err)
			}
			// The history says so, and offers Undo only where it applies.
			h, err := b.store.History(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range h.Changes {
				switch c.ID {
				case del.Change.ID, undo.Change.ID:
					if c.CanUndo || c.UndoneBy == "" {
						t.Errorf("%q: can undo %v, undone by %q", c.Summary, c.CanUndo, c.UndoneBy)
					}
				case redo.Change.ID:
					if !c.CanUndo || c.UndoneBy != "" {
						t.Errorf("the redo: can undo %v, undone by %q", c.CanUndo, c.UndoneBy)
					}
				}
			}
		})
	}
}

// Two instances on one repository undo the same changes at once: each
// change is undone once, and no row is duplicated or lost.
func TestParallelUndosOnTwoInstancesApplyOnce(t *testing.T) {
	var rows strings.Builder
	rows.WriteString(csvHeader + "\n")
	for i := range 10 {
		fmt.Fprintf(&rows, "Stop %d,%d,%d\n", i, i, i)
	}
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", []byte(rows.String())))
	a := under(newTestGitHub(t, srv, GitHubConfig{Path: "places.csv"}))
	b := under(newTestGitHub(t, srv, GitHubConfig{Path: "places.csv"}))
	ctx := context.Background()
	var deletes []string
	for i := range 10 {
		res, err := a.Delete(ctx, Target{ID: placeID(t, a, fmt.Sprintf("Stop %d", i))}, Author{})
		if err != nil {
			t.Fatal(err)
		}
		deletes = append(deletes, res.Change.ID)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	applied := map[string]int{}
	for _, id := range deletes {
		for _, inst := range []storeUnderTest{a, b} {
			wg.Go(func() {
				res, err := inst.Undo(ctx, id, Author{})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && res.Changed:
					applied[id]++
				case err == nil, KindOf(err) == KindConflict, KindOf(err) == KindBusy:
				default:
					t.Errorf("undo %s: %v", id, err)
				}
			})
		}
	}
	wg.Wait()
	file := string(srv.File("places.csv"))
	for i := range 10 {
		if n := strings.Count(file, fmt.Sprintf("Stop %d,", i)); n > 1 {
			t.Errorf("Stop %d is stored %d times:\n%s", i, n, file)
		}
	}
	for _, id := range deletes {
		if applied[id] > 1 {
			t.Errorf("change %s was undone %d times", id, applied[id])
		}
	}
}

// The file backend's journal is the record: a restart knows what was
// undone.
func TestAnUndoIsRememberedAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.csv")
	if err := os.WriteFile(path, []byte(quirkyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := under(NewFileStore(path))
	del, err := first.Delete(ctx, Target{ID: placeID(t, first, "Graz")}, Author{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Undo(ctx, del.Change.ID, Author{}); err != nil {
		t.Fatal(err)
	}
	restarted := under(NewFileStore(path))
	if _, err := restarted.Undo(ctx, del.Change.ID, Author{}); KindOf(err) != KindConflict {
		t.Errorf("undo after a restart: %v, want a conflict", err)
	}
	if got, _ := os.ReadFile(path); strings.Count(string(got), "Graz") != 1 {
		t.Errorf("file:\n%s", got)
	}
}

// A link to a place survives edits: an id it had before resolves to its id
// now; a deleted place names the change that deleted it.
func TestResolveFollowsEditsAndNamesTheDelete(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			first := placeID(t, b.store, "Graz")
			r1, err := b.store.Edit(ctx, Target{ID: first}, Edit{Name: str("Graz Hbf")}, Author{})
			if err != nil {
				t.Fatal(err)
			}
			r2, err := b.store.Edit(ctx, Target{ID: r1.Place.ID}, Edit{Latitude: str("47.0725")}, Author{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.store.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			for _, old := range []string{first, r1.Place.ID} {
				r, err := b.store.Resolve(ctx, old)
				if err != nil || !r.Moved || r.Place.ID != r2.Place.ID || r.Place.Name != "Graz Hbf" {
					t.Errorf("Resolve(%s) = %+v, %v; want moved to %s", old, r, err, r2.Place.ID)
				}
			}
			del, err := b.store.Delete(ctx, Target{ID: r2.Place.ID}, Author{})
			if err != nil {
				t.Fatal(err)
			}
			var e *Error
			if _, err := b.store.Resolve(ctx, first); !errors.As(err, &e) || e.Kind != KindGone || e.Change != del.Change.ID {
				t.Errorf("Resolve of a deleted place: %v, want gone naming %s", err, del.Change.ID)
			}
			if _, err := b.store.Resolve(ctx, "0123456789ab"); KindOf(err) != KindUnknownID {
				t.Errorf("Resolve of an unknown id: %v", err)
			}
		})
	}
}

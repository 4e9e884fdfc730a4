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

	"github.com/whib/whib/store/githubtest"
)

// A file with the quirks hand edits leave: a quoted name that needs no
// quotes, spaces after commas, a CRLF-free file with a blank line, and two
// identical rows.
const quirkyFile = "name,latitude,longitude\n" +
	"\"Graz\",47.0707,15.4395\n" +
	"Taipei, 25.0330, 121.5654\n" +
	"\n" +
	"São Paulo,-23.5505,-46.6333\n" +
	"Salvador,-12.9714,-38.5014\n" +
	"Recife,-8.0476,-34.8770\n" +
	"Recife,-8.0476,-34.8770\n"

// backend is one store under test with a way to read and hand-edit its file.
type backend struct {
	name  string
	store storeUnderTest
	file  func() []byte
	// editByHand changes the file as someone outside whib would.
	editByHand func(content []byte)
}

func backends(t *testing.T, content string) []backend {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "places.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	fileStore := NewFileStore(path)
	readFile := func() []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", []byte(content)))
	return []backend{
		{
			name: "file", store: under(fileStore), file: readFile,
			editByHand: func(b []byte) {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "github", store: under(newTestGitHub(t, srv, GitHubConfig{Path: "places.csv"})),
			file:       func() []byte { return srv.File("places.csv") },
			editByHand: func(b []byte) { srv.SetFile("places.csv", b) },
		},
	}
}

func placeID(t *testing.T, s interface {
	Load(context.Context) (Snapshot, error)
}, name string) string {
	t.Helper()
	snap, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range snap.Places {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no place named %q in %v", name, snap.Places)
	return ""
}

func str(s string) *string { return &s }

func TestEditAndDeleteKeepEveryOtherRowByteIdentical(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			by := Author{Name: "Jess"}

			res, err := b.store.Edit(ctx, Target{ID: placeID(t, b.store, "Taipei")}, Edit{Name: str("Taipei 101")}, by)
			if err != nil || !res.Changed {
				t.Fatalf("rename: %+v, %v", res, err)
			}
			renamed := strings.Replace(quirkyFile, "Taipei, 25.0330, 121.5654\n", "Taipei 101, 25.0330, 121.5654\n", 1)
			if got := string(b.file()); got != renamed {
				t.Fatalf("after the rename the file is\n%s\nwant only the Taipei row changed, its digits as stored:\n%s", got, renamed)
			}
			if res.Place.Name != "Taipei 101" || res.Place.ID == "" || res.Place.Latitude.String() != " 25.0330" {
				t.Errorf("rename answered %+v", res.Place)
			}

			if _, err := b.store.Edit(ctx, Target{ID: placeID(t, b.store, "Graz")}, Edit{Latitude: str("47.0711")}, by); err != nil {
				t.Fatalf("move: %v", err)
			}
			moved := strings.Replace(renamed, "\"Graz\",47.0707,15.4395\n", "\"Graz\",47.0711,15.4395\n", 1)
			if got := string(b.file()); got != moved {
				t.Fatalf("after the move the file is\n%s\nwant\n%s", got, moved)
			}

			del, err := b.store.Delete(ctx, Target{ID: placeID(t, b.store, "Salvador")}, by)
			if err != nil || del.Place.Name != "Salvador" {
				t.Fatalf("delete: %+v, %v", del, err)
			}
			deleted := strings.Replace(moved, "Salvador,-12.9714,-38.5014\n", "", 1)
			if got := string(b.file()); got != deleted {
				t.Fatalf("after the delete the file is\n%s\nwant\n%s", got, deleted)
			}

			// One of two identical rows: the other stays. A twin is named
			// by what the client saw of it (If-Match), never by id alone.
			recife := placeID(t, b.store, "Recife")
			if _, err := b.store.Delete(ctx, Target{ID: recife}, by); KindOf(err) != KindPreconditionRequired {
				t.Fatalf("deleting a twin without If-Match: %v, want precondition required", err)
			}
			snap, _ := b.store.Load(ctx)
			twin, _ := snap.Place(recife)
			if _, err := b.store.Delete(ctx, Target{ID: recife, IfMatch: []string{snap.ETag(twin)}}, by); err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(string(b.file()), "Recife,-8.0476,-34.8770\n"); got != 1 {
				t.Errorf("deleting one of two identical rows left %d", got)
			}
			// The same request again (a retry) no longer matches the
			// remaining Recife, which now has the deleted one's id.
			if _, err := b.store.Delete(ctx, Target{ID: recife, IfMatch: []string{snap.ETag(twin)}}, by); KindOf(err) != KindPreconditionFailed {
				t.Fatalf("a retried delete of a twin: %v, want precondition failed", err)
			}
			// Undoing it would store a row identical to one stored: by the
			// add rule, nothing is written.
			h, _ := b.store.History(ctx, 1)
			if res, err := b.store.Undo(ctx, h.Changes[0].ID, by); err != nil || res.Changed {
				t.Fatalf("undo of deleting a twin: %+v, %v; want nothing written", res, err)
			}
			oneRecife := func(s string) string { return strings.Replace(s, "Recife,-8.0476,-34.8770\n", "", 1) }

			// Undo, newest first, brings back the exact bytes at each step.
			undone := map[string]bool{h.Changes[0].ID: true}
			for _, want := range []string{oneRecife(moved), oneRecife(renamed), oneRecife(quirkyFile)} {
				h, err := b.store.History(ctx, 1)
				if err != nil {
					t.Fatal(err)
				}
				last := firstNotUndone(h.Changes, undone)
				if _, err := b.store.Undo(ctx, last.ID, by); err != nil {
					t.Fatalf("undo %q: %v", last.Summary, err)
				}
				undone[last.ID] = true
				if got := string(b.file()); got != want {
					t.Fatalf("after undoing %q the file is\n%s\nwant\n%s", last.Summary, got, want)
				}
			}
		})
	}
}

// firstNotUndone is the newest change that is not an undo and not undone.
func firstNotUndone(changes []Change, undone map[string]bool) Change {
	for _, c := range changes {
		if c.Kind != ChangeUndo && !undone[c.ID] {
			return c
		}
	}
	return Change{}
}

func TestHistoryTellsWhatChangedByWhom(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := b.store.Add(ctx, mustPlace(t, "Linz", "48.3069", "14.2858"), Author{Name: "Bo"}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.store.Edit(ctx, Target{ID: placeID(t, b.store, "Linz")}, Edit{Name: str("Linz an der Donau")}, Author{Name: "whib-machine"}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.store.Delete(ctx, Target{ID: placeID(t, b.store, "Salvador")}, Author{Email: "jess@example.com"}); err != nil {
				t.Fatal(err)
			}
			h, err := b.store.History(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				kind             ChangeKind
				by, summary      string
				before, after    string
				undoable, hasURL bool
			}{
				{ChangeDelete, "jess@example.com", "Delete Salvador", "Salvador", "", true, b.name == "github"},
				{ChangeEdit, "whib-machine", "Rename Linz to Linz an der Donau", "Linz", "Linz an der Donau", true, b.name == "github"},
				{ChangeAdd, "Bo", "Add Linz", "", "Linz", true, b.name == "github"},
			}
			if len(h.Changes) < len(want) {
				t.Fatalf("history has %d changes, want at least %d: %+v", len(h.Changes), len(want), h.Changes)
			}
			for i, w := range want {
				c := h.Changes[i]
				if c.Kind != w.kind || c.By != w.by || c.Summary != w.summary || names(c.Before) != w.before || names(c.After) != w.after ||
					c.CanUndo != w.undoable || (c.URL != "") != w.hasURL || c.At.IsZero() || c.ID == "" {
					t.Errorf("change %d = %+v, want %+v", i, c, w)
				}
			}
		})
	}
}

func names(places []Place) string {
	var out []string
	for _, p := range places {
		out = append(out, p.Name)
	}
	return strings.Join(out, ",")
}

func TestAnOutsideChangeShowsInTheHistoryAndCanBeUndone(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			// whib writes once so the file backend knows the file as whib left it.
			if _, err := b.store.Add(ctx, mustPlace(t, "Linz", "48.3069", "14.2858"), Author{Name: "Bo"}); err != nil {
				t.Fatal(err)
			}
			before := b.file()
			handEdited := bytes.Replace(before, []byte("Salvador,-12.9714,-38.5014\n"), []byte("Salvador da Bahia,-12.9714,-38.5014\n"), 1)
			b.editByHand(handEdited)

			h, err := b.store.History(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			c := h.Changes[0]
			if c.Kind != ChangeOutside || names(c.Before) != "Salvador" || names(c.After) != "Salvador da Bahia" || !c.CanUndo {
				t.Fatalf("newest change = %+v, want the hand edit as an outside change", c)
			}
			res, err := b.store.Undo(ctx, c.ID, Author{Name: "Jess"})
			if err != nil || res.Change.Kind != ChangeUndo {
				t.Fatalf("undo of the outside change: %+v, %v", res, err)
			}
			if got := b.file(); !bytes.Equal(got, before) {
				t.Errorf("after undoing the hand edit the file is\n%s\nwant\n%s", got, before)
			}
			h, _ = b.store.History(ctx, 1)
			if h.Changes[0].Kind != ChangeUndo || h.Changes[0].Undoes != c.ID || h.Changes[1].ID != c.ID {
				t.Errorf("history after the undo starts %+v, %+v", h.Changes[0], h.Changes[1])
			}
		})
	}
}

func TestParallelEditsOfDifferentPlacesAllLand(t *testing.T) {
	var content strings.Builder
	content.WriteString("name,latitude,longitude\n")
	for i := range 12 {
		fmt.Fprintf(&content, "Place %d,%d.5,%d.25\n", i, i, i)
	}
	for _, b := range backends(t, content.String()) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			ids := make([]string, 10)
			for i := range ids {
				ids[i] = placeID(t, b.store, fmt.Sprintf("Place %d", i))
			}
			var wg sync.WaitGroup
			errs := make([]error, 10)
			for i := range ids {
				wg.Go(func() {
					_, errs[i] = b.store.Edit(ctx, Target{ID: ids[i]}, Edit{Name: str(fmt.Sprintf("Renamed %d", i))}, Author{Name: "Bo"})
				})
			}
			wg.Wait()
			want := content.String()
			for i := range ids {
				if errs[i] != nil {
					t.Errorf("edit %d: %v", i, errs[i])
				}
				want = strings.Replace(want, fmt.Sprintf("Place %d,", i), fmt.Sprintf("Renamed %d,", i), 1)
			}
			if got := string(b.file()); got != want {
				t.Errorf("after 10 parallel edits the file is\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestAnEditRacingADeleteOfTheSamePlace(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			id := placeID(t, b.store, "Salvador")
			var wg sync.WaitGroup
			var editErr, deleteErr error
			wg.Go(func() { _, editErr = b.store.Edit(ctx, Target{ID: id}, Edit{Name: str("Salvador da Bahia")}, Author{}) })
			wg.Go(func() { _, deleteErr = b.store.Delete(ctx, Target{ID: id}, Author{}) })
			wg.Wait()
			got := string(b.file())
			switch {
			case editErr == nil && deleteErr != nil:
				if e := (*Error)(nil); !errors.As(deleteErr, &e) || e.Kind != KindConflict || e.Current == "" {
					t.Errorf("the delete after the edit failed with %v, want a conflict naming the current id", deleteErr)
				}
				if want := strings.Replace(quirkyFile, "Salvador,", "Salvador da Bahia,", 1); got != want {
					t.Errorf("file after the edit won:\n%s", got)
				}
			case deleteErr == nil && editErr != nil:
				if e := (*Error)(nil); !errors.As(editErr, &e) || e.Kind != KindGone || e.Change == "" {
					t.Errorf("the edit after the delete failed with %v, want gone (410) naming the delete", editErr)
				}
				if want := strings.Replace(quirkyFile, "Salvador,-12.9714,-38.5014\n", "", 1); got != want {
					t.Errorf("file after the delete won:\n%s", got)
				}
			default:
				t.Errorf("edit: %v, delete: %v; want exactly one to succeed", editErr, deleteErr)
			}
		})
	}
}

func TestStaleIDsAndClashesWriteNothing(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			old := placeID(t, b.store, "Salvador")
			if _, err := b.store.Edit(ctx, Target{ID: old}, Edit{Name: str("Salvador da Bahia")}, Author{}); err != nil {
				t.Fatal(err)
			}
			after := b.file()
			checks := []struct {
				what string
				err  error
				kind Kind
			}{
				// An id the place had before the edit: a conflict naming
				// its id now (the link survived, the client is told where).
				{"edit by a stale id", second(b.store.Edit(ctx, Target{ID: old}, Edit{Name: str("X")}, Author{})), KindConflict},
				{"delete by a stale id", second(b.store.Delete(ctx, Target{ID: old}, Author{})), KindConflict},
				{"delete by a stale ETag", second(b.store.Delete(ctx, Target{ID: placeID(t, b.store, "Graz"), IfMatch: []string{`"0123456789ab.1"`}}, Author{})), KindPreconditionFailed},
				{"delete by an unknown id", second(b.store.Delete(ctx, Target{ID: "0123456789ab"}, Author{})), KindUnknownID},
				{"undo of an unknown change", second(b.store.Undo(ctx, "0123456789abcdef0123456789abcdef01234567", Author{})), KindUnknownID},
				{"move onto another place", second(b.store.Edit(ctx, Target{ID: placeID(t, b.store, "São Paulo")}, Edit{Name: str("Graz"), Latitude: str("47.0707"), Longitude: str("15.4395")}, Author{})), KindConflict},
				{"an invalid latitude", second(b.store.Edit(ctx, Target{ID: placeID(t, b.store, "Graz")}, Edit{Latitude: str("91")}, Author{})), KindInvalid},
			}
			for _, c := range checks {
				if KindOf(c.err) != c.kind {
					t.Errorf("%s: %v (kind %v), want kind %v", c.what, c.err, KindOf(c.err), c.kind)
				}
			}
			if got := b.file(); !bytes.Equal(got, after) {
				t.Errorf("a refused change wrote to the file:\n%s", got)
			}
			res, err := b.store.Edit(ctx, Target{ID: placeID(t, b.store, "Graz")}, Edit{Name: str("Graz")}, Author{})
			if err != nil || res.Changed {
				t.Errorf("an edit to what is stored: %+v, %v; want nothing to do", res, err)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestUndoRefusesWhenThePlaceHasChangedSince(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			add, err := b.store.Add(ctx, mustPlace(t, "Linz", "48.3069", "14.2858"), Author{})
			if err != nil {
				t.Fatal(err)
			}
			h, _ := b.store.History(ctx, 1)
			addChange := h.Changes[0]
			if _, err := b.store.Edit(ctx, Target{ID: add.Place.ID}, Edit{Name: str("Linz an der Donau")}, Author{}); err != nil {
				t.Fatal(err)
			}
			before := b.file()
			_, err = b.store.Undo(ctx, addChange.ID, Author{})
			var e *Error
			if KindOf(err) != KindConflict || !asError(err, &e) || e.Place != "Linz" {
				t.Errorf("undo of an add whose place was renamed since: %v, want a clash naming Linz", err)
			}
			if !bytes.Equal(b.file(), before) {
				t.Error("a refused undo wrote to the file")
			}
		})
	}
}

func TestGitHubHistoryPagesAndCosts(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", []byte(quirkyFile)))
	s := newTestGitHub(t, srv, GitHubConfig{Path: "places.csv"})
	ctx := context.Background()
	for i := range 25 {
		if _, err := under(s).Add(ctx, mustPlace(t, fmt.Sprintf("Stop %d", i), "1", fmt.Sprint(i)), Author{Name: "Bo"}); err != nil {
			t.Fatal(err)
		}
	}
	// An edit uncontended: one API call.
	id := placeID(t, s, "Stop 3")
	calls := srv.Calls()
	if _, err := under(s).Edit(ctx, Target{ID: id}, Edit{Name: str("Stop three")}, Author{}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls() - calls; n != 1 {
		t.Errorf("an uncontended edit cost %d GitHub calls, want 1", n)
	}

	first, err := s.History(ctx, 1)
	if err != nil || len(first.Changes) != historyPageSize || first.Next != 2 {
		t.Fatalf("page 1: %d changes, next %d, %v", len(first.Changes), first.Next, err)
	}
	second, err := s.History(ctx, 2)
	// 26 changes by whib and the initial commit that created the file.
	if err != nil || len(second.Changes) != 27-historyPageSize || second.Next != 0 {
		t.Fatalf("page 2: %d changes, next %d, %v", len(second.Changes), second.Next, err)
	}
	if created := second.Changes[len(second.Changes)-1]; created.Kind != ChangeOutside || created.CanUndo {
		t.Errorf("the commit that created the file = %+v, want an outside change that cannot be undone", created)
	}
	// Seen again: the list answers 304 and what each commit did is kept.
	calls = srv.Calls()
	if _, err := s.History(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls() - calls; n != 0 {
		t.Errorf("an unchanged history page cost %d counted GitHub calls, want 0 (304)", n)
	}
}

func TestAnImportIsOneChangeThatOneUndoReverts(t *testing.T) {
	for _, b := range backends(t, quirkyFile) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			places := []Place{
				mustPlace(t, "Linz", "48.3069", "14.2858"),
				mustPlace(t, "Graz", "47.0707", "15.4395"), // already there
				mustPlace(t, "Wien", "48.2082", "16.3738"),
			}
			res, err := b.store.AddMany(ctx, places, "Import 3 places from trip.gpx", Author{Name: "Bo"})
			if err != nil || !res.Changed || names(res.Change.After) != "Linz,Wien" {
				t.Fatalf("AddMany: %+v, %v", res, err)
			}
			if want := quirkyFile + "Linz,48.3069,14.2858\nWien,48.2082,16.3738\n"; string(b.file()) != want {
				t.Fatalf("after the import the file is\n%s\nwant\n%s", b.file(), want)
			}
			again, err := b.store.AddMany(ctx, places, "Import 3 places from trip.gpx", Author{Name: "Bo"})
			if err != nil || again.Changed {
				t.Errorf("importing the same places again: %+v, %v; want nothing written", again, err)
			}
			h, _ := b.store.History(ctx, 1)
			if h.Changes[0].Summary != "Import 3 places from trip.gpx" {
				t.Fatalf("newest change = %+v", h.Changes[0])
			}
			if _, err := b.store.Undo(ctx, h.Changes[0].ID, Author{}); err != nil {
				t.Fatal(err)
			}
			if string(b.file()) != quirkyFile {
				t.Errorf("after undoing the import the file is\n%s", b.file())
			}
		})
	}
}

// storeUnderTest is a backend with the write operations as the app runs
// them: through Live.
type storeUnderTest struct {
	*Live
	backend Backend
}

func under(b Backend) storeUnderTest { return storeUnderTest{Live: NewLive(b, nil), backend: b} }

func (s storeUnderTest) Load(ctx context.Context) (Snapshot, error) { return s.backend.Load(ctx) }
func (s storeUnderTest) String() string                             { return s.backend.String() }

// An edit that leaves a visit the same visit (its note changed, its
// name's case fixed) is not a clash with itself.
func TestAnEditThatKeepsTheVisitIsNoClashWithItself(t *testing.T) {
	const content = "name,latitude,longitude,visited,note\ngraz,47.0707,15.4395,2019,Talk\nRecife,-8.0476,-34.8770\n"
	for _, b := range backends(t, content) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			res, err := b.store.Edit(ctx, Target{ID: placeID(t, b.store, "graz")}, Edit{Note: str("Talk, and the castle")}, Author{})
			if err != nil || !res.Changed {
				t.Fatalf("changing the note: %+v, %v", res, err)
			}
			if _, err = b.store.Edit(ctx, Target{ID: res.Place.ID}, Edit{Name: str("Graz")}, Author{}); err != nil {
				t.Fatalf("fixing the name's case: %v", err)
			}
			want := "name,latitude,longitude,visited,note\nGraz,47.0707,15.4395,2019,\"Talk, and the castle\"\nRecife,-8.0476,-34.8770\n"
			if got := string(b.file()); got != want {
				t.Errorf("file:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whib/whib/store/githubtest"
)

func TestLiveKeepsLastGoodSnapshotAndRecovers(t *testing.T) {
	srv := githubtest.New(t, githubtest.WithToken(testToken), githubtest.WithFile("places.csv", defaultPlaces))
	var logs bytes.Buffer
	live := NewLive(newTestGitHub(t, srv, GitHubConfig{Branch: "main"}), slog.New(slog.NewTextHandler(&logs, nil)))
	ctx := context.Background()

	if _, _, ok := live.Current(); ok {
		t.Fatal("Current before any load should not be ok")
	}
	good, err := live.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// GitHub goes down for two refreshes (each retries internally).
	srv.FailNext(2*(1+readRetries), http.StatusBadGateway)
	for range 2 {
		snap, err := live.Refresh(ctx)
		if KindOf(err) != KindUnavailable {
			t.Fatalf("refresh error kind = %v (%v), want unavailable", KindOf(err), err)
		}
		if snap.Version != good.Version {
			t.Error("a failed refresh should return the last good snapshot")
		}
	}
	snap, status, ok := live.Current()
	if !ok || snap.Version != good.Version || len(snap.Places) != 9 {
		t.Errorf("Current during outage: ok %v, %d places", ok, len(snap.Places))
	}
	if !status.Stale || KindOf(status.LastErr) != KindUnavailable || !status.LoadedAt.Equal(good.LoadedAt) {
		t.Errorf("status during outage = %+v", status)
	}
	if n := strings.Count(logs.String(), "places refresh failed"); n != 1 {
		t.Errorf("logged the outage %d times, want once:\n%s", n, logs.String())
	}

	// GitHub is back, and someone added a place meanwhile.
	srv.SetFile("places.csv", append(append([]byte{}, defaultPlaces...), "Wien,48.2082,16.3738\n"...))
	if _, err := live.Refresh(ctx); err != nil {
		t.Fatalf("refresh after recovery: %v", err)
	}
	snap, status, _ = live.Current()
	if status.Stale || status.LastErr != nil || len(snap.Places) != 10 {
		t.Errorf("after recovery: status %+v, %d places", status, len(snap.Places))
	}
	if !strings.Contains(logs.String(), "places refresh recovered") {
		t.Error("recovery should be logged")
	}
}

func TestLiveAddServesNewSnapshotAtOnce(t *testing.T) {
	live := NewLive(NewFileStore(t.TempDir()+"/places.csv"), nil)
	ctx := context.Background()
	if _, err := live.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := live.Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{Name: "Bo"})
	if err != nil || !res.Added {
		t.Fatalf("Add: %+v, %v", res, err)
	}
	snap, _, _ := live.Current()
	if len(snap.Places) != 10 || snap.Places[9].Name != "Wien" || snap.Version != res.Snapshot.Version {
		t.Errorf("Current after add has %d places", len(snap.Places))
	}
}

// gatedStore lets a test decide when Load returns and what.
type gatedStore struct {
	Backend     // only Load and write are used
	loadStarted chan struct{}
	release     chan struct{}
	loadResult  Snapshot
	addResult   AddResult
	loads       chan struct{}
}

func (g *gatedStore) Load(ctx context.Context) (Snapshot, error) {
	if g.loads != nil {
		select {
		case g.loads <- struct{}{}:
		case <-ctx.Done():
		}
		return g.loadResult, nil
	}
	close(g.loadStarted)
	<-g.release
	return g.loadResult, nil
}

func (g *gatedStore) write(context.Context, string, planFunc) (mutation, Snapshot, error) {
	return mutation{}, g.addResult.Snapshot, nil
}
func (g *gatedStore) String() string { return "gated" }

func TestLiveSlowRefreshDoesNotUndoAnAdd(t *testing.T) {
	g := &gatedStore{
		loadStarted: make(chan struct{}),
		release:     make(chan struct{}),
		loadResult:  Snapshot{Version: "old"},
		addResult:   AddResult{Snapshot: Snapshot{Version: "new"}, Added: true},
	}
	live := NewLive(g, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = live.Refresh(ctx) // starts before the add, finishes after it
	}()
	<-g.loadStarted
	if _, err := live.Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{}); err != nil {
		t.Fatal(err)
	}
	close(g.release)
	wg.Wait()
	if snap, _, _ := live.Current(); snap.Version != "new" {
		t.Errorf("served version %q, want the add's %q", snap.Version, "new")
	}
}

// A watcher (the live map's events) hears of every snapshot served, and
// never of the slow load's older one after the add's newer one.
func TestLiveWatchersHearEachServedSnapshotInOrder(t *testing.T) {
	g := &gatedStore{
		loadStarted: make(chan struct{}),
		release:     make(chan struct{}),
		loadResult:  Snapshot{Version: "old"},
		addResult:   AddResult{Snapshot: Snapshot{Version: "new"}, Added: true},
	}
	live := NewLive(g, nil)
	var heard []string
	live.Watch(func(s Snapshot) {
		if cur, _, _ := live.Current(); cur.Version != s.Version {
			t.Errorf("watcher given %q while %q is served", s.Version, cur.Version)
		}
		heard = append(heard, s.Version) // calls come one at a time
	})
	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = live.Refresh(ctx) // starts before the add, finishes after it
	}()
	<-g.loadStarted
	if _, err := live.Add(ctx, mustPlace(t, "Wien", "48.2082", "16.3738"), Author{}); err != nil {
		t.Fatal(err)
	}
	close(g.release)
	<-done
	if strings.Join(heard, ",") != "new" {
		t.Fatalf("watcher heard %q, want only the add's snapshot (the older load is never served)", heard)
	}
	g.loads = make(chan struct{}, 1)
	g.loadResult = Snapshot{Version: "new"}
	if _, err := live.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Join(heard, ",") != "new,new" {
		t.Fatalf("after a refresh that found the same version the watcher heard %q, want it told again (a publishing delay may have passed)", heard)
	}
}

func TestLiveRunRefreshesUntilCancelled(t *testing.T) {
	g := &gatedStore{loads: make(chan struct{}), loadResult: Snapshot{Version: "v1", LoadedAt: time.Now()}}
	live := NewLive(g, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		live.Run(ctx, time.Millisecond)
		close(done)
	}()
	for range 3 {
		<-g.loads // each tick loads once
	}
	cancel()
	<-done
	if snap, status, ok := live.Current(); !ok || snap.Version != "v1" || status.Stale {
		t.Errorf("after Run: ok %v, version %q, status %+v", ok, snap.Version, status)
	}
}

// cancelAwareStore blocks each load until released and records whether
// the load's context was cancelled meanwhile.
type cancelAwareStore struct {
	Backend                    // only Load is used
	started, release, finished chan struct{}
	cancelled                  bool
}

func (c *cancelAwareStore) Load(ctx context.Context) (Snapshot, error) {
	close(c.started)
	select {
	case <-c.release:
	case <-ctx.Done():
	}
	c.cancelled = ctx.Err() != nil
	close(c.finished)
	if c.cancelled {
		return Snapshot{}, ctx.Err()
	}
	return Snapshot{Version: "v2"}, nil
}

func (c *cancelAwareStore) String() string { return "cancel-aware" }

// TestLiveCallerGivingUpDoesNotFailTheSharedRefresh: a /ping client that
// hangs up stops waiting, but the load it started goes on for the others
// (the background loop, visitors) instead of failing with its context.
func TestLiveCallerGivingUpDoesNotFailTheSharedRefresh(t *testing.T) {
	s := &cancelAwareStore{started: make(chan struct{}), release: make(chan struct{}), finished: make(chan struct{})}
	live := NewLive(s, nil)
	impatient, hangUp := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := live.Refresh(impatient)
		gaveUp <- err
	}()
	<-s.started
	hangUp()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that hung up got %v, want context.Canceled", err)
	}
	close(s.release)
	<-s.finished
	if s.cancelled {
		t.Error("the shared load was cancelled because one caller hung up")
	}
}

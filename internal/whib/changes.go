package whib

import (
	"context"
	"log/slog"
	"sync"

	"github.com/whib/whib/shared"
	"github.com/whib/whib/store"
)

// refreshTries is how many loads a change heard from another instance may
// cost: the first may join a load that started before the change was
// written, and so still find the older version.
const refreshTries = 2

// changeTeller tells the other instances (shared.Changes) of each version
// this one starts serving, after its own write or a refresh that found an
// outside commit, so their viewers hear of it at once rather than at their
// next refresh. It publishes from a goroutine of its own, the newest
// version only: a write never waits on Redis.
type changeTeller struct {
	changes shared.Changes
	logger  *slog.Logger

	mu      sync.Mutex
	told    string // the last version handed on
	pending string // a version waiting to be published
	running bool   // a goroutine is publishing
	done    sync.WaitGroup
}

// served is the store.Live watcher.
func (t *changeTeller) served(snap store.Snapshot) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if snap.Version == t.told {
		return
	}
	t.told, t.pending = snap.Version, snap.Version
	if !t.running {
		t.running = true
		t.done.Go(t.publish)
	}
}

// publish sends the pending versions until none is left. Failures are
// logged by shared (once per outage); the other instances learn of the
// change from Redis once it is back, or at their next refresh.
func (t *changeTeller) publish() {
	for {
		t.mu.Lock()
		version := t.pending
		t.pending = ""
		if version == "" {
			t.running = false
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		_ = t.changes.Publish(context.Background(), shared.Change{Version: version})
	}
}

// wait returns once nothing is being published.
func (t *changeTeller) wait() { t.done.Wait() }

// followChanges refreshes the places whenever another instance tells of a
// version this one does not serve, until ctx ends. Live's watchers then
// tell this instance's viewers.
func (a *Server) followChanges(ctx context.Context) {
	for change := range a.shared.Changes().Subscribe(ctx) {
		for range refreshTries {
			if snap, _, ok := a.live.Current(); ok && snap.Version == change.Version {
				break
			}
			if _, err := a.live.Refresh(ctx); err != nil {
				break // logged by Live; the next change or refresh tries again
			}
		}
	}
}

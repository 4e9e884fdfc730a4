package handlers

import (
	"context"
	"sync"
	"time"
)

// pingReloadInterval is how often /ping may reach the backend. Anyone with a
// token can call /ping in a loop, and each backend read costs GitHub quota;
// one read every few seconds keeps "ping after an outside edit" immediate
// while a burst of pings costs one read.
const pingReloadInterval = 5 * time.Second

// sharedReload runs a reload at most once per interval. Calls in between
// share the latest reload: they wait for it while it runs and get its
// outcome, so concurrent and close calls cost one backend read.
type sharedReload struct {
	every time.Duration

	mu     sync.Mutex
	latest *reloadRun
}

type reloadRun struct {
	started time.Time
	done    chan struct{} // closed when err is set
	err     error
}

// do runs reload unless one started less than every ago, and returns the
// outcome of the reload it ran or joined. reload must not depend on the
// caller's context: a caller giving up does not end the shared reload.
func (s *sharedReload) do(ctx context.Context, now time.Time, reload func() error) error {
	s.mu.Lock()
	run := s.latest
	if run == nil || now.Sub(run.started) >= s.every || now.Before(run.started) {
		run = &reloadRun{started: now, done: make(chan struct{})}
		s.latest = run
		s.mu.Unlock()
		run.err = reload()
		close(run.done)
		return run.err
	}
	s.mu.Unlock()
	select {
	case <-run.done:
		return run.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

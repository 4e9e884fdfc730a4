package shared

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// errUnreachable answers calls made while Redis is known to be down: they
// go straight to the fallback instead of each waiting for a timeout.
var errUnreachable = errors.New("shared: Redis is unreachable")

// link knows whether Redis is reachable. A failed call marks it down;
// from then on calls skip Redis, and one probe pings it every RetryEvery
// until it answers, then runs the recovery hooks (sharing what was kept
// locally meanwhile). Only these changes of state are logged, not every
// failed call, so an outage does not flood the log.
type link struct {
	ctx     context.Context // ends at Close
	client  *redis.Client
	timeout time.Duration
	retry   time.Duration
	logger  *slog.Logger
	addr    string

	up     atomic.Bool
	mu     sync.Mutex
	known  bool          // a state was logged already
	ready  chan struct{} // closed once up and recovered; replaced when down
	since  time.Time     // when it went down
	probe  bool          // a probe is running
	hooks  []func(context.Context)
	probes sync.WaitGroup
}

func newLink(ctx context.Context, client *redis.Client, cfg Config, addr string) *link {
	return &link{
		ctx: ctx, client: client, timeout: cfg.Timeout, retry: cfg.RetryEvery,
		logger: cfg.Logger, addr: addr, ready: make(chan struct{}),
	}
}

// onUp adds a hook run each time Redis becomes reachable. Add hooks before
// start.
func (l *link) onUp(hook func(context.Context)) { l.hooks = append(l.hooks, hook) }

// start tries Redis once, within the timeout, so the log says at once
// whether sharing works.
func (l *link) start(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	if err := l.client.Ping(ctx).Err(); err != nil {
		l.failed(err)
		return
	}
	l.recovered()
}

func (l *link) healthy() bool { return l.up.Load() }

// do runs one call within the timeout, unless Redis is known to be down.
// redis.Nil (no such key) is an answer, not a failure; neither is an
// error after the caller itself gave up.
func (l *link) do(ctx context.Context, call func(context.Context) error) error {
	if !l.up.Load() {
		return errUnreachable
	}
	callCtx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	err := call(callCtx)
	if err == nil || errors.Is(err, redis.Nil) || ctx.Err() != nil {
		return err
	}
	l.failed(err)
	return err
}

// failed marks Redis down and starts the probe, once per outage.
func (l *link) failed(err error) {
	l.mu.Lock()
	wasUp, known := l.up.Load(), l.known
	if wasUp {
		l.up.Store(false)
		l.ready = make(chan struct{})
	}
	if wasUp || !known {
		l.since = time.Now()
	}
	l.known = true
	startProbe := !l.probe
	l.probe = true
	l.mu.Unlock()
	if wasUp || !known {
		l.logger.Warn("shared: Redis is unreachable; until it is back, this instance keeps ended sessions and rate limits in its own memory and tells only its own viewers of changes",
			"address", l.addr, "err", err, "retry_every", l.retry)
	}
	if startProbe {
		l.probes.Go(l.probeUntilUp)
	}
}

// probeUntilUp pings every RetryEvery until Redis answers or Close.
func (l *link) probeUntilUp() {
	ticker := time.NewTicker(l.retry)
	defer ticker.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-ticker.C:
		}
		ctx, cancel := context.WithTimeout(l.ctx, l.timeout)
		err := l.client.Ping(ctx).Err()
		cancel()
		if err == nil {
			l.recovered()
			return
		}
	}
}

// recovered marks Redis up, runs the hooks, then wakes those waiting for
// it. Should a hook's call fail, Redis is down again and a new probe runs.
func (l *link) recovered() {
	l.mu.Lock()
	wasKnown, since := l.known, l.since
	l.known = true
	l.up.Store(true)
	l.probe = false
	ready := l.ready
	l.mu.Unlock()
	for _, hook := range l.hooks {
		hook(l.ctx)
	}
	close(ready)
	if wasKnown {
		l.logger.Info("shared: Redis is reachable again; sharing resumed",
			"address", l.addr, "down_for", time.Since(since).Round(time.Millisecond))
	} else {
		l.logger.Info("shared: Redis is reachable", "address", l.addr)
	}
}

// waitUp returns once Redis is up (at once if it is), or when ctx ends.
func (l *link) waitUp(ctx context.Context) error {
	l.mu.Lock()
	ready := l.ready
	l.mu.Unlock()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait returns once the probe has stopped (after Close).
func (l *link) wait() { l.probes.Wait() }

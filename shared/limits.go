package shared

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxBuckets bounds the clients a MemoryLimiter remembers at once.
const maxBuckets = 50_000

// MemoryLimiter is the in-memory Limiter: a token bucket per client
// (golang.org/x/time/rate). Buckets idle for longer than a minute are
// dropped, so a scan from many addresses cannot grow memory without bound.
type MemoryLimiter struct {
	perMinute int
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

var _ Limiter = (*MemoryLimiter)(nil)

type bucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

// NewMemoryLimiter allows each client perMinute requests a minute (at
// least one) in bursts of a third of that; now is the clock (nil:
// time.Now).
func NewMemoryLimiter(perMinute int, now func() time.Time) *MemoryLimiter {
	if now == nil {
		now = time.Now
	}
	return &MemoryLimiter{perMinute: max(1, perMinute), now: now, buckets: make(map[string]*bucket)}
}

// Allow takes one request from key's bucket.
func (l *MemoryLimiter) Allow(_ context.Context, key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		every := rate.Every(time.Minute / time.Duration(l.perMinute))
		b = &bucket{limiter: rate.NewLimiter(every, burstOf(l.perMinute))}
		l.buckets[key] = b
	}
	b.seen = now
	res := b.limiter.ReserveN(now, 1)
	if delay := res.DelayFrom(now); delay > 0 {
		res.CancelAt(now)
		return false, delay
	}
	return true, 0
}

// sweep forgets buckets idle for a minute, at most once a minute unless
// the map is full. Callers hold l.mu.
func (l *MemoryLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) <= time.Minute && len(l.buckets) < maxBuckets {
		return
	}
	for k, b := range l.buckets {
		if now.Sub(b.seen) > time.Minute {
			delete(l.buckets, k)
		}
	}
	l.swept = now
	if len(l.buckets) >= maxBuckets {
		// Under a flood from this many clients, forgetting them all is
		// better than growing without bound.
		clear(l.buckets)
	}
}

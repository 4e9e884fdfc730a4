package shared

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/internal/redistest"
)

// TestRedisGoingAwayFallsBackToMemoryAndSharesAgainWhenBack stops Redis
// in the middle: the instances carry on with their own memory as
// documented on Redis, and what they kept is shared once Redis is back.
func TestRedisGoingAwayFallsBackToMemoryAndSharesAgainWhenBack(t *testing.T) {
	srv := redistest.Start(t)
	var logsA logBuffer
	a, b := openRedis(t, srv.URL(), &logsA), openRedis(t, srv.URL(), nil)
	ctx := t.Context()
	limitA, limitB := a.Limiter("writes", 3), b.Limiter("writes", 3) // burst 1
	fromB := b.Changes().Subscribe(ctx)
	if ok, _ := limitA.Allow(ctx, "sub:alice"); !ok {
		t.Fatal("alice's first write was refused")
	}
	if ok, _ := limitB.Allow(ctx, "sub:alice"); ok {
		t.Fatal("alice's budget is not shared while Redis is up")
	}

	srv.Stop()
	// Limits: each instance enforces the budget alone.
	if ok, _ := limitA.Allow(ctx, "sub:alice"); !ok {
		t.Fatal("without Redis, instance A should fall back to its own budget for alice, which is unspent")
	}
	if ok, _ := limitA.Allow(ctx, "sub:alice"); ok {
		t.Fatal("without Redis, instance A stopped limiting alice altogether")
	}
	_, _ = limitB.Allow(ctx, "sub:alice") // B finds Redis gone too
	if a.Healthy() || b.Healthy() {
		t.Fatal("Healthy() says Redis is up while it is stopped")
	}
	// Sessions: a logout is known at once where it happened.
	a.EndedSessions().End(ctx, "session-1", time.Now().Add(time.Hour))
	if !a.EndedSessions().Ended(ctx, "session-1") {
		t.Fatal("a logout during the outage is not even known to the instance that served it")
	}
	if b.EndedSessions().Ended(ctx, "session-1") {
		t.Fatal("instance B cannot know of A's logout while Redis is away; the fallback is documented as local")
	}
	// Changes: this instance's viewers still hear of its own writes.
	fromA := a.Changes().Subscribe(ctx)
	if err := a.Changes().Publish(ctx, Change{Version: "v2"}); err == nil {
		t.Fatal("Publish said other instances were told while Redis is stopped")
	}
	if got := receive(t, fromA); got.Version != "v2" {
		t.Fatalf("A's own subscriber got %+v during the outage, want v2", got)
	}
	if n := strings.Count(logsA.String(), "Redis is unreachable"); n != 1 {
		t.Fatalf("the outage was logged %d times, want once (a change of state, not every failure):\n%s", n, logsA.String())
	}

	srv.Restart() // empty, as a Redis that lost its memory
	waitUp(t, a)
	waitUp(t, b)
	if !b.EndedSessions().Ended(ctx, "session-1") {
		t.Fatal("A's logout during the outage did not reach B once Redis was back")
	}
	if got := receive(t, fromB); got.Version != "v2" {
		t.Fatalf("B got %+v once Redis was back, want the v2 written during the outage", got)
	}
	if ok, _ := limitA.Allow(ctx, "sub:bob"); !ok {
		t.Fatal("bob's first write was refused after the outage")
	}
	if ok, _ := limitB.Allow(ctx, "sub:bob"); ok {
		t.Fatal("budgets are not shared again after Redis came back")
	}
	if !strings.Contains(logsA.String(), "reachable again") {
		t.Fatalf("the recovery was not logged:\n%s", logsA.String())
	}
}

func TestRedisUnreachableAtStartIsNoErrorAndJoinsWhenItComes(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	var logs logBuffer
	r := openRedis(t, srv.URL(), &logs)
	if r.Healthy() {
		t.Fatal("Healthy() with no Redis listening")
	}
	if !strings.Contains(logs.String(), "Redis is unreachable") {
		t.Fatalf("the start without Redis was not logged:\n%s", logs.String())
	}
	ctx := t.Context()
	r.EndedSessions().End(ctx, "session-1", time.Now().Add(time.Hour))
	srv.Restart()
	waitUp(t, r)
	other := openRedis(t, srv.URL(), nil)
	if !other.EndedSessions().Ended(ctx, "session-1") {
		t.Fatal("a logout made before Redis came up was not shared once it did")
	}
}

func TestRedisCallsDuringAnOutageDoNotWaitForTimeouts(t *testing.T) {
	srv := redistest.Start(t)
	r := openRedis(t, srv.URL(), nil, func(c *Config) { c.RetryEvery = time.Hour })
	srv.Stop()
	_, _ = r.Limiter("writes", 60).Allow(t.Context(), "sub:alice") // finds Redis gone
	calls := 0
	err := r.link.do(t.Context(), func(context.Context) error { calls++; return nil })
	if !errors.Is(err, errUnreachable) || calls != 0 {
		t.Fatalf("a call while Redis is known down went to Redis (err %v, calls %d): each request would wait for the timeout", err, calls)
	}
}

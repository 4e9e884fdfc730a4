package shared

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/whib/whib/internal/redistest"
)

// openRedis is one whib instance's shared state on srv's URL. Redis is
// tried again every 10 ms, so recoveries are quick.
func openRedis(t *testing.T, url string, logs *logBuffer, tweaks ...func(*Config)) *Redis {
	t.Helper()
	if logs == nil {
		logs = &logBuffer{}
	}
	cfg := Config{RedisURL: url, RetryEvery: 10 * time.Millisecond, Timeout: 2 * time.Second, Logger: logs.logger()}
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	r, err := OpenRedis(t.Context(), cfg)
	if err != nil {
		t.Fatalf("OpenRedis: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// waitUp returns once r has found Redis again and shared what it kept.
func waitUp(t *testing.T, r *Redis) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), receiveWithin)
	defer cancel()
	if err := r.link.waitUp(ctx); err != nil {
		t.Fatalf("Redis was not reachable again within %s", receiveWithin)
	}
}

func TestRedisPublishOnOneInstanceReachesSubscribersOnThreeOthers(t *testing.T) {
	srv := redistest.Start(t)
	writer := openRedis(t, srv.URL(), nil)
	own := writer.Changes().Subscribe(t.Context())
	var others []*Redis
	var subs []<-chan Change
	for range 3 {
		r := openRedis(t, srv.URL(), nil)
		others = append(others, r)
		subs = append(subs, r.Changes().Subscribe(t.Context()))
	}
	if err := writer.Changes().Publish(t.Context(), Change{Version: "v2"}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	for i, ch := range subs {
		if got := receive(t, ch); got.Version != "v2" || got.Origin != writer.origin {
			t.Fatalf("instance %d got %+v, want v2 from the writer", i+1, got)
		}
	}
	if got := receive(t, own); got.Version != "v2" {
		t.Fatalf("the writer's own subscriber got %+v, want v2", got)
	}
	// The writer's change must not come back to it through Redis: the
	// next thing it hears is another instance's change.
	if err := others[0].Changes().Publish(t.Context(), Change{Version: "v3"}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if got := receive(t, own); got.Version != "v3" {
		t.Fatalf("the writer heard %+v, want only the other instance's v3", got)
	}
}

func TestRedisEndedSessionIsRefusedByAnotherInstance(t *testing.T) {
	srv := redistest.Start(t)
	a, b := openRedis(t, srv.URL(), nil), openRedis(t, srv.URL(), nil)
	ctx := t.Context()
	a.EndedSessions().End(ctx, "session-1", time.Now().Add(time.Hour))
	if !b.EndedSessions().Ended(ctx, "session-1") {
		t.Fatal("a session logged out on instance A is still accepted on instance B")
	}
	if b.EndedSessions().Ended(ctx, "session-2") {
		t.Fatal("a session nobody ended is refused")
	}
	raw := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer raw.Close()
	keys, err := raw.Keys(ctx, "*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys = %v, %v; want the one ended session", keys, err)
	}
	if strings.Contains(keys[0], "session-1") {
		t.Fatalf("the key %q shows the session id", keys[0])
	}
	if ttl := raw.PTTL(ctx, keys[0]).Val(); ttl <= 0 || ttl > time.Hour {
		t.Fatalf("the key lives %s, want it to expire with the session (within an hour)", ttl)
	}
}

func TestRedisBudgetIsOneAcrossThreeInstances(t *testing.T) {
	srv := redistest.Start(t)
	var limiters []Limiter
	for range 3 {
		limiters = append(limiters, openRedis(t, srv.URL(), nil).Limiter("writes", 9)) // burst 3
	}
	ctx := t.Context()
	for i := range 3 {
		if ok, _ := limiters[i].Allow(ctx, "sub:alice"); !ok {
			t.Fatalf("request %d of alice's burst was refused on instance %d", i+1, i+1)
		}
	}
	for i, l := range limiters {
		ok, wait := l.Allow(ctx, "sub:alice")
		if ok || wait <= 0 || wait > time.Minute/9 {
			t.Fatalf("instance %d: ok=%v wait=%s; want alice refused everywhere once her one budget is spent, with a wait of at most %s",
				i+1, ok, wait, time.Minute/9)
		}
	}
	if ok, _ := limiters[0].Allow(ctx, "sub:bob"); !ok {
		t.Fatal("bob was refused for alice's requests")
	}
	if ok, _ := openRedis(t, srv.URL(), nil).Limiter("logins", 9).Allow(ctx, "sub:alice"); !ok {
		t.Fatal("another budget (logins) was spent by writes")
	}
}

func TestRedisMatchesTheInMemoryBudget(t *testing.T) {
	srv := redistest.Start(t)
	shared := openRedis(t, srv.URL(), nil).Limiter("search", 12) // burst 4, one more every 5 s
	local := NewMemoryLimiter(12, nil)
	ctx := t.Context()
	for i := range 8 {
		okShared, _ := shared.Allow(ctx, "ip:192.0.2.1")
		okLocal, _ := local.Allow(ctx, "ip:192.0.2.1")
		if okShared != okLocal {
			t.Fatalf("request %d: Redis allowed=%v, memory allowed=%v; a client must see the same budget either way",
				i+1, okShared, okLocal)
		}
	}
}

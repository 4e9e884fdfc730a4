package shared

import (
	"testing"
	"time"

	"github.com/whib/whib/internal/redistest"
)

func TestOpenWithoutARedisURLKeepsEverythingInThisInstance(t *testing.T) {
	clock := newFakeClock()
	st, err := Open(t.Context(), Config{Now: clock.Now, EndedSessionsLimit: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok := st.(*Memory); !ok || !st.Healthy() {
		t.Fatalf("Open without REDIS_URL gave %T (healthy %v), want a healthy *Memory", st, st.Healthy())
	}
	ctx := t.Context()
	changes := st.Changes().Subscribe(ctx)
	_ = st.Changes().Publish(ctx, Change{Version: "v2"})
	if got := receive(t, changes); got.Version != "v2" {
		t.Fatalf("got %+v", got)
	}
	st.EndedSessions().End(ctx, "session-1", clock.Now().Add(time.Hour))
	if !st.EndedSessions().Ended(ctx, "session-1") {
		t.Fatal("a logout was forgotten")
	}
	limit := st.Limiter("writes", 3)
	if ok, _ := limit.Allow(ctx, "sub:alice"); !ok {
		t.Fatal("alice's first write was refused")
	}
	if ok, _ := limit.Allow(ctx, "sub:alice"); ok {
		t.Fatal("alice's second write within the burst of one went through")
	}
}

func TestOpenWithARedisURLSharesThroughRedis(t *testing.T) {
	srv := redistest.Start(t)
	st, err := Open(t.Context(), Config{RedisURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok := st.(*Redis); !ok || !st.Healthy() {
		t.Fatalf("Open with REDIS_URL gave %T (healthy %v), want a healthy *Redis", st, st.Healthy())
	}
	if bad, err := Open(t.Context(), Config{RedisURL: "http://redis.example"}); err == nil || bad != nil {
		t.Fatalf("a REDIS_URL that is not redis:// or rediss:// gave %#v, %v; want no State (a caller closes a non-nil one) and an error", bad, err)
	}
}

package shared

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiveWithin bounds a wait for a change that must come; it is a
// deadline for a failing test, not a synchronisation.
const receiveWithin = 5 * time.Second

func receive(t *testing.T, ch <-chan Change) Change {
	t.Helper()
	select {
	case c, ok := <-ch:
		if !ok {
			t.Fatal("the subscription closed instead of delivering a change")
		}
		return c
	case <-time.After(receiveWithin):
		t.Fatalf("no change arrived within %s", receiveWithin)
		return Change{}
	}
}

func assertNothingPending(t *testing.T, ch <-chan Change) {
	t.Helper()
	select {
	case c := <-ch:
		t.Fatalf("got an extra change %+v", c)
	default:
	}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// logBuffer collects a logger's output for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestHubTellsEverySubscriberAndEndsWithTheirContext(t *testing.T) {
	hub := NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	subs := []<-chan Change{hub.Subscribe(ctx), hub.Subscribe(ctx), hub.Subscribe(t.Context())}
	_ = hub.Publish(ctx, Change{Version: "v2"})
	for i, ch := range subs {
		if got := receive(t, ch); got.Version != "v2" {
			t.Fatalf("subscriber %d got %+v, want version v2", i, got)
		}
	}
	cancel()
	for _, ch := range subs[:2] {
		for range ch { // drains until closed: a hang here fails the test
		}
	}
	_ = hub.Publish(t.Context(), Change{Version: "v3"})
	if got := receive(t, subs[2]); got.Version != "v3" {
		t.Fatalf("the remaining subscriber got %+v, want v3", got)
	}
}

func TestHubGivesASlowSubscriberTheNewestChangeWithoutBlocking(t *testing.T) {
	hub := NewHub()
	ch := hub.Subscribe(t.Context())
	for _, v := range []string{"v1", "v2", "v3"} {
		_ = hub.Publish(t.Context(), Change{Version: v}) // would block here if it waited for the reader
	}
	if got := receive(t, ch); got.Version != "v3" {
		t.Fatalf("a subscriber that fell behind got %+v, want the newest, v3", got)
	}
	assertNothingPending(t, ch)
}

func TestMemorySessionsForgetEndedSessionsOnceTheyExpire(t *testing.T) {
	clock := newFakeClock()
	s := NewMemorySessions(10, clock.Now, nil)
	ctx := t.Context()
	s.End(ctx, "alice", clock.Now().Add(time.Hour))
	if !s.Ended(ctx, "alice") || s.Ended(ctx, "bob") {
		t.Fatal("want alice's session ended and bob's not")
	}
	clock.Advance(time.Hour)
	if s.Ended(ctx, "alice") {
		t.Fatal("alice's session is still listed after its end: the list would only grow")
	}
	s.End(ctx, "carol", clock.Now().Add(-time.Second))
	if s.Ended(ctx, "carol") {
		t.Fatal("a session ended in the past was kept")
	}
}

func TestMemorySessionsStayBoundedAndForgetTheSoonestToExpireFirst(t *testing.T) {
	clock := newFakeClock()
	var logs logBuffer
	s := NewMemorySessions(2, clock.Now, logs.logger())
	ctx := t.Context()
	s.End(ctx, "late", clock.Now().Add(3*time.Hour))
	s.End(ctx, "soon", clock.Now().Add(time.Hour))
	s.End(ctx, "middle", clock.Now().Add(2*time.Hour))
	if s.Ended(ctx, "soon") {
		t.Fatal("the session expiring soonest should have been forgotten to stay within the limit")
	}
	if !s.Ended(ctx, "late") || !s.Ended(ctx, "middle") {
		t.Fatal("the sessions expiring later must still be refused")
	}
	if !strings.Contains(logs.String(), "full") {
		t.Fatalf("evicting an ended session was not logged; log: %s", logs.String())
	}
}

func TestMemorySessionsKeepTheLaterEndOfASessionEndedTwice(t *testing.T) {
	clock := newFakeClock()
	s := NewMemorySessions(10, clock.Now, nil)
	ctx := t.Context()
	s.End(ctx, "alice", clock.Now().Add(time.Hour))
	s.End(ctx, "alice", clock.Now().Add(2*time.Hour))
	clock.Advance(90 * time.Minute)
	if !s.Ended(ctx, "alice") {
		t.Fatal("the later end was lost")
	}
}

func TestMemoryLimiterAllowsABurstThenSaysHowLongToWait(t *testing.T) {
	clock := newFakeClock()
	l := NewMemoryLimiter(6, clock.Now) // burst 2, one more every 10 s
	ctx := t.Context()
	for i := range 2 {
		if ok, _ := l.Allow(ctx, "ip:192.0.2.1"); !ok {
			t.Fatalf("request %d of the burst was refused", i+1)
		}
	}
	ok, wait := l.Allow(ctx, "ip:192.0.2.1")
	if ok || wait <= 0 || wait > 10*time.Second {
		t.Fatalf("third request: ok=%v wait=%s; want refused with a wait of at most 10 s", ok, wait)
	}
	if ok, _ := l.Allow(ctx, "ip:192.0.2.2"); !ok {
		t.Fatal("another client was refused: budgets must be per client")
	}
	clock.Advance(wait)
	if ok, _ := l.Allow(ctx, "ip:192.0.2.1"); !ok {
		t.Fatal("refused again after waiting as told")
	}
}

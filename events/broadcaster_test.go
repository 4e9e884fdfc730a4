package events

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestEveryStreamGetsEachChangeOnceEncoded(t *testing.T) {
	var calls atomic.Int64
	b, _ := newBroadcaster(t, Config{Retry: 3 * time.Second}, &calls)
	srv := serve(t, b)
	clients := []*client{connect(t, srv.URL, ""), connect(t, srv.URL, ""), connect(t, srv.URL, "")}
	for i, c := range clients {
		if got := c.resp.Header.Get("Content-Type"); got != "text/event-stream" {
			t.Fatalf("Content-Type = %q", got)
		}
		if cc := c.resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("Cache-Control = %q, want no-store so no proxy holds events back", cc)
		}
		first := c.next(t)
		if first.retry < 3*time.Second || first.retry >= 6*time.Second {
			t.Fatalf("stream %d was told retry: %s, want between 3 s and 6 s", i, first.retry)
		}
	}
	if err := b.Publish(change{Version: "v2", Places: 7}); err != nil {
		t.Fatal(err)
	}
	for i, c := range clients {
		got := c.nextEvent(t)
		if got.id != "v2" || got.name != "change" || got.data != `{"places":7,"version":"v2"}` {
			t.Fatalf("stream %d got %+v", i, got)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the payload was made %d times for three streams, want once", n)
	}
}

func TestAQuietStreamGetsAHeartbeatOnEveryTick(t *testing.T) {
	b, ticker := newBroadcaster(t, Config{}, nil)
	srv := serve(t, b)
	c := connect(t, srv.URL, "")
	c.next(t) // retry:
	ticker.tick(t)
	if got := c.next(t); got.comment != "heartbeat" || got.id != "" || got.data != "" {
		t.Fatalf("after a tick the stream got %+v, want a comment line only", got)
	}
}

func TestReconnectWithLastEventIDCatchesUp(t *testing.T) {
	b, _ := newBroadcaster(t, Config{Backlog: 3}, nil)
	srv := serve(t, b)
	for i, v := range []string{"v1", "v2", "v3", "v4"} {
		if err := b.Publish(change{Version: v, Places: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	c := connect(t, srv.URL, "v2")
	c.next(t)
	for _, want := range []string{"v3", "v4"} {
		if got := c.nextEvent(t); got.id != want {
			t.Fatalf("catching up after v2 got %q, want %q", got.id, want)
		}
	}
	// v1 has left the three-event ring: the newest event says the state.
	old := connect(t, srv.URL, "v1")
	old.next(t)
	if got := old.nextEvent(t); got.id != "v4" || !strings.Contains(got.data, `"places":4`) {
		t.Fatalf("a reconnect from an event no longer kept got %+v, want the newest, v4", got)
	}
	// Up to date, or new: nothing to catch up with, the next change comes.
	for _, last := range []string{"v4", ""} {
		c := connect(t, srv.URL, last)
		c.next(t)
		if err := b.Publish(change{Version: "v5" + last, Places: 5}); err != nil {
			t.Fatal(err)
		}
		if got := c.nextEvent(t); got.id != "v5"+last {
			t.Fatalf("with Last-Event-ID %q the first event was %q, want the new one", last, got.id)
		}
	}
}

func TestTheSameStateIsNotSentTwice(t *testing.T) {
	b, _ := newBroadcaster(t, Config{}, nil)
	srv := serve(t, b)
	c := connect(t, srv.URL, "")
	c.next(t)
	for _, v := range []string{"v2", "v2", "v3"} { // say, this instance's write, then Redis's echo
		if err := b.Publish(change{Version: v}); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := c.nextEvent(t), c.nextEvent(t); a.id != "v2" || b.id != "v3" {
		t.Fatalf("got %q then %q, want v2 once, then v3", a.id, b.id)
	}
}

func TestAnEventIDOrNameOverOneLineIsRefused(t *testing.T) {
	var calls atomic.Int64
	b, _ := newBroadcaster(t, Config{}, &calls)
	srv := serve(t, b)
	c := connect(t, srv.URL, "")
	c.next(t)
	if err := b.Publish(change{Version: "v2\ndata: forged"}); err == nil {
		t.Fatal("an ID with a line break was accepted: it could forge fields")
	}
	if err := b.Publish(change{Version: "v3"}); err != nil {
		t.Fatal(err)
	}
	if got := c.nextEvent(t); got.id != "v3" {
		t.Fatalf("the stream got %+v, want v3 and nothing of the refused event", got)
	}
}

func TestDataWithLineBreaksStaysOneEvent(t *testing.T) {
	b, err := New(Config{MaxStreams: 1, NewTicker: newFakeTicker().new}, func(s string) (Event, error) {
		return Event{ID: "1", Data: []byte(s)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	srv := serve(t, b)
	c := connect(t, srv.URL, "")
	c.next(t)
	_ = b.Publish("one\ntwo\r\nthree\rfour")
	if got := c.nextEvent(t); got.data != "one\ntwo\nthree\nfour" {
		t.Fatalf("data = %q", got.data)
	}
}

package events

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// flushWriter records a response in memory and signals its first flush,
// which a stream makes once it has joined.
type flushWriter struct {
	*httptest.ResponseRecorder
	flushed chan struct{}
	once    sync.Once
	// gate, when set, holds every write after the first flush: a client
	// that stopped reading.
	gate chan struct{}
}

func newFlushWriter() *flushWriter {
	return &flushWriter{ResponseRecorder: httptest.NewRecorder(), flushed: make(chan struct{})}
}

func (w *flushWriter) Write(p []byte) (int, error) {
	select {
	case <-w.flushed:
		if w.gate != nil {
			<-w.gate
		}
	default:
	}
	return w.ResponseRecorder.Write(p)
}

func (w *flushWriter) Flush() {
	w.ResponseRecorder.Flush()
	w.once.Do(func() { close(w.flushed) })
}

// inProcess is a stream served without a network, ended by cancel.
type inProcess struct {
	w      *flushWriter
	cancel context.CancelFunc
	done   chan struct{}
}

func open(t *testing.T, h http.Handler, w *flushWriter) *inProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	s := &inProcess{w: w, cancel: cancel, done: make(chan struct{})}
	r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/events", nil)
	go func() {
		defer close(s.done)
		h.ServeHTTP(w, r)
	}()
	t.Cleanup(func() { cancel(); <-s.done })
	return s
}

func (s *inProcess) joined(t *testing.T) {
	t.Helper()
	select {
	case <-s.w.flushed:
	case <-s.done:
		t.Fatalf("the stream ended at once with %d", s.w.Code)
	case <-time.After(within):
		t.Fatal("the stream did not start")
	}
}

func (s *inProcess) returned(t *testing.T) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(within):
		t.Fatal("the stream's handler did not return")
	}
}

func TestStreamsAreCappedAndASlotFreesWhenAViewerLeaves(t *testing.T) {
	b, _ := newBroadcaster(t, Config{MaxStreams: 2}, nil)
	first, second := open(t, b, newFlushWriter()), open(t, b, newFlushWriter())
	first.joined(t)
	second.joined(t)
	over := httptest.NewRecorder()
	b.ServeHTTP(over, httptest.NewRequest(http.MethodGet, "/events", nil))
	if over.Code != http.StatusServiceUnavailable || over.Header().Get("Retry-After") == "" {
		t.Fatalf("the stream over the cap got %d (Retry-After %q), want 503 with Retry-After",
			over.Code, over.Header().Get("Retry-After"))
	}
	first.cancel() // the viewer closes the tab
	first.returned(t)
	if n := b.Streams(); n != 1 {
		t.Fatalf("Streams() = %d after one of two left, want 1", n)
	}
	open(t, b, newFlushWriter()).joined(t)
}

func TestASlowStreamIsDroppedWithoutHoldingUpTheOthers(t *testing.T) {
	b, _ := newBroadcaster(t, Config{Buffer: 2}, nil)
	fast := connect(t, serve(t, b).URL, "")
	fast.next(t)
	slowWriter := newFlushWriter()
	slowWriter.gate = make(chan struct{})
	slow := open(t, b, slowWriter)
	t.Cleanup(func() { close(slowWriter.gate) })
	slow.joined(t)

	// The slow client holds one event in a write and two in its buffer;
	// by the fourth it is dropped. Each Publish must return regardless.
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		publishWithin(t, b, change{Version: v})
		if got := fast.nextEvent(t); got.id != v {
			t.Fatalf("the fast stream got %q, want %q", got.id, v)
		}
	}
	if n := b.Streams(); n != 1 {
		t.Fatalf("Streams() = %d, want 1: the slow stream should have been dropped", n)
	}
}

// publishWithin fails the test if Publish waits, as it would if it waited
// for a client.
func publishWithin(t *testing.T, b *Broadcaster[change], c change) {
	t.Helper()
	published := make(chan error, 1)
	go func() { published <- b.Publish(c) }()
	select {
	case err := <-published:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(within):
		t.Fatal("Publish waited for a client that stopped reading")
	}
}

func TestCloseEndsEveryStreamCleanlyAndRefusesNewOnes(t *testing.T) {
	b, _ := newBroadcaster(t, Config{}, nil)
	srv := serve(t, b)
	c := connect(t, srv.URL, "")
	c.next(t)
	b.Close()
	c.ended(t)
	if c.err != io.EOF {
		t.Fatalf("the stream ended with %v, want a clean end (EOF)", c.err)
	}
	after := connect(t, srv.URL, "")
	if after.resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a stream after Close got %d, want 503", after.resp.StatusCode)
	}
}

func TestAStreamOutlivesTheServersReadAndWriteTimeouts(t *testing.T) {
	const timeout = 200 * time.Millisecond
	b, ticker := newBroadcaster(t, Config{}, nil)
	srv := httptest.NewUnstartedServer(b)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = timeout, timeout
	srv.Start()
	t.Cleanup(srv.Close)
	c := connect(t, srv.URL, "")
	c.next(t)
	// Let both of the server's deadlines pass: this waits for the clock,
	// which the timeouts are about, and synchronises nothing.
	time.Sleep(3 * timeout)
	ticker.tick(t)
	if got := c.next(t); got.comment != "heartbeat" {
		t.Fatalf("got %+v, want a heartbeat", got)
	}
	if err := b.Publish(change{Version: "v2"}); err != nil {
		t.Fatal(err)
	}
	if got := c.nextEvent(t); got.id != "v2" {
		t.Fatalf("after the server's timeouts the stream got %+v, want v2", got)
	}
}

package events

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// within bounds a wait for something that must happen: a deadline for a
// failing test, not a synchronisation.
const within = 5 * time.Second

// change is what the tests publish; payload makes its public event.
type change struct {
	Version string
	Places  int
}

func payload(calls *atomic.Int64) func(change) (Event, error) {
	return func(c change) (Event, error) {
		if calls != nil {
			calls.Add(1)
		}
		data, err := json.Marshal(map[string]any{"version": c.Version, "places": c.Places})
		return Event{ID: c.Version, Name: "change", Data: data}, err
	}
}

// fakeTicker is a heartbeat the test drives.
type fakeTicker struct{ ticks chan time.Time }

func newFakeTicker() *fakeTicker { return &fakeTicker{ticks: make(chan time.Time)} }

func (f *fakeTicker) new(time.Duration) (<-chan time.Time, func()) { return f.ticks, func() {} }

func (f *fakeTicker) tick(t *testing.T) {
	t.Helper()
	select {
	case f.ticks <- time.Now():
	case <-time.After(within):
		t.Fatal("the heartbeat did not take the tick")
	}
}

func newBroadcaster(t *testing.T, cfg Config, calls *atomic.Int64) (*Broadcaster[change], *fakeTicker) {
	t.Helper()
	ticker := newFakeTicker()
	if cfg.MaxStreams == 0 {
		cfg.MaxStreams = 100
	}
	cfg.NewTicker = ticker.new
	b, err := New(cfg, payload(calls))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b, ticker
}

// block is one server-sent block as a browser would parse it.
type block struct {
	id, name, data, comment string
	retry                   time.Duration
}

// client is one open stream, read by a goroutine into blocks.
type client struct {
	resp   *http.Response
	blocks chan block
	cancel context.CancelFunc
	err    error // why reading ended; read it once blocks is closed
}

func connect(t *testing.T, url string, lastEventID string) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", url, err)
	}
	c := &client{resp: resp, blocks: make(chan block, 100), cancel: cancel}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	if resp.StatusCode == http.StatusOK {
		go readBlocks(resp.Body, c.blocks, &c.err)
	}
	return c
}

// readBlocks sends the blocks read from r to out, and closes it once the
// stream ends, having set *why.
func readBlocks(r io.Reader, out chan<- block, why *error) {
	br := bufio.NewReader(r)
	var b block
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			*why = err
			close(out)
			return
		}
		line = strings.TrimSuffix(line, "\n")
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "":
			if line == "" {
				out <- b
				b = block{}
				continue
			}
			b.comment = value
		case "id":
			b.id = value
		case "event":
			b.name = value
		case "data":
			if b.data != "" {
				b.data += "\n"
			}
			b.data += value
		case "retry":
			ms, _ := strconv.Atoi(value)
			b.retry = time.Duration(ms) * time.Millisecond
		}
	}
}

// next returns the next block, or fails the test.
func (c *client) next(t *testing.T) block {
	t.Helper()
	select {
	case b, ok := <-c.blocks:
		if !ok {
			t.Fatal("the stream ended")
		}
		return b
	case <-time.After(within):
		t.Fatalf("nothing arrived on the stream within %s", within)
		return block{}
	}
}

// nextEvent skips heartbeats and retry blocks.
func (c *client) nextEvent(t *testing.T) block {
	t.Helper()
	for {
		if b := c.next(t); b.id != "" || b.data != "" {
			return b
		}
	}
}

// ended waits for the stream to end, or fails the test.
func (c *client) ended(t *testing.T) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case _, ok := <-c.blocks:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("the stream was still open after %s", within)
		}
	}
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

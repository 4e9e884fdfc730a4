package apptest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Within bounds a wait for something that must happen (an event on a
// stream): a deadline for a failing test, not a synchronisation.
const Within = 10 * time.Second

// Event is one Server-Sent Event as a browser's EventSource sees it.
type Event struct {
	ID, Name, Data string
}

// Change is a change event's data.
type Change struct {
	Version string `json:"version"`
	Places  int    `json:"places"`
	URL     string `json:"url"`
}

// Change decodes the event's data, failing the test if it is not a
// change.
func (e Event) Change(t testing.TB) Change {
	t.Helper()
	var c Change
	if e.Name != "change" {
		t.Fatalf("got a %q event, want change", e.Name)
	}
	if err := json.Unmarshal([]byte(e.Data), &c); err != nil {
		t.Fatalf("change event data %q: %v", e.Data, err)
	}
	return c
}

// Stream is an open GET /events.
type Stream struct {
	t      testing.TB
	Header http.Header
	events chan Event
	ended  chan struct{}
}

// OpenStream opens GET base+"/events"+query and fails the test unless it
// is a 200 text/event-stream. header is sent too (Last-Event-ID, a
// cookie). The stream is read until it ends or the test does.
func OpenStream(t testing.TB, base, query string, header map[string]string) *Stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/events"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body.Close()
		t.Fatalf("GET /events%s = %d %s, want a 200 event stream", query, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &Stream{t: t, Header: resp.Header, events: make(chan Event, 64), ended: make(chan struct{})}
	go s.read(ctx, bufio.NewReader(resp.Body), resp)
	return s
}

// read parses the stream as EventSource does: fields until a blank line,
// comments (the heartbeat) and retry: skipped.
func (s *Stream) read(ctx context.Context, br *bufio.Reader, resp *http.Response) {
	defer close(s.ended)
	defer resp.Body.Close()
	var ev Event
	var data []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch {
		case line == "":
			if len(data) > 0 {
				ev.Data = strings.Join(data, "\n")
				select {
				case s.events <- ev:
				case <-ctx.Done():
					return
				}
			}
			ev, data = Event{}, nil
		case field == "id":
			ev.ID = value
		case field == "event":
			ev.Name = value
		case field == "data":
			data = append(data, value)
		}
	}
}

// Next is the next event, or fails the test when none comes Within.
func (s *Stream) Next() Event {
	s.t.Helper()
	select {
	case ev := <-s.events:
		return ev
	case <-s.ended:
		s.t.Fatal("the event stream ended without the event awaited")
	case <-time.After(Within):
		s.t.Fatalf("no event on the stream within %v", Within)
	}
	return Event{}
}

// Ended returns once the server ended the stream, or fails the test when
// it does not Within.
func (s *Stream) Ended() {
	s.t.Helper()
	for {
		select {
		case <-s.events:
		case <-s.ended:
			return
		case <-time.After(Within):
			s.t.Fatalf("the event stream was still open after %v", Within)
		}
	}
}

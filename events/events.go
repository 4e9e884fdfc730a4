// Package events streams changes to browsers as Server-Sent Events
// (text/event-stream). A Broadcaster is an http.Handler to mount at a GET
// route: every open stream gets each published change, encoded once, with
// an id: so a reconnecting browser (Last-Event-ID) catches up from a small
// ring of recent events. It turns a change into the public event with a
// function it is given: what a change may tell the public (privacy) is
// decided there, by the caller.
//
// Streams are bounded in number; a stream that cannot keep up is dropped
// rather than slowing the others (its browser reconnects and catches up);
// a comment every Heartbeat keeps proxies from closing a quiet stream
// (Heroku's router closes connections silent for 55 s); and the server's
// WriteTimeout and ReadTimeout do not cut streams, whose deadlines are
// moved on at every write.
package events

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Defaults for Config's zero values.
const (
	DefaultHeartbeat    = 20 * time.Second
	DefaultRetry        = 5 * time.Second
	DefaultBuffer       = 16
	DefaultBacklog      = 64
	DefaultWriteTimeout = 10 * time.Second
)

// Event is one server-sent event.
type Event struct {
	// ID is sent as id:; a reconnecting browser sends it back as
	// Last-Event-ID. It names a state (say, a snapshot's version): an
	// event with the same ID as the previous one is not sent again. Empty:
	// the broadcaster numbers the event.
	ID string
	// Name is sent as event: (empty: browsers' default, "message").
	Name string
	// Data is sent as data: lines (JSON, typically).
	Data []byte
}

// Errors a refused stream is given to (see Config.Refuse).
var (
	ErrFull   = errors.New("events: too many open streams")
	ErrClosed = errors.New("events: shutting down")
)

// Config sets a Broadcaster's limits and clock.
type Config struct {
	// MaxStreams bounds the streams open at once; required. Each holds a
	// connection: keep it under the server's connection cap, with room
	// for pages.
	MaxStreams int
	// Heartbeat is how often every stream gets a comment line
	// (DefaultHeartbeat when zero).
	Heartbeat time.Duration
	// Retry is how long a browser waits before reconnecting. Each stream
	// is told a time between Retry and twice Retry, so that browsers cut
	// off together (a restart) do not all come back at once (DefaultRetry
	// when zero).
	Retry time.Duration
	// Buffer is how many events may wait for a stream before it counts as
	// too slow and is dropped (DefaultBuffer when zero).
	Buffer int
	// Backlog is how many recent events are kept for catching up
	// (DefaultBacklog when zero).
	Backlog int
	// WriteTimeout bounds one write to a stream; a client that takes
	// longer is dropped (DefaultWriteTimeout when zero).
	WriteTimeout time.Duration
	// NewTicker makes the heartbeat's ticker (nil: time.NewTicker); tests
	// pass a fake one.
	NewTicker func(time.Duration) (ticks <-chan time.Time, stop func())
	// Refuse answers a request that gets no stream: err is ErrFull or
	// ErrClosed (nil: 503 with Retry-After and a line of text).
	Refuse func(w http.ResponseWriter, r *http.Request, err error)
	// Logger hears of dropped streams at Debug level (nil: discarded).
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if c.MaxStreams < 1 {
		return c, errors.New("events: MaxStreams must be at least 1")
	}
	c.Heartbeat = orDefault(c.Heartbeat, DefaultHeartbeat)
	c.Retry = orDefault(c.Retry, DefaultRetry)
	c.WriteTimeout = orDefault(c.WriteTimeout, DefaultWriteTimeout)
	c.Buffer = orDefault(c.Buffer, DefaultBuffer)
	c.Backlog = orDefault(c.Backlog, DefaultBacklog)
	if c.NewTicker == nil {
		c.NewTicker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	if c.Refuse == nil {
		c.Refuse = refuse
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func orDefault[T time.Duration | int](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// encode writes ev in the text/event-stream format. Data is split into
// one data: line per line, so no line break in it can end the event early.
func encode(ev Event) ([]byte, error) {
	if strings.ContainsAny(ev.ID, "\r\n\x00") || strings.ContainsAny(ev.Name, "\r\n") {
		return nil, fmt.Errorf("events: an event's ID and name must be one line: %q, %q", ev.ID, ev.Name)
	}
	var b strings.Builder
	b.WriteString("id: " + ev.ID + "\n")
	if ev.Name != "" {
		b.WriteString("event: " + ev.Name + "\n")
	}
	data := strings.ReplaceAll(string(ev.Data), "\r\n", "\n")
	data = strings.ReplaceAll(data, "\r", "\n")
	for line := range strings.SplitSeq(data, "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	return []byte(b.String()), nil
}

package events

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// heartbeat is the comment line that keeps a quiet stream open.
var heartbeat = []byte(": heartbeat\n\n")

// Broadcaster fans changes of type C out to every open stream. Make it
// with New; it is safe for concurrent use.
type Broadcaster[C any] struct {
	cfg     Config
	payload func(C) (Event, error)

	mu      sync.Mutex
	streams map[*stream]struct{}
	recent  ring
	seq     uint64
	closed  bool
	done    chan struct{} // closed by Close
	stop    func()        // stops the heartbeat's ticker
}

// stream is one open response. Publish hands it encoded events through
// queue, and closes dropped when queue is full.
type stream struct {
	queue   chan []byte
	dropped chan struct{}
}

// New makes a Broadcaster that turns each published change into an event
// with payload, called once per change whatever the number of streams. It
// starts the heartbeat; Close stops it and ends every stream.
func New[C any](cfg Config, payload func(C) (Event, error)) (*Broadcaster[C], error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &Broadcaster[C]{
		cfg: cfg, payload: payload,
		streams: make(map[*stream]struct{}),
		recent:  ring{frames: make([]frame, cfg.Backlog)},
		done:    make(chan struct{}),
	}
	ticks, stop := cfg.NewTicker(cfg.Heartbeat)
	b.stop = stop
	go b.beat(ticks)
	return b, nil
}

// Publish sends the event for c to every stream and keeps it for catching
// up. It never waits for a stream: one whose buffer is full is dropped.
// It returns payload's error, or the event's if it cannot be sent, and
// then sends nothing.
func (b *Broadcaster[C]) Publish(c C) error {
	ev, err := b.payload(c)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if ev.ID == "" {
		b.seq++
		ev.ID = strconv.FormatUint(b.seq, 10)
	}
	if last, ok := b.recent.newest(); ok && last.id == ev.ID {
		return nil // the state streams already have
	}
	encoded, err := encode(ev)
	if err != nil {
		return err
	}
	b.recent.add(frame{id: ev.ID, bytes: encoded})
	for s := range b.streams {
		select {
		case s.queue <- encoded:
		default:
			b.drop(s)
		}
	}
	return nil
}

// drop ends a stream that fell behind. Callers hold b.mu.
func (b *Broadcaster[C]) drop(s *stream) {
	delete(b.streams, s)
	close(s.dropped)
	b.cfg.Logger.Debug("events: dropped a stream that fell behind; its browser will reconnect and catch up",
		"buffer", b.cfg.Buffer)
}

// beat sends a heartbeat on every tick to every stream with room for it:
// a stream whose buffer is full has events to send anyway.
func (b *Broadcaster[C]) beat(ticks <-chan time.Time) {
	for {
		select {
		case <-b.done:
			return
		case <-ticks:
		}
		b.mu.Lock()
		for s := range b.streams {
			select {
			case s.queue <- heartbeat:
			default:
			}
		}
		b.mu.Unlock()
	}
}

// Streams is the number of streams open now.
func (b *Broadcaster[C]) Streams() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.streams)
}

// Close ends every stream (their responses finish cleanly; browsers
// reconnect after their retry time, to another instance) and refuses new
// ones. Call it when shutdown starts (http.Server.RegisterOnShutdown):
// Shutdown waits for responses to finish, and streams never would.
func (b *Broadcaster[C]) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	close(b.done)
	b.stop()
}

// join opens a stream and returns with it the events after lastID to
// catch up with, under the same lock as Publish: none is missed or sent
// twice.
func (b *Broadcaster[C]) join(lastID string) (*stream, [][]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return nil, nil, ErrClosed
	case len(b.streams) >= b.cfg.MaxStreams:
		return nil, nil, ErrFull
	}
	s := &stream{queue: make(chan []byte, b.cfg.Buffer), dropped: make(chan struct{})}
	b.streams[s] = struct{}{}
	return s, b.recent.after(lastID), nil
}

func (b *Broadcaster[C]) leave(s *stream) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.streams, s) // a dropped stream is gone already
}

// retryLine tells the browser how long to wait before reconnecting:
// between Retry and twice Retry.
func (b *Broadcaster[C]) retryLine() []byte {
	wait := b.cfg.Retry + rand.N(b.cfg.Retry)
	return []byte("retry: " + strconv.FormatInt(wait.Milliseconds(), 10) + "\n\n")
}

// refuse is the default Config.Refuse.
func refuse(w http.ResponseWriter, _ *http.Request, err error) {
	w.Header().Set("Retry-After", "30")
	msg := "Too many people are watching live right now; reload the page to see the latest places."
	if errors.Is(err, ErrClosed) {
		w.Header().Set("Retry-After", "5")
		msg = "This server is restarting; live updates resume in a moment."
	}
	http.Error(w, msg, http.StatusServiceUnavailable)
}

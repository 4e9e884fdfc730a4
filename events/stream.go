package events

import (
	"errors"
	"net/http"
	"time"
)

// ServeHTTP streams events until the client leaves, the stream falls
// behind, or Close. A Last-Event-ID header (sent by browsers when they
// reconnect) gets the events after it from the ring first; an ID no
// longer there (or from another instance) gets the newest event, which
// says the current state.
func (b *Broadcaster[C]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s, backlog, err := b.join(r.Header.Get("Last-Event-ID"))
	if err != nil {
		b.cfg.Refuse(w, r, err)
		return
	}
	defer b.leave(s)
	// The server's ReadTimeout needs nothing: net/http lifts the read
	// deadline once the request is read, to watch for the client leaving.
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // proxies that buffer responses must not hold events back
	w.WriteHeader(http.StatusOK)
	if b.send(w, rc, append([][]byte{b.retryLine()}, backlog...)...) != nil {
		return
	}
	b.pump(r, w, rc, s)
}

// pump writes what Publish and the heartbeat queue, flushing once for
// all the frames waiting.
func (b *Broadcaster[C]) pump(r *http.Request, w http.ResponseWriter, rc *http.ResponseController, s *stream) {
	for {
		select {
		case first := <-s.queue:
			frames := [][]byte{first}
			for len(s.queue) > 0 && len(frames) < cap(s.queue) {
				frames = append(frames, <-s.queue)
			}
			if b.send(w, rc, frames...) != nil {
				return
			}
		case <-s.dropped:
			return
		case <-r.Context().Done():
			return
		case <-b.done:
			return
		}
	}
}

// send writes frames and flushes them, moving the write deadline on first
// so the server's WriteTimeout, set when the request came in, does not cut
// the stream; a client that does not take them within WriteTimeout is
// given up.
func (b *Broadcaster[C]) send(w http.ResponseWriter, rc *http.ResponseController, frames ...[]byte) error {
	err := rc.SetWriteDeadline(time.Now().Add(b.cfg.WriteTimeout))
	if err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	for _, f := range frames {
		if _, err := w.Write(f); err != nil {
			return err
		}
	}
	return rc.Flush()
}

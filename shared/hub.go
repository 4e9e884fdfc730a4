package shared

import (
	"context"
	"sync"
)

// Hub is the in-memory Changes: it fans each change out to the
// subscribers of this process. Publishing never blocks on a subscriber.
type Hub struct {
	mu   sync.Mutex
	subs map[chan Change]struct{}
}

var _ Changes = (*Hub)(nil)

// NewHub makes an empty hub.
func NewHub() *Hub { return &Hub{subs: make(map[chan Change]struct{})} }

// Publish delivers c to every subscriber; it never fails.
func (h *Hub) Publish(_ context.Context, c Change) error {
	h.deliver(c)
	return nil
}

// Subscribe streams changes until ctx ends.
func (h *Hub) Subscribe(ctx context.Context) <-chan Change {
	ch := make(chan Change, 1)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, ch)
		close(ch) // under the lock: deliver never sends on a closed channel
	})
	return ch
}

// deliver hands c to each subscriber. One that has not taken the previous
// change yet has it replaced by c, the newest; as deliver is the only
// sender and holds the lock, the second send cannot block.
func (h *Hub) deliver(c Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- c:
		default:
			select {
			case <-ch:
			default:
			}
			ch <- c
		}
	}
}

package shared

import (
	"container/heap"
	"context"
	"log/slog"
	"sync"
	"time"
)

// MemorySessions is the in-memory EndedSessions: each ended session's id
// until the last moment a copy of its cookie could still be accepted. It
// is bounded: when full, the entry that would expire soonest is forgotten
// first, as it is the least useful to an attacker.
type MemorySessions struct {
	limit  int
	now    func() time.Time
	logger *slog.Logger

	mu    sync.Mutex
	until map[string]time.Time
	queue expiryQueue
}

var _ EndedSessions = (*MemorySessions)(nil)

// NewMemorySessions remembers at most limit ended sessions (at least one).
// now is the clock (nil: time.Now); logger hears when the list is full.
func NewMemorySessions(limit int, now func() time.Time, logger *slog.Logger) *MemorySessions {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &MemorySessions{limit: max(1, limit), now: now, logger: logger, until: make(map[string]time.Time)}
}

// End records id as ended until until.
func (s *MemorySessions) End(_ context.Context, id string, until time.Time) {
	if s.add(id, until) {
		s.logger.Warn("shared: the list of ended sessions is full; forgot the one that expires soonest",
			"limit", s.limit)
	}
}

// Ended reports whether id was ended and has not expired.
func (s *MemorySessions) Ended(_ context.Context, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(s.now())
	_, ok := s.until[id]
	return ok
}

// add records id, reporting whether an entry still in force had to be
// forgotten to stay within the limit. An id already known keeps the later
// of its two ends.
func (s *MemorySessions) add(id string, until time.Time) (evicted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.prune(now)
	if !now.Before(until) {
		return false
	}
	if known, ok := s.until[id]; ok {
		if until.After(known) {
			s.until[id] = until
			heap.Push(&s.queue, expiry{id: id, until: until})
		}
		return false
	}
	for len(s.until) >= s.limit {
		oldest := heap.Pop(&s.queue).(expiry)
		if s.until[oldest.id].Equal(oldest.until) {
			delete(s.until, oldest.id)
			evicted = true
		}
	}
	s.until[id] = until
	heap.Push(&s.queue, expiry{id: id, until: until})
	return evicted
}

// take removes and returns every entry still in force.
func (s *MemorySessions) take() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(s.now())
	all := s.until
	s.until, s.queue = make(map[string]time.Time), nil
	return all
}

// prune drops entries whose cookies can no longer be accepted anyway, and
// queue entries left behind by an id whose end was moved later.
func (s *MemorySessions) prune(now time.Time) {
	for len(s.queue) > 0 {
		head := s.queue[0]
		current, ok := s.until[head.id]
		stale := !ok || !current.Equal(head.until)
		if !stale && now.Before(head.until) {
			return
		}
		heap.Pop(&s.queue)
		if !stale {
			delete(s.until, head.id)
		}
	}
}

type expiry struct {
	id    string
	until time.Time
}

// expiryQueue is a min-heap on until (container/heap).
type expiryQueue []expiry

func (q expiryQueue) Len() int           { return len(q) }
func (q expiryQueue) Less(i, j int) bool { return q[i].until.Before(q[j].until) }
func (q expiryQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *expiryQueue) Push(x any)        { *q = append(*q, x.(expiry)) }
func (q *expiryQueue) Pop() any {
	old := *q
	last := old[len(old)-1]
	*q = old[:len(old)-1]
	return last
}

package auth

import (
	"container/heap"
	"sync"
	"time"
)

// endedSessions remembers the ids of sessions that were logged out, each
// until the last moment a copy of its cookie could still be accepted, so a
// cookie saved before logout is refused afterwards. It lives in this
// process's memory: with several instances, a logout is known only to the
// instance that served it (rotate the session secret to end every session
// everywhere). It is bounded: when full, the entry that would expire
// soonest is forgotten first, as it is the least useful to an attacker.
type endedSessions struct {
	mu    sync.Mutex
	limit int
	until map[string]time.Time
	queue expiryQueue
}

func newEndedSessions(limit int) *endedSessions {
	return &endedSessions{limit: limit, until: make(map[string]time.Time)}
}

// add records id as ended until until. It reports whether an entry still
// in force had to be forgotten to stay within the limit.
func (s *endedSessions) add(id string, until, now time.Time) (evicted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(now)
	if _, known := s.until[id]; known {
		return false
	}
	for len(s.until) >= s.limit {
		oldest := heap.Pop(&s.queue).(expiry)
		delete(s.until, oldest.id)
		evicted = true
	}
	s.until[id] = until
	heap.Push(&s.queue, expiry{id: id, until: until})
	return evicted
}

// has reports whether id belongs to a session that was logged out.
func (s *endedSessions) has(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune(now)
	_, ok := s.until[id]
	return ok
}

// prune drops entries whose cookies can no longer be accepted anyway;
// each entry is dropped once, so it costs little on every look-up.
func (s *endedSessions) prune(now time.Time) {
	for len(s.queue) > 0 && !now.Before(s.queue[0].until) {
		old := heap.Pop(&s.queue).(expiry)
		delete(s.until, old.id)
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

package shared

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// redisSessions keeps each ended session under a key that expires when
// the session could no longer be used anyway. The key is a hash of the
// session id: whoever reads Redis learns no id. The value is the end, in
// Unix milliseconds, so an instance that learns of it keeps it until then.
type redisSessions struct {
	r *Redis
	// local is what this instance knows: the sessions it ended and those
	// it learnt from Redis. It answers while Redis is unreachable.
	local *MemorySessions
	// pending is what End could not write to Redis yet: flush writes it
	// when Redis is back.
	pending *MemorySessions
}

func newRedisSessions(r *Redis) *redisSessions {
	limit, now, logger := r.cfg.EndedSessionsLimit, r.cfg.Now, r.cfg.Logger
	return &redisSessions{
		r:       r,
		local:   NewMemorySessions(limit, now, logger),
		pending: NewMemorySessions(limit, now, logger),
	}
}

func (s *redisSessions) key(id string) string {
	sum := sha256.Sum256([]byte(id))
	return s.r.key("ended", hex.EncodeToString(sum[:]))
}

// End records the session here at once, then in Redis; what Redis does
// not take now waits in pending. A logout whose request was cancelled is
// still written.
func (s *redisSessions) End(ctx context.Context, id string, until time.Time) {
	s.local.End(ctx, id, until)
	if err := s.write(context.WithoutCancel(ctx), id, until); err != nil {
		s.pending.End(ctx, id, until)
	}
}

func (s *redisSessions) write(ctx context.Context, id string, until time.Time) error {
	ttl := until.Sub(s.r.cfg.Now())
	if ttl <= 0 {
		return nil
	}
	value := strconv.FormatInt(until.UnixMilli(), 10)
	return s.r.link.do(ctx, func(ctx context.Context) error {
		return s.r.client.Set(ctx, s.key(id), value, ttl).Err()
	})
}

// Ended answers from this instance's memory when it knows the session
// ended; otherwise it asks Redis, and keeps what Redis knows. While Redis
// is unreachable, a session ended only on another instance is not known
// here until Redis is back.
func (s *redisSessions) Ended(ctx context.Context, id string) bool {
	if s.local.Ended(ctx, id) {
		return true
	}
	var value string
	err := s.r.link.do(ctx, func(ctx context.Context) error {
		var err error
		value, err = s.r.client.Get(ctx, s.key(id)).Result()
		return err
	})
	if err != nil {
		return false
	}
	ms, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return true // written by something else, but the session did end
	}
	s.local.End(ctx, id, time.UnixMilli(ms))
	return true
}

// flush writes what End kept while Redis was unreachable; what fails
// again waits for the next recovery.
func (s *redisSessions) flush(ctx context.Context) {
	for id, until := range s.pending.take() {
		if err := s.write(ctx, id, until); err != nil {
			s.pending.End(ctx, id, until)
		}
	}
}

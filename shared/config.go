package shared

import (
	"context"
	"log/slog"
	"time"
)

// Defaults for Config's zero values.
const (
	DefaultTimeout    = time.Second
	DefaultRetryEvery = 5 * time.Second
	DefaultPrefix     = "whib:"
	// DefaultEndedSessionsLimit bounds the ended sessions an instance keeps
	// in its own memory (what it ended, and what it learnt from Redis).
	DefaultEndedSessionsLimit = 10_000
)

// Config says whether to use Redis, how to reach it and how to behave
// without it.
type Config struct {
	// RedisURL is REDIS_URL as Heroku sets it:
	// redis://[user:password@]host:port[/db], or rediss:// for TLS. Empty:
	// no Redis (Open gives Memory). It holds a password: it is never logged.
	RedisURL string
	// InsecureSkipVerify accepts a rediss:// server's certificate without
	// checking it. Heroku Key-Value Store presents a self-signed
	// certificate, so it cannot be verified; the traffic is still encrypted
	// but not protected from an active attacker on the network. Set it only
	// for such a provider; it does nothing for redis://.
	InsecureSkipVerify bool
	// Timeout bounds every call to Redis, connecting included
	// (DefaultTimeout when zero).
	Timeout time.Duration
	// RetryEvery is how often Redis is tried again while it is unreachable
	// (DefaultRetryEvery when zero).
	RetryEvery time.Duration
	// Prefix starts every key and channel name (DefaultPrefix when empty),
	// so several apps can share one Redis.
	Prefix string
	// EndedSessionsLimit bounds the ended sessions kept in this instance's
	// memory (DefaultEndedSessionsLimit when zero).
	EndedSessionsLimit int
	// Logger hears about connections lost and found (nil: discarded).
	Logger *slog.Logger
	// Now is the clock for the in-memory fallbacks (nil: time.Now).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.RetryEvery <= 0 {
		c.RetryEvery = DefaultRetryEvery
	}
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.EndedSessionsLimit <= 0 {
		c.EndedSessionsLimit = DefaultEndedSessionsLimit
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// State is the shared state of an instance: in memory (Memory) or in
// Redis (Redis).
type State interface {
	Changes() Changes
	EndedSessions() EndedSessions
	// Limiter makes a budget of perMinute requests per client, named so
	// that different budgets do not mix ("writes", "logins").
	Limiter(name string, perMinute int) Limiter
	// Healthy is false while Redis cannot be reached and the instance
	// runs on its own memory; the map works either way.
	Healthy() bool
	Close() error
}

var (
	_ State = (*Memory)(nil)
	_ State = (*Redis)(nil)
)

// Open is the one wiring call: Redis when cfg.RedisURL is set, else this
// instance's memory, as one instance always worked. Only a malformed URL
// is an error; see OpenRedis.
func Open(ctx context.Context, cfg Config) (State, error) {
	if cfg.RedisURL == "" {
		return NewMemory(cfg), nil
	}
	r, err := OpenRedis(ctx, cfg)
	if err != nil {
		return nil, err // not a State holding a nil *Redis
	}
	return r, nil
}

// Memory is the in-memory State: right for one instance, shared with no
// other.
type Memory struct {
	cfg   Config
	hub   *Hub
	ended *MemorySessions
}

// NewMemory uses cfg's EndedSessionsLimit, Now and Logger.
func NewMemory(cfg Config) *Memory {
	cfg = cfg.withDefaults()
	return &Memory{cfg: cfg, hub: NewHub(), ended: NewMemorySessions(cfg.EndedSessionsLimit, cfg.Now, cfg.Logger)}
}

func (m *Memory) Changes() Changes             { return m.hub }
func (m *Memory) EndedSessions() EndedSessions { return m.ended }
func (m *Memory) Healthy() bool                { return true }
func (m *Memory) Close() error                 { return nil }

func (m *Memory) Limiter(_ string, perMinute int) Limiter {
	return NewMemoryLimiter(perMinute, m.cfg.Now)
}

// Package shared holds the state whib's instances share when several run
// on one repository (Heroku dynos): change notifications, ended sessions
// and rate limits. Each sits behind a small interface with an in-memory
// default, right for one instance and needing no set-up, and a Redis
// implementation (REDIS_URL) that falls back to the in-memory one for as
// long as Redis cannot be reached.
//
// Places never live here: they live in the repository, so losing Redis
// loses nothing but the sharing.
package shared

import (
	"context"
	"time"
)

// Change says that the places changed. It carries the new snapshot's
// version and nothing of the places themselves: a receiver re-reads its own
// snapshot (and applies its own privacy filter) rather than trusting a copy
// that travelled through Redis. A change is a hint to look, so receiving a
// stale or repeated one costs a comparison of versions, nothing more.
type Change struct {
	Version string `json:"version"`
	// Origin names the instance that published the change; Redis fills it
	// in, so an instance can tell its own changes coming back.
	Origin string `json:"origin,omitempty"`
}

// Changes carries change notifications to every subscriber, on this
// instance and, with Redis, on every other.
type Changes interface {
	// Publish tells every subscriber. Subscribers on this instance are told
	// at once even when an error says other instances could not be: they
	// will learn of the change at their next refresh, or when Redis is back.
	Publish(ctx context.Context, c Change) error
	// Subscribe streams changes until ctx ends, then closes the channel. A
	// subscriber that falls behind gets the newest change, not every one:
	// since a change means "re-read", the ones in between add nothing.
	Subscribe(ctx context.Context) <-chan Change
}

// EndedSessions remembers the sessions that were logged out, so that a copy
// of a cookie saved before logout is refused afterwards, on every instance.
type EndedSessions interface {
	// End records session id as ended until until, the last moment a copy
	// of its cookie could still be accepted (its absolute end, or an idle
	// timeout from now). It cannot fail: what cannot be shared now is kept
	// here and shared later.
	End(ctx context.Context, id string, until time.Time)
	// Ended reports whether session id was ended and until has not passed.
	Ended(ctx context.Context, id string) bool
}

// Limiter gives each client a budget of requests: PerMinute on average, in
// bursts of up to a third of that. With Redis, the budget is one across all
// instances.
type Limiter interface {
	// Allow reports whether the client named by key may go ahead and, if
	// not, how long it should wait before trying again.
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration)
}

// burstOf is the burst a per-minute budget allows: a third of a minute's
// worth, so a person can add a few places in a row, and at least one.
func burstOf(perMinute int) int { return max(1, perMinute/3) }

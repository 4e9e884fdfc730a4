package shared

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// gcra is the generic cell rate algorithm: a token bucket kept as one
// number per client, the theoretical arrival time (TAT) of its next
// request, in microseconds of Redis's own clock (so instances whose clocks
// differ still agree). A request is allowed when the TAT, moved on by one
// interval, is at most burst intervals ahead of now; the key expires when
// the bucket would be full again.
//
// It is chosen over the alternatives because it behaves exactly as the
// in-memory token bucket (golang.org/x/time/rate) with the same rate and
// burst, so a client sees the same limits with or without Redis; a fixed
// window (INCR + EXPIRE) lets twice the budget through around a window's
// edge, and a sliding log keeps one entry per request. The script runs
// atomically in Redis, so instances cannot race between read and write.
//
// KEYS[1]: the client's key. ARGV[1]: interval (µs). ARGV[2]: burst.
// Returns {1, 0} when allowed, {0, µs to wait} when not.
var gcra = redis.NewScript(`
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + interval
local allow_at = next_tat - burst * interval
if allow_at > now then
	return {0, allow_at - now}
end
redis.call('SET', KEYS[1], next_tat, 'PX', math.ceil((next_tat - now) / 1000))
return {1, 0}
`)

type redisLimiter struct {
	r        *Redis
	name     string
	interval time.Duration
	burst    int
	local    *MemoryLimiter // while Redis is unreachable
}

func newRedisLimiter(r *Redis, name string, perMinute int) *redisLimiter {
	perMinute = max(1, perMinute)
	return &redisLimiter{
		r: r, name: name,
		interval: time.Minute / time.Duration(perMinute),
		burst:    burstOf(perMinute),
		local:    NewMemoryLimiter(perMinute, r.cfg.Now),
	}
}

// Allow takes one request from key's shared bucket, or from this
// instance's own while Redis is unreachable.
func (l *redisLimiter) Allow(ctx context.Context, key string) (bool, time.Duration) {
	var reply []int64
	err := l.r.link.do(ctx, func(ctx context.Context) error {
		var err error
		reply, err = gcra.Run(ctx, l.r.client, []string{l.r.key("rate", l.name, key)},
			l.interval.Microseconds(), l.burst).Int64Slice()
		if err == nil && len(reply) != 2 {
			err = fmt.Errorf("shared: the rate limit script answered %v", reply)
		}
		return err
	})
	if err != nil {
		return l.local.Allow(ctx, key)
	}
	if reply[0] == 1 {
		return true, 0
	}
	return false, time.Duration(reply[1]) * time.Microsecond
}

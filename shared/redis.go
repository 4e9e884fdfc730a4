package shared

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// pingEvery is how long the change subscription may hear nothing before
// it asks Redis whether the connection is still there.
const pingEvery = 30 * time.Second

// Redis is the shared state of every instance that uses the same Redis.
// While Redis is unreachable, each part falls back to this instance's
// memory (see Changes, EndedSessions and Limiter) and Redis is tried again
// every RetryEvery; nothing stops working. Close ends it.
type Redis struct {
	cfg     Config
	client  *redis.Client
	link    *link
	origin  string // this instance's name on published changes
	changes *redisChanges
	ended   *redisSessions
	stop    context.CancelFunc
}

// OpenRedis connects to cfg.RedisURL. Only a malformed URL is an error: an
// unreachable Redis is logged and tried again in the background, so an
// instance starts, and serves the map, without it.
func OpenRedis(ctx context.Context, cfg Config) (*Redis, error) {
	cfg = cfg.withDefaults()
	opts, err := redisOptions(cfg)
	if err != nil {
		return nil, err
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	r := &Redis{cfg: cfg, client: redis.NewClient(opts), origin: newOrigin(), stop: stop}
	r.link = newLink(runCtx, r.client, cfg, opts.Addr)
	r.changes = newRedisChanges(r)
	r.ended = newRedisSessions(r)
	r.link.onUp(r.ended.flush)
	r.link.onUp(r.changes.resend)
	tls := opts.TLSConfig != nil
	cfg.Logger.Info("shared: using Redis for change notifications, ended sessions and rate limits",
		"address", opts.Addr, "tls", tls, "tls_verified", tls && !opts.TLSConfig.InsecureSkipVerify)
	if tls && opts.TLSConfig.InsecureSkipVerify {
		cfg.Logger.Warn("shared: Redis's TLS certificate is not verified (InsecureSkipVerify): the connection is encrypted, but the server is not authenticated")
	}
	r.link.start(ctx)
	r.changes.start(runCtx)
	return r, nil
}

// redisOptions reads the URL with go-redis's own parser and bounds every
// call. Its errors never repeat the URL, which holds the password.
func redisOptions(cfg Config) (*redis.Options, error) {
	scheme, _, found := strings.Cut(cfg.RedisURL, "://")
	if !found || (scheme != "redis" && scheme != "rediss") {
		return nil, errors.New("REDIS_URL must start with redis:// or rediss://")
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // url.Error repeats the whole URL
		}
		return nil, fmt.Errorf("REDIS_URL is not a valid Redis URL (the value is not shown: it holds a password): %w", err)
	}
	if opts.TLSConfig != nil && cfg.InsecureSkipVerify {
		opts.TLSConfig.InsecureSkipVerify = true
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = cfg.Timeout, cfg.Timeout, cfg.Timeout
	opts.ContextTimeoutEnabled = true
	// One retry, on a fresh connection: the server may have closed an idle
	// one (Heroku's default idle timeout is 300 s, hence the 4 minutes).
	opts.MaxRetries = 1
	// One dial per call: while Redis is down the link probes it, so a
	// request never waits through go-redis's own dial retries.
	opts.DialerRetries = 1
	opts.ConnMaxIdleTime = 4 * time.Minute
	opts.DisableIdentity = true
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	return opts, nil
}

// RedisLogsTo sends go-redis's own log lines (a failed dial, every time)
// to logger at Debug level: this package logs the changes of state that
// matter. go-redis has one logger per process, so main calls this once,
// before OpenRedis.
func RedisLogsTo(logger *slog.Logger) { redis.SetLogger(goRedisLog{logger}) }

type goRedisLog struct{ logger *slog.Logger }

func (l goRedisLog) Printf(ctx context.Context, format string, v ...any) {
	l.logger.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
}

func newOrigin() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// Changes shares change notifications through Redis pub/sub. Subscribers
// on this instance hear its own changes at once, without a round trip.
// While Redis is unreachable, changes still reach this instance's
// subscribers; the newest one published meanwhile is sent when Redis is
// back, and on every (re)connection the last change anyone published is
// read again, so an instance that was cut off catches up.
func (r *Redis) Changes() Changes { return r.changes }

// EndedSessions shares ended sessions, each with a time to live in Redis.
// Every ended session is also kept in this instance's memory (bounded), as
// is every one learnt from Redis. While Redis is unreachable, Ended
// answers from that memory, and End keeps what it could not share and
// shares it when Redis is back.
func (r *Redis) EndedSessions() EndedSessions { return r.ended }

// Limiter makes a budget of perMinute requests per client shared by every
// instance, named so that different budgets do not mix (e.g. "writes",
// "logins"). While Redis is unreachable, each instance enforces the budget
// alone, so a client may get up to one budget per instance.
func (r *Redis) Limiter(name string, perMinute int) Limiter {
	return newRedisLimiter(r, name, perMinute)
}

// Healthy reports whether Redis answered the last call: false means this
// instance is running on its own memory for now.
func (r *Redis) Healthy() bool { return r.link.healthy() }

// Close stops the background work and closes the connections.
func (r *Redis) Close() error {
	r.stop()
	r.changes.wait()
	r.link.wait()
	return r.client.Close()
}

func (r *Redis) key(parts ...string) string {
	return r.cfg.Prefix + strings.Join(parts, ":")
}

package shared

import (
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/internal/redistest"
)

func TestRedisOverTLSWithAPasswordAsHerokuSetsIt(t *testing.T) {
	const password = "p4ssw0rd-never-logged"
	srv := redistest.StartWith(t, redistest.Options{TLS: true, Password: password})
	var logs logBuffer
	skip := func(c *Config) { c.InsecureSkipVerify = true }
	a, b := openRedis(t, srv.URL(), &logs, skip), openRedis(t, srv.URL(), &logs, skip)
	ctx := t.Context()
	a.EndedSessions().End(ctx, "session-1", time.Now().Add(time.Hour))
	if !b.EndedSessions().Ended(ctx, "session-1") {
		t.Fatal("instances sharing a rediss:// Redis with a self-signed certificate do not share ended sessions")
	}
	if !strings.Contains(logs.String(), "not verified") {
		t.Fatalf("skipping certificate verification was not logged:\n%s", logs.String())
	}

	verifying := openRedis(t, srv.URL(), &logs)
	if verifying.Healthy() {
		t.Fatal("a self-signed certificate was accepted without InsecureSkipVerify")
	}
	if !strings.Contains(logs.String(), "certificate") {
		t.Fatalf("the log does not say the certificate was the problem:\n%s", logs.String())
	}
	wrong := strings.Replace(srv.URL(), password, "wrong-password", 1)
	if openRedis(t, wrong, &logs, skip).Healthy() {
		t.Fatal("a wrong password was accepted")
	}
	t.Log(logs.String())
	if strings.Contains(logs.String(), password) {
		t.Fatalf("the log shows the password:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "wrong-password") {
		t.Fatalf("the log shows a password:\n%s", logs.String())
	}
}

func TestRedisURLIsCheckedWithoutShowingThePassword(t *testing.T) {
	for _, bad := range []string{
		"",
		"http://:s3cret@redis.example:6379",
		"redis://:s3cret@redis.example:6379/%zz",
		"redis://:s3cret@redis.example:6379/not-a-db",
		"redis://:s3cret@redis.example:6379/0?no_such_option=1",
	} {
		_, err := redisOptions(Config{RedisURL: bad})
		if err == nil {
			t.Errorf("%q was accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "REDIS_URL") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: error %q should name REDIS_URL and never show the password", bad, err)
		}
	}
}

func TestRedisURLTLSAndTimeouts(t *testing.T) {
	opts, err := redisOptions(Config{RedisURL: "rediss://:pw@ec2-1-2-3-4.compute-1.amazonaws.com:12345", InsecureSkipVerify: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if opts.TLSConfig == nil || !opts.TLSConfig.InsecureSkipVerify || opts.Addr != "ec2-1-2-3-4.compute-1.amazonaws.com:12345" || opts.Password != "pw" {
		t.Fatalf("rediss:// with InsecureSkipVerify gave %+v", opts)
	}
	if opts.DialTimeout != time.Second || opts.ReadTimeout != time.Second || opts.WriteTimeout != time.Second || !opts.ContextTimeoutEnabled {
		t.Fatal("a call to Redis is not bounded by the timeout")
	}
	opts, err = redisOptions(Config{RedisURL: "redis://localhost:6379", InsecureSkipVerify: true})
	if err != nil || opts.TLSConfig != nil {
		t.Fatalf("redis:// must stay plain text: %+v, %v", opts, err)
	}
	opts, err = redisOptions(Config{RedisURL: "rediss://redis.example:6380"})
	if err != nil || opts.TLSConfig == nil || opts.TLSConfig.InsecureSkipVerify {
		t.Fatalf("rediss:// must verify by default: %+v, %v", opts, err)
	}
}

package handlers

import (
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/whib/whib/auth"
)

// maxBuckets bounds the clients remembered at once.
const maxBuckets = 50_000

// clientLimiter gives each client its own token bucket. Buckets idle for
// longer than a refill are dropped, so a scan from many addresses cannot
// grow memory without bound.
type clientLimiter struct {
	mu     sync.Mutex
	perMin int
	// tooMany tells a client over its rate what to do.
	tooMany string
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

func newClientLimiter(perMinute int, now func() time.Time, tooMany string) *clientLimiter {
	return &clientLimiter{perMin: perMinute, now: now, tooMany: tooMany, buckets: map[string]*bucket{}}
}

// allow reports whether the client may go ahead, and if not, how long it
// should wait.
func (l *clientLimiter) allow(client string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute || len(l.buckets) >= maxBuckets {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
		if len(l.buckets) >= maxBuckets {
			// Under a flood from this many clients, forgetting them all is
			// better than growing without bound.
			clear(l.buckets)
		}
	}
	b, ok := l.buckets[client]
	if !ok {
		every := rate.Every(time.Minute / time.Duration(l.perMin))
		b = &bucket{limiter: rate.NewLimiter(every, max(1, l.perMin/3))}
		l.buckets[client] = b
	}
	b.seen = now
	res := b.limiter.ReserveN(now, 1)
	if delay := res.DelayFrom(now); delay > 0 {
		res.CancelAt(now)
		return false, delay
	}
	return true, 0
}

// limited refuses with 429 and Retry-After once a client goes over its
// rate, saying so in l's words.
func (a *app) limited(l *clientLimiter, next endpoint) endpoint {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := a.allow(w, r, l); err != nil {
			return err
		}
		return next(w, r)
	}
}

// allow is limited for a handler that is bounded only on some of its
// paths (GET /places/{id} reads the history only for an old id).
func (a *app) allow(w http.ResponseWriter, r *http.Request, l *clientLimiter) error {
	if ok, wait := l.allow(a.clientKey(r)); !ok {
		setRetryAfter(w, max(wait, time.Second))
		return refuse(http.StatusTooManyRequests, "rate_limited", l.tooMany)
	}
	return nil
}

// clientKey is who a request counts against: the signed-in person or
// machine when known, else the client address.
func (a *app) clientKey(r *http.Request) string {
	if p := auth.FromContext(r.Context()); p.Who != auth.Anonymous && p.Subject != "" {
		return "sub:" + p.Subject
	}
	ip, ok := a.forwardedFor(r)
	if !ok {
		ip, ok = peerAddr(r)
	}
	if !ok {
		return "peer:" + r.RemoteAddr
	}
	// One IPv6 client usually holds a whole /64.
	if ip.Is6() && !ip.Is4In6() {
		prefix, _ := ip.Prefix(64)
		return "ip:" + prefix.String()
	}
	return "ip:" + ip.Unmap().String()
}

// forwardedFor is the client address a trusted proxy reported: the last
// X-Forwarded-For entry, which the proxy appended (anything before it is
// whatever the client claimed). An entry that is not an IP address is
// ignored, so a client cannot mint a fresh rate-limit bucket per request.
func (a *app) forwardedFor(r *http.Request) (netip.Addr, bool) {
	if !a.cfg.TrustProxy {
		return netip.Addr{}, false
	}
	lines := r.Header.Values("X-Forwarded-For")
	if len(lines) == 0 {
		return netip.Addr{}, false
	}
	parts := strings.Split(lines[len(lines)-1], ",")
	ip, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1]))
	if err != nil {
		return netip.Addr{}, false
	}
	return ip.WithZone(""), true
}

func peerAddr(r *http.Request) (netip.Addr, bool) {
	addrPort, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return addrPort.Addr().WithZone(""), true
}

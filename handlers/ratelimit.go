package handlers

import (
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/shared"
)

// limit is one budget of requests per client: shared by every instance
// when the limiter is (shared.Redis), this instance's own otherwise.
type limit struct {
	shared.Limiter
	// tooMany tells a client over its budget what to do.
	tooMany string
}

// limiters makes the budgets: shared.State, or this instance's memory.
type limiters interface {
	Limiter(name string, perMinute int) shared.Limiter
}

// limited refuses with 429 and Retry-After once a client goes over its
// rate, saying so in l's words.
func (a *app) limited(l limit, next endpoint) endpoint {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := a.allow(w, r, l); err != nil {
			return err
		}
		return next(w, r)
	}
}

// allow is limited for a handler that is bounded only on some of its
// paths (GET /places/{id} reads the history only for an old id).
func (a *app) allow(w http.ResponseWriter, r *http.Request, l limit) error {
	if ok, wait := l.Allow(r.Context(), a.clientKey(r)); !ok {
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

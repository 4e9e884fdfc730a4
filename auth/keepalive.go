package auth

import (
	"net/http"
	"strings"
)

// KeepSessionsAlive wraps the whole site: a request with a live session
// cookie that was last re-issued more than a minute ago gets the cookie
// back with a new last-seen time, which is what keeps the idle timeout
// from ending a session in use. It also hands the decoded session to
// Identify, so the cookie is opened once per request.
//
// A response that carries the fresh cookie is never one a shared cache
// may store: it is left without the cookie when it is meant for shared
// caches (public, s-maxage), and otherwise marked private unless it is
// private or no-store already (a no-cache response may be stored, and a
// cache would hand the cookie to the next visitor). Nor is the cookie
// added when the handler sets the session cookie itself (sign-in, logout).
func (a *Authenticator) KeepSessionsAlive(next http.Handler) http.Handler {
	if a.session == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if HasAuthorizationHeader(r) || !a.session.sent(r) {
			// Judged by the token alone, or anonymous: nothing to keep
			// alive, and Identify finds no cookie either.
			next.ServeHTTP(w, r)
			return
		}
		claims, ok := a.currentSession(r)
		r = r.WithContext(withSessionLookup(r.Context(), claims, ok))
		if !ok || a.cfg.Now().Sub(claims.LastSeen) < sessionReissueInterval {
			next.ServeHTTP(w, r)
			return
		}
		rw := &reissuingWriter{ResponseWriter: w, reissue: func() { a.reissue(w, claims) }}
		next.ServeHTTP(rw, r)
		rw.beforeBody()
	})
}

// reissue writes the same session with the last-seen time now, on a
// response no shared cache keeps.
func (a *Authenticator) reissue(w http.ResponseWriter, claims sessionClaims) {
	h := w.Header()
	directives := cacheDirectives(h.Get("Cache-Control"))
	if a.session.setIn(h) || directives["public"] || directives["s-maxage"] {
		return
	}
	claims.LastSeen = a.cfg.Now()
	if err := a.writeSession(w, claims); err != nil {
		a.cfg.Logger.Warn("auth: could not re-issue the session cookie", "err", err)
		return
	}
	if !directives["private"] && !directives["no-store"] {
		h.Set("Cache-Control", strings.TrimSuffix("private, "+h.Get("Cache-Control"), ", "))
	}
}

// cacheDirectives are the names of a Cache-Control value's directives
// (RFC 9111 section 5.2), in lower case.
func cacheDirectives(value string) map[string]bool {
	names := map[string]bool{}
	for d := range strings.SplitSeq(value, ",") {
		name, _, _ := strings.Cut(d, "=")
		if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
			names[name] = true
		}
	}
	return names
}

// reissuingWriter runs reissue once, just before the headers go out: only
// then does it know the response's Cache-Control and cookies.
type reissuingWriter struct {
	http.ResponseWriter
	reissue func()
	done    bool
}

func (w *reissuingWriter) beforeBody() {
	if !w.done {
		w.done = true
		w.reissue()
	}
}

func (w *reissuingWriter) WriteHeader(code int) {
	w.beforeBody()
	w.ResponseWriter.WriteHeader(code)
}

func (w *reissuingWriter) Write(b []byte) (int, error) {
	w.beforeBody()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (w *reissuingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

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
// The fresh cookie is not added to responses that shared caches may store
// (Cache-Control: public), nor when the handler sets the session cookie
// itself (sign-in, logout).
func (a *Authenticator) KeepSessionsAlive(next http.Handler) http.Handler {
	if a.session == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if HasAuthorizationHeader(r) {
			next.ServeHTTP(w, r) // judged by the token alone
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

// reissue writes the same session with the last-seen time now.
func (a *Authenticator) reissue(w http.ResponseWriter, claims sessionClaims) {
	h := w.Header()
	if a.session.setIn(h) || strings.Contains(strings.ToLower(h.Get("Cache-Control")), "public") {
		return
	}
	claims.LastSeen = a.cfg.Now()
	if err := a.writeSession(w, claims); err != nil {
		a.cfg.Logger.Warn("auth: could not re-issue the session cookie", "err", err)
	}
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

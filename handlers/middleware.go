package handlers

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/whib/whib/auth"
)

// frontKey finds the request's front state in its context.
type frontKey struct{}

// front is what the outermost middleware knows of one request: its id, the
// answer's status and size for the log line, and why an Authorization
// header was refused. One value per request, stored once in the context
// (see middleware: the hot path allocates little).
type front struct {
	http.ResponseWriter
	id        string
	idValue   [1]string // the X-Request-Id header's value
	status    int
	bytes     int
	principal auth.Who
	authErr   error
}

func frontOf(ctx context.Context) *front {
	f, _ := ctx.Value(frontKey{}).(*front)
	return f
}

func requestIDFrom(ctx context.Context) string {
	if f := frontOf(ctx); f != nil {
		return f.id
	}
	return ""
}

// authErrFrom is the reason a request's Authorization header was refused;
// public pages ignore it, write endpoints answer it.
func authErrFrom(ctx context.Context) error {
	if f := frontOf(ctx); f != nil {
		return f.authErr
	}
	return nil
}

// errPanic stands for a handler that panicked: the client gets a 500 with
// the request id, the log gets the panic.
var errPanic = errors.New("handler panicked")

// newRequestID is 8 hex digits. An id only ties a log line to what a
// person saw, so it need not be unguessable: the runtime's fast random
// source will do (crypto/rand was 1 % of a page view).
func newRequestID() string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], rand.Uint32())
	return hex.EncodeToString(b[:])
}

// middleware wraps the router with what every request gets, outermost
// first: an id and a log line, security headers and the principal (one
// step, front), then the cross-origin checks.
func (a *app) middleware(next http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(a.serve(shapeOf, a.crossOriginRefused))
	return a.front(a.crossOrigin(csrf.Handler(next), next))
}

func (f *front) WriteHeader(code int) {
	if f.status == 0 {
		f.status = code
	}
	f.ResponseWriter.WriteHeader(code)
}

func (f *front) Write(b []byte) (int, error) {
	if f.status == 0 {
		f.status = http.StatusOK
	}
	n, err := f.ResponseWriter.Write(b)
	f.bytes += n
	return n, err
}

func (f *front) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// front gives each request a short id (also sent as X-Request-Id and
// shown on error pages), the security headers and its principal, and logs
// it when it ends (logRequest). The request's context is replaced once.
func (a *app) front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := a.now()
		f := &front{ResponseWriter: w, id: newRequestID()}
		f.idValue[0] = f.id
		h := w.Header()
		h["X-Request-Id"] = f.idValue[:]
		a.secureHeaders(h)
		ctx := context.WithValue(r.Context(), frontKey{}, f)
		ctx = a.identify(ctx, r, f)
		r = r.WithContext(ctx)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					// net/http's way to abort a response; not a bug.
					panic(p)
				}
				a.log.Error("panic", "request_id", f.id, "panic", p)
				if f.status == 0 {
					a.serveError(f, r, shapeOf(r), errPanic)
				}
			}
			a.logRequest(r, f, start)
		}()
		next.ServeHTTP(f, r)
	})
}

// logRequest logs one line per request. Page views and downloads that went
// well (GET or HEAD under 400) are logged at Debug: they are most of the
// traffic, the platform's router logs them already (Heroku's has the path,
// status and time of every request), and a line each cost a tenth of the
// time of a page view. Writes, refusals and failures are logged at Info,
// server errors at Error. The query string is not logged: the OAuth
// callback carries the authorization code there.
func (a *app) logRequest(r *http.Request, f *front, start time.Time) {
	level := slog.LevelInfo
	switch {
	case f.status >= 500:
		level = slog.LevelError
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && f.status < 400:
		level = slog.LevelDebug
	}
	if !a.log.Enabled(r.Context(), level) {
		return
	}
	a.log.LogAttrs(r.Context(), level, "request",
		slog.String("request_id", f.id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", f.status),
		slog.Int("bytes", f.bytes),
		slog.Duration("duration", time.Since(start)),
		slog.String("principal", f.principal.String()),
	)
}

// secureHeaders are the same for every answer: their values are made once
// (app.headers) and shared, which net/http allows (it never changes a value
// it is given, and Add copies a full slice before appending).
func (a *app) secureHeaders(h http.Header) {
	for k, v := range a.headers {
		h[k] = v
	}
}

// secureHeaderValues are secureHeaders' values for csp.
func secureHeaderValues(csp string, hsts bool) http.Header {
	h := http.Header{
		"Content-Security-Policy":    {csp},
		"X-Content-Type-Options":     {"nosniff"},
		"X-Frame-Options":            {"DENY"},
		"Referrer-Policy":            {"strict-origin-when-cross-origin"},
		"Cross-Origin-Opener-Policy": {"same-origin"},
	}
	if hsts {
		h["Strict-Transport-Security"] = []string{"max-age=63072000; includeSubDomains"}
	}
	return h
}

// identify attaches the request's principal. A request with an
// Authorization header is judged by that header alone; a refused header
// leaves the request anonymous and records why, for the write endpoints.
func (a *app) identify(ctx context.Context, r *http.Request, f *front) context.Context {
	p, err := a.deps.Auth.Identify(r)
	f.authErr, f.principal = err, p.Who
	return auth.NewContext(ctx, p)
}

// crossOrigin refuses cross-site unsafe requests that ride on the session
// cookie (CSRF) and lets the listed origins call the bearer endpoints.
// CrossOriginProtection would also refuse cross-origin requests carrying a
// bearer token, which cannot be forged by another site, so those skip it.
func (a *app) crossOrigin(checked, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.HasAuthorizationHeader(r) {
			if origin := r.Header.Get("Origin"); origin != "" && a.corsAllowed(origin) {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Add("Vary", "Origin")
			}
			next.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	})
}

func (a *app) corsAllowed(origin string) bool {
	return slices.Contains(a.cfg.CORSOrigins, origin)
}

// preflight answers CORS preflights for the listed origins; no credentials
// (cookies) are allowed cross-origin, only the bearer header.
func (a *app) preflight(w http.ResponseWriter, r *http.Request) error {
	origin := r.Header.Get("Origin")
	w.Header().Add("Vary", "Origin")
	if origin == "" || !a.corsAllowed(origin) || r.Header.Get("Access-Control-Request-Method") == "" {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *app) crossOriginRefused(http.ResponseWriter, *http.Request) error {
	return refuse(http.StatusForbidden, "cross_origin",
		"This request came from another site and was refused. Use the form on the map page.")
}

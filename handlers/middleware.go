package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/whib/whib/auth"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	authErrKey
)

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// authErrFrom is the reason a request's Authorization header was refused;
// public pages ignore it, write endpoints answer it.
func authErrFrom(ctx context.Context) error {
	err, _ := ctx.Value(authErrKey).(error)
	return err
}

// errPanic stands for a handler that panicked: the client gets a 500 with
// the request id, the log gets the panic.
var errPanic = errors.New("handler panicked")

func newRequestID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// middleware wraps the router with what every request gets, outermost
// first: an id and a log line, security headers, the principal, and the
// cross-origin checks.
func (a *app) middleware(next http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(a.serve(shapeOf, a.crossOriginRefused))
	return a.logRequests(a.secureHeaders(a.identify(a.crossOrigin(csrf, next))))
}

type statusRecorder struct {
	http.ResponseWriter
	status    int
	bytes     int
	principal string
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests gives each request a short id (also sent as X-Request-Id and
// shown on error pages) and logs one line when it ends. The query string is
// not logged: the OAuth callback carries the authorization code there.
func (a *app) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := a.now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w}
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					// net/http's way to abort a response; not a bug.
					panic(p)
				}
				a.log.Error("panic", "request_id", id, "panic", p)
				if rec.status == 0 {
					a.serveError(rec, r.WithContext(ctx), shapeOf(r), errPanic)
				}
			}
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			a.log.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", id),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status),
				slog.Int("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)),
				slog.String("principal", rec.principal),
			)
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

func (a *app) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", a.csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if a.hsts {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// identify attaches the request's principal. A request with an
// Authorization header is judged by that header alone; a refused header
// leaves the request anonymous and records why, for the write endpoints.
func (a *app) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.deps.Auth.Identify(r)
		ctx := auth.NewContext(r.Context(), p)
		if err != nil {
			ctx = context.WithValue(ctx, authErrKey, err)
		}
		if rec, ok := w.(*statusRecorder); ok {
			rec.principal = p.Who.String()
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// crossOrigin refuses cross-site unsafe requests that ride on the session
// cookie (CSRF) and lets the listed origins call the bearer endpoints.
// CrossOriginProtection would also refuse cross-origin requests carrying a
// bearer token, which cannot be forged by another site, so those skip it.
func (a *app) crossOrigin(csrf *http.CrossOriginProtection, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.HasAuthorizationHeader(r) {
			if origin := r.Header.Get("Origin"); origin != "" && a.corsAllowed(origin) {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Add("Vary", "Origin")
			}
			next.ServeHTTP(w, r)
			return
		}
		csrf.Handler(next).ServeHTTP(w, r)
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

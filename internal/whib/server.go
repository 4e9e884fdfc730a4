package whib

import (
	"log/slog"
	"net/http"
	"time"
)

// maxHeaderBytes bounds request headers; a bearer token and a session
// cookie fit many times over.
const maxHeaderBytes = 32 << 10

// newServer is the HTTP server whib runs h with. Every phase of a request
// is bounded so that slow or hostile clients cannot hold connections open,
// and at most maxConnections are open at once (see connectionCap).
func newServer(h http.Handler, logger *slog.Logger, maxConnections int) *http.Server {
	conns := newConnectionCap(maxConnections)
	return &http.Server{
		ConnState:         conns.track,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		// Long enough for the 100,000-place download on a slow link.
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

package whib

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// connectionCost is what one open connection may cost in memory: its
// goroutine, read and write buffers, and TLS or header state.
const connectionCost = 64 << 10

// defaultMaxConnections sizes the connection cap (MAX_CONNECTIONS) from the
// memory limit: a quarter of it may go to connections, the rest stays for
// the places.
func defaultMaxConnections(memoryLimit int64) int {
	return max(64, int(memoryLimit/4/connectionCost))
}

// liveStreams is how many of maxConnections the live-update streams may
// hold (handlers.Config.MaxStreams): all but a reserve of a quarter, and at
// least 64, kept for pages, data and writes. At 64 connections or fewer
// live updates are off: the page works as before, refreshed by a reload.
func liveStreams(maxConnections int) int {
	return max(0, maxConnections-max(64, maxConnections/4))
}

// connectionCap keeps at most max connections open. A flood of connections
// that never send a request (half-open, slowloris) would otherwise each hold
// a goroutine and buffers until ReadHeaderTimeout. Blocking Accept at the
// cap (netutil.LimitListener) would keep memory bounded but make every new
// visitor queue behind the flood; instead, at the cap, the connection that
// has waited longest without a request in progress is closed, so a real
// request still gets in. Connections serving a request are never cut.
type connectionCap struct {
	max int

	mu    sync.Mutex
	conns map[net.Conn]connEntry
}

type connEntry struct {
	state http.ConnState
	since time.Time
}

func newConnectionCap(limit int) *connectionCap {
	return &connectionCap{max: limit, conns: make(map[net.Conn]connEntry)}
}

// track is an http.Server ConnState hook.
func (c *connectionCap) track(conn net.Conn, state http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch state {
	case http.StateClosed, http.StateHijacked:
		delete(c.conns, conn)
		return
	}
	c.conns[conn] = connEntry{state: state, since: time.Now()}
	if state != http.StateNew || len(c.conns) <= c.max {
		return
	}
	victim := c.longestWaiting()
	if victim == nil {
		victim = conn // every other connection is busy serving a request
	}
	delete(c.conns, victim)
	_ = victim.Close()
}

// longestWaiting is the connection that has sat longest without a request:
// new and not yet sending, or idle between keep-alive requests.
func (c *connectionCap) longestWaiting() net.Conn {
	var oldest net.Conn
	var since time.Time
	for conn, e := range c.conns {
		if e.state == http.StateActive {
			continue
		}
		if oldest == nil || e.since.Before(since) {
			oldest, since = conn, e.since
		}
	}
	return oldest
}

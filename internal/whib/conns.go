package whib

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
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
//
// Every request moves its connection from idle to active and back, so
// those moves take no lock: the entry of a connection is found in a
// sync.Map and updated atomically. Only a new connection, which may have
// to make room, takes the lock.
type connectionCap struct {
	max int

	conns sync.Map // net.Conn → *connEntry
	mu    sync.Mutex
	open  int // connections in conns; guarded by mu
}

type connEntry struct {
	state atomic.Int32 // an http.ConnState
	since atomic.Int64 // Unix nanoseconds of the last change of state
}

func newConnectionCap(limit int) *connectionCap {
	return &connectionCap{max: limit}
}

// track is an http.Server ConnState hook.
func (c *connectionCap) track(conn net.Conn, state http.ConnState) {
	switch state {
	case http.StateClosed, http.StateHijacked:
		if _, found := c.conns.LoadAndDelete(conn); found {
			c.mu.Lock()
			c.open--
			c.mu.Unlock()
		}
	case http.StateNew:
		c.admit(conn)
	default:
		if v, ok := c.conns.Load(conn); ok {
			e := v.(*connEntry)
			if state != http.StateActive { // an active one is never cut: when does not matter
				e.since.Store(time.Now().UnixNano())
			}
			e.state.Store(int32(state))
		}
	}
}

// admit records a new connection and, over the cap, closes the one that
// has waited longest without a request.
func (c *connectionCap) admit(conn net.Conn) {
	e := &connEntry{}
	e.state.Store(int32(http.StateNew))
	e.since.Store(time.Now().UnixNano())
	c.mu.Lock()
	defer c.mu.Unlock()
	c.conns.Store(conn, e)
	c.open++
	if c.open <= c.max {
		return
	}
	victim := c.longestWaiting()
	if victim == nil {
		victim = conn // every other connection is busy serving a request
	}
	c.conns.Delete(victim)
	c.open--
	_ = victim.Close()
}

// longestWaiting is the connection that has sat longest without a request:
// new and not yet sending, or idle between keep-alive requests. Callers
// hold c.mu.
func (c *connectionCap) longestWaiting() net.Conn {
	var oldest net.Conn
	var since int64
	c.conns.Range(func(k, v any) bool {
		e := v.(*connEntry)
		if http.ConnState(e.state.Load()) == http.StateActive {
			return true
		}
		if t := e.since.Load(); oldest == nil || t < since {
			oldest, since = k.(net.Conn), t
		}
		return true
	})
	return oldest
}

package whib

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestAFloodOfSilentConnectionsDoesNotLockVisitorsOut opens far more
// connections than the cap and never sends a byte on them, as a slowloris
// or half-open flood does. The server must keep no more than the cap open
// and still answer a real request at once.
func TestAFloodOfSilentConnectionsDoesNotLockVisitorsOut(t *testing.T) {
	const limit, flood = 8, 100
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "map") })
	srv := newServer(ok, slog.New(slog.DiscardHandler), limit)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	silent := make([]net.Conn, 0, flood)
	for range flood {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		silent = append(silent, c)
	}

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatalf("a visitor behind %d silent connections got no answer: %v", flood, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "map" {
		t.Fatalf("visitor got %d %q", resp.StatusCode, body)
	}

	// Connections are accepted in order, so every silent one has been
	// accepted before the visitor's was served. A connection the server cut
	// reads EOF at once; one it keeps open blocks until the deadline.
	deadline := time.Now().Add(2 * time.Second)
	var stillOpen atomic.Int32
	var wg sync.WaitGroup
	for _, c := range silent {
		wg.Go(func() {
			c.SetReadDeadline(deadline)
			_, err := c.Read(make([]byte, 1))
			if errors.Is(err, os.ErrDeadlineExceeded) {
				stillOpen.Add(1)
			}
		})
	}
	wg.Wait()
	if n := stillOpen.Load(); n > limit {
		t.Errorf("%d silent connections still open, want at most %d", n, limit)
	}
	if n := stillOpen.Load(); n == 0 {
		t.Errorf("no silent connection is kept: the cap should only cut the ones over %d", limit)
	}
}

package shared

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/events"
	"github.com/whib/whib/internal/redistest"
)

// BenchmarkThreeInstancesFanOut300Streams wires three instances as whib
// will: each with its own Redis client and an events.Broadcaster fed by
// its Changes subscription, with 100 streams open on each. Every iteration
// publishes one change on the first instance and waits until all 300
// streams have it; the latency is from Publish to each stream's read
// (clients and instances share this process).
//
//	go test -run '^$' -bench ThreeInstances -benchtime 50x ./shared/
func BenchmarkThreeInstancesFanOut300Streams(b *testing.B) {
	const instances, perInstance = 3, 100
	srv := redistest.Start(b)
	ctx, cancel := context.WithCancel(b.Context())
	var publishers []Changes
	var closers []func() // in order: streams end before their servers close
	defer func() {
		cancel()
		for _, c := range closers {
			c()
		}
	}()
	arrivals := make(chan time.Duration, instances*perInstance)
	for range instances {
		r, err := OpenRedis(ctx, Config{RedisURL: srv.URL()})
		if err != nil {
			b.Fatal(err)
		}
		publishers = append(publishers, r.Changes())
		bc := liveInstance(b, ctx, r.Changes())
		web := httptest.NewServer(bc)
		closers = append(closers, bc.Close, web.Close, func() { _ = r.Close() })
		for range perInstance {
			openBenchStream(b, ctx, web.URL, arrivals)
		}
	}
	var all []time.Duration
	var slowest time.Duration
	for b.Loop() {
		sent := time.Now()
		if err := publishers[0].Publish(ctx, Change{Version: strconv.FormatInt(sent.UnixNano(), 10)}); err != nil {
			b.Fatal(err)
		}
		for range instances * perInstance {
			lat := <-arrivals
			all = append(all, lat)
			slowest = max(slowest, lat)
		}
	}
	slices.Sort(all)
	b.ReportMetric(ms(all[len(all)/2]), "p50-ms")
	b.ReportMetric(ms(all[len(all)*99/100]), "p99-ms")
	b.ReportMetric(ms(slowest), "max-ms")
}

// liveInstance is one instance's /events: a broadcaster publishing every
// change its subscription hears (whib will re-read its snapshot first).
func liveInstance(b *testing.B, ctx context.Context, changes Changes) *events.Broadcaster[Change] {
	bc, err := events.New(events.Config{MaxStreams: 1000}, func(c Change) (events.Event, error) {
		data, err := json.Marshal(map[string]string{"version": c.Version})
		return events.Event{ID: c.Version, Name: "change", Data: data}, err
	})
	if err != nil {
		b.Fatal(err)
	}
	sub := changes.Subscribe(ctx)
	go func() {
		for c := range sub {
			_ = bc.Publish(c)
		}
	}()
	return bc
}

// openBenchStream reads one stream and sends, for each change, the time
// since the Unix nanoseconds its version carries.
func openBenchStream(b *testing.B, ctx context.Context, url string, arrivals chan<- time.Duration) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil { // retry: the stream is open
		b.Fatal(err)
	}
	go func() {
		defer resp.Body.Close()
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if id, ok := strings.CutPrefix(line, "id: "); ok {
				if ns, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64); err == nil {
					arrivals <- time.Since(time.Unix(0, ns))
				}
			}
		}
	}()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

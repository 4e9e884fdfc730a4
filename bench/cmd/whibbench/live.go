package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/whib/whib/store/githubtest"
)

// Live updates (GET /events): how long a write takes to reach every open
// stream, and what an idle stream costs. Streams are read by this process
// (whib runs in its own); each write is an authenticated POST /places, and
// a delivery's latency runs from sending the POST until the stream has read
// the change event, the write's commit to the fake GitHub included.

// liveRun is one fan-out measurement.
type liveRun struct {
	Instances, Streams, Writes int
	Redis                      bool
	// Latencies of every delivery; Missed counts (stream, write) pairs
	// that got no event within liveWait.
	Latencies []time.Duration
	Missed    int
	WriteP50  time.Duration // the POSTs' own answer time
	// RSS of the (first) app before and after opening its streams; idle
	// streams, no write yet.
	RSSBefore, RSSAfter int64
}

// liveWait bounds the wait for one write's events on every stream.
const liveWait = 30 * time.Second

func (r liveRun) PerStream() float64 {
	perApp := r.Streams / max(1, r.Instances)
	return float64(r.RSSAfter-r.RSSBefore) / float64(max(1, perApp))
}

func (r liveRun) quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func (r liveRun) Pass() bool {
	return r.Missed == 0 && len(r.Latencies) > 0 && r.quantile(0.99) <= time.Second
}

// streamSet is the open streams: each sends the time it read a change
// event.
type streamSet struct {
	arrivals chan time.Time
	cancel   context.CancelFunc
	done     sync.WaitGroup
}

// openStreams opens per streams on each url, all read by this process,
// and returns once every one has joined (its retry: line came).
func openStreams(ctx context.Context, urls []string, per int) (*streamSet, error) {
	ctx, cancel := context.WithCancel(ctx)
	s := &streamSet{arrivals: make(chan time.Time, len(urls)*per), cancel: cancel}
	transport := &http.Transport{MaxIdleConnsPerHost: per, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
	client := &http.Client{Transport: transport}
	joined := make(chan error, len(urls)*per)
	gate := make(chan struct{}, 64) // at most this many handshakes at once
	for _, url := range urls {
		for range per {
			s.done.Go(func() { s.read(ctx, client, url+"/events", gate, joined) })
		}
	}
	for range len(urls) * per {
		if err := <-joined; err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

func (s *streamSet) read(ctx context.Context, client *http.Client, url string, gate chan struct{}, joined chan<- error) {
	gate <- struct{}{}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	<-gate
	if err == nil && resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if err != nil {
		joined <- err
		return
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	signalled := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		switch {
		case !signalled && line == "\n":
			signalled = true
			joined <- nil // after retry:, the stream has joined
		case line == "event: change\n":
			s.arrivals <- time.Now()
		}
	}
}

func (s *streamSet) close() {
	s.cancel()
	s.done.Wait()
}

// await collects n arrivals, as latencies from sent; it gives up after
// liveWait and reports how many did not come.
func (s *streamSet) await(sent time.Time, n int) (lat []time.Duration, missed int) {
	deadline := time.NewTimer(liveWait)
	defer deadline.Stop()
	for range n {
		select {
		case at := <-s.arrivals:
			lat = append(lat, at.Sub(sent))
		case <-deadline.C:
			return lat, n - len(lat)
		}
	}
	return lat, 0
}

// measureWrites sends writes adds to writeURL one after the other, each
// once the previous one has reached every stream.
func measureWrites(ctx context.Context, run *liveRun, streams *streamSet, writeURL string, id *identity) {
	client := &http.Client{Timeout: 60 * time.Second}
	var answers []time.Duration
	for k := range run.Writes {
		if ctx.Err() != nil {
			return
		}
		sent := time.Now()
		add := addOne(ctx, client, writeURL, id, newBenchPlace("Live", k+1))
		if !add.created {
			run.Missed += run.Streams
			continue
		}
		answers = append(answers, add.latency)
		lat, missed := streams.await(sent, run.Streams)
		run.Latencies = append(run.Latencies, lat...)
		run.Missed += missed
	}
	if len(answers) > 0 {
		run.WriteP50 = medianDuration(answers)
	}
}

// liveConnections is MAX_CONNECTIONS for an app that must hold streams:
// whib lets streams take all but a quarter (at least 64).
func liveConnections(streams int) int { return (streams*4+2)/3 + 64 }

// liveMemoryLimit is GOMEMLIMIT for an app holding streams, unless -app-env
// sets one: whib's default 100 MiB plus 64 KiB a stream (whib's own
// estimate of a connection's cost). At the default alone, 2,000 streams
// (about 27 kB each) push the heap against the limit and the collector
// runs all the time.
func liveMemoryLimit(o options, streams int) []string {
	for _, e := range o.AppEnv {
		if strings.HasPrefix(e, "GOMEMLIMIT=") {
			return nil
		}
	}
	return []string{fmt.Sprintf("GOMEMLIMIT=%dMiB", 100+streams*64/1024)}
}

// runFanOut is one instance with o.Streams streams.
func runFanOut(ctx context.Context, o options, s appSettings, id *identity) (liveRun, error) {
	run := liveRun{Instances: 1, Streams: o.Streams, Writes: o.LiveWrites}
	gh := startFake(githubtest.SampleCSV(o.InstanceSize), o.Latency)
	defer gh.Close()
	s.githubURL, s.name = gh.URL, "live-1"
	s.extraEnv = append(slices.Clone(s.extraEnv), "MAX_CONNECTIONS="+strconv.Itoa(liveConnections(o.Streams)))
	s.extraEnv = append(s.extraEnv, liveMemoryLimit(o, o.Streams)...)
	a, err := startApp(ctx, s)
	if err != nil {
		return run, err
	}
	defer a.stop()
	return run, measureLive(ctx, &run, []*app{a}, id)
}

// measureLive opens the streams spread over apps, reads the first app's
// memory before and after, and sends the writes to the first app.
func measureLive(ctx context.Context, run *liveRun, apps []*app, id *identity) error {
	before, err := readMemory(apps[0].pid())
	if err != nil {
		return err
	}
	urls := make([]string, len(apps))
	for i, a := range apps {
		urls[i] = a.URL
	}
	streams, err := openStreams(ctx, urls, run.Streams/len(apps))
	if err != nil {
		return err
	}
	defer streams.close()
	after, err := readMemory(apps[0].pid())
	if err != nil {
		return err
	}
	run.RSSBefore, run.RSSAfter = before.RSS, after.RSS
	measureWrites(ctx, run, streams, apps[0].URL, id)
	return nil
}

// runLiveInstances is o.LiveInstances apps on one repository and one
// Redis, with o.LiveStreams streams spread over them; the writes go to the
// first. REFRESH_INTERVAL is long, so only Redis can bring the change to
// the others in time.
func runLiveInstances(ctx context.Context, o options, s appSettings, id *identity, work string) (liveRun, error) {
	run := liveRun{Instances: o.LiveInstances, Streams: o.LiveStreams, Writes: o.LiveWrites, Redis: true}
	redisURL, redis, err := startRedis(ctx, work)
	if err != nil {
		return run, err
	}
	defer redis.stop()
	gh := startFake(githubtest.SampleCSV(o.InstanceSize), o.Latency)
	defer gh.Close()
	s.githubURL, s.refreshInterval = gh.URL, sizeRefresh
	s.extraEnv = append(slices.Clone(s.extraEnv), "REDIS_URL="+redisURL)
	apps, err := startInstances(ctx, o.LiveInstances, s)
	defer func() {
		for _, a := range apps {
			a.stop()
		}
	}()
	if err != nil {
		return run, err
	}
	return run, measureLive(ctx, &run, apps, id)
}

// startRedis runs Debian's redis-server on a free loopback port, without
// persistence, and waits until it answers PING.
func startRedis(ctx context.Context, work string) (string, *child, error) {
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	c, err := startChild(ctx, "redis", work+"/redis.log", nil, nil, "redis-server",
		"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work)
	if err != nil {
		return "", nil, fmt.Errorf("%w (install Debian's redis-server)", err)
	}
	addr := "127.0.0.1:" + port
	if _, err := waitFor(ctx, c, 10*time.Second, 5*time.Millisecond, func() bool { return redisPing(addr) }); err != nil {
		c.stop()
		return "", nil, fmt.Errorf("redis-server: %w\n%s", err, c.logTail())
	}
	return "redis://" + addr + "/0", c, nil
}

func redisPing(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}

package events

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fan-out benchmark's clients run in a child process (this test
// binary again), so the memory measured is the server's alone and the
// clients read on their own scheduler, as browsers would.
const (
	benchClientAddr    = "EVENTS_BENCH_CLIENT_URL"
	benchClientStreams = "EVENTS_BENCH_CLIENT_STREAMS"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(benchClientAddr); url != "" {
		n, _ := strconv.Atoi(os.Getenv(benchClientStreams))
		os.Exit(runBenchClients(url, n))
	}
	os.Exit(m.Run())
}

// stamped is a change carrying when it was published.
type stamped struct {
	Seq  int   `json:"seq"`
	Sent int64 `json:"sent"` // Unix nanoseconds
}

func stampedPayload(s stamped) (Event, error) {
	data, err := json.Marshal(s)
	return Event{ID: strconv.Itoa(s.Seq), Name: "change", Data: data}, err
}

// BenchmarkFanOut2000Streams opens 2,000 streams over loopback TCP (the
// clients in a child process), measures the server's memory per idle
// stream, then publishes one change per iteration and waits until every
// stream has it. It reports the latency from Publish to each client's
// read: the median and the 99th percentile over all deliveries, and the
// slowest (when the last stream got it).
//
//	go test -run '^$' -bench FanOut2000 -benchtime 50x ./events/
func BenchmarkFanOut2000Streams(b *testing.B) {
	const streams = 2000
	bc, err := New(Config{MaxStreams: streams, Heartbeat: time.Hour}, stampedPayload)
	if err != nil {
		b.Fatal(err)
	}
	defer bc.Close()
	srv := httptest.NewUnstartedServer(bc)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 15*time.Second, 60*time.Second // as whib's server
	srv.Start()
	defer srv.Close()

	before := goMemory()
	child, results := startBenchClients(b, srv.URL, streams)
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	if line := <-results; line != "ready" {
		b.Fatalf("the clients said %q, want ready", line)
	}
	if n := bc.Streams(); n != streams {
		b.Fatalf("%d streams open, want %d", n, streams)
	}
	perStream := float64(goMemory()-before) / streams

	var all []time.Duration
	var slowest time.Duration
	seq := 0
	for b.Loop() {
		seq++
		if err := bc.Publish(stamped{Seq: seq, Sent: time.Now().UnixNano()}); err != nil {
			b.Fatal(err)
		}
		lat, worst := parseBenchResult(b, <-results, seq)
		all = append(all, lat...)
		slowest = max(slowest, worst)
	}
	slices.Sort(all)
	b.ReportMetric(perStream, "B/idle-stream")
	b.ReportMetric(ms(all[len(all)/2]), "p50-ms")
	b.ReportMetric(ms(all[len(all)*99/100]), "p99-ms")
	b.ReportMetric(ms(slowest), "max-ms")
}

// goMemory is what the Go runtime holds for heap objects and goroutine
// stacks, after a collection: what GOMEMLIMIT weighs.
func goMemory() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func startBenchClients(b *testing.B, url string, n int) (*exec.Cmd, <-chan string) {
	child := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	child.Env = append(os.Environ(), benchClientAddr+"="+url, benchClientStreams+"="+strconv.Itoa(n))
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return child, lines
}

// parseBenchResult reads "seq ns ns ns …": one latency per stream.
func parseBenchResult(b *testing.B, line string, seq int) (lat []time.Duration, worst time.Duration) {
	fields := strings.Fields(line)
	if len(fields) == 0 || fields[0] != strconv.Itoa(seq) {
		b.Fatalf("the clients said %q, want the latencies of event %d", line, seq)
	}
	for _, f := range fields[1:] {
		ns, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			b.Fatalf("bad latency %q", f)
		}
		lat = append(lat, time.Duration(ns))
		worst = max(worst, time.Duration(ns))
	}
	return lat, worst
}

// runBenchClients is the child process: n streams, "ready" once all are
// open, then for each event one line with every stream's latency.
func runBenchClients(url string, n int) int {
	transport := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: n, DisableCompression: true}
	client := &http.Client{Transport: transport}
	type delivery struct {
		stamped
		at time.Time
	}
	ready := make(chan error, n)
	received := make(chan delivery, n)
	for range n {
		go readBenchStream(client, url, ready, func(s stamped) {
			received <- delivery{s, time.Now()}
		})
	}
	for range n {
		if err := <-ready; err != nil {
			fmt.Fprintln(os.Stderr, "client:", err)
			return 1
		}
	}
	fmt.Println("ready")
	pending := map[int][]string{}
	for {
		d := <-received
		pending[d.Seq] = append(pending[d.Seq], strconv.FormatInt(d.at.UnixNano()-d.Sent, 10))
		if len(pending[d.Seq]) == n {
			fmt.Println(strconv.Itoa(d.Seq) + " " + strings.Join(pending[d.Seq], " "))
			delete(pending, d.Seq)
		}
	}
}

func readBenchStream(client *http.Client, url string, ready chan<- error, got func(stamped)) {
	resp, err := client.Get(url)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET: %s", resp.Status)
	}
	if err != nil {
		ready <- err
		return
	}
	br := bufio.NewReader(resp.Body)
	signalled := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if !signalled && line == "\n" {
			signalled = true
			ready <- nil // the retry: block: the stream has joined
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var s stamped
			if json.Unmarshal([]byte(data), &s) == nil {
				got(s)
			}
		}
	}
}

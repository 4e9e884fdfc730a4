package main

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// attackSpec is one vegeta attack. Every attack is bounded by Duration and,
// when MaxHits > 0, by a number of requests.
type attackSpec struct {
	Name     string
	Targeter vegeta.Targeter
	Workers  int
	Rate     int // per second; 0 = as fast as the workers go
	Duration time.Duration
	MaxHits  uint64
	KeepBody bool // keep response bodies (adds read the stored place back)
}

// loadStats sums attacks against one target: requests per second over the
// time spent attacking, and latency percentiles over every request.
type loadStats struct {
	Requests uint64
	OK       uint64 // 2xx
	Seconds  float64
	Codes    map[int]int
	Errors   map[string]int
	latency  vegeta.Metrics
	// roundP50 and roundP99 are wrk's percentiles, one per round (wrk.go).
	roundP50, roundP99 []time.Duration
}

func newLoadStats() *loadStats {
	return &loadStats{Codes: map[int]int{}, Errors: map[string]int{}}
}

func (s *loadStats) RPS() float64 {
	if s.Seconds == 0 {
		return 0
	}
	return float64(s.OK) / s.Seconds
}

// P50 and P99 are over every request (vegeta), or the medians of the
// rounds' (wrk).
func (s *loadStats) P50() time.Duration {
	if len(s.roundP50) > 0 {
		return medianDuration(s.roundP50)
	}
	return s.latency.Latencies.Quantile(0.50)
}

func (s *loadStats) P99() time.Duration {
	if len(s.roundP99) > 0 {
		return medianDuration(s.roundP99)
	}
	return s.latency.Latencies.Quantile(0.99)
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// codes is "200×5000, 429×3" for the notes.
func (s *loadStats) codes() string {
	keys := make([]int, 0, len(s.Codes))
	for k := range s.Codes {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, itoa(k)+"×"+itoa(s.Codes[k]))
	}
	return strings.Join(parts, ", ")
}

// attack runs spec and adds its results to every one of stats; each result
// is also passed to each (for example to read the body of an add).
func attack(ctx context.Context, spec attackSpec, each func(*vegeta.Result), stats ...*loadStats) {
	opts := []func(*vegeta.Attacker){
		// A fixed pool: rate 0 means "as fast as these workers go", not
		// "start a goroutine per request".
		vegeta.Workers(uint64(spec.Workers)),
		vegeta.MaxWorkers(uint64(spec.Workers)),
		vegeta.Connections(spec.Workers),
		vegeta.KeepAlive(true),
		vegeta.Redirects(vegeta.NoFollow),
		vegeta.Timeout(30 * time.Second),
	}
	if !spec.KeepBody {
		// Read and discard: the client does not keep a copy of every
		// page, which would tax the shared cores and the GC.
		opts = append(opts, vegeta.MaxBody(0))
	}
	atk := vegeta.NewAttacker(opts...)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	var pacer vegeta.Pacer = vegeta.ConstantPacer{}
	if spec.Rate > 0 {
		pacer = vegeta.ConstantPacer{Freq: spec.Rate, Per: time.Second}
	}
	if spec.MaxHits > 0 {
		pacer = boundedPacer{Pacer: pacer, max: spec.MaxHits}
	}

	var m vegeta.Metrics
	for res := range atk.Attack(spec.Targeter, pacer, spec.Duration, spec.Name) {
		m.Add(res)
		for _, st := range stats {
			st.record(res)
		}
		if each != nil {
			each(res)
		}
	}
	m.Close()
	for _, st := range stats {
		st.Requests += m.Requests
		st.Seconds += (m.Duration + m.Wait).Seconds()
	}
}

func (s *loadStats) record(res *vegeta.Result) {
	s.latency.Add(res)
	s.Codes[int(res.Code)]++
	if res.Error != "" {
		s.Errors[res.Error]++
	}
	if res.Code >= 200 && res.Code < 300 {
		s.OK++
	}
}

// boundedPacer stops an attack after max requests.
type boundedPacer struct {
	vegeta.Pacer
	max uint64
}

func (p boundedPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if hits >= p.max {
		return 0, true
	}
	return p.Pacer.Pace(elapsed, hits)
}

// getTargeter is GET url with the headers a browser's page load would
// carry that matter to the server.
func getTargeter(url string, acceptGzip bool) vegeta.Targeter {
	header := http.Header{"Accept": {"text/html"}}
	if acceptGzip {
		header.Set("Accept-Encoding", "gzip")
	}
	return vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: url, Header: header})
}

// pageComparison is GET / on whib and on the ceiling, measured in turns.
// App and Ceiling pool every round (latency percentiles over all
// requests); the requests/s and the ratio are medians over the rounds, so
// one round disturbed by another process on a shared machine does not
// decide them.
type pageComparison struct {
	App, Ceiling       *loadStats
	AppRPS, CeilingRPS []float64 // per round
	// RoundRatios is app ÷ ceiling requests/s per round: their spread shows
	// how steady the machine was.
	RoundRatios []float64
	// AppCPU and CeilingCPU are each server's CPU time per request, per
	// round (wrk only).
	AppCPU, CeilingCPU []time.Duration
}

// CPURatio is the ceiling's CPU time per request ÷ the app's (medians
// over the rounds): what the app's requests/s would be, as a share of the
// ceiling's, if each had the CPU to itself. 0 without a measurement.
func (c pageComparison) CPURatio() float64 {
	if len(c.AppCPU) == 0 || medianDuration(c.AppCPU) == 0 {
		return 0
	}
	return float64(medianDuration(c.CeilingCPU)) / float64(medianDuration(c.AppCPU))
}

func (c pageComparison) Ratio() float64         { return median(c.RoundRatios) }
func (c pageComparison) MedianApp() float64     { return median(c.AppRPS) }
func (c pageComparison) MedianCeiling() float64 { return median(c.CeilingRPS) }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// comparePages warms both servers up, then attacks them in alternating
// rounds (ceiling, app, ceiling, app, …) with identical settings, so a
// drift in the machine's speed hits both alike.
func comparePages(ctx context.Context, o options, appURL, ceilingURL string) pageComparison {
	c := pageComparison{App: newLoadStats(), Ceiling: newLoadStats()}
	spec := func(name, url string, d time.Duration) attackSpec {
		return attackSpec{Name: name, Targeter: getTargeter(url, o.Gzip), Workers: o.Workers, Rate: o.Rate, Duration: d}
	}
	if o.Warmup > 0 {
		attack(ctx, spec("warmup-ceiling", ceilingURL+"/", o.Warmup), nil)
		attack(ctx, spec("warmup-app", appURL+"/", o.Warmup), nil)
	}
	for range o.Rounds {
		if ctx.Err() != nil {
			break
		}
		ceiling, app := newLoadStats(), newLoadStats()
		attack(ctx, spec("ceiling", ceilingURL+"/", o.Duration), nil, ceiling, c.Ceiling)
		attack(ctx, spec("app", appURL+"/", o.Duration), nil, app, c.App)
		c.AppRPS = append(c.AppRPS, app.RPS())
		c.CeilingRPS = append(c.CeilingRPS, ceiling.RPS())
		if ceiling.RPS() > 0 {
			c.RoundRatios = append(c.RoundRatios, app.RPS()/ceiling.RPS())
		}
	}
	return c
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// GET / against the ceiling is measured with wrk (Debian's package), a
// load generator in C that out-runs either server on the same cores: a Go
// load generator would compete with the servers for the Go runtime's
// share of the machine and hide the difference between them.

// wrkRound is one wrk run against one URL.
type wrkRound struct {
	Requests int
	Seconds  float64
	RPS      float64
	P50, P99 time.Duration
	Non2xx   int
	Errors   string // wrk's socket errors line, when it has one
}

// runWrk runs wrk for d with conns connections and threads threads, and
// reads its summary.
func runWrk(ctx context.Context, url string, conns, threads int, d time.Duration, gzip bool) (wrkRound, error) {
	args := []string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(max(1, int(d.Seconds()))) + "s",
		"--latency", "-H", "Accept: text/html"}
	if gzip {
		args = append(args, "-H", "Accept-Encoding: gzip")
	}
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return wrkRound{}, fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	return parseWrk(string(out))
}

// parseWrk reads the lines of wrk's summary that the report uses.
func parseWrk(out string) (wrkRound, error) {
	var r wrkRound
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "50%":
			r.P50 = wrkDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			r.P99 = wrkDuration(f[1])
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			r.Requests, _ = strconv.Atoi(f[0])
			r.Seconds = wrkDuration(strings.TrimSuffix(f[3], ",")).Seconds()
		case len(f) == 2 && f[0] == "Requests/sec:":
			r.RPS, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 5 && f[0] == "Non-2xx":
			r.Non2xx, _ = strconv.Atoi(f[4])
		case len(f) > 2 && f[0] == "Socket" && f[1] == "errors:":
			r.Errors = strings.Join(f[2:], " ")
		}
	}
	if r.Requests == 0 || r.RPS == 0 {
		return r, fmt.Errorf("wrk's output has no request count:\n%s", out)
	}
	return r, nil
}

// wrkDuration reads wrk's 1.22ms, 812.00us, 1.01s.
func wrkDuration(s string) time.Duration {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"m", time.Minute}, {"s", time.Second}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0
			}
			return time.Duration(f * float64(u.unit))
		}
	}
	return 0
}

// wrkTarget is a server under wrk and its process, whose CPU time is read
// around each round.
type wrkTarget struct {
	url string
	pid int
}

// round runs wrk against t and reads the CPU time t's process spent on
// it, per request.
func (t wrkTarget) round(ctx context.Context, o options, d time.Duration) (wrkRound, time.Duration, error) {
	before, err := cpuTime(t.pid)
	if err != nil {
		return wrkRound{}, 0, err
	}
	r, err := runWrk(ctx, t.url+"/", o.Workers, o.WrkThreads, d, o.Gzip)
	if err != nil {
		return r, 0, err
	}
	after, err := cpuTime(t.pid)
	return r, (after - before) / time.Duration(r.Requests), err
}

// cpuTime is the user and system time process pid has used, from /proc
// (clock ticks of 10 ms).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields after it are fixed.
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected %q", pid, b)
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// comparePagesWrk is comparePages with wrk: warm-up, then alternating
// rounds, ceiling first. It also reads the CPU time each server spends
// per request, which other work on a shared machine disturbs less than
// requests per second.
func comparePagesWrk(ctx context.Context, o options, app, ceiling wrkTarget) (pageComparison, error) {
	c := pageComparison{App: newLoadStats(), Ceiling: newLoadStats()}
	// The warm-up may see no answer at all: the app's first page with
	// countries (the gazetteer loads in the background) takes a while to
	// build at 100,000 places.
	if o.Warmup > 0 {
		for _, t := range []wrkTarget{ceiling, app} {
			if _, err := runWrk(ctx, t.url+"/", o.Workers, o.WrkThreads, o.Warmup, o.Gzip); err != nil && ctx.Err() != nil {
				return c, err
			}
		}
	}
	for range o.Rounds {
		if ctx.Err() != nil {
			break
		}
		cr, ccpu, err := ceiling.round(ctx, o, o.Duration)
		if err != nil {
			return c, err
		}
		ar, acpu, err := app.round(ctx, o, o.Duration)
		if err != nil {
			return c, err
		}
		c.Ceiling.addWrk(cr)
		c.App.addWrk(ar)
		c.CeilingRPS = append(c.CeilingRPS, cr.RPS)
		c.AppRPS = append(c.AppRPS, ar.RPS)
		c.RoundRatios = append(c.RoundRatios, ar.RPS/cr.RPS)
		c.AppCPU, c.CeilingCPU = append(c.AppCPU, acpu), append(c.CeilingCPU, ccpu)
	}
	return c, nil
}

// addWrk adds a wrk round to s: wrk reports percentiles per run, so s
// keeps the rounds' and reports their medians.
func (s *loadStats) addWrk(r wrkRound) {
	s.Requests += uint64(r.Requests)
	s.OK += uint64(r.Requests - r.Non2xx)
	s.Seconds += r.Seconds
	s.Codes[200] += r.Requests - r.Non2xx
	if r.Non2xx > 0 {
		s.Codes[0] += r.Non2xx // wrk does not say which
	}
	if r.Errors != "" && r.Errors != "connect 0, read 0, write 0, timeout 0" {
		s.Errors["socket errors: "+r.Errors]++
	}
	s.roundP50 = append(s.roundP50, r.P50)
	s.roundP99 = append(s.roundP99, r.P99)
}

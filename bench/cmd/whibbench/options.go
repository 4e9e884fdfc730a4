package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// options are the knobs of one benchmark run. Every loop the run makes is
// bounded by one of them, and the whole run by Timeout.
type options struct {
	Root      string // the whib module (where `go build .` builds the app)
	AppBinary string // use this whib binary instead of building one

	Sizes []int
	// Visits: each size's file holds that many places with dates and notes
	// (githubtest.SampleVisitsCSV, a fifth of them visited twice) instead of
	// the talk's three columns.
	Visits   bool
	Duration time.Duration // per measured GET attack, per target and round
	Warmup   time.Duration // one unmeasured attack per target before the rounds
	Rounds   int           // ceiling, app, ceiling, app, …
	Rate     int           // requests per second; 0 = as fast as the workers go
	Workers  int           // concurrent connections of the load generator
	Gzip     bool          // send Accept-Encoding: gzip, as browsers do
	// Load is the GET / load generator: wrk (a C program that out-runs
	// the servers) or vegeta (in this process, as earlier runs measured).
	Load       string
	WrkThreads int

	Latency time.Duration // fake GitHub's delay per API call

	Adds        int           // POST /places per size (upper bound)
	AddWorkers  int           // concurrent writers; 1 = uncontended adds
	AddDuration time.Duration // upper bound on the add phase per size

	Instances       int // app processes sharing one repository; 0 skips the check
	InstanceAdds    int // adds sent to each instance
	InstanceSize    int // places in the shared repository
	InstanceRefresh time.Duration

	// Live updates: Streams streams on one app, and LiveStreams spread over
	// LiveInstances apps sharing a Redis; LiveWrites writes each (0 skips).
	Streams       int
	LiveInstances int
	LiveStreams   int
	LiveWrites    int

	Browser     bool
	BrowserRuns int
	Chromium    string

	AppEnv []string // extra NAME=value settings for the apps only (GOMEMLIMIT=…, say)

	Timeout time.Duration
	Verbose bool
	Keep    bool // keep the work directory (app logs, profiles) for a look afterwards
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("whibbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "10,1000,100000", "comma-separated numbers of places, one benchmark per size")
	fs.StringVar(&o.Root, "root", ".", "directory of the whib module")
	fs.StringVar(&o.AppBinary, "app", "", "prebuilt whib binary (default: go build the module at -root)")
	fs.DurationVar(&o.Duration, "duration", 4*time.Second, "length of each measured GET / attack (per target and round)")
	fs.DurationVar(&o.Warmup, "warmup", time.Second, "unmeasured attack per target before the rounds")
	fs.IntVar(&o.Rounds, "rounds", 5, "alternating ceiling/app rounds; many short rounds share out a drifting machine load fairly")
	fs.IntVar(&o.Rate, "rate", 0, "GET requests per second; 0 = as fast as the workers go")
	fs.IntVar(&o.Workers, "workers", 32, "concurrent connections of the load generator for GET /")
	fs.BoolVar(&o.Gzip, "gzip", true, "send Accept-Encoding: gzip with GET /, as browsers do")
	fs.StringVar(&o.Load, "load", "wrk", "GET / load generator: wrk (apt-get install wrk) or vegeta")
	fs.IntVar(&o.WrkThreads, "wrk-threads", 1, "wrk threads (one out-runs whib on two cores)")
	fs.DurationVar(&o.Latency, "latency", 150*time.Millisecond, "fake GitHub latency per API call")
	fs.IntVar(&o.Adds, "adds", 40, "POST /places per size (upper bound; 0 skips adds)")
	fs.IntVar(&o.AddWorkers, "add-workers", 1, "concurrent writers for POST /places (1 = uncontended)")
	fs.DurationVar(&o.AddDuration, "add-duration", 30*time.Second, "upper bound of the add phase per size")
	fs.IntVar(&o.Instances, "instances", 3, "app instances on one repository for the no-lost-write check (0 skips)")
	fs.IntVar(&o.InstanceAdds, "instance-adds", 10, "adds sent to each instance in the several-instances check")
	fs.IntVar(&o.InstanceSize, "instance-size", 1000, "places in the repository of the several-instances check")
	fs.DurationVar(&o.InstanceRefresh, "instance-refresh", 5*time.Second, "REFRESH_INTERVAL of the instances (whib's minimum is 5s)")
	fs.BoolVar(&o.Visits, "visits", false, "places with dates and notes, a fifth visited twice (issue 20), instead of name, latitude and longitude only")
	fs.IntVar(&o.Streams, "streams", 2000, "live-update streams (GET /events) on one app for the fan-out measurement (0 skips)")
	fs.IntVar(&o.LiveInstances, "live-instances", 3, "apps sharing one Redis (redis-server) for the fan-out across instances (0 skips)")
	fs.IntVar(&o.LiveStreams, "live-streams", 300, "live-update streams spread over -live-instances")
	fs.IntVar(&o.LiveWrites, "live-writes", 20, "writes per fan-out measurement; each waits until every stream has it")
	fs.BoolVar(&o.Browser, "browser", true, "measure marker readiness in headless Chromium")
	fs.IntVar(&o.BrowserRuns, "browser-runs", 3, "fresh browser profiles per size; the median cold and warm visit is reported")
	fs.StringVar(&o.Chromium, "chromium", "/usr/bin/chromium", "Chromium binary for -browser")
	fs.DurationVar(&o.Timeout, "timeout", 18*time.Minute, "upper bound of the whole run")
	fs.BoolVar(&o.Verbose, "v", false, "log progress in detail")
	fs.Func("app-env", "extra `NAME=value` for the apps (repeatable), e.g. -app-env GOMEMLIMIT=100MiB", func(v string) error {
		if name, _, ok := strings.Cut(v, "="); !ok || name == "" {
			return fmt.Errorf("%q is not NAME=value", v)
		}
		o.AppEnv = append(o.AppEnv, v)
		return nil
	})
	fs.BoolVar(&o.Keep, "keep", false, "keep the work directory with the apps' logs")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := o.readSizes(*sizes); err != nil {
		return o, err
	}
	return o, o.check()
}

func (o *options) readSizes(sizes string) error {
	for part := range strings.SplitSeq(sizes, ",") {
		part = strings.TrimSpace(strings.ReplaceAll(part, "_", ""))
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || n > 1_000_000 {
			return fmt.Errorf("-sizes: %q is not a number of places from 1 to 1000000", part)
		}
		o.Sizes = append(o.Sizes, n)
	}
	return nil
}

// check names every option out of range at once.
func (o options) check() error {
	var problems []error
	if len(o.Sizes) == 0 && o.Instances == 0 && o.Streams == 0 && o.LiveInstances == 0 {
		problems = append(problems, errors.New("-sizes is empty and -instances, -streams and -live-instances are 0: nothing to do"))
	}
	if o.Streams < 0 || o.LiveInstances < 0 || o.LiveWrites < 1 || (o.LiveInstances > 0 && o.LiveStreams < o.LiveInstances) {
		problems = append(problems, errors.New("-streams and -live-instances must not be negative, -live-writes must be positive, -live-streams at least one per instance"))
	}
	if o.Duration <= 0 || o.Rounds < 1 || o.Workers < 1 || o.AddWorkers < 1 || o.BrowserRuns < 1 {
		problems = append(problems, errors.New("-duration, -rounds, -workers, -add-workers and -browser-runs must be positive"))
	}
	if o.Rate < 0 || o.Adds < 0 || o.InstanceAdds < 1 || o.InstanceSize < 1 {
		problems = append(problems, errors.New("-rate and -adds must not be negative; -instance-adds and -instance-size must be positive"))
	}
	if o.Load != "wrk" && o.Load != "vegeta" {
		problems = append(problems, errors.New("-load: wrk or vegeta"))
	}
	if o.Load == "wrk" && (o.Rate > 0 || o.WrkThreads < 1) {
		problems = append(problems, errors.New("-rate needs -load=vegeta (wrk sends as fast as it can); -wrk-threads must be positive"))
	}
	if o.Instances != 0 && o.Instances < 2 {
		problems = append(problems, errors.New("-instances: use 0 to skip, or at least 2"))
	}
	if o.InstanceRefresh < 5*time.Second {
		problems = append(problems, errors.New("-instance-refresh: whib refuses REFRESH_INTERVAL below 5s"))
	}
	return errors.Join(problems...)
}

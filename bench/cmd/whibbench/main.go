// Command whibbench measures whib the way the "fast at every size" issue
// asks: GET / against a minimal Go server serving the same bytes, adds and
// the GitHub calls they cost, memory, start time and the browser's marker
// readiness at 10, 1,000 and 100,000 places, and several instances on one
// repository. It talks only to loopback: the GitHub API is the in-process
// fake (store/githubtest) with a per-call latency, sign-in is an in-process
// provider (auth/devoidc), and the load generator is vegeta as a library.
//
// It prints one Markdown table and notes to stdout; progress goes to
// stderr. See bench/README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var err error
	if len(os.Args) > 1 && os.Args[1] == ceilingCommand {
		err = serveCeiling(ctx, os.Args[2:], os.Stderr)
	} else {
		err = benchmark(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "whibbench:", err)
		os.Exit(1)
	}
}

// sizeRefresh is the apps' refresh interval in the per-size runs: long
// enough that no background refresh falls into a measurement, so the
// GitHub calls counted are those of the page views and adds alone. The
// several-instances check runs with the shortest interval whib allows.
const sizeRefresh = 10 * time.Minute

func benchmark(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	level := slog.LevelInfo
	if o.Verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	work, err := os.MkdirTemp("", "whibbench-")
	if err != nil {
		return err
	}
	if o.Keep {
		defer log.Info("kept the work directory", "dir", work)
	} else {
		defer os.RemoveAll(work)
	}

	bin := o.AppBinary
	if bin == "" {
		log.Info("building whib", "root", o.Root)
		if bin, err = buildApp(ctx, o.Root, work); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	id, err := startIdentity(ctx)
	if err != nil {
		return fmt.Errorf("start the sign-in provider: %w", err)
	}
	defer id.close()

	settings := appSettings{
		bin:             bin,
		logDir:          work,
		githubToken:     benchGitHubToken,
		repo:            benchOwner + "/" + benchRepo,
		refreshInterval: sizeRefresh,
		identity:        id,
		extraEnv:        o.AppEnv,
	}
	rep := report{Options: o, Args: args, Machine: describeMachine(ctx, o.Root), Started: time.Now()}
	measureAll(ctx, o, settings, self, work, &rep, log)
	rep.Finished = time.Now()
	rep.write(stdout)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the run hit -timeout=%s; the table is incomplete", o.Timeout)
	}
	return ctx.Err()
}

// measureAll runs every measurement the options ask for into rep.
func measureAll(ctx context.Context, o options, settings appSettings, self, work string, rep *report, log *slog.Logger) {
	id := settings.identity
	for _, n := range o.Sizes {
		if ctx.Err() != nil {
			break
		}
		log.Info("benchmarking", "places", n)
		r := benchSize(ctx, o, settings, self, work, n, log)
		if r.Err != nil {
			log.Error("size failed", "places", n, "err", r.Err)
		}
		rep.Sizes = append(rep.Sizes, r)
	}
	if o.Instances > 0 && ctx.Err() == nil {
		log.Info("several instances", "instances", o.Instances, "places", o.InstanceSize)
		settings.logDir = work
		run, err := runInstances(ctx, o, settings, id)
		rep.Instances, rep.InstancesErr = &run, err
		if err != nil {
			log.Error("several instances failed", "err", err)
		}
	}
	rep.FanOut, rep.FanOutErr = runLivePhase(ctx, o.Streams > 0, "live updates, one instance", log, func() (liveRun, error) {
		return runFanOut(ctx, o, settings, id)
	})
	rep.LiveInstances, rep.LiveInstancesErr = runLivePhase(ctx, o.LiveInstances > 0, "live updates across instances", log, func() (liveRun, error) {
		return runLiveInstances(ctx, o, settings, id, work)
	})
}

// measurePages compares GET / on a with the ceiling serving the page r
// fetched, and counts the GitHub calls the page views cost.
func measurePages(ctx context.Context, o options, r *sizeRun, a *app, gh githubFake, self, ceilingDir string) error {
	if err := os.Mkdir(ceilingDir, 0o700); err != nil {
		return err
	}
	ceiling, ceilingURL, err := startCeiling(ctx, self, ceilingDir, r.Page.ceilingResponse)
	if err != nil {
		return err
	}
	defer ceiling.stop()
	calls0 := gh.Calls()
	var pages pageComparison
	if o.Load == "wrk" {
		pages, err = comparePagesWrk(ctx, o, wrkTarget{a.URL, a.pid()}, wrkTarget{ceilingURL, ceiling.pid()})
	} else {
		pages = comparePages(ctx, o, a.URL, ceilingURL)
	}
	if err != nil {
		return err
	}
	r.Pages = &pages
	r.ViewCalls = gh.Calls() - calls0
	if reqs := pages.App.Requests; reqs > 0 {
		r.CallsPerView = float64(r.ViewCalls) / float64(reqs)
	}
	return nil
}

// runLivePhase runs one live-update measurement when on, logging a
// failure.
func runLivePhase(ctx context.Context, on bool, what string, log *slog.Logger, measure func() (liveRun, error)) (*liveRun, error) {
	if !on || ctx.Err() != nil {
		return nil, nil
	}
	log.Info(what)
	run, err := measure()
	if err != nil {
		log.Error(what+" failed", "err", err)
	}
	return &run, err
}

// sizeRun is everything measured at one number of places.
type sizeRun struct {
	Places int
	Err    error

	Healthy, FirstPage time.Duration
	StartCalls         map[string]int // GitHub calls until the first page was served
	Page               fetchedPage
	Markers            markersInfo

	Browser    *browserRun
	BrowserErr error

	Pages        *pageComparison
	ViewCalls    int
	CallsPerView float64

	Adds *addRun

	MemLoaded, MemAfterViews, MemEnd memory
}

func benchSize(ctx context.Context, o options, s appSettings, self, work string, n int, log *slog.Logger) (r sizeRun) {
	r.Places = n
	content, rows := sample(o, n)
	gh := startFake(content, o.Latency)
	defer gh.Close()

	s.githubURL = gh.URL
	s.name = fmt.Sprintf("whib-%d", n)
	a, err := startApp(ctx, s)
	if err != nil {
		r.Err = err
		return r
	}
	defer a.stop()
	r.Healthy, r.FirstPage = a.Healthy, a.FirstPage
	r.StartCalls = gh.CallsByRoute()
	log.Info("app ready", "places", n, "healthz", a.Healthy, "first_page", a.FirstPage)

	if r.Page, err = fetchPage(ctx, a.URL+"/", o.Gzip); err != nil {
		r.Err = fmt.Errorf("GET /: %w", err)
		return r
	}
	if r.Markers, err = inspectMarkers(ctx, a.URL, r.Page.HTML); err != nil {
		r.Err = err
		return r
	}
	// Measured after the marker data was built (inspectMarkers fetched it).
	if r.MemLoaded, err = readMemory(a.pid()); err != nil {
		log.Warn("memory", "err", err)
	}
	if r.Markers.Count != rows {
		r.Err = fmt.Errorf("the app serves %d rows, want %d", r.Markers.Count, rows)
		return r
	}

	if o.Browser {
		log.Info("browser", "places", n)
		profile := filepath.Join(work, fmt.Sprintf("chromium-%d", n))
		b, err := measureBrowserRuns(ctx, o.Chromium, profile, a.URL+"/", n, o.BrowserRuns)
		r.Browser, r.BrowserErr = &b, err
		if err != nil {
			log.Error("browser measurement failed", "places", n, "err", err)
		}
	}

	log.Info("GET / against the ceiling", "places", n, "rounds", o.Rounds, "duration", o.Duration, "load", o.Load)
	if r.Err = measurePages(ctx, o, &r, a, gh, self, filepath.Join(work, fmt.Sprintf("ceiling-%d", n))); r.Err != nil {
		return r
	}
	if r.MemAfterViews, err = readMemory(a.pid()); err != nil {
		log.Warn("memory", "err", err)
	}

	if o.Adds > 0 && ctx.Err() == nil {
		log.Info("adds", "places", n, "max", o.Adds, "workers", o.AddWorkers)
		adds := measureAdds(ctx, o, a, gh, s.identity)
		r.Adds = &adds
	}
	if r.MemEnd, err = readMemory(a.pid()); err != nil {
		log.Warn("memory", "err", err)
	}
	return r
}

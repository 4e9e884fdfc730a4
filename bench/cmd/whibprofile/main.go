// Command whibprofile runs whib's handler stack in one process against the
// fake GitHub and writes CPU and heap profiles of the phases whibbench
// measures: the first load, the marker data, page views and adds. It exists
// to explain a number in the benchmark table (where memory or CPU goes),
// not to produce one: the fake GitHub shares the process, so read the
// profiles with -focus on whib's packages.
//
//	go run ./bench/cmd/whibprofile -places=100000 -memprofile=/tmp/heap.pprof
//	go tool pprof -sample_index=alloc_space -top /tmp/heap.pprof
//
// The app is built by internal/whib.Build, as main builds it, with the
// gazetteer loaded before the first page (as it is seconds after a start)
// and main's soft memory limit unless GOMEMLIMIT is set; sign-in is not
// configured, adds go through store.Live directly.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store"
	"github.com/whib/whib/store/githubtest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "whibprofile:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("whibprofile", flag.ContinueOnError)
	places := fs.Int("places", 100_000, "places in the repository")
	visits := fs.Bool("visits", false, "places with dates and notes, a fifth visited twice (githubtest.SampleVisitsCSV)")
	views := fs.Int("views", 20_000, "anonymous GET / to serve")
	adds := fs.Int("adds", 5, "places to add")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of all phases here")
	memProfile := fs.String("memprofile", "", "write a heap profile here at the end")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	content := githubtest.SampleCSV(*places)
	if *visits {
		content = githubtest.SampleVisitsCSV(*places, time.Now())
	}
	gh := githubtest.Start(githubtest.WithToken("t"), githubtest.WithRepo("bench", "places", "main"),
		githubtest.WithFile("places.csv", content))
	defer gh.Close()

	stopCPU, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopCPU()
	runtime.MemProfileRate = 64 << 10
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(whib.DefaultMemoryLimit) // as main does
	}

	geoData := geo.NewData()
	app, err := buildApp(ctx, gh.URL, geoData)
	if err != nil {
		return err
	}
	stage(out, "started")
	if _, err := geoData.Load(ctx); err != nil {
		return err
	}
	stage(out, "gazetteer loaded")
	if err := exercise(ctx, out, app, *views, *adds); err != nil {
		return err
	}
	runtime.GC()
	stage(out, "after GC")
	if err := writeHeapProfile(*memProfile); err != nil {
		return err
	}
	// The app must still be reachable when the heap is measured, or the
	// GC would have collected it: what is in use is what whib keeps.
	runtime.KeepAlive(app)
	return nil
}

// buildApp is whib as main builds it, against the fake GitHub at apiURL.
func buildApp(ctx context.Context, apiURL string, geoData *geo.Data) (*whib.Server, error) {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	env := map[string]string{"GITHUB_REPO": "bench/places", "GITHUB_TOKEN": "t", "GITHUB_API_URL": apiURL,
		"BASE_URL": "http://127.0.0.1", "TILE_URL": "http://127.0.0.1:1/{z}/{x}/{y}.png"}
	cfg, err := whib.LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		return nil, err
	}
	return whib.Build(ctx, cfg, logger, nil, whib.WithGeo(geoData))
}

// exercise runs the phases whibbench measures, printing memory after each.
func exercise(ctx context.Context, out io.Writer, app *whib.Server, views, adds int) error {
	h, live := app.Handler(), app.Live()
	if _, err := live.Refresh(ctx); err != nil {
		return err
	}
	stage(out, "loaded")

	wirePage, page := get(h, "/")
	stage(out, fmt.Sprintf("first GET / (%d bytes HTML, %d gzip)", len(page), len(wirePage)))
	if m := regexp.MustCompile(`data-markers-url="([^"]*)"`).FindSubmatch(page); m != nil {
		u := strings.ReplaceAll(string(m[1]), "&amp;", "&")
		wire, body := get(h, u)
		stage(out, fmt.Sprintf("GET markers (%d bytes, %d gzip)", len(body), len(wire)))
	}
	for range views {
		serve(h, "/")
	}
	stage(out, fmt.Sprintf("%d × GET /", views))
	for _, path := range []string{"/stats", "/stats?visited=2024", "/?visited=2024"} {
		get(h, path)
		stage(out, "GET "+path)
	}
	for i := range adds {
		p, err := store.NewPlace(fmt.Sprintf("Profile place %d", i), "47.07", "15.44")
		if err != nil {
			return err
		}
		if _, err := live.Add(ctx, p, store.Author{Name: "whibprofile"}); err != nil {
			return err
		}
		stage(out, fmt.Sprintf("add %d", i+1))
	}
	return nil
}

// startCPUProfile profiles into path until the returned stop is called;
// an empty path profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

// get serves target as a browser would ask for it (gzip accepted) and
// returns the body as sent, and decompressed.
func get(h http.Handler, target string) (wire, body []byte) {
	rec := serve(h, target)
	wire = rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") != "gzip" {
		return wire, wire
	}
	zr, err := gzip.NewReader(bytes.NewReader(wire))
	if err != nil {
		return wire, nil
	}
	body, _ = io.ReadAll(zr)
	return wire, body
}

// stage prints the Go heap and the process's resident memory. The fake
// GitHub's share (every version of the file it stores) is included.
func stage(w io.Writer, name string) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rss, hwm := "?", "?"
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				rss = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				hwm = strings.TrimSpace(v)
			}
		}
	}
	fmt.Fprintf(w, "%-48s heap in use %6.1f MB  heap sys %6.1f MB  total alloc %7.1f MB  GCs %3d  RSS %s (peak %s)\n",
		name, mb(m.HeapInuse), mb(m.HeapSys), mb(m.TotalAlloc), m.NumGC, rss, hwm)
}

// serve serves target as a browser would ask for it (gzip accepted); the
// page views do not decompress what they get, so the heap is whib's.
func serve(h http.Handler, target string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func mb(n uint64) float64 { return float64(n) / 1e6 }

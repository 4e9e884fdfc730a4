// Command whibserve runs whib as the command does — settings from the
// environment, internal/whib.Build, Start, Serve, the 100 MiB memory limit
// — with a local sign-in provider (as -dev starts one), and writes CPU and
// allocation profiles of one window of its life. It exists to profile
// whib under a load generator in another process (wrk), where the time
// goes as it goes in production; whibprofile profiles the handler stack in
// one process instead.
//
//	PORT=18080 go run ./bench/cmd/whibserve -places 1000 \
//	    -after 3s -for 10s -cpuprofile /tmp/cpu.pprof -memprofile /tmp/allocs.pprof &
//	wrk -t1 -c32 -d15s -H 'Accept-Encoding: gzip' http://127.0.0.1:18080/
//	go tool pprof -top -cum /tmp/cpu.pprof
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/whib/whib/auth/devoidc"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store/githubtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "whibserve:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("whibserve", flag.ContinueOnError)
	after := fs.Duration("after", 3*time.Second, "start profiling this long after listening (the warm-up)")
	window := fs.Duration("for", 10*time.Second, "profile this long")
	cpuProfile := fs.String("cpuprofile", "", "write the window's CPU profile here")
	memProfile := fs.String("memprofile", "", "write the allocations profile here at the end of the window")
	places := fs.Int("places", 0, "serve this many sample places (githubtest.SampleCSV, as whibbench) from a temporary PLACES_FILE; 0: PLACES_FILE as set")
	write := fs.String("write", "", "with -places: write the sample file here and exit")
	github := fs.Bool("github", false, "with -places: keep them in a fake GitHub repository in this process (store/githubtest), as whibbench does, rather than a file; read its profiles with -ignore githubtest")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *github {
		gh := githubtest.Start(githubtest.WithToken("whibserve"), githubtest.WithRepo("bench", "places", "main"),
			githubtest.WithFile("places.csv", githubtest.SampleCSV(*places)))
		defer gh.Close()
		for k, v := range map[string]string{"GITHUB_REPO": "bench/places", "GITHUB_TOKEN": "whibserve", "GITHUB_API_URL": gh.URL} {
			os.Setenv(k, v)
		}
		*places = 0
	}
	if *write != "" {
		return os.WriteFile(*write, githubtest.SampleCSV(*places), 0o600)
	}
	if *places > 0 {
		dir, err := os.MkdirTemp("", "whibserve-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		file := filepath.Join(dir, "places.csv")
		if err := os.WriteFile(file, githubtest.SampleCSV(*places), 0o600); err != nil {
			return err
		}
		os.Setenv("PLACES_FILE", file)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(whib.DefaultMemoryLimit) // as main does
	}
	cfg, err := whib.LoadConfig(os.Getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	provider, err := signIn(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer provider.Close()
	app, err := whib.Build(ctx, cfg, logger, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+cfg.Port)
	if err != nil {
		return err
	}
	app.Start(ctx)
	served := make(chan error, 1)
	go func() { served <- app.Serve(ln) }()
	profErr := profileWindow(ctx, *after, *window, *cpuProfile, *memProfile)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return errors.Join(profErr, app.Shutdown(shutdown), <-served)
}

// signIn points cfg at a local provider, so that the session middleware
// runs as it does when sign-in is configured.
func signIn(ctx context.Context, cfg *whib.Config, logger *slog.Logger) (*devoidc.Provider, error) {
	secret := whib.RandomSecret()
	p, err := devoidc.Start(ctx, devoidc.Options{
		Addr: "127.0.0.1:0", Audience: "https://whib.local/api",
		WebClientID: "whibserve-web", WebClientSecret: secret,
		RedirectURIs:    []string{cfg.BaseURL() + "/callback"},
		MachineClientID: "whibserve-machine", MachineClientSecret: whib.RandomSecret(),
		Permission: cfg.Auth.WritePermission, Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	a := &cfg.Auth
	a.Issuer, a.Audience, a.ClientID, a.ClientSecret = p.Issuer(), "https://whib.local/api", "whibserve-web", secret
	if a.SessionSecret == "" {
		a.SessionSecret = whib.RandomSecret()
	}
	return p, nil
}

// profileWindow waits after, then profiles for window.
func profileWindow(ctx context.Context, after, window time.Duration, cpuPath, memPath string) error {
	if cpuPath == "" && memPath == "" {
		return nil
	}
	select {
	case <-time.After(after):
	case <-ctx.Done():
		return nil
	}
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	select {
	case <-time.After(window):
	case <-ctx.Done():
	}
	if memPath == "" {
		return nil
	}
	f, err := os.Create(memPath)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

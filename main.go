// Command whib serves "Where Have I Been": a public map of the places a
// traveller has been, that only authorised people and machines can add to.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/shared"
)

// shutdownGrace leaves Heroku's 30 s between SIGTERM and SIGKILL a margin.
const shutdownGrace = 25 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, a second one stops at once.
		<-ctx.Done()
		stop()
	}()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "whib:", err)
		os.Exit(1)
	}
}

// run starts whib and serves until ctx is done, then drains in-flight
// requests. It takes its environment as arguments so tests can run it.
// Everything is built and checked before the port is opened, so a wrong
// setting never leaves a listener that answers nothing.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.Config, stdout)
	// go-redis logs each failed dial itself; shared logs the outage once.
	shared.RedisLogsTo(logger)
	if getenv("GOMEMLIMIT") == "" {
		// Go's default lets the heap grow to twice what is live before
		// collecting; a large file's add is tens of MB of short-lived
		// garbage. A soft limit keeps the process small on a 512 MB dyno
		// (and well under it at 100,000 places); GOMEMLIMIT overrides it.
		debug.SetMemoryLimit(whib.DefaultMemoryLimit)
	}
	listenHost := ""
	if cfg.Dev {
		provider, err := startDevProvider(ctx, &cfg.Config, logger, stdout)
		if err != nil {
			return err
		}
		defer provider.Close()
		listenHost = "127.0.0.1"
	}
	app, err := whib.Build(ctx, cfg.Config, logger, nil)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(listenHost, cfg.Port))
	if err != nil {
		return fmt.Errorf("listen on port %s: %w", cfg.Port, err)
	}
	app.Start(ctx)
	return serve(ctx, app, listener, logger)
}

// serve answers on listener until ctx is done, then gives the requests in
// flight shutdownGrace to finish.
func serve(ctx context.Context, app *whib.Server, listener net.Listener, logger *slog.Logger) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- app.Serve(listener) }()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := app.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-serveErr; err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

func newLogger(cfg whib.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

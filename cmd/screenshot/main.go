// Command screenshot makes the README's picture of whib, docs/screenshot.png:
// it runs the app in-process on loopback with the talk's places, opens the map
// in headless Chromium at 1280×800 and saves what a visitor sees.
//
//	go run ./cmd/screenshot                  # offline: blank map tiles
//	go run ./cmd/screenshot -tile-url https://tile.openstreetmap.org/{z}/{x}/{y}.png
//
// It needs Chromium (apt-get install chromium).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/whib/whib/assets"
	"github.com/whib/whib/auth"
	"github.com/whib/whib/handlers"
	"github.com/whib/whib/store"
)

const (
	width, height = 1280, 800
	// offlineTiles is a loopback address where nothing listens: the map
	// stays blank, but the browser never tries the internet.
	offlineTiles = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	// timeout bounds the whole run; it normally takes a second or two.
	timeout = 60 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("screenshot", flag.ContinueOnError)
	flags.SetOutput(stderr)
	out := flags.String("out", filepath.Join("docs", "screenshot.png"), "where to write the PNG")
	placesCSV := flags.String("places", "", "places.csv to show (a copy is used); empty: the talk's places built into the store")
	tileURL := flags.String("tile-url", offlineTiles, "map tile URL template; the default shows no tiles and needs no internet")
	if err := flags.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	dataDir, err := os.MkdirTemp("", "whib-screenshot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	csvPath := filepath.Join(dataDir, "places.csv")
	if *placesCSV != "" {
		content, err := os.ReadFile(*placesCSV)
		if err != nil {
			return err
		}
		if err := os.WriteFile(csvPath, content, 0o644); err != nil {
			return err
		}
	}

	url, stopServer, err := serve(ctx, csvPath, *tileURL, logger)
	if err != nil {
		return err
	}
	defer stopServer()

	png, err := capture(ctx, url)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d×%d)\n", *out, width, height)
	return nil
}

// serve starts whib on a loopback port as main.go wires it, with places from
// a file and sign-in not configured, and returns its address.
func serve(ctx context.Context, csvPath, tileURL string, logger *slog.Logger) (string, func(), error) {
	// A missing file is created with the store's default: the talk's places.
	live := store.NewLive(store.NewFileStore(csvPath), logger)
	if _, err := live.Refresh(ctx); err != nil {
		return "", nil, fmt.Errorf("load places: %w", err)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	url := "http://" + listener.Addr().String()
	authenticator, err := auth.New(ctx, auth.Config{BaseURL: url, Logger: logger})
	if err != nil {
		listener.Close()
		return "", nil, err
	}
	static, err := assets.New()
	if err != nil {
		listener.Close()
		return "", nil, err
	}
	srv := &http.Server{
		Handler: handlers.Routes(handlers.Deps{
			Logger: logger, Places: live, Auth: authenticator, Assets: static,
			Config: handlers.Config{TileURL: tileURL, BaseURL: url},
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() {
		if err := srv.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("serve", "err", err)
		}
	}()
	stop := func() {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}
	return url, stop, nil
}

// capture opens the map in headless Chromium and takes the picture once
// app.js says the markers are on the map.
func capture(ctx context.Context, url string) ([]byte, error) {
	execPath, err := chromium()
	if err != nil {
		return nil, err
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox, // often run as root in containers, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(width, height),
	)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()

	// Still pictures: no half-finished zoom animation in the shot.
	reducedMotion := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	})
	if err := chromedp.Do(tabCtx,
		chromedp.EmulateViewport(width, height),
		reducedMotion,
		chromedp.Navigate(url+"/"),
	); err != nil {
		return nil, fmt.Errorf("open the map: %w", err)
	}
	if _, err := chromedp.Run(tabCtx, chromedp.Poll[chromedp.Void](
		`document.documentElement.dataset.markersReady !== undefined`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		return nil, fmt.Errorf("wait for the markers: %w", err)
	}
	png, err := chromedp.Run(tabCtx, chromedp.CaptureScreenshot())
	if err != nil {
		return nil, fmt.Errorf("take the screenshot: %w", err)
	}
	return png, nil
}

func chromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", errors.New("no Chromium found (looked for chromium, chromium-browser): apt-get install chromium")
}

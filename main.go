// Command whib serves "Where Have I Been": a public map of the places a
// traveller has been, that only authorised people and machines can add to.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/whib/whib/assets"
	"github.com/whib/whib/auth"
	"github.com/whib/whib/auth/devoidc"
	"github.com/whib/whib/geo"
	"github.com/whib/whib/handlers"
	"github.com/whib/whib/store"
)

// defaultMemoryLimit is the soft memory limit when GOMEMLIMIT is unset.
const defaultMemoryLimit = 100 << 20

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
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stdout)
	if getenv("GOMEMLIMIT") == "" {
		// Go's default lets the heap grow to twice what is live before
		// collecting; a large file's add is tens of MB of short-lived
		// garbage. A soft limit keeps the process small on a 512 MB dyno
		// (and well under it at 100,000 places); GOMEMLIMIT overrides it.
		debug.SetMemoryLimit(defaultMemoryLimit)
	}

	listenHost := ""
	if cfg.Dev {
		listenHost = "127.0.0.1"
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(listenHost, cfg.Port))
	if err != nil {
		return fmt.Errorf("listen on port %s: %w", cfg.Port, err)
	}
	defer listener.Close()

	// Outbound calls get their own deadlines; this one only stops a stuck
	// connection from hanging a goroutine forever.
	githubHTTP := &http.Client{Timeout: 60 * time.Second}

	places, err := newStore(cfg, githubHTTP, logger)
	if err != nil {
		return err
	}
	live := store.NewLive(places, logger)

	if cfg.Dev {
		provider, err := startDevProvider(ctx, &cfg, logger, stdout)
		if err != nil {
			return err
		}
		defer provider.Close()
	}
	// The first discovery may delay the start by at most a few seconds; a
	// provider that does not answer is retried in the background.
	authCtx, cancelAuth := context.WithTimeout(ctx, 5*time.Second)
	defer cancelAuth()
	authenticator, err := auth.New(authCtx, auth.Config{
		Issuer:                cfg.Issuer,
		ClientID:              cfg.ClientID,
		ClientSecret:          cfg.ClientSecret,
		Audience:              cfg.Audience,
		BaseURL:               cfg.BaseURL,
		SessionSecret:         cfg.SessionSecret,
		SessionSecretPrevious: cfg.SessionSecretPrevious,
		WritePermission:       cfg.WritePermission,
		Editors:               cfg.Editors,
		MachineClients:        cfg.MachineClients,
		SessionLifetime:       cfg.SessionMaxAge,
		SessionIdleTimeout:    cfg.SessionIdleTimeout,
		HTTPClient:            &http.Client{Timeout: 10 * time.Second},
		Logger:                logger,
	})
	if err != nil {
		return err
	}
	staticFiles, err := assets.New()
	if err != nil {
		return err
	}

	// KeepSessionsAlive wraps everything: any page a person uses counts
	// against the idle timeout.
	srv := handlers.NewServer(authenticator.KeepSessionsAlive(handlers.Routes(handlers.Deps{
		Logger: logger,
		Places: live,
		Auth:   authenticator,
		Assets: staticFiles,
		Config: handlers.Config{
			TileURL:         cfg.TileURL,
			TileAttribution: cfg.TileAttribution,
			BaseURL:         cfg.BaseURL,
			Issuer:          cfg.Issuer,
			WritePermission: cfg.WritePermission,
			CORSOrigins:     cfg.CORSOrigins,
			TrustProxy:      cfg.TrustProxy,
			WritesPerMinute: cfg.WritesPerMinute,
			LoginsPerMinute: cfg.LoginsPerMinute,
		},
	})), logger, cfg.MaxConnections)

	refreshCtx, stopRefresh := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRefresh()
	go func() {
		if _, err := live.Refresh(refreshCtx); err != nil {
			logger.Error("first load of places failed; will retry", "store", places.String(), "err", err)
		}
		live.Run(refreshCtx, cfg.RefreshInterval)
	}()

	// Gazetteer and borders (~1 s of CPU) load in the background: /healthz and
	// GET / never wait; search and countries start working once it is done.
	go geo.Load(context.WithoutCancel(ctx)) //nolint:errcheck // handlers check geo.Loaded()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(listener) }()
	logger.Info("whib is listening", "address", "http://"+listener.Addr().String(), "base_url", cfg.BaseURL,
		"store", places.String(), "sign_in", authenticator.Configured())

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopRefresh()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// memoryLimit is the soft memory limit whib runs under: GOMEMLIMIT as the
// runtime read it, or the default run sets when it is unset.
func memoryLimit(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") == "" {
		return defaultMemoryLimit
	}
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64 {
		return limit
	}
	return defaultMemoryLimit // GOMEMLIMIT=off: size connections as for the default
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newStore(cfg config, client *http.Client, logger *slog.Logger) (store.Store, error) {
	if cfg.GitHubRepo == "" {
		return store.NewFileStore(cfg.PlacesFile), nil
	}
	s, err := store.NewGitHubStore(store.GitHubConfig{
		Token:      cfg.GitHubToken,
		Repo:       cfg.GitHubRepo,
		Path:       cfg.GitHubPath,
		Branch:     cfg.GitHubBranch,
		APIURL:     cfg.GitHubAPIURL,
		HTTPClient: client,
		Logger:     logger,
	})
	if err != nil {
		return nil, fmt.Errorf("GITHUB_REPO: %w", err)
	}
	return s, nil
}

// startDevProvider runs a local OpenID provider and points the config at
// it, so `go run . -dev` shows the whole signed-in flow with no tenant.
func startDevProvider(ctx context.Context, cfg *config, logger *slog.Logger, stdout io.Writer) (*devoidc.Provider, error) {
	webSecret, machineSecret := randomSecret(), randomSecret()
	if cfg.Audience == "" {
		cfg.Audience = "https://whib.local/api"
	}
	provider, err := devoidc.Start(ctx, devoidc.Options{
		Addr:                   "127.0.0.1:0",
		Audience:               cfg.Audience,
		WebClientID:            "whib-dev-web",
		WebClientSecret:        webSecret,
		RedirectURIs:           []string{cfg.BaseURL + "/callback"},
		PostLogoutRedirectURIs: []string{cfg.BaseURL + "/", cfg.BaseURL + "/*"}, // any ?return_to= path
		MachineClientID:        "whib-dev-machine",
		MachineClientSecret:    machineSecret,
		Permission:             cfg.WritePermission,
		Logger:                 logger,
	})
	if err != nil {
		return nil, fmt.Errorf("-dev: start the local sign-in provider: %w", err)
	}
	cfg.Issuer = provider.Issuer()
	cfg.ClientID, cfg.ClientSecret = "whib-dev-web", webSecret
	if cfg.SessionSecret == "" {
		cfg.SessionSecret = randomSecret()
	}
	fmt.Fprintf(stdout, `
whib -dev: a local sign-in provider runs at %s
  People: open %s and press "Log in"; type any name on the provider's page.
  Machines: get a token, then add a place:
    TOKEN=$(%s | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
    curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
      -d '{"name":"Graz","latitude":47.0707,"longitude":15.4395}' %s/places

`, provider.Issuer(), cfg.BaseURL, provider.TokenCurl(), cfg.BaseURL)
	return provider, nil
}

func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

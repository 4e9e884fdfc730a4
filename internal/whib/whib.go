// Package whib is the one place that wires whib's parts: the store, the
// in-memory Live copy, sign-in, the assets, the route table and the
// server. The command, the in-process test app and the tools all build
// the app here, so the tests exercise the wiring that runs in production.
package whib

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/whib/whib/assets"
	"github.com/whib/whib/auth"
	"github.com/whib/whib/geo"
	"github.com/whib/whib/handlers"
	"github.com/whib/whib/shared"
	"github.com/whib/whib/store"
)

// Server is whib built and ready to serve: the parts, wired, with the HTTP
// server that runs them. Build makes it; Serve, Start and Shutdown run it.
type Server struct {
	cfg    Config
	logger *slog.Logger
	store  store.Backend
	live   *store.Live
	auth   *auth.Authenticator
	geo    *geo.Data
	// shared is what this instance shares with the others: change
	// notifications, ended sessions and rate limits (Redis or memory).
	shared shared.State
	teller *changeTeller
	// handler is the route table with every middleware, as the server runs it.
	handler    http.Handler
	httpServer *http.Server
	// stopBackground ends the refresh loop started by Start.
	stopBackground context.CancelFunc
	background     sync.WaitGroup // the refresh loop, waited for by Shutdown
	// repositoryPublic is set when privacy settings are in force but the
	// places' GitHub repository is public (checked at start).
	repositoryPublic atomic.Bool
}

// Option hands Build a part it would otherwise make itself.
type Option func(*Server)

// WithGeo wires d instead of a Data of the app's own: tests and tools that
// build many apps in one process load the gazetteer once and share it.
func WithGeo(d *geo.Data) Option { return func(s *Server) { s.geo = d } }

// Build makes every part from cfg and wires them. Everything that can fail
// for a bad setting fails here, before anything listens: the store checks
// the repository, path and API URL, auth checks the sign-in settings.
// logger receives every part's log; now (nil: time.Now) is the handlers'
// clock, for tests.
func Build(ctx context.Context, cfg Config, logger *slog.Logger, now func() time.Time, opts ...Option) (*Server, error) {
	if logger == nil {
		return nil, errors.New("whib: Build needs a logger")
	}
	if cfg.Handlers.BaseURL != cfg.Auth.BaseURL {
		return nil, fmt.Errorf("BASE_URL: the handlers were given %q and sign-in %q; set both from one address", cfg.Handlers.BaseURL, cfg.Auth.BaseURL)
	}
	srv := &Server{cfg: cfg, logger: logger, geo: geo.NewData(), stopBackground: func() {}}
	for _, opt := range opts {
		opt(srv)
	}
	if err := srv.build(ctx, now); err != nil {
		if srv.shared != nil {
			_ = srv.shared.Close()
		}
		return nil, err
	}
	return srv, nil
}

// build makes the parts and wires them; Build closes the shared state
// should a later part fail.
func (a *Server) build(ctx context.Context, now func() time.Time) error {
	cfg, logger := a.cfg, a.logger
	places, err := newStore(cfg, logger)
	if err != nil {
		return err
	}
	if err := cfg.Handlers.Check(); err != nil {
		return err
	}
	static, err := assets.New()
	if err != nil {
		return err
	}
	// Only a malformed REDIS_URL fails here; an unreachable Redis is
	// logged, and the instance runs on its own memory until it answers.
	if a.shared, err = shared.Open(ctx, cfg.sharedConfig(logger, now)); err != nil {
		return err
	}
	// The first discovery may delay the start by at most DiscoveryWait.
	authCtx, cancel := context.WithTimeout(ctx, cfg.DiscoveryWait)
	defer cancel()
	if a.auth, err = auth.New(authCtx, cfg.authConfig(logger, a.shared.EndedSessions())); err != nil {
		return nameSettings(err)
	}
	a.store, a.live = places, store.NewLive(places, logger)
	a.teller = &changeTeller{changes: a.shared.Changes(), logger: logger}
	a.live.Watch(a.teller.served)
	a.httpServer = newServer(nil, logger, cfg.MaxConnections)
	// KeepSessionsAlive wraps everything: any page a person uses counts
	// against the idle timeout.
	a.handler = a.auth.KeepSessionsAlive(handlers.Routes(handlers.Deps{
		Logger: logger, Places: a.live, Auth: a.auth, Assets: static, Geo: a.geo, Config: cfg.Handlers, Now: now,
		RepositoryPublic: a.repositoryPublic.Load, Limits: a.shared, OnShutdown: a.httpServer.RegisterOnShutdown,
	}))
	a.httpServer.Handler = a.handler
	a.checkRepositoryPrivate(ctx)
	return nil
}

// Live is the in-memory copy of the places the handlers serve.
func (a *Server) Live() *store.Live { return a.live }

// Handler is the whole app as one handler, for in-process tools that
// call it without a server.
func (a *Server) Handler() http.Handler { return a.handler }

// Start loads the places and the gazetteer in the background and keeps
// the places fresh every RefreshInterval until Shutdown. The work
// outlives ctx's cancellation (SIGTERM) so that requests still being
// drained see a working store; Shutdown ends it.
func (a *Server) Start(ctx context.Context) {
	ctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stopBackground = stop
	// The gazetteer and borders take about a second to load: in the
	// background, so /healthz and the map never wait for them.
	go func() { _, _ = a.geo.Load(ctx) }()
	a.background.Go(func() {
		if _, err := a.live.Refresh(ctx); err != nil {
			a.logger.Error("first load of places failed; will retry", "store", a.store.String(), "err", err)
		}
		a.live.Run(ctx, a.cfg.RefreshInterval)
	})
	// Changes written on other instances are read at once, not at the
	// next refresh.
	a.background.Go(func() { a.followChanges(ctx) })
}

// Serve answers requests on l until Shutdown; then it returns nil.
func (a *Server) Serve(l net.Listener) error {
	a.logger.Info("whib is listening", "address", "http://"+l.Addr().String(), "base_url", a.cfg.BaseURL(),
		"store", a.store.String(), "sign_in", a.auth.Configured())
	if err := a.httpServer.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown ends the live-update streams, stops accepting connections,
// waits for requests in flight until ctx ends, then stops the background
// refresh and lets go of the shared state.
func (a *Server) Shutdown(ctx context.Context) error {
	err := a.httpServer.Shutdown(ctx)
	if a.stopBackground != nil {
		a.stopBackground()
	}
	// Then the store is left alone: no refresh half way through a file
	// write when the process exits.
	a.background.Wait()
	if werr := a.live.Wait(ctx); err == nil && werr != nil {
		err = werr
	}
	a.teller.wait()
	if cerr := a.shared.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func newStore(cfg Config, logger *slog.Logger) (store.Backend, error) {
	if cfg.GitHubRepo == "" {
		return store.NewFileStore(cfg.PlacesFile), nil
	}
	s, err := store.NewGitHubStore(store.GitHubConfig{
		Token:      cfg.GitHubToken,
		Repo:       cfg.GitHubRepo,
		Path:       cfg.GitHubPath,
		Branch:     cfg.GitHubBranch,
		APIURL:     cfg.GitHubAPIURL,
		HTTPClient: &http.Client{Timeout: cfg.GitHubTimeout},
		Logger:     logger,
	})
	if err != nil {
		return nil, fmt.Errorf("GITHUB_REPO, GITHUB_PATH or GITHUB_API_URL: %w", err)
	}
	return s, nil
}

// authConfig is the sign-in settings with their dependencies: the logger,
// an HTTP client whose timeout bounds every call to the provider, and where
// ended sessions are kept.
func (c Config) authConfig(logger *slog.Logger, ended auth.EndedSessions) auth.Config {
	a := c.Auth
	a.HTTPClient = &http.Client{Timeout: c.AuthTimeout}
	a.Logger = logger
	a.EndedSessions = ended
	return a
}

// sharedConfig is the shared state's settings with the logger and the
// handlers' clock (nil: time.Now), which the in-memory rate limits keep.
func (c Config) sharedConfig(logger *slog.Logger, now func() time.Time) shared.Config {
	s := c.Shared
	s.Logger, s.Now = logger, now
	return s
}

// authSettings names the environment variable behind each auth.Config
// field, so that auth's checks speak of the setting a person changes.
var authSettings = map[string]string{
	"Issuer":                "OIDC_ISSUER or AUTH0_DOMAIN",
	"ClientID":              "AUTH0_CLIENT_ID",
	"ClientSecret":          "AUTH0_CLIENT_SECRET",
	"Audience":              "AUTH0_AUDIENCE",
	"BaseURL":               "BASE_URL",
	"SessionSecret":         "SESSION_SECRET",
	"SessionSecretPrevious": "SESSION_SECRET_PREVIOUS",
	"SessionLifetime":       "SESSION_MAX_AGE",
	"SessionIdleTimeout":    "SESSION_IDLE_TIMEOUT",
	"WritePermission":       "WRITE_PERMISSION",
}

// nameSettings rewrites auth's configuration errors to name the variables.
func nameSettings(err error) error {
	var problems []error
	for _, e := range unjoin(err) {
		var ce *auth.ConfigError
		if errors.As(e, &ce) {
			if name, ok := authSettings[ce.Field]; ok {
				e = fmt.Errorf("%s: %s", name, ce.Problem)
			}
		}
		problems = append(problems, e)
	}
	return errors.Join(problems...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// checkRepositoryPrivate warns, in the log at start and on the page for
// writers, when hidden areas or a publishing delay are set but the GitHub
// repository is public: anyone can read places.csv there.
func (a *Server) checkRepositoryPrivate(ctx context.Context) {
	gh, ok := a.store.(*store.GitHubStore)
	if !ok || !a.cfg.Handlers.Privacy.Active() {
		return
	}
	// At start, bounded like the first sign-in discovery.
	ctx, cancel := context.WithTimeout(ctx, a.cfg.DiscoveryWait)
	defer cancel()
	public, err := gh.Public(ctx)
	if err != nil {
		a.logger.Warn("could not tell whether the places repository is private", "store", a.store.String(), "err", err)
		return
	}
	if public {
		a.repositoryPublic.Store(true)
		a.logger.Warn("HIDDEN_AREAS or PUBLISH_DELAY is set, but the places repository is public: anyone can read every place in it on GitHub. Make the repository private.", "store", a.store.String())
	}
}

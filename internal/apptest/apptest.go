// Package apptest runs the whole whib app in-process for tests: the real
// handlers against a fake GitHub and an OpenID provider, all on loopback.
package apptest

import (
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whib/whib/assets"
	"github.com/whib/whib/auth"
	"github.com/whib/whib/auth/devoidc"
	"github.com/whib/whib/handlers"
	"github.com/whib/whib/store"
	"github.com/whib/whib/store/githubtest"
)

const (
	// Audience is the API identifier access tokens are issued for.
	Audience = "https://whib.test/api"
	// Permission allows adding places.
	Permission = "write:places"
	ghToken    = "test-github-token"
)

// talkPlaces is the talk's real places.csv, with its duplicate row.
//
//go:embed talk_places.csv
var talkPlaces []byte

// SeedCSV returns a copy of the talk's real places.csv.
func SeedCSV() []byte { return append([]byte(nil), talkPlaces...) }

// App is whib wired as main wires it, against a fake GitHub and an
// in-process OpenID provider, both on loopback.
type App struct {
	t      *testing.T
	URL    string
	GitHub *githubtest.Server
	IdP    *devoidc.Provider
	Live   *store.Live
}

type options struct {
	noAuth   bool
	csv      []byte
	handlers handlers.Config
	now      func() time.Time
}

// Option changes how New builds the app.
type Option func(*options)

// WithoutSignIn builds the app with no identity provider configured.
func WithoutSignIn() Option { return func(o *options) { o.noAuth = true } }

// WithCSV starts the fake repository with this places.csv instead of the talk's.
func WithCSV(csv []byte) Option { return func(o *options) { o.csv = csv } }

// WithConfig sets the handlers' configuration (base URL and permission are filled in).
func WithConfig(c handlers.Config) Option { return func(o *options) { o.handlers = c } }

// WithClock gives the handlers this clock (rate limits, /ping's reload
// interval) instead of time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New starts the app for one test; everything stops when the test ends.
func New(t *testing.T, opts ...Option) *App {
	t.Helper()
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	if o.csv == nil {
		o.csv = SeedCSV()
	}
	ctx := t.Context()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	gh := githubtest.New(t, githubtest.WithToken(ghToken), githubtest.WithRepo("traveller", "whib-data", "main"),
		githubtest.WithFile("places.csv", o.csv))
	places, err := store.NewGitHubStore(store.GitHubConfig{
		Token: ghToken, Repo: "traveller/whib-data", Path: "places.csv", APIURL: gh.URL,
		HTTPClient: &http.Client{Timeout: 10 * time.Second}, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	live := store.NewLive(places, logger)

	// The app's own server is started first so the provider can be told
	// the callback address.
	mux := &switchHandler{}
	srv := httptest.NewUnstartedServer(mux)
	srv.Config = handlers.NewServer(mux, logger, 256)
	srv.Start()
	t.Cleanup(srv.Close)

	authCfg := auth.Config{BaseURL: srv.URL, WritePermission: Permission, Logger: logger}
	var idp *devoidc.Provider
	if !o.noAuth {
		idp, err = devoidc.Start(ctx, devoidc.Options{
			Addr: "127.0.0.1:0", Audience: Audience,
			WebClientID: "web", WebClientSecret: "web-secret",
			RedirectURIs: []string{srv.URL + "/callback"}, PostLogoutRedirectURIs: []string{srv.URL + "/"},
			MachineClientID: "machine", MachineClientSecret: "machine-secret",
			Permission: Permission, Logger: logger,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idp.Close() })
		authCfg.Issuer = idp.Issuer()
		authCfg.ClientID, authCfg.ClientSecret = "web", "web-secret"
		authCfg.Audience = Audience
		authCfg.SessionSecret = strings.Repeat("s", 32) + "-session-secret"
	}
	authenticator, err := auth.New(ctx, authCfg)
	if err != nil {
		t.Fatal(err)
	}
	static, err := assets.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.handlers
	cfg.BaseURL = srv.URL
	cfg.WritePermission = Permission
	if idp != nil {
		cfg.Issuer = idp.Issuer()
	}
	if cfg.WritesPerMinute == 0 {
		cfg.WritesPerMinute = 100000
	}
	mux.h = authenticator.KeepSessionsAlive(handlers.Routes(handlers.Deps{Logger: logger, Places: live, Auth: authenticator, Assets: static, Config: cfg, Now: o.now}))
	return &App{t: t, URL: srv.URL, GitHub: gh, IdP: idp, Live: live}
}

type switchHandler struct{ h http.Handler }

func (s *switchHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// MachineToken is an access token as Auth0 issues for client credentials.
func (a *App) MachineToken(permissions ...string) string {
	now := time.Now()
	return a.IdP.SignToken(map[string]any{
		"iss": a.IdP.Issuer(), "aud": []string{Audience}, "sub": "machine@clients", "azp": "machine",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"permissions": permissions,
	})
}

// Request is one HTTP request to the app.
type Request struct {
	Method, Path string
	Body         string
	Header       map[string]string
}

// Do sends r with client c (nil: no cookies, no redirects followed) and
// returns the response with its body read.
func (a *App) Do(c *http.Client, r Request) (*http.Response, string) {
	a.t.Helper()
	if c == nil {
		c = NoRedirects(nil)
	}
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(context.Background(), r.Method, a.URL+r.Path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// PostJSON sends a place as a machine does.
func (a *App) PostJSON(token, body string) (*http.Response, string) {
	h := map[string]string{"Content-Type": "application/json", "Accept": "application/json"}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return a.Do(nil, Request{Method: "POST", Path: "/places", Body: body, Header: h})
}

// NoRedirects is a client that shows redirects instead of following them.
func NoRedirects(jar http.CookieJar) *http.Client {
	return &http.Client{
		Jar:     jar,
		Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// DecodeJSON decodes a JSON object body or fails the test.
func DecodeJSON(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, body)
	}
	return m
}

// Form encodes form fields as a browser posts them.
func Form(values map[string]string) string {
	v := url.Values{}
	for k, s := range values {
		v.Set(k, s)
	}
	return v.Encode()
}

// Clock is a test clock that moves only when told to.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts at the real time, so tokens and files stamped with the
// real clock look current to it.
func NewClock() *Clock { return &Clock{now: time.Now()} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Package apptest runs the whole whib app in-process for tests: the real
// handlers against a fake GitHub and an OpenID provider, all on loopback.
package apptest

import (
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whib/whib/auth/devoidc"
	"github.com/whib/whib/geo"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store"
	"github.com/whib/whib/store/githubtest"
)

const (
	// Audience is the API identifier access tokens are issued for.
	Audience = "https://whib.test/api"
	// Permission allows adding places: the default, as in production.
	Permission = whib.DefaultWritePermission
	ghToken    = "test-github-token"
)

// talkPlaces is the talk's real places.csv, with its duplicate row.
//
//go:embed talk_places.csv
var talkPlaces []byte

// sharedGeo is the gazetteer all apps of one test binary share, as
// whib.WithGeo allows: each load takes a second of CPU, and tests build
// hundreds of apps. Until a test calls LoadGeo it is not loaded, and apps
// answer as a fresh server does (no countries, search by coordinates).
var sharedGeo = geo.NewData()

// LoadGeo loads the shared gazetteer, if no test has yet, and waits for it:
// a test asserts on countries or place names only after it.
func LoadGeo(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if _, err := sharedGeo.Load(ctx); err != nil {
		t.Fatalf("loading the gazetteer: %v", err)
	}
}

// SeedCSV returns a copy of the talk's real places.csv.
func SeedCSV() []byte { return append([]byte(nil), talkPlaces...) }

// Site is whib running for one test, wired as main wires it
// (internal/whib.Build), against a fake GitHub and an in-process OpenID
// provider, all on loopback.
type Site struct {
	t      *testing.T
	URL    string
	GitHub *githubtest.Server
	IdP    *devoidc.Provider
	Live   *store.Live
}

type options struct {
	github    []githubtest.Option
	repo      *githubtest.Server
	started   bool
	geo       *geo.Data
	noAuth    bool
	csv       []byte
	configure []func(*whib.Config)
	now       func() time.Time
}

// Option changes how New builds the app.
type Option func(*options)

// WithoutSignIn builds the app with no identity provider configured.
func WithoutSignIn() Option { return func(o *options) { o.noAuth = true } }

// WithGitHubOptions starts the fake repository with these options too.
func WithGitHubOptions(opts ...githubtest.Option) Option {
	return func(o *options) { o.github = append(o.github, opts...) }
}

// OnRepository serves the places of gh, a repository made by
// NewRepository, instead of a fake of the app's own: several apps on one
// repository, as several instances (Heroku dynos) run.
func OnRepository(gh *githubtest.Server) Option { return func(o *options) { o.repo = gh } }

// Started runs the app's background work too, as the command does
// (whib.Server.Start): the refresh loop, and following the changes other
// instances tell of.
func Started() Option { return func(o *options) { o.started = true } }

// NewRepository starts the fake GitHub repository New would, with the
// talk's places.csv unless opts say otherwise, for apps that share it.
func NewRepository(t *testing.T, opts ...githubtest.Option) *githubtest.Server {
	t.Helper()
	return githubtest.New(t, append([]githubtest.Option{githubtest.WithToken(ghToken), githubtest.WithRepo("traveller", "whib-data", "main"),
		githubtest.WithFile("places.csv", SeedCSV())}, opts...)...)
}

// WithCSV starts the fake repository with this places.csv instead of the talk's.
func WithCSV(csv []byte) Option { return func(o *options) { o.csv = csv } }

// WithConfig changes the settings LoadConfig gave the app before it is
// built, e.g. func(c *whib.Config) { c.Handlers.WritesPerMinute = 3 }.
// The base URL, the issuer and the stores are the test app's own.
func WithConfig(change func(*whib.Config)) Option {
	return func(o *options) { o.configure = append(o.configure, change) }
}

// WithGeo gives the app this gazetteer instead of the shared one: a test
// that watches what happens before and after it loads.
func WithGeo(d *geo.Data) Option { return func(o *options) { o.geo = d } }

// WithClock gives the handlers this clock (rate limits, /ping's reload
// interval) instead of time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New starts the app for one test; everything stops when the test ends.
// It is built by internal/whib from the defaults LoadConfig gives an empty
// environment, as `go run .` would be.
func New(t *testing.T, opts ...Option) *Site {
	t.Helper()
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	if o.csv == nil {
		o.csv = SeedCSV()
	}
	if o.geo == nil {
		o.geo = sharedGeo
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	gh := o.repo
	if gh == nil {
		gh = NewRepository(t, append([]githubtest.Option{githubtest.WithFile("places.csv", o.csv)}, o.github...)...)
	}

	// The app's listener is opened first so the provider can be told the
	// callback address.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + listener.Addr().String()
	env := map[string]string{
		"BASE_URL": base, "GITHUB_REPO": "traveller/whib-data", "GITHUB_TOKEN": ghToken, "GITHUB_API_URL": gh.URL,
		"WRITE_PERMISSION": Permission, "WRITE_RATE_LIMIT": "100000",
	}
	var idp *devoidc.Provider
	if !o.noAuth {
		idp = startProvider(t, base)
		env["OIDC_ISSUER"], env["AUTH0_AUDIENCE"] = idp.Issuer(), Audience
		env["AUTH0_CLIENT_ID"], env["AUTH0_CLIENT_SECRET"] = "web", "web-secret"
		env["SESSION_SECRET"] = strings.Repeat("s", 32) + "-session-secret"
	}
	cfg, err := whib.LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for _, change := range o.configure {
		change(&cfg)
	}
	app, err := whib.Build(t.Context(), cfg, logger, o.now, whib.WithGeo(o.geo))
	if err != nil {
		t.Fatal(err)
	}
	serveUntilCleanup(t, app, listener)
	if o.started {
		app.Start(t.Context())
	}
	return &Site{t: t, URL: base, GitHub: gh, IdP: idp, Live: app.Live()}
}

func startProvider(t *testing.T, appURL string) *devoidc.Provider {
	t.Helper()
	idp, err := devoidc.Start(t.Context(), devoidc.Options{
		Addr: "127.0.0.1:0", Audience: Audience,
		WebClientID: "web", WebClientSecret: "web-secret",
		RedirectURIs: []string{appURL + "/callback"}, PostLogoutRedirectURIs: []string{appURL + "/"},
		MachineClientID: "machine", MachineClientSecret: "machine-secret",
		Permission: Permission, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Close() })
	return idp
}

func serveUntilCleanup(t *testing.T, app *whib.Server, listener net.Listener) {
	served := make(chan error, 1)
	go func() { served <- app.Serve(listener) }()
	t.Cleanup(func() {
		// A connection the client dialled but never used (a dial that lost
		// a race for a request) looks new to the server, which waits 5 s
		// before counting it idle: close the client's idle ones first.
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// The tests' clients share http.DefaultTransport, which may have
		// dialled a connection for a concurrent request that another one
		// served: it never sends a request, and Shutdown waits five
		// seconds for such a new connection before calling it idle.
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		if err := app.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
}

// MachineToken is an access token as Auth0 issues for client credentials.
func (a *Site) MachineToken(permissions ...string) string {
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
func (a *Site) Do(c *http.Client, r Request) (*http.Response, string) {
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
func (a *Site) PostJSON(token, body string) (*http.Response, string) {
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

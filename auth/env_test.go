package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whib/whib/auth/devoidc"
)

const (
	testAudience      = "https://whib.test/api"
	testClientID      = "whib-web"
	testClientSecret  = "web-secret"
	testMachineID     = "whib-machine"
	testMachineSecret = "machine-secret"
	testSecret        = "test-session-secret-0123456789-abcdef"
	testSecretOld     = "old-session-secret-0123456789-abcdef"
	testSecretOther   = "other-session-secret-0123456789-abcd"
)

// fakeClock lets tests move time forward instead of sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is one app (a small mux driving the real StartLogin, FinishLogin,
// Logout and Identify) plus the development provider, both on loopback.
type env struct {
	t     *testing.T
	clock *fakeClock
	idp   *devoidc.Provider
	app   *httptest.Server
	auth  *Authenticator
	cfg   Config
	logs  *syncBuffer

	served atomic.Pointer[Authenticator] // what the app's handlers use
}

// use makes a the authenticator of the test and of the app's handlers.
func (e *env) use(a *Authenticator) {
	e.auth = a
	e.served.Store(a)
}

type envOption func(*Config)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, clock: newFakeClock(), logs: &syncBuffer{}}
	mux := http.NewServeMux()
	// As main wires it: the session keep-alive wraps the whole site.
	e.app = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.served.Load().KeepSessionsAlive(mux).ServeHTTP(w, r)
	}))
	t.Cleanup(e.app.Close)
	e.idp = startIDP(t, e.app.URL, "127.0.0.1:0")
	e.cfg = e.config(e.idp.Issuer())
	for _, opt := range opts {
		opt(&e.cfg)
	}
	e.use(e.newAuth(e.cfg))
	e.routes(mux)
	return e
}

func startIDP(t *testing.T, appURL, addr string) *devoidc.Provider {
	t.Helper()
	idp, err := devoidc.Start(t.Context(), devoidc.Options{
		Addr:                   addr,
		Audience:               testAudience,
		WebClientID:            testClientID,
		WebClientSecret:        testClientSecret,
		RedirectURIs:           []string{appURL + "/callback"},
		PostLogoutRedirectURIs: []string{appURL + "/", appURL + "/*"},
		MachineClientID:        testMachineID,
		MachineClientSecret:    testMachineSecret,
		Permission:             "write:places",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Close() })
	return idp
}

func (e *env) config(issuer string) Config {
	return withLimits(Config{
		Issuer:        issuer,
		ClientID:      testClientID,
		ClientSecret:  testClientSecret,
		Audience:      testAudience,
		BaseURL:       e.app.URL,
		SessionSecret: testSecret,
		Logger:        slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:           e.clock.Now,
	})
}

func (e *env) newAuth(cfg Config) *Authenticator {
	e.t.Helper()
	a, err := New(e.t.Context(), cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// errorBody is how the test mux reports an *Error.
type errorBody struct {
	Kind        ErrorKind
	Code        string
	Description string
}

func writeError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if challenge := e.WWWAuthenticate("whib"); challenge != "" {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status())
	_ = json.NewEncoder(w).Encode(errorBody{e.Kind, e.Code, e.Description})
}

func (e *env) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		to, err := e.served.Load().StartLogin(w, r)
		if err != nil {
			writeError(w, err)
			return
		}
		http.Redirect(w, r, to, http.StatusFound)
	})
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		to, err := e.served.Load().FinishLogin(w, r)
		if err != nil {
			writeError(w, err)
			return
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, e.served.Load().Logout(w, r), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		p, err := e.served.Load().Identify(r)
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(p)
	})
	mux.HandleFunc("GET /cached", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=60")
		_, _ = io.WriteString(w, "the same for everyone")
	})
	// Stored by any cache, but revalidated before each use (the map's
	// data downloads).
	mux.HandleFunc("GET /revalidated", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = io.WriteString(w, "the same for everyone, checked each time")
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "page "+r.URL.RequestURI())
	})
}

// browser is an http.Client with a cookie jar that records every redirect
// response it follows.
type browser struct {
	t         *testing.T
	client    *http.Client
	redirects []*http.Response
	stopAt    func(*url.URL) bool // do not follow a redirect to such a URL
}

func (e *env) newBrowser() *browser {
	e.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	b := &browser{t: e.t}
	b.client = &http.Client{Jar: jar, Timeout: 10 * time.Second}
	b.client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		b.redirects = append(b.redirects, req.Response)
		if b.stopAt != nil && b.stopAt(req.URL) {
			return http.ErrUseLastResponse
		}
		if len(via) > 10 {
			return errors.New("too many redirects")
		}
		return nil
	}
	return b
}

func (b *browser) get(rawURL string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Get(rawURL)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) postForm(rawURL string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.PostForm(rawURL, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// openLoginPage follows /login to the provider's login form and returns the
// pending auth request id.
func (b *browser) openLoginPage(e *env, returnTo string) string {
	b.t.Helper()
	resp, body := b.get(e.app.URL + "/login?return_to=" + url.QueryEscape(returnTo))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "May add places") {
		b.t.Fatalf("login page: %d %s", resp.StatusCode, body)
	}
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		b.t.Fatalf("no authRequestID in %s", resp.Request.URL)
	}
	return id
}

// submitLogin fills in the provider's form; the browser then follows the
// redirects through /callback (unless stopAt says otherwise).
func (b *browser) submitLogin(e *env, requestID, name string, mayAdd bool) (*http.Response, string) {
	b.t.Helper()
	form := url.Values{"authRequestID": {requestID}, "name": {name}}
	if mayAdd {
		form.Set("may_add", "yes")
	}
	return b.postForm(e.idp.Issuer()+"/login", form)
}

func (b *browser) signIn(e *env, name string, mayAdd bool, returnTo string) (*http.Response, string) {
	b.t.Helper()
	return b.submitLogin(e, b.openLoginPage(e, returnTo), name, mayAdd)
}

func (b *browser) whoami(e *env) Principal {
	b.t.Helper()
	resp, body := b.get(e.app.URL + "/whoami")
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("whoami: %d %s", resp.StatusCode, body)
	}
	var p Principal
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		b.t.Fatal(err)
	}
	return p
}

func (b *browser) cookie(e *env, name string) *http.Cookie {
	u, _ := url.Parse(e.app.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// freePort reserves a loopback port and releases it, for a provider that
// starts later on a known address.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// identify runs Identify on a request carrying the given cookies and headers.
func identify(t *testing.T, a *Authenticator, header http.Header, cookies ...*http.Cookie) (Principal, error) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/whoami", nil)
	for k, v := range header {
		r.Header[k] = v
	}
	for _, c := range cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return a.Identify(r)
}

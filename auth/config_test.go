package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNotConfigured(t *testing.T) {
	a, err := New(t.Context(), withLimits(Config{Logger: slog.New(slog.DiscardHandler)}))
	if err != nil {
		t.Fatal(err)
	}
	if a.Configured() {
		t.Error("Configured() with no issuer")
	}
	if got := a.LoginHint(t.Context()); got != testNotConfiguredHint {
		t.Errorf("LoginHint = %q", got)
	}
	r := httptest.NewRequest(http.MethodGet, "/login?return_to=/x", nil)
	if _, err := a.StartLogin(httptest.NewRecorder(), r); KindOf(err) != KindNotConfigured {
		t.Errorf("StartLogin: %v", err)
	}
	if _, err := a.FinishLogin(httptest.NewRecorder(), r); KindOf(err) != KindNotConfigured {
		t.Errorf("FinishLogin: %v", err)
	}
	if got := a.Logout(httptest.NewRecorder(), r); got != "/x" {
		t.Errorf("Logout = %q, want the local path", got)
	}
	p, err := identify(t, a, bearer("abc.def.ghi"))
	var ae *Error
	if !errors.As(err, &ae) || ae.Kind != KindNotConfigured || ae.Status() != http.StatusServiceUnavailable || p.Who != Anonymous {
		t.Errorf("bearer when not configured: %+v, %v", p, err)
	}
	if p, err := identify(t, a, nil, &http.Cookie{Name: sessionCookieName, Value: "x"}); err != nil || p.Who != Anonymous {
		t.Errorf("cookie when not configured: %+v, %v", p, err)
	}
}

const testNotConfiguredHint = "Sign-in is not set up: set the test's settings."

// withLimits sets the limits internal/whib passes in production; auth
// picks none itself.
func withLimits(c Config) Config {
	c.NotConfiguredHint = testNotConfiguredHint
	c.SessionLifetime, c.SessionIdleTimeout = 12*time.Hour, 2*time.Hour
	c.EndedSessionsLimit = 10_000
	c.WritePermission = "write:places"
	c.JWKSRefetchInterval, c.DiscoveryRetryInterval = 30*time.Second, 15*time.Second
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return c
}

func validConfig() Config {
	return withLimits(Config{
		Issuer:        "https://tenant.eu.auth0.com/",
		ClientID:      "cid",
		ClientSecret:  "csecret",
		Audience:      "https://whib/api",
		BaseURL:       "https://whib.example",
		SessionSecret: testSecret,
		Logger:        slog.New(slog.DiscardHandler),
	})
}

func TestInvalidConfigurationIsRefusedWithAHint(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Config)
		hint   string
	}{
		{"plain http issuer", func(c *Config) { c.Issuer = "http://tenant.eu.auth0.com/" }, "must use https"},
		{"issuer not a URL", func(c *Config) { c.Issuer = "tenant.eu.auth0.com" }, "not a URL"},
		{"no session secret", func(c *Config) { c.SessionSecret = "" }, "SessionSecret"},
		{"short session secret", func(c *Config) { c.SessionSecret = "too-short" }, "at least 32"},
		{"short previous secret", func(c *Config) { c.SessionSecretPrevious = "short" }, "previous session secret"},
		{"no client id", func(c *Config) { c.ClientID = "" }, "ClientID"},
		{"no client secret", func(c *Config) { c.ClientSecret = "" }, "ClientSecret"},
		{"no audience", func(c *Config) { c.Audience = "" }, "Audience"},
		{"no base URL", func(c *Config) { c.BaseURL = "" }, "base URL"},
		{"no write permission", func(c *Config) { c.WritePermission = "" }, "WritePermission"},
		{"no session lifetime", func(c *Config) { c.SessionLifetime = 0 }, "SessionLifetime"},
		{"no JWKS refetch interval", func(c *Config) { c.JWKSRefetchInterval = 0 }, "JWKSRefetchInterval"},
		{"idle timeout under two re-issues", func(c *Config) { c.SessionIdleTimeout = time.Minute }, "idle timeout"},
		{"negative idle timeout", func(c *Config) { c.SessionIdleTimeout = -time.Hour }, "idle timeout"},
		{"HTTP client without a timeout", func(c *Config) { c.HTTPClient = &http.Client{} }, "timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig()
			tc.change(&cfg)
			_, err := New(t.Context(), cfg)
			if err == nil || !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("New: %v, want an error mentioning %q", err, tc.hint)
			}
		})
	}
}

func TestLoopbackHTTPIssuerIsAllowed(t *testing.T) {
	for _, issuer := range []string{"http://127.0.0.1:1", "http://localhost:1/", "http://[::1]:1"} {
		cfg := validConfig()
		cfg.Issuer = issuer
		cfg.HTTPClient = &http.Client{Timeout: time.Second}
		if _, err := cfg.check(); err != nil {
			t.Errorf("%s: %v", issuer, err)
		}
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	cfg := validConfig()
	cfg.SessionSecret = "short"
	_, err := New(t.Context(), cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "SessionSecret" {
		t.Errorf("New: %v, want a *ConfigError for SessionSecret", err)
	}
}

func TestProviderDownAtStartThenUp(t *testing.T) {
	e := newEnv(t)
	e.idp.SetDown(true)
	a := e.newAuth(e.cfg)
	e.use(a)
	ctx := t.Context()

	if got := a.LoginHint(ctx); got != HintUnavailable {
		t.Errorf("LoginHint while down = %q", got)
	}
	b := e.newBrowser()
	resp, body := b.get(e.app.URL + "/login")
	wantErrorPage(t, resp, body, http.StatusServiceUnavailable, KindUnavailable)
	if _, err := identify(t, a, bearer(e.idp.SignToken(e.machineClaims()))); KindOf(err) != KindUnavailable {
		t.Errorf("bearer while the provider was never reached: %v", err)
	}

	e.idp.SetDown(false)
	if err := startLogin(a); KindOf(err) != KindUnavailable {
		t.Errorf("StartLogin right after recovery (within the retry interval): %v, want KindUnavailable", err)
	}
	e.clock.Advance(15 * time.Second)
	if err := startLogin(a); err != nil {
		t.Fatalf("StartLogin after the retry interval: %v", err)
	}
	if got := a.LoginHint(ctx); got != "" {
		t.Errorf("LoginHint when up = %q", got)
	}
	b.signIn(e, "Ada", true, "/")
	if p := b.whoami(e); p.Name != "Ada" {
		t.Errorf("after recovery: %+v", p)
	}
}

// startLogin is what GET /login asks: it tries discovery when the retry
// interval allows.
func startLogin(a *Authenticator) error {
	_, err := a.StartLogin(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/login", nil))
	return err
}

func TestProviderStartedAfterNew(t *testing.T) {
	e := newEnv(t)
	addr := freePort(t)
	cfg := e.config("http://" + addr)
	a := e.newAuth(cfg) // nothing listens there yet
	if err := startLogin(a); KindOf(err) != KindUnavailable {
		t.Fatalf("StartLogin with no provider: %v", err)
	}

	late := startIDP(t, e.app.URL, addr)
	e.idp, e.cfg = late, cfg
	e.use(a)
	e.clock.Advance(cfg.checkedOrFatal(t).DiscoveryRetryInterval)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	if p := b.whoami(e); p.Name != "Ada" || !p.CanWrite {
		t.Errorf("after the provider started: %+v", p)
	}
}

func TestLoginHintNeverWaitsForTheProvider(t *testing.T) {
	// A provider that accepts connections but never answers.
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(hang) })
	cfg := validConfig()
	cfg.Issuer = slow.URL
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	started := time.Now()
	a, err := New(ctx, cfg) // stops waiting for discovery when ctx ends
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(started); waited > 5*time.Second {
		t.Errorf("New waited %v for a provider that never answers", waited)
	}
	done := make(chan string)
	go func() { done <- a.LoginHint(t.Context()) }()
	select {
	case hint := <-done:
		if hint != HintUnavailable {
			t.Errorf("LoginHint = %q", hint)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("LoginHint waited for the provider")
	}
}

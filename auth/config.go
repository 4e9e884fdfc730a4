package auth

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/whib/whib/shared"
)

// MinSessionSecretLength is the shortest session secret accepted: 32
// characters, e.g. from `openssl rand -base64 32`.
const MinSessionSecretLength = 32

// Config configures an Authenticator. Issuer == "" means sign-in is not set
// up: the site stays readable, nobody can sign in and bearer tokens get 503.
// The caller chooses every value: New checks them and picks no defaults.
type Config struct {
	// Issuer is the provider's issuer URL exactly as its discovery document
	// states it, e.g. "https://DOMAIN/" for Auth0 (note the slash).
	Issuer                 string
	ClientID, ClientSecret string
	// Audience is the API identifier: access tokens must carry it in "aud".
	Audience string
	// BaseURL is where this app is reached, e.g. "http://localhost:8080". The
	// callback is BaseURL+"/callback"; an https BaseURL makes cookies Secure.
	BaseURL string

	// SessionSecret keys the session cookies. SessionSecretPrevious, when set,
	// still opens cookies made with the secret before a rotation.
	SessionSecret, SessionSecretPrevious string
	// SessionLifetime is a session's absolute lifetime; SessionIdleTimeout
	// ends it sooner when unused.
	SessionLifetime, SessionIdleTimeout time.Duration
	// EndedSessions remembers the sessions that were logged out. Nil: this
	// instance's memory, bounded by EndedSessionsLimit, so a logout holds
	// only where it was made; instances that run side by side pass one
	// they share (shared.State's), so it holds on every one.
	EndedSessions EndedSessions
	// EndedSessionsLimit bounds the in-memory list of logged-out sessions.
	EndedSessionsLimit int

	WritePermission string   // the permission that allows adding places
	Editors         []string // e-mail addresses (verified) or subjects of people who may write anyway
	// MachineClients are client ids (a token's client_id or azp) whose
	// tokens count as machines', for providers whose client-credentials
	// tokens carry no other sign of it (Keycloak service accounts, Auth0
	// custom domains).
	MachineClients []string

	// HTTPClient makes the outbound calls (discovery, JWKS, token exchange);
	// it must have a timeout.
	HTTPClient *http.Client
	// JWKSRefetchInterval bounds key-set downloads: at most one per interval,
	// however many tokens with unknown key ids arrive.
	JWKSRefetchInterval time.Duration
	// DiscoveryRetryInterval is how long to wait before asking an unreachable
	// provider again.
	DiscoveryRetryInterval time.Duration

	// NotConfiguredHint is the sentence LoginHint gives while Issuer is
	// empty; it names the settings to set, which only the caller knows.
	NotConfiguredHint string

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now; tests inject a clock
}

const (
	loginStateLifetime = 10 * time.Minute
	clockSkew          = 60 * time.Second
)

// A ConfigError names the Config field that is wrong, so that the caller
// can name the setting its users know the field by.
type ConfigError struct {
	Field   string // a Config field name, e.g. "SessionSecret"
	Problem string
}

func (e *ConfigError) Error() string { return "auth: " + e.Field + ": " + e.Problem }

// check checks what New needs; the logger and clock are dependencies, not
// settings, and the only values it fills in. Settings that only matter once
// sign-in is configured are checked only then.
func (c Config) check() (Config, error) {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.EndedSessions == nil && c.EndedSessionsLimit > 0 {
		c.EndedSessions = shared.NewMemorySessions(c.EndedSessionsLimit, c.Now, c.Logger)
	}
	c.Editors = trimList(c.Editors)
	c.MachineClients = trimList(c.MachineClients)
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	var errs []error
	problem := func(field, format string, args ...any) {
		errs = append(errs, &ConfigError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	if c.EndedSessions == nil && c.EndedSessionsLimit < 1 {
		problem("EndedSessionsLimit", "must be at least 1")
	}
	if c.NotConfiguredHint == "" {
		problem("NotConfiguredHint", "the sentence that says how to set up sign-in is missing")
	}
	if c.Issuer != "" {
		c.checkSignIn(problem)
	}
	return c, errors.Join(errs...)
}

// checkSignIn checks the settings sign-in needs.
func (c Config) checkSignIn(problem func(field, format string, args ...any)) {
	if err := checkIssuer(c.Issuer); err != nil {
		problem("Issuer", "%v", err)
	}
	for _, f := range []struct{ name, value, what string }{
		{"ClientID", c.ClientID, "the client ID is missing"},
		{"ClientSecret", c.ClientSecret, "the client secret is missing"},
		{"Audience", c.Audience, "the API audience is missing: set it to the API identifier"},
		{"BaseURL", c.BaseURL, "the base URL is missing: the callback address is built from it"},
		{"WritePermission", c.WritePermission, "the write permission is missing"},
	} {
		if f.value == "" {
			problem(f.name, "%s", f.what)
		}
	}
	if len(c.SessionSecret) < MinSessionSecretLength {
		problem("SessionSecret", "must be at least %d characters (generate one with `openssl rand -base64 32`)", MinSessionSecretLength)
	}
	if c.SessionSecretPrevious != "" && len(c.SessionSecretPrevious) < MinSessionSecretLength {
		problem("SessionSecretPrevious", "the previous session secret must be at least %d characters too", MinSessionSecretLength)
	}
	if c.SessionLifetime < time.Minute {
		problem("SessionLifetime", "must be at least a minute")
	}
	// Below two reissue intervals a session in steady use could still idle out.
	if c.SessionIdleTimeout < 2*sessionReissueInterval {
		problem("SessionIdleTimeout", "the session idle timeout must be at least %v", 2*sessionReissueInterval)
	}
	if c.JWKSRefetchInterval <= 0 || c.DiscoveryRetryInterval <= 0 {
		problem("JWKSRefetchInterval", "refetch and retry intervals must be positive")
	}
	if c.HTTPClient == nil || c.HTTPClient.Timeout <= 0 {
		problem("HTTPClient", "an HTTP client with a timeout is needed for calls to the provider")
	}
}

func trimList(list []string) []string {
	var out []string
	for _, e := range list {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func checkIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("the issuer %q is not a URL like https://DOMAIN/", issuer)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && IsLoopbackHost(u.Hostname()):
		return nil // the development provider
	case u.Scheme == "http":
		return fmt.Errorf("the issuer %q must use https (plain http is only accepted on loopback)", issuer)
	}
	return fmt.Errorf("the issuer %q must be an https URL", issuer)
}

// IsLoopbackHost reports whether host names this machine only: plain
// http and the -dev provider are allowed there and nowhere else.
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// cookieKeys derives the securecookie key pairs for one cookie purpose from
// the session secrets: HMAC-SHA256 hash key (64 bytes) and AES-256 block key
// (32 bytes), current secret first, previous one second.
func cookieKeys(purpose string, secrets ...string) ([][]byte, error) {
	var pairs [][]byte
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		hashKey, err := hkdf.Key(sha256.New, []byte(secret), nil, "whib "+purpose+" cookie hash key", 64)
		if err != nil {
			return nil, err
		}
		blockKey, err := hkdf.Key(sha256.New, []byte(secret), nil, "whib "+purpose+" cookie block key", 32)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, hashKey, blockKey)
	}
	return pairs, nil
}

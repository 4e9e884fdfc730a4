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
)

// MinSessionSecretLength is the shortest SESSION_SECRET accepted: 32
// characters, e.g. from `openssl rand -base64 32`.
const MinSessionSecretLength = 32

// Config configures an Authenticator. Issuer == "" means sign-in is not set
// up: the site stays readable, nobody can sign in and bearer tokens get 503.
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
	// SessionLifetime is a session's absolute lifetime (SESSION_MAX_AGE),
	// default 12h; SessionIdleTimeout ends it sooner when unused
	// (SESSION_IDLE_TIMEOUT), default 2h.
	SessionLifetime, SessionIdleTimeout time.Duration
	// EndedSessionsLimit bounds the in-memory list of logged-out sessions.
	// Default 10,000.
	EndedSessionsLimit int

	WritePermission string   // default "write:places"
	Editors         []string // e-mail addresses (verified) or subjects of people who may write anyway
	// MachineClients are client ids (a token's client_id or azp) whose
	// tokens count as machines', for providers whose client-credentials
	// tokens carry no other sign of it (Keycloak service accounts, Auth0
	// custom domains).
	MachineClients []string

	// HTTPClient makes the outbound calls (discovery, JWKS, token exchange).
	// nil: a client with a 10 s timeout; a client without a timeout gets one.
	HTTPClient *http.Client
	// JWKSRefetchInterval bounds key-set downloads: at most one per interval,
	// however many tokens with unknown key ids arrive. Default 30 s.
	JWKSRefetchInterval time.Duration
	// DiscoveryRetryInterval is how long to wait before asking an unreachable
	// provider again. Default 15 s.
	DiscoveryRetryInterval time.Duration

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now; tests inject a clock
}

const (
	defaultSessionLifetime  = 12 * time.Hour
	defaultSessionIdle      = 2 * time.Hour
	defaultEndedSessions    = 10_000
	defaultWritePermission  = "write:places"
	defaultHTTPTimeout      = 10 * time.Second
	defaultJWKSRefetch      = 30 * time.Second
	defaultDiscoveryBackoff = 15 * time.Second
	loginStateLifetime      = 10 * time.Minute
	clockSkew               = 60 * time.Second
)

// withDefaults fills in defaults and checks what New needs. Settings that
// only matter once sign-in is configured are checked only then.
func (c Config) withDefaults() (Config, error) {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SessionLifetime == 0 {
		c.SessionLifetime = defaultSessionLifetime
	}
	if c.SessionIdleTimeout == 0 {
		c.SessionIdleTimeout = defaultSessionIdle
	}
	if c.EndedSessionsLimit <= 0 {
		c.EndedSessionsLimit = defaultEndedSessions
	}
	if c.WritePermission == "" {
		c.WritePermission = defaultWritePermission
	}
	if c.JWKSRefetchInterval == 0 {
		c.JWKSRefetchInterval = defaultJWKSRefetch
	}
	if c.DiscoveryRetryInterval == 0 {
		c.DiscoveryRetryInterval = defaultDiscoveryBackoff
	}
	switch {
	case c.HTTPClient == nil:
		c.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	case c.HTTPClient.Timeout == 0:
		client := *c.HTTPClient
		client.Timeout = defaultHTTPTimeout
		c.HTTPClient = &client
	}
	c.Editors = trimList(c.Editors)
	c.MachineClients = trimList(c.MachineClients)
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")

	if c.Issuer == "" {
		return c, nil
	}
	var errs []error
	if err := checkIssuer(c.Issuer); err != nil {
		errs = append(errs, err)
	}
	if c.ClientID == "" {
		errs = append(errs, errors.New("the client ID is missing (set AUTH0_CLIENT_ID)"))
	}
	if c.ClientSecret == "" {
		errs = append(errs, errors.New("the client secret is missing (set AUTH0_CLIENT_SECRET)"))
	}
	if c.Audience == "" {
		errs = append(errs, errors.New("the API audience is missing (set AUTH0_AUDIENCE to the API identifier)"))
	}
	if err := checkBaseURL(c.BaseURL); err != nil {
		errs = append(errs, err)
	}
	if len(c.SessionSecret) < MinSessionSecretLength {
		errs = append(errs, fmt.Errorf("SESSION_SECRET must be at least %d characters (generate one with `openssl rand -base64 32`)", MinSessionSecretLength))
	}
	if c.SessionSecretPrevious != "" && len(c.SessionSecretPrevious) < MinSessionSecretLength {
		errs = append(errs, fmt.Errorf("the previous SESSION_SECRET must be at least %d characters too", MinSessionSecretLength))
	}
	if c.SessionLifetime < time.Minute {
		errs = append(errs, errors.New("the session lifetime must be at least a minute"))
	}
	// Below two reissue intervals a session in steady use could still idle out.
	if c.SessionIdleTimeout < 2*sessionReissueInterval {
		errs = append(errs, fmt.Errorf("the session idle timeout must be at least %v", 2*sessionReissueInterval))
	}
	if c.JWKSRefetchInterval < 0 || c.DiscoveryRetryInterval < 0 {
		errs = append(errs, errors.New("refetch and retry intervals must not be negative"))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("auth: invalid configuration: %w", errors.Join(errs...))
	}
	return c, nil
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

func checkBaseURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("the base URL %q must be an absolute http(s) URL like https://whib.example", base)
	}
	return nil
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

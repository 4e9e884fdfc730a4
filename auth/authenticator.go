// Package auth turns a request into a Principal — anonymous, a person from
// the session cookie, or a machine from a bearer token — and runs the
// sign-in (OpenID Connect authorization code flow with PKCE), callback and
// sign-out steps for handlers. It never touches places.
package auth

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// HintUnavailable is the sentence for the page when the provider cannot
// be reached (see LoginHint).
const HintUnavailable = "Sign-in is unavailable: the identity provider cannot be reached. Try again shortly."

// Authenticator is safe for concurrent use.
type Authenticator struct {
	cfg     Config
	disc    *discovery
	session *cookieKind // nil when not configured
	login   *cookieKind // nil when not configured
}

// EndedSessions is where logged-out sessions are remembered: the shape of
// shared.EndedSessions, declared here, where it is used.
type EndedSessions interface {
	// End records session id as ended until until, the last moment a copy
	// of its cookie could still be accepted.
	End(ctx context.Context, id string, until time.Time)
	// Ended reports whether session id was ended and until has not passed.
	Ended(ctx context.Context, id string) bool
}

// New checks cfg and prepares the authenticator. It fails only for an
// invalid configuration; an unreachable provider is tried now and then
// again later (at most once per DiscoveryRetryInterval) when needed.
func New(ctx context.Context, cfg Config) (*Authenticator, error) {
	cfg, err := cfg.check()
	if err != nil {
		return nil, err
	}
	a := &Authenticator{cfg: cfg, disc: &discovery{cfg: cfg}}
	if !a.Configured() {
		cfg.Logger.Info("auth: sign-in is not configured; the site is read-only")
		return a, nil
	}
	secure := strings.HasPrefix(cfg.BaseURL, "https://")
	a.session, err = newCookieKind(sessionCookieName, "session", cfg.SessionLifetime, secure, cfg.SessionSecret, cfg.SessionSecretPrevious)
	if err != nil {
		return nil, err
	}
	a.login, err = newCookieKind(loginCookieName, "login", loginStateLifetime, secure, cfg.SessionSecret, cfg.SessionSecretPrevious)
	if err != nil {
		return nil, err
	}
	_, _ = a.disc.get(ctx) // failure is logged and retried later
	return a, nil
}

// Configured reports whether sign-in is set up (an issuer was given).
func (a *Authenticator) Configured() bool { return a.cfg.Issuer != "" }

// Issuer is the provider's address ("" when sign-in is not set up): pages
// post to it to log out.
func (a *Authenticator) Issuer() string { return a.cfg.Issuer }

// WritePermission is the permission that allows adding places.
func (a *Authenticator) WritePermission() string { return a.cfg.WritePermission }

// LoginHint is "" when sign-in should work, else a sentence for the page
// (Config.NotConfiguredHint or HintUnavailable). It never waits for the provider.
func (a *Authenticator) LoginHint(ctx context.Context) string {
	if !a.Configured() {
		return a.cfg.NotConfiguredHint
	}
	if a.disc.status(ctx) != nil {
		return HintUnavailable
	}
	return ""
}

// Identify says who makes the request. With an Authorization header the
// header alone decides (errors are *Error: KindInvalidRequest,
// KindInvalidToken, KindNotConfigured, KindUnavailable). Otherwise the session
// cookie does, and a missing, tampered or expired one is simply Anonymous.
func (a *Authenticator) Identify(r *http.Request) (Principal, error) {
	if HasAuthorizationHeader(r) {
		return a.bearerPrincipal(r)
	}
	return a.sessionPrincipal(r), nil
}

package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The session cookie holds these small claims and, for logout only, the
// ID token; never an access token.
const (
	sessID            = "sid"
	sessSubject       = "sub"
	sessName          = "name"
	sessEmail         = "email"
	sessEmailVerified = "email_verified"
	sessPermissions   = "permissions"
	sessExpires       = "exp"
	sessLastSeen      = "seen"
	sessIDToken       = "id_token"
)

// sessionReissueInterval throttles the idle-timeout refresh: a cookie is
// re-issued with a new last-seen time at most this often, so not every
// request sets a cookie.
const sessionReissueInterval = time.Minute

// sessionClaims is what a signed-in person's cookie remembers.
type sessionClaims struct {
	ID                   string // random, made at sign-in; what logout revokes
	Subject, Name, Email string
	EmailVerified        bool
	Permissions          []string
	Expires              time.Time // the absolute end, fixed at sign-in
	LastSeen             time.Time // for the idle timeout
	// IDToken is sent as id_token_hint at logout, which providers such as
	// Hydra require; it is never used to authorise anything.
	IDToken string
}

func (s sessionClaims) values() map[any]any {
	v := map[any]any{
		sessID:            s.ID,
		sessSubject:       s.Subject,
		sessName:          s.Name,
		sessEmail:         s.Email,
		sessEmailVerified: s.EmailVerified,
		sessPermissions:   slices.Clone(s.Permissions),
		sessExpires:       s.Expires.Unix(),
		sessLastSeen:      s.LastSeen.Unix(),
	}
	if s.IDToken != "" {
		v[sessIDToken] = s.IDToken
	}
	return v
}

// claimsFromValues refuses cookies without a session id or timestamps,
// which includes those made before sessions had ids: they could not be
// logged out.
func claimsFromValues(v map[any]any) (sessionClaims, bool) {
	var s sessionClaims
	var ok bool
	var exp, seen int64
	if s.ID, ok = v[sessID].(string); !ok || s.ID == "" {
		return s, false
	}
	if s.Subject, ok = v[sessSubject].(string); !ok || s.Subject == "" {
		return s, false
	}
	if exp, ok = v[sessExpires].(int64); !ok {
		return s, false
	}
	if seen, ok = v[sessLastSeen].(int64); !ok {
		return s, false
	}
	s.Expires, s.LastSeen = time.Unix(exp, 0), time.Unix(seen, 0)
	s.Name, _ = v[sessName].(string)
	s.Email, _ = v[sessEmail].(string)
	s.EmailVerified, _ = v[sessEmailVerified].(bool)
	s.Permissions, _ = v[sessPermissions].([]string)
	s.IDToken, _ = v[sessIDToken].(string)
	return s, true
}

func newSessionID() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionLookup is a request's session as KeepSessionsAlive found it, so
// Identify need not decode the cookie a second time.
type sessionLookup struct {
	claims sessionClaims
	ok     bool
}

type sessionLookupKey struct{}

// currentSession returns the request's live session: present, authentic,
// within its absolute lifetime and idle timeout, and not logged out.
func (a *Authenticator) currentSession(r *http.Request) (sessionClaims, bool) {
	if found, ok := r.Context().Value(sessionLookupKey{}).(sessionLookup); ok {
		return found.claims, found.ok
	}
	if a.session == nil {
		return sessionClaims{}, false
	}
	values, ok := a.session.read(r)
	if !ok {
		return sessionClaims{}, false
	}
	claims, ok := claimsFromValues(values)
	if !ok || !a.sessionLive(r.Context(), claims) {
		return sessionClaims{}, false
	}
	return claims, true
}

// sessionLive asks whether the session was logged out only when the
// cookie's own times have not ended it already.
func (a *Authenticator) sessionLive(ctx context.Context, c sessionClaims) bool {
	now := a.cfg.Now()
	return now.Before(c.Expires) &&
		now.Before(c.LastSeen.Add(a.cfg.SessionIdleTimeout)) &&
		!a.cfg.EndedSessions.Ended(ctx, c.ID)
}

func withSessionLookup(ctx context.Context, claims sessionClaims, ok bool) context.Context {
	return context.WithValue(ctx, sessionLookupKey{}, sessionLookup{claims: claims, ok: ok})
}

// sessionPrincipal reads the session cookie. Absent, tampered, foreign,
// expired, idle or logged-out cookies all mean anonymous: there is nothing
// useful to tell.
func (a *Authenticator) sessionPrincipal(r *http.Request) Principal {
	claims, ok := a.currentSession(r)
	if !ok {
		return Principal{}
	}
	p := Principal{
		Who:         Person,
		Subject:     claims.Subject,
		Name:        claims.Name,
		Email:       claims.Email,
		Permissions: claims.Permissions,
	}
	// CanWrite is decided now rather than at login, so a change of Editors
	// or WritePermission applies to existing sessions.
	p.CanWrite = p.HasPermission(a.cfg.WritePermission) || a.isEditor(claims)
	return p
}

// isEditor matches Editors against the subject, or against the e-mail
// address only when the provider verified it: otherwise anyone could sign up
// with an editor's address.
func (a *Authenticator) isEditor(c sessionClaims) bool {
	for _, e := range a.cfg.Editors {
		if e == c.Subject || (c.EmailVerified && c.Email != "" && strings.EqualFold(e, c.Email)) {
			return true
		}
	}
	return false
}

// startSession writes a brand-new session cookie with a new id.
func (a *Authenticator) startSession(w http.ResponseWriter, claims sessionClaims) error {
	now := a.cfg.Now()
	claims.ID = newSessionID()
	claims.Expires = now.Add(a.cfg.SessionLifetime)
	claims.LastSeen = now
	return a.writeSession(w, claims)
}

// writeSession keeps the cookie under 4 KB: the ID token goes first (logout
// then falls back to a request without id_token_hint), then, should a
// provider grant very many permissions, all but the one whib checks.
func (a *Authenticator) writeSession(w http.ResponseWriter, claims sessionClaims) error {
	maxAge := claims.Expires.Sub(a.cfg.Now())
	err := a.session.write(w, claims.values(), maxAge)
	if errors.Is(err, errCookieTooLarge) && claims.IDToken != "" {
		a.cfg.Logger.Warn("auth: the ID token does not fit into the session cookie; logout will go without id_token_hint",
			"subject", claims.Subject, "id_token_bytes", len(claims.IDToken))
		claims.IDToken = ""
		err = a.session.write(w, claims.values(), maxAge)
	}
	if errors.Is(err, errCookieTooLarge) {
		a.cfg.Logger.Warn("auth: too many permissions for the session cookie; keeping only the write permission",
			"subject", claims.Subject, "permissions", len(claims.Permissions))
		keep := slices.Contains(claims.Permissions, a.cfg.WritePermission)
		claims.Permissions = nil
		if keep {
			claims.Permissions = []string{a.cfg.WritePermission}
		}
		err = a.session.write(w, claims.values(), maxAge)
	}
	return err
}

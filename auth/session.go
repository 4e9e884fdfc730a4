package auth

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The session cookie holds only these small claims, never a raw token.
const (
	sessSubject       = "sub"
	sessName          = "name"
	sessEmail         = "email"
	sessEmailVerified = "email_verified"
	sessPermissions   = "permissions"
	sessExpires       = "exp"
)

// sessionClaims is what a signed-in person's cookie remembers.
type sessionClaims struct {
	Subject, Name, Email string
	EmailVerified        bool
	Permissions          []string
	Expires              time.Time
}

func (s sessionClaims) values() map[any]any {
	return map[any]any{
		sessSubject:       s.Subject,
		sessName:          s.Name,
		sessEmail:         s.Email,
		sessEmailVerified: s.EmailVerified,
		sessPermissions:   slices.Clone(s.Permissions),
		sessExpires:       s.Expires.Unix(),
	}
}

func claimsFromValues(v map[any]any) (sessionClaims, bool) {
	var s sessionClaims
	var ok bool
	var exp int64
	if s.Subject, ok = v[sessSubject].(string); !ok || s.Subject == "" {
		return s, false
	}
	if exp, ok = v[sessExpires].(int64); !ok {
		return s, false
	}
	s.Expires = time.Unix(exp, 0)
	s.Name, _ = v[sessName].(string)
	s.Email, _ = v[sessEmail].(string)
	s.EmailVerified, _ = v[sessEmailVerified].(bool)
	s.Permissions, _ = v[sessPermissions].([]string)
	return s, true
}

// sessionPrincipal reads the session cookie. Absent, tampered, foreign or
// expired cookies all mean anonymous: there is nothing useful to tell.
func (a *Authenticator) sessionPrincipal(r *http.Request) Principal {
	if a.session == nil {
		return Principal{}
	}
	values, ok := a.session.read(r)
	if !ok {
		return Principal{}
	}
	claims, ok := claimsFromValues(values)
	if !ok || !a.cfg.Now().Before(claims.Expires) {
		return Principal{}
	}
	p := Principal{
		Kind:        Person,
		Subject:     claims.Subject,
		Name:        claims.Name,
		Email:       claims.Email,
		Permissions: claims.Permissions,
	}
	// CanWrite is decided now rather than at login, so a change of EDITORS
	// or WRITE_PERMISSION applies to existing sessions.
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

// startSession writes a brand-new session cookie. Should a provider grant so
// many permissions that the cookie would pass 4 KB, only the one whib
// checks is kept.
func (a *Authenticator) startSession(w http.ResponseWriter, claims sessionClaims) error {
	claims.Expires = a.cfg.Now().Add(a.cfg.SessionLifetime)
	err := a.session.write(w, claims.values())
	if errors.Is(err, errCookieTooLarge) {
		a.cfg.Logger.Warn("auth: too many permissions for the session cookie; keeping only the write permission",
			"subject", claims.Subject, "permissions", len(claims.Permissions))
		keep := slices.Contains(claims.Permissions, a.cfg.WritePermission)
		claims.Permissions = nil
		if keep {
			claims.Permissions = []string{a.cfg.WritePermission}
		}
		err = a.session.write(w, claims.values())
	}
	return err
}

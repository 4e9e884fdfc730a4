package auth

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
)

// Who is who is making a request: nobody in particular, a person or a
// machine. (What went wrong is an ErrorKind, KindInvalidToken and so on.)
type Who int

const (
	Anonymous Who = iota
	Person        // signed in through the browser; from the session cookie
	Machine       // a bearer token (Auth0 client credentials)
)

func (w Who) String() string {
	switch w {
	case Person:
		return "person"
	case Machine:
		return "machine"
	}
	return "anonymous"
}

// Principal is who a request acts for.
type Principal struct {
	Who         Who
	Subject     string   // the provider's "sub"
	Name        string   // a person's name, or a machine's client id
	Email       string   // a person's e-mail address, if the provider shared it
	Permissions []string // from "permissions", "scope" or "scp"
	CanWrite    bool     // has the write permission, or (people) is listed in Editors
}

// HasPermission reports whether p was granted permission.
func (p Principal) HasPermission(permission string) bool {
	return slices.Contains(p.Permissions, permission)
}

type contextKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	if p.anonymous() && ctx.Value(contextKey{}) == nil {
		// FromContext says the same without it: an anonymous visitor,
		// most of the traffic, costs nothing here.
		return ctx
	}
	return context.WithValue(ctx, contextKey{}, p)
}

func (p Principal) anonymous() bool {
	return p.Who == Anonymous && p.Subject == "" && p.Name == "" && p.Email == "" && len(p.Permissions) == 0 && !p.CanWrite
}

// FromContext returns the principal stored by NewContext, or an anonymous one.
func FromContext(ctx context.Context) Principal {
	p, _ := ctx.Value(contextKey{}).(Principal)
	return p
}

// permissionsFrom collects permissions the way the common providers grant
// them: Auth0 RBAC's "permissions" array and, when withScopes is set (tokens
// of machines, see issuedToClient), OAuth's space-separated "scope" string
// and "scp" (an array at Okta, a space-separated string at Azure).
// Each appears once, in first-seen order.
func permissionsFrom(claims map[string]json.RawMessage, withScopes bool) []string {
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	names := []string{"permissions"}
	if withScopes {
		names = append(names, "scope", "scp")
	}
	for _, name := range names {
		raw, ok := claims[name]
		if !ok {
			continue
		}
		var list []string
		var text string
		switch {
		case json.Unmarshal(raw, &list) == nil:
			for _, p := range list {
				add(strings.TrimSpace(p))
			}
		case json.Unmarshal(raw, &text) == nil:
			for _, p := range strings.Fields(text) {
				add(p)
			}
		}
	}
	return out
}

package devoidc

import (
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// client is a registered OAuth client: the web app (authorization code with
// PKCE) or the machine (client credentials). Both get JWT access tokens, as
// Auth0 issues for an API audience.
type client struct {
	id, secret              string
	machine                 bool
	redirectURIs            []string
	redirectGlobs           []string
	postLogoutRedirectURIs  []string
	postLogoutRedirectGlobs []string
}

// splitGlobs separates exact URIs from patterns ("http://127.0.0.1:8080/*"),
// so a dev setup can allow any local return path after logout.
func splitGlobs(uris []string) (exact, globs []string) {
	for _, u := range uris {
		if strings.ContainsAny(u, "*?[") {
			globs = append(globs, u)
		} else {
			exact = append(exact, u)
		}
	}
	return exact, globs
}

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return c.redirectURIs }
func (c *client) PostLogoutRedirectURIs() []string    { return c.postLogoutRedirectURIs }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *client) LoginURL(id string) string           { return loginPath + "?authRequestID=" + id }
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }
func (c *client) IDTokenLifetime() time.Duration      { return time.Hour }
func (c *client) DevMode() bool                       { return false }
func (c *client) IsScopeAllowed(string) bool          { return false }
func (c *client) ClockSkew() time.Duration            { return 0 }

// IDTokenUserinfoClaimsAssertion puts name and email into the ID token even
// though an access token is issued too: the app reads them from there.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }

func (c *client) ResponseTypes() []oidc.ResponseType {
	if c.machine {
		return nil
	}
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

func (c *client) GrantTypes() []oidc.GrantType {
	if c.machine {
		return []oidc.GrantType{oidc.GrantTypeClientCredentials}
	}
	return []oidc.GrantType{oidc.GrantTypeCode}
}

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

// globClient exposes the patterns to op only for clients that have some, as
// op treats any op.HasRedirectGlobs as pattern-enabled.
type globClient struct{ *client }

func (g globClient) RedirectURIGlobs() []string           { return g.redirectGlobs }
func (g globClient) PostLogoutRedirectURIGlobs() []string { return g.postLogoutRedirectGlobs }

func (c *client) forOP() op.Client {
	if len(c.redirectGlobs) > 0 || len(c.postLogoutRedirectGlobs) > 0 {
		return globClient{c}
	}
	return c
}

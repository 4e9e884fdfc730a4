package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Logout ends the session and returns where to send the browser: the
// provider's logout, which then returns to BaseURL + ?return_to= (a local
// path), so the person is signed out there too. Handlers must only call it
// for a POST that passed the cross-origin check: any site can make a
// browser GET a URL.
//
// The session's id is remembered as ended, so a copy of the cookie saved
// before is refused from now on (Config.EndedSessions: by every instance
// that shares them), and the cookie is cleared.
//
// The provider must allow the return URL (Auth0: "Allowed Logout URLs").
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) string {
	var idToken string
	if a.session != nil {
		if claims, ok := a.currentSession(r); ok {
			a.endSession(r.Context(), claims)
			idToken = claims.IDToken
		}
		a.session.clear(w)
	}
	returnTo := SafeReturnTo(r.URL.Query().Get("return_to"))
	if !a.Configured() {
		return returnTo
	}
	p, err := a.disc.get(r.Context())
	if err != nil {
		return returnTo
	}
	return a.providerLogout(p, a.cfg.BaseURL+returnTo, idToken)
}

// endSession revokes the session until no copy of its cookie could be
// accepted any more: its absolute end, or an idle timeout from now, as it
// is never re-issued again.
func (a *Authenticator) endSession(ctx context.Context, c sessionClaims) {
	until := a.cfg.Now().Add(a.cfg.SessionIdleTimeout)
	if c.Expires.Before(until) {
		until = c.Expires
	}
	a.cfg.EndedSessions.End(ctx, c.ID, until)
	a.cfg.Logger.Info("auth: signed out", "subject", c.Subject)
}

// providerLogout is the provider's end_session_endpoint (OpenID Connect
// RP-Initiated Logout) with id_token_hint, which Hydra requires and with
// which Auth0 and Keycloak log out without asking. Without an ID token (it
// did not fit into the cookie, or the session had already ended), Auth0
// gets its /v2/logout, which needs none; other providers get client_id
// alone, which the specification allows and some accept. Providers that
// advertise no end_session_endpoint are taken to be Auth0 without it.
func (a *Authenticator) providerLogout(p *provider, back, idToken string) string {
	switch {
	case p.endSession != "" && idToken != "":
		return withQuery(p.endSession, url.Values{"id_token_hint": {idToken}, "client_id": {a.cfg.ClientID}, "post_logout_redirect_uri": {back}})
	case p.endSession != "" && !isAuth0Issuer(a.cfg.Issuer):
		return withQuery(p.endSession, url.Values{"client_id": {a.cfg.ClientID}, "post_logout_redirect_uri": {back}})
	}
	return withQuery(strings.TrimRight(a.cfg.Issuer, "/")+"/v2/logout", url.Values{"client_id": {a.cfg.ClientID}, "returnTo": {back}})
}

// isAuth0Issuer recognises an Auth0 tenant by its own domain. A tenant on
// a custom domain looks like any other provider: list its machine clients
// in MachineClients.
func isAuth0Issuer(issuer string) bool {
	u, err := url.Parse(issuer)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "auth0.com" || strings.HasSuffix(host, ".auth0.com")
}

// withQuery adds params to endpoint, keeping any query it already has.
func withQuery(endpoint string, params url.Values) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

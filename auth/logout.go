package auth

import (
	"net/http"
	"net/url"
	"strings"
)

// Logout clears the session and returns where to send the browser: the
// provider's logout, which then returns to BaseURL + ?return_to= (a local
// path), so the person is signed out there too. That is the provider's
// advertised end_session_endpoint, or else Auth0's /v2/logout. Without a
// reachable provider it is simply the local path.
//
// The provider must allow the return URL (Auth0: "Allowed Logout URLs").
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) string {
	if a.session != nil {
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
	back := a.cfg.BaseURL + returnTo
	if p.endSession != "" {
		// id_token_hint is omitted: the session keeps no tokens.
		return withQuery(p.endSession, url.Values{"client_id": {a.cfg.ClientID}, "post_logout_redirect_uri": {back}})
	}
	return withQuery(strings.TrimRight(a.cfg.Issuer, "/")+"/v2/logout", url.Values{"client_id": {a.cfg.ClientID}, "returnTo": {back}})
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

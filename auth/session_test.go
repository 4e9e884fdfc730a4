package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
)

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func decodeSession(t *testing.T, a *Authenticator, c *http.Cookie) map[any]any {
	t.Helper()
	values := map[any]any{}
	if err := securecookie.DecodeMulti(a.session.name, c.Value, &values, a.session.store.Codecs...); err != nil {
		t.Fatalf("decode session cookie: %v", err)
	}
	return values
}

func setCookieHeader(t *testing.T, h http.Header, name string) string {
	t.Helper()
	for _, line := range h.Values("Set-Cookie") {
		if strings.HasPrefix(line, name+"=") {
			return line
		}
	}
	t.Fatalf("no Set-Cookie for %s in %v", name, h.Values("Set-Cookie"))
	return ""
}

func TestCookieAttributesOverPlainHTTP(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")

	var loginLine, sessionLine string
	for _, r := range b.redirects {
		for _, line := range r.Header.Values("Set-Cookie") {
			switch {
			case strings.HasPrefix(line, loginCookieName+"=") && loginLine == "":
				loginLine = line
			case strings.HasPrefix(line, sessionCookieName+"="):
				sessionLine = line
			}
		}
	}
	for name, line := range map[string]string{"login": loginLine, "session": sessionLine} {
		for _, attr := range []string{"Path=/", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(line, attr) {
				t.Errorf("%s cookie %q lacks %s", name, line, attr)
			}
		}
		if strings.Contains(line, "Secure") {
			t.Errorf("%s cookie %q is Secure over plain http (the browser would drop it)", name, line)
		}
	}
	if !strings.Contains(sessionLine, "Max-Age=43200") || !strings.Contains(loginLine, "Max-Age=600") {
		t.Errorf("Max-Age: session %q, login %q", sessionLine, loginLine)
	}
}

func TestCookiesAreSecureAndHostBoundForHTTPS(t *testing.T) {
	e := newEnv(t)
	cfg := e.cfg
	cfg.BaseURL = "https://whib.example"
	a := e.newAuth(cfg)

	rec := newRecorder()
	to, err := a.StartLogin(rec, httptest.NewRequest(http.MethodGet, "https://whib.example/login", nil))
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(to); u.Query().Get("redirect_uri") != "https://whib.example/callback" {
		t.Errorf("redirect_uri in %s", to)
	}
	line := setCookieHeader(t, rec.Header(), "__Host-"+loginCookieName)
	for _, attr := range []string{"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(line, attr) {
			t.Errorf("login cookie %q lacks %s", line, attr)
		}
	}

	rec = newRecorder()
	if err := a.startSession(rec, sessionClaims{Subject: "s"}); err != nil {
		t.Fatal(err)
	}
	line = setCookieHeader(t, rec.Header(), "__Host-"+sessionCookieName)
	for _, attr := range []string{"Secure", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"} {
		if !strings.Contains(line, attr) {
			t.Errorf("session cookie %q lacks %s", line, attr)
		}
	}
	if strings.Contains(line, "Domain=") {
		t.Errorf("session cookie %q has a Domain", line)
	}
}

func TestSessionCookieHoldsOnlySmallClaims(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	values := decodeSession(t, e.auth, b.cookie(e, sessionCookieName))
	var keys []string
	for k, v := range values {
		keys = append(keys, fmt.Sprint(k))
		if k != sessIDToken && strings.Contains(fmt.Sprint(v), "eyJ") {
			t.Errorf("session value %v=%v looks like a token", k, v)
		}
	}
	slices.Sort(keys)
	want := []string{sessID, sessEmail, sessEmailVerified, sessExpires, sessLastSeen, sessName, sessPermissions, sessSubject, sessIDToken}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("session keys = %v, want %v", keys, want)
	}
	// The one token kept is the ID token (for id_token_hint), never the
	// access token: an ID token is addressed to our client id.
	var idt struct {
		Aud   []string `json:"aud"`
		Nonce string   `json:"nonce"`
	}
	raw, _ := values[sessIDToken].(string)
	if parts := strings.Split(raw, "."); len(parts) != 3 || json.Unmarshal(mustBase64(t, parts[1]), &idt) != nil ||
		!slices.Contains(idt.Aud, testClientID) || idt.Nonce == "" {
		t.Errorf("the session keeps %.40q…, want the ID token", raw)
	}
}

func mustBase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSessionCookieStaysUnder4KB(t *testing.T) {
	e := newEnv(t)
	fifty := make([]string, 50)
	for i := range fifty {
		fifty[i] = fmt.Sprintf("read:resource-%02d", i)
	}
	fifty[49] = "write:places"
	rec := newRecorder()
	claims := sessionClaims{Subject: "auth0|0123456789abcdef01234567", Name: strings.Repeat("N", 100),
		Email: "someone.with.a.long.address@example.test", EmailVerified: true, Permissions: fifty}
	if err := e.auth.startSession(rec, claims); err != nil {
		t.Fatal(err)
	}
	line := setCookieHeader(t, rec.Header(), sessionCookieName)
	if len(line) >= 4096 {
		t.Fatalf("Set-Cookie is %d bytes with 50 permissions", len(line))
	}
	p, _ := identify(t, e.auth, nil, rec.Result().Cookies()...)
	if len(p.Permissions) != 50 || !p.CanWrite {
		t.Errorf("read back %d permissions, CanWrite %v", len(p.Permissions), p.CanWrite)
	}

	// Far too many, or too long: only the permission whib checks is kept.
	many := make([]string, 50)
	for i := range many {
		many[i] = fmt.Sprintf("read:a-rather-long-resource-name-for-a-permission-%02d", i)
	}
	many[25] = "write:places"
	rec = newRecorder()
	claims.Permissions = many
	if err := e.auth.startSession(rec, claims); err != nil {
		t.Fatal(err)
	}
	if line := setCookieHeader(t, rec.Header(), sessionCookieName); len(line) >= 4096 {
		t.Fatalf("Set-Cookie is %d bytes with 50 long permissions", len(line))
	}
	p, _ = identify(t, e.auth, nil, rec.Result().Cookies()...)
	if !slices.Equal(p.Permissions, []string{"write:places"}) || !p.CanWrite {
		t.Errorf("with 50 long permissions: %+v", p)
	}
}

func TestTamperedSessionCookieIsAnonymous(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	c := b.cookie(e, sessionCookieName)
	for _, value := range []string{
		c.Value[:len(c.Value)/2] + flip(c.Value[len(c.Value)/2]) + c.Value[len(c.Value)/2+1:],
		c.Value[:len(c.Value)-4],
		"",
		"not-a-cookie",
	} {
		p, err := identify(t, e.auth, nil, &http.Cookie{Name: sessionCookieName, Value: value})
		if err != nil || p.Who != Anonymous {
			t.Errorf("tampered cookie %.20q…: %+v, %v", value, p, err)
		}
	}
	if p, _ := identify(t, e.auth, nil, c); p.Who != Person {
		t.Errorf("untampered cookie: %+v", p)
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// TestExpiredSessionIsAnonymous: a session in steady use (re-issued
// against the idle timeout) still ends at its absolute lifetime.
func TestExpiredSessionIsAnonymous(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	first := b.cookie(e, sessionCookieName)
	for range 11 {
		e.clock.Advance(time.Hour)
		if p := b.whoami(e); p.Who != Person {
			t.Fatalf("at %v of use: %+v", e.clock.Now(), p)
		}
	}
	e.clock.Advance(time.Hour - time.Minute)
	if p := b.whoami(e); p.Who != Person {
		t.Fatalf("before expiry: %+v", p)
	}
	e.clock.Advance(2 * time.Minute)
	if p := b.whoami(e); p.Who != Anonymous {
		t.Errorf("after 12 h of use: %+v", p)
	}
	if p, err := identify(t, e.auth, nil, first); p.Who != Anonymous || err != nil {
		t.Errorf("the first cookie after 12 h: %+v, %v", p, err)
	}
}

func TestSessionSecretRotation(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SessionSecret = testSecretOld })
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	oldCookie := b.cookie(e, sessionCookieName)

	rotated := e.cfg
	rotated.SessionSecret, rotated.SessionSecretPrevious = testSecret, testSecretOld
	a := e.newAuth(rotated)
	if p, _ := identify(t, a, nil, oldCookie); p.Who != Person || p.Name != "Ada" {
		t.Errorf("cookie made with the previous secret: %+v", p)
	}

	// New cookies are made with the new secret only.
	rec := newRecorder()
	if err := a.startSession(rec, sessionClaims{Subject: "s", Name: "New"}); err != nil {
		t.Fatal(err)
	}
	newCookie := rec.Result().Cookies()[0]
	if p, _ := identify(t, e.auth, nil, newCookie); p.Who != Anonymous {
		t.Errorf("the old secret alone opened a cookie made after rotation: %+v", p)
	}
	newOnly := e.cfg
	newOnly.SessionSecret = testSecret
	if p, _ := identify(t, e.newAuth(newOnly), nil, newCookie); p.Name != "New" {
		t.Errorf("cookie made after rotation: %+v", p)
	}

	unknown := e.cfg
	unknown.SessionSecret = testSecretOther
	if p, _ := identify(t, e.newAuth(unknown), nil, oldCookie); p.Who != Anonymous {
		t.Errorf("an unknown secret opened the cookie: %+v", p)
	}
}

// TestLogoutClearsTheSessionAndEndsTheProviderSession runs RP-initiated
// logout against the in-process provider, which (like Ory Hydra) refuses
// it without id_token_hint.
func TestLogoutClearsTheSessionAndEndsTheProviderSession(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	idToken, _ := decodeSession(t, e.auth, b.cookie(e, sessionCookieName))[sessIDToken].(string)

	b.stopAt = func(u *url.URL) bool { return strings.HasPrefix(u.String(), e.idp.Issuer()) }
	resp, _ := b.postForm(e.app.URL+"/logout?return_to="+url.QueryEscape("/bye"), nil)
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("logout: %d, no redirect", resp.StatusCode)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != e.idp.Issuer()+"/end_session" {
		t.Errorf("logout goes to %s, want the end_session_endpoint", loc)
	}
	q := loc.Query()
	if q.Get("post_logout_redirect_uri") != e.app.URL+"/bye" || q.Get("client_id") != testClientID {
		t.Errorf("logout query = %v", q)
	}
	if idToken == "" || q.Get("id_token_hint") != idToken {
		t.Errorf("id_token_hint = %.30q…, want the session's ID token %.30q…", q.Get("id_token_hint"), idToken)
	}
	cleared := setCookieHeader(t, resp.Header, sessionCookieName)
	if !strings.Contains(cleared, "Max-Age=0") {
		t.Errorf("session cookie not cleared: %q", cleared)
	}

	// The provider accepts the hint and sends the browser back.
	b.stopAt = func(u *url.URL) bool { return strings.HasPrefix(u.String(), e.app.URL) }
	resp, body := b.get(loc.String())
	if back, _ := resp.Location(); resp.StatusCode != http.StatusFound || back == nil || back.String() != e.app.URL+"/bye" {
		t.Fatalf("the provider answered the logout with %d %q %s, want a redirect to %s/bye", resp.StatusCode, resp.Header.Get("Location"), body, e.app.URL)
	}
	b.stopAt = nil
	resp, body = b.get(e.app.URL + "/bye")
	if resp.StatusCode != http.StatusOK || body != "page /bye" {
		t.Errorf("after the provider's logout: %d %q", resp.StatusCode, body)
	}
	if p := b.whoami(e); p.Who != Anonymous {
		t.Errorf("still signed in: %+v", p)
	}
}

func TestLogoutNeverRedirectsOffSite(t *testing.T) {
	e := newEnv(t)
	for _, evil := range []string{"https://evil.example", "//evil.example", "/\\evil.example"} {
		r := httptest.NewRequest(http.MethodPost, "/logout?return_to="+url.QueryEscape(evil), nil)
		to, _ := url.Parse(e.auth.Logout(newRecorder(), r))
		if got := to.Query().Get("post_logout_redirect_uri"); got != e.app.URL+"/" {
			t.Errorf("return_to %q: post_logout_redirect_uri = %q", evil, got)
		}
	}
}

func TestLogoutFallsBackToAuth0WithoutEndSessionEndpoint(t *testing.T) {
	a := &Authenticator{cfg: Config{Issuer: "https://tenant.eu.auth0.com/", ClientID: "cid", BaseURL: "https://whib.example"},
		disc: &discovery{found: &provider{}}}
	r := httptest.NewRequest(http.MethodPost, "/logout?return_to=/x", nil)
	got := a.Logout(newRecorder(), r)
	want := "https://tenant.eu.auth0.com/v2/logout?client_id=cid&returnTo=https%3A%2F%2Fwhib.example%2Fx"
	if got != want {
		t.Errorf("Logout = %s, want %s", got, want)
	}
}

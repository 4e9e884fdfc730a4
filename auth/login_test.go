package auth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSignInRunsTheCodeFlowWithStateNoncePKCEAndAudience(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	resp, body := b.signIn(e, "Ada Lovelace", true, "/places?page=2")

	if resp.StatusCode != http.StatusOK || body != "page /places?page=2" {
		t.Fatalf("after sign-in: %d %q (want the return_to page)", resp.StatusCode, body)
	}
	var authorize *url.URL
	for _, r := range b.redirects {
		if loc, err := r.Location(); err == nil && strings.HasPrefix(loc.String(), e.idp.Issuer()+"/authorize?") {
			authorize = loc
		}
	}
	if authorize == nil {
		t.Fatal("never redirected to the provider's authorize endpoint")
	}
	q := authorize.Query()
	for param, want := range map[string]string{
		"response_type":         "code",
		"client_id":             testClientID,
		"redirect_uri":          e.app.URL + "/callback",
		"code_challenge_method": "S256",
		"audience":              testAudience,
		"scope":                 "openid profile email",
	} {
		if got := q.Get(param); got != want {
			t.Errorf("authorize %s = %q, want %q", param, got, want)
		}
	}
	for _, param := range []string{"state", "nonce", "code_challenge"} {
		if len(q.Get(param)) < 32 {
			t.Errorf("authorize %s = %q, want a long random value", param, q.Get(param))
		}
	}
	if q.Get("state") == q.Get("nonce") {
		t.Error("state and nonce are the same value")
	}

	p := b.whoami(e)
	want := Principal{Who: Person, Subject: "devoidc|ada-lovelace", Name: "Ada Lovelace",
		Email: "ada-lovelace@example.test", Permissions: []string{"write:places"}, CanWrite: true}
	if !principalsEqual(p, want) {
		t.Errorf("signed in as %+v, want %+v", p, want)
	}
	if c := b.cookie(e, loginCookieName); c != nil {
		t.Errorf("login state cookie still present after the callback: %v", c)
	}
}

func principalsEqual(a, b Principal) bool {
	return a.Who == b.Who && a.Subject == b.Subject && a.Name == b.Name && a.Email == b.Email &&
		slices.Equal(a.Permissions, b.Permissions) && a.CanWrite == b.CanWrite
}

func TestSignInWithoutPermissionMayNotWrite(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Grace Hopper", false, "/")
	p := b.whoami(e)
	if p.Who != Person || p.CanWrite || len(p.Permissions) != 0 {
		t.Errorf("principal = %+v, want a person who may not write", p)
	}
}

func TestEditorsMayWriteWithoutThePermission(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Editors = []string{" GRACE-HOPPER@example.test ", "devoidc|alan-turing"}
	})
	for _, name := range []string{"Grace Hopper", "Alan Turing"} {
		b := e.newBrowser()
		b.signIn(e, name, false, "/")
		if p := b.whoami(e); !p.CanWrite || len(p.Permissions) != 0 {
			t.Errorf("%s: %+v, want CanWrite through EDITORS", name, p)
		}
	}
	b := e.newBrowser()
	b.signIn(e, "Someone Else", false, "/")
	if p := b.whoami(e); p.CanWrite {
		t.Errorf("a person not in EDITORS may write: %+v", p)
	}
}

func TestEditorsMatchOnlyVerifiedEmail(t *testing.T) {
	a := &Authenticator{cfg: Config{Editors: []string{"ada@example.test"}}}
	if a.isEditor(sessionClaims{Subject: "x", Email: "ada@example.test", EmailVerified: false}) {
		t.Error("an unverified e-mail address matched EDITORS")
	}
	if !a.isEditor(sessionClaims{Subject: "x", Email: "Ada@Example.test", EmailVerified: true}) {
		t.Error("a verified e-mail address did not match EDITORS")
	}
}

// stopAtCallback makes a browser stop before delivering the code to the app.
func stopAtCallback(e *env) func(*url.URL) bool {
	return func(u *url.URL) bool { return strings.HasPrefix(u.String(), e.app.URL+"/callback") }
}

func callbackURL(t *testing.T, resp *http.Response) string {
	t.Helper()
	loc := resp.Header.Get("Location")
	if !strings.Contains(loc, "/callback?") {
		t.Fatalf("expected a redirect to /callback, got %d %q", resp.StatusCode, loc)
	}
	return loc
}

func wantErrorPage(t *testing.T, resp *http.Response, body string, status int, kind ErrorKind) errorBody {
	t.Helper()
	var eb errorBody
	_ = json.Unmarshal([]byte(body), &eb)
	if resp.StatusCode != status || eb.Kind != kind {
		t.Fatalf("got %d %s, want %d with kind %v", resp.StatusCode, body, status, kind)
	}
	return eb
}

func TestReplayedStateIsRefused(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.stopAt = stopAtCallback(e)
	resp, _ := b.submitLogin(e, b.openLoginPage(e, "/"), "Ada", true)
	callback := callbackURL(t, resp)
	loginCookie := b.cookie(e, loginCookieName)

	b.stopAt = nil
	if resp, body := b.get(callback); resp.StatusCode != http.StatusOK || body != "page /" {
		t.Fatalf("first callback: %d %s", resp.StatusCode, body)
	}
	// The same callback again: the login state was used up.
	resp, body := b.get(callback)
	wantErrorPage(t, resp, body, http.StatusBadRequest, KindLoginFailed)

	// Even with the old login cookie put back, the code is spent.
	replay := e.newBrowser()
	u, _ := url.Parse(e.app.URL)
	replay.client.Jar.SetCookies(u, []*http.Cookie{loginCookie})
	resp, body = replay.get(callback)
	wantErrorPage(t, resp, body, http.StatusBadRequest, KindLoginFailed)
	if p := replay.whoami(e); p.Who != Anonymous {
		t.Errorf("replay signed someone in: %+v", p)
	}
}

func TestForeignStateIsRefused(t *testing.T) {
	e := newEnv(t)
	// The attacker runs a sign-in and keeps the callback URL for their account.
	attacker := e.newBrowser()
	attacker.stopAt = stopAtCallback(e)
	resp, _ := attacker.signIn(e, "Mallory", true, "/")
	foreign := callbackURL(t, resp)

	// The victim has started their own sign-in and is sent the attacker's URL.
	victim := e.newBrowser()
	victim.openLoginPage(e, "/")
	resp, body := victim.get(foreign)
	eb := wantErrorPage(t, resp, body, http.StatusBadRequest, KindLoginFailed)
	if !strings.Contains(eb.Description, "does not match") {
		t.Errorf("description = %q", eb.Description)
	}
	if p := victim.whoami(e); p.Who != Anonymous {
		t.Errorf("victim signed in as %+v", p)
	}

	// Without any sign-in started, a callback is refused too.
	stranger := e.newBrowser()
	resp, body = stranger.get(foreign)
	wantErrorPage(t, resp, body, http.StatusBadRequest, KindLoginFailed)
}

func TestLoginStateExpiresAfterTenMinutes(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	id := b.openLoginPage(e, "/")
	e.clock.Advance(10*time.Minute + time.Second)
	resp, body := b.submitLogin(e, id, "Ada", true)
	eb := wantErrorPage(t, resp, body, http.StatusBadRequest, KindLoginFailed)
	if !strings.Contains(eb.Description, "too long") {
		t.Errorf("description = %q", eb.Description)
	}
}

func TestProviderErrorOnCallbackIsALoginFailure(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.stopAt = stopAtCallback(e)
	resp, _ := b.signIn(e, "Ada", true, "/")
	cb, _ := url.Parse(callbackURL(t, resp))
	q := cb.Query()
	q.Del("code")
	q.Set("error", "access_denied")
	q.Set("error_description", "<script>x</script>")
	cb.RawQuery = q.Encode()
	b.stopAt = nil
	resp, body := b.get(cb.String())
	eb := wantErrorPage(t, resp, body, http.StatusBadRequest, KindLoginFailed)
	if !strings.Contains(eb.Description, "access_denied") || strings.Contains(eb.Description, "script") {
		t.Errorf("description = %q", eb.Description)
	}
}

func TestSignInStartsANewSession(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	first := b.cookie(e, sessionCookieName)

	// A session cookie carrying extra values (as if planted) must not survive.
	rec := newRecorder()
	if err := e.auth.session.write(rec, map[any]any{sessSubject: "devoidc|ada", sessExpires: e.clock.Now().Add(time.Hour).Unix(), "role": "admin"}, 0); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(e.app.URL)
	b.client.Jar.SetCookies(u, rec.Result().Cookies())

	b.signIn(e, "Bob", false, "/")
	second := b.cookie(e, sessionCookieName)
	if second == nil || second.Value == first.Value {
		t.Fatal("signing in again did not issue a new session cookie")
	}
	values := decodeSession(t, e.auth, second)
	if _, ok := values["role"]; ok {
		t.Errorf("pre-existing session contents survived sign-in: %v", values)
	}
	if id, _ := values[sessID].(string); id == "" || id == decodeSession(t, e.auth, first)[sessID] {
		t.Errorf("the new session's id %q is empty or the old one's", id)
	}
	if p := b.whoami(e); p.Name != "Bob" || p.CanWrite {
		t.Errorf("after the second sign-in: %+v", p)
	}
}

func TestSignInFailsCleanlyWhenTheCodeExchangeIsRefused(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.ClientSecret = "wrong-secret" })
	b := e.newBrowser()
	resp, body := b.signIn(e, "Ada", true, "/")
	eb := wantErrorPage(t, resp, body, http.StatusBadRequest, KindLoginFailed)
	if !strings.Contains(eb.Description, "refused") {
		t.Errorf("description = %q", eb.Description)
	}
}

package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whib/whib/shared"
)

// TestLoggedOutSessionCookieIsRefused: a copy of the cookie saved before
// logout (stolen, or kept by another tab) no longer signs anyone in.
func TestLoggedOutSessionCookieIsRefused(t *testing.T) {
	var ended *recordedEnds
	e := newEnv(t, func(c *Config) {
		ended = &recordedEnds{mem: shared.NewMemorySessions(10, c.Now, nil)}
		c.EndedSessions = ended
	})
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	saved := b.cookie(e, sessionCookieName)
	if p, _ := identify(t, e.auth, nil, saved); !p.CanWrite {
		t.Fatalf("before logout: %+v", p)
	}
	b.stopAt = func(u *url.URL) bool { return !strings.HasPrefix(u.String(), e.app.URL) }
	b.postForm(e.app.URL+"/logout", nil)
	if p, err := identify(t, e.auth, nil, saved); p.Who != Anonymous || err != nil {
		t.Errorf("the cookie saved before logout: %+v, %v; want anonymous", p, err)
	}
	// Still refused just before the idle timeout would have ended it anyway.
	e.clock.Advance(2*time.Hour - time.Minute)
	if p, _ := identify(t, e.auth, nil, saved); p.Who != Anonymous {
		t.Errorf("the cookie saved before logout, later: %+v", p)
	}
	// Remembered no longer than a copy of the cookie could be used.
	if untils := ended.ends(); len(untils) != 1 || !untils[0].Equal(e.clock.Now().Add(time.Minute)) {
		t.Errorf("ended until %v, want once, until the idle timeout from logout (%v)", untils, e.clock.Now().Add(time.Minute))
	}
}

// recordedEnds is the in-memory EndedSessions, noting each End's until.
type recordedEnds struct {
	mem    *shared.MemorySessions
	mu     sync.Mutex
	untils []time.Time
}

func (r *recordedEnds) End(ctx context.Context, id string, until time.Time) {
	r.mu.Lock()
	r.untils = append(r.untils, until)
	r.mu.Unlock()
	r.mem.End(ctx, id, until)
}

func (r *recordedEnds) Ended(ctx context.Context, id string) bool { return r.mem.Ended(ctx, id) }

func (r *recordedEnds) ends() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.untils)
}

func TestIdleSessionEnds(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SessionIdleTimeout = 10 * time.Minute })
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	first := b.cookie(e, sessionCookieName)
	for range 5 {
		e.clock.Advance(9 * time.Minute)
		if p := b.whoami(e); p.Who != Person {
			t.Fatalf("used every 9 minutes, at %v: %+v", e.clock.Now(), p)
		}
	}
	if p, _ := identify(t, e.auth, nil, first); p.Who != Anonymous {
		t.Errorf("the first cookie, unused for 45 minutes: %+v", p)
	}
	e.clock.Advance(11 * time.Minute)
	if p := b.whoami(e); p.Who != Anonymous {
		t.Errorf("after 11 idle minutes: %+v", p)
	}
}

// TestSessionReissueIsThrottled: the cookie is refreshed at most once a
// minute, so most requests set no cookie.
func TestSessionReissueIsThrottled(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	setsCookie := func(path string) bool {
		resp, _ := b.get(e.app.URL + path)
		for _, line := range resp.Header.Values("Set-Cookie") {
			if strings.HasPrefix(line, sessionCookieName+"=") {
				return true
			}
		}
		return false
	}
	if setsCookie("/whoami") {
		t.Error("a request right after sign-in re-issued the cookie")
	}
	e.clock.Advance(50 * time.Second)
	if setsCookie("/whoami") {
		t.Error("a request 50 s after sign-in re-issued the cookie")
	}
	e.clock.Advance(20 * time.Second)
	if setsCookie("/cached") {
		t.Error("a publicly cacheable response carries the session cookie")
	}
	if !setsCookie("/whoami") {
		t.Error("a request 70 s after sign-in did not re-issue the cookie")
	}
	if setsCookie("/whoami") {
		t.Error("the request right after the re-issue re-issued it again")
	}
	values := decodeSession(t, e.auth, b.cookie(e, sessionCookieName))
	if seen, _ := values[sessLastSeen].(int64); seen != e.clock.Now().Unix() {
		t.Errorf("last seen = %d, want now (%d)", seen, e.clock.Now().Unix())
	}
}

// TestTheReissuedCookieIsNeverSharedByACache: a response that carries a
// fresh session cookie is one no shared cache keeps. A no-cache response
// may be stored (and revalidated), so it is marked private when the
// cookie rides on it; a public one goes without the cookie.
func TestTheReissuedCookieIsNeverSharedByACache(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	reissued := func(resp *http.Response) bool {
		return slices.ContainsFunc(resp.Header.Values("Set-Cookie"), func(line string) bool {
			return strings.HasPrefix(line, sessionCookieName+"=")
		})
	}
	for _, c := range []struct{ path, cacheControl string }{
		{"/revalidated", "private, no-cache"},
		{"/whoami", "private"},
	} {
		e.clock.Advance(2 * time.Minute)
		resp, _ := b.get(e.app.URL + c.path)
		if !reissued(resp) || resp.Header.Get("Cache-Control") != c.cacheControl {
			t.Errorf("GET %s two minutes on: cookie re-issued %v with Cache-Control %q, want it re-issued with %q",
				c.path, reissued(resp), resp.Header.Get("Cache-Control"), c.cacheControl)
		}
	}
	e.clock.Advance(2 * time.Minute)
	if resp, _ := b.get(e.app.URL + "/cached"); reissued(resp) || resp.Header.Get("Cache-Control") != "public, max-age=60" {
		t.Errorf("a public response: cookie re-issued %v, Cache-Control %q", reissued(resp), resp.Header.Get("Cache-Control"))
	}
}

func TestTooLargeIDTokenIsLeftOutOfTheCookie(t *testing.T) {
	e := newEnv(t)
	rec := newRecorder()
	claims := sessionClaims{Subject: "s", Name: "Ada", Permissions: []string{"write:places"}, IDToken: strings.Repeat("x", 3000)}
	if err := e.auth.startSession(rec, claims); err != nil {
		t.Fatal(err)
	}
	c := rec.Result().Cookies()[0]
	values := decodeSession(t, e.auth, c)
	if _, ok := values[sessIDToken]; ok {
		t.Error("a 3 KB ID token was kept in the cookie")
	}
	if p, _ := identify(t, e.auth, nil, c); !p.CanWrite || p.Name != "Ada" {
		t.Errorf("the session without its ID token: %+v", p)
	}
	if !strings.Contains(e.logs.String(), "id_token_hint") || strings.Contains(e.logs.String(), "xxxx") {
		t.Errorf("log: want a warning without the token, got %s", e.logs.String())
	}
}

// TestLogoutURLs: with an ID token, the end_session_endpoint gets
// id_token_hint (Auth0's /oidc/logout too); without one Auth0 gets
// /v2/logout, which needs no hint, and other providers client_id alone.
func TestLogoutURLs(t *testing.T) {
	cases := []struct {
		name, issuer, endSession, idToken, want string
	}{
		{"hint", "https://idp.example/", "https://idp.example/logout", "ID.TOKEN.X",
			"https://idp.example/logout?client_id=cid&id_token_hint=ID.TOKEN.X&post_logout_redirect_uri=https%3A%2F%2Fwhib.example%2Fx"},
		{"Auth0 with hint", "https://t.eu.auth0.com/", "https://t.eu.auth0.com/oidc/logout", "ID.TOKEN.X",
			"https://t.eu.auth0.com/oidc/logout?client_id=cid&id_token_hint=ID.TOKEN.X&post_logout_redirect_uri=https%3A%2F%2Fwhib.example%2Fx"},
		{"Auth0 without hint", "https://t.eu.auth0.com/", "https://t.eu.auth0.com/oidc/logout", "",
			"https://t.eu.auth0.com/v2/logout?client_id=cid&returnTo=https%3A%2F%2Fwhib.example%2Fx"},
		{"other without hint", "https://idp.example/", "https://idp.example/logout", "",
			"https://idp.example/logout?client_id=cid&post_logout_redirect_uri=https%3A%2F%2Fwhib.example%2Fx"},
		{"no end_session_endpoint", "https://t.eu.auth0.com/", "", "ID.TOKEN.X",
			"https://t.eu.auth0.com/v2/logout?client_id=cid&returnTo=https%3A%2F%2Fwhib.example%2Fx"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &Authenticator{cfg: Config{Issuer: tc.issuer, ClientID: "cid", BaseURL: "https://whib.example"}}
			if got := a.providerLogout(&provider{endSession: tc.endSession}, "https://whib.example/x", tc.idToken); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestLogoutWithoutASessionStillSignsOutAtTheProvider(t *testing.T) {
	e := newEnv(t)
	rec := newRecorder()
	to, _ := url.Parse(e.auth.Logout(rec, httptest.NewRequest(http.MethodPost, "/logout", nil)))
	if !strings.HasPrefix(to.String(), e.idp.Issuer()+"/end_session") || to.Query().Get("id_token_hint") != "" {
		t.Errorf("logout without a session goes to %s", to)
	}
}

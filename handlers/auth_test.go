package handlers_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

const graz = `{"name":"Graz","latitude":47.07,"longitude":15.44}`

func TestWritersMustBeAllowed(t *testing.T) {
	app := apptest.New(t)
	before := app.GitHub.File("places.csv")
	expired := app.IdP.SignToken(map[string]any{
		"iss": app.IdP.Issuer(), "aud": []string{apptest.Audience}, "sub": "m@clients",
		"exp": time.Now().Add(-time.Hour).Unix(), "iat": time.Now().Add(-2 * time.Hour).Unix(), "permissions": []string{apptest.Permission},
	})
	cases := []struct {
		name      string
		header    map[string]string
		want      int
		challenge string
	}{
		{"no credentials", nil, http.StatusUnauthorized, `Bearer realm="whib"`},
		{"expired token", map[string]string{"Authorization": "Bearer " + expired}, http.StatusUnauthorized, `error="invalid_token"`},
		{"garbage token", map[string]string{"Authorization": "Bearer not.a.jwt"}, http.StatusUnauthorized, `error="invalid_token"`},
		{"basic scheme", map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}, http.StatusUnauthorized, "Bearer"},
		{"valid token without the permission", map[string]string{"Authorization": "Bearer " + app.MachineToken("read:places")}, http.StatusForbidden, `error="insufficient_scope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{"/places", "/ping"} {
				h := map[string]string{"Content-Type": "application/json", "Accept": "application/json"}
				for k, v := range c.header {
					h[k] = v
				}
				method := "POST"
				if path == "/ping" {
					method = "GET"
				}
				resp, body := app.Do(nil, apptest.Request{Method: method, Path: path, Body: graz, Header: h})
				if resp.StatusCode != c.want {
					t.Errorf("%s %s = %d %s, want %d", method, path, resp.StatusCode, body, c.want)
				}
				if ch := resp.Header.Get("WWW-Authenticate"); !strings.Contains(ch, c.challenge) {
					t.Errorf("%s WWW-Authenticate = %q, want %q", path, ch, c.challenge)
				}
				m := apptest.DecodeJSON(t, body)
				if m["code"] == "" || m["description"] == "" {
					t.Errorf("%s body = %s, want {code, description}", path, body)
				}
			}
		})
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a refused request wrote to the file")
	}
}

func TestABearerRequestIsJudgedByTheTokenAlone(t *testing.T) {
	app := apptest.New(t)
	browser := app.SignIn("Jess", true)
	resp, body := app.Do(browser, apptest.Request{Method: "POST", Path: "/places", Body: graz,
		Header: map[string]string{"Content-Type": "application/json", "Accept": "application/json", "Authorization": "Bearer forged"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a bad token with a good session cookie = %d %s, want 401", resp.StatusCode, body)
	}
}

func TestPingRefreshesNow(t *testing.T) {
	app := apptest.New(t)
	app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	app.GitHub.SetFile("places.csv", append(apptest.SeedCSV(), []byte("Lisbon,38.7223,-9.1393\n")...))
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/ping",
		Header: map[string]string{"Accept": "application/json", "Authorization": "Bearer " + app.MachineToken(apptest.Permission)}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /ping = %d %s", resp.StatusCode, body)
	}
	m := apptest.DecodeJSON(t, body)
	if m["places"] != float64(12) || m["version"] == "" || m["refreshed_at"] == "" {
		t.Errorf("GET /ping = %s, want 12 places with a version and time", body)
	}
	if _, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"}); !strings.Contains(page, "Lisbon") {
		t.Error("after /ping the map does not show the place committed elsewhere")
	}
}

func TestSignedInPeople(t *testing.T) {
	app := apptest.New(t)
	t.Run("with the permission see their name and the form", func(t *testing.T) {
		_, page := app.Do(app.SignIn("Jess Temporal", true), apptest.Request{Method: "GET", Path: "/"})
		if !strings.Contains(page, "Jess Temporal") || !strings.Contains(page, `id="add-place"`) || !strings.Contains(page, "/logout") {
			t.Error("a signed-in writer does not see their name, the form and a log-out button")
		}
	})
	t.Run("without the permission see why there is no form", func(t *testing.T) {
		client := app.SignIn("Guest", false)
		_, page := app.Do(client, apptest.Request{Method: "GET", Path: "/"})
		if strings.Contains(page, `id="add-place"`) || !strings.Contains(page, "may not add places to this map") || strings.Contains(page, apptest.Permission) {
			t.Error("a signed-in person without the permission sees the form, no reason why not, or the permission's jargon")
		}
		resp, _ := app.Do(client, apptest.Request{Method: "POST", Path: "/places", Body: apptest.Form(map[string]string{"name": "X", "latitude": "1", "longitude": "2"}),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a post by a person without the permission = %d, want 403", resp.StatusCode)
		}
	})
	t.Run("log out returns to the anonymous map", func(t *testing.T) {
		client := app.SignIn("Jess", true)
		resp, _ := app.Do(client, apptest.Request{Method: "POST", Path: "/logout"})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), app.IdP.Issuer()) {
			t.Fatalf("POST /logout = %d to %q, want a redirect to the provider's logout", resp.StatusCode, resp.Header.Get("Location"))
		}
		// The provider (strict, like Hydra) accepts it and sends the browser back.
		resp, err := client.Get(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != app.URL+"/" {
			t.Fatalf("the provider answered the logout with %d to %q, want a redirect to %s/", resp.StatusCode, resp.Header.Get("Location"), app.URL)
		}
		_, page := app.Do(client, apptest.Request{Method: "GET", Path: "/"})
		if strings.Contains(page, `id="add-place"`) || !strings.Contains(page, `href="/login`) {
			t.Error("after log out the page still shows a signed-in view")
		}
	})
}

func TestCrossSiteFormPostIsRefused(t *testing.T) {
	app := apptest.New(t)
	browser := app.SignIn("Jess", true)
	before := app.GitHub.File("places.csv")
	resp, _ := app.Do(browser, apptest.Request{Method: "POST", Path: "/places", Body: apptest.Form(map[string]string{"name": "Evil", "latitude": "1", "longitude": "2"}),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site form post = %d, want 403", resp.StatusCode)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a cross-site post wrote to the file")
	}
	// A bearer request from another origin cannot be forged by a site, so
	// it is not refused as CSRF.
	resp, body := app.Do(nil, apptest.Request{Method: "POST", Path: "/places", Body: `{"name":"Bearer From Elsewhere","latitude":1,"longitude":2}`,
		Header: map[string]string{"Content-Type": "application/json", "Accept": "application/json", "Sec-Fetch-Site": "cross-site", "Origin": "https://tool.example",
			"Authorization": "Bearer " + app.MachineToken(apptest.Permission)}})
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("cross-origin bearer post = %d %s, want 201", resp.StatusCode, body)
	}
}

func TestCORSPreflightForListedOrigins(t *testing.T) {
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.CORSOrigins = []string{"https://tool.example"}
	}))
	resp, _ := app.Do(nil, apptest.Request{Method: "OPTIONS", Path: "/places", Header: map[string]string{
		"Origin": "https://tool.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}})
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://tool.example" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight from a listed origin: %v", resp.Header)
	}
	if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Error("preflight allows credentials")
	}
	resp, _ = app.Do(nil, apptest.Request{Method: "OPTIONS", Path: "/places", Header: map[string]string{
		"Origin": "https://other.example", "Access-Control-Request-Method": "POST"}})
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("preflight from an unlisted origin was allowed")
	}
}

func TestWithoutAProviderTheMapWorksAndWritesExplain(t *testing.T) {
	app := apptest.New(t, apptest.WithoutSignIn())
	resp, page := app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	// Visitors get a plain sentence; what to set is for the operator (the
	// log says it at start, and API clients are told below).
	if resp.StatusCode != http.StatusOK || strings.Contains(page, "AUTH0_DOMAIN") || !strings.Contains(page, "This map is read-only here") || strings.Contains(page, "Log in") {
		t.Errorf("GET / without a provider = %d; want a plain read-only note, no Log in and no configuration names", resp.StatusCode)
	}
	resp, body := app.PostJSON("anything", graz)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "AUTH0_DOMAIN") {
		t.Errorf("POST /places without a provider = %d %s, want 503 naming what to set", resp.StatusCode, body)
	}
}

func TestOpenRedirectsAreRefused(t *testing.T) {
	app := apptest.New(t)
	for _, target := range []string{"https://evil.example/", "//evil.example/", `/\evil.example`, "javascript:alert(1)", "/%2F%2Fevil.example"} {
		for _, route := range []string{"POST /logout", "GET /login"} {
			method, path, _ := strings.Cut(route, " ")
			resp, _ := app.Do(nil, apptest.Request{Method: method, Path: path + "?return_to=" + url.QueryEscape(target)})
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case loc.Host == "":
				if !strings.HasPrefix(loc.Path, "/") || strings.HasPrefix(loc.Path, "//") {
					t.Errorf("%s?return_to=%q redirects to %q", path, target, loc)
				}
			case strings.HasPrefix(loc.String(), app.IdP.Issuer()):
				// The provider gets our callback or our map as the way back.
				app, _ := url.Parse(app.URL)
				for _, key := range []string{"redirect_uri", "post_logout_redirect_uri", "returnTo"} {
					for _, s := range loc.Query()[key] {
						if back, err := url.Parse(s); err == nil && back.Host != "" && back.Host != app.Host {
							t.Errorf("%s?return_to=%q hands the provider %q", path, target, s)
						}
					}
				}
			default:
				t.Errorf("%s?return_to=%q redirects off-site to %q", path, target, loc)
			}
		}
	}
}

func TestWritesAreRateLimitedPerClient(t *testing.T) {
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.WritesPerMinute = 3
	}))
	token := app.MachineToken(apptest.Permission)
	var last *http.Response
	for i := range 10 {
		last, _ = app.PostJSON(token, `{"name":"Spam `+string(rune('A'+i))+`","latitude":1,"longitude":2}`)
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("10 quick writes with a limit of 3/min: last = %d, want 429 with Retry-After", last.StatusCode)
	}
}

// TestPingsShareOneReload: a burst of pings, concurrent or one after the
// other, costs one read of the places file; a ping after the reload
// interval reads again and sees an outside change.
func TestPingsShareOneReload(t *testing.T) {
	clock := apptest.NewClock()
	app := apptest.New(t, apptest.WithClock(clock.Now))
	token := app.MachineToken(apptest.Permission)
	ping := func() (*http.Response, string) {
		return app.Do(nil, apptest.Request{Method: "GET", Path: "/ping",
			Header: map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token}})
	}
	app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	readsBefore := app.GitHub.Calls() + app.GitHub.NotModified()

	var wg sync.WaitGroup
	statuses := make(chan int, 100)
	for range 50 {
		wg.Go(func() {
			resp, _ := ping()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	for range 50 {
		resp, _ := ping()
		statuses <- resp.StatusCode
	}
	close(statuses)
	for status := range statuses {
		if status != http.StatusOK {
			t.Fatalf("a ping answered %d, want 200", status)
		}
	}
	if reads := app.GitHub.Calls() + app.GitHub.NotModified() - readsBefore; reads != 1 {
		t.Errorf("100 pings within the reload interval cost %d GitHub reads, want 1", reads)
	}

	app.GitHub.SetFile("places.csv", append(apptest.SeedCSV(), []byte("Lisbon,38.7223,-9.1393\n")...))
	clock.Advance(6 * time.Second)
	resp, body := ping()
	if resp.StatusCode != http.StatusOK || apptest.DecodeJSON(t, body)["places"] != float64(12) {
		t.Errorf("a ping after the interval = %d %s, want the outside change (12 places)", resp.StatusCode, body)
	}
}

func TestPingIsRateLimitedPerPrincipal(t *testing.T) {
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.WritesPerMinute = 3
	}))
	token := app.MachineToken(apptest.Permission)
	var last *http.Response
	for range 10 {
		last, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/ping",
			Header: map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token}})
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("10 quick pings with a limit of 3/min: last = %d, want 429 with Retry-After", last.StatusCode)
	}
	// The pings used their own bucket: the same machine can still add.
	if resp, body := app.PostJSON(token, `{"name":"After pings","latitude":1,"longitude":2}`); resp.StatusCode != http.StatusCreated {
		t.Errorf("an add after the pings = %d %s, want 201", resp.StatusCode, body)
	}
}

// TestForwardedForIsTrustedOnlyWhenItIsAnAddress: behind a proxy, a client
// that puts garbage in X-Forwarded-For is counted by its peer address, not
// by a new bucket per request.
func TestForwardedForIsTrustedOnlyWhenItIsAnAddress(t *testing.T) {
	for _, trust := range []bool{false, true} {
		app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
			c.Handlers.WritesPerMinute = 3
			c.Handlers.TrustProxy = trust
		}))
		limited := false
		for i := range 10 {
			resp, _ := app.Do(nil, apptest.Request{Method: "POST", Path: "/places", Body: `{}`,
				Header: map[string]string{"Content-Type": "application/json", "Accept": "application/json",
					"X-Forwarded-For": "client-" + strconv.Itoa(i)}})
			if resp.StatusCode == http.StatusTooManyRequests {
				limited = true
				break
			}
		}
		if !limited {
			t.Errorf("trust proxy %v: 10 writes with made-up X-Forwarded-For names were never limited", trust)
		}
	}
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.WritesPerMinute = 3
		c.Handlers.TrustProxy = true
	}))
	for i := range 10 {
		resp, _ := app.Do(nil, apptest.Request{Method: "POST", Path: "/places", Body: `{}`,
			Header: map[string]string{"Content-Type": "application/json", "Accept": "application/json",
				"X-Forwarded-For": "198.51.100." + strconv.Itoa(i+1)}})
		if resp.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("request %d from a distinct forwarded address was limited: the proxy's word should count", i)
		}
	}
}

// TestARefusedHTMXFormKeepsItsInput: the rate limiter does not read the
// body, so for the htmx form it answers only the form's alert, out of band,
// and tells htmx not to swap the form: what the person typed stays.
func TestARefusedHTMXFormKeepsItsInput(t *testing.T) {
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.WritesPerMinute = 3
	}))
	browser := app.SignIn("Jess", true)
	var resp *http.Response
	var body string
	for i := range 10 {
		resp, body = app.Do(browser, apptest.Request{Method: "POST", Path: "/places",
			Body:   apptest.Form(map[string]string{"name": "Spot " + strconv.Itoa(i), "latitude": "1", "longitude": strconv.Itoa(i)}),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}})
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("never limited: last = %d", resp.StatusCode)
	}
	if resp.Header.Get("HX-Reswap") != "none" || !strings.Contains(body, `hx-swap-oob="true"`) ||
		!strings.Contains(body, `id="form-error"`) || !strings.Contains(body, "Too many requests") {
		t.Errorf("429 for htmx = HX-Reswap %q, body:\n%s\nwant no swap of the form and only its alert", resp.Header.Get("HX-Reswap"), body)
	}
	if strings.Contains(body, `id="add-place"`) {
		t.Error("the answer replaces the form, which would drop the typed input")
	}
}

package whib_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/redistest"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store/githubtest"
)

// threeInstances runs three whib instances on one repository and one
// Redis, as three Heroku dynos with a Key-Value Store. change is applied
// to each one's settings too.
func threeInstances(t *testing.T, redis *redistest.Server, change func(*whib.Config)) (*githubtest.Server, []*apptest.Site) {
	t.Helper()
	gh := apptest.NewRepository(t)
	var sites []*apptest.Site
	for range 3 {
		sites = append(sites, apptest.New(t, apptest.OnRepository(gh), apptest.Started(), apptest.WithConfig(func(c *whib.Config) {
			c.Shared.RedisURL = redis.URL()
			c.Shared.RetryEvery = 100 * time.Millisecond
			// Long enough that no refresh, only Redis, can bring a change.
			c.RefreshInterval = time.Hour
			if change != nil {
				change(c)
			}
		})))
	}
	return gh, sites
}

func addAs(t *testing.T, site *apptest.Site, client *http.Client, name, lat, lon string) *http.Response {
	t.Helper()
	resp, _ := site.Do(client, apptest.Request{Method: "POST", Path: "/places",
		Body:   apptest.Form(map[string]string{"name": name, "latitude": lat, "longitude": lon}),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}})
	return resp
}

// streams opens one live-update stream on each site, each at the version
// its page would show.
func streams(t *testing.T, sites []*apptest.Site) []*apptest.Stream {
	t.Helper()
	var out []*apptest.Stream
	for _, s := range sites {
		if resp, _ := s.Do(nil, apptest.Request{Method: "GET", Path: "/"}); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET / = %d", resp.StatusCode)
		}
		out = append(out, apptest.OpenStream(t, s.URL, "", nil))
	}
	return out
}

// A write on one instance reaches the viewers of all three, without
// waiting for a refresh (an hour away here).
func TestAWriteOnOneInstanceReachesViewersOnEvery(t *testing.T) {
	redis := redistest.Start(t)
	_, sites := threeInstances(t, redis, nil)
	viewers := streams(t, sites)
	writer := sites[0].SignIn("Jess", true)
	if resp := addAs(t, sites[0], writer, "Lisbon", "38.7223", "-9.1393"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("add on instance A = %d", resp.StatusCode)
	}
	for i, v := range viewers {
		if c := v.Next().Change(t); c.Places != 12 {
			t.Errorf("instance %c's viewer heard %+v, want 12 places", 'A'+i, c)
		}
		// And a reload there shows it.
		if _, body := sites[i].Do(nil, apptest.Request{Method: "GET", Path: "/places"}); !strings.Contains(body, "Lisbon") {
			t.Errorf("instance %c's GET /places does not list Lisbon", 'A'+i)
		}
	}
}

// A logout on instance A is a logout on B: the cookie saved before it no
// longer adds a place there (an outside audit got a 201).
func TestALogoutOnOneInstanceHoldsOnAnother(t *testing.T) {
	redis := redistest.Start(t)
	gh, sites := threeInstances(t, redis, nil)
	a, b := sites[0], sites[1]
	client := a.SignIn("Jess", true)
	saved := sessionCopy(t, a, b, client)
	if resp := addAs(t, b, saved, "Porto", "41.1579", "-8.6291"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("before logout, the cookie adds on B: %d, want 201", resp.StatusCode)
	}
	if resp, _ := a.Do(client, apptest.Request{Method: "POST", Path: "/logout"}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /logout on A = %d", resp.StatusCode)
	}
	before := string(gh.File("places.csv"))
	if resp := addAs(t, b, saved, "After Logout", "1", "2"); resp.StatusCode == http.StatusCreated || resp.StatusCode < 400 {
		t.Fatalf("the cookie logged out on A added a place on B: %d", resp.StatusCode)
	}
	if string(gh.File("places.csv")) != before {
		t.Error("a session logged out on A wrote to the file through B")
	}
}

// One client has one budget across the instances: with 3 writes a minute
// (a burst of 1), a second write right after the first is refused on any
// instance.
func TestAClientsBudgetIsSharedByTheInstances(t *testing.T) {
	redis := redistest.Start(t)
	_, sites := threeInstances(t, redis, func(c *whib.Config) { c.Handlers.WritesPerMinute = 3 })
	client := sites[0].SignIn("Jess", true)
	if resp := addAs(t, sites[0], client, "Lisbon", "38.7223", "-9.1393"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("first add on A = %d", resp.StatusCode)
	}
	for _, s := range sites[1:] {
		resp := addAs(t, s, sessionCopy(t, sites[0], s, client), "Porto", "41.1579", "-8.6291")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("a second add at once, on another instance = %d (Retry-After %q), want 429: one budget", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
}

// With Redis stopped mid-way, every map stays up and a write still reaches
// its own instance's viewers; once Redis is back, the others hear of it
// too, without waiting for a refresh.
func TestRedisStoppingMidwayKeepsTheMapsUpAndTheyCatchUp(t *testing.T) {
	redis := redistest.Start(t)
	_, sites := threeInstances(t, redis, nil)
	viewers := streams(t, sites)
	writer := sites[0].SignIn("Jess", true)

	redis.Stop()
	for i, s := range sites {
		if resp, body := s.Do(nil, apptest.Request{Method: "GET", Path: "/"}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Graz") {
			t.Fatalf("instance %c's map with Redis stopped = %d", 'A'+i, resp.StatusCode)
		}
	}
	if resp := addAs(t, sites[0], writer, "Lisbon", "38.7223", "-9.1393"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("add on A with Redis stopped = %d, want 201: places live in the repository", resp.StatusCode)
	}
	if c := viewers[0].Next().Change(t); c.Places != 12 {
		t.Fatalf("A's viewer heard %+v during the outage, want 12 places", c)
	}

	redis.Restart()
	for i, v := range viewers[1:] {
		if c := v.Next().Change(t); c.Places != 12 {
			t.Errorf("instance %c's viewer heard %+v once Redis was back, want 12 places", 'B'+i, c)
		}
	}
}

// sessionCopy gives a client the session cookie client holds for from, to
// send to to, as someone who saved the cookie would.
func sessionCopy(t *testing.T, from, to *apptest.Site, client *http.Client) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	src, _ := url.Parse(from.URL)
	dst, _ := url.Parse(to.URL)
	jar.SetCookies(dst, client.Jar.Cookies(src))
	return apptest.NoRedirects(jar)
}

package handlers_test

import (
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/whib/whib/internal/apptest"
)

var addForm = apptest.Request{Method: "POST", Path: "/places",
	Body:   apptest.Form(map[string]string{"name": "After Logout", "latitude": "1", "longitude": "2"}),
	Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}}

// copyCookies gives a second client the cookies client holds for the app,
// as someone who saved the session cookie would.
func copyCookies(t *testing.T, app *apptest.Site, client *http.Client) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(app.URL)
	jar.SetCookies(u, client.Jar.Cookies(u))
	return apptest.NoRedirects(jar)
}

func TestALoggedOutSessionCannotAddPlaces(t *testing.T) {
	app := apptest.New(t)
	client := app.SignIn("Jess", true)
	saved := copyCookies(t, app, client)
	if resp, _ := app.Do(saved, apptest.Request{Method: "GET", Path: "/ping", Header: map[string]string{"Accept": "application/json"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("the saved cookie before logout: GET /ping = %d", resp.StatusCode)
	}
	if resp, _ := app.Do(client, apptest.Request{Method: "POST", Path: "/logout"}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /logout = %d", resp.StatusCode)
	}
	before := app.GitHub.File("places.csv")
	resp, body := app.Do(saved, addForm)
	if resp.StatusCode == http.StatusCreated || resp.StatusCode < 400 {
		t.Errorf("the cookie saved before logout added a place: %d %s", resp.StatusCode, body)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("a logged-out session wrote to the file")
	}
}

func TestGetLogoutShowsAButtonAndKeepsTheSession(t *testing.T) {
	app := apptest.New(t)
	client := app.SignIn("Jess Temporal", true)
	resp, page := app.Do(client, apptest.Request{Method: "GET", Path: "/logout?return_to=%2Fsomewhere"})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /logout = %d %q, want the page with a button", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, line := range resp.Header.Values("Set-Cookie") {
		if strings.Contains(line, "whib_session") {
			t.Errorf("GET /logout touched the session cookie: %s", line)
		}
	}
	method, action, button := logoutForm(t, page)
	if method != "post" || action != "/logout?return_to=%2Fsomewhere" || button != "Log out" {
		t.Errorf("logout form: method %q action %q button %q", method, action, button)
	}
	if _, page := app.Do(client, apptest.Request{Method: "GET", Path: "/"}); !strings.Contains(page, `id="add-place"`) {
		t.Error("after GET /logout the person is no longer signed in")
	}
	if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/logout"}); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /logout signed out = %d, want the page", resp.StatusCode)
	}
}

// logoutForm finds the form posting to /logout and its button's text.
func logoutForm(t *testing.T, page string) (method, action, button string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node, inForm bool)
	walk = func(n *html.Node, inForm bool) {
		if n.Type == html.ElementNode && n.Data == "form" && strings.HasPrefix(attrOf(n, "action"), "/logout") && !inForm {
			method, action, inForm = attrOf(n, "method"), attrOf(n, "action"), true
		}
		if inForm && n.Type == html.ElementNode && n.Data == "button" && n.FirstChild != nil {
			button = strings.TrimSpace(n.FirstChild.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inForm)
		}
	}
	walk(doc, false)
	return method, action, button
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestCrossSiteLogoutIsRefused(t *testing.T) {
	app := apptest.New(t)
	client := app.SignIn("Jess", true)
	resp, _ := app.Do(client, apptest.Request{Method: "POST", Path: "/logout",
		Header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /logout = %d, want 403", resp.StatusCode)
	}
	if _, page := app.Do(client, apptest.Request{Method: "GET", Path: "/"}); !strings.Contains(page, `id="add-place"`) {
		t.Error("a cross-site POST /logout signed the person out")
	}
}

// TestLoginOnAnotherHostGoesToBaseURL: `-dev` listens on 127.0.0.1 while
// BASE_URL says localhost; a sign-in started under the other name could
// never finish, so it starts again on BASE_URL's host.
func TestLoginOnAnotherHostGoesToBaseURL(t *testing.T) {
	app := apptest.New(t)
	u, _ := url.Parse(app.URL)
	other := strings.Replace(u.Host, "127.0.0.1", "localhost", 1)
	req, _ := http.NewRequest("GET", app.URL+"/login?return_to=%2Fx", nil)
	req.Host = other
	resp, err := apptest.NoRedirects(nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != app.URL+"/login?return_to=%2Fx" {
		t.Errorf("GET /login on %s = %d to %q, want %s/login?return_to=%%2Fx", other, resp.StatusCode, resp.Header.Get("Location"), app.URL)
	}
	for _, line := range resp.Header.Values("Set-Cookie") {
		if strings.Contains(line, "whib_login") {
			t.Errorf("the login state cookie was set for the other host: %s", line)
		}
	}
	// On BASE_URL's host sign-in works as before.
	app.SignIn("Jess", true)
}

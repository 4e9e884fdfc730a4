package apptest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// SignIn walks the real authorization-code flow: /login → the provider's
// login page → its form → /callback, as a browser would, and returns a
// client holding the session cookie (not following redirects).
func (a *Site) SignIn(name string, mayWrite bool) *http.Client {
	a.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(a.URL + "/login")
	if err != nil {
		a.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.String(), a.IdP.Issuer()) {
		a.t.Fatalf("GET /login ended at %s with %d, want the provider's login page", resp.Request.URL, resp.StatusCode)
	}
	action, values := parseLoginForm(a.t, resp.Request.URL, string(page))
	values.Set(textFieldName(values), name)
	if !mayWrite {
		for k := range values {
			if strings.Contains(strings.ToLower(k), "may_add") {
				values.Del(k)
			}
		}
	}
	resp, err = c.PostForm(action, values)
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.String(), a.URL) {
		a.t.Fatalf("after the provider's login page: %s %d, want back on the map", resp.Request.URL, resp.StatusCode)
	}
	return NoRedirects(jar)
}

// parseLoginForm finds the provider's login form, keeping hidden inputs
// and ticked checkboxes as a browser would submit them.
func parseLoginForm(t *testing.T, base *url.URL, page string) (string, url.Values) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var action string
	values := url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			_, hasChecked := "", false
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
				if a.Key == "checked" {
					hasChecked = true
				}
			}
			switch n.Data {
			case "form":
				if action == "" {
					ref, _ := url.Parse(attr["action"])
					action = base.ResolveReference(ref).String()
				}
			case "input":
				switch attr["type"] {
				case "checkbox":
					if hasChecked {
						v := attr["value"]
						if v == "" {
							v = "on"
						}
						values.Set(attr["name"], v)
					}
				case "submit", "button":
				case "text", "":
					values.Set(attr["name"], attr["value"])
					values.Set("__text__", attr["name"])
				default:
					values.Set(attr["name"], attr["value"])
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if action == "" {
		t.Fatalf("no form on the provider's login page:\n%s", page)
	}
	return action, values
}

func textFieldName(values url.Values) string {
	name := values.Get("__text__")
	values.Del("__text__")
	if name == "" {
		return "name"
	}
	return name
}

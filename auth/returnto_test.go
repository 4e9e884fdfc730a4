package auth

import (
	"net/url"
	"testing"
)

func TestSafeReturnToKeepsLocalPathsAndRefusesOpenRedirects(t *testing.T) {
	decoded, _ := url.QueryUnescape("%2F%2Fevil.example")
	cases := map[string]string{
		"/":                              "/",
		"/places?page=2":                 "/places?page=2",
		"/places#map":                    "/places#map",
		"/%2F%2Fevil.example":            "/%2F%2Fevil.example", // a path on this site
		"":                               "/",
		"https://evil.example":           "/",
		"http:/evil.example":             "/",
		"//evil.example":                 "/",
		"///evil.example":                "/",
		"/\\evil.example":                "/",
		"\\/evil.example":                "/",
		"/a\\b":                          "/",
		"%2F%2Fevil.example":             "/",
		decoded:                          "/",
		"javascript:alert(1)":            "/",
		"evil.example":                   "/",
		"/\tevil":                        "/",
		"/\r\nSet-Cookie: x=1":           "/",
		"/\x7f":                          "/",
		"/\u0085":                        "/",
		" /places":                       "/",
		"/" + string(make([]byte, 3000)): "/",
	}
	for in, want := range cases {
		if got := SafeReturnTo(in); got != want {
			t.Errorf("SafeReturnTo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStartLoginOnlyRemembersLocalReturnPaths(t *testing.T) {
	e := newEnv(t)
	for _, evil := range []string{"https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"} {
		b := e.newBrowser()
		resp, body := b.signIn(e, "Ada", true, evil)
		if resp.Request.URL.Host != mustHost(e.app.URL) || body != "page /" {
			t.Errorf("return_to %q ended at %s (%q)", evil, resp.Request.URL, body)
		}
	}
}

func mustHost(raw string) string {
	u, _ := url.Parse(raw)
	return u.Host
}

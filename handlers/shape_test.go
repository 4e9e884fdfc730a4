package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whib/whib/assets"
	"github.com/whib/whib/auth"
	"github.com/whib/whib/store"
)

func TestShapeOf(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		headers map[string]string
		want    shape
	}{
		{"htmx wins over Accept", "POST", map[string]string{"HX-Request": "true", "Accept": "application/json"}, shapeHTMX},
		{"JSON client", "POST", map[string]string{"Accept": "application/json", "Content-Type": "application/json"}, shapeJSON},
		{"problem+json", "GET", map[string]string{"Accept": "application/problem+json"}, shapeJSON},
		{"no Accept at all", "GET", nil, shapeJSON},
		{"curl's */*", "POST", map[string]string{"Accept": "*/*"}, shapeJSON},
		{"browser navigating", "GET", map[string]string{"Accept": "text/html,application/xhtml+xml"}, shapePage},
		{"browser form post", "POST", map[string]string{"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}, shapeForm},
		{"multipart form post", "POST", map[string]string{"Accept": "text/html", "Content-Type": "multipart/form-data; boundary=x"}, shapeForm},
		{"HTML-only API client posting JSON", "POST", map[string]string{"Accept": "text/html", "Content-Type": "application/json"}, shapePage},
		{"HX-Request other than true", "GET", map[string]string{"HX-Request": "1", "Accept": "text/html"}, shapePage},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "/places", nil)
		for k, v := range tt.headers {
			r.Header.Set(k, v)
		}
		if got := shapeOf(r); got != tt.want {
			t.Errorf("%s: shapeOf = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestProblemForEveryErrorFamily(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		challenge  bool
		retryAfter bool
	}{
		{"refusal", refuse(http.StatusUnsupportedMediaType, "unsupported_media_type", "Send JSON."), 415, "unsupported_media_type", false, false},
		{"refusal with a challenge", &refusal{status: 401, code: "unauthorized", description: "Log in.", challenge: `Bearer realm="whib"`}, 401, "unauthorized", true, false},
		{"wrapped refusal", errors.Join(errors.New("context"), refuse(404, "not_found", "Nothing here.")), 404, "not_found", false, false},
		{"invalid place", &store.Error{Kind: store.KindInvalid, Fields: map[string]string{"name": "Name is required."}}, 422, "invalid_place", false, false},
		{"storage down", &store.Error{Kind: store.KindUnavailable}, 503, "storage_unavailable", false, true},
		{"bad token", &auth.Error{Kind: auth.KindInvalidToken, Code: "invalid_token", Description: "Expired."}, 401, "invalid_token", true, false},
		{"sign-in outage at the callback", signInError{&auth.Error{Kind: auth.KindUnavailable, Description: "The provider is down."}}, 503, "auth_unavailable", false, true},
		{"anything else", errors.New("boom"), 500, "internal_error", false, false},
	}
	for _, tt := range tests {
		p := problemFor(tt.err)
		if p.Status != tt.status || p.Code != tt.code {
			t.Errorf("%s: problem = %d %q, want %d %q", tt.name, p.Status, p.Code, tt.status, tt.code)
		}
		if (p.authenticate != "") != tt.challenge {
			t.Errorf("%s: WWW-Authenticate %q, want one: %v", tt.name, p.authenticate, tt.challenge)
		}
		if (p.RetryAfter > 0) != tt.retryAfter {
			t.Errorf("%s: Retry-After %v, want one: %v", tt.name, p.RetryAfter, tt.retryAfter)
		}
		if p.Description == "" {
			t.Errorf("%s: no description for a person", tt.name)
		}
	}
	if p := problemFor(signInError{errors.New("x")}); p.Title != "Sign-in did not work" {
		t.Errorf("a callback failure is titled %q", p.Title)
	}
}

// TestServerFailuresAreLoggedWithTheirCause: the callback's token-exchange
// outage once answered 503 with nothing in the log. Every 5xx now goes
// through serveError, which logs the cause with the request id the person sees.
func TestServerFailuresAreLoggedWithTheirCause(t *testing.T) {
	var log bytes.Buffer
	static, err := assets.New()
	if err != nil {
		t.Fatal(err)
	}
	signIn, err := auth.New(t.Context(), auth.Config{EndedSessionsLimit: 1, NotConfiguredHint: "Sign-in is not set up."})
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(Deps{Logger: slog.New(slog.NewTextHandler(&log, nil)), Auth: signIn, Assets: static, Config: testConfig()})
	r := httptest.NewRequest("GET", "/callback?code=x&state=y", nil)
	r = r.WithContext(context.WithValue(r.Context(), frontKey{}, &front{id: "req-42"}))
	w := httptest.NewRecorder()
	cause := &auth.Error{Kind: auth.KindUnavailable, Description: "The sign-in service did not answer.", Err: errors.New("token exchange: dial tcp: connection refused")}
	a.serveError(w, r, shapePage, signInError{cause})

	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "req-42") || !strings.Contains(w.Body.String(), "Sign-in did not work") {
		t.Errorf("answer = %d, want 503 with the sign-in page and the request id:\n%s", w.Code, w.Body)
	}
	for _, want := range []string{"request_id=req-42", "connection refused", "path=/callback"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

// testConfig is a complete Config as internal/whib passes it.
func testConfig() Config {
	return Config{
		Title: "Where I have been", TileURL: "http://127.0.0.1:1/{z}/{x}/{y}.png", BaseURL: "http://localhost:8080",
		InlineMarkerLimit: 2000, ClusterThreshold: 500, ListPageSize: 200, WritesPerMinute: 30, LoginsPerMinute: 20,
	}
}

package handlers_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/whib/whib/internal/apptest"
)

// TestGitHubFaultsAnswer503AndRecover: whatever GitHub does, a write either
// lands once or answers 503 with Retry-After and leaves the file alone, and
// the next write after GitHub recovers lands.
func TestGitHubFaultsAnswer503AndRecover(t *testing.T) {
	app := apptest.New(t)
	token := app.MachineToken(apptest.Permission)
	app.Do(nil, apptest.Request{Method: "GET", Path: "/"})
	faults := []struct {
		name   string
		inject func()
		code   string
	}{
		// A 5xx on the write itself may hide a commit: not "nothing was saved".
		{"5xx", func() { app.GitHub.FailNext(1000, http.StatusServiceUnavailable) }, "outcome_unknown"},
		{"endless 409s", func() { app.GitHub.ConflictNext(1000) }, "busy"},
		// Last: once GitHub says the limit is used up until a reset time,
		// the client does not call again before it (see below).
		{"rate limit", func() { app.GitHub.RateLimitNext(1000, time.Now().Add(90*time.Second)) }, "rate_limited"},
	}
	for i, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			before := app.GitHub.File("places.csv")
			f.inject()
			resp, body := app.PostJSON(token, `{"name":"Fault `+strconv.Itoa(i)+`","latitude":1,"longitude":2}`)
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("write during %s = %d %s, want 503", f.name, resp.StatusCode, body)
			}
			if code := apptest.DecodeJSON(t, body)["code"]; code != f.code {
				t.Errorf("code = %v, want %s", code, f.code)
			}
			retry, err := strconv.Atoi(resp.Header.Get("Retry-After"))
			if err != nil || retry < 1 {
				t.Errorf("Retry-After = %q, want seconds", resp.Header.Get("Retry-After"))
			}
			if f.name == "rate limit" && (retry < 60 || retry > 91) {
				t.Errorf("Retry-After = %d, want the time until GitHub's X-RateLimit-Reset (~90 s)", retry)
			}
			if !bytes.Equal(app.GitHub.File("places.csv"), before) {
				t.Error("the failed write changed the file")
			}
			if resp, _ := app.Do(nil, apptest.Request{Method: "GET", Path: "/"}); resp.StatusCode != http.StatusOK {
				t.Errorf("the map stopped working during %s: %d", f.name, resp.StatusCode)
			}

			if f.name == "rate limit" {
				// Until the reset, writes are refused without spending
				// requests GitHub would refuse anyway.
				calls := app.GitHub.Calls()
				resp, _ := app.PostJSON(token, `{"name":"Patience","latitude":1,"longitude":2}`)
				if resp.StatusCode != http.StatusServiceUnavailable || app.GitHub.Calls() != calls {
					t.Errorf("write before the reset = %d with %d GitHub calls, want 503 with none", resp.StatusCode, app.GitHub.Calls()-calls)
				}
				return
			}
			// GitHub comes back.
			app.GitHub.FailNext(0, 0)
			app.GitHub.RateLimitNext(0, time.Time{})
			app.GitHub.ConflictNext(0)
			resp, body = app.PostJSON(token, `{"name":"Fault `+strconv.Itoa(i)+`","latitude":1,"longitude":2}`)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("write after GitHub recovered = %d %s, want 201", resp.StatusCode, body)
			}
		})
	}
}

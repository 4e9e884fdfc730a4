package whib

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func emptyEnv(string) string { return "" }

func TestDefaultsAreChosenHereOnly(t *testing.T) {
	cfg, err := LoadConfig(emptyEnv)
	if err != nil {
		t.Fatal(err)
	}
	h := cfg.Handlers
	if err := h.Check(); err != nil {
		t.Errorf("the defaults leave the handlers' settings incomplete: %v", err)
	}
	if h.TileURL != "https://tile.openstreetmap.org/{z}/{x}/{y}.png" || !strings.Contains(h.TileAttribution, "OpenStreetMap") {
		t.Errorf("tiles = %q, %q, want OpenStreetMap's", h.TileURL, h.TileAttribution)
	}
	if h.WritesPerMinute != 30 || h.LoginsPerMinute != 20 || h.ClusterThreshold != 500 {
		t.Errorf("writes %d/min, logins %d/min, clusters above %d", h.WritesPerMinute, h.LoginsPerMinute, h.ClusterThreshold)
	}
	a := cfg.authConfig(slog.New(slog.DiscardHandler), nil)
	if a.WritePermission != "write:places" || a.SessionLifetime != 12*time.Hour || a.SessionIdleTimeout != 2*time.Hour || a.HTTPClient.Timeout == 0 {
		t.Errorf("permission %q, sessions %v / %v idle, provider timeout %v", a.WritePermission, a.SessionLifetime, a.SessionIdleTimeout, a.HTTPClient.Timeout)
	}
	if h.BaseURL != "http://localhost:8080" || a.BaseURL != h.BaseURL {
		t.Errorf("base URL %q for the handlers, %q for sign-in; want both http://localhost:8080", h.BaseURL, a.BaseURL)
	}
}

func TestBuildNamesTheVariableOfAWrongSignInSetting(t *testing.T) {
	env := map[string]string{
		"OIDC_ISSUER": "https://tenant.example/", "AUTH0_CLIENT_ID": "web", "AUTH0_CLIENT_SECRET": "secret",
		"AUTH0_AUDIENCE": "https://whib/api", "SESSION_SECRET": "too-short", "PLACES_FILE": t.TempDir() + "/places.csv",
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	_, err = Build(t.Context(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	if err == nil || !strings.Contains(err.Error(), "SESSION_SECRET: must be at least 32 characters") {
		t.Errorf("Build: %v, want an error naming SESSION_SECRET", err)
	}
}

func TestBuildNamesTheGitHubSettings(t *testing.T) {
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"GITHUB_REPO": "a/b/c", "GITHUB_TOKEN": "t"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(t.Context(), cfg, slog.New(slog.DiscardHandler), nil); err == nil || !strings.Contains(err.Error(), "GITHUB_REPO") {
		t.Errorf("Build with GITHUB_REPO=a/b/c: %v, want an error naming GITHUB_REPO", err)
	}
}

// BASE_URL is a setting of both the handlers and sign-in: a Config whose
// parts were given different addresses would send people to the wrong
// callback, so Build refuses it.
func TestBuildRefusesPartsThatDisagreeOnTheBaseURL(t *testing.T) {
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"PLACES_FILE": t.TempDir() + "/places.csv"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Auth.BaseURL = "https://elsewhere.example"
	if _, err := Build(t.Context(), cfg, slog.New(slog.DiscardHandler), nil); err == nil || !strings.Contains(err.Error(), "BASE_URL") {
		t.Errorf("Build with two base URLs: %v, want an error naming BASE_URL", err)
	}
}

// Heroku Key-Value Store's rediss:// certificate is self-signed: on a dyno
// it is not checked unless REDIS_VERIFY_TLS says so; elsewhere it is.
func TestRedisCertificatesAreCheckedExceptOnHerokuUnlessAsked(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		skip bool
	}{
		{map[string]string{"REDIS_URL": "rediss://:pw@redis.example:6380"}, false},
		{map[string]string{"REDIS_URL": "rediss://:pw@redis.example:6380", "DYNO": "web.1"}, true},
		{map[string]string{"REDIS_URL": "rediss://:pw@redis.example:6380", "DYNO": "web.1", "REDIS_VERIFY_TLS": "true"}, false},
		{map[string]string{"REDIS_URL": "rediss://:pw@redis.example:6380", "REDIS_VERIFY_TLS": "off"}, true},
	} {
		cfg, err := LoadConfig(func(k string) string { return c.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Shared.RedisURL != c.env["REDIS_URL"] || cfg.Shared.InsecureSkipVerify != c.skip {
			t.Errorf("env %v: URL %q, skip verification %v; want %v", c.env, cfg.Shared.RedisURL, cfg.Shared.InsecureSkipVerify, c.skip)
		}
	}
	_, err := LoadConfig(func(k string) string { return map[string]string{"REDIS_VERIFY_TLS": "maybe"}[k] })
	if err == nil || !strings.Contains(err.Error(), "REDIS_VERIFY_TLS") {
		t.Errorf("REDIS_VERIFY_TLS=maybe: %v, want an error naming it", err)
	}
}

// A malformed REDIS_URL stops the start, naming the variable and not
// repeating its value, which holds a password.
func TestBuildNamesAMalformedRedisURLWithoutItsPassword(t *testing.T) {
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"REDIS_URL": "http://:hunter2@redis.example", "PLACES_FILE": t.TempDir() + "/places.csv"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(t.Context(), cfg, slog.New(slog.DiscardHandler), nil)
	if err == nil || !strings.Contains(err.Error(), "REDIS_URL") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Build with a malformed REDIS_URL: %v, want an error naming REDIS_URL without the password", err)
	}
}

// TestTheMapIsNamedByMapTitle: MAP_TITLE and MAP_DESCRIPTION reach the
// handlers; unset, the map is "Where I have been" with no description.
func TestTheMapIsNamedByMapTitle(t *testing.T) {
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"MAP_TITLE": " Ada on the road ", "MAP_DESCRIPTION": "Forty years of trains"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Handlers.Title != "Ada on the road" || cfg.Handlers.Description != "Forty years of trains" {
		t.Errorf("title %q, description %q; want MAP_TITLE's and MAP_DESCRIPTION's", cfg.Handlers.Title, cfg.Handlers.Description)
	}
	cfg, err = LoadConfig(emptyEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Handlers.Title != "Where I have been" || cfg.Handlers.Description != "" {
		t.Errorf("unset: title %q, description %q; want \"Where I have been\" and none", cfg.Handlers.Title, cfg.Handlers.Description)
	}
}

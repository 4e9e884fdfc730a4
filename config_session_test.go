package main

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSessionAndMachineSettings(t *testing.T) {
	load := func(env map[string]string) (config, error) {
		return loadConfig(nil, func(k string) string { return env[k] }, io.Discard)
	}
	cfg, err := load(nil)
	if err != nil || cfg.Auth.SessionIdleTimeout != 2*time.Hour || cfg.Auth.SessionLifetime != 12*time.Hour || cfg.Auth.MachineClients != nil {
		t.Errorf("defaults: idle %v, max age %v, machines %v, %v", cfg.Auth.SessionIdleTimeout, cfg.Auth.SessionLifetime, cfg.Auth.MachineClients, err)
	}
	cfg, err = load(map[string]string{"SESSION_IDLE_TIMEOUT": "30m", "SESSION_MAX_AGE": "8h", "MACHINE_CLIENTS": " svc-a, ,svc-b "})
	if err != nil || cfg.Auth.SessionIdleTimeout != 30*time.Minute || cfg.Auth.SessionLifetime != 8*time.Hour || !slices.Equal(cfg.Auth.MachineClients, []string{"svc-a", "svc-b"}) {
		t.Errorf("set: idle %v, max age %v, machines %q, %v", cfg.Auth.SessionIdleTimeout, cfg.Auth.SessionLifetime, cfg.Auth.MachineClients, err)
	}
	for env, want := range map[string]string{
		"SESSION_IDLE_TIMEOUT=two hours": "SESSION_IDLE_TIMEOUT",
		"SESSION_IDLE_TIMEOUT=1m":        "SESSION_IDLE_TIMEOUT",
		"SESSION_MAX_AGE=-12h":           "SESSION_MAX_AGE",
		"SESSION_MAX_AGE=12":             "SESSION_MAX_AGE",
		"SESSION_IDLE_TIMEOUT=13h":       "SESSION_IDLE_TIMEOUT",
	} {
		name, value, _ := strings.Cut(env, "=")
		if _, err := load(map[string]string{name: value}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %s", env, err, want)
		}
	}
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/whib/whib/auth/devoidc"
	"github.com/whib/whib/internal/whib"
)

const (
	benchAudience      = "https://whib.bench/api"
	benchWebClientID   = "whib-bench-web"
	benchMachineClient = "whib-bench-machine"
	writePermission    = whib.DefaultWritePermission
)

// identity is the in-process OpenID provider the apps trust, so the
// benchmark can add places with bearer tokens as a machine client would.
type identity struct {
	provider      *devoidc.Provider
	webSecret     string
	sessionSecret string
	writers       atomic.Int64
}

func startIdentity(ctx context.Context) (*identity, error) {
	id := &identity{webSecret: randomHex(16), sessionSecret: randomHex(32)}
	p, err := devoidc.Start(ctx, devoidc.Options{
		Addr:                   "127.0.0.1:0",
		Audience:               benchAudience,
		WebClientID:            benchWebClientID,
		WebClientSecret:        id.webSecret,
		RedirectURIs:           []string{"http://127.0.0.1:*/callback"},
		PostLogoutRedirectURIs: []string{"http://127.0.0.1:*/"},
		MachineClientID:        benchMachineClient,
		MachineClientSecret:    randomHex(16),
		Permission:             writePermission,
	})
	if err != nil {
		return nil, err
	}
	id.provider = p
	return id, nil
}

func (id *identity) close() { _ = id.provider.Close() }

// appEnv configures an app to trust this provider.
func (id *identity) appEnv() []string {
	return []string{
		"OIDC_ISSUER=" + id.provider.Issuer(),
		"AUTH0_AUDIENCE=" + benchAudience,
		"AUTH0_CLIENT_ID=" + benchWebClientID,
		"AUTH0_CLIENT_SECRET=" + id.webSecret,
		"SESSION_SECRET=" + id.sessionSecret,
		"WRITE_PERMISSION=" + writePermission,
	}
}

// writerToken is an access token like the ones Auth0 issues for the
// client-credentials grant, for a writer of its own. whib limits writes per
// client (30 a minute, 10 at once); the benchmark measures the cost of an
// add, not that limit, so each add comes from a distinct machine client —
// as if many devices were adding places.
func (id *identity) writerToken() string {
	n := id.writers.Add(1)
	now := time.Now()
	return id.provider.SignToken(map[string]any{
		"iss":         id.provider.Issuer(),
		"sub":         fmt.Sprintf("bench-writer-%d@clients", n),
		"aud":         benchAudience,
		"azp":         benchMachineClient,
		"gty":         "client-credentials",
		"iat":         now.Unix(),
		"exp":         now.Add(time.Hour).Unix(),
		"permissions": []string{writePermission},
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

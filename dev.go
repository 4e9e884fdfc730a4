//go:build !heroku

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/whib/whib/auth/devoidc"
	"github.com/whib/whib/internal/whib"
)

// The -dev provider (zitadel/oidc and its dependencies) is left out of
// the Heroku build, which compiles with -tags heroku: see the README's
// design section for the numbers.

// startDevProvider runs a local OpenID provider and points the config at
// it, so `go run . -dev` shows the whole signed-in flow with no tenant.
func startDevProvider(ctx context.Context, cfg *whib.Config, logger *slog.Logger, stdout io.Writer) (io.Closer, error) {
	webSecret, machineSecret := whib.RandomSecret(), whib.RandomSecret()
	signIn := &cfg.Auth
	if signIn.Audience == "" {
		signIn.Audience = "https://whib.local/api"
	}
	provider, err := devoidc.Start(ctx, devoidc.Options{
		Addr:                   "127.0.0.1:0",
		Audience:               signIn.Audience,
		WebClientID:            "whib-dev-web",
		WebClientSecret:        webSecret,
		RedirectURIs:           []string{cfg.BaseURL() + "/callback"},
		PostLogoutRedirectURIs: []string{cfg.BaseURL() + "/", cfg.BaseURL() + "/*"}, // any ?return_to= path
		MachineClientID:        "whib-dev-machine",
		MachineClientSecret:    machineSecret,
		Permission:             signIn.WritePermission,
		Logger:                 logger,
	})
	if err != nil {
		return nil, fmt.Errorf("-dev: start the local sign-in provider: %w", err)
	}
	signIn.Issuer = provider.Issuer()
	signIn.ClientID, signIn.ClientSecret = "whib-dev-web", webSecret
	if signIn.SessionSecret == "" {
		signIn.SessionSecret = whib.RandomSecret()
	}
	fmt.Fprintf(stdout, `
whib -dev: a local sign-in provider runs at %s
  People: open %s and press "Log in"; type any name on the provider's page.
  Machines: get a token, then add a place:
    TOKEN=$(%s | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
    curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
      -d '{"name":"Lisbon","latitude":38.7223,"longitude":-9.1393,"visited":"2024-05"}' %s/places

`, provider.Issuer(), cfg.BaseURL(), provider.TokenCurl(), cfg.BaseURL())
	return provider, nil
}

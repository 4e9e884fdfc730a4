package auth

import (
	"slices"
	"testing"
)

// TestWhoCountsAsAMachine: only explicit evidence makes a token a
// machine's, and only then does its scope count.
func TestWhoCountsAsAMachine(t *testing.T) {
	const auth0, other = "https://tenant.eu.auth0.com/", "https://idp.example/"
	cases := []struct {
		name     string
		issuer   string
		machines []string
		facts    tokenFacts
		want     bool
	}{
		{"Auth0 gty client-credentials", auth0, nil, tokenFacts{Subject: "abc@clients", Grant: "client-credentials", AZP: "abc"}, true},
		{"gty at another provider", other, nil, tokenFacts{Subject: "svc", Grant: "client-credentials"}, true},
		{"RFC 9068 sub = client_id", other, nil, tokenFacts{Subject: "svc", ClientID: "svc"}, true},
		{"sub = azp", other, nil, tokenFacts{Subject: "svc", AZP: "svc"}, true},
		{"@clients from Auth0", auth0, nil, tokenFacts{Subject: "abc@clients"}, true},
		{"@clients from another provider", other, nil, tokenFacts{Subject: "abc@clients", AZP: "web"}, false},
		{"@clients from a look-alike host", "https://auth0.com.evil.example/", nil, tokenFacts{Subject: "abc@clients"}, false},
		{"listed client_id", other, []string{"svc"}, tokenFacts{Subject: "6f1c-uuid", ClientID: "svc"}, true},
		{"listed azp (Keycloak service account)", other, []string{"svc"}, tokenFacts{Subject: "6f1c-uuid", AZP: "svc"}, true},
		{"unlisted client", other, []string{"svc"}, tokenFacts{Subject: "6f1c-uuid", AZP: "web"}, false},
		{"person at Auth0", auth0, nil, tokenFacts{Subject: "auth0|jess", AZP: "web"}, false},
		{"person elsewhere", other, nil, tokenFacts{Subject: "jess", ClientID: "web", AZP: "web"}, false},
		{"nothing at all", other, nil, tokenFacts{}, false},
		{"other grant type", auth0, nil, tokenFacts{Subject: "auth0|jess", Grant: "password"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &Authenticator{cfg: Config{Issuer: tc.issuer, MachineClients: tc.machines}}
			if got := a.issuedToClient(tc.facts); got != tc.want {
				t.Errorf("issuedToClient(%+v) = %v, want %v", tc.facts, got, tc.want)
			}
		})
	}
}

// TestScopeCountsOnlyForMachines signs real tokens at the local provider
// (not an Auth0 issuer) and checks who may write through scope.
func TestScopeCountsOnlyForMachines(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MachineClients = []string{"keycloak-svc"} })
	base := with(e.machineClaims(), map[string]any{"gty": nil, "permissions": nil, "scope": "openid write:places"})
	cases := []struct {
		name    string
		changes map[string]any
		writer  bool
	}{
		{"person with scope write:places", map[string]any{"sub": "auth0|jess", "azp": "web"}, false},
		{"person named like an Auth0 machine", map[string]any{"sub": "jess@clients", "azp": "web"}, false},
		{"gty client-credentials", map[string]any{"gty": "client-credentials"}, true},
		{"RFC 9068 sub = client_id", map[string]any{"sub": "svc-1", "azp": nil, "client_id": "svc-1"}, true},
		{"listed in MACHINE_CLIENTS", map[string]any{"sub": "0b6e-uuid", "azp": "keycloak-svc"}, true},
		{"person with the assigned permission", map[string]any{"sub": "auth0|jess", "azp": "web", "permissions": []string{"write:places"}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := identify(t, e.auth, bearer(e.idp.SignToken(with(base, tc.changes))))
			if err != nil {
				t.Fatal(err)
			}
			if p.CanWrite != tc.writer || (!tc.writer && slices.Contains(p.Permissions, "write:places")) {
				t.Errorf("CanWrite = %v, permissions %v; want writer %v", p.CanWrite, p.Permissions, tc.writer)
			}
		})
	}
}

package devoidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const (
	testAudience = "https://whib.test/api"
	webID        = "web-client"
	webSecret    = "web-secret"
	machineID    = "machine-client"
	machineSec   = "machine-secret"
	appCallback  = "http://127.0.0.1:1/callback"
)

func startProvider(t *testing.T) *Provider {
	t.Helper()
	p, err := Start(t.Context(), Options{
		Addr:                   "127.0.0.1:0",
		Audience:               testAudience,
		WebClientID:            webID,
		WebClientSecret:        webSecret,
		RedirectURIs:           []string{appCallback},
		PostLogoutRedirectURIs: []string{"http://127.0.0.1:1/*"},
		MachineClientID:        machineID,
		MachineClientSecret:    machineSec,
		Permission:             "write:places",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func TestStartRefusesNonLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:80", "nonsense"} {
		if p, err := Start(t.Context(), Options{Addr: addr, Audience: testAudience, Permission: "write:places"}); err == nil {
			p.Close()
			t.Errorf("Start(%q) succeeded; want refusal", addr)
		}
	}
}

func TestDiscoveryAdvertisesWhatWhibNeeds(t *testing.T) {
	p := startProvider(t)
	resp, err := http.Get(p.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Issuer        string   `json:"issuer"`
		EndSession    string   `json:"end_session_endpoint"`
		JWKS          string   `json:"jwks_uri"`
		Token         string   `json:"token_endpoint"`
		PKCEMethods   []string `json:"code_challenge_methods_supported"`
		GrantTypes    []string `json:"grant_types_supported"`
		SigningAlgs   []string `json:"id_token_signing_alg_values_supported"`
		Authorization string   `json:"authorization_endpoint"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Issuer != p.Issuer() || !strings.HasPrefix(p.Issuer(), "http://127.0.0.1:") {
		t.Errorf("issuer = %q, Issuer() = %q", doc.Issuer, p.Issuer())
	}
	if doc.EndSession != p.Issuer()+"/end_session" {
		t.Errorf("end_session_endpoint = %q", doc.EndSession)
	}
	if doc.Token != p.Issuer()+"/oauth/token" || doc.JWKS == "" || doc.Authorization == "" {
		t.Errorf("endpoints: %+v", doc)
	}
	if !slices.Contains(doc.PKCEMethods, "S256") {
		t.Errorf("code_challenge_methods_supported = %v", doc.PKCEMethods)
	}
	if !slices.Contains(doc.GrantTypes, "client_credentials") || !slices.Contains(doc.GrantTypes, "authorization_code") {
		t.Errorf("grant_types_supported = %v", doc.GrantTypes)
	}
}

type accessClaims struct {
	Subject     string   `json:"sub"`
	Permissions []string `json:"permissions"`
	AZP         string   `json:"azp"`
}

func verifyAccessToken(t *testing.T, p *Provider, raw string) accessClaims {
	t.Helper()
	ctx := t.Context()
	provider, err := oidc.NewProvider(ctx, p.Issuer())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := provider.Verifier(&oidc.Config{ClientID: testAudience}).Verify(ctx, raw)
	if err != nil {
		t.Fatalf("access token does not verify for the audience: %v", err)
	}
	var c accessClaims
	if err := tok.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

func postToken(t *testing.T, p *Provider, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(p.Issuer()+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestClientCredentialsGivesAnAuth0StyleAccessToken(t *testing.T) {
	p := startProvider(t)
	status, body := postToken(t, p, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {machineID}, "client_secret": {machineSec},
		"audience": {testAudience},
	})
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, body)
	}
	raw, _ := body["access_token"].(string)
	c := verifyAccessToken(t, p, raw)
	if c.Subject != machineID+"@clients" || c.AZP != machineID {
		t.Errorf("sub = %q, azp = %q", c.Subject, c.AZP)
	}
	if !slices.Equal(c.Permissions, []string{"write:places"}) {
		t.Errorf("permissions = %v", c.Permissions)
	}

	if !strings.Contains(p.TokenCurl(), "'"+p.Issuer()+"/oauth/token'") || !strings.Contains(p.TokenCurl(), "client_id="+machineID) {
		t.Errorf("TokenCurl() = %s", p.TokenCurl())
	}
}

func TestClientCredentialsRefusesOtherAudiencesAndWrongSecrets(t *testing.T) {
	p := startProvider(t)
	status, body := postToken(t, p, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {machineID}, "client_secret": {machineSec},
		"audience": {"https://someone-else/api"},
	})
	if status != http.StatusForbidden || body["error"] != "access_denied" {
		t.Errorf("other audience: status %d, %v", status, body)
	}
	status, body = postToken(t, p, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {machineID}, "client_secret": {"wrong"},
	})
	if status != http.StatusUnauthorized && status != http.StatusBadRequest {
		t.Errorf("wrong secret: status %d, %v", status, body)
	}
	status, _ = postToken(t, p, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {webID}, "client_secret": {webSecret},
	})
	if status == http.StatusOK {
		t.Error("the web client got a client-credentials token")
	}
}

// signIn runs the code flow by hand up to the redirect back to the app and
// returns the code, state and the PKCE verifier used.
func signIn(t *testing.T, p *Provider, name string, mayAdd bool) *oauth2.Token {
	t.Helper()
	ctx := t.Context()
	provider, err := oidc.NewProvider(ctx, p.Issuer())
	if err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: webID, ClientSecret: webSecret, Endpoint: provider.Endpoint(),
		RedirectURL: appCallback, Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("state-1", oidc.Nonce("nonce-1"), oauth2.S256ChallengeOption(verifier))

	client := newClient(t)
	client.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), appCallback) {
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "May add places") {
		t.Fatalf("login page: %d %s", resp.StatusCode, page)
	}
	form := url.Values{"authRequestID": {resp.Request.URL.Query().Get("authRequestID")}, "name": {name}}
	if mayAdd {
		form.Set("may_add", "yes")
	}
	resp, err = client.PostForm(p.Issuer()+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" || back.Query().Get("state") != "state-1" {
		t.Fatalf("redirect back to the app: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err := conf.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: webID}).Verify(ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatal(err)
	}
	var id struct{ Name, Email, Nonce string }
	if err := idt.Claims(&id); err != nil {
		t.Fatal(err)
	}
	if id.Nonce != "nonce-1" || id.Name != name || id.Email != "ada-lovelace@example.test" {
		t.Errorf("ID token claims: %+v", id)
	}
	return tok
}

func TestCodeFlowIssuesPermissionOnlyWhenTicked(t *testing.T) {
	p := startProvider(t)
	with := verifyAccessToken(t, p, signIn(t, p, "Ada Lovelace", true).AccessToken)
	if !slices.Equal(with.Permissions, []string{"write:places"}) || with.Subject != "devoidc|ada-lovelace" {
		t.Errorf("ticked: %+v", with)
	}
	without := verifyAccessToken(t, p, signIn(t, p, "Ada Lovelace", false).AccessToken)
	if len(without.Permissions) != 0 {
		t.Errorf("not ticked: permissions = %v", without.Permissions)
	}
}

func TestAuthorizeRequiresPKCEStateAndNonce(t *testing.T) {
	p := startProvider(t)
	client := newClient(t)
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	q := url.Values{"client_id": {webID}, "redirect_uri": {appCallback}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"s"}, "nonce": {"n"}}
	resp, err := client.Get(p.Issuer() + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=invalid_request") {
		t.Errorf("without PKCE: %d %q", resp.StatusCode, loc)
	}
}

func TestLoginPageEscapesWhatItEchoes(t *testing.T) {
	p := startProvider(t)
	resp, err := http.PostForm(p.Issuer()+"/login", url.Values{
		"authRequestID": {`"><script>alert(1)</script>`}, "name": {"<b>Eve</b>"},
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown request: status %d", resp.StatusCode)
	}
	if strings.Contains(string(body), "<script>") || strings.Contains(string(body), "<b>Eve") {
		t.Errorf("unescaped echo: %s", body)
	}
}

func TestOutageRotationAndJWKSCount(t *testing.T) {
	p := startProvider(t)
	kids := func() []string {
		resp, err := http.Get(p.Issuer() + "/keys")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var set struct{ Keys []struct{ Kid string } }
		if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, k := range set.Keys {
			ids = append(ids, k.Kid)
		}
		return ids
	}
	before := kids()
	next := p.SignTokenWith(map[string]any{"sub": "x"}, Signing{Key: NextKey})
	p.RotateKey()
	after := kids()
	if len(before) != 1 || len(after) != 2 || after[1] != before[0] {
		t.Errorf("JWKS before %v, after rotation %v (want new key then the previous)", before, after)
	}
	if !strings.Contains(string(mustDecodeHeader(t, next)), after[0]) {
		t.Error("NextKey did not sign with the kid published after rotation")
	}
	if got := p.JWKSRequests(); got != 2 {
		t.Errorf("JWKSRequests = %d, want 2", got)
	}

	p.SetDown(true)
	resp, err := http.Get(p.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("while down: status %d", resp.StatusCode)
	}
	p.SetDown(false)
}

func mustDecodeHeader(t *testing.T, token string) []byte {
	t.Helper()
	header, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCloseStopsServingAndContextEndsIt(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	p, err := Start(ctx, Options{Addr: "127.0.0.1:0", Audience: testAudience, Permission: "write:places"})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(p.Issuer() + "/keys"); err == nil {
		t.Error("provider still answers after Close")
	}
}

// TestEndSessionRequiresIDTokenHint: like Ory Hydra, logout without
// id_token_hint is refused; with it the browser goes back to the client.
func TestEndSessionRequiresIDTokenHint(t *testing.T) {
	p := startProvider(t)
	back := "http://127.0.0.1:1/bye"
	client := newClient(t)
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	end := func(q url.Values) *http.Response {
		resp, err := client.Get(p.Issuer() + "/end_session?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := end(url.Values{"client_id": {webID}, "post_logout_redirect_uri": {back}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("without id_token_hint: %d %q, want 400", resp.StatusCode, resp.Header.Get("Location"))
	}
	idToken, _ := signIn(t, p, "Ada Lovelace", false).Extra("id_token").(string)
	resp = end(url.Values{"id_token_hint": {"not.a.token"}, "post_logout_redirect_uri": {back}})
	if resp.StatusCode < 400 && strings.HasPrefix(resp.Header.Get("Location"), back) {
		t.Errorf("a forged id_token_hint was accepted: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = end(url.Values{"id_token_hint": {idToken}, "client_id": {webID}, "post_logout_redirect_uri": {back}})
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != back {
		t.Errorf("with id_token_hint: %d %q, want a redirect to %s", resp.StatusCode, resp.Header.Get("Location"), back)
	}
}

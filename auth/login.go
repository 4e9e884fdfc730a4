package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// The login state cookie's values.
const (
	loginState    = "state"
	loginNonce    = "nonce"
	loginVerifier = "verifier"
	loginReturnTo = "return_to"
	loginStarted  = "started"
)

var loginScopes = []string{oidc.ScopeOpenID, "profile", "email"}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func (a *Authenticator) oauthConfig(p *provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     a.cfg.ClientID,
		ClientSecret: a.cfg.ClientSecret,
		Endpoint:     p.endpoint,
		RedirectURL:  a.cfg.BaseURL + "/callback",
		Scopes:       loginScopes,
	}
}

// StartLogin begins Universal Login: it remembers state, nonce, PKCE
// verifier and ?return_to= in a short-lived encrypted cookie and returns the
// provider URL to redirect the browser to. Errors: KindNotConfigured,
// KindUnavailable.
func (a *Authenticator) StartLogin(w http.ResponseWriter, r *http.Request) (string, error) {
	if !a.Configured() {
		return "", notConfigured("Sign-in is not set up on this server.")
	}
	p, err := a.disc.get(r.Context())
	if err != nil {
		return "", unavailable(err)
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	err = a.login.write(w, map[any]any{
		loginState:    state,
		loginNonce:    nonce,
		loginVerifier: verifier,
		loginReturnTo: SafeReturnTo(r.URL.Query().Get("return_to")),
		loginStarted:  a.cfg.Now().Unix(),
	}, 0)
	if err != nil {
		return "", err
	}
	return a.oauthConfig(p).AuthCodeURL(state,
		oidc.Nonce(nonce),
		oauth2.S256ChallengeOption(verifier),
		// Auth0 only puts permissions into access tokens issued for an API.
		oauth2.SetAuthURLParam("audience", a.cfg.Audience),
	), nil
}

// FinishLogin handles the provider's redirect to /callback: it checks the
// state against the login cookie (then clears it, so a state works once),
// exchanges the code with the PKCE verifier, verifies the ID token and its
// nonce, and starts a new session. It returns the local path to go to.
// Errors: KindNotConfigured, KindUnavailable, KindLoginFailed.
func (a *Authenticator) FinishLogin(w http.ResponseWriter, r *http.Request) (string, error) {
	if !a.Configured() {
		return "", notConfigured("Sign-in is not set up on this server.")
	}
	saved, ok := a.login.read(r)
	a.login.clear(w)
	if !ok {
		return "", loginFailed("This sign-in was not started in this browser, or it was already used.", nil)
	}
	state, _ := saved[loginState].(string)
	nonce, _ := saved[loginNonce].(string)
	verifier, _ := saved[loginVerifier].(string)
	returnTo, _ := saved[loginReturnTo].(string)
	started, _ := saved[loginStarted].(int64)
	if a.cfg.Now().Sub(time.Unix(started, 0)) > loginStateLifetime {
		return "", loginFailed("The sign-in took too long.", nil)
	}

	q := r.URL.Query()
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(q.Get("state"))) != 1 {
		return "", loginFailed("This sign-in does not match the one started in this browser.", nil)
	}
	if code := q.Get("error"); code != "" {
		return "", loginFailed("The identity provider did not sign you in ("+safeErrorCode(code)+").", nil)
	}
	if q.Get("code") == "" {
		return "", loginFailed("The identity provider sent no authorization code.", nil)
	}

	p, err := a.disc.get(r.Context())
	if err != nil {
		return "", unavailable(err)
	}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, a.cfg.HTTPClient)
	token, err := a.oauthConfig(p).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		var refused *oauth2.RetrieveError
		if errors.As(err, &refused) {
			return "", loginFailed("The identity provider refused the sign-in code.", errors.New(refused.ErrorCode))
		}
		return "", unavailable(err)
	}
	claims, err := a.verifyLogin(ctx, p, token, nonce)
	if err != nil {
		return "", err
	}
	if err := a.startSession(w, claims); err != nil {
		return "", err
	}
	a.cfg.Logger.Info("auth: signed in", "subject", claims.Subject, "permissions", claims.Permissions)
	return SafeReturnTo(returnTo), nil
}

// verifyLogin checks the ID token (issuer, audience = ClientID, expiry,
// nonce, at_hash) and collects the session claims. Permissions come from the
// access token when it is a JWT for our Audience — Auth0 puts them there —
// and otherwise from the ID token.
func (a *Authenticator) verifyLogin(ctx context.Context, p *provider, token *oauth2.Token, nonce string) (sessionClaims, error) {
	rawID, _ := token.Extra("id_token").(string)
	if rawID == "" {
		return sessionClaims{}, loginFailed("The identity provider sent no ID token.", nil)
	}
	idt, err := p.idTokens.Verify(ctx, rawID)
	if err != nil {
		return sessionClaims{}, loginFailed("The identity provider's ID token does not verify.", err)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return sessionClaims{}, loginFailed("The ID token does not belong to this sign-in.", nil)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(token.AccessToken); err != nil {
			return sessionClaims{}, loginFailed("The access token does not belong to the ID token.", err)
		}
	}
	var raw map[string]json.RawMessage
	var id struct {
		Name          string `json:"name"`
		Nickname      string `json:"nickname"`
		Email         string `json:"email"`
		EmailVerified *bool  `json:"email_verified"`
	}
	if err := idt.Claims(&raw); err != nil {
		return sessionClaims{}, loginFailed("The ID token's claims are malformed.", err)
	}
	if err := idt.Claims(&id); err != nil {
		return sessionClaims{}, loginFailed("The ID token's claims are malformed.", err)
	}
	c := sessionClaims{
		Subject:       idt.Subject,
		Name:          firstNonEmpty(id.Name, id.Nickname, id.Email, idt.Subject),
		Email:         id.Email,
		EmailVerified: id.EmailVerified != nil && *id.EmailVerified,
		Permissions:   permissionsFrom(raw, false),
		IDToken:       rawID,
	}
	if strings.Count(token.AccessToken, ".") == 2 {
		access, err := a.verifyAccessToken(ctx, p, token.AccessToken)
		switch {
		case err == nil && access.Subject == c.Subject:
			c.Permissions = access.Perms
		case err == nil:
			a.cfg.Logger.Warn("auth: access token subject differs from the ID token's; ignoring its permissions")
		case KindOf(err) == KindInvalidToken:
			// Not for our API (or not ours to read): fall back to the ID token.
			a.cfg.Logger.Debug("auth: access token not usable for permissions", "err", err)
		default:
			return sessionClaims{}, err
		}
	}
	return c, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// safeErrorCode keeps an OAuth error code printable: they are [a-z_] by spec.
func safeErrorCode(code string) string {
	if len(code) > 64 {
		return "error"
	}
	for _, r := range code {
		if (r < 'a' || r > 'z') && r != '_' {
			return "error"
		}
	}
	return code
}

package devoidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	authRequestLifetime = 10 * time.Minute
	accessTokenLifetime = time.Hour
)

var errNotSupported = errors.New("devoidc: not supported by the development provider")

// person is who typed a name into the login page.
type person struct {
	subject, name, email string
	mayAdd               bool
}

// authRequest is one authorization-code flow in progress.
type authRequest struct {
	id, clientID, redirectURI, state, nonce string
	audience                                []string
	scopes                                  []string
	responseType                            oidc.ResponseType
	responseMode                            oidc.ResponseMode
	challenge                               *oidc.CodeChallenge
	created, authTime                       time.Time
	person                                  *person // set once the login page completes
}

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAMR() []string                      { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string                 { return a.audience }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.clientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.nonce }
func (a *authRequest) GetRedirectURI() string                { return a.redirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.responseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.responseMode }
func (a *authRequest) GetScopes() []string                   { return a.scopes }
func (a *authRequest) GetState() string                      { return a.state }
func (a *authRequest) Done() bool                            { return a.person != nil }

func (a *authRequest) GetSubject() string {
	if a.person == nil {
		return ""
	}
	return a.person.subject
}

// machineRequest is a client-credentials token request; its subject follows
// Auth0's "<client id>@clients".
type machineRequest struct {
	clientID string
	audience []string
	scopes   []string
}

func (m *machineRequest) GetSubject() string    { return m.clientID + "@clients" }
func (m *machineRequest) GetAudience() []string { return m.audience }
func (m *machineRequest) GetScopes() []string   { return m.scopes }

// issuedToken remembers an access token for the userinfo endpoint.
type issuedToken struct {
	subject, clientID string
	person            *person
	scopes            []string
	expires           time.Time
}

// storage is the in-memory op.Storage: clients are fixed at start, auth
// requests and tokens live in maps pruned as new ones arrive.
type storage struct {
	audience   string
	permission string
	keys       *keyRing
	clients    map[string]*client

	mu       sync.Mutex
	requests map[string]*authRequest
	codes    map[string]string // code → auth request id
	tokens   map[string]*issuedToken
}

var (
	_ op.Storage                        = (*storage)(nil)
	_ op.ClientCredentialsStorage       = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest      = (*storage)(nil)
	_ op.CanGetPrivateClaimsFromRequest = (*storage)(nil)
)

func newStorage(audience, permission string, keys *keyRing, clients ...*client) *storage {
	s := &storage{
		audience:   audience,
		permission: permission,
		keys:       keys,
		clients:    make(map[string]*client),
		requests:   make(map[string]*authRequest),
		codes:      make(map[string]string),
		tokens:     make(map[string]*issuedToken),
	}
	for _, c := range clients {
		s.clients[c.id] = c
	}
	return s
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// CreateAuthRequest insists on what the whib client must send (state, nonce,
// PKCE S256), so a test against this provider proves the client sends it.
func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	switch {
	case req.State == "":
		return nil, oidc.ErrInvalidRequest().WithDescription("state is required")
	case req.Nonce == "":
		return nil, oidc.ErrInvalidRequest().WithDescription("nonce is required")
	case req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256:
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE with code_challenge_method=S256 is required")
	case slices.Contains(req.Prompt, oidc.PromptNone):
		return nil, oidc.ErrLoginRequired()
	}
	now := time.Now()
	ar := &authRequest{
		id:           randomID(),
		clientID:     req.ClientID,
		redirectURI:  req.RedirectURI,
		state:        req.State,
		nonce:        req.Nonce,
		audience:     []string{s.audience},
		scopes:       req.Scopes,
		responseType: req.ResponseType,
		responseMode: req.ResponseMode,
		challenge:    &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod},
		created:      now,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.requests {
		if now.Sub(old.created) > authRequestLifetime {
			delete(s.requests, id)
		}
	}
	s.requests[ar.id] = ar
	return ar, nil
}

// completeLogin records who signed in for a pending auth request.
func (s *storage) completeLogin(id string, p person) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, ok := s.requests[id]
	if !ok {
		return errors.New("this sign-in request is unknown or has expired")
	}
	ar.person = &p
	ar.authTime = time.Now()
	return nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, ok := s.requests[id]
	if !ok {
		return nil, errors.New("auth request not found")
	}
	return ar, nil
}

func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	id, ok := s.codes[code]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("code invalid or already used")
	}
	return s.AuthRequestByID(ctx, id)
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest runs once the code has been exchanged: the code dies with
// it, so a replayed code is refused.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for code, reqID := range s.codes {
		if reqID == id {
			delete(s.codes, code)
		}
	}
	return nil
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	t := &issuedToken{subject: req.GetSubject(), scopes: req.GetScopes(), expires: time.Now().Add(accessTokenLifetime)}
	switch r := req.(type) {
	case *authRequest:
		t.clientID, t.person = r.clientID, r.person
	case *machineRequest:
		t.clientID = r.clientID
	}
	id := randomID()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for tid, old := range s.tokens {
		if now.After(old.expires) {
			delete(s.tokens, tid)
		}
	}
	s.tokens[id] = t
	return id, t.expires, nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errNotSupported
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, errNotSupported
}

func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.tokens {
		if t.subject == userID && t.clientID == clientID {
			delete(s.tokens, id)
		}
	}
	return nil
}

func (s *storage) RevokeToken(_ context.Context, tokenOrID, _, _ string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, tokenOrID)
	return nil
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.keys.signing(), nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) { return s.keys.published(), nil }

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, fmt.Errorf("client %q not found", id)
	}
	return c.forOP(), nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	c, ok := s.clients[id]
	if !ok || subtle.ConstantTimeCompare([]byte(c.secret), []byte(secret)) != 1 {
		return errors.New("wrong client id or secret")
	}
	return nil
}

func (s *storage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	if err := s.AuthorizeClientIDSecret(ctx, id, secret); err != nil {
		return nil, err
	}
	c := s.clients[id]
	if !c.machine {
		return nil, errors.New("client may not use client credentials")
	}
	return c, nil
}

func (s *storage) ClientCredentialsTokenRequest(_ context.Context, id string, scopes []string) (op.TokenRequest, error) {
	return &machineRequest{clientID: id, audience: []string{s.audience}, scopes: scopes}, nil
}

// SetUserinfoFromScopes is deprecated in op; SetUserinfoFromRequest does the work.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	ar, ok := req.(*authRequest)
	if !ok || ar.person == nil {
		return errors.New("no person signed in for this request")
	}
	fillUserinfo(info, ar.person, scopes)
	return nil
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, _, _ string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || time.Now().After(t.expires) {
		return errors.New("token is invalid or has expired")
	}
	if t.person == nil {
		return errors.New("token belongs to a machine, not a person")
	}
	fillUserinfo(info, t.person, t.scopes)
	return nil
}

func fillUserinfo(info *oidc.UserInfo, p *person, scopes []string) {
	info.Subject = p.subject
	for _, scope := range scopes {
		switch scope {
		case oidc.ScopeProfile:
			info.Name = p.name
			info.PreferredUsername = p.name
		case oidc.ScopeEmail:
			info.Email = p.email
			info.EmailVerified = oidc.Bool(true)
		}
	}
}

func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errNotSupported
}

// GetPrivateClaimsFromRequest adds Auth0's RBAC "permissions" claim to JWT
// access tokens: a person gets the permission when "May add places" was
// ticked, a machine always.
func (s *storage) GetPrivateClaimsFromRequest(_ context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	permissions := []string{}
	claims := map[string]any{}
	switch r := req.(type) {
	case *authRequest:
		if r.person != nil && r.person.mayAdd {
			permissions = append(permissions, s.permission)
		}
		claims["azp"] = r.clientID
	case *machineRequest:
		permissions = append(permissions, s.permission)
		claims["azp"] = r.clientID
		claims["gty"] = "client-credentials"
	}
	claims["permissions"] = permissions
	return claims, nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotSupported
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errNotSupported
}

func (s *storage) Health(context.Context) error { return nil }

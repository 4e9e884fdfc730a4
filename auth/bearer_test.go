package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whib/whib/auth/devoidc"
)

// machineClaims are valid access-token claims for the test API at the fake clock's now.
func (e *env) machineClaims() map[string]any {
	now := e.clock.Now()
	return map[string]any{
		"iss":         e.idp.Issuer(),
		"aud":         []string{testAudience},
		"sub":         testMachineID + "@clients",
		"azp":         testMachineID,
		"gty":         "client-credentials",
		"iat":         now.Unix(),
		"exp":         now.Add(time.Hour).Unix(),
		"permissions": []string{"write:places"},
	}
}

func with(claims map[string]any, changes map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range claims {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

func TestBearerMatrix(t *testing.T) {
	e := newEnv(t)
	c := e.machineClaims()
	now := e.clock.Now()
	sign := e.idp.SignToken
	signWith := e.idp.SignTokenWith
	currentKID := func() string {
		header, _, _ := strings.Cut(sign(c), ".")
		var h struct{ Kid string }
		b, _ := base64.RawURLEncoding.DecodeString(header)
		_ = json.Unmarshal(b, &h)
		return h.Kid
	}()

	type want struct {
		kind   ErrorKind // 0: no error
		code   string
		desc   string
		status int
	}
	cases := []struct {
		name   string
		header http.Header
		want   want
		who    Who
	}{
		{"valid", bearer(sign(c)), want{}, Machine},
		{"lower-case scheme", http.Header{"Authorization": {"bearer " + sign(c)}}, want{}, Machine},
		{"nbf within the 60 s skew", bearer(sign(with(c, map[string]any{"nbf": now.Add(30 * time.Second).Unix()}))), want{}, Machine},
		{"missing", nil, want{}, Anonymous},
		{"expired", bearer(sign(with(c, map[string]any{"exp": now.Add(-time.Minute).Unix()}))),
			want{KindInvalidToken, "invalid_token", "token expired", 401}, 0},
		{"no exp", bearer(sign(with(c, map[string]any{"exp": nil}))),
			want{KindInvalidToken, "invalid_token", "token expired", 401}, 0},
		{"not yet valid", bearer(sign(with(c, map[string]any{"nbf": now.Add(2 * time.Minute).Unix()}))),
			want{KindInvalidToken, "invalid_token", "token is not valid yet", 401}, 0},
		{"not valid for a while", bearer(sign(with(c, map[string]any{"nbf": now.Add(time.Hour).Unix()}))),
			want{KindInvalidToken, "invalid_token", "token is not valid yet", 401}, 0},
		{"wrong audience", bearer(sign(with(c, map[string]any{"aud": []string{"https://other/api"}}))),
			want{KindInvalidToken, "invalid_token", "token has wrong audience", 401}, 0},
		{"audience as a string", bearer(sign(with(c, map[string]any{"aud": "https://other/api"}))),
			want{KindInvalidToken, "invalid_token", "token has wrong audience", 401}, 0},
		{"wrong issuer", bearer(sign(with(c, map[string]any{"iss": "https://evil.example/"}))),
			want{KindInvalidToken, "invalid_token", "token has wrong issuer", 401}, 0},
		{"ID token used as bearer", bearer(sign(with(c, map[string]any{"aud": []string{testAudience, testClientID}}))),
			want{KindInvalidToken, "invalid_token", "token is an ID token, not an access token", 401}, 0},
		{"no subject", bearer(sign(with(c, map[string]any{"sub": nil}))),
			want{KindInvalidToken, "invalid_token", "token has no subject", 401}, 0},
		{"alg none", bearer(signWith(c, devoidc.Signing{Alg: "none"})),
			want{KindInvalidToken, "invalid_token", "token signing algorithm is not allowed", 401}, 0},
		{"HS256 keyed with the public key", bearer(signWith(c, devoidc.Signing{Alg: "HS256"})),
			want{KindInvalidToken, "invalid_token", "token signing algorithm is not allowed", 401}, 0},
		{"unknown kid", bearer(signWith(c, devoidc.Signing{Key: devoidc.ForeignKey})),
			want{KindInvalidToken, "invalid_token", "token signed by an unknown key", 401}, 0},
		{"known kid, foreign key", bearer(signWith(c, devoidc.Signing{Key: devoidc.ForeignKey, KeyID: currentKID})),
			want{KindInvalidToken, "invalid_token", "token signature is invalid", 401}, 0},
		{"malformed JWT", bearer("abc.def.ghi"),
			want{KindInvalidToken, "invalid_token", "token is malformed", 401}, 0},
		{"not a JWT", bearer("opaque-token"),
			want{KindInvalidToken, "invalid_token", "token is malformed", 401}, 0},
		{"Basic scheme", http.Header{"Authorization": {"Basic d2hpYjpzZWNyZXQ="}},
			want{KindInvalidRequest, "invalid_request", "the Authorization header must use the Bearer scheme", 401}, 0},
		{"empty header", http.Header{"Authorization": {""}},
			want{KindInvalidRequest, "invalid_request", "the Authorization header must use the Bearer scheme", 401}, 0},
		{"no token", http.Header{"Authorization": {"Bearer"}},
			want{KindInvalidRequest, "invalid_request", "the Authorization header has no bearer token", 400}, 0},
		{"two spaces", http.Header{"Authorization": {"Bearer  " + sign(c)}},
			want{KindInvalidRequest, "invalid_request", "the Authorization header is malformed", 400}, 0},
		{"two headers", http.Header{"Authorization": {"Bearer " + sign(c), "Bearer " + sign(c)}},
			want{KindInvalidRequest, "invalid_request", "send exactly one Authorization header", 400}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := identify(t, e.auth, tc.header)
			if tc.want.kind == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if p.Who != tc.who {
					t.Fatalf("principal %+v, want kind %v", p, tc.who)
				}
				if tc.who == Machine && (p.Name != testMachineID || !p.CanWrite || p.Subject != testMachineID+"@clients") {
					t.Errorf("machine principal = %+v", p)
				}
				return
			}
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("got %+v, %v; want *Error", p, err)
			}
			got := want{ae.Kind, ae.Code, ae.Description, ae.Status()}
			if got != tc.want {
				t.Errorf("got %+v, want %+v (err: %v)", got, tc.want, err)
			}
			if p.Who != Anonymous {
				t.Errorf("refused request still has principal %+v", p)
			}
			for _, v := range tc.header.Values("Authorization") {
				if _, tok, _ := strings.Cut(v, " "); len(tok) > 8 && strings.Contains(err.Error(), tok) {
					t.Errorf("the error echoes the token: %v", err)
				}
			}
		})
	}
	for _, tc := range cases {
		for _, v := range tc.header.Values("Authorization") {
			if _, tok, _ := strings.Cut(v, " "); len(tok) > 8 && strings.Contains(e.logs.String(), tok) {
				t.Errorf("%s: the token appears in the logs", tc.name)
			}
		}
	}
}

func TestAuthorizationHeaderAloneDecides(t *testing.T) {
	e := newEnv(t)
	b := e.newBrowser()
	b.signIn(e, "Ada", true, "/")
	session := b.cookie(e, sessionCookieName)
	expired := e.idp.SignToken(with(e.machineClaims(), map[string]any{"exp": e.clock.Now().Add(-time.Hour).Unix()}))
	p, err := identify(t, e.auth, bearer(expired), session)
	if KindOf(err) != KindInvalidToken || p.Who != Anonymous {
		t.Errorf("bad bearer with a valid session: %+v, %v", p, err)
	}
	if !HasAuthorizationHeader(&http.Request{Header: http.Header{"Authorization": {""}}}) {
		t.Error("an empty Authorization header was not noticed")
	}
}

func TestClientCredentialsTokenFromTheProvider(t *testing.T) {
	e := newEnv(t)
	resp, err := http.PostForm(e.idp.Issuer()+"/oauth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {testMachineID},
		"client_secret": {testMachineSecret}, "audience": {testAudience},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token response %d: %v", resp.StatusCode, err)
	}
	p, err := identify(t, e.auth, bearer(tok.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	want := Principal{Who: Machine, Subject: testMachineID + "@clients", Name: testMachineID,
		Permissions: []string{"write:places"}, CanWrite: true}
	if !principalsEqual(p, want) {
		t.Errorf("machine = %+v, want %+v", p, want)
	}
}

func TestPermissionsComeFromPermissionsScopeOrScp(t *testing.T) {
	e := newEnv(t)
	base := with(e.machineClaims(), map[string]any{"permissions": nil})
	cases := []struct {
		name     string
		claims   map[string]any
		perms    []string
		canWrite bool
	}{
		{"permissions array", map[string]any{"permissions": []string{"read:places", "write:places"}}, []string{"read:places", "write:places"}, true},
		{"scope string", map[string]any{"scope": "read:places  write:places"}, []string{"read:places", "write:places"}, true},
		{"scp array", map[string]any{"scp": []string{"write:places"}}, []string{"write:places"}, true},
		{"scp string", map[string]any{"scp": "read:places"}, []string{"read:places"}, false},
		{"all, deduplicated", map[string]any{"permissions": []string{"write:places"}, "scope": "openid write:places"}, []string{"write:places", "openid"}, true},
		{"none", map[string]any{}, nil, false},
		{"wrong type", map[string]any{"permissions": 42}, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := identify(t, e.auth, bearer(e.idp.SignToken(with(base, tc.claims))))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Permissions, tc.perms) || p.CanWrite != tc.canWrite {
				t.Errorf("permissions %v, CanWrite %v; want %v, %v", p.Permissions, p.CanWrite, tc.perms, tc.canWrite)
			}
		})
	}
}

// TestPeopleCannotGrantThemselvesWriteByScope: a person can ask for any
// scope at /authorize, and some providers grant what is asked; only
// permissions an admin assigned count for people.
func TestPeopleCannotGrantThemselvesWriteByScope(t *testing.T) {
	e := newEnv(t)
	person := with(e.machineClaims(), map[string]any{
		"sub": "auth0|jess", "azp": "some-web-app", "gty": nil, "permissions": nil,
		"scope": "openid profile email write:places", "scp": []string{"write:places"},
	})
	p, err := identify(t, e.auth, bearer(e.idp.SignToken(person)))
	if err != nil {
		t.Fatal(err)
	}
	if p.CanWrite || slices.Contains(p.Permissions, "write:places") {
		t.Errorf("a person's self-requested scope counted as the write permission: %+v", p)
	}
	p, err = identify(t, e.auth, bearer(e.idp.SignToken(with(person, map[string]any{"permissions": []string{"write:places"}}))))
	if err != nil || !p.CanWrite {
		t.Errorf("a person with the assigned permission may not write: %+v, %v", p, err)
	}
}

func TestMachinesAreNotEditors(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Editors = []string{testMachineID + "@clients"} })
	p, err := identify(t, e.auth, bearer(e.idp.SignToken(with(e.machineClaims(), map[string]any{"permissions": nil}))))
	if err != nil || p.CanWrite {
		t.Errorf("machine listed in EDITORS: %+v, %v", p, err)
	}
}

func TestJWKSFloodIsBoundedAndRotationIsPickedUp(t *testing.T) {
	e := newEnv(t)
	c := e.machineClaims()
	if _, err := identify(t, e.auth, bearer(e.idp.SignToken(c))); err != nil {
		t.Fatal(err)
	}
	before := e.idp.JWKSRequests()

	forged := make([]string, 1000)
	for i := range forged {
		forged[i] = e.idp.SignTokenWith(c, devoidc.Signing{Key: devoidc.ForeignKey, KeyID: fmt.Sprintf("kid-%d", i)})
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	var refusedMu sync.Mutex
	refused := 0
	for _, tok := range forged {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := identify(t, e.auth, bearer(tok)); KindOf(err) == KindInvalidToken {
				refusedMu.Lock()
				refused++
				refusedMu.Unlock()
			}
		}()
	}
	wg.Wait()
	if refused != len(forged) {
		t.Errorf("%d of %d forged tokens refused", refused, len(forged))
	}
	if extra := e.idp.JWKSRequests() - before; extra > 1 {
		t.Fatalf("1000 forged tokens caused %d JWKS requests, want at most 1", extra)
	}

	// A token signed with the key the provider is about to publish.
	next := e.idp.SignTokenWith(c, devoidc.Signing{Key: devoidc.NextKey})
	previous := e.idp.SignToken(c)
	e.idp.RotateKey()
	if _, err := identify(t, e.auth, bearer(next)); KindOf(err) != KindInvalidToken {
		t.Fatalf("new kid within the refetch interval: %v, want refused", err)
	}
	e.clock.Advance(e.cfg.checkedOrFatal(t).JWKSRefetchInterval)
	beforeRotation := e.idp.JWKSRequests()
	if p, err := identify(t, e.auth, bearer(next)); err != nil || p.Who != Machine {
		t.Fatalf("after the interval the rotated key is not accepted: %+v, %v", p, err)
	}
	if got := e.idp.JWKSRequests() - beforeRotation; got != 1 {
		t.Errorf("picking up the rotated key took %d JWKS requests, want 1", got)
	}
	if _, err := identify(t, e.auth, bearer(previous)); err != nil {
		t.Errorf("a token signed just before rotation (old key still published): %v", err)
	}
}

func (c Config) checkedOrFatal(t *testing.T) Config {
	t.Helper()
	d, err := c.check()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCachedKeysStillVerifyWhileTheProviderIsDown(t *testing.T) {
	e := newEnv(t)
	if _, err := identify(t, e.auth, bearer(e.idp.SignToken(e.machineClaims()))); err != nil {
		t.Fatal(err)
	}
	e.idp.SetDown(true)
	e.clock.Advance(time.Hour)
	fresh := e.idp.SignToken(e.machineClaims()) // signing needs no network
	if p, err := identify(t, e.auth, bearer(fresh)); err != nil || p.Who != Machine {
		t.Fatalf("cached key while the provider is down: %+v, %v", p, err)
	}
	before := e.idp.JWKSRequests()
	for i := range 3 {
		tok := e.idp.SignTokenWith(e.machineClaims(), devoidc.Signing{Key: devoidc.ForeignKey, KeyID: fmt.Sprint("k", i)})
		if _, err := identify(t, e.auth, bearer(tok)); KindOf(err) != KindUnavailable {
			t.Errorf("unknown kid while the key set cannot be fetched: %v, want KindUnavailable", err)
		}
	}
	if got := e.idp.JWKSRequests() - before; got != 1 {
		t.Errorf("%d JWKS requests while down, want 1", got)
	}
}

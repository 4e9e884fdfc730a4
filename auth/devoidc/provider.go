// Package devoidc is an in-process OpenID Connect provider for `go run . -dev`
// and for tests. It is built on zitadel's op package and behaves like the
// parts of Auth0 whib relies on: authorization code flow with PKCE, client
// credentials with an `audience`, JWT access tokens (RS256) carrying a
// `permissions` array, and RP-initiated logout — which, as at Ory Hydra,
// requires id_token_hint.
//
// It is for development only: it listens on loopback, has no passwords and
// keeps everything in memory.
package devoidc

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// Options configures the provider. Clients with an empty ID are not registered.
type Options struct {
	Addr     string // e.g. "127.0.0.1:0"; must be a loopback address
	Audience string // API identifier put in access tokens' aud

	WebClientID, WebClientSecret string
	// RedirectURIs and PostLogoutRedirectURIs are exact URIs, or patterns
	// when they contain '*' (e.g. "http://127.0.0.1:8080/*").
	RedirectURIs, PostLogoutRedirectURIs []string

	MachineClientID, MachineClientSecret string

	Permission string // granted to machines and to people who tick "May add places"; required
	Logger     *slog.Logger
}

// Provider is a running development provider.
type Provider struct {
	issuer string
	opts   Options
	keys   *keyRing
	server *http.Server

	jwksRequests atomic.Int64
	down         atomic.Bool

	closeOnce sync.Once
	closeErr  error
	stopWatch func() bool
}

// Start listens on opts.Addr and serves the provider until Close or until ctx
// is done.
func Start(ctx context.Context, opts Options) (*Provider, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Audience == "" {
		return nil, errors.New("devoidc: Audience is required")
	}
	if opts.Permission == "" {
		return nil, errors.New("devoidc: Permission is required")
	}
	if err := requireLoopback(opts.Addr); err != nil {
		return nil, err
	}
	keys, err := newKeyRing()
	if err != nil {
		return nil, err
	}
	var clients []*client
	if opts.WebClientID != "" {
		redirects, redirectGlobs := splitGlobs(opts.RedirectURIs)
		logouts, logoutGlobs := splitGlobs(opts.PostLogoutRedirectURIs)
		clients = append(clients, &client{
			id: opts.WebClientID, secret: opts.WebClientSecret,
			redirectURIs: redirects, redirectGlobs: redirectGlobs,
			postLogoutRedirectURIs: logouts, postLogoutRedirectGlobs: logoutGlobs,
		})
	}
	if opts.MachineClientID != "" {
		clients = append(clients, &client{id: opts.MachineClientID, secret: opts.MachineClientSecret, machine: true})
	}
	store := newStorage(opts.Audience, opts.Permission, keys, clients...)

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("devoidc: listen on %s: %w", opts.Addr, err)
	}
	p := &Provider{issuer: "http://" + ln.Addr().String(), opts: opts, keys: keys}

	var cryptoKey [32]byte
	_, _ = rand.Read(cryptoKey[:])
	openID, err := op.NewProvider(&op.Config{
		CryptoKey:                cryptoKey,
		DefaultLogoutRedirectURI: loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
	}, store, op.StaticIssuer(p.issuer), op.WithAllowInsecure())
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("devoidc: %w", err)
	}

	mux := http.NewServeMux()
	mux.Handle(loginPath, &loginHandler{
		storage:     store,
		callbackURL: openID.AuthorizationEndpoint().Absolute(p.issuer) + "/callback",
		logger:      opts.Logger,
	})
	mux.HandleFunc(loggedOutPath, loggedOut)
	mux.Handle("/", openID)

	p.server = &http.Server{
		Handler: p.countJWKS(openID.KeysEndpoint().Relative(), p.outage(p.checkAudience(openID.TokenEndpoint().Relative(),
			requireIDTokenHint(openID.EndSessionEndpoint().Relative(), mux)))),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		ErrorLog:          slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := p.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			opts.Logger.Error("devoidc: serve", "err", err)
		}
	}()
	p.stopWatch = context.AfterFunc(ctx, func() { _ = p.Close() })
	opts.Logger.Info("devoidc: development identity provider started", "issuer", p.issuer)
	return p, nil
}

func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("devoidc: Addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("devoidc: Addr %q is not a loopback address; the development provider has no passwords and must not be reachable from other machines", addr)
}

// Issuer is the provider's issuer URL, e.g. "http://127.0.0.1:PORT".
func (p *Provider) Issuer() string { return p.issuer }

// TokenCurl is a ready-to-paste curl command that fetches a machine access
// token the way Auth0's client-credentials grant does.
func (p *Provider) TokenCurl() string {
	q := shellQuote
	return strings.Join([]string{
		"curl -s -X POST " + q(p.issuer+"/oauth/token"),
		"--data-urlencode " + q("grant_type=client_credentials"),
		"--data-urlencode " + q("client_id="+p.opts.MachineClientID),
		"--data-urlencode " + q("client_secret="+p.opts.MachineClientSecret),
		"--data-urlencode " + q("audience="+p.opts.Audience),
	}, " ")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Close stops the provider. It is safe to call more than once.
func (p *Provider) Close() error {
	p.closeOnce.Do(func() {
		if p.stopWatch != nil {
			p.stopWatch()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := p.server.Shutdown(ctx); err != nil {
			p.closeErr = p.server.Close()
		}
	})
	return p.closeErr
}

// JWKSRequests counts requests for the key set (including refused ones while down).
func (p *Provider) JWKSRequests() int { return int(p.jwksRequests.Load()) }

// SetDown simulates an outage: while down every request is answered 503.
func (p *Provider) SetDown(down bool) { p.down.Store(down) }

// RotateKey switches signing to a new key (the one SignTokenWith's NextKey
// already uses). The JWKS then publishes the new key and the one before it.
func (p *Provider) RotateKey() {
	if err := p.keys.rotate(); err != nil {
		panic(err) // only if the system cannot generate random numbers
	}
}

func (p *Provider) outage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.down.Load() {
			http.Error(w, "development provider is down (simulated outage)", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (p *Provider) countJWKS(path string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			p.jwksRequests.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

// requireIDTokenHint refuses RP-initiated logout without id_token_hint, as
// Ory Hydra does (and as Auth0 and Keycloak do by asking the person to
// confirm): a client that passes here logs out at the strict providers too.
// op itself checks the hint and the post_logout_redirect_uri.
func requireIDTokenHint(endSessionPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == endSessionPath {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err != nil || r.Form.Get("id_token_hint") == "" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_ = json.NewEncoder(w).Encode(map[string]string{
					"error":             "invalid_request",
					"error_description": "id_token_hint is required",
				})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// checkAudience refuses a client-credentials request for another API, as
// Auth0 does: Auth0 clients send `audience` in the token request body, which
// op itself ignores.
func (p *Provider) checkAudience(tokenPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == tokenPath && r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err != nil {
				http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
				return
			}
			aud := r.PostForm.Get("audience")
			if r.PostForm.Get("grant_type") == "client_credentials" && aud != "" && aud != p.opts.Audience {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_ = json.NewEncoder(w).Encode(map[string]string{
					"error":             "access_denied",
					"error_description": "Service not enabled within domain: " + aud,
				})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

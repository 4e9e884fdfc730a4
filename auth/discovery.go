package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// provider is what discovery yields: endpoints and the verifiers built on
// the provider's key set.
type provider struct {
	endpoint     oauth2.Endpoint
	endSession   string // "" when the provider does not advertise RP-initiated logout
	keys         *limitedKeySet
	idTokens     *oidc.IDTokenVerifier // aud = ClientID
	accessTokens *oidc.IDTokenVerifier // aud = Audience
}

// discovery fetches the provider's metadata lazily: an unreachable provider
// at start does not stop the app, and it is asked again at most once per
// retry interval, so an outage does not turn every page view into a request.
type discovery struct {
	cfg Config

	mu       sync.Mutex
	found    *provider
	lastTry  time.Time
	lastErr  error
	inflight chan struct{}
}

var errNotDiscovered = errors.New("the identity provider has not answered yet")

// get returns the provider, trying discovery now if it is not known yet and
// the retry interval has passed. Concurrent callers share one attempt; a
// caller whose ctx ends stops waiting, the attempt carries on for the others.
func (d *discovery) get(ctx context.Context) (*provider, error) {
	d.mu.Lock()
	if d.found != nil {
		defer d.mu.Unlock()
		return d.found, nil
	}
	wait := d.inflight
	if wait == nil {
		if !d.due() {
			defer d.mu.Unlock()
			return nil, d.lastErr
		}
		wait = d.start(ctx)
	}
	d.mu.Unlock()
	select {
	case <-wait:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.found, d.lastErr
}

// status reports the last known state without waiting; when a new attempt
// is due it starts one for the next caller to see. Until discovery has
// succeeded once, sign-in counts as unavailable.
func (d *discovery) status(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.found != nil {
		return nil
	}
	if d.inflight == nil && d.due() {
		d.start(ctx)
	}
	if d.lastErr != nil {
		return d.lastErr
	}
	return errNotDiscovered
}

// due reports whether a new attempt may start. Call with d.mu held.
func (d *discovery) due() bool {
	return d.lastTry.IsZero() || d.cfg.Now().Sub(d.lastTry) >= d.cfg.DiscoveryRetryInterval
}

// start runs one discovery attempt in the background and returns a channel
// closed when it ends. Call with d.mu held.
func (d *discovery) start(ctx context.Context) chan struct{} {
	d.lastTry = d.cfg.Now()
	done := make(chan struct{})
	d.inflight = done
	go func() {
		// Bounded by the HTTP client's timeout, not by the first caller.
		p, err := d.discover(context.WithoutCancel(ctx))
		d.mu.Lock()
		defer d.mu.Unlock()
		if err != nil {
			d.cfg.Logger.Warn("auth: identity provider unreachable; sign-in is unavailable until it answers",
				"issuer", d.cfg.Issuer, "retry_in", d.cfg.DiscoveryRetryInterval, "err", err)
		} else if d.lastErr != nil {
			d.cfg.Logger.Info("auth: identity provider reachable again", "issuer", d.cfg.Issuer)
		}
		d.found, d.lastErr = p, err
		d.inflight = nil
		close(done)
	}()
	return done
}

func (d *discovery) discover(ctx context.Context) (*provider, error) {
	ctx = oidc.ClientContext(ctx, d.cfg.HTTPClient)
	op, err := oidc.NewProvider(ctx, d.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	var meta struct {
		JWKS       string `json:"jwks_uri"`
		EndSession string `json:"end_session_endpoint"`
	}
	if err := op.Claims(&meta); err != nil {
		return nil, fmt.Errorf("read discovery document: %w", err)
	}
	if meta.JWKS == "" {
		return nil, errors.New("discovery document has no jwks_uri")
	}
	keys := &limitedKeySet{
		url:      meta.JWKS,
		client:   d.cfg.HTTPClient,
		interval: d.cfg.JWKSRefetchInterval,
		now:      d.cfg.Now,
		logger:   d.cfg.Logger,
	}
	verifier := func(audience string) *oidc.IDTokenVerifier {
		return oidc.NewVerifier(d.cfg.Issuer, keys, &oidc.Config{
			ClientID:             audience,
			SupportedSigningAlgs: []string{string(signingAlgs[0])},
			Now:                  d.cfg.Now,
		})
	}
	return &provider{
		endpoint:     op.Endpoint(),
		endSession:   meta.EndSession,
		keys:         keys,
		idTokens:     verifier(d.cfg.ClientID),
		accessTokens: verifier(d.cfg.Audience),
	}, nil
}

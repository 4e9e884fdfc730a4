package auth

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
)

// signingAlgs are the only algorithms accepted, for ID and access tokens alike.
var signingAlgs = []jose.SignatureAlgorithm{jose.RS256}

const maxJWKSBytes = 1 << 20

var (
	errUnknownKey   = errors.New("no published key has the token's key id")
	errBadSignature = errors.New("signature does not verify")
)

// keysUnavailableError: the key set was needed but could not be downloaded.
type keysUnavailableError struct{ err error }

func (e *keysUnavailableError) Error() string { return "key set unavailable: " + e.err.Error() }
func (e *keysUnavailableError) Unwrap() error { return e.err }

// limitedKeySet is an oidc.KeySet that, unlike oidc.RemoteKeySet, does not
// download the JWKS again for every token with an unknown key id — a flood of
// forged tokens would become a flood of requests to the provider. It verifies
// against the cached keys and refetches at most once per interval, which
// still picks up a rotated key soon after the provider publishes it. Tokens
// signed with cached keys keep verifying while the provider is down.
type limitedKeySet struct {
	url      string
	client   *http.Client
	interval time.Duration
	now      func() time.Time
	logger   *slog.Logger

	mu        sync.Mutex
	keys      []jose.JSONWebKey
	lastFetch time.Time     // zero: never fetched
	lastErr   error         // result of the last fetch
	inflight  chan struct{} // closed when the running fetch ends
}

var _ oidc.KeySet = (*limitedKeySet)(nil)

// signatureReport lets the caller of go-oidc's Verify learn why the key set
// refused a token: go-oidc flattens the key set's error into a string.
type signatureReport struct {
	err     error
	payload []byte // set when the signature verified
}

type reportKey struct{}

func withSignatureReport(ctx context.Context) (context.Context, *signatureReport) {
	r := &signatureReport{}
	return context.WithValue(ctx, reportKey{}, r), r
}

func (k *limitedKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	payload, err := k.verify(ctx, jwt)
	if r, ok := ctx.Value(reportKey{}).(*signatureReport); ok {
		r.err, r.payload = err, payload
	}
	return payload, err
}

func (k *limitedKeySet) verify(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(jwt, signingAlgs)
	if err != nil {
		return nil, fmt.Errorf("malformed token: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("token must carry exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID

	k.mu.Lock()
	cached := k.keys
	k.mu.Unlock()
	if payload, known := verifyWith(jws, cached, kid); payload != nil || known {
		return payload, signatureError(payload)
	}

	fresh, err := k.refresh(ctx)
	if err != nil {
		return nil, err
	}
	payload, known := verifyWith(jws, fresh, kid)
	if payload == nil && !known {
		return nil, errUnknownKey
	}
	return payload, signatureError(payload)
}

func signatureError(payload []byte) error {
	if payload == nil {
		return errBadSignature
	}
	return nil
}

// verifyWith tries the keys with the token's kid (all keys when it has none).
// known reports whether a key with that kid exists, so a bad signature under
// a known kid does not cost a refetch.
func verifyWith(jws *jose.JSONWebSignature, keys []jose.JSONWebKey, kid string) (payload []byte, known bool) {
	for i := range keys {
		if kid != "" && keys[i].KeyID != kid {
			continue
		}
		known = kid != ""
		if payload, err := jws.Verify(&keys[i]); err == nil {
			return payload, true
		}
	}
	return nil, known
}

// refresh downloads the key set unless one was downloaded (or tried) less than
// an interval ago; then it returns the cached keys, or the last failure.
// Concurrent callers share one download; a caller whose ctx ends stops
// waiting while the download carries on for the others.
func (k *limitedKeySet) refresh(ctx context.Context) ([]jose.JSONWebKey, error) {
	k.mu.Lock()
	wait := k.inflight
	if wait == nil {
		if !k.lastFetch.IsZero() && k.now().Sub(k.lastFetch) < k.interval {
			defer k.mu.Unlock()
			return k.keys, k.lastErr
		}
		wait = k.start(ctx)
	}
	k.mu.Unlock()
	select {
	case <-wait:
	case <-ctx.Done():
		return nil, &keysUnavailableError{ctx.Err()}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keys, k.lastErr
}

// start downloads the key set in the background and returns a channel closed
// when it ends. Call with k.mu held.
func (k *limitedKeySet) start(ctx context.Context) chan struct{} {
	k.lastFetch = k.now()
	done := make(chan struct{})
	k.inflight = done
	go func() {
		keys, err := k.fetch(context.WithoutCancel(ctx)) // bounded by the client's timeout
		k.mu.Lock()
		defer k.mu.Unlock()
		if err != nil {
			err = &keysUnavailableError{err}
			k.logger.Warn("auth: cannot download the identity provider's key set", "url", k.url, "err", err)
		} else {
			k.keys = keys
		}
		k.lastErr = err
		k.inflight = nil
		close(done)
	}()
	return done
}

func (k *limitedKeySet) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", k.url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes))
	if err != nil {
		return nil, err
	}
	return parseJWKS(body)
}

// parseJWKS keeps the RSA signature keys and skips entries go-jose cannot
// read (RFC 7517 §5: ignore keys you do not understand).
func parseJWKS(body []byte) ([]jose.JSONWebKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("key set is not JSON: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, raw := range set.Keys {
		var key jose.JSONWebKey
		if err := key.UnmarshalJSON(raw); err != nil {
			continue
		}
		if _, isRSA := key.Key.(*rsa.PublicKey); !isRSA || (key.Use != "" && key.Use != "sig") {
			continue
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, errors.New("key set has no RSA signature keys")
	}
	return keys, nil
}

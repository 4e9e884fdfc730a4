package devoidc

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"sync"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// rsaKeyBits is the smallest size go-jose and Auth0 accept for RS256.
const rsaKeyBits = 2048

// signingKey is one RSA key pair with its key id; it serves both as the op's
// signing key and, through publicKey, as an entry of the published JWKS.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func newSigningKey() (*signingKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, rsaKeyBits)
	if err != nil {
		return nil, fmt.Errorf("devoidc: generate RSA key: %w", err)
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("devoidc: generate key id: %w", err)
	}
	return &signingKey{id: hex.EncodeToString(id), key: key}, nil
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.key.PublicKey }

// keyRing holds the key that signs now, the one it replaced (still published
// so tokens signed just before a rotation keep verifying, as real providers
// do) and, created on demand, the key the next rotation will switch to, so a
// test can sign with a kid the provider does not publish yet.
type keyRing struct {
	mu       sync.Mutex
	current  *signingKey
	previous *signingKey
	next     *signingKey
	foreign  *signingKey // never published: an attacker's key
}

func newKeyRing() (*keyRing, error) {
	current, err := newSigningKey()
	if err != nil {
		return nil, err
	}
	return &keyRing{current: current}, nil
}

func (r *keyRing) signing() *signingKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.current
}

func (r *keyRing) published() []op.Key {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := []op.Key{publicKey{r.current}}
	if r.previous != nil {
		keys = append(keys, publicKey{r.previous})
	}
	return keys
}

// upcoming returns the key the next rotate will publish, creating it if needed.
func (r *keyRing) upcoming() (*signingKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.next == nil {
		next, err := newSigningKey()
		if err != nil {
			return nil, err
		}
		r.next = next
	}
	return r.next, nil
}

func (r *keyRing) unpublished() (*signingKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.foreign == nil {
		foreign, err := newSigningKey()
		if err != nil {
			return nil, err
		}
		r.foreign = foreign
	}
	return r.foreign, nil
}

func (r *keyRing) rotate() error {
	next, err := r.upcoming()
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.previous, r.current, r.next = r.current, next, nil
	return nil
}

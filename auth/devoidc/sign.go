package devoidc

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// KeyChoice picks the key SignTokenWith signs with.
type KeyChoice int

const (
	CurrentKey KeyChoice = iota // the key the provider signs with and publishes
	NextKey                     // the key RotateKey will switch to: not published yet
	ForeignKey                  // a key the provider never publishes (an attacker's)
)

// Signing describes how a test token is signed.
type Signing struct {
	// Alg is "RS256" (default), "none" (unsigned), or "HS256": an HMAC keyed
	// with the current public key's PEM bytes, the classic key-confusion forgery.
	Alg   string
	Key   KeyChoice
	KeyID string // kid header; "" = the chosen key's own id
}

// SignToken signs claims exactly as given with the current key (RS256, its kid).
func (p *Provider) SignToken(claims map[string]any) string {
	return p.SignTokenWith(claims, Signing{})
}

// SignTokenWith signs claims as s describes. It is for tests and panics on
// misuse (unknown Alg, claims that do not marshal).
func (p *Provider) SignTokenWith(claims map[string]any, s Signing) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("devoidc: marshal claims: %v", err))
	}
	key, err := p.pick(s.Key)
	if err != nil {
		panic(err)
	}
	kid := s.KeyID
	if kid == "" {
		kid = key.id
	}
	switch s.Alg {
	case "", "RS256":
		return sign(jose.SigningKey{Algorithm: jose.RS256, Key: key.key}, kid, payload)
	case "HS256":
		der, err := x509.MarshalPKIXPublicKey(&key.key.PublicKey)
		if err != nil {
			panic(err)
		}
		secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		return sign(jose.SigningKey{Algorithm: jose.HS256, Key: secret}, kid, payload)
	case "none":
		// go-jose refuses to produce unsigned tokens, so write the two
		// segments by hand; the empty third segment is the "signature".
		header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT", "kid": kid})
		enc := base64.RawURLEncoding
		return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "."
	default:
		panic(fmt.Sprintf("devoidc: unsupported Alg %q", s.Alg))
	}
}

func (p *Provider) pick(choice KeyChoice) (*signingKey, error) {
	switch choice {
	case NextKey:
		return p.keys.upcoming()
	case ForeignKey:
		return p.keys.unpublished()
	default:
		return p.keys.signing(), nil
	}
}

func sign(key jose.SigningKey, kid string, payload []byte) string {
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), kid)
	signer, err := jose.NewSigner(key, opts)
	if err != nil {
		panic(fmt.Sprintf("devoidc: signer: %v", err))
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(fmt.Sprintf("devoidc: sign: %v", err))
	}
	token, err := jws.CompactSerialize()
	if err != nil {
		panic(fmt.Sprintf("devoidc: serialize: %v", err))
	}
	return token
}

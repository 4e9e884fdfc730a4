package whib

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomSecret is 32 random bytes in hex, for the secrets of a local
// sign-in provider and its session cookies (go run . -dev, the tools).
func RandomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
)

// MaxBearerLength caps the token: Auth0 access tokens are 1–3 KB even with
// many permissions; anything far larger is not worth parsing.
const MaxBearerLength = 8 << 10

// HasAuthorizationHeader reports whether the request carries any
// Authorization header. Such a request is judged by that header alone: a
// bad token is refused even if a session cookie is present too.
func HasAuthorizationHeader(r *http.Request) bool {
	return len(r.Header.Values("Authorization")) > 0
}

// ParseBearer extracts the token from an Authorization header value of the
// form "Bearer <token>" (RFC 6750 §2.1): the scheme in any case, exactly one
// space, then one token68 of at most MaxBearerLength characters. Errors are
// *Error with Kind KindInvalidRequest: status 401 for another scheme, 400 for
// a malformed value.
func ParseBearer(header string) (string, error) {
	scheme, token, found := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", requestError("the Authorization header must use the Bearer scheme", http.StatusUnauthorized)
	}
	if !found || token == "" {
		return "", requestError("the Authorization header has no bearer token", http.StatusBadRequest)
	}
	if len(token) > MaxBearerLength {
		return "", requestError("the bearer token is too long", http.StatusBadRequest)
	}
	if !isToken68(token) {
		return "", requestError("the Authorization header is malformed", http.StatusBadRequest)
	}
	return token, nil
}

// isToken68: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}

// bearerPrincipal judges a request by its Authorization header.
func (a *Authenticator) bearerPrincipal(r *http.Request) (Principal, error) {
	headers := r.Header.Values("Authorization")
	if len(headers) != 1 {
		return Principal{}, requestError("send exactly one Authorization header", http.StatusBadRequest)
	}
	token, err := ParseBearer(headers[0])
	if err != nil {
		return Principal{}, err
	}
	if !a.Configured() {
		return Principal{}, notConfigured("Bearer tokens cannot be checked: sign-in is not set up on this server.")
	}
	p, err := a.disc.get(r.Context())
	if err != nil {
		return Principal{}, unavailable(err)
	}
	claims, err := a.verifyAccessToken(r.Context(), p, token)
	if err != nil {
		return Principal{}, err
	}
	return a.machinePrincipal(claims), nil
}

// accessClaims are the verified claims of an access token.
type accessClaims struct {
	Subject string
	Name    string // who the token was issued to: azp / client_id
	Perms   []string
}

// verifyAccessToken checks a JWT access token for our Audience: signature
// (RS256 only, via the rate-limited key set), issuer, audience and expiry
// (go-oidc), and not-before with 60 s of clock skew. go-oidc checks nbf too
// but allows 5 minutes; the tighter check is ours.
func (a *Authenticator) verifyAccessToken(ctx context.Context, p *provider, token string) (accessClaims, error) {
	// Parse first to tell a malformed token or a forbidden algorithm ("none",
	// HS256 keyed with the public key) apart from a bad signature.
	jws, err := jose.ParseSignedCompact(token, signingAlgs)
	if err != nil {
		var alg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &alg) {
			return accessClaims{}, tokenError("token signing algorithm is not allowed", nil)
		}
		return accessClaims{}, tokenError("token is malformed", nil)
	}
	if len(jws.Signatures) != 1 {
		return accessClaims{}, tokenError("token is malformed", nil)
	}

	ctx, report := withSignatureReport(ctx)
	idt, err := p.accessTokens.Verify(ctx, token)
	if err != nil {
		return accessClaims{}, a.explain(err, report)
	}
	var raw map[string]json.RawMessage
	if err := idt.Claims(&raw); err != nil {
		return accessClaims{}, tokenError("token claims are malformed", err)
	}
	var times struct {
		NotBefore *float64 `json:"nbf"`
	}
	if err := idt.Claims(&times); err != nil {
		return accessClaims{}, tokenError("token claims are malformed", err)
	}
	if a.notYetValid(times.NotBefore) {
		return accessClaims{}, tokenError("token is not valid yet", nil)
	}
	if idt.Subject == "" {
		return accessClaims{}, tokenError("token has no subject", nil)
	}
	// ID tokens are addressed to our client id, access tokens to the API; a
	// provider may name both in an ID token's aud, so tell them apart here.
	if a.cfg.ClientID != a.cfg.Audience && slices.Contains(idt.Audience, a.cfg.ClientID) {
		return accessClaims{}, tokenError("token is an ID token, not an access token", nil)
	}
	facts := tokenFactsOf(idt.Subject, raw)
	c := accessClaims{Subject: idt.Subject, Name: firstNonEmpty(facts.AZP, facts.ClientID)}
	c.Perms = permissionsFrom(raw, a.issuedToClient(facts))
	if c.Name == "" {
		c.Name = strings.TrimSuffix(idt.Subject, "@clients")
	}
	return c, nil
}

// tokenFacts are the claims that can show who a token was issued to.
type tokenFacts struct {
	Subject, Grant, ClientID, AZP string
}

func tokenFactsOf(subject string, raw map[string]json.RawMessage) tokenFacts {
	f := tokenFacts{Subject: subject}
	_ = json.Unmarshal(raw["gty"], &f.Grant)
	_ = json.Unmarshal(raw["client_id"], &f.ClientID)
	_ = json.Unmarshal(raw["azp"], &f.AZP)
	return f
}

// issuedToClient reports whether a token was issued to a machine through
// the client-credentials grant rather than to a person. Only then do OAuth
// scopes count as permissions: a person can ask for any scope at /authorize,
// and providers that grant requested scopes would let them pick the write
// permission themselves; RBAC "permissions" are assigned by an admin.
//
// It takes explicit evidence only: Auth0's grant type claim; RFC 9068's
// subject equal to the client's id (the token is about the client itself);
// Auth0's "<client id>@clients" subject, but only from an Auth0 tenant, as
// elsewhere anyone may be able to pick such a user name; or a client id
// listed in MachineClients.
func (a *Authenticator) issuedToClient(f tokenFacts) bool {
	switch {
	case f.Grant == "client-credentials":
		return true
	case f.Subject != "" && (f.Subject == f.ClientID || f.Subject == f.AZP):
		return true
	case strings.HasSuffix(f.Subject, "@clients") && isAuth0Issuer(a.cfg.Issuer):
		return true
	}
	for _, id := range a.cfg.MachineClients {
		if id == f.ClientID || id == f.AZP {
			return true
		}
	}
	return false
}

// notYetValid applies the nbf claim (seconds since the epoch, if present)
// with 60 s of allowance for clocks that differ.
func (a *Authenticator) notYetValid(nbf *float64) bool {
	if nbf == nil {
		return false
	}
	notBefore := time.Unix(0, 0).Add(time.Duration(*nbf * float64(time.Second)))
	return a.cfg.Now().Add(clockSkew).Before(notBefore)
}

// explain turns go-oidc's refusal into a short description. go-oidc decides;
// the signature report and the (then authentic) claims say why.
func (a *Authenticator) explain(err error, report *signatureReport) *Error {
	var unavailableKeys *keysUnavailableError
	switch {
	case errors.As(report.err, &unavailableKeys):
		return unavailable(report.err)
	case errors.Is(report.err, errUnknownKey):
		return tokenError("token signed by an unknown key", nil)
	case report.err != nil:
		return tokenError("token signature is invalid", nil)
	case report.payload == nil:
		return tokenError("token is invalid", err)
	}
	var expired *oidc.TokenExpiredError
	if errors.As(err, &expired) {
		return tokenError("token expired", nil)
	}
	var claims struct {
		Issuer    string          `json:"iss"`
		Audience  json.RawMessage `json:"aud"`
		NotBefore *float64        `json:"nbf"`
	}
	if json.Unmarshal(report.payload, &claims) != nil {
		return tokenError("token claims are malformed", err)
	}
	if claims.Issuer != a.cfg.Issuer {
		return tokenError("token has wrong issuer", nil)
	}
	var one string
	var many []string
	if json.Unmarshal(claims.Audience, &one) == nil {
		many = []string{one}
	} else {
		_ = json.Unmarshal(claims.Audience, &many)
	}
	if !slices.Contains(many, a.cfg.Audience) {
		return tokenError("token has wrong audience", nil)
	}
	if a.notYetValid(claims.NotBefore) {
		return tokenError("token is not valid yet", nil)
	}
	return tokenError("token is invalid", err)
}

func (a *Authenticator) machinePrincipal(c accessClaims) Principal {
	p := Principal{Who: Machine, Subject: c.Subject, Name: c.Name, Permissions: c.Perms}
	p.CanWrite = p.HasPermission(a.cfg.WritePermission)
	return p
}

package auth

import (
	"errors"
	"net/http"
	"strings"
)

// ErrorKind says what went wrong in terms a handler can map to a response.
type ErrorKind int

const (
	// KindInvalidToken: the bearer token was refused (401, RFC 6750 "invalid_token").
	KindInvalidToken ErrorKind = iota + 1
	// KindInvalidRequest: the Authorization header is malformed (400) or uses
	// another scheme than Bearer (401) — RFC 6750 "invalid_request".
	KindInvalidRequest
	// KindNotConfigured: sign-in is not set up (503).
	KindNotConfigured
	// KindUnavailable: the identity provider cannot be reached (503).
	KindUnavailable
	// KindLoginFailed: the sign-in callback was refused: missing, replayed or
	// foreign state, nonce mismatch, or the provider refused the code (400).
	KindLoginFailed
)

func (k ErrorKind) String() string {
	switch k {
	case KindInvalidToken:
		return "invalid token"
	case KindInvalidRequest:
		return "invalid request"
	case KindNotConfigured:
		return "not configured"
	case KindUnavailable:
		return "unavailable"
	case KindLoginFailed:
		return "login failed"
	}
	return "unknown"
}

// Error is every error this package returns from Identify, StartLogin and
// FinishLogin. Description is safe to show to the caller and never
// contains the token; Err (for logs) does not either.
type Error struct {
	Kind        ErrorKind
	Code        string // RFC 6750 error code ("invalid_token", "invalid_request") or ""
	Description string
	Err         error
	status      int // overrides the status derived from Kind
}

func (e *Error) Error() string {
	msg := "auth: " + e.Kind.String()
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Status is the HTTP status a handler should answer with.
func (e *Error) Status() int {
	if e.status != 0 {
		return e.status
	}
	switch e.Kind {
	case KindInvalidToken:
		return http.StatusUnauthorized
	case KindNotConfigured, KindUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadRequest
	}
}

// WWWAuthenticate is the RFC 6750 challenge to send with a 401 or 400 for a
// bearer request, e.g. `Bearer realm="whib", error="invalid_token",
// error_description="token expired"`. Empty for other kinds.
func (e *Error) WWWAuthenticate(realm string) string {
	if e.Kind != KindInvalidToken && e.Kind != KindInvalidRequest {
		return ""
	}
	parts := []string{`Bearer realm="` + quoteSafe(realm) + `"`}
	// RFC 6750 §3.1: a request that used another scheme is answered 401
	// without an error code, as if it had sent no credentials.
	if e.Kind == KindInvalidToken || e.Status() == http.StatusBadRequest {
		parts = append(parts, `error="`+e.Code+`"`)
		if e.Description != "" {
			parts = append(parts, `error_description="`+quoteSafe(e.Description)+`"`)
		}
	}
	return strings.Join(parts, ", ")
}

// quoteSafe keeps only characters RFC 6750 allows inside its quoted strings.
func quoteSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return -1
		}
		return r
	}, s)
}

// KindOf returns the Kind of a *Error in err's chain, or 0.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func tokenError(description string, err error) *Error {
	return &Error{Kind: KindInvalidToken, Code: "invalid_token", Description: description, Err: err}
}

func requestError(description string, status int) *Error {
	return &Error{Kind: KindInvalidRequest, Code: "invalid_request", Description: description, status: status}
}

func notConfigured(description string) *Error {
	return &Error{Kind: KindNotConfigured, Description: description}
}

func unavailable(err error) *Error {
	return &Error{Kind: KindUnavailable, Description: "The identity provider cannot be reached. Try again shortly.", Err: err}
}

func loginFailed(description string, err error) *Error {
	return &Error{Kind: KindLoginFailed, Description: description, Err: err}
}

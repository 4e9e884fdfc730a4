package formats

import (
	"errors"
	"testing"
)

func assertKind(t *testing.T, err error, want Kind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *Error of kind %v", err, err, want)
	}
	if e.Kind != want {
		t.Fatalf("error kind = %v (%v), want %v", e.Kind, err, want)
	}
	return e
}

package formats

import (
	"archive/zip"
	"bytes"
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

type zipEntry struct {
	name string
	data []byte
}

// zipOf writes the entries, in order, into a zip archive.
func zipOf(t testing.TB, entries []zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

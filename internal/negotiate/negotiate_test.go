package negotiate

import "testing"

func TestAcceptsGzip(t *testing.T) {
	cases := map[string]bool{
		"":                      false,
		"gzip":                  true,
		"GZIP":                  true,
		"deflate, gzip":         true,
		"gzip;q=0":              false,
		"gzip; q=0.001":         true,
		"gzip;q=0.0":            false,
		"*":                     true,
		"*;q=0":                 false,
		"br;q=1, *;q=0.1":       true,
		"gzip;q=0, *":           false,
		"x-gzip":                true,
		"gzip;q=abc":            false,
		"identity;q=1, *;q=0.5": true,
	}
	for header, want := range cases {
		if got := AcceptsGzip([]string{header}); got != want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

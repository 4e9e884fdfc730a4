// Package negotiate reads the request headers that choose between forms of
// one response, shared by the asset server and the handlers.
package negotiate

import (
	"strconv"
	"strings"
)

// AcceptsGzip reads Accept-Encoding (RFC 9110 §12.5.3): gzip is acceptable when
// listed with q > 0, or when not listed and "*" has q > 0. "gzip;q=0" refuses it.
// It runs on every page view, so it reads the header in place, allocating
// nothing.
func AcceptsGzip(headerValues []string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, value := range headerValues {
		for item := range strings.SplitSeq(value, ",") {
			coding, params, _ := strings.Cut(item, ";")
			coding = strings.TrimSpace(coding)
			switch {
			case strings.EqualFold(coding, "gzip") || strings.EqualFold(coding, "x-gzip"):
				gzipQ = max(gzipQ, qValue(params))
			case coding == "*":
				starQ = max(starQ, qValue(params))
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// qValue returns the q parameter (default 1); an unreadable q counts as 0 so a
// malformed header never gets a compressed body it may not understand.
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

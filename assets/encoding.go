package assets

import (
	"path"
	"strconv"
	"strings"
)

// contentTypeOf uses a fixed table rather than mime.TypeByExtension, whose
// answers depend on the host's /etc/mime.types.
func contentTypeOf(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".png":
		return "image/png"
	case ".svg":
		return "image/svg+xml"
	case ".json", ".map":
		return "application/json"
	case ".txt", "":
		return "text/plain; charset=utf-8" // LICENSE files
	default:
		return "application/octet-stream"
	}
}

// isCompressible: text compresses well; PNGs are already compressed.
func isCompressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") ||
		strings.HasPrefix(contentType, "application/json") ||
		strings.HasPrefix(contentType, "image/svg+xml")
}

// acceptsGzip reads Accept-Encoding (RFC 9110 §12.5.3): gzip is acceptable when
// listed with q > 0, or when not listed and "*" has q > 0. "gzip;q=0" refuses it.
func acceptsGzip(headerValues []string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, value := range headerValues {
		for _, item := range strings.Split(value, ",") {
			coding, params, _ := strings.Cut(item, ";")
			q := qValue(params)
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				starQ = max(starQ, q)
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
	for _, p := range strings.Split(params, ";") {
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

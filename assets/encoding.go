package assets

import (
	"path"
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

package auth

import (
	"net/url"
	"strings"
)

const maxReturnToLength = 2048

// SafeReturnTo returns raw when it is a path on this site, else "/". It stops
// open redirects through ?return_to=: the value must start with a single "/"
// (not "//" or "/\", which browsers read as another host), contain no
// backslash or control character, and parse without scheme or host.
func SafeReturnTo(raw string) string {
	if raw == "" || len(raw) > maxReturnToLength || raw[0] != '/' {
		return "/"
	}
	if strings.HasPrefix(raw, "//") || strings.ContainsRune(raw, '\\') {
		return "/"
	}
	for _, r := range raw {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "/"
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return raw
}

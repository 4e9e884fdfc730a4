package assets

import (
	"bytes"
	"net/http"
	"time"

	"github.com/whib/whib/internal/negotiate"
)

// cacheForever is safe because the URL changes whenever any file changes.
const cacheForever = "public, max-age=31536000, immutable"

// Handler serves GET and HEAD for Prefix()+"/<file>". Mount it on "/assets/"
// without stripping the prefix: it matches the full request path itself.
//
// A request for another version (an HTML page from an older or newer deploy)
// answers 404 with Cache-Control: no-store rather than the current bytes:
// serving today's app.js under yesterday's immutable URL would let browsers and
// CDNs keep a mismatched file for a year, and the page would run a script that
// does not fit its HTML. A 404 that nobody caches fails visibly once and is
// gone after the next page load, which fetches the current URLs.
func (a *Assets) Handler() http.Handler {
	return http.HandlerFunc(a.serve)
}

func (a *Assets) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	found, ok := a.lookup(r.URL.Path)
	if !ok {
		h.Set("Cache-Control", "no-store")
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}

	body, etag := found.plain, found.plainETag
	if found.gzipped != nil {
		// Caches must keep the two encodings apart even for clients that got identity.
		h.Add("Vary", "Accept-Encoding")
		if negotiate.AcceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, etag = found.gzipped, found.gzipETag
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Type", found.contentType)
	h.Set("Cache-Control", cacheForever)
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, handles HEAD and ranges, and
	// sets Content-Length; the zero modtime keeps Last-Modified out.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

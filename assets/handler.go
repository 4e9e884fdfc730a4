package assets

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	"github.com/whib/whib/internal/negotiate"
)

// cacheForever is safe because the URL changes whenever any file changes.
const cacheForever = "public, max-age=31536000, immutable"

// The errors Serve returns; the caller answers them as it answers every
// other failure (handlers: JSON or the error page, with a request id).
var (
	// ErrNotFound: no such file in this version.
	ErrNotFound = errors.New("assets: no such file")
	// ErrMethodNotAllowed: only GET and HEAD are served.
	ErrMethodNotAllowed = errors.New("assets: only GET and HEAD")
)

// Serve answers GET and HEAD for Prefix()+"/<file>": mount it on "/assets/"
// without stripping the prefix, as it matches the full request path itself.
// A request it cannot answer gets the headers that go with the refusal
// (Allow, or Cache-Control: no-store) and returns ErrMethodNotAllowed or
// ErrNotFound, leaving the body to the caller.
//
// A request for another version (an HTML page from an older or newer deploy)
// is ErrNotFound rather than the current bytes: serving today's app.js under
// yesterday's immutable URL would let browsers and CDNs keep a mismatched
// file for a year, and the page would run a script that does not fit its
// HTML. A 404 that nobody caches fails visibly once and is gone after the
// next page load, which fetches the current URLs.
func (a *Assets) Serve(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		return ErrMethodNotAllowed
	}
	found, ok := a.lookup(r.URL.Path)
	if !ok {
		h.Set("Cache-Control", "no-store")
		return ErrNotFound
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
	return nil
}

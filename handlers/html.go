package handlers

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"

	"github.com/whib/whib/views"
)

// The HTML writers: every page and fragment goes out through writeHTML.

// render writes c as the answer. It renders into memory first, so a
// component that fails leaves the answer unwritten for serveError.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	a.writeHTML(w, r, status, &encoded{raw: buf.Bytes()}, false)
	return nil
}

// renderOops writes the error page.
func (a *app) renderOops(w http.ResponseWriter, r *http.Request, status int, o views.Oops) error {
	o.Assets = a.viewAssets()
	o.Status = status
	if o.RequestID == "" && status >= 400 {
		o.RequestID = requestIDFrom(r.Context())
	}
	return a.render(w, r, status, views.OopsPage(o))
}

// writeHTML writes an HTML body; shared bodies are the same for every
// anonymous visitor of a version.
func (a *app) writeHTML(w http.ResponseWriter, r *http.Request, status int, body *encoded, shared bool) {
	h := w.Header()
	h["Content-Type"] = htmlType
	if shared {
		// The same bytes for every anonymous visitor of this version, but
		// a visitor who signs in must not be shown a cached anonymous page.
		h["Cache-Control"] = noCache
		if len(h["Vary"]) == 0 {
			h["Vary"] = varyCookie
		} else {
			h.Add("Vary", "Cookie")
		}
	} else {
		h["Cache-Control"] = noStore
	}
	body.write(w, r, status)
}

// Header values every HTML answer of a kind shares (see secureHeaders).
var (
	htmlType = []string{"text/html; charset=utf-8"}
	noCache  = []string{"no-cache"}
	noStore  = []string{"no-store"}
	// varyCookie: what GET / for a visitor shows depends on the cookie.
	varyCookie = []string{"Cookie"}
)

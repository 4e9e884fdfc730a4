package handlers

import (
	"bytes"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"github.com/whib/whib/views"
)

// fail is the one way from an error to an answer. It maps err to a problem
// (problemFor), logs server-side causes with the request id the client
// sees, sets the Retry-After and WWW-Authenticate headers, and answers in
// the shape the request wants:
//
//   - JSON {code, description, fields, request_id} for API clients;
//   - for htmx, the add-place form again with what the person typed and the
//     errors next to their fields, when typed is given; otherwise only the
//     form's alert, swapped in out of band, so the form and its input stay
//     as they are in the browser (nothing has to decode the body for that);
//   - for a form posted without JavaScript, the map page with the form and
//     its errors when a field was wrong, else the oops page;
//   - for a page, the oops page with the request id.
func (a *app) fail(w http.ResponseWriter, r *http.Request, sh shape, err error, typed ...placeInput) {
	p := problemFor(err)
	p.RequestID = requestIDFrom(r.Context())
	if p.Status >= 500 {
		a.log.Error("request failed", "request_id", p.RequestID, "method", r.Method, "path", r.URL.Path, "status", p.Status, "err", err)
	}
	setRetryAfter(w, p.RetryAfter)
	if p.authenticate != "" {
		w.Header().Set("WWW-Authenticate", p.authenticate)
	}
	switch {
	case sh == shapeJSON:
		writeJSON(w, p.Status, p)
	case sh == shapeHTMX && len(typed) > 0:
		a.renderFragment(w, r, p.Status, views.PlaceForm(formWith(typed[0], p)))
	case sh == shapeHTMX:
		w.Header().Set("HX-Reswap", "none")
		a.renderFragment(w, r, p.Status, views.FormAlert(withRequestID(p)))
	case sh == shapeForm && len(typed) > 0 && p.Status == http.StatusUnprocessableEntity:
		a.failOnMap(w, r, p, typed[0])
	default:
		if sh == shapePage && len(p.Fields) > 0 {
			p.Description = describeFields(p.Fields)
		}
		a.renderOops(w, r, p.Status, views.Oops{Title: orTitle(p), Message: p.Description, RequestID: p.RequestID})
	}
}

// failOnMap shows the map page with the form and its field errors, so a
// browser without JavaScript keeps what was typed.
func (a *app) failOnMap(w http.ResponseWriter, r *http.Request, p problem, in placeInput) {
	snap, st, err := a.snapshot(r.Context())
	if err != nil {
		a.renderOops(w, r, p.Status, views.Oops{Title: orTitle(p), Message: describeFields(p.Fields), RequestID: p.RequestID})
		return
	}
	a.renderMap(w, r, mapView{status: p.Status, snap: snap, st: st, page: 1, form: formWith(in, p)})
}

func formWith(in placeInput, p problem) views.Form {
	f := views.Form{Name: in.Name, Latitude: in.Latitude, Longitude: in.Longitude, Errors: p.Fields}
	if len(p.Fields) == 0 {
		f.Error = withRequestID(p)
	}
	return f
}

func describeFields(fields map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, fields[k])
	}
	return "The place was not saved: " + strings.Join(parts, " ")
}

// withRequestID is a problem's sentence for the form: a server-side
// failure names the request id, so a person can report it.
func withRequestID(p problem) string {
	if p.Status == http.StatusUnprocessableEntity {
		return ""
	}
	if p.Status >= 500 {
		return p.Description + " (request " + p.RequestID + ")"
	}
	return p.Description
}

func orTitle(p problem) string {
	if p.Title != "" {
		return p.Title
	}
	switch {
	case p.Status == http.StatusNotFound:
		return "Page not found"
	case p.Status == http.StatusUnauthorized || p.Status == http.StatusForbidden:
		return "Not allowed"
	case p.Status == http.StatusTooManyRequests:
		return "Slow down a little"
	case p.Status >= 500:
		return "Oops — something went wrong"
	}
	return "That did not work"
}

// The HTML writers: every page and fragment goes out through writeHTML.

func (a *app) renderOops(w http.ResponseWriter, r *http.Request, status int, o views.Oops) {
	o.Assets = a.viewAssets()
	o.Status = status
	if o.RequestID == "" && status >= 400 {
		o.RequestID = requestIDFrom(r.Context())
	}
	a.renderFragment(w, r, status, views.OopsPage(o))
}

func (a *app) renderFragment(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		a.log.Error("render failed", "request_id", requestIDFrom(r.Context()), "err", err)
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	a.writeHTML(w, r, status, &encoded{raw: buf.Bytes()}, false)
}

func (a *app) writeHTML(w http.ResponseWriter, r *http.Request, status int, body *encoded, shared bool) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if shared {
		// The same bytes for every anonymous visitor of this version, but
		// a visitor who signs in must not be shown a cached anonymous page.
		h.Set("Cache-Control", "no-cache")
		h.Add("Vary", "Cookie")
	} else {
		h.Set("Cache-Control", "no-store")
	}
	body.write(w, r, status)
}

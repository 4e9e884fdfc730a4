package handlers

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// endpoint is a handler that returns its failure instead of answering it.
// serve turns the failure into the answer, so that every error a client
// gets has the same shape, the same request id and the same log line.
type endpoint func(w http.ResponseWriter, r *http.Request) error

// serve is h as an http.Handler whose failures serveError answers in the
// shape shapeFor gives the request (shapeOf, or a route's fixed shape).
func (a *app) serve(shapeFor func(*http.Request) shape, h endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.serveError(w, r, shapeFor(r), err)
		}
	})
}

// serveError is the one way from an error to an answer, as golang/pkgsite's
// serveError. It maps err to a problem (problemFor), logs server-side
// causes with the request id the client sees, sets the Retry-After and
// WWW-Authenticate headers, and answers in the shape the request wants:
//
//   - JSON {code, description, fields, request_id} for API clients;
//   - for htmx, the part of the page the request came from when err knows
//     it (an inPlace error: the form again with what was typed and the
//     errors next to their fields, the import report, the search listbox);
//     otherwise only the add-place form's alert, swapped in out of band,
//     so the form and its input stay as they are in the browser;
//   - for a form posted without JavaScript, the page with that form, what
//     was typed and its errors when a field was wrong, else the oops page;
//   - for a page, the oops page with the request id.
func (a *app) serveError(w http.ResponseWriter, r *http.Request, sh shape, err error) {
	p := problemFor(err)
	p.RequestID = requestIDFrom(r.Context())
	if p.Status >= 500 {
		a.log.Error("request failed", "request_id", p.RequestID, "method", r.Method, "path", r.URL.Path, "status", p.Status, "err", err)
	}
	setRetryAfter(w, p.RetryAfter)
	if p.authenticate != "" {
		w.Header().Set("WWW-Authenticate", p.authenticate)
	}
	if werr := a.answerProblem(w, r, sh, p, err); werr != nil {
		// Even the error page failed: a sentence with the request id is left.
		a.log.Error("error answer failed", "request_id", p.RequestID, "err", werr)
		http.Error(w, "Something went wrong (request "+p.RequestID+").", http.StatusInternalServerError)
	}
}

func (a *app) answerProblem(w http.ResponseWriter, r *http.Request, sh shape, p problem, err error) error {
	switch sh {
	case shapeJSON:
		return writeJSON(w, p.Status, p)
	case shapeHTMX:
		var shown inPlace
		if errors.As(err, &shown) {
			if fragment := shown.fragment(p); fragment != nil {
				return a.render(w, r, p.Status, fragment)
			}
		}
		w.Header().Set("HX-Reswap", "none")
		return a.render(w, r, p.Status, views.FormAlert(withRequestID(p)))
	case shapeForm:
		var typed *formError
		if errors.As(err, &typed) && typed.refusesInput(p) {
			return a.formPage(w, r, p, typed)
		}
		var inLog *logRefusal
		if errors.As(err, &inLog) {
			return a.refusedInLogPage(w, r, p, inLog)
		}
	}
	if len(p.Fields) > 0 {
		p.Description = describeFields(p.Fields)
	}
	return a.renderOops(w, r, p.Status, views.Oops{Title: orTitle(p), Message: p.Description, RequestID: p.RequestID})
}

// inPlace is an error that knows where on the page it belongs: fragment is
// what htmx swaps in for it, or nil to leave it to the form's alert.
type inPlace interface {
	error
	fragment(p problem) templ.Component
}

// formError is a refusal of what a person typed into a place form. It
// carries their input, so the answer shows the form again with it and the
// errors next to their fields instead of losing it; any other failure
// (GitHub down, a session expired) is said in the form too, where the
// person pressed Save.
type formError struct {
	err error
	in  placeInput
	// editing is the id of the place whose edit form was sent; "" for the
	// add-place form. etag is the entity tag the form sent back.
	editing, etag string
	// onEditPage: the edit page's form, not a list entry's inline one.
	onEditPage bool
}

// addFormError is err as a refusal of the add-place form's input.
func addFormError(err error, in placeInput) error {
	if err == nil {
		return nil
	}
	return &formError{err: err, in: in}
}

// editFormError is err as a refusal of an edit form's input for the
// place t names.
func editFormError(err error, t store.Target, in placeInput, onEditPage bool) error {
	if err == nil {
		return nil
	}
	var etag string
	if len(t.IfMatch) > 0 {
		etag = t.IfMatch[0]
	}
	return &formError{err: err, in: in, editing: t.ID, etag: etag, onEditPage: onEditPage}
}

func (e *formError) Error() string { return e.err.Error() }
func (e *formError) Unwrap() error { return e.err }

// refusesInput: the problem is with what was typed (a wrong field, an
// edit onto another place, or onto a place changed since the form was
// shown), so the form is the place to say it.
func (e *formError) refusesInput(p problem) bool {
	switch p.Status {
	case http.StatusUnprocessableEntity:
		return true
	case http.StatusConflict, http.StatusPreconditionFailed, http.StatusPreconditionRequired:
		return e.editing != ""
	}
	return false
}

func (e *formError) fragment(p problem) templ.Component {
	f := formWith(e.in, p)
	switch {
	case e.editing == "":
		// The add form shows every failure itself: its alert is inside it.
		return views.PlaceForm(f)
	case e.onEditPage:
		return views.EditPageForm(e.editing, e.etag, f)
	}
	return views.PlaceEditItem(e.editing, e.etag, f, false)
}

// formPage shows the page that holds the refused form, for a browser
// without JavaScript: the map with the add form, or the edit page.
func (a *app) formPage(w http.ResponseWriter, r *http.Request, p problem, e *formError) error {
	f := formWith(e.in, p)
	if e.editing != "" {
		viewer := a.viewer(r.Context(), auth.FromContext(r.Context()))
		return a.render(w, r, p.Status, views.EditPage(views.EditModel{Assets: a.viewAssets(), Viewer: viewer, ID: e.editing, ETag: e.etag, Form: f}))
	}
	snap, st, err := a.snapshot(r.Context())
	if err != nil {
		return a.renderOops(w, r, p.Status, views.Oops{Title: orTitle(p), Message: describeFields(p.Fields), RequestID: p.RequestID})
	}
	return a.renderMap(w, r, mapView{status: p.Status, snap: snap, st: st, page: 1, form: f})
}

// formWith is a place form showing what was typed and what was wrong.
func formWith(in placeInput, p problem) views.Form {
	f := views.Form{Name: in.Name, Latitude: in.Latitude, Longitude: in.Longitude, Visited: in.Visited, Note: in.Note, Errors: p.Fields}
	if len(p.Fields) == 0 {
		f.Error = withRequestID(p)
	}
	return f
}

// listboxError is a search the "Find a place" field asked for and did not
// get: its listbox says why, empty, instead of an alert in the form.
type listboxError struct{ err error }

func (e *listboxError) Error() string { return e.err.Error() }
func (e *listboxError) Unwrap() error { return e.err }

func (e *listboxError) fragment(p problem) templ.Component {
	return views.SearchResults(views.Search{Note: withRequestID(p)})
}

// inListbox answers next's failures in the search listbox (htmx).
func inListbox(next endpoint) endpoint {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := next(w, r); err != nil {
			return &listboxError{err}
		}
		return nil
	}
}

func describeFields(fields map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, fields[k])
	}
	return "The place was not saved: " + strings.Join(parts, " ")
}

// withRequestID is a problem's sentence for a form: a server-side failure
// names the request id, so a person can report it.
func withRequestID(p problem) string {
	if p.Status == http.StatusUnprocessableEntity && len(p.Fields) > 0 {
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

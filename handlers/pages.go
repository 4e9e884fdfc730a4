package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// snapshot is the current set of places. Page views never wait on the
// store once the first load has succeeded; until then callers join the
// store's one load (store.Live.Refresh shares it and outlives any caller).
func (a *app) snapshot(ctx context.Context) (store.Snapshot, store.Status, error) {
	if snap, status, ok := a.deps.Places.Current(); ok {
		return snap, status, nil
	}
	_, err := a.deps.Places.Refresh(ctx)
	snap, status, ok := a.deps.Places.Current()
	if !ok {
		if err == nil {
			err = &store.Error{Kind: store.KindUnavailable, Op: "load places", Err: errors.New("no snapshot after load")}
		}
		return store.Snapshot{}, status, err
	}
	return snap, status, nil
}

func (a *app) mapPage(w http.ResponseWriter, r *http.Request) {
	page := 1
	if raw := r.URL.Query().Get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			a.fail(w, r, clientPage, badRequest(http.StatusBadRequest, "invalid_page", "The page number must be a whole number from 1 up."))
			return
		}
		page = n
	}
	snap, status, err := a.snapshot(r.Context())
	if err != nil {
		a.fail(w, r, clientPage, err)
		return
	}
	a.renderMap(w, r, http.StatusOK, snap, status, page, views.Form{})
}

// renderMap writes the map page. Anonymous views of an unchanged snapshot
// are the hot path: their bytes are rendered once per version and reused.
func (a *app) renderMap(w http.ResponseWriter, r *http.Request, status int, snap store.Snapshot, st store.Status, page int, form views.Form) {
	p := auth.FromContext(r.Context())
	viewer := a.viewer(r.Context(), p)
	cacheable := p.Kind == auth.Anonymous && status == http.StatusOK
	page = min(page, a.pageCount(len(snap.Places)))
	key := pageKey{version: snap.Version, page: page, loginHint: viewer.LoginHint, countries: geoLoaded()}
	if st.Stale {
		key.staleSince = st.LoadedAt
	}
	if cacheable {
		if body, ok := a.pages.get(key); ok {
			a.writeHTML(w, r, status, body, true)
			return
		}
	}
	var buf bytes.Buffer
	if err := views.MapPage(a.mapModel(snap, st, page, viewer, form)).Render(r.Context(), &buf); err != nil {
		a.fail(w, r, clientPage, err)
		return
	}
	if cacheable {
		body := a.pages.put(key, buf.Bytes())
		a.writeHTML(w, r, status, body, true)
		return
	}
	a.writeHTML(w, r, status, &encoded{raw: buf.Bytes()}, false)
}

func (a *app) viewer(ctx context.Context, p auth.Principal) views.Viewer {
	v := views.Viewer{LoginHint: a.deps.Auth.LoginHint(ctx)}
	if p.Kind != auth.Person {
		return v
	}
	v.SignedIn = true
	v.Name = p.Name
	if v.Name == "" {
		v.Name = p.Email
	}
	v.CanWrite = p.CanWrite
	if !p.CanWrite {
		v.WriteHint = "You are signed in, but your account may not add places. Ask the map's owner for the " +
			strconv.Quote(a.cfg.WritePermission) + " permission."
	}
	return v
}

func (a *app) mapModel(snap store.Snapshot, st store.Status, page int, viewer views.Viewer, form views.Form) views.Map {
	total := len(snap.Places)
	size := a.cfg.ListPageSize
	pages := a.pageCount(total)
	page = min(page, pages)
	from := (page - 1) * size
	to := min(from+size, total)
	m := views.Map{
		Assets:           a.viewAssets(),
		Viewer:           viewer,
		Places:           snap.Places[from:to],
		Total:            total,
		Page:             page,
		Pages:            pages,
		ClusterThreshold: a.cfg.ClusterThreshold,
		TileURL:          a.cfg.TileURL,
		TileAttribution:  a.cfg.TileAttribution,
		UpdatedAt:        st.LoadedAt,
		Stale:            st.Stale,
		Form:             form,
		Geo:              a.geoView(snap),
	}
	if total <= a.cfg.InlineMarkerLimit {
		m.Markers = snap.Places
	} else {
		m.MarkersURL = "/places?v=" + snap.Version + markersURLCountries(m.Geo.Ready)
	}
	return m
}

// pageCount is how many pages the no-JavaScript list of total places has.
func (a *app) pageCount(total int) int {
	return max(1, (total+a.cfg.ListPageSize-1)/a.cfg.ListPageSize)
}

func (a *app) oops(w http.ResponseWriter, r *http.Request) {
	a.renderOops(w, r, http.StatusOK, views.Oops{
		Title:   "Oops — something went wrong",
		Message: "Something did not work as it should. The map itself is probably fine: go back and try again.",
	})
}

func (a *app) renderOops(w http.ResponseWriter, r *http.Request, status int, o views.Oops) {
	o.Assets = a.viewAssets()
	o.Status = status
	if o.RequestID == "" && status >= 400 {
		o.RequestID = requestIDFrom(r.Context())
	}
	var buf bytes.Buffer
	if err := views.OopsPage(o).Render(r.Context(), &buf); err != nil {
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	a.writeHTML(w, r, status, &encoded{raw: buf.Bytes()}, false)
}

func (a *app) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

func (a *app) notFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, clientOf(r), badRequest(http.StatusNotFound, "not_found", "There is nothing at this address."))
}

func (a *app) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, clientOf(r), badRequest(http.StatusMethodNotAllowed, "method_not_allowed", "This address does not accept "+r.Method+" requests."))
}

// fail answers an error in the shape the client wants: JSON for API
// clients, the form with a message for htmx, the /oops page for browsers.
// Server-side failures are logged with the request id the client sees.
func (a *app) fail(w http.ResponseWriter, r *http.Request, c client, err error) {
	a.failKeeping(w, r, c, err, placeInput{})
}

// failKeeping is fail for the add-place form: htmx gets the form back with
// what the person typed.
func (a *app) failKeeping(w http.ResponseWriter, r *http.Request, c client, err error, in placeInput) {
	p := problemFor(err)
	p.RequestID = requestIDFrom(r.Context())
	if p.Status >= 500 {
		a.log.Error("request failed", "request_id", p.RequestID, "path", r.URL.Path, "status", p.Status, "err", err)
	}
	setRetryAfter(w, p.RetryAfter)
	if p.authenticate != "" {
		w.Header().Set("WWW-Authenticate", p.authenticate)
	}
	switch c {
	case clientAPI:
		writeJSON(w, p.Status, p)
	case clientHTMX:
		a.renderFragment(w, r, p.Status, views.PlaceForm(formWith(in, p)))
	default:
		a.renderOops(w, r, p.Status, views.Oops{Title: oopsTitle(p.Status), Message: p.Description, RequestID: p.RequestID})
	}
}

func withRequestID(p problem) string {
	if p.Status == http.StatusUnprocessableEntity {
		return ""
	}
	if p.Status >= 500 {
		return p.Description + " (request " + p.RequestID + ")"
	}
	return p.Description
}

func oopsTitle(status int) string {
	switch {
	case status == http.StatusNotFound:
		return "Page not found"
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "Not allowed"
	case status == http.StatusTooManyRequests:
		return "Slow down a little"
	case status >= 500:
		return "Oops — something went wrong"
	}
	return "That did not work"
}

func (a *app) renderFragment(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	a.writeHTML(w, r, status, &encoded{raw: buf.Bytes()}, false)
}

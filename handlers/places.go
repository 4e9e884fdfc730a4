package handlers

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// requireWriter lets through only principals with the write permission,
// and tells everyone else what to do about it.
func (a *app) requireWriter(next endpoint) endpoint {
	return func(w http.ResponseWriter, r *http.Request) error {
		want := shapeOf(r)
		if !a.deps.Auth.Configured() {
			return &auth.Error{Kind: auth.KindNotConfigured, Code: "auth_not_configured",
				Description: "Adding places needs sign-in, which is not set up on this server. " + a.deps.Auth.LoginHint(r.Context())}
		}
		if err := authErrFrom(r.Context()); err != nil {
			return err
		}
		p := auth.FromContext(r.Context())
		switch {
		case p.Who == auth.Anonymous && (want == shapePage || want == shapeForm):
			http.Redirect(w, r, "/login?return_to="+loginReturnPath(r), http.StatusSeeOther)
			return nil
		case p.Who == auth.Anonymous:
			description := "Log in, or send an access token as Authorization: Bearer <token>."
			if want == shapeHTMX {
				description = "Your session has ended. Log in again to add places; what you typed is kept here."
			}
			return &refusal{status: http.StatusUnauthorized, code: "unauthorized", description: description,
				challenge: `Bearer realm="whib"`}
		case !p.CanWrite:
			permission := a.deps.Auth.WritePermission()
			return &refusal{status: http.StatusForbidden, code: "insufficient_scope",
				description: fmt.Sprintf("You may not add places: the %q permission is missing.", permission),
				challenge:   fmt.Sprintf(`Bearer realm="whib", error="insufficient_scope", scope=%q`, permission)}
		}
		return next(w, r)
	}
}

// loginReturnPath brings a person back to where the refused request was
// made from: the map for form posts, the address itself for GETs.
func loginReturnPath(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.EscapedPath()
	}
	return "/"
}

func (a *app) addPlace(w http.ResponseWriter, r *http.Request) error {
	want := shapeOf(r)
	in, typeErrs, err := decodePlace(w, r)
	if err != nil {
		return addFormError(err, in)
	}
	place, err := validatePlace(in, typeErrs)
	if err != nil {
		return addFormError(err, in)
	}
	near, nearM, isNear := a.nearbyPlace(r, place)
	if isNear && !in.nearOK && want != shapeJSON {
		// A person is asked first; an API client gets the place added and
		// the near one named in the answer.
		return a.askAboutNear(w, r, want, in, nearMessage(near, nearM))
	}
	p := auth.FromContext(r.Context())
	res, err := a.deps.Places.Add(r.Context(), place, store.Author{Name: p.Name, Email: p.Email})
	if err != nil {
		return addFormError(err, in)
	}
	status, message := http.StatusCreated, addedMessage(res)
	if !res.Added {
		status = http.StatusOK
	} else {
		a.log.Info("place added", "request_id", requestIDFrom(r.Context()), "place", res.Place.Name, "by", p.Who.String(), "version", res.Snapshot.Version)
	}

	switch want {
	case shapeJSON:
		notes := answerNotes{Message: message, Change: changeURL(res.Change), Undo: undoURL(res.Change)}
		if isNear && res.Added {
			notes.Near = &nearPlace{ID: near.ID, Name: near.Name, DistanceMeters: int(nearM + 0.5)}
		}
		return writeJSON(w, status, placeAnswer{a.stored(res.Snapshot, res.Place), notes})
	case shapeHTMX:
		if !res.Added {
			// Not a success: nothing was added. Said as a notice, not in green.
			return a.render(w, r, http.StatusOK, views.PlaceForm(views.Form{Notice: message}))
		}
		// The page's script puts the marker on the map (events.js).
		w.Header().Set("HX-Trigger", triggerJSON(views.PlaceAddedEvent, a.stored(res.Snapshot, res.Place)))
		if res.Visits > 0 {
			entry := a.entryOf(res.Snapshot, res.Place)
			return a.render(w, r, http.StatusOK, views.VisitAdded(views.Form{Status: message}, entry, placeCount(res.Snapshot), a.geoView(res.Snapshot), undoOf(res.Change, false)))
		}
		country := a.countryOf(res.Place)
		return a.render(w, r, http.StatusOK, views.PlaceAdded(views.Form{Status: message}, res.Place, res.Snapshot.ETag(res.Place), country, placeCount(res.Snapshot), a.geoView(res.Snapshot), undoOf(res.Change, false)))
	case shapeForm:
		http.Redirect(w, r, "/#places", http.StatusSeeOther)
		return nil
	}
	st := store.Status{LoadedAt: res.Snapshot.LoadedAt}
	return a.renderMap(w, r, mapView{status: status, snap: res.Snapshot, st: st, page: 1, form: views.Form{Status: message}})
}

// addedMessage says what an add did: "Added Graz to the map.", "Added a
// visit to Graz (2023)." when the place had other visits, or "Graz (2023)
// is already on the map." when nothing was written.
func addedMessage(res store.AddResult) string {
	name := res.Place.Name
	dated := name
	if when := res.Place.Visited.String(); when != "" {
		dated += " (" + when + ")"
	}
	switch {
	case !res.Added:
		return dated + " is already on the map."
	case res.Visits > 0:
		return "Added a visit to " + dated + "."
	}
	return fmt.Sprintf("Added %s to the map.", dated)
}

// nearbyPlace is a stored place with p's name within a kilometre that is
// not the same place (which Add itself recognises).
func (a *app) nearbyPlace(r *http.Request, p store.Place) (store.Place, float64, bool) {
	snap, _, err := a.snapshot(r.Context())
	if err != nil {
		return store.Place{}, 0, false
	}
	if _, same := snap.Index().Same(p); same {
		return store.Place{}, 0, false // Add answers "already on the map" itself
	}
	return snap.Index().Near(p)
}

// askAboutNear shows the form again, saying which place is near and
// asking whether to add this one anyway.
func (a *app) askAboutNear(w http.ResponseWriter, r *http.Request, want shape, in placeInput, message string) error {
	f := views.Form{Name: in.Name, Latitude: in.Latitude, Longitude: in.Longitude, Visited: in.Visited, Note: in.Note, Near: message}
	if want == shapeHTMX {
		return a.render(w, r, http.StatusOK, views.PlaceForm(f))
	}
	snap, st, err := a.snapshot(r.Context())
	if err != nil {
		return err
	}
	return a.renderMap(w, r, mapView{status: http.StatusOK, snap: snap, st: st, page: 1, form: f})
}

func (a *app) ping(w http.ResponseWriter, r *http.Request) error {
	err := a.pingReloads.do(r.Context(), a.now(), func() error {
		_, err := a.deps.Places.Refresh(context.WithoutCancel(r.Context()))
		return err
	})
	if err != nil {
		return err
	}
	snap, _, _ := a.deps.Places.Current()
	if shapeOf(r) == shapeJSON {
		return writeJSON(w, http.StatusOK, struct {
			Places      int       `json:"places"`
			Version     string    `json:"version"`
			RefreshedAt time.Time `json:"refreshed_at"`
		}{len(snap.Places), snap.Version, snap.LoadedAt.UTC()})
	}
	return a.renderMap(w, r, mapView{status: http.StatusOK, snap: snap, st: store.Status{LoadedAt: snap.LoadedAt}, page: 1})
}

// The data downloads are public, cacheable per version and shareable with
// any origin: they hold nothing that the map page does not show.

func (a *app) placesJSON(w http.ResponseWriter, r *http.Request) error {
	kind, build := a.withCountries("json", encodePlacesJSON)
	return a.serveData(w, r, kind, "application/json; charset=utf-8", build)
}

func (a *app) placesGeoJSON(w http.ResponseWriter, r *http.Request) error {
	kind, build := a.withCountries("geojson", encodePlacesGeoJSON)
	a.disposition(w, r, "places.geojson")
	return a.serveData(w, r, kind, "application/geo+json", build)
}

func (a *app) placesCSV(w http.ResponseWriter, r *http.Request) error {
	a.disposition(w, r, "places.csv")
	return a.serveData(w, r, "csv", "text/csv; charset=utf-8", func(v placesView) ([]byte, error) {
		if v.filter.IsZero() {
			return v.snap.Content, nil // the stored file (or the public one), byte for byte
		}
		return store.NewSnapshot(v.snap.Places, v.snap.Version, v.snap.LoadedAt).Content, nil
	})
}

// serveData answers a data download of the visits r asks for (?visited=),
// built once per version and filter.
func (a *app) serveData(w http.ResponseWriter, r *http.Request, kind, contentType string, build func(placesView) ([]byte, error)) error {
	filter, err := visitFilterOf(r)
	if err != nil {
		return err
	}
	snap, _, err := a.visible(r)
	if err != nil {
		return err
	}
	v := placesView{whole: snap, filter: filter}
	body, err := a.data.get(snap.Version, kind+v.filterKey(), func() ([]byte, error) { return build(viewOf(snap, filter)) })
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Access-Control-Allow-Origin", "*")
	if v := r.URL.Query().Get("v"); v != "" && v == snap.Version {
		// A versioned URL never changes meaning: the page asks for the
		// next version by a new URL.
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	a.privateResponse(w, r)
	body.write(w, r, http.StatusOK)
	return nil
}

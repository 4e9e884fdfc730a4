package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/julienschmidt/httprouter"

	"github.com/whib/whib/store"
)

// Links to a place name it by an id that an edit changes: a machine's
// stored id, /#place=<id>, a bookmarked edit page. GET /places/{id} and the
// edit routes follow an old id to the place now (store.Live.Resolve).

// place is GET /places/{id}: the place in the one shape, with its entity
// tag in ETag, which PATCH and DELETE take back in If-Match. An id the
// place had before an edit answers 301 to its id now; a deleted place 410
// naming the change that deleted it.
func (a *app) place(w http.ResponseWriter, r *http.Request) error {
	id := httprouter.ParamsFromContext(r.Context()).ByName("id")
	p, etag, err := a.findPlace(w, r, id)
	if err != nil {
		return redirectIfMoved(w, r, err, "")
	}
	w.Header().Set("ETag", etag)
	return writeJSON(w, http.StatusOK, a.withCountry(p, etag))
}

// movedError is an id a place had before an edit: the place is now
// current, by the change by.
type movedError struct {
	current string
	by      store.Change
}

func (e *movedError) Error() string { return "the place has the id " + e.current + " now" }

// findPlace is the place with this id on the map, with its entity tag. An
// id the place had before edits is a *movedError naming its id now, a
// deleted place a store.KindGone error naming the delete, and an id never
// seen store.KindUnknownID. Following an id reads the history, so those
// lookups count against the client's history rate.
func (a *app) findPlace(w http.ResponseWriter, r *http.Request, id string) (store.Place, string, error) {
	snap, _, err := a.snapshot(r.Context())
	if err != nil {
		return store.Place{}, "", err
	}
	if p, ok := snap.Place(id); ok {
		return p, snap.ETag(p), nil
	}
	if err := a.allow(w, r, a.changesLimiter); err != nil {
		return store.Place{}, "", err
	}
	res, err := a.deps.Places.Resolve(r.Context(), id)
	if err != nil {
		return store.Place{}, "", err
	}
	// The place is followed only to where the map shows it.
	if now, ok := snap.Place(res.Place.ID); ok && res.Moved {
		return store.Place{}, "", &movedError{current: now.ID, by: res.By}
	}
	return store.Place{}, "", &store.Error{Kind: store.KindUnknownID, Op: "find place " + id}
}

// redirectIfMoved answers a *movedError with 301 to /places/<id now> and
// suffix; any other error is returned as it is. The redirect is not
// stored: an id can come back (a rename undone), and a cached redirect
// would then point in a circle.
func redirectIfMoved(w http.ResponseWriter, r *http.Request, err error, suffix string) error {
	var moved *movedError
	if !errors.As(err, &moved) {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/places/"+url.PathEscape(moved.current)+suffix, http.StatusMovedPermanently)
	return nil
}

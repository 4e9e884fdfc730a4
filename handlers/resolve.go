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

// findPlace is the place with this id on the map r may see, with its
// entity tag. An id the place had before edits is a *movedError naming its
// id now, a deleted place a store.KindGone error naming the delete, and an
// id never seen store.KindUnknownID. Following an id reads the history, so
// it counts against the client's history rate, and only those who may
// read the history follow ids at all.
func (a *app) findPlace(w http.ResponseWriter, r *http.Request, id string) (store.Place, string, error) {
	snap, _, err := a.visible(r)
	if err != nil {
		return store.Place{}, "", err
	}
	if p, ok := snap.Place(id); ok {
		return p, snap.ETag(p), nil
	}
	unknown := &store.Error{Kind: store.KindUnknownID, Op: "find place " + id}
	if !a.cfg.PublicHistory && !a.isWriter(r) {
		return store.Place{}, "", unknown
	}
	if err := a.allow(w, r, a.changesLimiter); err != nil {
		return store.Place{}, "", err
	}
	res, err := a.deps.Places.Resolve(r.Context(), id)
	if err != nil {
		return store.Place{}, "", a.goneAsSeen(r, err)
	}
	// The place is followed only to where r sees it on the map.
	if now, ok := snap.Place(res.Place.ID); ok && res.Moved {
		return store.Place{}, "", &movedError{current: now.ID, by: res.By}
	}
	return store.Place{}, "", unknown
}

// goneAsSeen is a store.KindGone error as r may read it: the delete is
// named, but to anyone who may not write, not the place, which may have
// been private.
func (a *app) goneAsSeen(r *http.Request, err error) error {
	var gone *store.Error
	if !errors.As(err, &gone) || gone.Kind != store.KindGone || !a.cfg.Privacy.Active() || a.isWriter(r) {
		return err
	}
	return &store.Error{Kind: store.KindGone, Op: gone.Op, Change: gone.Change,
		Err: errors.New("the place was deleted by change " + gone.Change)}
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

package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"github.com/julienschmidt/httprouter"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// Curating: edit, move and delete places, read the history and undo any
// change. The writes need the write permission like adding, and go through
// the same rate limit, CSRF check and error path.

// placesChangedEvent tells the page's markers to follow an edit, delete
// or undo (views.PlacesChangedEvent).
const placesChangedEvent = views.PlacesChangedEvent

// changedPlaces tells the page what a change removed and added, as snap
// (the file after the change) stores them: the HX-Trigger detail for the
// markers, and the added places for the list.
func (a *app) changedPlaces(snap store.Snapshot, removed []string, added []store.Place) (placesChanged, []views.CountryPlace) {
	changed := placesChanged{Removed: removed, Added: make([]placeJSON, 0, len(added))}
	items := make([]views.CountryPlace, 0, len(added))
	for _, p := range added {
		changed.Added = append(changed.Added, a.stored(snap, p))
		items = append(items, a.listed(snap, p))
	}
	return changed, items
}

// listed is p as the list shows it from snap.
func (a *app) listed(snap store.Snapshot, p store.Place) views.CountryPlace {
	return views.CountryPlace{Place: p, ETag: snap.ETag(p), Country: a.countryOf(p)}
}

// twinsOf are the places snap stores as exactly the row p is stored as,
// p among them when it is stored (the talk's file holds São José twice),
// in the order of the file. Twins are numbered by position, so a change
// to one gives the others new ids and entity tags.
func twinsOf(snap store.Snapshot, p store.Place) []store.Place {
	row := p
	row.ID = ""
	var twins []store.Place
	for _, q := range snap.Places {
		id := q.ID
		if q.ID = ""; q == row {
			q.ID = id
			twins = append(twins, q)
		}
	}
	return twins
}

// twinIDs are the ids of the place with this id and of its identical
// twins in snap, in the order of the file; just id when it has none or
// snap does not hold it.
func twinIDs(snap store.Snapshot, id string) []string {
	p, ok := snap.Place(id)
	if !ok {
		return []string{id}
	}
	return idsOf(twinsOf(snap, p))
}

// author is who asks for a change: a person's name or e-mail address, or a
// machine's client id.
func author(r *http.Request) store.Author {
	p := auth.FromContext(r.Context())
	return store.Author{Name: p.Name, Email: p.Email}
}

func (a *app) editPlace(w http.ResponseWriter, r *http.Request) error {
	want := shapeOf(r)
	id := httprouter.ParamsFromContext(r.Context()).ByName("id")
	in, typeErrs, err := decodePlace(w, r)
	if err == nil && len(typeErrs) > 0 {
		err = &store.Error{Kind: store.KindInvalid, Op: "validate place", Fields: typeErrs}
	}
	t := targetOf(r, id)
	onEditPage := r.PostForm.Get("from") == "page"
	if err != nil {
		return editFormError(err, t, in, onEditPage)
	}
	before, _, _ := a.snapshot(r.Context()) // what the page showed, for its twins
	res, err := a.deps.Places.Edit(r.Context(), t, in.edit(), author(r))
	if err != nil {
		return editFormError(err, t, in, onEditPage)
	}
	message := "Nothing to change."
	if res.Changed {
		message = res.Change.Summary + "."
		if old := placeOr(before, id); old.ID != "" {
			message = editedMessage(old, res.Place)
		}
		a.log.Info("place edited", "request_id", requestIDFrom(r.Context()), "change", res.Change.Summary, "by", auth.FromContext(r.Context()).Who.String(), "version", res.Snapshot.Version)
	}
	switch want {
	case shapeJSON:
		return writeJSON(w, http.StatusOK, placeAnswer{a.stored(res.Snapshot, res.Place), answerNotes{Message: message, Change: changeURL(res.Change), Undo: undoURL(res.Change)}})
	case shapeHTMX:
		if res.Changed {
			// The markers of the place's twins, renumbered, come back too.
			added := append(slices.Clone(res.Change.After), twinsOf(res.Snapshot, placeOr(before, id))...)
			changed, _ := a.changedPlaces(res.Snapshot, twinIDs(before, id), added)
			w.Header().Set("HX-Trigger", triggerJSON(placesChangedEvent, changed))
		}
		if onEditPage {
			w.Header().Set("HX-Redirect", "/#places")
		}
		// The saved form goes: the keyboard goes back to the entry's Edit
		// (curate.js), and Undo waits in the status line.
		edited := views.PlaceEdited(res.Place, res.Snapshot.ETag(res.Place), a.countryOf(res.Place), message, undoOf(res.Change, false))
		if res.Changed && store.PlaceKey(placeOr(before, id)) == store.PlaceKey(res.Place) {
			// A visit's date or note: its place's entry, with all its visits.
			edited = templ.Join(edited, a.placesAgain(res.Snapshot, res.Place))
		}
		return a.render(w, r, http.StatusOK, edited)
	}
	http.Redirect(w, r, "/#places", http.StatusSeeOther)
	return nil
}

// placeOr is the place with this id in snap; the zero Place, which no
// stored place equals, when there is none.
func placeOr(snap store.Snapshot, id string) store.Place {
	p, ok := snap.Place(id)
	if !ok {
		return store.Place{}
	}
	return p
}

func (a *app) deletePlace(w http.ResponseWriter, r *http.Request) error {
	id := httprouter.ParamsFromContext(r.Context()).ByName("id")
	if err := boundBody(w, r, maxPlaceBody); err != nil {
		return bodyError(err, "")
	}
	before, _, _ := a.snapshot(r.Context()) // what the page showed, for its twins
	res, err := a.deps.Places.Delete(r.Context(), targetOf(r, id), author(r))
	if err != nil {
		return &statusRefusal{err: err}
	}
	a.log.Info("place deleted", "request_id", requestIDFrom(r.Context()), "place", res.Place.Name, "by", auth.FromContext(r.Context()).Who.String(), "version", res.Snapshot.Version)
	message := "Deleted " + res.Place.Name + "."
	switch shapeOf(r) {
	case shapeJSON:
		return writeJSON(w, http.StatusOK, placeAnswer{a.withCountry(res.Place, ""), answerNotes{Message: message, Change: changeURL(res.Change), Undo: undoURL(res.Change)}})
	case shapeHTMX:
		// Twins of the deleted place move up to the ids before theirs:
		// every old id goes, the twins come back with their ids now, and
		// the list loses the entry of the last id.
		old := twinIDs(before, id)
		changed, twins := a.changedPlaces(res.Snapshot, old, twinsOf(res.Snapshot, res.Place))
		w.Header().Set("HX-Trigger", triggerJSON(placesChangedEvent, changed))
		w.Header().Set("HX-Reswap", "none")
		return a.render(w, r, http.StatusOK, templ.Join(
			// The keyboard goes to the next entry (curate.js).
			views.PlaceDeleted(old[len(old)-1], twins, message, undoOf(res.Change, false), placeCount(res.Snapshot), a.geoView(res.Snapshot)),
			a.placesAgain(res.Snapshot, res.Place))) // the place's entry, with the visits it has left
	}
	http.Redirect(w, r, "/#places", http.StatusSeeOther)
	return nil
}

// editForm is the inline edit form (htmx), or a page with it. An id the
// place had before an edit leads to its form now.
func (a *app) editForm(w http.ResponseWriter, r *http.Request) error {
	id := httprouter.ParamsFromContext(r.Context()).ByName("id")
	p, etag, err := a.findPlace(w, r, id)
	if err != nil {
		return redirectIfMoved(w, r, err, "/edit")
	}
	f := views.Form{Name: p.Name, Latitude: p.Latitude.String(), Longitude: p.Longitude.String(), Visited: p.Visited.String(), Note: p.Note}
	if shapeOf(r) == shapeHTMX {
		return a.render(w, r, http.StatusOK, views.PlaceEditItem(id, etag, f, false))
	}
	return a.render(w, r, http.StatusOK, views.EditPage(views.EditModel{Assets: a.viewAssets(), Viewer: a.viewer(r.Context(), auth.FromContext(r.Context())), ID: id, ETag: etag, Form: f}))
}

// placeItem is one list entry again (the edit form's Cancel).
func (a *app) placeItem(w http.ResponseWriter, r *http.Request) error {
	p, etag, err := a.findPlace(w, r, httprouter.ParamsFromContext(r.Context()).ByName("id"))
	if err != nil {
		return redirectIfMoved(w, r, err, "/item")
	}
	return a.render(w, r, http.StatusOK, views.PlaceEdited(p, etag, a.countryOf(p), "", views.Undo{}))
}

func idsOf(places []store.Place) []string {
	ids := make([]string, 0, len(places))
	for _, p := range places {
		ids = append(ids, p.ID)
	}
	return ids
}

func nearMessage(q store.Place, meters float64) string {
	if meters < 1000 {
		return fmt.Sprintf("%s is already %d m from here.", q.Name, int(meters+0.5))
	}
	return fmt.Sprintf("%s is already %.1f km from here.", q.Name, meters/1000)
}

// targetOf is the place a PATCH or DELETE names: its id, and the entity
// tags of If-Match (RFC 9110 section 13.1.1), which the store checks
// against the place as stored. A form sent without JavaScript cannot send
// headers: the edit page's form carries the tag in the field if_match.
func targetOf(r *http.Request, id string) store.Target {
	t := store.Target{ID: id}
	for _, v := range r.Header.Values("If-Match") {
		for tag := range strings.SplitSeq(v, ",") {
			if tag = strings.TrimSpace(tag); tag != "" {
				t.IfMatch = append(t.IfMatch, tag)
			}
		}
	}
	if tag := strings.TrimSpace(r.PostForm.Get("if_match")); t.IfMatch == nil && tag != "" {
		t.IfMatch = []string{tag}
	}
	return t
}

package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/julienschmidt/httprouter"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// The history: the change log, one change with all its rows, and undo.

// changeRowsPerPage is how many of its rows GET /changes/{id} lists a page:
// an import adds up to 10,000, and a page of the log lists 20 a change.
const changeRowsPerPage = 200

// changeJSON is a change as GET /changes tells it.
type changeJSON struct {
	ID      string        `json:"id"`
	Kind    string        `json:"kind"`
	At      time.Time     `json:"at"`
	By      string        `json:"by"`
	Summary string        `json:"summary"`
	Before  []store.Place `json:"before"`
	After   []store.Place `json:"after"`
	// BeforeCount and AfterCount are all the rows the change removed and
	// added; a page of the log lists a few of them, GET /changes/{id} all.
	BeforeCount int     `json:"before_count"`
	AfterCount  int     `json:"after_count"`
	URL         *string `json:"url"`
	Undo        *string `json:"undo"`
	// Undoes and UndoneBy link an undo and what it undid, both ways.
	Undoes   string `json:"undoes,omitempty"`
	UndoneBy string `json:"undone_by,omitempty"`
}

func toChangeJSON(c store.Change) changeJSON {
	out := changeJSON{ID: c.ID, Kind: string(c.Kind), At: c.At.UTC(), By: c.By, Summary: c.Summary,
		Before: orEmpty(c.Before), After: orEmpty(c.After),
		BeforeCount: max(c.BeforeCount, len(c.Before)), AfterCount: max(c.AfterCount, len(c.After)),
		Undoes: c.Undoes, UndoneBy: c.UndoneBy}
	if c.URL != "" {
		out.URL = &c.URL
	}
	if u := undoURL(c); u != "" {
		out.Undo = &u
	}
	return out
}

func orEmpty(places []store.Place) []store.Place {
	if places == nil {
		return []store.Place{}
	}
	return places
}

func undoURL(c store.Change) string {
	if !c.CanUndo || c.ID == "" {
		return ""
	}
	return "/changes/" + c.ID + "/undo"
}

// undoOf is the Undo the status line offers for c, a change just made on
// the page; focus moves the keyboard to it.
func undoOf(c store.Change, focus bool) views.Undo {
	return views.Undo{URL: undoURL(c), Summary: c.Summary, Redo: c.Kind == store.ChangeUndo, Focus: focus}
}

func changeURL(c store.Change) string {
	if c.ID == "" {
		return ""
	}
	return "/changes#change-" + c.ID
}

// pageParam is the page ?page= asks for, from 1; 1 when it asks none.
func pageParam(r *http.Request) (int, error) {
	raw := r.URL.Query().Get("page")
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 100000 {
		return 0, refuse(http.StatusBadRequest, "invalid_page", "The page number must be a whole number from 1 up.")
	}
	return n, nil
}

func (a *app) changes(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	h, err := a.history(r, page)
	if err != nil {
		return err
	}
	var next *string
	if h.Next > 0 {
		u := "/changes?page=" + strconv.Itoa(h.Next)
		next = &u
	}
	if shapeOf(r) == shapeJSON {
		list := make([]changeJSON, 0, len(h.Changes))
		for _, ch := range h.Changes {
			list = append(list, toChangeJSON(ch))
		}
		return writeJSON(w, http.StatusOK, struct {
			Changes []changeJSON `json:"changes"`
			Next    *string      `json:"next"`
		}{list, next})
	}
	viewer := a.viewer(r.Context(), auth.FromContext(r.Context()))
	m := views.ChangesModel{Assets: a.viewAssets(), Viewer: viewer, Page: page, Changes: h.Changes}
	if next != nil {
		m.Next = *next
	}
	return a.render(w, r, http.StatusOK, views.ChangesPage(m))
}

// rowsPage is c listing the rows of page n (from 1): the n-th 200 of the
// rows it removed and of those it added; pages is how many pages its rows
// fill. The counts stay those of the whole change.
func rowsPage(c store.Change, n int) (page store.Change, pages int) {
	pages = max(1, (max(len(c.Before), len(c.After))+changeRowsPerPage-1)/changeRowsPerPage)
	from := (n - 1) * changeRowsPerPage
	cut := func(rows []store.Place) []store.Place {
		return rows[min(from, len(rows)):min(from+changeRowsPerPage, len(rows))]
	}
	c.BeforeCount, c.AfterCount = max(c.BeforeCount, len(c.Before)), max(c.AfterCount, len(c.After))
	c.Before, c.After = cut(c.Before), cut(c.After)
	return c, pages
}

// change is one change of the history with all its rows, 200 a page
// (?page=): JSON, or the change's own page.
func (a *app) change(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	ch, err := a.changeFor(r, httprouter.ParamsFromContext(r.Context()).ByName("id"))
	if err != nil {
		return err
	}
	page, pages := rowsPage(ch, n)
	if n > pages {
		return refuse(http.StatusNotFound, "not_found", fmt.Sprintf("This change lists its rows on pages 1 to %d.", pages))
	}
	if shapeOf(r) == shapeJSON {
		var next *string
		if n < pages {
			u := "/changes/" + ch.ID + "?page=" + strconv.Itoa(n+1)
			next = &u
		}
		return writeJSON(w, http.StatusOK, struct {
			changeJSON
			Page  int     `json:"page"`
			Pages int     `json:"pages"`
			Next  *string `json:"next"`
		}{toChangeJSON(page), n, pages, next})
	}
	viewer := a.viewer(r.Context(), auth.FromContext(r.Context()))
	return a.render(w, r, http.StatusOK, views.ChangePage(views.ChangeModel{Assets: a.viewAssets(), Viewer: viewer, Change: page, Page: n, Pages: pages}))
}

func (a *app) undoChange(w http.ResponseWriter, r *http.Request) error {
	id := httprouter.ParamsFromContext(r.Context()).ByName("id")
	if err := boundBody(w, r, maxPlaceBody); err != nil {
		return bodyError(err, "")
	}
	// The change log's Undo says where it was pressed: its answer is the
	// log's entry, not the map's status line.
	fromLog := shapeOf(r) != shapeJSON && r.PostFormValue("from") == "log"
	res, err := a.deps.Places.Undo(r.Context(), id, author(r))
	if err != nil {
		if fromLog {
			return a.refusedInLog(r, id, err)
		}
		return &statusRefusal{err: err, ofUndo: true}
	}
	a.log.Info("change undone", "request_id", requestIDFrom(r.Context()), "change", res.Change.Summary, "by", auth.FromContext(r.Context()).Who.String(), "version", res.Snapshot.Version)
	message := undoneMessage(res.Change)
	switch shapeOf(r) {
	case shapeJSON:
		return writeJSON(w, http.StatusOK, struct {
			Message string     `json:"message"`
			Change  changeJSON `json:"change"`
		}{message, toChangeJSON(res.Change)})
	case shapeHTMX:
		if fromLog {
			return a.undoneInLog(w, r, id, res.Change)
		}
		changed, restored := a.changedPlaces(res.Snapshot, idsOf(res.Change.Before), res.Change.After)
		w.Header().Set("HX-Trigger", triggerJSON(placesChangedEvent, changed))
		w.Header().Set("HX-Reswap", "none")
		return a.render(w, r, http.StatusOK, views.ChangeUndone(message, undoOf(res.Change, true), changed.Removed, restored, placeCount(res.Snapshot), a.geoView(res.Snapshot)))
	}
	http.Redirect(w, r, "/changes", http.StatusSeeOther)
	return nil
}

// undoneInLog answers an Undo pressed in the log (htmx): the entry of the
// change, now undone by undo, and the undo on top of the log.
func (a *app) undoneInLog(w http.ResponseWriter, r *http.Request, id string, undo store.Change) error {
	undone, err := a.changeFor(r, id)
	if err != nil {
		// The undo is written; the log is shown again as it is now.
		w.Header().Set("HX-Refresh", "true")
		w.WriteHeader(http.StatusOK)
		return nil
	}
	undone, _ = rowsPage(undone, 1)
	undone.UndoneBy, undone.CanUndo = undo.ID, false
	return a.render(w, r, http.StatusOK, views.UndoneInLog(undone, undo, true))
}

// statusRefusal is a change asked for in the map's status line or a
// list entry (an Undo, a Delete) and refused: the status line says why
// (htmx). A refused Undo goes from it, since it cannot apply; a passing
// failure (5xx) leaves it to be tried again.
type statusRefusal struct {
	err    error
	ofUndo bool
}

func (e *statusRefusal) Error() string { return e.err.Error() }
func (e *statusRefusal) Unwrap() error { return e.err }

func (e *statusRefusal) fragment(p problem) templ.Component {
	return views.CurateRefused(withRequestID(p), e.ofUndo && p.Status < 500)
}

// logRefusal is an undo pressed in the change log and refused: the entry
// of the change says why, in place (htmx), or the change's own page does
// (a form sent without JavaScript), instead of an error page.
type logRefusal struct {
	err    error
	change store.Change // the first page of its rows
	pages  int          // of its rows
}

func (e *logRefusal) Error() string { return e.err.Error() }
func (e *logRefusal) Unwrap() error { return e.err }

func (e *logRefusal) fragment(p problem) templ.Component {
	return views.UndoRefusedInLog(e.change, true, withRequestID(p))
}

// refusedInLog is err, an undo of the change id refused, as the log
// answers it.
func (a *app) refusedInLog(r *http.Request, id string, err error) error {
	c, readErr := a.changeFor(r, id)
	if readErr != nil {
		c = store.Change{ID: id, Summary: "This change could not be read again."}
	}
	c, pages := rowsPage(c, 1)
	var conflict *store.Error
	if errors.As(err, &conflict) && conflict.Kind == store.KindConflict && conflict.Change != "" {
		// Undone already, by the change named: the entry says so and
		// offers no Undo.
		c.UndoneBy, c.CanUndo = conflict.Change, false
	}
	return &logRefusal{err: err, change: c, pages: pages}
}

// refusedInLogPage is a refused undo from the log, sent without
// JavaScript: the change's own page, saying why in its entry.
func (a *app) refusedInLogPage(w http.ResponseWriter, r *http.Request, p problem, e *logRefusal) error {
	viewer := a.viewer(r.Context(), auth.FromContext(r.Context()))
	return a.render(w, r, p.Status, views.ChangePage(views.ChangeModel{Assets: a.viewAssets(), Viewer: viewer,
		Change: e.change, Page: 1, Pages: e.pages, Refused: withRequestID(p)}))
}

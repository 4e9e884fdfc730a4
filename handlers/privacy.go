package handlers

import (
	"net/http"
	"sync"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/privacy"
	"github.com/whib/whib/store"
)

// Privacy is one filter between the snapshot and every public output: the
// page and its list, the data and its downloads, the stats, the embed, the
// preview picture and the history all read the places through visible (or
// public), so none of them can forget it. Writers see everything, marked.

// publicViews keeps the public part of the current snapshot, worked out
// once per version, and again when a held-back visit comes of age.
type publicViews struct {
	mu      sync.Mutex
	version string
	view    privacy.View
	snap    store.Snapshot
}

// visible is the snapshot r may see: all of it for writers, the public
// part for everyone else.
func (a *app) visible(r *http.Request) (store.Snapshot, store.Status, error) {
	snap, st, err := a.snapshot(r.Context())
	if err != nil || a.isWriter(r) {
		return snap, st, err
	}
	return a.public(snap), st, nil
}

// isWriter reports whether r comes from a writer, who sees every place.
func (a *app) isWriter(r *http.Request) bool {
	return auth.FromContext(r.Context()).CanWrite
}

// public is the public part of snap: the snapshot itself, stored bytes
// and all, when nothing is private.
func (a *app) public(snap store.Snapshot) store.Snapshot {
	if !a.cfg.Privacy.Active() {
		return snap
	}
	_, pub := a.publicView(snap)
	return pub
}

// privateMarks says, for a writer, why each of places that is not public
// is not: nil when nothing is private or the viewer is not a writer.
func (a *app) privateMarks(snap store.Snapshot, places []store.Place, writer bool) map[string]string {
	if !writer || !a.cfg.Privacy.Active() {
		return nil
	}
	view, _ := a.publicView(snap)
	marks := map[string]string{}
	for _, p := range places {
		if r := view.Reason(p.ID); r != privacy.Public {
			marks[p.ID] = r.String()
		}
	}
	return marks
}

func (a *app) publicView(snap store.Snapshot) (privacy.View, store.Snapshot) {
	now := a.now()
	v := &a.publicViews
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.version == snap.Version && (v.view.Until.IsZero() || now.Before(v.view.Until)) {
		return v.view, v.snap
	}
	v.view = a.cfg.Privacy.Apply(snap, a.towns(), now)
	v.snap = store.NewSnapshot(v.view.Places, v.view.Version, snap.LoadedAt)
	v.version = snap.Version
	return v.view, v.snap
}

// towns finds a hidden place's nearest town once the gazetteer is loaded;
// until then a town area hides its places.
func (a *app) towns() privacy.Towns {
	ix, ok := a.deps.Geo.Ready()
	if !ok {
		return nil
	}
	if t, ok := any(ix).(privacy.Towns); ok {
		return t
	}
	return nil
}

// privateResponse marks a response that holds what is not public, so that
// no shared cache keeps it for someone else.
func (a *app) privateResponse(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Privacy.Active() && a.isWriter(r) {
		w.Header().Set("Cache-Control", "private, no-cache")
		w.Header().Add("Vary", "Cookie, Authorization")
	}
}

// history is a page of the change log as r may read it: an entry that
// touched a place that is not public shows, to anyone who may not write,
// without that place's name, point or author ("a private place").
func (a *app) history(r *http.Request, page int) (store.HistoryPage, error) {
	h, err := a.deps.Places.History(r.Context(), page)
	if err != nil || !a.cfg.Privacy.Active() || a.isWriter(r) {
		return h, err
	}
	for i, c := range h.Changes {
		h.Changes[i], _ = a.cfg.Privacy.Redact(c, a.now())
	}
	return h, nil
}

// changeFor is one change as r may read it (see history).
func (a *app) changeFor(r *http.Request, id string) (store.Change, error) {
	c, err := a.deps.Places.Change(r.Context(), id)
	if err != nil || !a.cfg.Privacy.Active() || a.isWriter(r) {
		return c, err
	}
	c, _ = a.cfg.Privacy.Redact(c, a.now())
	return c, nil
}

package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/whib/whib/events"
	"github.com/whib/whib/store"
)

// Live updates: GET /events is a stream of Server-Sent Events (package
// events). Each snapshot the places service starts serving is passed
// through the privacy filter, and an event named change goes to every
// stream when the public version moves: its id is that version, its data
// the public version and count. A place hidden or held back changes
// neither, so no event tells a viewer more than a reload would show.

// changeEventName is the event's name, which the page listens for
// (assets/events.js).
const changeEventName = "change"

// changeEvent is an event's data.
type changeEvent struct {
	// Version is the public version of the places: what GET /places?v=
	// serves, immutable, and what the page asks the stream to start after.
	Version string `json:"version"`
	// Places is how many places the public map has.
	Places int `json:"places"`
	// URL is where the page reads them: the versioned GET /places, with
	// countries once they are known (the same variant as the page's).
	URL string `json:"url"`
}

// startLive makes the broadcaster behind GET /events and has it hear of
// every snapshot served. Nil (no live updates) when MaxStreams is 0.
func (a *app) startLive() *events.Broadcaster[store.Snapshot] {
	if a.cfg.MaxStreams <= 0 {
		return nil
	}
	b, err := events.New(events.Config{MaxStreams: a.cfg.MaxStreams, Refuse: a.refuseStream, Logger: a.log}, a.changeEvent)
	if err != nil {
		panic(err) // MaxStreams is positive: the only error New has
	}
	a.deps.Places.Watch(func(snap store.Snapshot) {
		if err := b.Publish(snap); err != nil {
			a.log.Error("live updates: the change event could not be made", "err", err)
		}
	})
	if a.deps.OnShutdown != nil {
		a.deps.OnShutdown(b.Close)
	}
	return b
}

// changeEvent is what a snapshot tells the public: only the public part
// counts (privacy.go). Its ID is the public version, so the broadcaster
// sends nothing when only what is not public changed.
func (a *app) changeEvent(snap store.Snapshot) (events.Event, error) {
	pub := a.public(snap)
	data, err := json.Marshal(changeEvent{
		Version: pub.Version,
		Places:  len(pub.Places),
		URL:     "/places?v=" + pub.Version + markersURLCountries(a.geoReady()),
	})
	return events.Event{ID: pub.Version, Name: changeEventName, Data: data}, err
}

// liveVersion is the version a page of snap tells GET /events it shows
// (?since=): the public one, as events name it; a writer's page shows more
// than the public places, but their public version is what moves with an
// event. Empty when live updates are off.
func (a *app) liveVersion(snap store.Snapshot, writer bool) string {
	switch {
	case a.live == nil:
		return ""
	case writer:
		return a.public(snap).Version
	}
	return snap.Version
}

// liveEvents is GET /events. A page passes the version it shows as
// ?since=: the stream starts with the newest change when the page missed
// it (between its rendering and the stream's start), as it would for a
// reconnecting browser's Last-Event-ID, which takes precedence.
func (a *app) liveEvents(w http.ResponseWriter, r *http.Request) error {
	if a.live == nil {
		return refuse(http.StatusServiceUnavailable, "live_off", "Live updates are off on this server; reload the page to see the latest places.")
	}
	if since := r.URL.Query().Get("since"); since != "" && r.Header.Get("Last-Event-ID") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Last-Event-ID", since)
	}
	a.live.ServeHTTP(w, r)
	return nil
}

// refuseStream answers a request the broadcaster has no stream for, as
// every other refusal is answered.
func (a *app) refuseStream(w http.ResponseWriter, r *http.Request, err error) {
	wait, code, msg := 30*time.Second, "live_full", "Too many people are watching live right now; reload the page to see the latest places."
	if errors.Is(err, events.ErrClosed) {
		wait, code, msg = 5*time.Second, "restarting", "This server is restarting; live updates resume in a moment."
	}
	setRetryAfter(w, wait)
	a.serveError(w, r, shapeJSON, refuse(http.StatusServiceUnavailable, code, msg))
}

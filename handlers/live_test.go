package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

// A viewer of the live map learns only what a reload would show: a place
// added in a hidden area sends no event (the public version does not
// move); a public place sends one with the new public count, whose
// version names the places a reload, or the page's fetch, then reads.
func TestLiveEventsTellOnlyWhatAReloadWouldShow(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV([]byte(privateSeed())), apptest.WithConfig(withPrivacy))
	token := app.MachineToken(apptest.Permission)
	_, before := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"}) // loads the places
	stream := apptest.OpenStream(t, app.URL, "", nil)
	if cc := stream.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET /events Cache-Control = %q, want no-store", cc)
	}

	if resp, body := app.PostJSON(token, `{"name":"Neighbour","latitude":47.07121,"longitude":15.44011}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("adding a place in the hidden area = %d %s", resp.StatusCode, body)
	}
	if _, after := app.Do(nil, apptest.Request{Method: "GET", Path: "/places"}); after != before {
		t.Fatalf("a visitor's GET /places changed with a hidden place added:\n%s", after)
	}
	if resp, body := app.PostJSON(token, `{"name":"Madrid","latitude":40.4168,"longitude":-3.7038}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("adding a public place = %d %s", resp.StatusCode, body)
	}
	// The first event is the public one: the hidden place sent none.
	ev := stream.Next()
	change := ev.Change(t)
	if change.Places != 3 || ev.ID != change.Version || strings.Contains(ev.Data, "Neighbour") {
		t.Fatalf("first event after a hidden and a public add: id %q, %s; want the public count 3 (Lisbon, Graz, Madrid) and the version as its id", ev.ID, ev.Data)
	}
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: change.URL})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Madrid") || strings.Contains(body, "Neighbour") || strings.Contains(body, "Secret Home") {
		t.Fatalf("GET %s = %d %s; want the public places with Madrid", change.URL, resp.StatusCode, body)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("GET %s Cache-Control = %q, want immutable: the event names the version the visitor sees", change.URL, cc)
	}

	// A page rendered before the change catches up as soon as its stream
	// opens, and so does a browser reconnecting with Last-Event-ID.
	for _, s := range []*apptest.Stream{
		apptest.OpenStream(t, app.URL, "?since=some-older-version", nil),
		apptest.OpenStream(t, app.URL, "", map[string]string{"Last-Event-ID": "some-older-version"}),
	} {
		if first := s.Next().Change(t); first.Version != change.Version || first.Places != 3 {
			t.Errorf("a stream opened after the change starts with %+v, want %+v", first, change)
		}
	}
}

// Streams are bounded: one over MaxStreams is refused with a 503 that says
// when to come back, in the shape of every other refusal.
func TestLiveStreamsAreBounded(t *testing.T) {
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) { c.Handlers.MaxStreams = 1 }))
	apptest.OpenStream(t, app.URL, "", nil)
	resp, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/events", Header: map[string]string{"Accept": "text/event-stream"}})
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, `"code":"live_full"`) || !strings.Contains(body, "request_id") {
		t.Fatalf("a stream over the cap = %d, Retry-After %q, %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

package views

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestAddPlaceFormOnlyForTravellersWhoMayWrite(t *testing.T) {
	cases := []struct {
		name     string
		viewer   Viewer
		wantForm bool
		wantText string // "": no "Add a place" card at all
	}{
		{"anonymous", Viewer{}, false, ""},
		{"login impossible", Viewer{LoginHint: "Logging in is switched off."}, false, ""},
		{"signed in, may not write", Viewer{SignedIn: true, Name: "Ana", WriteHint: `Ask the owner for the "write:places" permission.`}, false, `Ask the owner for the "write:places" permission.`},
		{"signed in, may write", Viewer{SignedIn: true, Name: "Jess", CanWrite: true}, true, "Click the map to fill in the coordinates."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mapModel()
			m.Viewer = tc.viewer
			doc := parse(t, render(t, MapPage(m)))
			if got := byID(doc, "add-place") != nil; got != tc.wantForm {
				t.Fatalf("form shown = %v, want %v", got, tc.wantForm)
			}
			panels := all(doc, "section", withClass("add-place-panel"))
			if tc.wantText == "" {
				if len(panels) != 0 {
					t.Errorf("a visitor gets an \"Add a place\" card: %q", text(panels[0]))
				}
				return
			}
			if len(panels) != 1 {
				t.Fatalf("%d add-place cards, want 1", len(panels))
			}
			if got := text(panels[0]); !strings.Contains(got, tc.wantText) {
				t.Errorf("panel says %q, want it to contain %q", got, tc.wantText)
			}
		})
	}
}

func TestPlaceFormPostsWithAndWithoutHtmx(t *testing.T) {
	doc := parse(t, render(t, PlaceForm(Form{})))
	form := mustID(t, doc, "add-place")
	want := map[string]string{
		"method":    "post",
		"action":    "/places",
		"hx-post":   "/places",
		"hx-target": "this",
		"hx-swap":   "outerHTML",
	}
	for name, value := range want {
		if got := attr(form, name); got != value {
			t.Errorf("form %s = %q, want %q", name, got, value)
		}
	}
	inputs := map[string]*html.Node{}
	for _, in := range all(form, "input", nil) {
		inputs[attr(in, "name")] = in
	}
	for _, name := range []string{"name", "latitude", "longitude"} {
		in := inputs[name]
		if in == nil {
			t.Fatalf("no input named %q", name)
		}
		if !hasAttr(in, "required") {
			t.Errorf("%s should be required", name)
		}
		labels := all(form, "label", func(l *html.Node) bool { return attr(l, "for") == attr(in, "id") })
		if len(labels) != 1 {
			t.Errorf("%s should have exactly one label, got %d", name, len(labels))
		}
		if hasAttr(in, "aria-invalid") {
			t.Errorf("%s should not be marked invalid without an error", name)
		}
	}
	if attr(inputs["name"], "maxlength") != "100" {
		t.Errorf("name maxlength = %q, want 100", attr(inputs["name"], "maxlength"))
	}
	for _, name := range []string{"latitude", "longitude"} {
		if attr(inputs[name], "inputmode") != "decimal" {
			t.Errorf("%s inputmode = %q, want decimal", name, attr(inputs[name], "inputmode"))
		}
	}
	if len(all(form, "button", func(n *html.Node) bool { return attr(n, "type") == "submit" })) != 1 {
		t.Error("want one submit button")
	}
	indicators := all(form, "", withClass("htmx-indicator"))
	if len(indicators) != 1 || !strings.Contains(text(indicators[0]), "Saving…") {
		t.Errorf("want one htmx-indicator saying Saving…, got %d", len(indicators))
	}
	status := mustID(t, form, "form-status")
	if attr(status, "aria-live") != "polite" {
		t.Error("the status region should be aria-live=polite")
	}
}

func TestPlaceFormShowsErrorsNextToTheirFieldsAndKeepsValues(t *testing.T) {
	f := Form{
		Name: evilName, Latitude: "147", Longitude: "15.4",
		Errors: map[string]string{"latitude": "Latitude must be between -90 and 90."},
		Error:  "GitHub is unavailable right now; nothing was saved. (request 7f3a)",
	}
	out := render(t, PlaceForm(f))
	doc := parse(t, out)

	lat := mustID(t, doc, "place-latitude")
	if attr(lat, "aria-invalid") != "true" || attr(lat, "aria-describedby") != "latitude-error" {
		t.Errorf("latitude should be invalid and described by its error: %v", lat.Attr)
	}
	msg := mustID(t, doc, "latitude-error")
	if text(msg) != "Latitude must be between -90 and 90." {
		t.Errorf("latitude error %q", text(msg))
	}
	if msg.Parent != lat.Parent {
		t.Error("the error message should sit next to its field")
	}
	for _, id := range []string{"place-name", "place-longitude"} {
		if hasAttr(mustID(t, doc, id), "aria-invalid") {
			t.Errorf("%s has no error and should not be marked invalid", id)
		}
	}
	if byID(doc, "name-error") != nil || byID(doc, "longitude-error") != nil {
		t.Error("no error elements for valid fields")
	}

	values := map[string]string{"place-name": evilName, "place-latitude": "147", "place-longitude": "15.4"}
	for id, want := range values {
		if got := attr(mustID(t, doc, id), "value"); got != want {
			t.Errorf("%s value %q, want it kept as %q", id, got, want)
		}
	}
	if len(all(doc, "img", nil)) != 0 || !strings.Contains(out, `value="&lt;img src=x onerror=alert(1)&gt;"`) {
		t.Error("the kept name must stay an escaped attribute value")
	}

	general := mustID(t, doc, "form-error")
	if attr(general, "role") != "alert" || text(general) != f.Error {
		t.Errorf("general error should be an alert saying %q, got role=%q %q", f.Error, attr(general, "role"), text(general))
	}
}

func TestEveryFieldCanCarryItsOwnError(t *testing.T) {
	f := Form{Errors: map[string]string{"name": "Name is required.", "latitude": "Latitude is required.", "longitude": "Longitude is required."}}
	doc := parse(t, render(t, PlaceForm(f)))
	for _, field := range []string{"name", "latitude", "longitude"} {
		in := mustID(t, doc, "place-"+field)
		if attr(in, "aria-describedby") != field+"-error" {
			t.Errorf("%s aria-describedby = %q", field, attr(in, "aria-describedby"))
		}
		if got := text(mustID(t, doc, field+"-error")); got != f.Errors[field] {
			t.Errorf("%s error %q", field, got)
		}
	}
}

func TestPlaceAddedResetsTheFormAndAppendsThePlaceOutOfBand(t *testing.T) {
	added := place(evilName, "47.0707", "15.4395")
	out := render(t, PlaceAdded(Form{Name: "left over", Errors: map[string]string{"name": "old"}}, added, `"x.1"`, Country{}, 10, Geo{}, Undo{}))
	doc := parse(t, out)

	form := mustID(t, doc, "add-place")
	for _, in := range all(form, "input", nil) {
		if v := attr(in, "value"); v != "" {
			t.Errorf("input %s should be empty after an add, has %q", attr(in, "name"), v)
		}
		if hasAttr(in, "aria-invalid") {
			t.Errorf("input %s should not be invalid after an add", attr(in, "name"))
		}
	}
	if got, want := text(mustID(t, form, "form-status")), "Added "+evilName+" to the map."; got != want {
		t.Errorf("status %q, want %q", got, want)
	}

	appends := all(doc, "", func(n *html.Node) bool {
		return strings.HasPrefix(attr(n, "hx-swap-oob"), "beforeend:#place-list")
	})
	if len(appends) != 1 {
		t.Fatalf("want one out-of-band append to #place-list, got %d", len(appends))
	}
	items := all(appends[0], "li", nil)
	if len(items) != 1 || !strings.Contains(text(items[0]), evilName) || !strings.Contains(text(items[0]), "47.0707° N, 15.4395° E") {
		t.Fatalf("the appended item should show the name and coordinates, got %d items", len(items))
	}
	if len(all(doc, "img", nil)) != 0 {
		t.Error("the added name became an element")
	}

	count := mustID(t, doc, "place-count")
	if attr(count, "hx-swap-oob") != "true" || text(count) != "10" {
		t.Errorf("want an out-of-band count of 10, got oob=%q text=%q", attr(count, "hx-swap-oob"), text(count))
	}
	if attr(mustID(t, doc, "places-empty"), "hx-swap-oob") != "delete" {
		t.Error("the 'No places yet' note should be removed out of band")
	}
}

func TestPlaceAddedUsesTheHandlersStatusText(t *testing.T) {
	out := render(t, PlaceAdded(Form{Status: "Graz was already on the map."}, place("Graz", "47", "15"), `"x.1"`, Country{}, 9, Geo{}, Undo{}))
	if got := text(mustID(t, parse(t, out), "form-status")); got != "Graz was already on the map." {
		t.Errorf("status %q", got)
	}
}

func TestPlaceAddedEventNameIsStable(t *testing.T) {
	// Handlers put it in HX-Trigger and app.js listens for it.
	if PlaceAddedEvent != "place-added" {
		t.Fatalf("PlaceAddedEvent = %q", PlaceAddedEvent)
	}
}

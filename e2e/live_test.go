package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/whib/whib/internal/apptest"
)

// mapView is where the viewer has the map: its centre and zoom.
const mapView = `(() => { const m = window.whib.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()].join(","); })()`

// A visitor watching the map sees a place someone else adds appear without
// a reload: a marker, an entry in the list, the count and the summary, and
// a notice naming it; the map stays where the visitor left it. The embed
// follows too.
func TestAPlaceAddedElsewhereAppearsWithoutReloadAndTheMapStaysPut(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	places := len(storedNames(t, app))
	b.do("zoom in on Graz and mark the page to detect a reload",
		chromedp.Evaluate[chromedp.Void](`window.whib.map.setView([47.07, 15.44], 9, {animate: false}); window.__noReload = 1`))
	before := get(b, "read the view", chromedp.Evaluate[string](mapView))

	// Another client: a machine with a bearer token.
	token := app.MachineToken(apptest.Permission)
	if resp, body := app.PostJSON(token, `{"name":"Lisbon","latitude":38.7223,"longitude":-9.1393}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the other client's add = %d %s", resp.StatusCode, body)
	}
	b.until("the notice says Lisbon was added", `() => {
		const n = document.getElementById("live-notice");
		return n !== null && n.textContent === "Lisbon was added";
	}`)
	if got := b.markersReady(); got != strconv.Itoa(places+1) {
		t.Errorf("data-markers-ready = %q after the add elsewhere, want %d", got, places+1)
	}
	if got := b.listedNames(); len(got) != places+1 || got[places] != "Lisbon" {
		t.Errorf("the list shows %q, want Lisbon last of %d", got, places+1)
	}
	if got := b.text("#place-count"); got != strconv.Itoa(places+1) {
		t.Errorf("the list's count says %q, want %d", got, places+1)
	}
	b.until("the summary counts the new place", `(want) => document.querySelector("#places-summary p").textContent.startsWith(want)`,
		strconv.Itoa(places+1)+" places")
	if after := get(b, "read the view", chromedp.Evaluate[string](mapView)); after != before {
		t.Errorf("the map moved from %s to %s when a place was added elsewhere", before, after)
	}
	if !get(b, "check the page was not reloaded", chromedp.Evaluate[bool](`window.__noReload === 1`)) {
		t.Error("the page was reloaded to show the new place")
	}

	b.do("open the embed", chromedp.Navigate(app.URL+"/embed"))
	b.until("the embed's markers are on the map", `(n) => document.documentElement.dataset.markersReady === String(n)`, places+1)
	if resp, body := app.PostJSON(token, `{"name":"Porto","latitude":41.1579,"longitude":-8.6291}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the other client's second add = %d %s", resp.StatusCode, body)
	}
	b.until("the embed shows Porto", `(n) => document.documentElement.dataset.markersReady === String(n) &&
		document.getElementById("live-notice").textContent === "Porto was added"`, places+2)
	b.until("the embed's credit counts it", `(want) => document.querySelector(".embed-credit a").textContent.startsWith(want)`,
		strconv.Itoa(places+2)+" places")
}

// A writer's own add is on the page once: when the live update for it
// comes, the page finds nothing new and says nothing.
func TestAWritersOwnAddIsNotShownTwice(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	b.do("see the add-place form", chromedp.WaitVisible(chromedp.CSS(placeForm)))
	places := len(storedNames(t, app))
	shown := get(b, "read the version shown", chromedp.Evaluate[string](`document.getElementById("map").dataset.liveVersion`))

	b.do("fill in a place and save",
		chromedp.SendKeys(chromedp.CSS(nameField), "Schöckl"),
		chromedp.SendKeys(chromedp.CSS(latitudeField), "47.1983"),
		chromedp.SendKeys(chromedp.CSS(longitudeField), "15.4654"),
		chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	// live.js marks each version it has caught up with.
	b.until("the live update for the add has been followed", `(shown) => {
		const v = document.documentElement.dataset.liveVersion;
		return v !== undefined && v !== shown;
	}`, shown)
	if got := b.markerCount(); got != places+1 {
		t.Errorf("the map shows %d markers, want %d: the add once", got, places+1)
	}
	if got := b.listedNames(); len(got) != places+1 || strings.Count(strings.Join(got, "\n"), "Schöckl") != 1 {
		t.Errorf("the list shows %q, want Schöckl once among %d", got, places+1)
	}
	if b.exists("#live-notice") && b.text("#live-notice") != "" {
		t.Errorf("the writer is told of their own add as if made elsewhere: %q", b.text("#live-notice"))
	}
}

// A visit added elsewhere to a place the list shows already joins that
// place's entry, as a reload would show it, instead of listing the place
// twice.
func TestAVisitAddedElsewhereJoinsItsPlacesEntry(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	token := app.MachineToken(apptest.Permission)
	if resp, body := app.PostJSON(token, `{"name":"Graz","latitude":47.09113253131379,"longitude":15.475817295884497,"visited":"2024-05"}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the other client's visit = %d %s", resp.StatusCode, body)
	}
	b.until("Graz is listed once, with its 2024-05 visit", `() => {
		const entries = [...document.querySelectorAll("#place-list > li")].filter(li => li.querySelector(".place-name")?.textContent === "Graz");
		return entries.length === 1 && [...entries[0].querySelectorAll(".visit-date")].map(e => e.textContent).includes("2024-05");
	}`)
	if got := b.text("#place-count"); got != strconv.Itoa(len(storedNames(t, app))) {
		t.Errorf("the list's count says %q, want %d places", got, len(storedNames(t, app)))
	}
}

package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

func TestVisitorSeesEveryPlaceOnTheMapAndInTheList(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")

	want := storedNames(t, app)
	if got := b.markersReady(); got != strconv.Itoa(len(want)) {
		t.Errorf("data-markers-ready = %q, want %d (one marker per place)", got, len(want))
	}
	if got := b.markerCount(); got != len(want) {
		t.Errorf("the map shows %d markers, want %d", got, len(want))
	}
	if got := b.listedNames(); !slices.Equal(got, want) {
		t.Errorf("the list shows\n%q\nwant\n%q", got, want)
	}
	if got := b.text("#place-count"); got != strconv.Itoa(len(want)) {
		t.Errorf("the list's count says %q, want %d", got, len(want))
	}
	if b.exists(".map-fallback") {
		t.Error(`the "map needs JavaScript" note is still shown although the map works`)
	}
	if b.exists(placeForm) {
		t.Error("an anonymous visitor sees the add-place form")
	}
	b.do("see Log in", chromedp.WaitVisible(chromedp.CSS(logInLink)))
}

func TestTravellerAddsPlaceByClickingTheMapWithoutReload(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	b.do("see the add-place form", chromedp.WaitVisible(chromedp.CSS(placeForm)))

	places := len(storedNames(t, app))
	csvBefore := app.GitHub.File("places.csv")
	commitsBefore := len(app.GitHub.Commits())

	clicked := b.clickMap()
	// The form is beside the map and focus is on the name, ready to type.
	b.until("focus moves to the name field, in view", `() => {
		const name = document.querySelector("#place-name"), r = name.getBoundingClientRect();
		return document.activeElement === name && r.top >= 0 && r.bottom <= window.innerHeight;
	}`)
	latitude, longitude := b.value(latitudeField), b.value(longitudeField)
	sixDecimals := regexp.MustCompile(`^-?\d{1,3}\.\d{6}$`)
	if !sixDecimals.MatchString(latitude) || !sixDecimals.MatchString(longitude) {
		t.Fatalf("the map click filled in latitude %q, longitude %q; want decimal degrees", latitude, longitude)
	}

	const name = "Schöckl"
	b.do("mark the page to detect a reload", chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`))
	b.do("type a name and save",
		chromedp.SendKeys(chromedp.CSS(nameField), name),
		chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	b.until("the new place is in the list and on the map", `(name, markers) =>
		[...document.querySelectorAll("#place-list li .place-name")].some(e => e.textContent === name) &&
		document.documentElement.dataset.markersReady === String(markers)`, name, places+1)

	if !get(b, "check the page was not reloaded", chromedp.Evaluate[bool](`window.__noReload === 1`)) {
		t.Error("the page was reloaded to show the new place")
	}
	if got := b.markerCount(); got != places+1 {
		t.Errorf("the map shows %d markers after adding, want %d", got, places+1)
	}
	if got := b.listedNames(); len(got) != places+1 || got[places] != name {
		t.Errorf("the list shows %q, want the new place %q last of %d", got, name, places+1)
	}
	if got := b.text("#place-count"); got != strconv.Itoa(places+1) {
		t.Errorf("the list's count says %q, want %d", got, places+1)
	}
	if got := b.text("#form-status"); !strings.Contains(got, name) {
		t.Errorf("the form's status says %q, want it to name %q", got, name)
	}
	if got := b.value(nameField); got != "" {
		t.Errorf("the name field still holds %q after saving, want a fresh form", got)
	}
	if at := b.markerTip(name); math.Abs(at.MapX-clicked.MapX) > 3 || math.Abs(at.MapY-clicked.MapY) > 3 {
		t.Errorf("the new marker points at (%.0f, %.0f) on the map, want where the map was clicked (%.0f, %.0f)",
			at.MapX, at.MapY, clicked.MapX, clicked.MapY)
	}

	// The repository got exactly this row, in one commit.
	csvAfter := app.GitHub.File("places.csv")
	if !bytes.HasPrefix(csvAfter, csvBefore) {
		t.Fatalf("places.csv was rewritten, not appended to:\nbefore:\n%s\nafter:\n%s", csvBefore, csvAfter)
	}
	rows, err := csv.NewReader(bytes.NewReader(csvAfter[len(csvBefore):])).ReadAll()
	if err != nil || len(rows) != 1 || !slices.Equal(rows[0], []string{name, latitude, longitude}) {
		t.Errorf("places.csv gained %q (err %v), want the one row %q", csvAfter[len(csvBefore):], err, []string{name, latitude, longitude})
	}
	commits := app.GitHub.Commits()
	if len(commits) != commitsBefore+1 {
		t.Fatalf("the repository has %d new commits, want 1", len(commits)-commitsBefore)
	}
	if msg := commits[len(commits)-1].Message; !strings.Contains(msg, name) || !strings.Contains(msg, "Ada Lovelace") {
		t.Errorf("the commit message %q does not say what was added and by whom", msg)
	}
}

func TestInvalidLatitudeIsShownNextToItsFieldWithInputKept(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Grace Hopper", true)
	b.do("see the add-place form", chromedp.WaitVisible(chromedp.CSS(placeForm)))
	listBefore := b.listedNames()
	csvBefore := app.GitHub.File("places.csv")
	commitsBefore := len(app.GitHub.Commits())

	b.do("mark the page to detect a reload", chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`))
	b.do("fill in a latitude out of range and save",
		chromedp.SendKeys(chromedp.CSS(nameField), "Atlantis"),
		chromedp.SendKeys(chromedp.CSS(latitudeField), "123"),
		chromedp.SendKeys(chromedp.CSS(longitudeField), "10"),
		chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("#latitude-error")))

	if msg := b.text("#latitude-error"); !strings.Contains(strings.ToLower(msg), "latitude") || !strings.Contains(msg, "90") {
		t.Errorf("the latitude error says %q, want it to explain the range", msg)
	}
	attrs := get(b, "read the latitude field", chromedp.Attributes(chromedp.CSS(latitudeField)))
	if attrs["aria-invalid"] != "true" || !strings.Contains(attrs["aria-describedby"], "latitude-error") {
		t.Errorf("the latitude field has aria-invalid=%q aria-describedby=%q, want it marked invalid and pointing at its message",
			attrs["aria-invalid"], attrs["aria-describedby"])
	}
	for field, want := range map[string]string{nameField: "Atlantis", latitudeField: "123", longitudeField: "10"} {
		if got := b.value(field); got != want {
			t.Errorf("%s holds %q after the error, want the typed %q kept", field, got, want)
		}
	}
	for _, other := range []string{"#name-error", "#longitude-error"} {
		if b.exists(other) {
			t.Errorf("%s is shown, but only the latitude is wrong: %q", other, b.text(other))
		}
	}
	if focused := get(b, "see which field has focus", chromedp.Evaluate[string](`document.activeElement && document.activeElement.id`)); focused != "place-latitude" {
		t.Errorf("focus is on %q, want it on the invalid latitude field", focused)
	}
	if !get(b, "check the page was not reloaded", chromedp.Evaluate[bool](`window.__noReload === 1`)) {
		t.Error("the page was reloaded to show the error")
	}
	if got := b.listedNames(); !slices.Equal(got, listBefore) {
		t.Errorf("the list changed after a rejected place: %q", got)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), csvBefore) || len(app.GitHub.Commits()) != commitsBefore {
		t.Error("a rejected place changed the repository")
	}
}

func TestHostileNameIsShownAsTextEverywhere(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Mallory", true)
	b.do("see the add-place form", chromedp.WaitVisible(chromedp.CSS(placeForm)))
	places := len(storedNames(t, app))

	const hostile = `<img src=x onerror=alert(1)>`
	b.clickMap()
	b.do("save a place with markup for a name",
		chromedp.SendKeys(chromedp.CSS(nameField), hostile),
		chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	b.until("the place is in the list and on the map", `(name, markers) =>
		[...document.querySelectorAll("#place-list li .place-name")].some(e => e.textContent === name) &&
		document.documentElement.dataset.markersReady === String(markers)`, hostile, places+1)
	b.noInjectedImage("after saving")

	// The tooltip shows on hover, the popup on click; both as text.
	tip := b.markerTip(hostile)
	icon := spot{X: tip.X, Y: tip.Y - 20} // the pin's body, above its tip
	b.do("hover over the new marker",
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, icon.X, icon.Y),
		chromedp.WaitVisible(chromedp.CSS(".leaflet-tooltip .place-tooltip")))
	if got := b.text(".leaflet-tooltip .place-tooltip"); got != hostile {
		t.Errorf("the tooltip says %q, want the name as text %q", got, hostile)
	}
	b.do("click the new marker",
		chromedp.MouseClickXY(icon.X, icon.Y),
		chromedp.WaitVisible(chromedp.CSS(".leaflet-popup-content .place-popup")))
	if got := b.text(".leaflet-popup-content .place-popup"); got != hostile {
		t.Errorf("the popup says %q, want the name as text %q", got, hostile)
	}
	b.noInjectedImage("with the tooltip and the popup open")

	// A fresh page renders the name on the server: list and marker data.
	b.openMap(app.URL + "/")
	if got := b.listedNames(); len(got) != places+1 || got[places] != hostile {
		t.Errorf("after a reload the list shows %q, want %q last of %d", got, hostile, places+1)
	}
	if got := b.markerCount(); got != places+1 {
		t.Errorf("after a reload the map shows %d markers, want %d", got, places+1)
	}
	b.noInjectedImage("after a reload")
}

// noInjectedImage fails if the hostile name turned into an element anywhere.
func (b *tab) noInjectedImage(when string) {
	b.t.Helper()
	n := get(b, "look for injected images", chromedp.Evaluate[int](
		`document.querySelectorAll('img[src="x"], img[onerror], #place-list img, .leaflet-popup img, .leaflet-tooltip img').length`))
	if n != 0 {
		b.t.Errorf("%s: the page has %d element(s) made from the place name's markup", when, n)
	}
}

func TestSignedInWithoutPermissionSeesWhyAndCanLogOut(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Eve Reader", false)

	if b.exists(placeForm) {
		t.Error("someone without the permission sees the add-place form")
	}
	note := b.text(panelNote)
	// In plain words: the permission's name is jargon for the operator.
	if !strings.Contains(note, "may not add places") || strings.Contains(note, apptest.Permission) {
		t.Errorf("the panel says %q, want it to explain in plain words that the account may not add places", note)
	}

	b.do("log out", chromedp.Click(chromedp.CSS(logOutButton), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(logInLink)))
	if at := b.location(); !strings.HasPrefix(at, app.URL+"/") {
		t.Errorf("after logging out the browser is at %s, want the map at %s/", at, app.URL)
	}
	b.until("the markers are on the map", `() => document.documentElement.dataset.markersReady !== undefined`)
	if b.exists(signedInAs) || b.exists(placeForm) {
		t.Error("after logging out the page still shows the person as signed in")
	}

	// The session is really gone, not just hidden on this page.
	b.openMap(app.URL + "/")
	b.do("see Log in after a reload", chromedp.WaitVisible(chromedp.CSS(logInLink)))
	if b.exists(signedInAs) {
		t.Error("after logging out and reloading the person is signed in again")
	}
}

func TestContentSecurityPolicyBlocksInjectedInlineScript(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")

	// What an injection would try: an inline script. The policy must stop
	// it, and the console watcher must notice (or its silence in the other
	// tests would prove nothing).
	b.do("inject an inline script", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.createElement("script");
		s.textContent = "window.__injected = 1";
		document.head.appendChild(s);
	})()`))
	if get(b, "check whether the inline script ran", chromedp.Evaluate[bool](`window.__injected === 1`)) {
		t.Error("an injected inline script ran: the Content-Security-Policy does not block inline scripts")
	}
	b.call("wait for the console to report the violation", func(ctx context.Context) error {
		return b.waitForProblem(ctx, "Content-Security-Policy")
	})
	b.forgetProblems() // expected here; every other test fails on one
}

func TestLargeMapFetchesItsMarkersAndClustersThem(t *testing.T) {
	// Lowered limits make the talk's eleven rows a "large" map: the page
	// does not embed the markers, the script fetches them, and clusters them.
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
		c.Handlers.InlineMarkerLimit = 5
		c.Handlers.ClusterThreshold = 5
	}))
	b := openTab(t)
	b.openMap(app.URL + "/")

	want := storedNames(t, app)
	if b.exists("#places-data") {
		t.Error("the page embeds the marker data although the map is above the inline limit")
	}
	if got := b.markersReady(); got != strconv.Itoa(len(want)) {
		t.Errorf("data-markers-ready = %q, want %d", got, len(want))
	}
	if !b.exists("#map .marker-cluster") {
		t.Error("no cluster on a map above the cluster threshold")
	}
	if got := b.markerCount(); got != len(want) {
		t.Errorf("markers and clusters on the map add up to %d places, want %d", got, len(want))
	}
	if got := b.listedNames(); !slices.Equal(got, want) {
		t.Errorf("the list shows\n%q\nwant\n%q", got, want)
	}
}

// An edit gives a place a new id, so a link to the old one (/#place=<id>)
// is followed to the place now, and a link to a deleted place says so.
func TestALinkToAPlaceSurvivesItsEdits(t *testing.T) {
	app := startApp(t)
	token := app.MachineToken(apptest.Permission)
	_, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/places"}) // loaded
	snap, _, _ := app.Live.Current()
	var taipei, graz string
	for _, p := range snap.Places {
		switch p.Name {
		case "Taipei":
			taipei = p.ID
		case "Graz":
			graz = p.ID
		}
	}
	call := func(method, path, body string) map[string]any {
		h := map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token, "Content-Type": "application/json"}
		resp, answer := app.Do(nil, apptest.Request{Method: method, Path: path, Body: body, Header: h})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, answer)
		}
		return apptest.DecodeJSON(t, answer)
	}
	renamed := call("PATCH", "/places/"+taipei, `{"name":"Taipei 101"}`)["id"].(string)
	call("DELETE", "/places/"+graz, "")

	b := openTab(t)
	b.openMap(app.URL + "/#place=" + taipei)
	b.until("the map opens Taipei 101 and the address names it", `(id) =>
		document.querySelector(".leaflet-popup .place-popup")?.textContent === "Taipei 101" &&
		location.hash === "#place=" + id`, renamed)

	b.do("follow a link to Graz", chromedp.Evaluate[chromedp.Void](`location.hash = "#place=`+graz+`"`))
	b.until("the map says Graz was deleted", `() => document.getElementById("map-status").textContent.startsWith("Graz was deleted by change ")`)
}

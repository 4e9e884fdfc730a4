package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

// Selectors of whib's pages (views/*.templ) and of the development
// provider's login page (auth/devoidc/login.go).
const (
	placeList      = "#place-list"
	placeForm      = "form#add-place"
	nameField      = "#place-name"
	latitudeField  = "#place-latitude"
	longitudeField = "#place-longitude"
	submitButton   = "#add-place-submit"
	logInLink      = `.account a[href="/login"]`
	logOutButton   = ".account form.logout button"
	signedInAs     = ".account-name"
	panelNote      = ".add-place-panel .panel-note"

	providerName   = "#name"
	providerMayAdd = `input[type="checkbox"][name="may_add"]`
	providerSubmit = `main form button[type="submit"]`
)

// startApp runs whib with the talk's places. Map tiles point at a loopback
// port where nothing listens, so the browser never reaches the internet.
func startApp(t *testing.T) *apptest.Site {
	t.Helper()
	return apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
}

// storedNames are the names of the places the app holds, in list order:
// one per place, however many rows (visits) it is stored in, as the map
// has one marker and the list one entry per place.
func storedNames(t *testing.T, app *apptest.Site) []string {
	t.Helper()
	snap, _, ok := app.Live.Current()
	if !ok {
		t.Fatal("the app has not loaded its places")
	}
	var names []string
	for _, rows := range snap.ByPlace() {
		names = append(names, snap.Places[rows[0]].Name)
	}
	return names
}

// openMap loads the map page and waits until app.js has put the markers on
// the map (it sets data-markers-ready on <html> to their number).
func (b *tab) openMap(url string) {
	b.t.Helper()
	b.do("open the map at "+url, chromedp.Navigate(url), chromedp.WaitReady(placeList))
	b.until("the markers are on the map", `() => document.documentElement.dataset.markersReady !== undefined`)
}

// markersShown counts the places the map shows: single markers plus the
// places inside cluster bubbles; the draft marker of a map click is not a
// place.
const markersShown = `(() => {
	const icons = [...document.querySelectorAll("#map .leaflet-marker-icon:not(.draft-marker)")];
	let n = 0;
	for (const icon of icons) {
		n += icon.classList.contains("marker-cluster") ? Number(icon.textContent) : 1;
	}
	return n;
})()`

func (b *tab) markerCount() int {
	b.t.Helper()
	return get(b, "count the markers", chromedp.Evaluate[int](markersShown))
}

func (b *tab) markersReady() string {
	b.t.Helper()
	return get(b, "read data-markers-ready", chromedp.Evaluate[string](`document.documentElement.dataset.markersReady || ""`))
}

// listedNames are the names in the place list, as text.
func (b *tab) listedNames() []string {
	b.t.Helper()
	return get(b, "read the place list", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#place-list li .place-name")].map(e => e.textContent)`))
}

func (b *tab) exists(selector string) bool {
	b.t.Helper()
	return get(b, "look for "+selector, chromedp.Evaluate[bool](
		`document.querySelector(`+jsString(selector)+`) !== null`))
}

func (b *tab) text(selector string) string {
	b.t.Helper()
	return strings.TrimSpace(get(b, "read "+selector, chromedp.TextContent(chromedp.CSS(selector))))
}

func (b *tab) value(selector string) string {
	b.t.Helper()
	return get(b, "read the value of "+selector, chromedp.Value(chromedp.CSS(selector)))
}

func (b *tab) location() string {
	b.t.Helper()
	return get(b, "read the address", chromedp.Location())
}

// signIn goes through the real sign-in: "Log in" on the map, the provider's
// login page, back on the map signed in.
func (b *tab) signIn(app *apptest.Site, name string, mayAdd bool) {
	b.t.Helper()
	b.do("click Log in", chromedp.Click(chromedp.CSS(logInLink), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(providerName)))
	if at := b.location(); !strings.HasPrefix(at, app.IdP.Issuer()) {
		b.t.Fatalf("Log in led to %s, want the provider's login page at %s", at, app.IdP.Issuer())
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.CSS(providerName), name)}
	if !mayAdd {
		steps = append(steps, chromedp.Click(chromedp.CSS(providerMayAdd), chromedp.NodeVisible)) // ticked by default
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(providerSubmit), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(signedInAs)))
	b.do("sign in on the provider's page as "+name, steps...)
	if at := b.location(); !strings.HasPrefix(at, app.URL) {
		b.t.Fatalf("after signing in the browser is at %s, want back on the map at %s", at, app.URL)
	}
	if got := b.text(signedInAs); !strings.Contains(got, name) {
		b.t.Errorf("the header says %q, want the name %q", got, name)
	}
	b.until("the markers are on the map", `() => document.documentElement.dataset.markersReady !== undefined`)
}

// spot is a point on the map: X, Y in the viewport (where to move the
// mouse) and MapX, MapY relative to the map's corner (stable when the page
// scrolls), in CSS pixels.
type spot struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	MapX float64 `json:"mapX"`
	MapY float64 `json:"mapY"`
}

// emptyMapSpot finds a place on the map, inside the viewport, as far as
// possible from every marker and clear of the map's controls, so a click
// there lands on the map itself and the new marker is easy to tell apart.
const emptyMapSpot = `(() => {
	const map = document.getElementById("map");
	map.scrollIntoView({block: "center"});
	const box = map.getBoundingClientRect();
	const centres = [...map.querySelectorAll(".leaflet-marker-icon")].map(e => {
		const r = e.getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	});
	let best = null;
	for (let fy = 0.25; fy <= 0.8; fy += 0.05) {
		for (let fx = 0.15; fx <= 0.85; fx += 0.05) {
			const x = Math.round(box.left + box.width * fx), y = Math.round(box.top + box.height * fy);
			if (y < 50 || y > window.innerHeight - 10) continue;
			const hit = document.elementFromPoint(x, y);
			if (!hit || !map.contains(hit) || hit.closest(".leaflet-marker-icon, .leaflet-control, .leaflet-popup")) continue;
			let clearance = Infinity;
			for (const [cx, cy] of centres) clearance = Math.min(clearance, Math.hypot(x - cx, y - cy));
			if (!best || clearance > best.clearance) best = {x, y, mapX: x - box.left, mapY: y - box.top, clearance};
		}
	}
	return best;
})()`

func (b *tab) emptySpotOnMap() spot {
	b.t.Helper()
	p := get(b, "find an empty spot on the map", chromedp.Evaluate[*struct {
		spot
		Clearance float64 `json:"clearance"`
	}](emptyMapSpot))
	if p == nil {
		b.t.Fatal("no empty spot on the map to click")
	}
	if p.Clearance < 60 {
		b.t.Logf("the emptiest spot on the map is only %.0f px from a marker", p.Clearance)
	}
	return p.spot
}

// clickMap clicks an empty spot of the map, which fills the form's
// coordinates, and returns where it clicked.
func (b *tab) clickMap() spot {
	b.t.Helper()
	p := b.emptySpotOnMap()
	b.do("click the map", chromedp.MouseClickXY(p.X, p.Y))
	b.until("the map click fills in the coordinates",
		`() => document.querySelector("#place-latitude").value !== "" && document.querySelector("#place-longitude").value !== ""`)
	return p
}

// markerTip scrolls the map into view and returns where the named place's
// marker points: the bottom centre of its pin.
func (b *tab) markerTip(name string) spot {
	b.t.Helper()
	tip := get(b, "find the marker of "+name, chromedp.Evaluate[*spot](`(() => {
		const map = document.getElementById("map");
		map.scrollIntoView({block: "center"});
		const icon = [...map.querySelectorAll(".leaflet-marker-icon:not(.draft-marker)")].find(e => e.alt === `+jsString(name)+`);
		if (!icon) return null;
		const box = map.getBoundingClientRect(), r = icon.getBoundingClientRect();
		const x = r.left + r.width / 2, y = r.bottom;
		return {x, y, mapX: x - box.left, mapY: y - box.top};
	})()`))
	if tip == nil {
		b.t.Fatalf("no marker on the map has the alt text %q", name)
	}
	return *tip
}

// jsString quotes s as a JavaScript string literal (JSON is valid
// JavaScript, and encoding/json escapes U+2028 and U+2029 too).
func jsString(s string) string {
	quoted, _ := json.Marshal(s)
	return string(quoted)
}

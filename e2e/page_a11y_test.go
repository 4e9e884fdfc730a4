package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store/githubtest"
)

// axe-core, vendored by testdata/axe/update.sh, checks a page against the
// WCAG 2.2 A and AA rules the way the tester did.
var wcagTags = `["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa"]`

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func awaitPromise(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }

// accessibilityViolations runs axe on the page as it is now.
func (b *tab) accessibilityViolations() []axeViolation {
	b.t.Helper()
	source, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		b.t.Fatal(err)
	}
	b.do("load axe-core", chromedp.Evaluate[chromedp.Void](string(source)+";undefined"))
	res := get(b, "run axe-core", chromedp.Evaluate[struct {
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}](`axe.run(document, {runOnly: {type: "tag", values: `+wcagTags+`}})
		.then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}))}))`, awaitPromise))
	if res.Passes < 10 {
		b.t.Fatalf("axe-core passed only %d rules: it did not really check the page", res.Passes)
	}
	return res.Violations
}

// noViolations checks the page as it is now in the colour scheme it is
// shown in, then in the other (light and dark), and leaves it as it was.
func (b *tab) noViolations(page string) {
	b.t.Helper()
	dark := get(b, "read the colour scheme", chromedp.Evaluate[bool](`matchMedia("(prefers-color-scheme: dark)").matches`))
	for _, scheme := range []bool{dark, !dark} {
		b.preferDark(scheme)
		name := page + " (light)"
		if scheme {
			name = page + " (dark)"
		}
		for _, v := range b.accessibilityViolations() {
			b.t.Errorf("%s: axe %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
		}
	}
	b.preferDark(dark)
}

// preferDark emulates the dark colour scheme (or the light one), reduced
// motion kept, and waits until the page's background follows.
func (b *tab) preferDark(dark bool) {
	b.t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	b.call("prefer a "+scheme+" colour scheme", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}, {Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
	// Polled: every property change is a (0.01 ms) transition under
	// reduced motion, settled on the next frame.
	b.until("the page's background turns "+scheme, `(dark) => {
		const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
		return dark === (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.2;
	}`, dark)
	b.do("let the other transitions settle", chromedp.Evaluate[chromedp.Void](
		`new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))`, awaitPromise))
}

func TestPagesPassTheWCAGChecks(t *testing.T) {
	loadGeo(t)
	app := startApp(t)
	b := openTab(t)

	b.openMap(app.URL + "/")
	b.noViolations("the anonymous map")
	b.do("open the checklists", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".checklists, .checklists details").forEach(d => d.open = true)`))
	b.until("the checklists are open", `() => document.querySelector(".checklists .regions-missing")?.getClientRects().length > 0`)
	b.noViolations("the map with its checklists open")
	b.do("open /checklists", chromedp.Navigate(app.URL+"/checklists"), chromedp.WaitReady("main"))
	b.noViolations("/checklists")

	b.do("open the change log", chromedp.Navigate(app.URL+"/changes"), chromedp.WaitReady("main"))
	b.noViolations("the change log")
	b.do("open /oops", chromedp.Navigate(app.URL+"/oops"), chromedp.WaitReady("main"))
	b.noViolations("/oops")
	b.do("open a missing page", chromedp.Navigate(app.URL+"/no-such-page"), chromedp.WaitReady("main"))
	b.noViolations("a 404")

	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	b.noViolations("the signed-in map")
	b.do("send a place with a wrong latitude",
		chromedp.SendKeys(chromedp.CSS(nameField), "Nowhere"),
		chromedp.SendKeys(chromedp.CSS(latitudeField), "91"),
		chromedp.SendKeys(chromedp.CSS(longitudeField), "10"),
		chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	b.until("the error is shown", `() => document.querySelector('#add-place [aria-invalid="true"]') !== null`)
	b.noViolations("the form showing errors")
	b.do("open the change log signed in", chromedp.Navigate(app.URL+"/changes"), chromedp.WaitReady("main"))
	b.noViolations("the change log with Undo buttons")

	big := apptest.New(t, apptest.WithCSV(githubtest.SampleCSV(300)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
	b.openMap(big.URL + "/")
	b.noViolations("the anonymous map with 300 places")
}

// mapTabStops counts what Tab stops at inside the map.
const mapTabStops = `(() => [...document.querySelectorAll("#map, #map *")].filter(e =>
	e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0 &&
	(e.matches("a[href], button, input, select, textarea, [tabindex]"))).length)()`

func TestTheMapIsOneTabStopAndTheFormIsNear(t *testing.T) {
	small := startApp(t)
	b := openTab(t)
	b.openMap(small.URL + "/")
	few := get(b, "count the map's Tab stops", chromedp.Evaluate[int](mapTabStops))

	big := apptest.New(t, apptest.WithCSV(githubtest.SampleCSV(300)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
	b.openMap(big.URL + "/")
	many := get(b, "count the map's Tab stops", chromedp.Evaluate[int](mapTabStops))
	if few != many || few > 6 {
		t.Errorf("the map has %d Tab stops with the talk's places and %d with 300; want the same few", few, many)
	}

	b.openMap(small.URL + "/")
	b.signIn(small, "Ada Lovelace", true)
	b.do("start from the top", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`))
	reached := 0
	for i := 1; i <= 5 && reached == 0; i++ {
		b.do("press Tab", chromedp.KeyEvent(kb.Tab))
		if get(b, "where focus is", chromedp.Evaluate[bool](`document.activeElement !== null && document.activeElement.closest("#add-place") !== null`)) {
			reached = i
		}
	}
	if reached == 0 {
		t.Error("the add-place form is more than 5 Tabs from the top of the page")
	}
}

func TestTheWheelScrollsThePageAndDarkModeIsDark(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	zoom := get(b, "read the zoom", chromedp.Evaluate[float64](`window.whib.map.getZoom()`))
	box := get(b, "find the map", chromedp.Evaluate[map[string]float64](`(() => {
		window.scrollTo(0, 0);
		const r = document.getElementById("map").getBoundingClientRect();
		return {x: r.left + r.width / 2, y: Math.min(r.top + r.height / 2, window.innerHeight - 20)};
	})()`))
	for range 3 {
		b.do("turn the wheel over the map", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseWheel, box["x"], box["y"], func(p *input.DispatchMouseEventParams) {
			// The protocol wants deltaX too, and a zero would be left out
			// of the message: a millionth of a pixel scrolls nothing sideways.
			p.DeltaX, p.DeltaY = 1e-6, 120
		}))
	}
	b.until("the page scrolled", `() => window.scrollY > 0`)
	if got := get(b, "read the zoom", chromedp.Evaluate[float64](`window.whib.map.getZoom()`)); got != zoom {
		t.Errorf("three wheel notches over the map changed its zoom from %v to %v", zoom, got)
	}

	b.preferDark(true)
	b.noViolations("the map in dark mode")
}

// firstLoadBytes is what the page and everything it loaded weighed on the
// wire (compressed bodies), map tiles aside: they come from the tile
// server, not from whib.
const firstLoadBytes = `((tiles) => {
	const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
	return entries.filter(e => !e.name.startsWith(tiles)).reduce((n, e) => n + e.encodedBodySize, 0);
})`

// onePixelPNG is a tile that loads.
var onePixelPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

func TestTheAnonymousPageWeighsUnder100KB(t *testing.T) {
	loadGeo(t)
	tiles := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(onePixelPNG)
	}))
	t.Cleanup(tiles.Close)
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = tiles.URL + "/{z}/{x}/{y}.png"
	}))
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.until("the visited countries are shaded", `() => document.documentElement.dataset.worldReady === "true" &&
		document.querySelectorAll(".leaflet-visited-pane svg path.world-visited").length === 3`)
	if b.exists("#map.map-offline") || get(b, "look for the outline", chromedp.Evaluate[bool](`document.documentElement.dataset.outlineReady === "true"`)) {
		t.Error("with working tiles the page loaded the whole world's outline")
	}
	if get(b, "look for the regions", chromedp.Evaluate[bool](`performance.getEntriesByType("resource").some(e => e.name.includes("/regions.geojson"))`)) {
		t.Error("the page loaded the visited regions' outlines, whose layer is off")
	}
	n := get(b, "add up what the page loaded", chromedp.Evaluate[int](firstLoadBytes+"("+jsString(tiles.URL)+")"))
	if n > 100_000 {
		t.Errorf("the anonymous page loaded %d bytes on first load, want at most 100 KB", n)
	}
	t.Logf("the anonymous page loaded %d bytes (compressed) on first load", n)
	scripts := get(b, "list the scripts", chromedp.Evaluate[[]string](`[...document.scripts].map(s => s.src).filter(Boolean)`))
	for _, s := range scripts {
		if strings.Contains(s, "htmx") || strings.HasSuffix(s, "/find.js") || strings.HasSuffix(s, "/curate.js") {
			t.Errorf("an anonymous visitor loads %s", s)
		}
	}
}

// On a phone in dark mode the map's layers control is dark too, and a
// pin dropped near the map's top right keeps its "New place" label in
// sight: the control, open, used to cover it.
func TestOnADarkPhoneTheLayersAreDarkAndLeaveTheNewPinInSight(t *testing.T) {
	loadGeo(t)
	app := startApp(t)
	b := openTab(t)
	b.do("hold a phone", chromedp.EmulateViewport(390, 844))
	b.openMap(app.URL + "/")
	b.preferDark(true)
	b.signIn(app, "Ada Lovelace", true)
	b.do("wait for the layers control", chromedp.WaitVisible(chromedp.CSS(".leaflet-control-layers")))
	dark := get(b, "read the layers control's background", chromedp.Evaluate[bool](`(() => {
		const [r, g, b] = getComputedStyle(document.querySelector(".leaflet-control-layers")).backgroundColor.match(/\d+/g).map(Number);
		return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.2;
	})()`))
	if !dark {
		t.Error("in dark mode the map's layers control is light")
	}
	at := get(b, "find a spot near the map's top right", chromedp.Evaluate[spot](`(() => {
		const map = document.getElementById("map");
		map.scrollIntoView({block: "start"});
		const box = map.getBoundingClientRect();
		const x = box.right - 140, y = box.top + 100;
		return {x, y, mapX: x - box.left, mapY: y - box.top};
	})()`))
	b.do("tap the map there", chromedp.MouseClickXY(at.X, at.Y))
	// A tooltip takes no pointer events, so elementFromPoint cannot see
	// it: the label's box must be clear of the map's controls and of the
	// add sheet. A frame first: under reduced motion a
	// move is a transition that a frame settles.
	b.until("the new pin's label is in sight, under nothing", `async () => {
		await new Promise(done => requestAnimationFrame(done));
		const label = [...document.querySelectorAll("#map .leaflet-tooltip")].find(e => e.textContent.trim() === "New place");
		if (!label) return false;
		const r = label.getBoundingClientRect();
		const overlaps = e => { const o = e.getBoundingClientRect(); return o.width > 0 && o.left < r.right && r.left < o.right && o.top < r.bottom && r.top < o.bottom; };
		return ![...document.querySelectorAll("#map .leaflet-control, .add-place-panel")].some(overlaps);
	}`)
}

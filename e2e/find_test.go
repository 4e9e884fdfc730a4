package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

const findField = "#place-find"

// loadGeo waits for the gazetteer, which the app loads in the background.
func loadGeo(t *testing.T) {
	t.Helper()
	apptest.LoadGeo(t)
}

func TestTravellerFindsACityByTypingAndPicksItWithTheKeyboard(t *testing.T) {
	loadGeo(t)
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	b.do("see the find field", chromedp.WaitVisible(chromedp.CSS(findField)))
	places := len(storedNames(t, app))

	b.do("type a city", chromedp.Focus(chromedp.CSS(findField)), chromedp.SendKeys(chromedp.CSS(findField), "vienna"))
	b.until("suggestions are shown", `() =>
		document.querySelector("#place-find").getAttribute("aria-expanded") === "true" &&
		document.querySelectorAll('#place-find-results [role="option"]').length > 0`)
	if got := b.text(`#place-find-results [role="option"] .find-name`); got != "Vienna" {
		t.Errorf("the first suggestion is %q, want Vienna", got)
	}

	b.do("move to the first suggestion", chromedp.KeyEvent(kb.ArrowDown))
	b.until("the first option is active", `() => {
		const field = document.querySelector("#place-find");
		const active = document.getElementById(field.getAttribute("aria-activedescendant") || "");
		return active !== null && active.getAttribute("aria-selected") === "true" && active.dataset.name === "Vienna";
	}`)
	b.do("pick it", chromedp.KeyEvent(kb.Enter))
	b.until("the form is filled in", `() => document.querySelector("#place-name").value === "Vienna" &&
		document.querySelector("#place-latitude").value.startsWith("48.2") &&
		document.querySelector("#place-longitude").value.startsWith("16.3")`)
	b.until("focus moves to the name, which stays editable", `() => document.activeElement && document.activeElement.id === "place-name"`)
	if got := b.value(findField); got != "Vienna" {
		t.Errorf("after picking the find field holds %q, want Vienna", got)
	}
	if got := get(b, "read aria-expanded", chromedp.Evaluate[string](`document.querySelector("#place-find").getAttribute("aria-expanded")`)); got != "false" {
		t.Errorf("after picking aria-expanded = %q, want false", got)
	}
	if !b.exists(".draft-marker") {
		t.Error("picking did not move the pending pin")
	}
	if strings.Contains(string(app.GitHub.File("places.csv")), "Vienna") || strings.Contains(b.text("#form-status"), "Added") {
		t.Fatal("Enter on the find field submitted the form")
	}

	// The name stays editable.
	b.do("edit the name", chromedp.SendKeys(chromedp.CSS(nameField), " Stephansplatz"))
	b.do("save", chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	const name = "Vienna Stephansplatz"
	b.until("the new place is in the list with its country", `(name, markers) =>
		[...document.querySelectorAll("#place-list > li")].some(li =>
			li.querySelector(".place-name").textContent === name &&
			(li.querySelector(".place-country") || {}).textContent === "Vienna, Austria") &&
		document.documentElement.dataset.markersReady === String(markers)`, name, places+1)
	// The talk's ten places (São José is stored twice) and Vienna.
	// The summary is swapped in with the answer, and may be a moment behind the list.
	b.until("the summary counts Vienna", `() => document.querySelector("#places-summary p")?.textContent.trim() === "11 places in 3 countries on 3 continents"`)
	if !strings.Contains(string(app.GitHub.File("places.csv")), "Vienna Stephansplatz,48.2") {
		t.Errorf("places.csv lacks the place:\n%s", app.GitHub.File("places.csv"))
	}
}

// The names travellers type find the place they mean, which says which
// one it is; a region is not a place to add: picking it shows it.
func TestTravellerFindsMunichByItsGermanNameAndFliesToBavaria(t *testing.T) {
	loadGeo(t)
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	b.do("see the find field", chromedp.WaitVisible(chromedp.CSS(findField)))

	b.do("type München", chromedp.Focus(chromedp.CSS(findField)), chromedp.SendKeys(chromedp.CSS(findField), "München"))
	b.until("Munich is suggested, saying which one it is and the name typed", `() =>
		document.querySelector("#place-find").getAttribute("aria-expanded") === "true" &&
		(document.querySelector('#place-find-results [role="option"]') || {}).textContent === "Munich (München), Bavaria, Germany"`)

	b.do("type Bavaria instead", chromedp.Evaluate[chromedp.Void](`document.querySelector("#place-find").value = ""`),
		chromedp.SendKeys(chromedp.CSS(findField), "Bavaria"))
	const bavaria = `#place-find-results [role="option"][data-kind="region"][data-name="Bavaria"]`
	b.until("Bavaria is suggested as a region", `() => document.querySelector('`+bavaria+`') !== null`)
	if got := b.text(bavaria); got != "Bavaria, state of Germany" {
		t.Errorf("the region's option reads %q, want Bavaria, state of Germany", got)
	}
	b.do("pick it", chromedp.Click(chromedp.CSS(bavaria), chromedp.NodeVisible))
	b.until("the map shows Bavaria", `() => {
		const map = window.whib.map, c = map.getCenter();
		return map.getZoom() >= 5 && c.lat > 47.27 && c.lat < 50.57 && c.lng > 8.97 && c.lng < 13.84;
	}`)
	b.until("it says so", `() => document.querySelector("#place-find-status").textContent.startsWith("Showing Bavaria, state of Germany on the map")`)
	if got := b.value(nameField); got != "" {
		t.Errorf("picking a region filled in the name %q; it is not a place to add", got)
	}
	if b.exists(".draft-marker") {
		t.Error("picking a region put down a pending pin")
	}
}

func TestMapShowsOutlinesWhenTilesCannotBeLoaded(t *testing.T) {
	loadGeo(t)
	// Nothing listens on port 1: every tile fails.
	app := apptest.New(t, apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.until("the outlines are drawn and the visited countries shaded", `() =>
		document.querySelectorAll(".leaflet-outline-pane svg path.world-outline").length > 100 &&
		document.querySelectorAll(".leaflet-visited-pane svg path.world-visited").length === 3`)
	b.until("the notice is shown", `() => document.querySelector("#map-notice").textContent.includes("Map tiles could not be loaded; showing outlines")`)
	if !b.exists("#map.map-offline") {
		t.Error("the map is not marked offline")
	}
	// The outlines lie under the markers, which are still all there.
	if got := b.markerCount(); got != len(storedNames(t, app)) {
		t.Errorf("the map shows %d markers over the outlines, want %d", got, len(storedNames(t, app)))
	}
	// The shading can be switched off, by keyboard: the layers are one
	// Tab stop, a button that opens them with the keyboard on the first.
	b.do("open the map's layers by keyboard", chromedp.Focus(chromedp.CSS(".leaflet-control-layers-toggle")), chromedp.KeyEvent(kb.Enter))
	b.until("the keyboard is on Visited countries", `() => document.activeElement.matches(".leaflet-control-layers-overlays input") &&
		document.activeElement.closest("label").textContent.trim() === "Visited countries" && document.activeElement.getClientRects().length > 0`)
	b.do("switch off the visited countries", chromedp.KeyEvent(" "))
	b.until("the shading is gone", `() => document.querySelectorAll(".leaflet-visited-pane svg path.world-visited").length === 0`)
}

// The visited regions are a layer of their own, beside the countries: off
// at first, and their outlines are loaded only when it is switched on.
func TestVisitedRegionsLoadWhenTheirLayerIsSwitchedOn(t *testing.T) {
	loadGeo(t)
	app := startApp(t)
	_, body := app.Do(nil, apptest.Request{Method: "GET", Path: "/stats"})
	var stats struct {
		Regions []struct{ Code string } `json:"regions"`
	}
	if err := json.Unmarshal([]byte(body), &stats); err != nil || len(stats.Regions) == 0 {
		t.Fatalf("GET /stats = %s (%v), want visited regions", body, err)
	}
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.until("the visited countries are shaded", `() => document.documentElement.dataset.worldReady === "true"`)
	const regionRequests = `performance.getEntriesByType("resource").filter(e => e.name.includes("/regions.geojson")).length`
	if n := get(b, "count region requests", chromedp.Evaluate[int](regionRequests)); n != 0 || b.exists(".world-region") {
		t.Fatalf("the page loaded the regions' outlines %d times before their layer was switched on", n)
	}
	b.do("switch on the visited regions", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".leaflet-control-layers-overlays label")]
		.find(l => l.textContent.trim() === "Visited regions").querySelector("input").click()`))
	b.until("the visited regions are shaded", `(n) => document.documentElement.dataset.regionsReady === "true" &&
		document.querySelectorAll(".leaflet-visited-pane svg path.world-region").length === n`, len(stats.Regions))
	if n := get(b, "count region requests", chromedp.Evaluate[int](regionRequests)); n != 1 {
		t.Errorf("the regions' outlines took %d requests, want 1", n)
	}
	// A place in a region not visited before brings its outline.
	b.signIn(app, "Ada Lovelace", true)
	b.do("switch the regions on", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".leaflet-control-layers-overlays label")]
		.find(l => l.textContent.trim() === "Visited regions").querySelector("input").click()`))
	b.until("the visited regions are shaded again", `(n) => document.documentElement.dataset.regionsReady === "true" &&
		document.querySelectorAll(".leaflet-visited-pane svg path.world-region").length === n`, len(stats.Regions))
	b.do("add Linz, in Upper Austria",
		chromedp.SendKeys(chromedp.CSS(nameField), "Linz"),
		chromedp.SendKeys(chromedp.CSS(latitudeField), "48.3069"),
		chromedp.SendKeys(chromedp.CSS(longitudeField), "14.2858"),
		chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	b.until("its region is shaded too", `(n) => document.querySelectorAll(".leaflet-visited-pane svg path.world-region").length === n`, len(stats.Regions)+1)
	b.until("its list entry names its region", `() => [...document.querySelectorAll("#place-list > li")].some(li =>
		li.querySelector(".place-name").textContent === "Linz" && li.querySelector(".place-country").textContent === "Upper Austria, Austria")`)

	b.do("switch them off", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".leaflet-control-layers-overlays label")]
		.find(l => l.textContent.trim() === "Visited regions").querySelector("input").click()`))
	b.until("the regions' shading is gone", `() => document.querySelectorAll(".leaflet-visited-pane svg path.world-region").length === 0`)

	// A place's popup names its region and country.
	b.do("show Linz", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("#place-list > li")].find(li =>
		li.querySelector(".place-name").textContent === "Linz").querySelector(".place-name").click()`))
	b.until("its popup says where it is", `() => (document.querySelector(".leaflet-popup-content") || {}).textContent?.startsWith("Linz · Upper Austria, Austria")`)
}

// A year chosen above the map shades that year's regions only, as it does
// its countries: the regions of other years' visits go, and come back with
// them.
func TestAYearShadesItsOwnRegions(t *testing.T) {
	loadGeo(t)
	seed := "name,latitude,longitude,visited,note\n" +
		"Graz,47.0707,15.4395,2019,\n" +
		"Lima,-12.0464,-77.0428,2024-03,\n" +
		"Taipei,25.0330,121.5654,,\n"
	app := apptest.New(t, apptest.WithCSV([]byte(seed)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.do("switch on the visited regions", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".leaflet-control-layers-overlays label")]
		.find(l => l.textContent.trim() === "Visited regions").querySelector("input").click()`))
	const regionPaths = `() => document.querySelectorAll(".leaflet-visited-pane svg path.world-region").length`
	b.until("the three places' regions are shaded", `() => document.documentElement.dataset.regionsReady === "true" &&
		(`+regionPaths+`)() === 3`)

	b.do("choose 2024 above the map", chromedp.SetValue(chromedp.CSS("#year-filter"), "2024"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("year-filter").dispatchEvent(new Event("change", {bubbles: true}))`))
	b.until("only Lima's region is shaded", `() => document.documentElement.dataset.markersReady === "1" && (`+regionPaths+`)() === 1`)

	b.do("choose every year again", chromedp.SetValue(chromedp.CSS("#year-filter"), ""),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("year-filter").dispatchEvent(new Event("change", {bubbles: true}))`))
	b.until("the three regions are shaded again", `() => document.documentElement.dataset.markersReady === "3" && (`+regionPaths+`)() === 3`)
}

package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
)

// A traveller adds a second visit to Graz with a year and a note, sees it
// in the place's popup under the newer date, then looks at 2024 alone: the
// markers, the list and the stats follow without a reload, the address
// keeps the year, and the embed shows the same.
func TestTravellerAddsAVisitAndLooksAtOneYear(t *testing.T) {
	plan := time.Now().AddDate(1, 0, 0).Format("2006-01")
	seed := "name,latitude,longitude,visited,note\n" +
		"Graz,47.0707,15.4395,2019,Talk\n" +
		"Lima,-12.0464,-77.0428,2024-03-10/2024-03-20,\n" +
		"Taipei,25.0330,121.5654\n" +
		"Kyoto,35.0116,135.7681," + plan + ",Cherry blossoms\n"
	app := apptest.New(t, apptest.WithCSV([]byte(seed)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
	b := openTab(t)
	b.openMap(app.URL + "/")
	if got := b.markersReady(); got != "4" {
		t.Fatalf("data-markers-ready = %q, want 4 places", got)
	}
	b.do("show Kyoto on the map", chromedp.Click(chromedp.CSS(`#place-list li.place-planned a.place-name`), chromedp.NodeVisible))
	b.until("Kyoto's plan is a hollow pin, and its popup says Planned", `() => {
		const popup = document.querySelector(".leaflet-popup-content");
		return document.querySelectorAll("#map .leaflet-marker-icon.planned-marker").length === 1 &&
			popup !== null && popup.textContent.startsWith("Kyoto") && popup.querySelector(".visit-planned-label") !== null;
	}`)
	b.signIn(app, "Ada Lovelace", true)
	b.do("see the add-place form", chromedp.WaitVisible(chromedp.CSS(placeForm)))

	b.do("mark the page to detect a reload", chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`))
	b.do("add a visit to Graz in 2023 with a note",
		chromedp.SendKeys(chromedp.CSS(nameField), "Graz"),
		chromedp.SendKeys(chromedp.CSS(latitudeField), "47.0707"),
		chromedp.SendKeys(chromedp.CSS(longitudeField), "15.4395"),
		chromedp.SendKeys(chromedp.CSS("#place-visited"), "2023"),
		chromedp.SendKeys(chromedp.CSS("#place-note"), "Again <b>not bold</b>, see https://example.org/graz."),
		chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	b.until("the form says a visit was added", `() => (document.querySelector("#form-status") || {}).textContent === "Added a visit to Graz (2023)."`)
	b.until("the list shows Graz once, with both visits", `() => {
		const names = [...document.querySelectorAll("#place-list li .place-name")].map(e => e.textContent);
		const graz = document.querySelector('#place-list [data-group] .visit-list');
		return names.filter(n => n === "Graz").length === 1 && graz !== null &&
			[...graz.querySelectorAll(".visit-date")].map(e => e.textContent).join(" ") === "2023 2019";
	}`)
	if got := b.markersReady(); got != "4" {
		t.Errorf("after a second visit data-markers-ready = %q, want still 4: one marker per place", got)
	}

	b.do("open Graz's popup from the list", chromedp.Click(chromedp.CSS(`#place-list a.place-name[href^="/#place="]`), chromedp.NodeVisible))
	b.until("the popup lists the visits newest first with their notes", `() => {
		const popup = document.querySelector(".leaflet-popup-content");
		if (!popup) return false;
		const dates = [...popup.querySelectorAll(".popup-visits .visit-date")].map(e => e.textContent);
		const link = popup.querySelector(".visit-note a");
		return dates.join(" ") === "2023 2019" && link !== null && link.href === "https://example.org/graz" &&
			link.rel === "nofollow noopener" && popup.querySelector("b") === null &&
			popup.textContent.includes("Again <b>not bold</b>, see https://example.org/graz.") && popup.textContent.includes("Talk");
	}`)

	b.do("choose 2024 above the map", chromedp.SetValue(chromedp.CSS("#year-filter"), "2024"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("year-filter").dispatchEvent(new Event("change", {bubbles: true}))`))
	b.until("the map, the list and the stats show 2024", `() =>
		document.documentElement.dataset.markersReady === "1" &&
		document.documentElement.dataset.listVisited === "2024" &&
		[...document.querySelectorAll("#place-list li .place-name")].map(e => e.textContent).join() === "Lima" &&
		document.querySelector("#places-summary").textContent.includes("1 place")`)
	if at := get(b, "read the address", chromedp.Evaluate[string](`location.pathname + location.search`)); at != "/?visited=2024" {
		t.Errorf("the address is %s, want it to keep ?visited=2024", at)
	}
	if !get(b, "check the page was not reloaded", chromedp.Evaluate[bool](`window.__noReload === 1`)) {
		t.Error("the page was reloaded to show a year")
	}

	b.do("open the embed of 2024", chromedp.Navigate(app.URL+"/embed?visited=2024"))
	b.until("the embed's markers are on the map", `() => document.documentElement.dataset.markersReady !== undefined`)
	if got := b.markersReady(); got != "1" {
		t.Errorf("GET /embed?visited=2024 shows %s markers, want Lima's", got)
	}
	if got := b.value("#year-filter"); got != "2024" {
		t.Errorf("the embed's year control says %q, want 2024", got)
	}
}

// A place visited twice is one marker whose popup offers each visit its
// own Edit and Delete: deleting the 2019 visit leaves the 2023 one, and a
// drag, which moves one row, does not split the place but says what to do.
func TestAPlaceVisitedTwiceIsCuratedVisitByVisitFromItsPopup(t *testing.T) {
	seed := "name,latitude,longitude,visited,note\n" +
		"Graz,47.0707,15.4395,2019,Talk\n" +
		"Taipei,25.0330,121.5654,,\n" +
		"Graz,47.0707,15.4395,2023,Again\n"
	app := apptest.New(t, apptest.WithCSV([]byte(seed)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)

	b.dragMarker("Graz", 60, 40)
	b.until("the drag is refused in words", `() => (document.getElementById("map-status") || {}).textContent?.startsWith("Graz was not moved: it has 2 visits")`)
	if snap, _, _ := app.Live.Current(); len(snap.Places) != 3 || snap.Places[0].Latitude.String() != "47.0707" || snap.Places[2].Latitude.String() != "47.0707" {
		t.Fatalf("after the refused drag the stored places are %v, want both Graz visits where they were", snap.Places)
	}

	b.do("open Graz's popup", chromedp.Click(chromedp.CSS(`#place-list [data-group] a.place-name`), chromedp.NodeVisible))
	b.until("each visit has its own Edit and Delete", `() => {
		const popup = document.querySelector(".leaflet-popup-content");
		if (!popup) return false;
		const labels = [...popup.querySelectorAll(".popup-visits .popup-actions [aria-label]")].map(e => e.getAttribute("aria-label"));
		return labels.join("|") === "Edit Graz (2023)|Delete Graz (2023)|Edit Graz (2019)|Delete Graz (2019)";
	}`)
	// The popup pans the map to fit; press waits for it to stop.
	b.press("delete the 2019 visit", `.leaflet-popup-content button[aria-label="Delete Graz (2019)"]`)
	b.until("Graz is listed with its 2023 visit only", `() => {
		const entry = [...document.querySelectorAll("#place-list > li")].find(li => li.querySelector(".place-name")?.textContent === "Graz");
		return entry !== undefined && [...entry.querySelectorAll(".visit-date")].map(e => e.textContent).join() === "2023";
	}`)
	snap, _, _ := app.Live.Current()
	if len(snap.Places) != 2 || snap.Places[1].Visited.String() != "2023" {
		t.Errorf("after deleting the 2019 visit the stored places are %v, want Taipei and Graz 2023", snap.Places)
	}
}

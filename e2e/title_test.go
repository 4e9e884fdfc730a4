package e2e

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// everyPinInside is the pins (markers and cluster bubbles) whose icon
// pokes out of the map's box, by name.
const pinsOutside = `(() => {
	const box = document.getElementById("map").getBoundingClientRect();
	return [...document.querySelectorAll("#map .leaflet-marker-icon")].filter(icon => {
		const r = icon.getBoundingClientRect();
		return r.top < box.top || r.bottom > box.bottom || r.left < box.left || r.right > box.right;
	}).map(icon => icon.alt || icon.textContent);
})()`

// TestTheFirstViewShowsEveryPinWhole: at 1280×900 the map opens on the
// places with room for the pins' heads, so the northernmost (Graz) is not
// cut by the map's top edge.
func TestTheFirstViewShowsEveryPinWhole(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.do("size the window 1280×900", chromedp.EmulateViewport(1280, 900))
	b.openMap(app.URL + "/")
	if outside := get(b, "find pins outside the map", chromedp.Evaluate[[]string](pinsOutside)); len(outside) > 0 {
		t.Errorf("the first view cuts the pins of %q at the map's edge", outside)
	}
}

// TestTheEmbedFitsASmallFrame: in a 600×400 frame the embed's credit (the
// link to the whole map) shows without scrolling.
func TestTheEmbedFitsASmallFrame(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.do("size the window as a 600×400 frame", chromedp.EmulateViewport(600, 400))
	b.do("open the embed", chromedp.Navigate(app.URL+"/embed"), chromedp.WaitReady("#embed-credit"))
	b.until("the markers are on the map", `() => document.documentElement.dataset.markersReady !== undefined`)
	b.until("the credit is in view, and nothing scrolls", `() => {
		const r = document.getElementById("embed-credit").getBoundingClientRect();
		return r.height > 0 && r.bottom <= window.innerHeight && document.scrollingElement.scrollHeight <= window.innerHeight;
	}`)
	if outside := get(b, "find pins outside the map", chromedp.Evaluate[[]string](pinsOutside)); len(outside) > 0 {
		t.Errorf("the embed cuts the pins of %q at the map's edge", outside)
	}
}

// TestAPopupShowsReadableCoordinatesAndCopiesThemAll: Taipei is stored
// with 15 decimals; its popup shows six and Copy copies all of them.
func TestAPopupShowsReadableCoordinatesAndCopiesThemAll(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.do("open Taipei's popup and press Copy",
		chromedp.Evaluate[chromedp.Void](`Clipboard.prototype.writeText = function (text) { window.__copied = text; return Promise.resolve(); }`),
		chromedp.Click(chromedp.CSS(`#map .leaflet-marker-icon[alt="Taipei"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(".place-popup-coords button")))
	if got := b.text(".place-popup-coords code"); got != "25.031225, 121.568355" {
		t.Errorf("the popup shows the coordinates %q, want %q", got, "25.031225, 121.568355")
	}
	// The popup pans into view as it opens; the button is pressed where
	// it is then.
	b.do("press Copy", chromedp.Evaluate[chromedp.Void](`document.querySelector(".place-popup-coords button").click()`))
	b.until("the full coordinates are copied", `() => window.__copied === "25.031224572388727, 121.5683553927796"`)
}

// TestADegreesMinutesSecondsPairPastedIntoLatitudeFillsBoth: the hint says
// a pasted pair works; one in degrees, minutes and seconds too.
func TestADegreesMinutesSecondsPairPastedIntoLatitudeFillsBoth(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	b.do("paste a pair into Latitude", chromedp.Evaluate[chromedp.Void](`(() => {
		const field = document.querySelector("#place-latitude");
		field.focus();
		field.value = "48°51'29.6\"N 2°17'40.2\"E";
		field.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste", data: field.value}));
	})()`))
	b.until("both fields are filled", `() => document.querySelector("#place-latitude").value === "48.858222" &&
		document.querySelector("#place-longitude").value === "2.294500"`)
}

// TestTheNextAddStartsCleanAndTheNearQuestionCanBeCancelled: the last
// add's confirmation goes when the next starts, and "A place with this
// name is near … Add anyway?" has a Cancel that adds nothing.
func TestTheNextAddStartsCleanAndTheNearQuestionCanBeCancelled(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	b.clickMap()
	b.do("add Schöckl", chromedp.SendKeys(chromedp.CSS(nameField), "Schöckl"), chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	b.until("the add is confirmed", `() => document.querySelector("#form-status").textContent.includes("Schöckl")`)
	b.clickMap()
	if got := b.text("#form-status"); got != "" {
		t.Errorf("the next add starts with the last one's message %q", got)
	}

	before := app.GitHub.File("places.csv")
	b.do("add a second Graz beside the first", chromedp.Evaluate[chromedp.Void](`(() => {
		document.querySelector("#place-latitude").value = "47.0915";
		document.querySelector("#place-longitude").value = "15.4762";
	})()`), chromedp.SendKeys(chromedp.CSS(nameField), "Graz"), chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("#form-near")))
	b.do("press Cancel", chromedp.Click(chromedp.CSS("#add-place-cancel"), chromedp.NodeVisible))
	b.until("the question is gone, the form empty and the keyboard on the name", `() =>
		!document.querySelector("#form-near") && !document.querySelector("#add-place input[name=near_ok]") &&
		document.querySelector("#place-latitude").value === "" && document.querySelector("#place-name").value === "" &&
		document.activeElement === document.querySelector("#place-name") &&
		document.querySelector("#add-place-submit").textContent.trim() === "Add place" &&
		!document.querySelector("#map .draft-marker")`)
	if got := b.text("#form-status"); !strings.Contains(got, "Nothing was added") {
		t.Errorf("after Cancel the form says %q", got)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Errorf("Cancel added to the file:\n%s", app.GitHub.File("places.csv"))
	}
}

package main

import (
	"context"
	"fmt"

	"github.com/chromedp/chromedp"
)

// The phone pictures, in the order of the flow.
const (
	phoneMap   = "phone-1-map.png"
	phoneSheet = "phone-2-adding.png"
	phoneAdded = "phone-3-added.png"

	phoneShotNames = phoneMap + ", " + phoneSheet + ", " + phoneAdded
)

// shot is one picture of a sequence and the file name it is saved as.
type shot struct {
	name string
	png  []byte
}

// capturePhone signs in on a phone and takes a picture at each step of
// adding a place: the map, the bottom sheet with the name typed after a
// tap on the map, and the form's status once the place is added. Unlike
// the desktop picture's, this place is sent: run it after the desktop.
func capturePhone(ctx context.Context, a *app) ([]shot, error) {
	b, closeBrowser, err := startBrowser(ctx, phoneWidth, phoneHeight)
	if err != nil {
		return nil, err
	}
	defer closeBrowser()
	if err := b.do("open the map",
		chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(phoneScale),
			chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		reducedMotion(),
		chromedp.Navigate(a.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(logInLink)),
	); err != nil {
		return nil, err
	}
	if err := signIn(b, a); err != nil {
		return nil, err
	}
	steps := []struct {
		name string
		step func(tab) error
	}{
		{phoneMap, scrollToTop},
		{phoneSheet, openSheet},
		{phoneAdded, sendPlace},
	}
	var shots []shot
	for _, s := range steps {
		if err := s.step(b); err != nil {
			return nil, err
		}
		png, err := get(b, "take the picture "+s.name, chromedp.CaptureScreenshot())
		if err != nil {
			return nil, err
		}
		shots = append(shots, shot{s.name, png})
	}
	return shots, nil
}

// scrollToTop shows the start of the page.
func scrollToTop(b tab) error {
	if err := b.do("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
		return err
	}
	return b.until("the page is at the top", `() => window.scrollY === 0`)
}

// openSheet taps the map where the place is (or, when that point is not on
// the visible map, on the emptiest point of it), waits for the add-place
// panel to open as a bottom sheet with the focus in the name field, and
// types the name.
func openSheet(b tab) error {
	p, err := get(b, "find "+placeName+" on the map", chromedp.Evaluate[*spot](
		fmt.Sprintf("(%s)(%g, %g)", whereOnMap, placeLat, placeLng), chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	if p == nil {
		if p, err = get(b, "find an empty spot on the map", chromedp.Evaluate[*spot](emptySpotOnMap)); err != nil {
			return err
		}
		if p == nil {
			return fmt.Errorf("no point of the visible map is clear of markers and controls")
		}
	}
	if err := b.do("tap the map", chromedp.TapXY(p.X, p.Y)); err != nil {
		return err
	}
	if err := b.until("the bottom sheet is open with the focus in the name field and the coordinates filled in", `(panel, open) =>
		document.querySelector(panel)?.classList.contains(open) &&
		document.activeElement?.id === "place-name" &&
		document.querySelector("#place-latitude").value !== "" &&
		document.querySelector("#place-longitude").value !== "" &&
		document.querySelector("#map .draft-marker") !== null`, addPlacePanel, sheetOpen); err != nil {
		return err
	}
	if err := b.do("type the name", chromedp.SendKeys(chromedp.CSS(nameField), placeName)); err != nil {
		return err
	}
	return b.until("the name field shows the name",
		`name => document.querySelector("#place-name").value === name`, placeName)
}

// sendPlace taps "Add place" and waits for what a saved place brings: the
// fresh form's status names the place, its marker is on the map and the
// sheet is closed (the form is below the map again). Then it scrolls the
// add-place panel's end, the status with it, into view.
func sendPlace(b tab) error {
	before, err := get(b, "count the markers", chromedp.Evaluate[string](`document.documentElement.dataset.markersReady`))
	if err != nil {
		return err
	}
	if err := b.do("tap Add place", chromedp.Tap(chromedp.CSS(submitButton), chromedp.NodeVisible)); err != nil {
		return err
	}
	if err := b.until("the status says "+placeName+" was added, its marker is on the map and the sheet is closed",
		`(status, name, before, panel, open) =>
			document.querySelector(status)?.textContent.includes(name) &&
			Number(document.documentElement.dataset.markersReady) === Number(before) + 1 &&
			!document.querySelector(panel).classList.contains(open)`,
		formStatus, placeName, before, addPlacePanel, sheetOpen); err != nil {
		return err
	}
	if err := b.do("bring the status into view", chromedp.Evaluate[chromedp.Void](
		`document.querySelector(`+jsString(addPlacePanel)+`).scrollIntoView({block: "end"})`)); err != nil {
		return err
	}
	return b.until("the status is in view", `status => {
		const r = document.querySelector(status).getBoundingClientRect();
		return r.height > 0 && r.top >= -1 && r.bottom <= window.innerHeight + 1; // layout is in fractions of a pixel
	}`, formStatus)
}

// emptySpotOnMap finds the point of the visible map farthest from every
// marker, with the margins whereOnMap keeps, that is not covered by a
// control; null when none is 30 pixels clear of the markers.
const emptySpotOnMap = `(() => {
	const map = document.getElementById("map");
	const box = map.getBoundingClientRect();
	const icons = [...map.querySelectorAll(".leaflet-marker-icon")].map(icon => icon.getBoundingClientRect());
	let best = null;
	for (let y = box.top + 80; y <= Math.min(box.bottom, window.innerHeight) - 30; y += 10) {
		for (let x = box.left + 60; x <= box.right - 60; x += 10) {
			const hit = document.elementFromPoint(x, y);
			if (!hit || !map.contains(hit) || hit.closest(".leaflet-marker-icon, .leaflet-control, .leaflet-popup, .leaflet-tooltip")) continue;
			const room = Math.min(Infinity, ...icons.map(r => Math.hypot(x - (r.left + r.width / 2), y - (r.top + r.height / 2))));
			if (!best || room > best.room) best = {x, y, room};
		}
	}
	return best && best.room >= 30 ? {x: best.x, y: best.y} : null;
})()`

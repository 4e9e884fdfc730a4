package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// phoneWidth and phoneHeight are a phone's screen (an iPhone 14's).
const phoneWidth, phoneHeight = 390, 844

// sheetClosed: no bottom sheet, and no pending pin left on the map.
const sheetClosed = `() => document.querySelector(".add-place-panel.sheet-open") === null &&
	document.querySelector("#map .draft-marker") === null`

// openSheet taps the map, which opens the add-place sheet with a pending
// pin there.
func (b *tab) openSheet() {
	b.t.Helper()
	b.clickMap()
	b.until("the sheet opens with the pending pin", `() => document.querySelector(".add-place-panel.sheet-open") !== null &&
		document.querySelector("#map .draft-marker") !== null`)
}

func TestOnAPhoneTheAddSheetClosesByItsButtonASwipeOrATapOutside(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.do("use a phone's screen", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)

	// A Close button, in sight, named for what it closes.
	b.openSheet()
	close := get(b, "find the sheet's close button", chromedp.Evaluate[*struct {
		Tag, Name    string
		Top, Bottom  float64
		Width, Right float64
	}](`(() => {
		const panel = document.querySelector(".add-place-panel.sheet-open");
		const button = [...panel.querySelectorAll("button")].find(e => /^Close\b/.test(e.getAttribute("aria-label") || e.textContent.trim()));
		if (!button) return null;
		const r = button.getBoundingClientRect();
		return {tag: button.tagName, name: button.getAttribute("aria-label") || button.textContent.trim(),
			top: r.top, bottom: r.bottom, width: r.width, right: r.right};
	})()`))
	if close == nil {
		t.Fatal("the open sheet has no Close button")
	}
	if close.Width < 24 || close.Top < 0 || close.Bottom > phoneHeight || close.Right > phoneWidth {
		t.Errorf("the Close button %q is not in sight on the phone: %+v", close.Name, *close)
	}
	b.do("tap Close", chromedp.Click(chromedp.CSS(".add-place-panel.sheet-open .sheet-close"), chromedp.NodeVisible))
	b.until("the sheet and its pin are gone", sheetClosed)

	// A swipe down from its top.
	b.openSheet()
	grip := get(b, "find the sheet's top", chromedp.Evaluate[*spot](`(() => {
		const r = document.querySelector(".add-place-panel.sheet-open h2").getBoundingClientRect();
		return {x: r.left + r.width / 2, y: r.top + r.height / 2};
	})()`))
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, grip.X, grip.Y),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, grip.X, grip.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	}
	for dy := 20.0; dy <= 200; dy += 20 {
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, grip.X, grip.Y+dy, chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, grip.X, grip.Y+200, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.do("swipe the sheet down", steps...)
	b.until("the sheet and its pin are gone", sheetClosed)

	// A tap outside it: on the list, which it covers as the page scrolls.
	b.openSheet()
	b.do("scroll to the list", chromedp.Evaluate[chromedp.Void](`document.getElementById("places-heading").scrollIntoView({block: "start"})`))
	heading := get(b, "find the list's heading", chromedp.Evaluate[*spot](`(() => {
		const r = document.getElementById("places-heading").getBoundingClientRect();
		return {x: r.left + 10, y: r.top + r.height / 2};
	})()`))
	b.do("tap the list's heading", chromedp.MouseClickXY(heading.X, heading.Y))
	b.until("the sheet and its pin are gone", sheetClosed)
}

// activeIs is a condition: focus is on the element selector names.
func activeIs(selector string) string {
	return `() => document.activeElement !== null && document.activeElement.matches(` + jsString(selector) + `)`
}

func TestTheKeyboardKeepsItsPlaceThroughEditSaveCancelDeleteAndUndo(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	const nameField = `#place-list li.place-editing form.edit-place input[name="name"]`

	b.do("press Enter on Edit Taipei", chromedp.Focus(chromedp.CSS(`button[aria-label="Edit Taipei"]`)), chromedp.KeyEvent(kb.Enter))
	b.until("focus is in the edit form's first field", activeIs(nameField))
	b.do("press Escape", chromedp.KeyEvent(kb.Escape))
	b.until("the form is gone and focus is back on Edit Taipei", `() => document.querySelector("form.edit-place") === null &&
		document.activeElement.matches('button[aria-label="Edit Taipei"]')`)

	b.do("press Enter on Edit Taipei again", chromedp.KeyEvent(kb.Enter))
	b.until("focus is in the edit form's first field", activeIs(nameField))
	b.do("rename it and press Enter", chromedp.Evaluate[chromedp.Void](`document.activeElement.select()`),
		chromedp.KeyEvent("Taipei 101"), chromedp.KeyEvent(kb.Enter))
	b.until("the form is gone and focus is on Edit Taipei 101", `() => document.querySelector("form.edit-place") === null &&
		document.activeElement.matches('button[aria-label="Edit Taipei 101"]')`)

	b.do("open the form and Cancel it", chromedp.KeyEvent(kb.Enter))
	b.until("focus is in the edit form's first field", activeIs(nameField))
	b.do("press Cancel", chromedp.Focus(chromedp.CSS(`form.edit-place button[hx-get$="/item"]`)), chromedp.KeyEvent(kb.Enter))
	b.until("focus is back on Edit Taipei 101", activeIs(`button[aria-label="Edit Taipei 101"]`))

	// After a delete, the next entry.
	names := b.listedNames()
	i := slices.Index(names, "Salvador")
	if i < 0 || i+1 >= len(names) {
		t.Fatalf("Salvador is not followed by another entry in %q", names)
	}
	next := names[i+1]
	b.do("press Enter on Delete Salvador", chromedp.Focus(chromedp.CSS(`button[aria-label="Delete Salvador"]`)), chromedp.KeyEvent(kb.Enter))
	b.until("Salvador is gone and focus is on the next entry", `(next) => document.querySelector("#curate-undo") !== null &&
		![...document.querySelectorAll("#place-list .place-name")].some(e => e.textContent === "Salvador") &&
		document.activeElement.closest("li[data-place-id]") !== null &&
		document.activeElement.closest("li[data-place-id]").querySelector(".place-name").textContent === next`, next)

	b.do("press Undo", chromedp.Focus(chromedp.CSS("#curate-undo")), chromedp.KeyEvent(kb.Enter))
	b.until("Salvador is back and focus stays in the status line", `() =>
		[...document.querySelectorAll("#place-list .place-name")].some(e => e.textContent === "Salvador") &&
		document.activeElement.matches("#curate-status button")`)

	// The last entry deleted: the one before it.
	names = b.listedNames()
	last, before := names[len(names)-1], names[len(names)-2]
	b.do("press Enter on Delete of the last entry", chromedp.Focus(chromedp.CSS(`#place-list > li:last-child button[aria-label^="Delete "]`)), chromedp.KeyEvent(kb.Enter))
	b.until("the last entry is gone and focus is on the one before", `(last, before) =>
		![...document.querySelectorAll("#place-list .place-name")].some(e => e.textContent === last) &&
		document.activeElement.closest("li[data-place-id]") !== null &&
		document.activeElement.closest("li[data-place-id]").querySelector(".place-name").textContent === before`, last, before)
}

// stopServer makes every request the page sends from now on fail as if
// whib had stopped: the connection is refused.
func (b *tab) stopServer() {
	b.t.Helper()
	ctx, stop := context.WithCancel(b.ctx)
	b.t.Cleanup(stop)
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionRefused})
		}
	}()
	b.call("stop the server", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
		return err
	})
}

// saysUnreachable is a condition: the element selector names is an alert
// or a status, in sight, that says whib could not be reached and what to
// do, and not the browser's "Failed to fetch".
func saysUnreachable(selector string) string {
	return `() => {
		const e = document.querySelector(` + jsString(selector) + `);
		if (!e || e.getClientRects().length === 0) return false;
		const said = e.closest('[role="alert"], [role="status"]');
		return said !== null && /Could not reach whib\. Check your connection and try again/i.test(e.textContent) &&
			!/Failed to fetch/.test(document.body.textContent);
	}`
}

func TestEveryRequestThatGetsNoAnswerSaysSoWhereItWasMade(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	// An Undo to press, and an edit form to save, before the server stops.
	b.do("delete Salvador", chromedp.Click(chromedp.CSS(`button[aria-label="Delete Salvador"]`), chromedp.NodeVisible))
	b.until("Undo is offered", `() => document.querySelector("#curate-undo") !== null`)
	b.do("open Graz's edit form", chromedp.Click(chromedp.CSS(`button[aria-label="Edit Graz"]`), chromedp.NodeVisible))
	b.until("the form is open", `() => document.querySelector("form.edit-place") !== null`)
	// whib answers, but its storage fails (5xx): the form says so, not the
	// add form out of sight.
	app.GitHub.FailNext(10, http.StatusServiceUnavailable)
	b.do("press Save on a new name while the storage fails",
		chromedp.SetValue(chromedp.CSS(`form.edit-place input[name="name"]`), "Graz Hauptplatz"),
		chromedp.Click(chromedp.CSS(`form.edit-place button[type="submit"]`), chromedp.NodeVisible))
	b.until("the edit form says what went wrong", `() => {
		const alert = document.querySelector('form.edit-place [role="alert"]');
		return alert !== null && alert.getClientRects().length > 0 && /try again/i.test(alert.textContent) &&
			document.querySelector("#form-error").textContent.trim() === "";
	}`)
	app.GitHub.FailNext(0, 0)

	csv := filepath.Join(t.TempDir(), "more.csv")
	if err := os.WriteFile(csv, []byte("name,latitude,longitude\nPorto,41.1579,-8.6291\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.stopServer()

	b.do("press Delete on Taipei", chromedp.Click(chromedp.CSS(`button[aria-label="Delete Taipei"]`), chromedp.NodeVisible))
	b.until("Taipei's entry says it was not deleted", saysUnreachable(`li[data-place-id]:has(button[aria-label="Delete Taipei"]) .request-failed`))
	b.do("press Edit on Maceió", chromedp.Click(chromedp.CSS(`button[aria-label="Edit Maceió"]`), chromedp.NodeVisible))
	b.until("Maceió's entry says so", saysUnreachable(`li[data-place-id]:has(button[aria-label="Edit Maceió"]) .request-failed`))
	b.do("press Save", chromedp.Click(chromedp.CSS(`form.edit-place button[type="submit"]`), chromedp.NodeVisible))
	b.until("the edit form says so", saysUnreachable(`form.edit-place .request-failed`))
	b.do("press Undo", chromedp.Click(chromedp.CSS("#curate-undo"), chromedp.NodeVisible))
	b.until("the status line says so", saysUnreachable("#curate-message"))

	b.dragMarker("Graz", 60, 40)
	b.until("the failed move says so", `() => /^Graz was not moved\. Could not reach whib/.test(document.querySelector("#curate-message").textContent) &&
		/Could not reach whib/.test(document.querySelector("#map-status").textContent)`)
	b.until("and not in the browser's words", saysUnreachable("#curate-message"))

	b.do("search", chromedp.Focus(chromedp.CSS("#place-find")), chromedp.SendKeys(chromedp.CSS("#place-find"), "vienna"))
	b.until("the search says so under the field", saysUnreachable("#place-find-popup .find-note"))

	b.do("choose a file to import", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{csv}))
	b.until("the import card says so", saysUnreachable(`#import-report [role="alert"]`))
}

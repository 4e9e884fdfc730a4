package e2e

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/whib/whib/internal/apptest"
)

// dragMarker drags the named place's marker by (dx, dy) pixels with the
// mouse, in small steps as a hand would.
func (b *tab) dragMarker(name string, dx, dy float64) {
	b.t.Helper()
	tip := b.markerTip(name)
	x, y := tip.X, tip.Y-20 // grab the pin's head, not its very tip
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	}
	for i := 1; i <= 10; i++ {
		f := float64(i) / 10
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x+dx*f, y+dy*f, chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x+dx, y+dy, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.do("drag the marker of "+name, steps...)
}

func TestWriterEditsDragsDeletesAndUndoesOnTheMap(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	places := len(storedNames(t, app))
	b.do("mark the page to detect a reload", chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`))

	// Edit in place, from the list, by keyboard-reachable buttons.
	b.do("open Taipei's edit form", chromedp.Click(chromedp.CSS(`button[aria-label="Edit Taipei"]`), chromedp.NodeVisible))
	b.do("rename it",
		chromedp.WaitVisible(chromedp.CSS(`form.edit-place input[name="name"]`)),
		chromedp.Focus(chromedp.CSS(`form.edit-place input[name="name"]`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('form.edit-place input[name="name"]').select()`),
		chromedp.SendKeys(chromedp.CSS(`form.edit-place input[name="name"]`), "Taipei 101"),
		chromedp.Click(chromedp.CSS(`form.edit-place button[type="submit"]`), chromedp.NodeVisible))
	b.until("the list and the map show the new name", `() =>
		[...document.querySelectorAll("#place-list li .place-name")].some(e => e.textContent === "Taipei 101") &&
		document.querySelector('#map .leaflet-marker-icon[alt="Taipei 101"]') !== null &&
		document.querySelector('#map .leaflet-marker-icon[alt="Taipei"]') === null`)
	if !strings.Contains(string(app.GitHub.File("places.csv")), "\nTaipei 101,25.031224572388727,121.5683553927796\n") {
		t.Errorf("the rename is not stored with Taipei's coordinates:\n%s", app.GitHub.File("places.csv"))
	}
	if got := b.text("#curate-message"); got != "Renamed to Taipei 101." {
		t.Errorf("the status says %q after the rename", got)
	}

	// Drag a marker: the move is saved on drop.
	before := app.GitHub.File("places.csv")
	b.dragMarker("Graz", 60, 40)
	b.until("the move is saved", `() => document.querySelector("#curate-status").textContent.startsWith("Moved Graz.")`)
	after := app.GitHub.File("places.csv")
	if bytes.Contains(after, []byte("Graz,47.09113253131379,15.475817295884497\n")) || !bytes.Contains(after, []byte("\nGraz,")) {
		t.Errorf("after dragging, Graz is stored as before or not at all:\n%s", after)
	}
	if !bytes.Equal(withoutLine(after, "Graz,"), withoutLine(before, "Graz,")) {
		t.Error("dragging Graz changed other rows")
	}

	// A failed save puts the pin back.
	moved := b.markerTip("Graz")
	app.GitHub.FailNext(1, http.StatusUnauthorized)
	b.dragMarker("Graz", -50, 30)
	b.until("the failure is told", `() => document.querySelector("#curate-status").textContent.includes("was not moved")`)
	b.until("the pin is back where it was", `(x, y) => {
		const map = document.getElementById("map"), icon = map.querySelector('.leaflet-marker-icon[alt="Graz"]');
		if (!icon) return false;
		const box = map.getBoundingClientRect(), r = icon.getBoundingClientRect();
		return Math.abs(r.left + r.width / 2 - box.left - x) <= 2 && Math.abs(r.bottom - box.top - y) <= 2;
	}`, moved.MapX, moved.MapY)
	if !bytes.Equal(app.GitHub.File("places.csv"), after) {
		t.Error("a failed move changed the file")
	}

	// Delete happens at once, with Undo.
	beforeDelete := app.GitHub.File("places.csv")
	b.press("delete Salvador", `button[aria-label="Delete Salvador"]`)
	b.until("Salvador is gone from the list and the map", `(n) =>
		![...document.querySelectorAll("#place-list li .place-name")].some(e => e.textContent === "Salvador") &&
		document.documentElement.dataset.markersReady === String(n) &&
		document.querySelector("#curate-status .undo-button") !== null`, places-1)
	if bytes.Contains(app.GitHub.File("places.csv"), []byte("\nSalvador,")) {
		t.Error("Salvador is still stored after Delete")
	}
	b.press("undo the delete", "#curate-status .undo-button")
	b.until("Salvador is back on the list and the map", `(n) =>
		[...document.querySelectorAll("#place-list li .place-name")].some(e => e.textContent === "Salvador") &&
		document.documentElement.dataset.markersReady === String(n) &&
		(() => { let found = false; window.whib.eachMarker(m => { found = found || m.place.name === "Salvador"; }); return found; })()`, places)
	if !bytes.Equal(app.GitHub.File("places.csv"), beforeDelete) {
		t.Errorf("undo did not bring back the exact file:\n%s\nwant\n%s", app.GitHub.File("places.csv"), beforeDelete)
	}
	if !get(b, "check the page was not reloaded", chromedp.Evaluate[bool](`window.__noReload === 1`)) {
		t.Error("the page reloaded while curating")
	}
}

func withoutLine(content []byte, prefix string) []byte {
	var out [][]byte
	for _, line := range bytes.SplitAfter(content, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte(prefix)) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, nil)
}

func TestWriterImportsAFileAfterSeeingWhatItWouldDo(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	places := len(storedNames(t, app))
	before := app.GitHub.File("places.csv")
	kml, err := filepath.Abs(filepath.Join("..", "formats", "testdata", "google-my-maps.kml"))
	if err != nil {
		t.Fatal(err)
	}

	b.do("choose a file", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{kml}))
	b.until("the dry run's table is shown", `() => document.querySelectorAll("#import-report table tr.import-new").length > 0`)
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Fatal("choosing a file wrote to the places file")
	}
	newRows := get(b, "count the new rows", chromedp.Evaluate[int](`document.querySelectorAll("#import-report tr.import-new").length`))
	b.do("import them", chromedp.Click(chromedp.CSS("#import-report button"), chromedp.NodeVisible))
	b.until("the places are on the map and in the list", `(n) =>
		document.querySelector("#import-report .import-summary").textContent.startsWith("Imported ") &&
		document.documentElement.dataset.markersReady === String(n) &&
		document.querySelectorAll("#place-list > li").length === n`, places+newRows)
	if got := len(storedNames(t, app)); got != places+newRows {
		t.Errorf("the app holds %d places after the import, want %d", got, places+newRows)
	}
	// The file's first dates give it the visited and note columns: its
	// header line may change, every row it held keeps its bytes.
	if after := app.GitHub.File("places.csv"); !bytes.HasPrefix(afterHeader(after), afterHeader(before)) {
		t.Error("the import rewrote existing rows")
	}
}

// The talk's file holds São José twice: one place, one marker, two rows
// (visits) in its list entry. Deleting one from the page sends
// its entity tag, so the same DELETE sent again (a double click, a
// network retry) is refused with 412 instead of deleting the twin, which
// took the deleted row's id; the page learns the twin's new id and tag, so
// it can still be deleted on purpose.
func TestDeletingOneOfTwoTwinsFromThePageNeverDeletesTheOther(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	places := len(storedNames(t, app))
	twins := func() int { return bytes.Count(app.GitHub.File("places.csv"), []byte("\nSão José,")) }
	if twins() != 2 {
		t.Fatalf("the talk's file holds %d São José rows", twins())
	}

	first := `document.querySelector('button[aria-label="Delete São José"]')`
	sent := get(b, "read what the first Delete sends", chromedp.Evaluate[[]string](
		`[`+first+`.getAttribute("hx-delete"), JSON.parse(`+first+`.getAttribute("hx-headers"))["If-Match"]]`))
	if len(sent) != 2 || !strings.HasPrefix(sent[0], "/places/") || !strings.HasSuffix(sent[1], `.2"`) {
		t.Fatalf("the first São José's Delete sends %q", sent)
	}
	b.do("delete the first São José", chromedp.Click(chromedp.CSS(`button[aria-label="Delete São José"]`), chromedp.NodeVisible))
	b.until("one São José is left on the list and the map", `(n) =>
		[...document.querySelectorAll("#place-list li .place-name")].filter(e => e.textContent === "São José").length === 1 &&
		document.querySelectorAll('button[aria-label="Delete São José"]').length === 1 &&
		document.documentElement.dataset.markersReady === String(n) &&
		document.querySelector("#curate-status .undo-button") !== null`, places)
	if twins() != 1 {
		t.Fatalf("after one Delete the file holds %d São José rows", twins())
	}

	// The same request again, as a retry sends it.
	status := get(b, "send the same DELETE again", chromedp.Evaluate[int](
		`fetch(`+jsString(sent[0])+`, {method: "DELETE", headers: {"If-Match": `+jsString(sent[1])+`, "Accept": "application/json"}}).then(r => r.status)`,
		awaitPromise))
	if status != http.StatusPreconditionFailed || twins() != 1 {
		t.Errorf("the retried DELETE = %d and the file holds %d São José rows, want 412 and the twin kept", status, twins())
	}

	// The twin, renumbered, can still be deleted from the page.
	b.do("delete the other São José", chromedp.Click(chromedp.CSS(`button[aria-label="Delete São José"]`), chromedp.NodeVisible))
	b.until("no São José is left", `(n) =>
		![...document.querySelectorAll("#place-list li .place-name")].some(e => e.textContent === "São José") &&
		document.documentElement.dataset.markersReady === String(n)`, places-1)
	if twins() != 0 {
		t.Errorf("after deleting the twin too the file holds %d São José rows", twins())
	}
}

// The change log shows times in the viewer's zone, and an Undo the history
// refuses (someone undid the change meanwhile) is answered in the entry,
// with the keyboard on the reason, not on an error page.
func TestARefusedUndoIsAnsweredInTheLog(t *testing.T) {
	app := startApp(t)
	token := app.MachineToken(apptest.Permission)
	_, _ = app.Do(nil, apptest.Request{Method: "GET", Path: "/places"}) // loaded
	call := func(method, path string) map[string]any {
		resp, body := app.Do(nil, apptest.Request{Method: method, Path: path, Header: map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, body)
		}
		return apptest.DecodeJSON(t, body)
	}
	snap, _, _ := app.Live.Current()
	var graz string
	for _, p := range snap.Places {
		if p.Name == "Graz" {
			graz = p.ID
		}
	}
	undo := call("DELETE", "/places/"+graz)["undo"].(string)

	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	b.call("be in Tokyo", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"})
		return err
	})
	b.do("open the change log", chromedp.Navigate(app.URL+"/changes"), chromedp.WaitReady("#change-log"))
	b.until("the times are in the viewer's zone", `() => {
		const t = document.querySelector("#change-log time[data-local]");
		return t && t.dataset.localised === "true" && t.title.endsWith(" UTC") && !t.textContent.endsWith("UTC");
	}`)
	inTokyo := get(b, "compare the time shown with Tokyo's", chromedp.Evaluate[bool](`(() => {
		const t = document.querySelector("#change-log time[data-local]");
		const when = new Date(t.getAttribute("datetime"));
		const format = (zone) => when.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short", timeZone: zone});
		return t.textContent === format("Asia/Tokyo") && t.textContent !== format("UTC");
	})()`))
	if !inTokyo {
		t.Error("the change log does not show its times in the viewer's zone (Tokyo)")
	}

	// Someone else undoes the delete meanwhile.
	call("POST", undo)
	button := `#change-log form[action="` + undo + `"] button`
	b.do("press Undo from the keyboard", chromedp.Focus(chromedp.CSS(button)), chromedp.KeyEvent("\r"))
	b.until("the entry says why, and the keyboard is on it", `(sel) => {
		const alert = document.querySelector("#change-log [role=alert]");
		return alert && alert.textContent.startsWith("This change was undone already") &&
			document.activeElement === alert && alert.closest("li").textContent.includes("Undone by") &&
			document.querySelector(sel) === null;
	}`, button)
	if at := b.location(); at != app.URL+"/changes" {
		t.Errorf("the refused undo left the log for %s", at)
	}
}

// Every change made on the page offers Undo in the status line until the
// next change: an add, a drag (which asks nothing), a delete. The Undo is a
// button in a live region; where the control that made the change is gone
// (a deleted entry's Delete), the keyboard goes to the next entry.
func TestEveryChangeOnThePageOffersUndoUntilTheNext(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	places := len(storedNames(t, app))
	original := app.GitHub.File("places.csv")
	undoOffered := `(label) => {
		const undo = document.querySelector("#curate-status[role=status] button#curate-undo");
		return undo !== null && undo.getAttribute("aria-label") === label && !undo.hasAttribute("data-expires");
	}`

	// An add.
	b.clickMap()
	b.do("add a place", chromedp.SendKeys(chromedp.CSS(nameField), "Schöckl"), chromedp.Click(chromedp.CSS(submitButton), chromedp.NodeVisible))
	b.until("the add offers Undo", undoOffered, "Undo: Add Schöckl")
	b.do("undo the add", chromedp.Click(chromedp.CSS("#curate-undo"), chromedp.NodeVisible))
	b.until("the place is gone again and the undo offers Redo", `(n) =>
		![...document.querySelectorAll("#place-list li .place-name")].some(e => e.textContent === "Schöckl") &&
		document.documentElement.dataset.markersReady === String(n) &&
		document.querySelector("#curate-undo")?.textContent.trim() === "Redo"`, places)
	if !bytes.Equal(app.GitHub.File("places.csv"), original) {
		t.Errorf("after undoing the add the file is\n%s", app.GitHub.File("places.csv"))
	}

	// A drag: nothing is asked, and Undo puts the place back, from the
	// keyboard.
	b.dragMarker("Graz", 60, 40)
	b.until("the move offers Undo", `() => document.querySelector("#curate-message").textContent === "Moved Graz." &&
		document.querySelector("#curate-undo")?.getAttribute("aria-label") === "Undo: Moved Graz"`)
	b.do("undo the move from the keyboard", chromedp.Focus(chromedp.CSS("#curate-undo")), chromedp.KeyEvent("\r"))
	b.until("Graz is back", `() => document.querySelector("#curate-message").textContent === "Graz is as it was."`)
	if !bytes.Equal(app.GitHub.File("places.csv"), original) {
		t.Errorf("after undoing the move the file is\n%s", app.GitHub.File("places.csv"))
	}

	// A delete from the keyboard: its button goes with the entry, so the
	// keyboard goes to the next entry, and Undo waits in the status line.
	b.do("delete Salvador from the keyboard", chromedp.Focus(chromedp.CSS(`button[aria-label="Delete Salvador"]`)), chromedp.KeyEvent("\r"))
	b.until("Undo is offered and the keyboard is on the next entry", `() =>
		document.querySelector("#curate-undo")?.getAttribute("aria-label") === "Undo: Delete Salvador" &&
		document.activeElement.closest("li[data-place-id]")?.querySelector(".place-name").textContent === "Maceió"`)
}

// afterHeader is a places file without its header line.
func afterHeader(content []byte) []byte {
	_, rows, _ := bytes.Cut(content, []byte("\n"))
	return rows
}

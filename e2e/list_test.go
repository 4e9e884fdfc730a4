package e2e

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/whib/whib/internal/apptest"
	"github.com/whib/whib/internal/whib"
	"github.com/whib/whib/store/githubtest"
)

// focused says what has the keyboard: its accessible label or its text.
const focused = `(() => { const e = document.activeElement; return e ? (e.getAttribute("aria-label") || e.textContent.trim()) : ""; })()`

// tabsTo presses Tab from the top of the page until the keyboard is on
// the link named name, and says how many Tabs that took (0: not within
// limit); skip: press Enter on the first stop, the skip link.
func (b *tab) tabsTo(name string, skip bool, limit int) int {
	b.t.Helper()
	// Loaded afresh: a blur leaves Tab going on from where focus was.
	b.openMap(b.location())
	b.until("the list's entries are one Tab stop each", `() => document.querySelector("#place-list button")?.tabIndex === -1`)
	for i := 1; i <= limit; i++ {
		b.do("press Tab", chromedp.KeyEvent(kb.Tab))
		if i == 1 && skip {
			if got := get(b, "where focus is", chromedp.Evaluate[string](focused)); got != "Skip to the places" {
				b.t.Fatalf("the first Tab stop is %q, want the skip link to the places", got)
			}
			b.do("follow the skip link", chromedp.KeyEvent(kb.Enter))
			b.until("the keyboard is in the filter box", `() => document.activeElement.id === "place-filter-input"`)
		}
		if get(b, "where focus is", chromedp.Evaluate[string](focused)) == name {
			return i
		}
	}
	return 0
}

// Issue 25: reaching the 14th of 20 places took 63 Tabs (three per entry,
// no skip link). Now a skip link leads to the list's filter, each entry is
// one Tab stop, and the arrow keys reach its Edit and Delete.
func TestTheListIsOneTabStopPerPlaceAfterASkipLink(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV(githubtest.SampleCSV(20)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)

	const fourteenth = "Sample place 000014"
	tabs := b.tabsTo(fourteenth, false, 120)
	t.Logf("Tab alone reaches the 14th of 20 places in %d Tabs", tabs)
	if tabs == 0 {
		t.Fatalf("%d Tabs from the top did not reach %s", 120, fourteenth)
	}
	skipped := b.tabsTo(fourteenth, true, 40)
	t.Logf("with the skip link: %d Tabs and an Enter", skipped)
	if skipped != 15 {
		t.Errorf("with the skip link the 14th place took %d Tabs, want 15: the link, the filter box, then one per place", skipped)
	}

	for _, step := range []struct {
		key, want string
	}{
		{kb.ArrowRight, "Edit " + fourteenth},
		{kb.ArrowRight, "Delete " + fourteenth},
		{kb.ArrowLeft, "Edit " + fourteenth},
		{kb.Escape, fourteenth},
		{kb.ArrowDown, "Sample place 000015"},
		{kb.ArrowUp, fourteenth},
	} {
		b.do("press "+step.want, chromedp.KeyEvent(step.key))
		if got := get(b, "where focus is", chromedp.Evaluate[string](focused)); got != step.want {
			t.Fatalf("an arrow key put the keyboard on %q, want %q", got, step.want)
		}
	}
	b.do("press Enter on Edit", chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.Enter))
	b.until("the edit form opens, its fields and buttons Tab stops", `() => {
		const form = document.querySelector("#place-list form.edit-place");
		return form !== null && [...form.querySelectorAll("input:not([type=hidden]), button")].every(e => e.tabIndex === 0);
	}`)
}

// The filter finds places on every page of the list, as one types,
// without a reload; the address keeps it.
func TestTheListFilterFindsAPlaceOnAnyPageAsOneTypes(t *testing.T) {
	app := apptest.New(t, apptest.WithCSV(githubtest.SampleCSV(320)), apptest.WithConfig(func(c *whib.Config) {
		c.Handlers.TileURL = "http://127.0.0.1:1/{z}/{x}/{y}.png"
	}))
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.do("mark the page to detect a reload", chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`))
	if b.exists(".place-filter-submit:not([hidden])") && get(b, "see the Filter button", chromedp.Evaluate[bool](`document.querySelector(".place-filter-submit").getClientRects().length > 0`)) {
		t.Error("with JavaScript the filter still needs its button")
	}
	b.do("type a place of the last page", chromedp.SendKeys(chromedp.CSS("#place-filter-input"), "place 000301"))
	b.until("the list shows it alone", `() => {
		const names = [...document.querySelectorAll("#place-list .place-name")].map(e => e.textContent);
		return names.length === 1 && names[0] === "Sample place 000301";
	}`)
	b.until("the status says so", `() => document.getElementById("place-filter-status").textContent === "1 place matches “place 000301”."`)
	if !strings.Contains(b.location(), "q=place+000301") {
		t.Errorf("the address %s does not keep the filter", b.location())
	}
	if got := b.value("#place-filter-input"); got != "place 000301" || !get(b, "check the page was not reloaded", chromedp.Evaluate[bool](`window.__noReload === 1`)) {
		t.Errorf("the filter box holds %q, or the page reloaded", got)
	}
}

// On a phone, Edit and Delete are targets of 44 by 44 px at least, apart,
// and Delete asks before it deletes.
func TestOnAPhoneDeleteIsABigTargetThatAsksFirst(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.do("hold a phone", chromedp.EmulateViewport(390, 844))
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	boxes := get(b, "measure Taipei's Edit and Delete", chromedp.Evaluate[[]map[string]float64](`["Edit Taipei", "Delete Taipei"].map(label => {
		const r = document.querySelector('button[aria-label="' + label + '"]').getBoundingClientRect();
		return {left: r.left, right: r.right, width: r.width, height: r.height};
	})`))
	for i, name := range []string{"Edit", "Delete"} {
		if boxes[i]["width"] < 44 || boxes[i]["height"] < 44 {
			t.Errorf("on a phone %s is a %.0f×%.0f px target, want at least 44×44", name, boxes[i]["width"], boxes[i]["height"])
		}
	}
	if gap := boxes[1]["left"] - boxes[0]["right"]; gap < 44 {
		t.Errorf("on a phone Delete is %.0f px from Edit, want them apart", gap)
	}
	before := app.GitHub.File("places.csv")
	b.do("tap Delete", chromedp.Click(chromedp.CSS(`button[aria-label="Delete Taipei"]`), chromedp.NodeVisible))
	b.until("Delete asks", `() => document.activeElement.textContent === "Tap again to delete" &&
		document.activeElement.getAttribute("aria-label") === "Confirm: delete Taipei?"`)
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Fatal("one tap on Delete deleted Taipei")
	}
	b.do("tap it again", chromedp.Click(chromedp.CSS(`button[aria-label="Confirm: delete Taipei?"]`), chromedp.NodeVisible))
	b.until("Taipei is gone, with Undo", `() => ![...document.querySelectorAll("#place-list .place-name")].some(e => e.textContent === "Taipei") &&
		document.querySelector("#curate-status .undo-button") !== null`)
	if bytes.Contains(app.GitHub.File("places.csv"), []byte("\nTaipei,")) {
		t.Error("Taipei is still stored after the second tap")
	}
}

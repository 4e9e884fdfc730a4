package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// holdImports holds the page's next requests to POST /places/import at the
// network, so a test can see what the page shows before the answer comes:
// the returned channel gets each held request, and release lets it go.
func (b *tab) holdImports() (held <-chan fetch.RequestID, release func(fetch.RequestID)) {
	b.t.Helper()
	ctx, stop := context.WithCancel(b.ctx)
	b.t.Cleanup(stop)
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	ids := make(chan fetch.RequestID, 4)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			ids <- ev.RequestID
		}
	}()
	b.call("hold the uploads", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/places/import*"}}})
		return err
	})
	return ids, func(id fetch.RequestID) {
		b.call("let the upload go", func(ctx context.Context) error {
			if _, err := chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id}); err != nil {
				return err
			}
			_, err := chromedp.Call(ctx, fetch.Disable, struct{}{})
			return err
		})
	}
}

// wordDocument is a Word document as a traveller might pick it by mistake,
// named like a KML file.
func wordDocument(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "My places.kml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportPreviewIsInTheCardAndGoesTheMomentAnotherFileIsChosen(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	before := app.GitHub.File("places.csv")
	bookmarks, err := filepath.Abs(filepath.Join("..", "formats", "testdata", "organic-maps.kml"))
	if err != nil {
		t.Fatal(err)
	}
	if limits := b.text("#import-limits"); limits != "Up to 5 MB and 10,000 places in one file." {
		t.Errorf("the limits beside the file input read %q", limits)
	}

	b.do("choose Organic Maps bookmarks", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{bookmarks}))
	b.until("the preview in the card names the source", `() => {
		const source = document.querySelector("#import-form #import-report .import-source");
		return source !== null && source.textContent === "Organic Maps: 2 places, 2023" &&
			document.querySelectorAll("#import-report tr.import-new").length === 2 &&
			document.querySelector("#import-report .import-commit") !== null;
	}`)

	held, release := b.holdImports()
	b.do("choose a Word document named .kml", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{wordDocument(t)}))
	var id fetch.RequestID
	select {
	case id = <-held:
	case <-b.ctx.Done():
		t.Fatal("the second file was never sent")
	}
	if left := get(b, "look at the card while the file is on its way", chromedp.Evaluate[string](
		`document.querySelector("#import-report").textContent`)); left != "" {
		t.Errorf("while the second file is on its way, the card still shows the first one's preview: %q", left)
	}
	release(id)
	b.until("the card says what the file is", `() => {
		const alert = document.querySelector("#import-report .form-error[role=alert]");
		return alert !== null && alert.textContent.includes("This file is not a KML file (it looks like a Word document)");
	}`)
	if b.exists("#import-report .import-commit") || b.exists("#import-report table") {
		t.Error("the first file's table or Import button came back with the second file's error")
	}
	if msg := b.text("#form-error"); msg != "" {
		t.Errorf("the import's error went to the add form too: %q", msg)
	}
	if !bytes.Equal(app.GitHub.File("places.csv"), before) {
		t.Error("choosing files wrote to the places file")
	}
}

// The preview's questions are a form like any other: labelled, in order,
// and the answers read the file again.
func TestImportPreviewQuestionsAreAccessibleAndAnswered(t *testing.T) {
	app := startApp(t)
	b := openTab(t)
	b.openMap(app.URL + "/")
	b.signIn(app, "Ada Lovelace", true)
	timeline, err := filepath.Abs(filepath.Join("..", "formats", "testdata", "timeline-android.json"))
	if err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(t.TempDir(), "Reisen.csv")
	if err := os.WriteFile(sheet, []byte("Spot;A;B\nPorto;41,1579;-8,6291\nGraz;47,0707;15,4395\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	b.do("choose a Timeline export", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{timeline}))
	// Two places, visited three times: a field on each place's first visit
	// (empty, or the nearest town's name once the gazetteer has loaded).
	b.until("the places without names ask for them", `() => document.querySelectorAll('#import-report input[name^="name:"]').length === 2`)
	b.noViolations("the preview of a Timeline")
	b.do("name the first place and ask again",
		chromedp.Clear(chromedp.CSS(`#import-report input[name="name:1:"]`)),
		chromedp.SendKeys(chromedp.CSS(`#import-report input[name="name:1:"]`), "Eiffel Tower\r"))
	b.until("its second visit has the name too", `() => [...document.querySelectorAll("#import-report tr.import-new td")].some(td =>
		td.previousElementSibling !== null && td.previousElementSibling.textContent === "6" && td.textContent.startsWith("Eiffel Tower"))`)
	b.do("ask for home and work too", chromedp.Click(chromedp.CSS("#import-home-and-work"), chromedp.NodeVisible))
	b.until("home is among the visits", `() => {
		const source = document.querySelector("#import-report .import-source");
		return source !== null && source.textContent === "Google Timeline: 4 visits at 3 places, 2019–2023" &&
			document.querySelector("#import-home-and-work").checked;
	}`)

	b.do("choose a spreadsheet of unknown columns", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{sheet}))
	b.until("the column picker asks", `() => document.querySelector("#import-report #import-column_name") !== null`)
	b.noViolations("the column picker")
	if !get(b, "look at the header box", chromedp.Evaluate[bool](`document.querySelector("#import-header").checked`)) {
		b.do("say row 1 holds the titles", chromedp.Click(chromedp.CSS("#import-header"), chromedp.NodeVisible))
	}
	b.do("say which column is which",
		chromedp.SetValue(chromedp.CSS("#import-column_name"), "1"),
		chromedp.SetValue(chromedp.CSS("#import-column_latitude"), "2"),
		chromedp.SetValue(chromedp.CSS("#import-column_longitude"), "3"),
		chromedp.Click(chromedp.CSS(".import-picker button"), chromedp.NodeVisible))
	b.until("the sheet reads with those columns", `() => {
		const source = document.querySelector("#import-report .import-source");
		return source !== null && source.textContent === "Spreadsheet: 2 places" && document.querySelector("#import-report .import-commit") !== null;
	}`)
}

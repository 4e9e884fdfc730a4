// Package e2e drives whib in a real browser (Debian's Chromium, through
// chromedp) against the whole app running in-process: the real handlers, a
// fake GitHub and the development OpenID provider, all on loopback.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/whib/whib/internal/headless"
)

const (
	// stepTimeout bounds one browser step (a navigation, a wait, a click):
	// a broken page fails fast instead of hanging the suite.
	stepTimeout = 15 * time.Second
	// viewportWidth and viewportHeight are a common laptop screen.
	viewportWidth, viewportHeight = 1280, 800
)

// findChromium returns the browser's path. A missing browser fails the test
// rather than skipping it: a skipped browser suite looks green in CI while
// testing nothing.
func findChromium(t *testing.T) string {
	t.Helper()
	path, err := headless.Find()
	if err != nil {
		t.Fatalf("the browser tests need Chromium: %v", err)
	}
	return path
}

// tab is one browser tab in a browser of its own, so cookies never leak
// between tests. It records what must never happen on whib's pages (CSP
// violations, JavaScript dialogs, uncaught exceptions) and reports them when
// the test ends.
type tab struct {
	t   *testing.T
	ctx context.Context // the tab's life; steps add their own deadline

	mu       sync.Mutex
	problems []string
	noticed  chan struct{} // closed and replaced when a problem is recorded
}

// openTab starts Chromium for this test and opens a tab in it. When the test
// fails, a screenshot and the page's HTML are saved (see artifactDir).
func openTab(t *testing.T) *tab {
	t.Helper()
	execPath := findChromium(t)

	// Not t.Context(): that is cancelled before cleanups run, and the
	// failure artifacts need the browser still open.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		headless.Options(execPath, viewportWidth, viewportHeight)...)
	t.Cleanup(cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)

	b := &tab{t: t, ctx: tabCtx, noticed: make(chan struct{})}
	// The first action starts the browser, bound to the tab's context (a
	// step deadline here would close the browser when the step ends).
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start Chromium (%s): %v", execPath, err)
	}
	b.watch()
	t.Cleanup(b.finish)
	b.do("set the viewport", chromedp.EmulateViewport(viewportWidth, viewportHeight))
	// Reduced motion turns off Leaflet's animations, so what the test sees
	// is settled as soon as the page says it is.
	b.call("prefer reduced motion", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	})
	return b
}

// cspViolation matches the console messages Chromium writes when the
// Content-Security-Policy blocks something.
var cspViolation = regexp.MustCompile(`(?i)content[- ]security[- ]policy`)

// watch listens, for the tab's whole life, for the things no whib page may
// do: violate its CSP, open a JavaScript dialog (an injected alert would),
// or throw an uncaught exception.
func (b *tab) watch() {
	messages := chromedp.Console(b.ctx)
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case cspViolation.MatchString(m.Text):
				b.problem("Content-Security-Policy violation in the console: %s (%s)", m.Text, m.URL)
			case m.IsException():
				b.problem("uncaught JavaScript exception: %s (%s:%d)", m.Text, m.URL, m.Line+1)
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.problem("a JavaScript %s dialog opened with message %q", ev.Type, ev.Message)
			// Dismiss it, or the page stays blocked and every later step
			// times out instead of reporting this.
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
}

func (b *tab) problem(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
	close(b.noticed)
	b.noticed = make(chan struct{})
}

// waitForProblem waits until a recorded problem contains text.
func (b *tab) waitForProblem(ctx context.Context, text string) error {
	for {
		b.mu.Lock()
		found := slices.ContainsFunc(b.problems, func(p string) bool { return strings.Contains(p, text) })
		noticed := b.noticed
		b.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-noticed:
		case <-ctx.Done():
			return fmt.Errorf("no problem mentioning %q was seen: %w", text, ctx.Err())
		}
	}
}

// forgetProblems drops what was recorded so far, for a test that caused it
// on purpose.
func (b *tab) forgetProblems() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = nil
}

// finish fails the test for anything watch saw, then saves the artifacts
// of a failed test while the browser is still open.
func (b *tab) finish() {
	b.mu.Lock()
	problems := append([]string(nil), b.problems...)
	b.mu.Unlock()
	for _, p := range problems {
		b.t.Error(p)
	}
	if b.t.Failed() {
		b.saveArtifacts()
	}
}

// artifactDir is where a failed test's screenshot and HTML go:
// $WHIB_ARTIFACTS/<TestName>/ when set (CI uploads that directory), else
// testdata/artifacts/<TestName>/ beside these tests (git ignores it).
func artifactDir(t *testing.T) string {
	base := os.Getenv("WHIB_ARTIFACTS")
	if base == "" {
		base = filepath.Join("testdata", "artifacts")
	}
	return filepath.Join(base, strings.NewReplacer("/", "_", `\`, "_", ":", "_").Replace(t.Name()))
}

func (b *tab) saveArtifacts() {
	dir := artifactDir(b.t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("cannot save the failure artifacts: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	var saved []string
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err != nil {
		b.t.Logf("no screenshot: %v", err)
	} else if err := os.WriteFile(filepath.Join(dir, "screenshot.png"), png, 0o644); err == nil {
		saved = append(saved, "screenshot.png")
	}
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		b.t.Logf("no page HTML: %v", err)
	} else if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(html), 0o644); err == nil {
		saved = append(saved, "page.html")
	}
	url, _ := chromedp.Run(ctx, chromedp.Location())
	b.t.Logf("the page was %s; saved %s in %s", url, strings.Join(saved, " and "), dir)
}

// do runs browser steps with a deadline and fails the test, saying what it
// was doing, if one of them fails.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, explain(err))
	}
}

// call runs f with a step deadline and the tab in its context.
func (b *tab) call(what string, f func(ctx context.Context) error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := f(ctx); err != nil {
		b.t.Fatalf("%s: %v", what, explain(err))
	}
}

// get runs one browser step that returns a value (a method cannot have type
// parameters, hence a function).
func get[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, explain(err))
	}
	return v
}

// until waits for a JavaScript condition in the page, e.g. "the list shows
// Graz"; the condition is a function called with args.
func (b *tab) until(what, function string, args ...any) {
	b.t.Helper()
	opts := []chromedp.PollOption{chromedp.WithPollingTimeout(stepTimeout), chromedp.WithPollingInterval(25 * time.Millisecond)}
	if len(args) > 0 {
		opts = append(opts, chromedp.WithPollingArgs(args...))
	}
	get(b, "wait until "+what, chromedp.PollFunction[chromedp.Void](function, opts...))
}

func explain(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, chromedp.ErrPollingTimeout) {
		return fmt.Errorf("not within %s (%w)", stepTimeout, err)
	}
	return err
}

// press clicks the element selector names with the mouse once a hand
// could: it is in view, nothing covers its middle, and the page around it
// has stopped moving (a swap or a live update may shift it just before).
func (b *tab) press(what, selector string) {
	b.t.Helper()
	b.until(what+" can be pressed", `(selector) => {
		const e = document.querySelector(selector);
		if (!e) return false;
		e.scrollIntoView({block: "nearest"});
		const r = e.getBoundingClientRect(), key = [r.x, r.y, r.width, r.height].join();
		const steady = e.__lastBox === key;
		e.__lastBox = key;
		return steady && r.width > 0 && document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.closest(selector) === e;
	}`, selector)
	b.do(what, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

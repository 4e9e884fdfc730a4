package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/whib/whib/internal/headless"
)

// readyProbe runs in every document before the page's own scripts and
// records when the page announces its marker layer (app.js sets
// data-markers-ready on <html> and dispatches whib:markers-ready).
// performance.now() counts from the navigation's start.
const readyProbe = `(function () {
  if (window.__whibBench) { return; }
  var probe = window.__whibBench = {};
  document.addEventListener("whib:markers-ready", function (event) {
    if (probe.readyAt === undefined) {
      probe.readyAt = performance.now();
      probe.count = event.detail ? event.detail.count : -1;
    }
  });
})();`

// readyReport is read once the probe fired.
const readyReport = `(function () {
  var probe = window.__whibBench;
  if (!probe || probe.readyAt === undefined) { return null; }
  var nav = performance.getEntriesByType("navigation")[0] || {};
  var markers = 0;
  performance.getEntriesByType("resource").forEach(function (r) {
    if (r.name.indexOf("/places?v=") >= 0) { markers += r.transferSize; }
  });
  return {
    readyAt: probe.readyAt,
    count: probe.count,
    datasetCount: Number(document.documentElement.dataset.markersReady),
    domContentLoaded: nav.domContentLoadedEventEnd || 0,
    htmlTransfer: nav.transferSize || 0,
    markersTransfer: markers
  };
})()`

type readyResult struct {
	ReadyAt          float64 `json:"readyAt"`
	Count            int     `json:"count"`
	DatasetCount     int     `json:"datasetCount"`
	DOMContentLoaded float64 `json:"domContentLoaded"`
	HTMLTransfer     float64 `json:"htmlTransfer"`
	MarkersTransfer  float64 `json:"markersTransfer"`
}

// browserRun is the page measured twice in one fresh browser profile, each
// time in a new tab: cold (empty cache), then warm (assets and the
// versioned marker data cached). Over several runs, Cold and Warm are the
// runs with the median time.
type browserRun struct {
	Cold, Warm readyResult
	Runs       int
}

// measureBrowserRuns repeats measureBrowser with a fresh profile each time
// and keeps the median cold and warm visits: one slow tab on a shared
// machine should not decide the number.
func measureBrowserRuns(ctx context.Context, chromium, profileRoot, url string, want, runs int) (browserRun, error) {
	var colds, warms []readyResult
	for i := range runs {
		r, err := measureBrowser(ctx, chromium, fmt.Sprintf("%s-%d", profileRoot, i+1), url, want)
		if err != nil {
			return browserRun{Runs: i}, err
		}
		colds, warms = append(colds, r.Cold), append(warms, r.Warm)
	}
	return browserRun{Cold: medianReady(colds), Warm: medianReady(warms), Runs: runs}, nil
}

func medianReady(rs []readyResult) readyResult {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b readyResult) int { return cmp.Compare(a.ReadyAt, b.ReadyAt) })
	return s[len(s)/2]
}

func (r readyResult) ready() time.Duration {
	return time.Duration(r.ReadyAt * float64(time.Millisecond))
}

// measureBrowser opens url in headless Chromium with a fresh profile and
// reports when the marker layer was ready, from navigation start.
func measureBrowser(ctx context.Context, chromium, profileDir, url string, want int) (browserRun, error) {
	if _, err := os.Stat(chromium); err != nil {
		return browserRun{}, fmt.Errorf("chromium not found at %s (apt-get install chromium, or pass -chromium): %w", chromium, err)
	}
	allocOpts := headless.Options(chromium, 1280, 800,
		chromedp.UserDataDir(profileDir),
		// Nothing but loopback resolves: the benchmark never reaches out.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocOpts...)
	defer cancelAlloc()
	// The first context owns the browser; each visit gets a tab of its own
	// so the second visit shares the cache but not the first page's heap.
	browser, closeBrowser := chromedp.NewContext(allocCtx)
	defer closeBrowser()
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		return browserRun{}, fmt.Errorf("start chromium: %w", err)
	}
	var run browserRun
	var err error
	if run.Cold, err = visit(browser, url, want); err != nil {
		return run, fmt.Errorf("cold visit: %w", err)
	}
	if run.Warm, err = visit(browser, url, want); err != nil {
		return run, fmt.Errorf("warm visit: %w", err)
	}
	return run, nil
}

// visit opens url in a new tab with the probe installed, waits for the
// marker layer and closes the tab.
func visit(browser context.Context, url string, want int) (readyResult, error) {
	tab, closeTab := chromedp.NewContext(browser)
	defer closeTab()
	if err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: readyProbe})
		return err
	})); err != nil {
		return readyResult{}, fmt.Errorf("install the probe: %w", err)
	}
	ctx, cancel := context.WithTimeout(tab, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return readyResult{}, err
	}
	r, err := chromedp.Run(ctx, chromedp.Poll[readyResult](readyReport,
		chromedp.WithPollingInterval(10*time.Millisecond),
		chromedp.WithPollingTimeout(90*time.Second)))
	if err != nil {
		return r, fmt.Errorf("waiting for whib:markers-ready: %w", err)
	}
	if r.Count != want || r.DatasetCount != want {
		return r, fmt.Errorf("the page announced %d markers (data-markers-ready=%d), want %d", r.Count, r.DatasetCount, want)
	}
	return r, nil
}

package assets

import (
	"regexp"
	"strings"
	"testing"
)

func appJS(t *testing.T) string {
	t.Helper()
	b, err := files.ReadFile("app.js")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Place names must reach the DOM as text only. These sinks parse HTML, so
// app.js does not use them at all; Leaflet's bindPopup/bindTooltip/setContent
// parse a string argument as HTML, so they may only be given DOM nodes or
// functions that return DOM nodes.
func TestAppJSPutsNamesIntoTheDOMAsTextOnly(t *testing.T) {
	js := appJS(t)
	for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser", "createContextualFragment", "eval(", "new Function"} {
		if strings.Contains(js, sink) {
			t.Errorf("app.js uses %s", sink)
		}
	}
	overlay := regexp.MustCompile(`\.(bindPopup|bindTooltip|setContent|setPopupContent|setTooltipContent)\(\s*([^)]*)`)
	calls := overlay.FindAllStringSubmatch(js, -1)
	if len(calls) == 0 {
		t.Fatal("expected app.js to bind popups and tooltips")
	}
	for _, call := range calls {
		arg := strings.TrimSpace(call[2])
		if !strings.HasPrefix(arg, "function") && !strings.HasPrefix(arg, "textElement(") {
			t.Errorf("%s is given %q; pass a DOM node (textElement) or a function returning one", call[1], arg)
		}
		if strings.Contains(arg, "+") || strings.ContainsAny(arg, "\"'`") && !strings.HasPrefix(arg, "textElement(") {
			t.Errorf("%s builds its content from a string: %q", call[1], arg)
		}
	}
	if !strings.Contains(js, ".textContent = text") {
		t.Error("textElement should set textContent")
	}
}

// Browser tests and the benchmark wait for these.
func TestAppJSSignalsWhenMarkersAreReady(t *testing.T) {
	js := appJS(t)
	for _, want := range []string{"new CustomEvent(EVENTS.MARKERS_READY", "dataset.markersReady", "detail: { count: count }"} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js lacks %s", want)
		}
	}
	if got := declaredEvents(t)["MARKERS_READY"]; got != "whib:markers-ready" {
		t.Errorf("events.js names MARKERS_READY %q; the browser tests and the benchmark wait for whib:markers-ready", got)
	}
}

// htmx 4 names: the 2.x camelCase events (htmx:afterSwap, …) never fire.
func TestAppJSUsesHtmx4EventNames(t *testing.T) {
	js := appJS(t)
	for _, old := range regexp.MustCompile(`htmx:[a-z]+[A-Z][A-Za-z]*`).FindAllString(js, -1) {
		t.Errorf("app.js uses the htmx 2 event name %s", old)
	}
	for _, want := range []string{`"htmx:after:swap"`, `"htmx:error"`} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js should listen for %s", want)
		}
	}
}

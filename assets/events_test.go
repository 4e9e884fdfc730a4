package assets

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/whib/whib/views"
)

// declaredEvents reads events.js: the custom event names, by their key in
// window.whibEvents.
func declaredEvents(t *testing.T) map[string]string {
	t.Helper()
	src, err := files.ReadFile("events.js")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+([A-Z_]+): "([^"]+)",$`).FindAllStringSubmatch(string(src), -1) {
		names[m[1]] = m[2]
	}
	if len(names) == 0 {
		t.Fatal("events.js declares no event names")
	}
	return names
}

// platformEvents are the browser's and htmx's own events, which the scripts
// name as strings.
var platformEvents = []string{
	"DOMContentLoaded", "change", "click", "focusout", "hashchange", "input",
	"keydown", "keypress", "keyup", "mousedown", "mouseleave", "submit", "wheel",
	"pointerdown", "pointermove", "pointerup", "pointercancel",
	"htmx:after:swap", "htmx:error", "htmx:finally:request",
}

// Every script names whib's own events through window.whibEvents, so a
// name is written once (events.js): a listener can no longer wait for a
// misspelt event that never comes.
func TestScriptsNameTheirEventsOnlyThroughEventsJS(t *testing.T) {
	declared := declaredEvents(t)
	values := map[string]string{}
	for key, name := range declared {
		if other, ok := values[name]; ok {
			t.Errorf("events.js names %q twice, as %s and %s", name, other, key)
		}
		values[name] = key
	}
	// The server sends these in HX-Trigger.
	for _, name := range []string{views.PlaceAddedEvent, views.PlacesChangedEvent} {
		if _, ok := values[name]; !ok {
			t.Errorf("events.js does not declare %q, which the server sends", name)
		}
	}

	eventArg := regexp.MustCompile(`(?:addEventListener|new CustomEvent|new Event)\(\s*([^,)]+)`)
	literal := regexp.MustCompile(`"([^"\\]*)"`)
	used := map[string]bool{}
	scripts, _ := fs.Glob(files, "*.js")
	for _, name := range scripts {
		if name == "events.js" {
			continue
		}
		src, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		js := string(src)
		if strings.Contains(js, "EVENTS.") && !strings.Contains(js, "var EVENTS = window.whibEvents;") {
			t.Errorf("%s does not take the event names from events.js", name)
		}
		for _, m := range eventArg.FindAllStringSubmatch(js, -1) {
			arg := strings.TrimSpace(m[1])
			if key, ok := strings.CutPrefix(arg, "EVENTS."); ok {
				if _, declared := declared[key]; !declared {
					t.Errorf("%s uses EVENTS.%s, which events.js does not declare", name, key)
				}
				used[key] = true
				continue
			}
			if lit := literal.FindStringSubmatch(arg); lit == nil || lit[0] != arg || !slices.Contains(platformEvents, lit[1]) {
				t.Errorf("%s names an event %s: use EVENTS.<NAME> from events.js (or add a browser event to platformEvents)", name, arg)
			}
		}
		for _, lit := range literal.FindAllStringSubmatch(js, -1) {
			if key, ok := values[lit[1]]; ok && !slices.Contains(platformEvents, lit[1]) {
				t.Errorf("%s writes %q as a string; use EVENTS.%s", name, lit[1], key)
			}
		}
	}
	for key := range declared {
		if !used[key] {
			t.Errorf("events.js declares %s, which no script uses", key)
		}
	}
}

package views

import (
	"reflect"
	"strings"
	"testing"
)

// A note's http and https addresses are links; everything else in it is
// text, markup and other schemes included.
func TestNotePartsLinkOnlyWebAddresses(t *testing.T) {
	cases := []struct {
		note string
		want []NotePart
	}{
		{"Talk: https://example.org/talk.", []NotePart{{Text: "Talk: "}, {Text: "https://example.org/talk", URL: "https://example.org/talk"}, {Text: "."}}},
		{"(see http://a.example/x?y=1&z=2)", []NotePart{{Text: "(see "}, {Text: "http://a.example/x?y=1&z=2", URL: "http://a.example/x?y=1&z=2"}, {Text: ")"}}},
		{`javascript:alert(1) <b>bold</b> https:// ftp://x.example`, []NotePart{{Text: `javascript:alert(1) <b>bold</b> https:// ftp://x.example`}}},
		{"two\nlines", []NotePart{{Text: "two\nlines"}}},
	}
	for _, c := range cases {
		if got := noteParts(c.note); !reflect.DeepEqual(got, c.want) {
			t.Errorf("noteParts(%q) = %+v, want %+v", c.note, got, c.want)
		}
	}
	out := render(t, visitLine(Visit{Place: place("Graz", "47.07", "15.44")}, false))
	if strings.TrimSpace(out) != "" {
		t.Errorf("a visit with no date and no note shows %q", out)
	}
	p := place("Graz", "47.07", "15.44")
	p.Note = `<img src=x onerror=alert(1)> https://example.org/"onmouseover=x`
	out = render(t, visitLine(Visit{Place: p, Planned: true}, true))
	doc := parse(t, out)
	if len(all(doc, "img", nil)) != 0 || !strings.Contains(out, "Planned") || !strings.Contains(out, "No date") {
		t.Errorf("visit line:\n%s", out)
	}
	links := all(doc, "a", nil)
	if len(links) != 1 || attr(links[0], "href") != "https://example.org/" || attr(links[0], "rel") != "nofollow noopener" {
		t.Errorf("links in %s", out)
	}
}

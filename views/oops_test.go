package views

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestOopsPageExplainsAndLeadsBack(t *testing.T) {
	o := Oops{
		Assets:    Assets{Prefix: "/assets/0123456789"},
		Status:    503,
		Title:     "GitHub is not answering",
		Message:   "Nothing was saved. Try again in a minute.",
		RequestID: "7f3a<9c>",
	}
	doc := parse(t, render(t, OopsPage(o)))
	if got := text(all(doc, "h1", nil)[0]); got != o.Title {
		t.Errorf("h1 %q, want %q", got, o.Title)
	}
	if got := text(all(doc, "title", nil)[0]); !strings.HasPrefix(got, o.Title) {
		t.Errorf("title %q should start with %q", got, o.Title)
	}
	if !strings.Contains(text(doc), o.Message) {
		t.Error("the message is missing")
	}
	back := all(doc, "a", func(n *html.Node) bool { return text(n) == "Back to the map" })
	if len(back) != 1 || attr(back[0], "href") != "/" {
		t.Error(`want one "Back to the map" link to /`)
	}
	codes := all(doc, "code", nil)
	if len(codes) != 1 || text(codes[0]) != "7f3a<9c>" || !strings.Contains(text(codes[0].Parent), "Request id:") {
		t.Errorf("want the request id in a <code> after 'Request id:', got %d codes", len(codes))
	}
	if len(all(doc, "script", nil)) != 0 {
		t.Error("the error page needs no scripts")
	}
}

func TestOopsPageWithoutDetailsStillHelps(t *testing.T) {
	doc := parse(t, render(t, OopsPage(Oops{})))
	if got := text(all(doc, "h1", nil)[0]); got != "Something went wrong" {
		t.Errorf("h1 %q", got)
	}
	if strings.Contains(text(doc), "Request id") {
		t.Error("no request id line without a request id")
	}
	if !strings.Contains(text(doc), "Back to the map") {
		t.Error("the way back is missing")
	}
}

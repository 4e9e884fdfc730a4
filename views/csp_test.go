package views

import (
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
)

// The pages run under script-src 'self'; style-src 'self': no inline scripts
// (except the JSON data block, which is never executed), no style attributes
// or elements, no inline event handlers, and nothing from other origins.
func TestPagesNeedNoInlineScriptsOrStyles(t *testing.T) {
	signedIn := mapModel()
	signedIn.Viewer = Viewer{SignedIn: true, Name: "Jess", CanWrite: true}
	signedIn.Form = Form{Errors: map[string]string{"name": "Name is required."}, Error: "Try again."}
	signedIn.Stale = true
	signedIn.Page, signedIn.Pages = 2, 3
	fetched := mapModel()
	fetched.MarkerData, fetched.MarkersURL = nil, "/places?v=1"

	components := map[string]templ.Component{
		"map page":           MapPage(mapModel()),
		"map page, writer":   MapPage(signedIn),
		"map page, fetching": MapPage(fetched),
		"oops page":          OopsPage(Oops{Assets: Assets{Prefix: "/assets/x"}, Status: 500, Title: "Oops", Message: "Broken.", RequestID: "r1"}),
		"place form":         PlaceForm(Form{Error: "x", Errors: map[string]string{"latitude": "y"}}),
		"place added":        PlaceAdded(Form{}, place("Graz", "47", "15"), `"x.1"`, Country{}, 3, Geo{}, Undo{URL: "/changes/c1/undo", Summary: "Add Graz"}),
	}
	for name, c := range components {
		t.Run(name, func(t *testing.T) {
			doc := parse(t, render(t, c))
			for _, s := range all(doc, "script", nil) {
				src := attr(s, "src")
				switch {
				case src != "":
					if !strings.HasPrefix(src, "/assets/") {
						t.Errorf("script from outside our assets: %q", src)
					}
					if text(s) != "" {
						t.Errorf("script with src also has inline code")
					}
				case attr(s, "type") == "application/json":
				default:
					t.Errorf("inline executable script: %q", text(s))
				}
			}
			if styles := all(doc, "style", nil); len(styles) != 0 {
				t.Errorf("found %d <style> elements", len(styles))
			}
			walk(doc, func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				for _, a := range n.Attr {
					if a.Key == "else" || a.Key == "if" || strings.ContainsAny(a.Key, "{}") {
						t.Errorf("<%s> has a template keyword as attribute: %q", n.Data, a.Key)
					}
					if a.Key == "style" {
						t.Errorf("<%s> has a style attribute: %q", n.Data, a.Val)
					}
					if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(a.Key, "hx-on") {
						t.Errorf("<%s> has an inline handler %s", n.Data, a.Key)
					}
					if (a.Key == "href" || a.Key == "src") && strings.Contains(a.Val, "//") && n.Data != "a" {
						t.Errorf("<%s %s=%q> loads from another origin", n.Data, a.Key, a.Val)
					}
				}
			})
		})
	}
}

func TestPagesLoadTheirAssetsFromThePrefix(t *testing.T) {
	writer := mapModel()
	writer.Viewer = Viewer{SignedIn: true, Name: "Ana", CanWrite: true}
	doc := parse(t, render(t, MapPage(writer)))
	var refs []string
	for _, n := range all(doc, "", nil) {
		if n.Data == "script" || n.Data == "link" {
			if v := attr(n, "src") + attr(n, "href"); v != "" {
				refs = append(refs, v)
			}
		}
	}
	joined := strings.Join(refs, " ")
	for _, path := range []string{
		"/leaflet/leaflet.js", "/leaflet/leaflet.css",
		"/markercluster/leaflet.markercluster.js", "/markercluster/MarkerCluster.css", "/markercluster/MarkerCluster.Default.css",
		"/htmx/htmx.min.js", "/events.js", "/app.js", "/app.css", "/find.js", "/curate.js",
	} {
		if !strings.Contains(joined, "/assets/0123456789"+path) {
			t.Errorf("page does not load %s; it loads %v", path, refs)
		}
	}
	// Visitors who may not write get no form code.
	anonymous := render(t, MapPage(mapModel()))
	for _, path := range []string{"/htmx/htmx.min.js", "/find.js", "/curate.js"} {
		if strings.Contains(anonymous, path) {
			t.Errorf("the anonymous page loads %s", path)
		}
	}
	metas := all(doc, "meta", func(n *html.Node) bool { return attr(n, "name") == "htmx-config" })
	if len(metas) != 1 || !strings.Contains(attr(metas[0], "content"), `"includeIndicatorCSS":false`) {
		t.Error("htmx must be told not to inject its indicator stylesheet")
	}
	htmlEl := all(doc, "html", nil)[0]
	if attr(htmlEl, "lang") != "en" {
		t.Error(`<html> needs lang="en"`)
	}
	if got := text(all(doc, "title", nil)[0]); got != "Where I have been" {
		t.Errorf("title %q", got)
	}
}

package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// render renders a component the way a handler does and returns the HTML.
func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.String()
}

// parse reads a full page or a fragment the way a browser would.
func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	if strings.HasPrefix(strings.ToLower(s), "<!doctype") {
		doc, err := html.Parse(strings.NewReader(s))
		if err != nil {
			t.Fatalf("parse page: %v", err)
		}
		return doc
	}
	// A fragment arrives in htmx inside a <template>; parse it in a <body>
	// context, which treats <li>, <ol>, <form> alike.
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		t.Fatalf("parse fragment: %v", err)
	}
	root := &html.Node{Type: html.DocumentNode}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return root
}

func walk(n *html.Node, visit func(*html.Node)) {
	visit(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, visit)
	}
}

// all returns the elements with the tag (any tag when tag is "") that match.
func all(root *html.Node, tag string, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(root, func(n *html.Node) {
		if n.Type == html.ElementNode && (tag == "" || n.Data == tag) && (match == nil || match(n)) {
			out = append(out, n)
		}
	})
	return out
}

func byID(root *html.Node, id string) *html.Node {
	found := all(root, "", func(n *html.Node) bool { return attr(n, "id") == id })
	if len(found) == 0 {
		return nil
	}
	return found[0]
}

func mustID(t *testing.T, root *html.Node, id string) *html.Node {
	t.Helper()
	n := byID(root, id)
	if n == nil {
		t.Fatalf("no element with id %q", id)
	}
	return n
}

func attr(n *html.Node, name string) string {
	v, _ := attrOK(n, name)
	return v
}

func attrOK(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func hasAttr(n *html.Node, name string) bool {
	_, ok := attrOK(n, name)
	return ok
}

// text is the element's text with runs of white space collapsed, as a reader
// would see it.
func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

func withClass(class string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		for _, c := range strings.Fields(attr(n, "class")) {
			if c == class {
				return true
			}
		}
		return false
	}
}

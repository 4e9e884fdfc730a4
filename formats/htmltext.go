package formats

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// looksLikeHTML matches the markup Google My Maps, Google Earth and GDAL
// put in KML descriptions: a tag people write, opened or closed.
var looksLikeHTML = regexp.MustCompile(`(?i)<(br|p|b|i|u|a|div|span|img|em|strong|ul|ol|li|table|font|h[1-6])[\s/>]|</[a-z]+>`)

// descriptionText turns a description written as HTML into the text a note
// is: line breaks and paragraphs as newlines, a link as its text and its
// address (so the address is still a link on the page), pictures and
// scripts dropped, entities decoded. Text that is not HTML is kept as is.
func descriptionText(s string) string {
	if !looksLikeHTML.MatchString(s) {
		return s
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	var href string
	skip := 0 // inside <script> or <style>
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidyLines(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			href, skip = startTag(z, &b, href, skip)
		case html.EndTagToken:
			href, skip = endTag(z, &b, href, skip)
		}
	}
}

func startTag(z *html.Tokenizer, b *strings.Builder, href string, skip int) (string, int) {
	name, hasAttr := z.TagName()
	switch string(name) {
	case "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6":
		b.WriteByte('\n')
	case "script", "style":
		skip++
	case "a":
		for hasAttr {
			var key, value []byte
			key, value, hasAttr = z.TagAttr()
			if bytes.Equal(key, []byte("href")) {
				href = string(value)
			}
		}
	}
	return href, skip
}

func endTag(z *html.Tokenizer, b *strings.Builder, href string, skip int) (string, int) {
	name, _ := z.TagName()
	switch string(name) {
	case "script", "style":
		skip = max(skip-1, 0)
	case "p", "div", "li", "tr":
		b.WriteByte('\n')
	case "a":
		if strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://") {
			if !strings.Contains(b.String(), href) {
				b.WriteString(" (" + href + ")")
			}
		}
		href = ""
	}
	return href, skip
}

// tidyLines collapses white space as a browser does, within each line,
// and keeps at most one blank line in a row.
func tidyLines(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

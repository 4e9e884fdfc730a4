package handlers

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/whib/whib/views"
)

// listQueryOf reads ?q=, the list's filter: its words, trimmed; "" for
// none. Too long a filter is a 400 that says so.
func listQueryOf(r *http.Request) (string, error) {
	values := r.URL.Query()["q"]
	if len(values) > 1 {
		return "", refuse(http.StatusBadRequest, "invalid_query", "Send ?q= once.")
	}
	if len(values) == 0 {
		return "", nil
	}
	q := strings.Join(strings.Fields(values[0]), " ")
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > views.MaxListQuery {
		return "", refuse(http.StatusBadRequest, "invalid_query", "The filter of the list can be at most 100 characters of text.")
	}
	return q, nil
}

// matching is the list's places whose name, country, region or dates
// hold every word of query, ignoring case and accents ("sao" finds
// São José); the whole list when query is "".
func (l placeList) matching(query string) placeList {
	words := strings.Fields(folded(query))
	if len(words) == 0 {
		return l
	}
	kept := placeList{v: l.v, loc: l.loc, byCountry: l.byCountry, now: l.now}
	for i, g := range l.places {
		text := l.searchText(g)
		if !allIn(words, text) {
			continue
		}
		kept.places = append(kept.places, g)
		if l.headings != nil {
			kept.headings = append(kept.headings, l.headings[i])
		}
	}
	return kept
}

// searchText is what the filter looks in for the place of visits g,
// folded.
func (l placeList) searchText(g []int) string {
	var b strings.Builder
	for _, row := range g {
		p := l.v.snap.Places[row]
		b.WriteString(p.Name)
		b.WriteByte('\n')
		if !p.Visited.IsZero() {
			b.WriteString(p.Visited.String())
			b.WriteByte('\n')
		}
	}
	if l.loc != nil {
		where := l.loc.where(g[0])
		b.WriteString(where.Name + "\n" + where.Region.Name + "\n")
	}
	return folded(b.String())
}

func allIn(words []string, text string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// folded is s in lower case without its accents.
func folded(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

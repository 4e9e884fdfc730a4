package views

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/whib/whib/store"
)

// listEntries are the list's places on this page: m.Entries, or one
// entry per element of m.Places.
func listEntries(m Map) []ListPlace {
	if m.Entries != nil {
		return m.Entries
	}
	return singleVisits(m.Places, m.ETags, func(p Place) Country { return m.Geo.Countries[p.ID] })
}

// groupEntries are a group's places on this page, like listEntries.
func groupEntries(g PlaceGroup) []ListPlace {
	if g.Entries != nil {
		return g.Entries
	}
	return singleVisits(g.Places, nil, func(Place) Country { return g.Country })
}

func singleVisits(places []Place, etags map[string]string, country func(Place) Country) []ListPlace {
	out := make([]ListPlace, len(places))
	for i, p := range places {
		out[i] = ListPlace{First: p, Visits: []Visit{{Place: p, ETag: etags[p.ID]}}, Country: country(p)}
	}
	return out
}

// shownVisits is e as a visitor sees it (canWrite false): a visit stored
// more than once (the same date and note) once.
func shownVisits(e ListPlace, canWrite bool) ListPlace {
	if canWrite || len(e.Visits) < 2 {
		return e
	}
	type visit struct{ when, note string }
	seen := map[visit]bool{}
	var kept []Visit
	for _, v := range e.Visits {
		k := visit{v.Visited.String(), v.Note}
		if !seen[k] {
			seen[k] = true
			kept = append(kept, v)
		}
	}
	e.Visits = kept
	return e
}

func allPlanned(e ListPlace) bool {
	for _, v := range e.Visits {
		if !v.Planned {
			return false
		}
	}
	return true
}

// groupKey names a place's entry in the list (data-group): its visits
// share it, so a change to one visit can replace the place's entry.
func groupKey(p Place) string { return store.PlaceKey(p) }

// groupTarget is an hx-swap-oob value that swaps the list entry of p's
// place: "outerHTML:[data-group=…]".
func groupTarget(swap string, p Place) string {
	return swap + `:[data-group="` + groupKey(p) + `"]`
}

// PlaceAgain is a place a change touched: its entry with every visit it
// has now, none when the change took its last.
type PlaceAgain struct {
	Entry ListPlace
}

// embedded is m as the embed shows it: the year control loads /embed.
func embedded(m Map) Map {
	m.embed = true
	return m
}

func filterAction(m Map) string {
	if m.embed {
		return "/embed"
	}
	return "/"
}

// isYearChoice reports whether the page's filter is one of the years the
// control offers.
func isYearChoice(m Map) bool {
	for _, y := range m.Years {
		if m.Visited == strconv.Itoa(y) {
			return true
		}
	}
	return false
}

// listQuery is the list's address for the way it is ordered and the
// visits it shows, at a page (0: the first, left out).
func listQuery(m Map, byCountry, byDate bool, page int) string {
	q := url.Values{}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if byCountry {
		q.Set("group", "country")
	}
	if byDate {
		q.Set("order", "date")
	}
	if m.Visited != "" {
		q.Set("visited", m.Visited)
	}
	if m.Query != "" {
		q.Set("q", m.Query)
	}
	if len(q) == 0 {
		return "/#places"
	}
	// Encode sorts the keys; "/" in a date interval needs no escaping.
	return "/?" + strings.ReplaceAll(q.Encode(), "%2F", "/") + "#places"
}

// listHref switches the list's order, keeping the visits it shows.
func listHref(m Map, byCountry, byDate bool) string {
	return listQuery(m, byCountry, byDate, 0)
}

// yearLine is "2024: 14 places, 3 new countries: Japan, Peru, Chile".
func yearLine(y YearStats, countriesKnown bool) string {
	s := itoa(y.Year) + ": " + plural(y.Places, "place", "places")
	if !countriesKnown || len(y.NewCountries) == 0 {
		return s
	}
	names := make([]string, len(y.NewCountries))
	for i, c := range y.NewCountries {
		names[i] = c.Name
	}
	return s + ", " + plural(len(names), "new country", "new countries") + ": " + strings.Join(names, ", ")
}

// NotePart is a piece of a note: text, or a web address shown as a link.
type NotePart struct {
	Text string
	URL  string // the address of a link; "" for text
}

// noteURL finds the web addresses in a note: http or https, up to white
// space or a character that cannot end one.
var noteURL = regexp.MustCompile(`https?://[^\s<>"]+`)

// noteParts splits a note into text and links. Only http and https
// addresses with a host become links; punctuation that ends a sentence
// ("see https://example.org.") stays text. The same rules are in app.js.
func noteParts(note string) []NotePart {
	var parts []NotePart
	last := 0
	for _, loc := range noteURL.FindAllStringIndex(note, -1) {
		raw := strings.TrimRight(note[loc[0]:loc[1]], ".,;:!?)]}'")
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		if loc[0] > last {
			parts = append(parts, NotePart{Text: note[last:loc[0]]})
		}
		parts = append(parts, NotePart{Text: raw, URL: raw})
		last = loc[0] + len(raw)
	}
	if last < len(note) {
		parts = append(parts, NotePart{Text: note[last:]})
	}
	return parts
}

package views

import (
	"strconv"
	"strings"

	"github.com/whib/whib/geo"
)

// Country is where a place is, as geo tells it: its country (code,
// English name, flag) and, where known, the region of it the place lies
// in (Region.Code "" otherwise). A list entry reads "Styria, Austria".
type Country struct {
	geo.Country
	Region geo.Region
}

// Geo is what the map page shows of countries. Until the gazetteer has
// loaded, Ready is false and the page shows no countries (it never waits).
type Geo struct {
	Ready bool
	// Countries are those of the places the list shows, by place ID;
	// places at sea are missing.
	Countries map[string]Country
	Stats     geo.Stats
	// WorldURL is the versioned world outline layer (GeoJSON) that app.js
	// draws under the tiles and uses to shade the visited countries.
	WorldURL string
	// ChecklistsInline: the regions of the checklists are few enough to
	// ride along on the page (ChecklistsPage always has them).
	ChecklistsInline bool
	// Visits is what the dates say; nil where the page does not show it.
	Visits *Visits
}

// Visits is what the visits' dates say (issue 20). A visit to come is a
// plan: it counts in Planned only, never as a place been to.
type Visits struct {
	Places  int // places been to: with a visit that is not a plan
	Visits  int // visits that are not plans (dated or not)
	Planned int // visits to come
	// Years are the years with visits, newest first; a visit counts in
	// every year it overlaps, as ?visited= finds it.
	Years []YearStats
	// FirstVisited is the first visit to each country (its start, in the
	// notation), by country code; missing when no visit there has a date.
	FirstVisited map[string]string
}

// YearStats is one year of visits.
type YearStats struct {
	Year                      int
	Visits, Places, Countries int
	// NewCountries were first visited this year, by name.
	NewCountries []geo.Country
}

// Checklist is one country's regions, visited and not.
type Checklist = geo.Checklist

// Search is the model of SearchResults, the "Find a place" listbox.
type Search struct {
	Query   string
	Results []geo.Result
	Note    string // shown instead of results: still loading, too long…
}

// countryLabel is "Austria": the name alone. Flag emoji need an emoji
// font, without which they show as empty boxes (or as letters, on
// Windows), so the page never depends on one.
func countryLabel(c Country) string {
	return c.Name
}

// whereLabel is "Styria, Austria", or the country alone when the
// region is not known.
func whereLabel(c Country) string {
	if c.Region.Name == "" {
		return countryLabel(c)
	}
	return c.Region.Name + ", " + countryLabel(c)
}

// resultParts are what a search result's option says: its name, with the
// name matched when it is another ("Munich (München)"), and where it is
// ("Bavaria, Germany"), both from its label.
func resultParts(r geo.Result) (name, where string) {
	name = r.Name
	if r.Matched != "" {
		name += " (" + r.Matched + ")"
	}
	where = r.CountryName
	if r.Label != "" {
		rest, ok := strings.CutPrefix(r.Label, name)
		if !ok {
			return r.Label, ""
		}
		where = strings.TrimPrefix(rest, ", ")
	}
	switch r.Kind {
	case geo.KindCoordinates:
		if where == "" {
			return name, "Coordinates"
		}
		return name, "Coordinates in " + where
	case geo.KindCountry:
		return name, strings.TrimSpace("Country " + where)
	}
	return name, where
}

// resultLabel is the result in words, for what find.js announces.
func resultLabel(r geo.Result) string {
	name, where := resultParts(r)
	if where == "" {
		return name
	}
	return name + ", " + where
}

// boundsOf is "west,south,east,north", for find.js to fly to.
func boundsOf(b geo.Bounds) string {
	return degrees(b.West) + "," + degrees(b.South) + "," + degrees(b.East) + "," + degrees(b.North)
}

// regionNames is "Bavaria, Berlin", or "none".
func regionNames(rs []geo.Region) string {
	if len(rs) == 0 {
		return "none"
	}
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

// countNames is "Puerto Rico (2 places), Taiwan (1 place)".
func countNames(cs []geo.Count) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name + " (" + plural(c.Places, "place", "places") + ")"
	}
	return strings.Join(names, ", ")
}

func resultOptionID(i int) string { return "place-find-option-" + strconv.Itoa(i) }

func degrees(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Summary is "11 places in 3 countries on 2 continents".
func Summary(total int, g Geo) string { return summary(total, g) }

// summary is "11 places in 3 countries on 2 continents": the places been
// to, when the visits are counted (plans are not), else total.
func summary(total int, g Geo) string {
	if g.Visits != nil {
		total = g.Visits.Places
	}
	s := plural(total, "place", "places")
	if !g.Ready || total == 0 {
		return s
	}
	return s + " in " + plural(len(g.Stats.Countries), "country", "countries") +
		" on " + plural(len(g.Stats.Continents), "continent", "continents")
}

// Plural is "1 place" or "11 places".
func Plural(n int, one, many string) string { return plural(n, one, many) }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

package views

import (
	"strconv"

	"github.com/whib/whib/geo"
)

// Country is where a place is, as geo tells it: its country (code,
// English name, flag) and, where known, the region of it the place lies
// in (Region.Code "" otherwise). A list entry reads "Styria, Austria 🇦🇹".
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
}

// Search is the model of SearchResults, the "Find a place" listbox.
type Search struct {
	Query   string
	Results []geo.Result
	Note    string // shown instead of results: still loading, too long…
}

// countryLabel is "Austria 🇦🇹".
func countryLabel(c Country) string {
	if c.Flag == "" {
		return c.Name
	}
	return c.Name + " " + c.Flag
}

// whereLabel is "Styria, Austria 🇦🇹", or the country alone when the
// region is not known.
func whereLabel(c Country) string {
	if c.Region.Name == "" {
		return countryLabel(c)
	}
	return c.Region.Name + ", " + countryLabel(c)
}

// resultWhere is what a search result says besides its name.
func resultWhere(r geo.Result) string {
	if r.Kind == geo.KindCoordinates {
		if r.CountryName == "" {
			return "Coordinates"
		}
		return "Coordinates in " + r.CountryName
	}
	return r.CountryName
}

func resultOptionID(i int) string { return "place-find-option-" + strconv.Itoa(i) }

func degrees(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Summary is "11 places in 3 countries on 2 continents".
func Summary(total int, g Geo) string { return summary(total, g) }

// summary is "11 places in 3 countries on 2 continents".
func summary(total int, g Geo) string {
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

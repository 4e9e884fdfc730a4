package geo

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/whib/whib/geo/internal/fold"
)

// MaxQueryLen is the longest query, in bytes, that callers should pass to
// Search; longer ones are answered with nothing (the HTTP layer rejects them
// with 400 before they get here).
const MaxQueryLen = 200

// MaxResults caps what Search returns, whatever limit the caller asks for.
const MaxResults = 10

// maxQueryWords bounds the work per query: every candidate is checked
// against every word.
const maxQueryWords = 8

// Kinds of Result.
const (
	KindCity        = "city"
	KindCoordinates = "coordinates"
)

// Result is one answer to a search: a city of the gazetteer, or the point
// a query's coordinates name.
type Result struct {
	Name        string  `json:"name"`
	Country     string  `json:"country"`      // ISO 3166-1 alpha-2, "" at sea
	CountryName string  `json:"country_name"` // English
	Region      string  `json:"region"`       // GeoNames admin1 code, e.g. "06" or "NM"
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	Population  int     `json:"population"`
	Kind        string  `json:"kind"`
}

// Search finds cities whose name (case and accents ignored) has a word
// starting with each word of q, exact names first and then the most
// populous; or, when q is a coordinate pair, the point itself. It returns
// at most min(limit, MaxResults) results and never nil.
func (ix *Index) Search(q string, limit int) []Result {
	if limit <= 0 || limit > MaxResults {
		limit = MaxResults
	}
	q = strings.TrimSpace(q)
	if len(q) > MaxQueryLen || utf8.RuneCountInString(q) < 2 {
		return []Result{}
	}
	if lat, lon, ok := ParseCoordinates(q); ok {
		return []Result{ix.coordinatesResult(lat, lon)}
	}
	folded := fold.String(q)
	words := strings.Fields(folded)
	if len(folded) < 2 || len(words) > maxQueryWords {
		return []Result{}
	}
	best := ix.gazetteer.bestMatches(folded, words, limit)
	results := make([]Result, len(best))
	for i, m := range best {
		results[i] = ix.cityResult(&ix.gazetteer.cities[m.city])
	}
	return results
}

// match tiers: how well a city's whole name fits the whole query.
const (
	tierWordPrefix = iota // each query word starts some word of the name
	tierNamePrefix        // the name starts with the query
	tierExact             // the name is the query
)

type match struct {
	city int32
	tier uint8
}

// bestMatches scans the cities holding the rarest query word and keeps the
// best few in a small sorted slice: cheaper than sorting all candidates,
// since even a two-letter prefix yields only thousands. Most candidates are
// rejected from their entry alone, before their city is read.
func (g *gazetteer) bestMatches(folded string, words []string, limit int) []match {
	best := make([]match, 0, limit+1)
	k, entries := g.rarestWordRange(words)
	for _, e := range entries {
		if len(best) == limit && !g.ranksAbove(match{e.city, tierBound(e, folded, k, len(words))}, best[limit-1]) {
			continue
		}
		c := &g.cities[e.city]
		if len(words) > 1 && !hasWordPrefixes(c.folded, words) {
			continue
		}
		best = g.keepBest(best, match{city: e.city, tier: tierOf(c.folded, folded)}, limit)
	}
	return best
}

// tierBound is the best tier e's city can reach, judged from the entry
// alone, when e matched query word k. A name that starts with the query has
// its k-th word matching query word k, and that word's own entry is in the
// range too: entries at other positions can claim only the lowest tier.
func tierBound(e wordEntry, folded string, k, queryWords int) uint8 {
	switch {
	case int(e.position) != k:
		return tierWordPrefix
	case queryWords > 1:
		return tierExact
	case e.whole && e.word == folded:
		return tierExact
	default:
		return tierNamePrefix
	}
}

// rarestWordRange picks the query word with the fewest entries: k is its
// position in the query.
func (g *gazetteer) rarestWordRange(words []string) (k int, rarest []wordEntry) {
	for i, w := range words {
		r := g.prefixRange(w)
		if i == 0 || len(r) < len(rarest) {
			k, rarest = i, r
		}
	}
	return k, rarest
}

func tierOf(name, query string) uint8 {
	switch {
	case name == query:
		return tierExact
	case strings.HasPrefix(name, query):
		return tierNamePrefix
	default:
		return tierWordPrefix
	}
}

// hasWordPrefixes tells whether every query word begins some word of name.
func hasWordPrefixes(name string, words []string) bool {
	for _, w := range words {
		if !hasWordPrefix(name, w) {
			return false
		}
	}
	return true
}

func hasWordPrefix(name, prefix string) bool {
	for {
		if strings.HasPrefix(name, prefix) {
			return true
		}
		_, rest, ok := strings.Cut(name, " ")
		if !ok {
			return false
		}
		name = rest
	}
}

// keepBest inserts m into best (sorted, best first) unless it is already
// there (a name can hold the prefix twice) or ranks below the last of a
// full list.
func (g *gazetteer) keepBest(best []match, m match, limit int) []match {
	for _, b := range best {
		if b.city == m.city {
			return best
		}
	}
	i := len(best)
	for i > 0 && g.ranksAbove(m, best[i-1]) {
		i--
	}
	if i >= limit {
		return best
	}
	best = append(best, match{})
	copy(best[i+1:], best[i:])
	best[i] = m
	return best[:min(len(best), limit)]
}

func (g *gazetteer) ranksAbove(a, b match) bool {
	if a.tier != b.tier {
		return a.tier > b.tier
	}
	pa, pb := g.cities[a.city].population, g.cities[b.city].population
	if pa != pb {
		return pa > pb
	}
	return a.city < b.city
}

func (ix *Index) cityResult(c *city) Result {
	code := string(c.country[:])
	return Result{
		Name:        c.name,
		Country:     code,
		CountryName: ix.borders.countryByCode(code).Name,
		Region:      c.region,
		Latitude:    float64(c.lat) / 1e5,
		Longitude:   float64(c.lon) / 1e5,
		Population:  int(c.population),
		Kind:        KindCity,
	}
}

func (ix *Index) coordinatesResult(lat, lon float64) Result {
	r := Result{
		Name:      formatCoordinate(lat) + ", " + formatCoordinate(lon),
		Latitude:  lat,
		Longitude: lon,
		Kind:      KindCoordinates,
	}
	if c, ok := ix.CountryOf(lat, lon); ok {
		r.Country, r.CountryName = c.Code, c.Name
	}
	return r
}

func formatCoordinate(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

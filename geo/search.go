package geo

import (
	"sort"
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

// Kinds of Result. Cities and coordinates are places to add; a region or
// a country is somewhere to fly to (Bounds says how far).
const (
	KindCity        = "city"
	KindCoordinates = "coordinates"
	KindRegion      = "region"
	KindCountry     = "country"
)

// Search finds the places, regions and countries one of whose names
// (official, ASCII or alternate: local scripts, exonyms, abbreviations;
// case and accents ignored) has a word starting with each word of q, the
// place a traveller most likely means first; or, when q is a coordinate
// pair, the point itself. It returns at most min(limit, MaxResults)
// results and never nil.
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
	// A few more than asked for: results that read alike may be merged.
	best := ix.gazetteer.names.bestMatches(folded, words, limit+mergeSlack)
	return ix.results(best, q, limit)
}

// match tiers: how well a name fits the whole query.
const (
	tierWordPrefix = iota // each query word starts some word of the name
	tierNamePrefix        // the name starts with the query
	tierExact             // the name is the query
)

type match struct {
	name  int32 // the owner's name that matched best
	owner int32
	tier  uint8
	rank  uint32
}

// Ranks of areas, which have no population: a country or region named
// exactly what was typed comes before all but the largest cities of that
// name ("Georgia" the country before the state, the state before the
// towns; "New York" the city before the state), but one whose name only
// starts with it does not push the cities out ("Ba" is Bangkok before
// the Bahamas).
const (
	countryMark = ^uint32(0)
	regionMark  = ^uint32(0) - 1

	countryExactRank  = ^uint32(0) - 2
	countryPrefixRank = 2_000_000
	regionExactRank   = 500_000
	regionPrefixRank  = 300_000
)

// rankOf is the rank a name's owner has when matched at tier t.
func rankOf(stored uint32, t uint8) uint32 {
	switch stored {
	case countryMark:
		if t == tierExact {
			return countryExactRank
		}
		return countryPrefixRank
	case regionMark:
		if t == tierExact {
			return regionExactRank
		}
		return regionPrefixRank
	}
	return stored
}

// bestMatches scans the names holding the rarest query word and keeps the
// best few owners in a small sorted slice: cheaper than sorting all
// candidates, since even a two-letter prefix yields only tens of
// thousands. Most candidates are rejected from their entry alone, before
// their name is read.
func (n *nameIndex) bestMatches(folded string, words []string, limit int) []match {
	best := make([]match, 0, limit+1)
	k, entries := n.rarestWordRange(words)
	// Entries whose word is the query word itself sort first in the range:
	// only those can be the whole name.
	exact := n.wordRun(entries, words[k])
	for i, e := range entries {
		t := tierBound(e, i < exact, k, len(words))
		if len(best) == limit && !n.ranksAbove(match{name: e.name(), tier: t, rank: rankOf(e.rank, t)}, best[limit-1]) {
			continue
		}
		if len(words) > 1 {
			// For one word the bound is the tier; for more, the name
			// must be read.
			name := n.foldedAround(e.word)
			if !hasWordPrefixes(name, words) {
				continue
			}
			t = tierOf(name, folded)
		}
		m := match{name: e.name(), owner: n.owner(e.name()), tier: t, rank: rankOf(e.rank, t)}
		best = n.keepBest(best, m, limit)
	}
	return best
}

// tierBound is the best tier e's name can reach, judged from the entry
// alone, when e matched query word k (sameWord: e's word is that query
// word, not a longer one). A name that starts with the query has its k-th
// word matching query word k, and that word's own entry is in the range
// too: entries at other positions can claim only the lowest tier.
//
// For a one-word query the bound is exact: the entry's word starts with
// the query, so a first word makes the name start with it, and a whole
// name that is the word itself is the query. For more words, a name that
// starts with the query holds every query word but the last as a word of
// its own.
func tierBound(e wordEntry, sameWord bool, k, queryWords int) uint8 {
	switch {
	case e.position() != k:
		return tierWordPrefix
	case queryWords > 1 && k < queryWords-1 && !sameWord:
		return tierWordPrefix
	case queryWords > 1:
		return tierExact
	case e.isWhole() && sameWord:
		return tierExact
	default:
		return tierNamePrefix
	}
}

// wordRun is how many of entries, from the first, have the word w itself.
func (n *nameIndex) wordRun(entries []wordEntry, w string) int {
	return sort.Search(len(entries), func(i int) bool { return n.wordAt(entries[i].word) != w })
}

// rarestWordRange picks the query word with the fewest entries: k is its
// position in the query.
func (n *nameIndex) rarestWordRange(words []string) (k int, rarest []wordEntry) {
	for i, w := range words {
		r := n.prefixRange(w)
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

// keepBest inserts m into best (sorted, best first) unless its owner is
// there already with a match as good, or it ranks below the last of a
// full list. An owner is listed once, by its best name.
func (n *nameIndex) keepBest(best []match, m match, limit int) []match {
	for i, b := range best {
		if b.owner == m.owner {
			if !n.ranksAbove(m, b) {
				return best
			}
			best = append(best[:i], best[i+1:]...)
			break
		}
	}
	i := len(best)
	for i > 0 && n.ranksAbove(m, best[i-1]) {
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

// ranksAbove orders matches: tier, then rank (population), then the
// owner's own name before its others, then the data's order.
func (n *nameIndex) ranksAbove(a, b match) bool {
	if a.tier != b.tier {
		return a.tier > b.tier
	}
	if a.rank != b.rank {
		return a.rank > b.rank
	}
	return a.name < b.name
}

package handlers

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// visitStats are what a view's visits say: GET /stats, the page's summary
// and the preview's caption. Plans (visits that start after today) count
// in Planned only: not as places, countries, years or shading.
type visitStats struct {
	counts views.Visits
	// geo counts the places been to per country and continent; zero while
	// the countries are not known.
	geo            geo.Stats
	countriesKnown bool
	// yearsWithPlans are the years any dated visit overlaps, plans
	// included, newest first: the page's year control.
	yearsWithPlans []int
}

// computeVisitStats works the stats out from the shown visits, where they
// are (nil while unknown) and their grouping by place.
func computeVisitStats(places []store.Place, loc *rowLocations, groups [][]int, now time.Time) *visitStats {
	st := &visitStats{countriesKnown: loc != nil}
	planned := make([]bool, len(places))
	for i, p := range places {
		planned[i] = p.Visited.Planned(now)
		if planned[i] {
			st.counts.Planned++
		} else {
			st.counts.Visits++
		}
	}
	var points []geo.Point
	var spots []geo.Spot
	for _, g := range groups {
		first, since := -1, ""
		for _, row := range g {
			if planned[row] {
				continue
			}
			if first < 0 {
				first = row
			}
			if start := visitStart(places[row].Visited); start != "" && (since == "" || start < since) {
				since = start // dates of any precision sort in time order as text
			}
		}
		if first < 0 {
			continue
		}
		st.counts.Places++
		if loc != nil {
			p := places[first]
			points = append(points, geo.Point{Latitude: p.Latitude.Float(), Longitude: p.Longitude.Float(), Visited: since})
			spots = append(spots, loc.spots[first])
		}
	}
	if loc != nil {
		// One point per place been to: its regions' first visits too.
		st.geo = loc.ix.StatsOfSpots(points, spots)
	}
	st.counts.Years, st.counts.FirstVisited = yearStats(places, loc, groups, planned)
	st.yearsWithPlans = yearsOverlapped(places)
	return st
}

// span is the years a visit covers, first and last.
type span struct{ from, to int }

func spanOf(v store.Visited) span { return span{v.Start().Year(), v.End().Year()} }

// tally counts, per year, the things whose spans cover it, each thing once
// a year: spans of one thing are merged first. Counts are kept in a slice
// from the first year, with +1 where a merged span starts and -1 after it
// ends, summed up later: the cost is the number of spans, not of years.
type tally struct {
	first int
	diff  []int
}

func newTally(first, last int) *tally { return &tally{first: first, diff: make([]int, last-first+2)} }

func (t *tally) add(spans []span) {
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	for i := 0; i < len(spans); {
		cur := spans[i]
		for i++; i < len(spans) && spans[i].from <= cur.to; i++ {
			cur.to = max(cur.to, spans[i].to)
		}
		t.diff[cur.from-t.first]++
		t.diff[cur.to-t.first+1]--
	}
}

// counts turns the differences into a count per year.
func (t *tally) counts() []int {
	out := make([]int, len(t.diff)-1)
	n := 0
	for i := range out {
		n += t.diff[i]
		out[i] = n
	}
	return out
}

// yearStats counts the visits that are not plans per year, and says when
// each country was first visited.
func yearStats(places []store.Place, loc *rowLocations, groups [][]int, planned []bool) ([]views.YearStats, map[string]string) {
	dated := func(i int) bool { return !planned[i] && !places[i].Visited.IsZero() }
	first, last, found := 0, 0, false
	for i, p := range places {
		if dated(i) {
			s := spanOf(p.Visited)
			if !found {
				first, last, found = s.from, s.to, true
			}
			first, last = min(first, s.from), max(last, s.to)
		}
	}
	if !found {
		return nil, nil
	}
	visits, perPlace, perCountry := newTally(first, last), newTally(first, last), newTally(first, last)
	for i, p := range places {
		if dated(i) {
			visits.add([]span{spanOf(p.Visited)})
		}
	}
	for _, g := range groups {
		var spans []span
		for _, row := range g {
			if dated(row) {
				spans = append(spans, spanOf(places[row].Visited))
			}
		}
		perPlace.add(spans)
	}
	newCountries, firstVisited := countryYears(places, loc, dated, perCountry)
	return collectYears(first, visits.counts(), perPlace.counts(), perCountry.counts(), newCountries), firstVisited
}

// countryYears tallies the countries per year and finds each country's
// first visit: the new countries by year, and the first visit's start by
// country code.
func countryYears(places []store.Place, loc *rowLocations, dated func(int) bool, perCountry *tally) (map[int][]geo.Country, map[string]string) {
	if loc == nil {
		return nil, nil
	}
	spans := map[string][]span{}
	firstRow := map[string]int{}
	for i, p := range places {
		code := loc.country(i).Code
		if code == "" || !dated(i) {
			continue
		}
		spans[code] = append(spans[code], spanOf(p.Visited))
		if j, seen := firstRow[code]; !seen || p.Visited.Start().Before(places[j].Visited.Start()) {
			firstRow[code] = i
		}
	}
	newCountries := map[int][]geo.Country{}
	firstVisited := make(map[string]string, len(firstRow))
	for code, i := range firstRow {
		perCountry.add(spans[code])
		firstVisited[code] = visitStart(places[i].Visited)
		y := places[i].Visited.Year()
		newCountries[y] = append(newCountries[y], loc.country(i))
	}
	for _, list := range newCountries {
		slices.SortFunc(list, func(a, b geo.Country) int { return cmp.Compare(a.Name, b.Name) })
	}
	return newCountries, firstVisited
}

// collectYears lists the years with visits, newest first.
func collectYears(first int, visits, places, countries []int, newCountries map[int][]geo.Country) []views.YearStats {
	var out []views.YearStats
	for i := len(visits) - 1; i >= 0; i-- {
		if visits[i] == 0 {
			continue
		}
		y := first + i
		out = append(out, views.YearStats{Year: y, Visits: visits[i], Places: places[i], Countries: countries[i], NewCountries: newCountries[y]})
	}
	return out
}

// yearsOverlapped are the years any dated visit overlaps, plans included,
// newest first.
func yearsOverlapped(places []store.Place) []int {
	seen := map[int]bool{}
	for _, p := range places {
		if p.Visited.IsZero() {
			continue
		}
		s := spanOf(p.Visited)
		for y := s.from; y <= s.to && len(seen) <= maxYearChoices; y++ {
			seen[y] = true
		}
	}
	years := make([]int, 0, len(seen))
	for y := range seen {
		years = append(years, y)
	}
	slices.SortFunc(years, func(a, b int) int { return cmp.Compare(b, a) })
	return years
}

// maxYearChoices bounds the year control: a visit typed as 0001/9999 must
// not put ten thousand years on every page.
const maxYearChoices = 400

// statsCache keeps the stats of recent views, by version, filter, day
// (plans become visits) and whether countries were known. A writer and a
// visitor see different versions when some places are private, so more
// than one version is kept.
type statsCache struct {
	mu    sync.Mutex
	stats map[string]*visitStats
}

// maxCachedStats bounds the views kept; when full, the cache starts over.
const maxCachedStats = 64

// statsOf is the view's stats, worked out once per version, filter and day.
func (a *app) statsOf(v placesView) *visitStats {
	return a.statsFor(v.whole, v.filter, func() placesView { return v })
}

// statsFor is the stats of the visits of whole that overlap filter; view
// makes that view, only when the stats are not known yet (at 100,000
// places it is most of the cost of GET /stats?visited=2024).
func (a *app) statsFor(whole store.Snapshot, filter store.Visited, view func() placesView) *visitStats {
	now := a.now()
	key := whole.Version + "?visited=" + filter.String() + "@" + now.Format(time.DateOnly)
	if a.geoReady() {
		key += "+countries"
	}
	c := &a.visitStats
	c.mu.Lock()
	st, ok := c.stats[key]
	c.mu.Unlock()
	if ok {
		return st
	}
	v := view()
	st = computeVisitStats(v.snap.Places, a.viewLocations(v), v.byPlace(), now)
	c.mu.Lock()
	if c.stats == nil || len(c.stats) >= maxCachedStats {
		c.stats = map[string]*visitStats{}
	}
	c.stats[key] = st
	c.mu.Unlock()
	return st
}

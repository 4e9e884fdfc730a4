package handlers

import (
	"net/http"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// Places in time (issue 20): every output that shows places takes
// ?visited= in the notation of the visited column and keeps the visits
// that overlap it. A placesView is that part of what a request may see;
// the work that does not depend on the filter (countries, which rows are
// one place) is done once per version on the whole snapshot and projected.

// visitFilterOf reads ?visited=. Absent or empty, it is the zero Visited
// (every visit); a value the notation does not allow is a 400 that says
// what is wrong with it.
func visitFilterOf(r *http.Request) (store.Visited, error) {
	values, ok := r.URL.Query()["visited"]
	if !ok {
		return store.Visited{}, nil
	}
	if len(values) > 1 {
		return store.Visited{}, refuse(http.StatusBadRequest, "invalid_visited", "Send ?visited= once.")
	}
	v, err := store.ParseVisited(values[0])
	if err != nil {
		return store.Visited{}, refuse(http.StatusBadRequest, "invalid_visited", "?visited="+values[0]+": "+err.Error())
	}
	return v, nil
}

// placesView is the visits one request shows.
type placesView struct {
	whole store.Snapshot // what the request may see (visible)
	snap  store.Snapshot // the visits shown: whole itself when not filtered
	// rows is where each of snap.Places is in whole.Places; nil when not
	// filtered (and never nil when filtered).
	rows   []int
	filter store.Visited
}

// viewOf is the visits of whole that overlap filter, or all of them. A
// filtered view's snapshot has whole's version (caches add the filter to
// their keys) and no stored content.
func viewOf(whole store.Snapshot, filter store.Visited) placesView {
	if filter.IsZero() {
		return placesView{whole: whole, snap: whole}
	}
	places, rows := []store.Place{}, []int{}
	for i, p := range whole.Places {
		if p.Visited.Overlaps(filter) {
			places = append(places, p)
			rows = append(rows, i)
		}
	}
	snap := store.Snapshot{Places: places, Version: whole.Version, LoadedAt: whole.LoadedAt}
	return placesView{whole: whole, snap: snap, rows: rows, filter: filter}
}

// filterKey is what a cache adds to its key for the view's filter.
func (v placesView) filterKey() string {
	if v.filter.IsZero() {
		return ""
	}
	return "?visited=" + v.filter.String()
}

// rowLocations are where a view's visits are, in their order: a geo.Spot
// each, which ix names; nil while the gazetteer is loading.
type rowLocations struct {
	ix    *geo.Index
	spots []geo.Spot
}

func (l *rowLocations) country(i int) geo.Country { return l.ix.Country(l.spots[i]) }

// where is visit i's country and region, as the list shows them.
func (l *rowLocations) where(i int) views.Country {
	loc := l.ix.Location(l.spots[i])
	return views.Country{Country: loc.Country, Region: loc.Region}
}

// locationAt is the country and region of visit i when they are known
// (l non-nil), for the data bodies.
func (l *rowLocations) locationAt(i int) *geo.Location {
	if l == nil {
		return nil
	}
	loc := l.ix.Location(l.spots[i])
	return &loc
}

// viewLocations are where the shown visits are: the spots of the whole
// snapshot, worked out once per version, less the visits not shown.
func (a *app) viewLocations(v placesView) *rowLocations {
	pc, ok := a.countriesOf(v.whole)
	if !ok {
		return nil
	}
	if v.rows == nil {
		return &rowLocations{ix: pc.ix, spots: pc.spots}
	}
	shown := &rowLocations{ix: pc.ix, spots: make([]geo.Spot, len(v.rows))}
	for i, row := range v.rows {
		shown.spots[i] = pc.spots[row]
	}
	return shown
}

// byPlace is the shown visits grouped by place (store.GroupVisits), as
// indexes into v.snap.Places: the grouping of the whole snapshot, worked
// out once per version, less the visits not shown.
func (v placesView) byPlace() [][]int {
	whole := v.whole.ByPlace()
	if v.rows == nil {
		return whole
	}
	shownAt := make(map[int]int, len(v.rows))
	for i, row := range v.rows {
		shownAt[row] = i
	}
	var out [][]int
	for _, g := range whole {
		var kept []int
		for _, row := range g {
			if i, ok := shownAt[row]; ok {
				kept = append(kept, i)
			}
		}
		if kept != nil {
			out = append(out, kept)
		}
	}
	return out
}

// placeCount is how many places (not visits) snap holds: what the list's
// count says.
func placeCount(snap store.Snapshot) int { return len(snap.ByPlace()) }

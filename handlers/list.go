package handlers

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// The list shows each place once, with its visits (issue 20). It is in
// the order places were added, by country (?group=country), newest first
// by year (?order=date), or both: by country, newest first in each.

// placeList is the view's places in list order.
type placeList struct {
	v         placesView
	loc       *rowLocations // of v.snap.Places; nil while unknown
	places    [][]int       // each place's visits, indexes into v.snap.Places
	headings  []string      // per place, when grouped: its group's heading
	byCountry bool          // the headings are country codes
	now       time.Time
}

// listOf orders the view's places for the list.
func (a *app) listOf(v placesView, byCountry, byDate bool) placeList {
	l := placeList{v: v, loc: a.viewLocations(v), places: v.byPlace(), now: a.now()}
	byCountry = byCountry && l.loc != nil
	if !byCountry && !byDate {
		return l
	}
	l.places = slices.Clone(l.places)
	var dateKeys map[int]dateKey // by first row
	if byDate {
		dateKeys = make(map[int]dateKey, len(l.places))
		for _, g := range l.places {
			dateKeys[g[0]] = l.dateKeyOf(g)
		}
		slices.SortStableFunc(l.places, func(a, b []int) int { return dateKeys[a[0]].compare(dateKeys[b[0]]) })
	}
	if byCountry {
		slices.SortStableFunc(l.places, func(a, b []int) int { return compareCountries(l.loc.country(a[0]), l.loc.country(b[0])) })
	}
	l.byCountry = byCountry
	l.headings = make([]string, len(l.places))
	for i, g := range l.places {
		if byCountry {
			l.headings[i] = l.loc.country(g[0]).Code
		} else {
			l.headings[i] = dateKeys[g[0]].heading()
		}
	}
	return l
}

// compareCountries orders countries by English name, the sea last.
func compareCountries(a, b geo.Country) int {
	if (a.Code == "") != (b.Code == "") {
		if a.Code == "" {
			return 1
		}
		return -1
	}
	return strings.Compare(a.Name, b.Name)
}

// dateKey is where a place goes in the list by date: plans (soonest
// first), then places been to (the latest visit first), then places with
// no date.
type dateKey struct {
	class int       // 0 planned only, 1 dated, 2 no date
	start time.Time // the soonest plan, or the latest visit
}

func (l placeList) dateKeyOf(g []int) dateKey {
	k := dateKey{class: 2}
	for _, row := range g {
		v := l.v.snap.Places[row].Visited
		switch {
		case v.IsZero():
		case v.Planned(l.now):
			if k.class == 2 || (k.class == 0 && v.Start().Before(k.start)) {
				k = dateKey{class: 0, start: v.Start()}
			}
		case k.class != 1 || v.Start().After(k.start):
			k = dateKey{class: 1, start: v.Start()}
		}
	}
	return k
}

func (k dateKey) compare(o dateKey) int {
	if c := cmp.Compare(k.class, o.class); c != 0 {
		return c
	}
	if k.class == 0 {
		return k.start.Compare(o.start)
	}
	return o.start.Compare(k.start)
}

func (k dateKey) heading() string {
	switch k.class {
	case 0:
		return "Planned"
	case 1:
		return strconv.Itoa(k.start.Year())
	}
	return "No date"
}

// entry is one place of the list with its visits, newest first.
func (l placeList) entry(g []int) views.ListPlace {
	places := l.v.snap.Places
	e := views.ListPlace{First: places[g[0]], Visits: make([]views.Visit, len(g))}
	if l.loc != nil {
		e.Country = l.loc.where(g[0])
	}
	for i, row := range g {
		e.Visits[i] = views.Visit{Place: places[row], Planned: places[row].Visited.Planned(l.now)}
	}
	slices.SortStableFunc(e.Visits, func(a, b views.Visit) int {
		switch {
		case a.Visited.Before(b.Visited):
			return -1
		case b.Visited.Before(a.Visited):
			return 1
		}
		return 0
	})
	return e
}

// page is the list's places [from, to), and their groups when grouped.
func (l placeList) page(from, to int) ([]views.ListPlace, []views.PlaceGroup) {
	entries := make([]views.ListPlace, 0, to-from)
	for _, g := range l.places[from:to] {
		entries = append(entries, l.entry(g))
	}
	if l.headings == nil {
		return entries, nil
	}
	totals := map[string]int{}
	for _, h := range l.headings {
		totals[h]++
	}
	var groups []views.PlaceGroup
	for i, e := range entries {
		at := from + i
		if i == 0 || l.headings[at] != l.headings[at-1] {
			g := views.PlaceGroup{Heading: l.headings[at], Total: totals[l.headings[at]]}
			if l.byCountry {
				g.Heading, g.Country = "", e.Country
			}
			groups = append(groups, g)
		}
		g := &groups[len(groups)-1]
		g.Entries = append(g.Entries, e)
	}
	return entries, groups
}

// rows are the visits of the entries, for the privacy marks.
func rowsOf(entries []views.ListPlace) []store.Place {
	var out []store.Place
	for _, e := range entries {
		for _, v := range e.Visits {
			out = append(out, v.Place)
		}
	}
	return out
}

// entryOf is p's entry in the list of snap: the place with all its
// visits, each with its entity tag; no visits when none is left.
func (a *app) entryOf(snap store.Snapshot, p store.Place) views.ListPlace {
	visits := snap.Index().Visits(p) // in file order: the first is the place as first stored
	if len(visits) == 0 {
		return views.ListPlace{First: p}
	}
	l := placeList{v: viewOf(store.Snapshot{Places: visits}, store.Visited{}), now: a.now()}
	g := make([]int, len(visits))
	for i := range g {
		g[i] = i
	}
	e := l.entry(g)
	e.Country = a.countryOf(p)
	for i := range e.Visits {
		e.Visits[i].ETag = snap.ETag(e.Visits[i].Place)
	}
	return e
}

// placesAgain are the list entries of the places of these rows as snap
// has them, each place once: what a change's answer brings up to date.
func (a *app) placesAgain(snap store.Snapshot, rows ...store.Place) templ.Component {
	seen := map[string]bool{}
	var again []views.PlaceAgain
	for _, p := range rows {
		if key := store.PlaceKey(p); !seen[key] {
			seen[key] = true
			again = append(again, views.PlaceAgain{Entry: a.entryOf(snap, p)})
		}
	}
	return views.PlacesAgain(again)
}

package formats

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/whib/whib/store"
)

// visit is one stay at a place, as a Timeline, Swarm or Polarsteps export
// records it, before visits are grouped into places.
type visit struct {
	index               int    // segment, check-in or step number, for Row.Index
	file                string // the archive entry, or ""
	placeID             string // the source's own id of the place; "" when it has none
	name                string
	latitude, longitude string // as written, for the row
	lat, lon            float64
	hasPoint            bool
	start, end          string // the days of the stay (YYYY-MM-DD), or "" when unknown
	note                string
	homeOrWork          bool
	lookup              string
}

// nearVisitMeters is how close two visits must be to be at one place when
// the source gives no id that says so (issue 21: 100 m).
const nearVisitMeters = 100

// visitRules says how a source's visits become places and stays.
type visitRules struct {
	// byDistance puts visits within nearVisitMeters at one place, unless
	// both have names and the names differ (a museum and the café across
	// the street). Swarm has venue ids and does not need it.
	byDistance bool
	// joinNextDays makes one stay of visits on following days: Timeline
	// splits a week at a hotel into a visit a night. A Swarm check-in is a
	// visit of its own each day.
	joinNextDays bool
}

// place is the visits at one place, in the order read.
type place struct {
	anchor visit // the first visit: its point is the place's
	name   string
	visits []visit
}

// setPoint fills the decimal coordinates from the written ones.
func (v *visit) setPoint(latitude, longitude string) {
	v.latitude, v.longitude = latitude, longitude
	lat, errLat := strconv.ParseFloat(latitude, 64)
	lon, errLon := strconv.ParseFloat(longitude, 64)
	v.lat, v.lon = lat, lon
	v.hasPoint = errLat == nil && errLon == nil && math.Abs(lat) <= 90 && math.Abs(lon) <= 180
}

// groupVisits gathers visits into places: the same placeID, or (with
// byDistance) within nearVisitMeters of a place's first visit.
func groupVisits(visits []visit, rules visitRules) []*place {
	var places []*place
	byID := map[string]*place{}
	grid := map[[2]int][]*place{}
	for _, v := range visits {
		p := byID[v.placeID]
		if p == nil && rules.byDistance && v.hasPoint {
			p = nearestPlace(grid, v)
		}
		if p == nil {
			p = &place{anchor: v}
			places = append(places, p)
			if v.hasPoint {
				cell := gridCell(v.lat, v.lon)
				grid[cell] = append(grid[cell], p)
			}
		}
		if v.placeID != "" && byID[v.placeID] == nil {
			byID[v.placeID] = p
		}
		if p.name == "" {
			p.name = v.name
		}
		p.visits = append(p.visits, v)
	}
	return places
}

// gridCell is a cell of about 100 m by 100 m, so a place within 100 m of a
// point is in its cell or one of the eight around it.
func gridCell(lat, lon float64) [2]int {
	const cellDegrees = nearVisitMeters / 111195.0 // metres per degree of latitude
	scale := math.Max(math.Cos(lat*math.Pi/180), 0.01)
	return [2]int{int(math.Floor(lat / cellDegrees)), int(math.Floor(lon * scale / cellDegrees))}
}

func nearestPlace(grid map[[2]int][]*place, v visit) *place {
	cell := gridCell(v.lat, v.lon)
	var best *place
	bestDistance := float64(nearVisitMeters)
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			for _, p := range grid[[2]int{cell[0] + dy, cell[1] + dx}] {
				d := store.DistanceMeters(v.lat, v.lon, p.anchor.lat, p.anchor.lon)
				if d <= bestDistance && namesAgree(p.name, v.name) {
					best, bestDistance = p, d
				}
			}
		}
	}
	return best
}

func namesAgree(a, b string) bool {
	return strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" || store.SameName(a, b)
}

// stays merges a place's visits on the same day (and, with joinNextDays,
// on following days) into one stay each, in date order. A visit without a
// date adds nothing to a place that has dated ones.
func stays(visits []visit, joinNextDays bool) []visit {
	sorted := slices.Clone(visits)
	slices.SortStableFunc(sorted, func(a, b visit) int { return cmp.Compare(a.start, b.start) })
	var out []visit
	for _, v := range sorted {
		if v.end < v.start {
			v.end = v.start
		}
		last := len(out) - 1
		switch {
		case last >= 0 && out[last].start == "" && v.start != "":
			out[last] = v // the undated visit was only a placeholder
		case last >= 0 && (v.start == "" || v.start <= out[last].end || (joinNextDays && v.start == dayAfter(out[last].end))):
			out[last] = joinStay(out[last], v)
		default:
			out = append(out, v)
		}
	}
	return out
}

func joinStay(a, b visit) visit {
	a.end = max(a.end, b.end)
	a.index = min(a.index, b.index)
	a.note = joinLines(a.note, b.note)
	return a
}

func dayAfter(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, 1).Format("2006-01-02")
}

// visitRows makes a row of each stay at each place, every row of a place
// with its name and point, in the order of the file. Places marked home or
// work are left out (counted in skipped) unless homeAndWork.
func visitRows(places []*place, rules visitRules, homeAndWork bool, skipped *Skipped) []Row {
	rows := make([]Row, 0, len(places))
	for _, p := range places {
		placeStays := stays(p.visits, rules.joinNextDays)
		if !homeAndWork && slices.ContainsFunc(p.visits, func(v visit) bool { return v.homeOrWork }) {
			skipped.HomeAndWork += len(placeStays)
			continue
		}
		for _, s := range placeStays {
			visited, _ := joinSpan(s.start, s.end)
			rows = append(rows, Row{
				Index: s.index, File: s.file, Name: p.name, Latitude: p.anchor.latitude, Longitude: p.anchor.longitude,
				Visited: visited, Note: s.note, Lookup: p.anchor.lookup,
			})
		}
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Index, b.Index))
	})
	return rows
}

// rowsOfVisits turns visits into an Import's rows, within MaxImportPlaces.
func rowsOfVisits(source, format string, visits []visit, rules visitRules, homeAndWork bool, skipped Skipped) (Import, error) {
	imp := Import{Source: source, Skipped: skipped}
	rows := visitRows(groupVisits(visits, rules), rules, homeAndWork, &imp.Skipped)
	imp.Rows = make([]Row, 0, len(rows))
	for _, row := range rows {
		if err := imp.addRow(format, row); err != nil {
			return Import{}, err
		}
	}
	return imp, nil
}

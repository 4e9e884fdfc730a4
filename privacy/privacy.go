// Package privacy decides what of the map is public: places inside hidden
// areas are left out (or shown at the nearest town), and visits newer than
// the publishing delay wait. It is the one filter between a snapshot and
// every public output — the page, the data and its exports, the stats, the
// embed, the preview picture, the history, the events — so that no output
// can forget it. Writers see everything, marked.
package privacy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/whib/whib/store"
)

// Area is a circle whose places are not public.
type Area struct {
	Latitude, Longitude float64
	RadiusMeters        float64
	// Town shows the area's places at the nearest town of the gazetteer,
	// under the town's name, instead of leaving them out.
	Town bool
}

// Contains reports whether the point is in the area.
func (a Area) Contains(lat, lon float64) bool {
	return store.DistanceMeters(a.Latitude, a.Longitude, lat, lon) <= a.RadiusMeters
}

// Policy is what the owner chose to keep from the public.
type Policy struct {
	Areas []Area
	// Delay holds back visits whose date starts less than this before now
	// (and plans, which start after now). Zero publishes at once.
	Delay time.Duration
}

// Active reports whether the policy hides anything at all.
func (p Policy) Active() bool { return len(p.Areas) > 0 || p.Delay > 0 }

// Reason says why a place is not public as stored.
type Reason int

const (
	Public   Reason = iota
	Hidden          // in a hidden area
	AtTown          // in a hidden area shown at the nearest town
	HeldBack        // a visit within the publishing delay
)

func (r Reason) String() string {
	switch r {
	case Hidden:
		return "hidden area"
	case AtTown:
		return "shown at the nearest town"
	case HeldBack:
		return "not published yet"
	}
	return "public"
}

// Of says whether p is public at now, and why not.
func (p Policy) Of(place store.Place, now time.Time) Reason {
	lat, lon := place.Latitude.Float(), place.Longitude.Float()
	for _, a := range p.Areas {
		if a.Contains(lat, lon) {
			if a.Town {
				return AtTown
			}
			return Hidden
		}
	}
	if p.heldBack(place, now) {
		return HeldBack
	}
	return Public
}

func (p Policy) heldBack(place store.Place, now time.Time) bool {
	return p.Delay > 0 && !place.Visited.IsZero() && place.Visited.Start().After(now.Add(-p.Delay))
}

// ParseAreas reads HIDDEN_AREAS: circles separated by ";", each
// "latitude,longitude,radius" with the radius in m or km, and ",town" to
// show the area's places at the nearest town ("47.07,15.44,2km;
// 48.20,16.37,500m,town").
func ParseAreas(s string) ([]Area, error) {
	var areas []Area
	for i, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, err := parseArea(part)
		if err != nil {
			return nil, fmt.Errorf("area %d (%q): %w", i+1, part, err)
		}
		areas = append(areas, a)
	}
	return areas, nil
}

func parseArea(s string) (Area, error) {
	fields := strings.Split(s, ",")
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	if len(fields) == 4 && strings.EqualFold(fields[3], "town") {
		fields = fields[:3]
		a, err := parseArea(strings.Join(fields, ","))
		a.Town = true
		return a, err
	}
	if len(fields) != 3 {
		return Area{}, errors.New(`write "latitude,longitude,radius" with the radius in m or km, and ",town" to show the places at the nearest town`)
	}
	lat, err := strconv.ParseFloat(fields[0], 64)
	if err != nil || math.IsNaN(lat) || lat < -90 || lat > 90 {
		return Area{}, errors.New("the latitude must be a number from -90 to 90")
	}
	lon, err := strconv.ParseFloat(fields[1], 64)
	if err != nil || math.IsNaN(lon) || lon < -180 || lon > 180 {
		return Area{}, errors.New("the longitude must be a number from -180 to 180")
	}
	radius, err := parseRadius(fields[2])
	if err != nil {
		return Area{}, err
	}
	return Area{Latitude: lat, Longitude: lon, RadiusMeters: radius}, nil
}

func parseRadius(s string) (float64, error) {
	unit := 1.0
	switch {
	case strings.HasSuffix(s, "km"):
		s, unit = strings.TrimSuffix(s, "km"), 1000
	case strings.HasSuffix(s, "m"):
		s = strings.TrimSuffix(s, "m")
	default:
		return 0, errors.New(`the radius needs its unit: "500m" or "2km"`)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v*unit > 20_000_000 {
		return 0, errors.New("the radius must be a positive number of m or km, at most half the Earth around")
	}
	return v * unit, nil
}

// ParseDelay reads PUBLISH_DELAY: a Go duration ("36h", "90m") or whole
// days ("14d"); "" and "0" publish at once.
func ParseDelay(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 3650 {
			return 0, errors.New(`write whole days ("14d", at most 3650d) or hours ("36h")`)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errors.New(`write whole days ("14d") or a duration ("36h")`)
	}
	return d, nil
}

// Towns finds the nearest town of the gazetteer to a point.
type Towns interface {
	NearestTown(lat, lon float64) (name string, townLat, townLon float64, ok bool)
}

// View is the public view of one snapshot at one moment.
type View struct {
	// Places are the public places, in file order: hidden ones left out,
	// held-back visits left out, town-area places at their town.
	Places []store.Place
	// Version names the public places: two snapshots that differ only in
	// what is not public have the same Version (the public ETag).
	Version string
	// Until is when the view may change without a new snapshot (a held
	// back visit comes of age); zero when never.
	Until time.Time

	reasons map[string]Reason // by stored id, for places not public as stored
}

// Reason says why the stored place with this id is not public as stored
// (Public when it is).
func (v View) Reason(id string) Reason { return v.reasons[id] }

// Apply is the public view of snap at now. towns may be nil (town areas
// then hide their places).
func (p Policy) Apply(snap store.Snapshot, towns Towns, now time.Time) View {
	if !p.Active() {
		return View{Places: snap.Places, Version: snap.Version}
	}
	v := View{Places: make([]store.Place, 0, len(snap.Places)), reasons: map[string]Reason{}}
	h := sha256.New()
	townIDs := map[string]int{}
	for _, place := range snap.Places {
		r := p.Of(place, now)
		if r == HeldBack {
			v.Until = earliest(v.Until, place.Visited.Start().Add(p.Delay))
		}
		if r != Public {
			v.reasons[place.ID] = r
		}
		if r == AtTown {
			if moved, ok := atTown(place, towns); ok {
				if townIDs[moved.ID]++; townIDs[moved.ID] > 1 {
					moved.ID += "-" + strconv.Itoa(townIDs[moved.ID])
				}
				place, r = moved, Public
			}
		}
		if r != Public {
			continue
		}
		v.Places = append(v.Places, place)
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\n", place.ID, place.Name, place.Latitude, place.Longitude, place.Visited, place.Note)
	}
	v.Version = "p" + hex.EncodeToString(h.Sum(nil)[:16])
	return v
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// atTown is place shown at its nearest town, under the town's name, with
// its date but not its note (which may say what the place is), and with an
// id of its own: the stored id is a hash of the stored row, and could be
// matched against guesses of the real point.
func atTown(place store.Place, towns Towns) (store.Place, bool) {
	if towns == nil {
		return store.Place{}, false
	}
	name, lat, lon, ok := towns.NearestTown(place.Latitude.Float(), place.Longitude.Float())
	if !ok {
		return store.Place{}, false
	}
	moved, err := store.Input{
		Name: name, Latitude: strconv.FormatFloat(lat, 'f', -1, 64), Longitude: strconv.FormatFloat(lon, 'f', -1, 64),
		Visited: place.Visited.String(),
	}.Place()
	if err != nil {
		return store.Place{}, false
	}
	sum := sha256.Sum256([]byte("town\x00" + name + "\x00" + moved.Latitude.String() + "\x00" + moved.Longitude.String() + "\x00" + place.Visited.String()))
	moved.ID = "t" + hex.EncodeToString(sum[:6])
	return moved, true
}

// PrivatePlace is the name the history shows for a place that is not
// public, without its point.
const PrivatePlace = "a private place"

// Redact is c as the public may read it: when it touched a place that is
// not public (now), its summary and author are left out and the places it
// removed and added are the public ones only; private reports whether it
// touched one. The commit stays in git; whib does not show it.
func (p Policy) Redact(c store.Change, now time.Time) (redacted store.Change, private bool) {
	if !p.Active() {
		return c, false
	}
	keep := func(places []store.Place) []store.Place {
		var out []store.Place
		for _, q := range places {
			if p.Of(q, now) == Public {
				out = append(out, q)
			} else {
				private = true
			}
		}
		return out
	}
	before, after := keep(c.Before), keep(c.After)
	if !private {
		return c, false
	}
	c.Before, c.After = before, after
	c.BeforeCount, c.AfterCount = len(before), len(after)
	c.Summary = "Changed " + PrivatePlace
	c.By = ""
	return c, true
}

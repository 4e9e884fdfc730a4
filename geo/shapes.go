package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// coastReachKm is how far out at sea a point still belongs to the nearest
// country or region: a pin dropped just off the beach or on a pier.
const coastReachKm = 25.0

// shape is one polygon of an area's outline (islands are shapes of their
// own, so each bounding box stays tight).
type shape struct {
	polygon polygon
	bound   orb.Bound
	owner   int16 // the country or region, by index
}

// shapeIndex finds the shapes a point is in, on a grid: the countries'
// borders and the regions' outlines each have one.
type shapeIndex struct {
	shapes []shape
	grid   grid
}

func newShapeIndex(shapes []shape, cellsPerDegree float64) shapeIndex {
	return shapeIndex{shapes: shapes, grid: newGrid(shapes, cellsPerDegree)}
}

// ownerAt is the owner of a shape that holds the point, among the owners
// accept allows (nil: any); at sea, the owner of the nearest shape within
// coastReachKm. Out-of-range or NaN coordinates have none.
func (ix *shapeIndex) ownerAt(lat, lon float64, accept func(owner int16) bool) (int16, bool) {
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		return 0, false
	}
	if o, ok := ix.grid.wholeCellOwner(lat, lon); ok && (accept == nil || accept(o)) {
		return o, true
	}
	pt := orb.Point{lon, lat}
	for _, si := range ix.grid.cellShapes(lat, lon) {
		s := &ix.shapes[si]
		if (accept == nil || accept(s.owner)) && s.bound.Contains(pt) && polygonContains(s.polygon, pt) {
			return s.owner, true
		}
	}
	return ix.nearest(lat, lon, accept)
}

// nearest finds the owner whose outline passes closest to the point, if
// within coastReachKm. Distances use a local equirectangular projection:
// exact enough over 25 km, and far cheaper than great circles.
func (ix *shapeIndex) nearest(lat, lon float64, accept func(int16) bool) (int16, bool) {
	kmPerDegLat := 111.2
	kmPerDegLon := max(kmPerDegLat*math.Cos(lat*math.Pi/180), 0.01)
	reachLat, reachLon := coastReachKm/kmPerDegLat, min(coastReachKm/kmPerDegLon, 360)
	best, bestKm := int16(-1), coastReachKm
	for _, si := range ix.grid.shapesNear(lat, lon, reachLat, reachLon) {
		s := &ix.shapes[si]
		if accept != nil && !accept(s.owner) {
			continue
		}
		near := orb.Bound{
			Min: orb.Point{s.bound.Min[0] - reachLon, s.bound.Min[1] - reachLat},
			Max: orb.Point{s.bound.Max[0] + reachLon, s.bound.Max[1] + reachLat},
		}
		if !near.Contains(orb.Point{lon, lat}) {
			continue
		}
		project := func(plon, plat float32) (x, y float64) {
			return (float64(plon) - lon) * kmPerDegLon, (float64(plat) - lat) * kmPerDegLat
		}
		if d := polygonDistanceKm(s.polygon, project); d <= bestKm {
			best, bestKm = s.owner, d
		}
	}
	return best, best >= 0
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// polygonDistanceKm is the distance from the origin of project's plane to
// the nearest edge of p.
func polygonDistanceKm(p polygon, project func(lon, lat float32) (float64, float64)) float64 {
	best := math.Inf(1)
	for _, r := range p {
		for i := 1; i < len(r); i++ {
			ax, ay := project(r[i-1][0], r[i-1][1])
			bx, by := project(r[i][0], r[i][1])
			best = math.Min(best, segmentDistance(ax, ay, bx, by))
		}
	}
	return best
}

// segmentDistance is the distance from (0,0) to the segment a–b.
func segmentDistance(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = clamp(-(ax*dx+ay*dy)/l2, 0, 1)
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// boundOf is where to fly to see an area: the bound of all its shapes,
// or, for an area whose parts lie around the world (the United States
// with Alaska and Hawaii, Kiribati), of its largest part.
func boundOf(shapes []shape) orb.Bound {
	all, largest := shapes[0].bound, shapes[0].bound
	for _, s := range shapes[1:] {
		all = all.Union(s.bound)
		if area(s.bound) > area(largest) {
			largest = s.bound
		}
	}
	if all.Max[0]-all.Min[0] > 90 {
		return largest
	}
	return all
}

func area(b orb.Bound) float64 { return (b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1]) }

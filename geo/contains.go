package geo

import "github.com/paulmach/orb"

// ring is a closed ring of points, longitude then latitude. float32 keeps
// a position to a couple of metres, finer than any of the outlines, in
// half the memory of orb's float64 points: the regions' outlines have half
// a million.
type ring [][2]float32

// polygon is an outer ring and its holes.
type polygon []ring

func toPolygon(p orb.Polygon) polygon {
	out := make(polygon, len(p))
	for i, r := range p {
		out[i] = make(ring, len(r))
		for j, pt := range r {
			out[i][j] = [2]float32{float32(pt[0]), float32(pt[1])}
		}
	}
	return out
}

func (p polygon) bound() orb.Bound {
	b := orb.Bound{Min: orb.Point{180, 90}, Max: orb.Point{-180, -90}}
	for _, r := range p {
		for _, pt := range r {
			b = b.Extend(orb.Point{float64(pt[0]), float64(pt[1])})
		}
	}
	return b
}

// ringContains is the even-odd crossing test. orb's planar.RingContains
// gives the same answers (a test holds them together) but recomputes the
// ring's bounding box on every call, which was half the lookup time.
func ringContains(r ring, pt orb.Point) bool {
	x, y := pt[0], pt[1]
	inside := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		ax, ay, bx, by := float64(r[i][0]), float64(r[i][1]), float64(r[j][0]), float64(r[j][1])
		if (ay > y) != (by > y) && x < (bx-ax)*(y-ay)/(by-ay)+ax {
			inside = !inside
		}
	}
	return inside
}

// polygonContains: inside the outer ring and in none of the holes.
func polygonContains(p polygon, pt orb.Point) bool {
	if len(p) == 0 || !ringContains(p[0], pt) {
		return false
	}
	for _, hole := range p[1:] {
		if ringContains(hole, pt) {
			return false
		}
	}
	return true
}

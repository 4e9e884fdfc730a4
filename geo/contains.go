package geo

import "github.com/paulmach/orb"

// ringContains is the even-odd crossing test. orb's planar.RingContains
// gives the same answers (a test holds them together) but recomputes the
// ring's bounding box on every call, which was half the lookup time.
func ringContains(ring orb.Ring, pt orb.Point) bool {
	x, y := pt[0], pt[1]
	inside := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			inside = !inside
		}
	}
	return inside
}

// polygonContains: inside the outer ring and in none of the holes.
func polygonContains(p orb.Polygon, pt orb.Point) bool {
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

package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The fast test must agree with orb's on real borders.
func TestPolygonContainsAgreesWithOrb(t *testing.T) {
	ix := testIndex(t)
	rng := rand.New(rand.NewPCG(7, 8))
	checked := 0
	for _, s := range ix.borders.index.shapes {
		for range 20 {
			pt := orb.Point{
				s.bound.Min[0] + rng.Float64()*(s.bound.Max[0]-s.bound.Min[0]),
				s.bound.Min[1] + rng.Float64()*(s.bound.Max[1]-s.bound.Min[1]),
			}
			if got, want := polygonContains(s.polygon, pt), planar.PolygonContains(orbPolygon(s.polygon), pt); got != want {
				t.Fatalf("%v in shape of %s: got %v, orb says %v", pt, ix.borders.countries[s.owner].Code, got, want)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Fatalf("checked only %d points", checked)
	}
}

func orbPolygon(p polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = make(orb.Ring, len(r))
		for j, pt := range r {
			out[i][j] = orb.Point{float64(pt[0]), float64(pt[1])}
		}
	}
	return out
}

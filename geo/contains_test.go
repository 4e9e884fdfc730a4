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
	for _, s := range ix.borders.shapes {
		for range 20 {
			pt := orb.Point{
				s.bound.Min[0] + rng.Float64()*(s.bound.Max[0]-s.bound.Min[0]),
				s.bound.Min[1] + rng.Float64()*(s.bound.Max[1]-s.bound.Min[1]),
			}
			if got, want := polygonContains(s.polygon, pt), planar.PolygonContains(s.polygon, pt); got != want {
				t.Fatalf("%v in shape of %s: got %v, orb says %v", pt, ix.borders.countries[s.country].Code, got, want)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Fatalf("checked only %d points", checked)
	}
}

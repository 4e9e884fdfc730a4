package geo

import (
	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// DistanceMeters is the great-circle distance between two points.
func DistanceMeters(lat1, lon1, lat2, lon2 float64) float64 {
	return orbgeo.DistanceHaversine(orb.Point{lon1, lat1}, orb.Point{lon2, lat2})
}

package formats

import (
	"strconv"
	"strings"
)

// swarmExport is a Foursquare Swarm checkins*.json: {"items": [check-in]}.
// createdAt is a date-time string in the data export and Unix seconds
// from the API; timeZoneOffset is the check-in's UTC offset in minutes.
// The export puts the point on the check-in, the API on the venue too.
type swarmExport struct {
	Items []struct {
		CreatedAt      looseText `json:"createdAt"`
		TimeZoneOffset looseText `json:"timeZoneOffset"`
		Venue          *struct {
			ID       looseText `json:"id"`
			Name     looseText `json:"name"`
			Location *struct {
				Lat looseText `json:"lat"`
				Lng looseText `json:"lng"`
			} `json:"location"`
		} `json:"venue"`
		Lat   looseText `json:"lat"`
		Lng   looseText `json:"lng"`
		Shout looseText `json:"shout"`
	} `json:"items"`
}

// decodeSwarm makes each check-in a visit, its shout the note. Check-ins
// at one venue (by its id) are visits to one place, at the point of the
// first; two on one day are one visit.
func decodeSwarm(format string, data []byte, log *visitLog) error {
	var doc swarmExport
	if err := unmarshalJSON(format, data, &doc); err != nil {
		return err
	}
	for i, item := range doc.Items {
		v := visit{index: i + 1, file: fileOf(format), note: string(item.Shout)}
		lat, lng := item.Lat, item.Lng
		if venue := item.Venue; venue != nil {
			v.name = string(venue.Name)
			if id := strings.TrimSpace(string(venue.ID)); id != "" {
				v.placeID = "venue " + id
			}
			if venue.Location != nil && strings.TrimSpace(string(venue.Location.Lat)) != "" {
				lat, lng = venue.Location.Lat, venue.Location.Lng
			}
		}
		v.setPoint(string(lat), string(lng))
		if v.placeID == "" {
			v.placeID = "at " + v.name + " " + v.latitude + "," + v.longitude
		}
		v.start = checkinDay(string(item.CreatedAt), string(item.TimeZoneOffset), v.longitude)
		v.end = v.start
		if err := log.add(format, v); err != nil {
			return err
		}
	}
	return nil
}

// checkinDay is the local day of a check-in: its own offset when it has
// one, else the place's longitude.
func checkinDay(createdAt, offset, longitude string) string {
	t, ok := readInstant(createdAt)
	if !ok {
		return ""
	}
	if minutes, err := strconv.Atoi(strings.TrimSpace(offset)); err == nil && minutes >= -18*60 && minutes <= 18*60 {
		return dateWithOffset(t, minutes)
	}
	return dateOfInstant(t, dateAt(longitude))
}

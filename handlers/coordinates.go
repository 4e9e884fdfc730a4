package handlers

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whib/whib/geo"
)

// plainDecimal is what the store keeps digit for digit.
var plainDecimal = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?$`)

// formCoordinates reads the add-place form's latitude and longitude as
// people type or paste them: "47.0911° N", "47,0911", "47°05'28\"N", or a
// whole pair pasted into the latitude field with the longitude left empty.
// A plain decimal is passed on as typed (the store keeps its digits);
// anything unreadable is passed on too, for the store to explain.
// JSON API clients do not come through here: their numbers stay strict.
func formCoordinates(latitude, longitude string) (string, string) {
	if strings.TrimSpace(longitude) == "" {
		if lat, lon, ok := geo.ParseCoordinates(latitude); ok {
			return formatDegrees(lat), formatDegrees(lon)
		}
	}
	return formAxis(latitude, geo.ParseLatitude), formAxis(longitude, geo.ParseLongitude)
}

func formAxis(s string, parse func(string) (float64, bool)) string {
	t := strings.TrimSpace(s)
	if t == "" || plainDecimal.MatchString(t) {
		return s
	}
	if v, ok := parse(t); ok {
		return formatDegrees(v)
	}
	return s
}

// formatDegrees writes degrees with at most 7 decimals (about 1 cm), the
// shortest form: a value read from degrees, minutes and seconds would
// otherwise carry sixteen digits of noise.
func formatDegrees(v float64) string {
	s := strconv.FormatFloat(v, 'f', 7, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

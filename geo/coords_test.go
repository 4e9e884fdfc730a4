package geo

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-4 }

func TestParseCoordinates(t *testing.T) {
	const graz, grazLon = 47.0707, 15.4395
	for _, tc := range []struct {
		in       string
		lat, lon float64
	}{
		{"47.0707, 15.4395", graz, grazLon},
		{"47.0707,15.4395", graz, grazLon},
		{"47.0707 15.4395", graz, grazLon},
		{"47.0707;15.4395", graz, grazLon},
		{"47,0707 15,4395", graz, grazLon},
		{"47,0707; 15,4395", graz, grazLon},
		{"47,0707, 15,4395", graz, grazLon},
		{"-23.5536, -46.6419", -23.5536, -46.6419},
		{"+47.0707, +15.4395", graz, grazLon},
		{"23.5536° S, 46.6419° W", -23.5536, -46.6419},
		{"23.5536°S 46.6419°W", -23.5536, -46.6419},
		{"S 23.5536 W 46.6419", -23.5536, -46.6419},
		{"N47.0707 E15.4395", graz, grazLon},
		{"46.6419° W, 23.5536° S", -23.5536, -46.6419},
		{`47°05'28"N 15°28'33"E`, 47 + 5/60.0 + 28/3600.0, 15 + 28/60.0 + 33/3600.0},
		{`47°05'28"N, 15°28'33"E`, 47 + 5/60.0 + 28/3600.0, 15 + 28/60.0 + 33/3600.0},
		{`47°05'28"N15°28'33"E`, 47 + 5/60.0 + 28/3600.0, 15 + 28/60.0 + 33/3600.0},
		{`47° 05′ 28″ N 15° 28′ 33″ E`, 47 + 5/60.0 + 28/3600.0, 15 + 28/60.0 + 33/3600.0},
		{`N 47° 04.242' E 15° 26.370'`, 47 + 4.242/60, 15 + 26.37/60},
		{`23°33'13.3"S 46°38'30.8"W`, -(23 + 33/60.0 + 13.3/3600), -(46 + 38/60.0 + 30.8/3600)},
		{"https://www.google.com/maps/place/X/@47.0707,15.4395,12z", graz, grazLon},
		{"https://www.google.com/maps/@-23.5536,-46.6419,15z", -23.5536, -46.6419},
		{"https://www.google.com/maps/place/Graz/@47.07,15.40,12z/data=!3m1!4b1!4m6!3m5!1s0x0:0x0!8m2!3d47.0707!4d15.4395", graz, grazLon},
		{"https://maps.google.com/?q=47.0707,15.4395", graz, grazLon},
		{"https://www.openstreetmap.org/#map=12/47.0707/15.4395", graz, grazLon},
		{"https://www.openstreetmap.org/?mlat=47.0707&mlon=15.4395#map=12/47.1/15.5", graz, grazLon},
		{"geo:47.0707,15.4395", graz, grazLon},
		{"geo:47.0707,15.4395,350;u=20?z=12", graz, grazLon},
		{"GEO:-23.5536,-46.6419", -23.5536, -46.6419},
		{"90, 180", 90, 180},
		{"-90 -180", -90, -180},
	} {
		lat, lon, ok := ParseCoordinates(tc.in)
		if !ok || !near(lat, tc.lat) || !near(lon, tc.lon) {
			t.Errorf("ParseCoordinates(%q) = %v, %v, %v; want %v, %v", tc.in, lat, lon, ok, tc.lat, tc.lon)
		}
	}
}

func TestParseCoordinatesRefuses(t *testing.T) {
	for _, in := range []string{
		"", "47.0707", "paris", "sao paulo 12", "91, 15", "47, 181", "-90.1, 0",
		"47.07 N, 15.43 N", "15.43 E 47.07 E", "1,2,3", "47°61'00\"N 15°E", "47°05'60\"N 15°E",
		"NaN, NaN", "Inf, 1", "1e5, 2", "0x10, 2", "47.07.1, 15",
		"https://www.google.com/maps/place/Graz", "https://example.com/@47.0707", "geo:47.0707",
		"geo:ninety,0", "https://www.openstreetmap.org/#map=12/95/15",
	} {
		if lat, lon, ok := ParseCoordinates(in); ok {
			t.Errorf("ParseCoordinates(%q) = %v, %v, want refusal", in, lat, lon)
		}
	}
}

func TestParseSingleValues(t *testing.T) {
	for _, tc := range []struct {
		in   string
		lat  bool // ParseLatitude, else ParseLongitude
		want float64
		ok   bool
	}{
		{"47.0911° N", true, 47.0911, true},
		{"47,0911", true, 47.0911, true},
		{"47.0911", true, 47.0911, true},
		{"-23.55", true, -23.55, true},
		{"23.55 S", true, -23.55, true},
		{`47°05'28"N`, true, 47 + 5/60.0 + 28/3600.0, true},
		{`47°05'28"`, true, 47 + 5/60.0 + 28/3600.0, true},
		{"47°05.5'", true, 47 + 5.5/60, true},
		{"15.4758 E", true, 0, false},
		{"91", true, 0, false},
		{"", true, 0, false},
		{"north", true, 0, false},
		{"15.4758° E", false, 15.4758, true},
		{"46,6419 W", false, -46.6419, true},
		{"-179.9", false, -179.9, true},
		{"181", false, 0, false},
		{"47 N", false, 0, false},
	} {
		parse, name := ParseLongitude, "ParseLongitude"
		if tc.lat {
			parse, name = ParseLatitude, "ParseLatitude"
		}
		got, ok := parse(tc.in)
		if ok != tc.ok || (ok && !near(got, tc.want)) {
			t.Errorf("%s(%q) = %v, %v; want %v, %v", name, tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

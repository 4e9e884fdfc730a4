package geo

import (
	"math"
	"strings"
)

// ParseCoordinates reads a latitude and longitude as people type or paste
// them: "47.0707, 15.4395", "47,0707 15,4395" (comma decimals),
// "23.5536° S, 46.6419° W", "47°05'28"N 15°28'33"E", Google Maps and
// OpenStreetMap URLs, and geo: URIs. A reading that two ways of splitting
// the text would make differently is refused rather than guessed.
func ParseCoordinates(s string) (lat, lon float64, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) > MaxQueryLen || !strings.ContainsFunc(s, isDigit) {
		return 0, 0, false
	}
	if lat, lon, ok, isURL := parseCoordinateURL(s); isURL {
		return lat, lon, ok
	}
	return parsePair(s)
}

// ParseLatitude reads one latitude, for a form's own field: "47.0911",
// "47,0911", "47.0911° N", "47°05'28"N", "-23.55". A longitude's E or W is
// refused.
func ParseLatitude(s string) (float64, bool) { return parseAxis(s, 'N', 'S', 90) }

// ParseLongitude is ParseLatitude for longitudes (E/W, ±180).
func ParseLongitude(s string) (float64, bool) { return parseAxis(s, 'E', 'W', 180) }

func parseAxis(s string, plus, minus byte, limit float64) (float64, bool) {
	if len(s) > MaxQueryLen {
		return 0, false
	}
	v, hemi, ok := parseValue(s)
	if !ok || (hemi != 0 && hemi != plus && hemi != minus) || math.Abs(v) > limit {
		return 0, false
	}
	return v, true
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// parsePair tries every place the text could be cut into latitude and
// longitude: at a separator (space, comma, semicolon) or where the
// hemisphere letters meet ("47°N15°E", "N47E15"). All readings must agree.
func parsePair(s string) (lat, lon float64, ok bool) {
	found := false
	for i := 1; i < len(s); i++ {
		a, b, cut := splitAt(s, i)
		if !cut {
			continue
		}
		la, lo, good := parseHalves(a, b)
		if !good {
			continue
		}
		if found && (la != lat || lo != lon) {
			return 0, 0, false
		}
		lat, lon, found = la, lo, true
	}
	return lat, lon, found
}

func splitAt(s string, i int) (a, b string, ok bool) {
	switch c := s[i]; {
	case c == ' ' || c == '\t' || c == ',' || c == ';':
		return s[:i], s[i+1:], true
	case isHemisphere(s[i-1], "NS") || isHemisphere(c, "EW"):
		return s[:i], s[i:], true
	}
	return "", "", false
}

func isHemisphere(c byte, letters string) bool {
	return isASCIILetter(c) && strings.IndexByte(letters, c&^0x20) >= 0
}

// parseHalves reads both halves; hemisphere letters may put the longitude
// first ("15.4395 E 47.0707 N").
func parseHalves(a, b string) (lat, lon float64, ok bool) {
	va, ha, okA := parseValue(a)
	vb, hb, okB := parseValue(b)
	if !okA || !okB {
		return 0, 0, false
	}
	if ha == 'E' || ha == 'W' || hb == 'N' || hb == 'S' {
		va, ha, vb, hb = vb, hb, va, ha
	}
	if ha == 'E' || ha == 'W' || hb == 'N' || hb == 'S' {
		return 0, 0, false
	}
	if math.Abs(va) > 90 || math.Abs(vb) > 180 {
		return 0, 0, false
	}
	return va, vb, true
}

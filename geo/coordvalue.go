package geo

import (
	"strconv"
	"strings"
)

// parseValue reads one coordinate: an optional sign or hemisphere letter
// (N, S, E, W, before or after), then degrees, optionally minutes and
// seconds with their marks, decimals with a point or a comma. The value is
// negative for S and W. hemi is the upper-case letter or 0.
func parseValue(s string) (v float64, hemi byte, ok bool) {
	s = strings.Trim(s, " \t,;")
	s, hemi = cutHemisphere(s)
	s = strings.TrimSpace(s)
	negative := false
	if rest, cut := cutSign(s); cut != 0 {
		s, negative = rest, cut == '-'
	}
	v, ok = parseDegrees(s)
	if !ok {
		return 0, 0, false
	}
	if negative || hemi == 'S' || hemi == 'W' {
		v = -v
	}
	return v, hemi, true
}

func cutHemisphere(s string) (string, byte) {
	if s == "" {
		return s, 0
	}
	if c := s[0] &^ 0x20; strings.IndexByte("NSEW", c) >= 0 && isASCIILetter(s[0]) {
		return s[1:], c
	}
	if c := s[len(s)-1] &^ 0x20; strings.IndexByte("NSEW", c) >= 0 && isASCIILetter(s[len(s)-1]) {
		return s[:len(s)-1], c
	}
	return s, 0
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func cutSign(s string) (string, byte) {
	switch {
	case strings.HasPrefix(s, "+"):
		return s[1:], '+'
	case strings.HasPrefix(s, "-"):
		return s[1:], '-'
	case strings.HasPrefix(s, "−"): // U+2212, typographic minus
		return s[len("−"):], '-'
	}
	return s, 0
}

// Units of a coordinate's parts, in the order they must come.
const (
	unitNone = iota
	unitDegrees
	unitMinutes
	unitSeconds
)

// parseDegrees reads "47", "47.0911", "47,0911", "47°", "47°05.5'",
// "47°05'28\"", "47° 05′ 28.3″". Minutes and seconds stay below 60, and
// only the last part may have decimals.
func parseDegrees(s string) (float64, bool) {
	var total float64
	last, parts := unitNone, 0
	for s != "" {
		num, frac, rest, ok := scanNumber(s)
		if !ok {
			return 0, false
		}
		unit, rest := scanUnit(strings.TrimLeft(rest, " "))
		rest = strings.TrimLeft(rest, " ")
		if unit == unitNone {
			if rest != "" || (parts > 0 && last == unitNone) || last == unitSeconds {
				return 0, false // an unmarked number is only the next part, at the end
			}
			unit = last + 1
		}
		if unit <= last || (frac && rest != "") || (unit > unitDegrees && num >= 60) {
			return 0, false
		}
		total += num / []float64{1, 1, 60, 3600}[unit]
		last, parts, s = unit, parts+1, rest
	}
	return total, parts > 0
}

// scanNumber reads digits with at most one decimal point or comma followed
// by digits. It reads no signs, exponents, "Inf" or "NaN".
func scanNumber(s string) (v float64, frac bool, rest string, ok bool) {
	i := digitsEnd(s, 0)
	if i == 0 || i > 12 {
		return 0, false, s, false
	}
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		if j := digitsEnd(s, i+1); j > i+1 && j-i < 16 {
			frac = true
			v, err := strconv.ParseFloat(s[:i]+"."+s[i+1:j], 64)
			return v, frac, s[j:], err == nil
		}
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	return v, false, s[i:], err == nil
}

func digitsEnd(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// scanUnit reads a degree, minute or second mark, in the forms keyboards
// and fonts produce.
func scanUnit(s string) (int, string) {
	for _, u := range []struct {
		mark string
		unit int
	}{
		{"°", unitDegrees}, {"º", unitDegrees}, {"˚", unitDegrees},
		{"''", unitSeconds}, {"\"", unitSeconds}, {"″", unitSeconds}, {"”", unitSeconds},
		{"'", unitMinutes}, {"′", unitMinutes}, {"’", unitMinutes}, {"‘", unitMinutes},
	} {
		if rest, ok := strings.CutPrefix(s, u.mark); ok {
			return u.unit, rest
		}
	}
	return unitNone, s
}

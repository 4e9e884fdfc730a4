package formats

import (
	"strconv"
	"strings"

	"github.com/whib/whib/store"
)

// xmlDecimal returns the coordinate as the digits the traveller typed when
// they already are an xsd:decimal (what GPX and KML require), and the
// shortest decimal of its value otherwise (a hand-edited "+5" or "1e2").
func xmlDecimal(c store.Coord) string {
	text := c.String()
	if isDecimal(text) {
		return text
	}
	return strconv.FormatFloat(c.Float(), 'f', -1, 64)
}

// isDecimal matches -?[0-9]+(\.[0-9]+)? .
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	return allDigits(whole) && (!hasDot || allDigits(frac))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

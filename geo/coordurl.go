package geo

import (
	"net/url"
	"strings"
)

// parseCoordinateURL reads the point out of a geo: URI, a Google Maps URL
// or an OpenStreetMap URL. isURL reports whether s was one at all, so a
// URL without a point is not then read as plain text.
func parseCoordinateURL(s string) (lat, lon float64, ok, isURL bool) {
	lower := strings.ToLower(s)
	if rest, found := strings.CutPrefix(lower, "geo:"); found {
		lat, lon, ok = parseGeoURI(rest)
		return lat, lon, ok, true
	}
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return 0, 0, false, false
	}
	u, err := url.Parse(s)
	if err != nil {
		return 0, 0, false, true
	}
	for _, read := range []func(*url.URL) (float64, float64, bool){
		googlePlacePin, googleViewport, osmMarker, osmViewport, queryPoint,
	} {
		if lat, lon, ok := read(u); ok {
			return lat, lon, true, true
		}
	}
	return 0, 0, false, true
}

// parseGeoURI reads RFC 5870's "lat,lon[,alt][;params][?query]".
func parseGeoURI(rest string) (lat, lon float64, ok bool) {
	rest, _, _ = strings.Cut(rest, "?")
	rest, _, _ = strings.Cut(rest, ";")
	parts := strings.Split(rest, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, false
	}
	return decimalPair(parts[0], parts[1])
}

// decimalPair reads two signed decimals with a point, as URLs carry them.
func decimalPair(a, b string) (lat, lon float64, ok bool) {
	lat, okA := parseURLDecimal(a)
	lon, okB := parseURLDecimal(b)
	if !okA || !okB || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return 0, 0, false
	}
	return lat, lon, true
}

func parseURLDecimal(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") {
		return 0, false
	}
	rest, sign := cutSign(s)
	v, frac, tail, ok := scanNumber(rest)
	if !ok || tail != "" || (!frac && strings.Contains(rest, ".")) {
		return 0, false
	}
	if sign == '-' {
		v = -v
	}
	return v, true
}

// googlePlacePin reads the pin of a shared place, "!3d<lat>!4d<lon>",
// which is more exact than the viewport centre beside it.
func googlePlacePin(u *url.URL) (float64, float64, bool) {
	p := u.Path
	_, afterLat, ok1 := strings.Cut(p, "!3d")
	latText, afterLon, ok2 := strings.Cut(afterLat, "!4d")
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	lonText, _, _ := strings.Cut(afterLon, "!")
	return decimalPair(latText, lonText)
}

// googleViewport reads ".../@47.0707,15.4395,12z".
func googleViewport(u *url.URL) (float64, float64, bool) {
	_, at, ok := strings.Cut(u.Path, "@")
	parts := strings.SplitN(at, ",", 3)
	if !ok || len(parts) < 2 {
		return 0, 0, false
	}
	return decimalPair(parts[0], parts[1])
}

// osmMarker reads "?mlat=47.07&mlon=15.43".
func osmMarker(u *url.URL) (float64, float64, bool) {
	q := u.Query()
	if !q.Has("mlat") || !q.Has("mlon") {
		return 0, 0, false
	}
	return decimalPair(q.Get("mlat"), q.Get("mlon"))
}

// osmViewport reads "#map=12/47.0707/15.4395" (also as a query parameter).
func osmViewport(u *url.URL) (float64, float64, bool) {
	m := u.Query().Get("map")
	if frag, err := url.ParseQuery(u.Fragment); err == nil && frag.Has("map") {
		m = frag.Get("map")
	}
	parts := strings.Split(m, "/")
	if len(parts) != 3 {
		return 0, 0, false
	}
	return decimalPair(parts[1], parts[2])
}

// queryPoint reads the coordinates that maps sites put in a search or
// centre parameter ("?q=47.07,15.43", "?ll=", "&query=", "&center=").
func queryPoint(u *url.URL) (float64, float64, bool) {
	q := u.Query()
	for _, key := range []string{"q", "ll", "query", "center", "destination"} {
		if v := q.Get(key); v != "" {
			if lat, lon, ok := parsePair(strings.TrimSpace(v)); ok {
				return lat, lon, true
			}
		}
	}
	return 0, 0, false
}

package store

import (
	"crypto/sha256"
	"encoding/hex"
	"iter"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The place rules, in one place: the add form, the API, the import preview
// and the write plans all ask an Index, so "the same place" and "the same
// name nearby" cannot mean different things in different rooms.

// NearRadiusMeters is how far apart two places with the same name may be and
// still count as probably one place pinned twice: the form asks before
// adding such a place, and an import holds it back.
const NearRadiusMeters = 1000

// sameCoordTolerance is about 11 cm on the ground: two markers closer than that
// are the same pin on any map zoom.
const sameCoordTolerance = 1e-6

// earthRadiusMeters is the radius the map's own distance uses (WGS 84's
// equatorial radius, as Leaflet and orb use), so "900 m from here" agrees
// with the map's scale.
const earthRadiusMeters = 6378137

// Distance is the great-circle distance between two places in metres.
func Distance(a, b Place) float64 {
	return DistanceMeters(a.Latitude.value, a.Longitude.value, b.Latitude.value, b.Longitude.value)
}

// DistanceMeters is the great-circle (haversine) distance between two
// points given in degrees.
func DistanceMeters(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusMeters * math.Asin(math.Sqrt(min(h, 1)))
}

// SameAs reports whether p and o are the same visit of the same place:
// names equal after collapsing runs of white space, dropping zero-width
// characters, Unicode normalisation (NFC) and case folding, both
// coordinates within 1e-6 degrees, and the same visit date (both unknown,
// or the same notation).
func (p Place) SameAs(o Place) bool {
	return p.samePoint(o) && p.Visited == o.Visited && SameName(p.Name, o.Name)
}

func (p Place) samePoint(o Place) bool {
	return math.Abs(p.Latitude.value-o.Latitude.value) <= sameCoordTolerance &&
		math.Abs(p.Longitude.value-o.Longitude.value) <= sameCoordTolerance
}

// SameName reports whether two names are the same name as SameAs compares
// them: white space, composition, zero-width characters and case aside.
func SameName(a, b string) bool {
	return a == b || nameKey(a) == nameKey(b)
}

// nameKey is the form of a name that SameName compares: two names are the
// same name exactly when their keys are equal.
func nameKey(name string) string {
	if isASCII(name) {
		// Most names: skipping the Unicode machinery halves the time of a
		// 10,000-row import. Upper case is what foldCase gives for ASCII.
		return strings.ToUpper(strings.Join(strings.Fields(name), " "))
	}
	return foldCase(comparableName(name))
}

// nameHash is the FNV-1a hash of nameKey(name), worked out without making
// the key for an ASCII name (most names), so that indexing a map's places
// makes no garbage.
func nameHash(name string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	if !isASCII(name) {
		key := nameKey(name)
		for i := 0; i < len(key); i++ {
			h = (h ^ uint64(key[i])) * prime
		}
		return h
	}
	started, space := false, false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if asciiSpace(c) {
			space = started
			continue
		}
		if space {
			h = (h ^ ' ') * prime
			space = false
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		h = (h ^ uint64(c)) * prime
		started = true
	}
	return h
}

// asciiSpace is what strings.Fields splits an ASCII name at.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldCase maps every character to the smallest member of its simple case
// folding orbit: the canonical form of strings.EqualFold's equivalence.
func foldCase(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

// comparableName collapses white space, drops zero-width characters and
// composes characters so "São  José" typed on a Mac (decomposed) matches
// "São José" from the file, and "Graz\u200b" cannot pose as a second Graz.
func comparableName(name string) string {
	return norm.NFC.String(strings.Join(strings.Fields(strings.Map(dropZeroWidth, name)), " "))
}

// dropZeroWidth is a strings.Map function removing the characters that take
// no space on screen.
func dropZeroWidth(r rune) rune {
	if isZeroWidth(r) {
		return -1
	}
	return r
}

// isZeroWidth reports the zero-width and invisible format characters:
// ZWSP, ZWNJ, ZWJ, word joiner, BOM/ZWNBSP and the soft hyphen.
func isZeroWidth(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD':
		return true
	}
	return false
}

// Index groups places by name so that asking whether a place is new costs a
// look at the few places of the same name rather than the whole map. It
// keeps the places' positions, chained by a hash of their name key, not
// copies of the places or their keys: at 100,000 places about 3 MB, where
// a map of keys to copies was 30 MB (and 45 MB of garbage to build after
// every write). It is not safe for concurrent writes; a Snapshot's index is
// only read.
type Index struct {
	places []Place          // indexed, in the order added
	byHash map[uint64]chain // by nameHash
	next   []int32          // by place: the next one with its name hash, -1 at the end
}

// chain is the first and the last place with one name hash.
type chain struct{ first, last int32 }

// NewIndex indexes places.
func NewIndex(places []Place) *Index {
	ix := &Index{
		places: places[:len(places):len(places)], // Add must not write into the caller's array
		byHash: make(map[uint64]chain, len(places)),
		next:   make([]int32, 0, len(places)),
	}
	for i := range places {
		ix.link(i)
	}
	return ix
}

// Add indexes one more place (an import adds each row it takes, so a row
// repeated further down the file is recognised too).
func (ix *Index) Add(p Place) {
	ix.places = append(ix.places, p)
	ix.link(len(ix.places) - 1)
}

// link chains place i, the last one indexed, after the others with its
// name hash.
func (ix *Index) link(i int) {
	ix.next = append(ix.next, -1)
	h := nameHash(ix.places[i].Name)
	c, ok := ix.byHash[h]
	if ok {
		ix.next[c.last] = int32(i)
		c.last = int32(i)
	} else {
		c = chain{first: int32(i), last: int32(i)}
	}
	ix.byHash[h] = c
}

// named yields the indexed places with the same name as name (SameName),
// in the order they were indexed.
func (ix *Index) named(name string) iter.Seq[Place] {
	return func(yield func(Place) bool) {
		c, ok := ix.byHash[nameHash(name)]
		if !ok {
			return
		}
		key := nameKey(name)
		for i := c.first; i >= 0; i = ix.next[i] {
			q := ix.places[i]
			// Another name with the same hash is not this one.
			if (q.Name == name || nameKey(q.Name) == key) && !yield(q) {
				return
			}
		}
	}
}

// Same is the indexed place that is the same visit as p, if any.
func (ix *Index) Same(p Place) (Place, bool) {
	for q := range ix.named(p.Name) {
		if q.SameAs(p) {
			return q, true
		}
	}
	return Place{}, false
}

// sameExcept is Same for an edit of the row with this id: that row itself
// does not count (a note changed, or a name's case, is still the place).
func (ix *Index) sameExcept(p Place, id string) (Place, bool) {
	for q := range ix.named(p.Name) {
		if q.ID != id && q.SameAs(p) {
			return q, true
		}
	}
	return Place{}, false
}

// Visits are the indexed places at p's point with p's name: the visits of
// that place, whatever their dates.
func (ix *Index) Visits(p Place) []Place {
	var out []Place
	for q := range ix.named(p.Name) {
		if q.samePoint(p) {
			out = append(out, q)
		}
	}
	return out
}

// Near is the closest indexed place with p's name within NearRadiusMeters
// that is not at p's point (another visit of the same place is not "near",
// it is the place), and its distance in metres.
func (ix *Index) Near(p Place) (Place, float64, bool) {
	best, bestM, found := Place{}, 0.0, false
	for q := range ix.named(p.Name) {
		if q.samePoint(p) {
			continue
		}
		if m := Distance(p, q); m <= NearRadiusMeters && (!found || m < bestM) {
			best, bestM, found = q, m, true
		}
	}
	return best, bestM, found
}

// PlaceKey names the place p is a visit of, for pages that show each
// place once: twelve hex digits of its name as SameName compares names and
// its point to six decimals (about 11 cm, the tolerance of SameAs). Rows
// with the same key are the visits of one place; two points within 1e-6°
// on either side of a rounding step get two keys, as rarely as that.
func PlaceKey(p Place) string {
	sum := sha256.Sum256([]byte(nameKey(p.Name) + "\x00" +
		strconv.FormatFloat(math.Round(p.Latitude.value*1e6), 'f', 0, 64) + "," +
		strconv.FormatFloat(math.Round(p.Longitude.value*1e6), 'f', 0, 64)))
	return hex.EncodeToString(sum[:6])
}

// GroupVisits groups rows by place: the rows with the same name and point
// (SameName, coordinates within 1e-6°) are the visits of one place. Each
// group holds row indexes in file order; the groups are in the order of
// each place's first row. A row is compared with the first row of each
// group of its name, so a chain of points each within 1e-6° of the next
// stays apart, as Same would keep it.
func GroupVisits(places []Place) [][]int {
	groups := make([][]int, 0, len(places))
	byName := make(map[string][]int, len(places)) // name key → group indexes
	for i, p := range places {
		key := nameKey(p.Name)
		found := -1
		for _, g := range byName[key] {
			if places[groups[g][0]].samePoint(p) {
				found = g
				break
			}
		}
		if found < 0 {
			found = len(groups)
			groups = append(groups, nil)
			byName[key] = append(byName[key], found)
		}
		groups[found] = append(groups[found], i)
	}
	// One backing array for all groups: a hundred thousand small slices
	// are as many objects for the garbage collector to trace.
	flat := make([]int, 0, len(places))
	for g, rows := range groups {
		flat = append(flat, rows...)
		groups[g] = flat[len(flat)-len(rows) : len(flat) : len(flat)]
	}
	return groups
}

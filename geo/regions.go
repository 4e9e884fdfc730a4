package geo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"
)

// Region is a first-level subdivision of a country (ISO 3166-2): a state,
// province, county… The zero Region means "none".
type Region struct {
	Code    string `json:"code"`    // ISO 3166-2, e.g. "AT-6"
	Name    string `json:"name"`    // English, e.g. "Styria"
	Country string `json:"country"` // ISO 3166-1 alpha-2 of the land it covers
}

// regionData is one region with what only geo needs.
type regionData struct {
	Region
	level    string   // what the country calls it ("State"), "" if unknown
	names    []string // for search: the name first, then its others
	label    orb.Point
	polygons []polygon
	bound    orb.Bound // where to fly to see it
}

type regions struct {
	list      []regionData
	byCode    map[string]int16
	byCountry map[string][]int16 // regions of each country, by code
	index     shapeIndex
}

// regionCellsPerDegree makes the regions' grid finer than the countries'
// (half-degree cells): regions are smaller, and a city's region is
// looked up for every search result.
const regionCellsPerDegree = 2

// The regions file is written by internal/gen (writeRegions).
const (
	regionsHeader = "whib regions 1\n"
	regionScale   = 1e3
)

func loadRegions(gz []byte) (*regions, error) {
	text, err := gunzip(gz)
	if err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	rest, ok := strings.CutPrefix(text, regionsHeader)
	if !ok {
		return nil, errors.New("regions: not a regions file")
	}
	d := decoder{r: strings.NewReader(rest)}
	n := d.uvarint()
	if d.err != nil || n > 1<<15 {
		return nil, fmt.Errorf("regions: bad count: %v", d.err)
	}
	rs := &regions{byCode: map[string]int16{}, byCountry: map[string][]int16{}}
	var shapes []shape
	for i := range int(n) {
		r := d.region()
		if d.err != nil {
			return nil, fmt.Errorf("regions: region %d: %w", i+1, d.err)
		}
		rs.byCode[r.Code] = int16(i)
		rs.byCountry[r.Country] = append(rs.byCountry[r.Country], int16(i))
		first := len(shapes)
		for _, p := range r.polygons {
			shapes = append(shapes, shape{polygon: p, bound: p.bound(), owner: int16(i)})
		}
		r.bound = boundOf(shapes[first:])
		rs.list = append(rs.list, r)
	}
	rs.index = newShapeIndex(shapes, regionCellsPerDegree)
	return rs, nil
}

// decoder reads writeRegions' encoding; the first error sticks.
type decoder struct {
	r   *strings.Reader
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d.r)
	d.err = err
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(d.r)
	d.err = err
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil || n > 1<<12 {
		d.fail("bad string")
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.err = err
	}
	return string(b)
}

func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
}

// count reads a length, refusing one larger than the rest of the file
// could hold: a corrupt file must not allocate gigabytes.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(d.r.Len()) {
		d.fail("bad count")
		return 0
	}
	return int(n)
}

func (d *decoder) region() regionData {
	var r regionData
	r.Code, r.Country, r.Name, r.level = d.str(), d.str(), d.str(), d.str()
	r.names = make([]string, d.count())
	for i := range r.names {
		r.names[i] = d.str()
	}
	lat, lon := d.varint(), d.varint()
	r.label = orb.Point{float64(lon) / regionScale, float64(lat) / regionScale}
	r.polygons = d.polygons()
	if d.err == nil && (len(r.Code) < 4 || r.Code[2] != '-' || len(r.Country) != 2 || len(r.polygons) == 0) {
		d.fail("bad region " + r.Code)
	}
	return r
}

func (d *decoder) polygons() []polygon {
	mp := make([]polygon, d.count())
	var x, y int64
	for i := range mp {
		mp[i] = make(polygon, d.count())
		for j := range mp[i] {
			r := make(ring, d.count())
			for k := range r {
				x += d.varint()
				y += d.varint()
				r[k] = [2]float32{float32(float64(x) / regionScale), float32(float64(y) / regionScale)}
			}
			mp[i][j] = r
		}
	}
	return mp
}

// regionIn is the region of country code country that holds the point
// (or, at sea or in a gap between simplified outlines, the nearest within
// reach): a place's region is always one of its country's.
func (rs *regions) regionIn(lat, lon float64, country string) (int16, bool) {
	if len(rs.byCountry[country]) == 0 {
		return 0, false
	}
	return rs.index.ownerAt(lat, lon, func(r int16) bool { return rs.list[r].Country == country })
}

// Location is where a point lies: its country and its region, each the
// zero value when there is none (at sea; land Natural Earth gives no
// ISO 3166-2 code).
type Location struct {
	Country Country `json:"country"`
	Region  Region  `json:"region"`
}

// LocationOf tells the country and region of one point.
func (ix *Index) LocationOf(lat, lon float64) Location {
	return ix.Location(ix.SpotOf(lat, lon))
}

func (ix *Index) regionOf(lat, lon float64, country string) Region {
	if r, ok := ix.regions.regionIn(lat, lon, country); ok {
		return ix.regions.list[r].Region
	}
	return Region{}
}

// Locate looks up many points at once, in order, as LocationOf does;
// repeated points are looked up once. A caller that keeps the answers
// for long keeps Spots instead.
func (ix *Index) Locate(points []Point) []Location {
	spots := ix.Spots(points)
	out := make([]Location, len(spots))
	for i, s := range spots {
		out[i] = ix.Location(s)
	}
	return out
}

// RegionByCode returns the region with that ISO 3166-2 code: callers that
// keep many places' regions keep their codes.
func (ix *Index) RegionByCode(code string) (Region, bool) {
	i, ok := ix.regions.byCode[code]
	if !ok {
		return Region{}, false
	}
	return ix.regions.list[i].Region, true
}

// levelOf is what a region's country calls it ("State"), "" if unknown.
func (rs *regions) levelOf(code string) string {
	if i, ok := rs.byCode[code]; ok {
		return rs.list[i].level
	}
	return ""
}

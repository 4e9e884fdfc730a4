package geo

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whib/whib/geo/internal/fold"
)

// Result is one answer to a search: a place of the gazetteer, a region, a
// country, or the point a query's coordinates name.
type Result struct {
	// Name is the place's own name ("Munich"); Matched is the name the
	// query found when it is another ("München"), else "".
	Name    string `json:"name"`
	Matched string `json:"matched,omitempty"`
	// Label says which one it is, in words: "Munich (München), Bavaria,
	// Germany", "Lisbon, Maine, United States", "Bavaria, state of
	// Germany". Two results never read the same: places within a few
	// kilometres of each other are one, others say their coordinates.
	Label       string  `json:"label"`
	Country     string  `json:"country"`      // ISO 3166-1 alpha-2, "" at sea
	CountryName string  `json:"country_name"` // English
	Region      string  `json:"region"`       // ISO 3166-2, e.g. "AT-6"; "" when none
	RegionName  string  `json:"region_name"`  // English, e.g. "Styria"
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	Population  int     `json:"population"`
	Kind        string  `json:"kind"`
	// Bounds is where to fly to see a region or a country.
	Bounds *Bounds `json:"bounds,omitempty"`
}

// Bounds is a box in degrees.
type Bounds struct {
	West  float64 `json:"west"`
	South float64 `json:"south"`
	East  float64 `json:"east"`
	North float64 `json:"north"`
}

// mergeSlack is how many more matches than asked for are ranked, so that
// merging results that read alike still fills the list.
const mergeSlack = 5

// results turns matches of query q into at most limit results, best
// first. Only as many are made as the list needs: each place's region is
// looked up from its point.
func (ix *Index) results(best []match, q string, limit int) []Result {
	out := make([]Result, 0, limit)
	for _, m := range best {
		r := ix.resultOf(m, q)
		if !slices.ContainsFunc(out, func(o Result) bool { return samePlace(o, r) }) {
			out = append(out, r)
		}
		if len(out) == limit {
			break
		}
	}
	return tellApart(citiesBeforeTheirRegions(out))
}

// citiesBeforeTheirRegions moves a city before the region of the same
// name it lies in: "Zug" and "Salzburg" are the towns first, and the
// cantons or states named after them second.
func citiesBeforeTheirRegions(rs []Result) []Result {
	for i := 0; i < len(rs); i++ {
		if rs[i].Kind != KindRegion {
			continue
		}
		for j := i + 1; j < len(rs); j++ {
			if rs[j].Kind == KindCity && rs[j].Region == rs[i].Region && fold.String(rs[j].Name) == fold.String(rs[i].Name) {
				city := rs[j]
				copy(rs[i+1:j+1], rs[i:j])
				rs[i] = city
				i++
				break
			}
		}
	}
	return rs
}

func (ix *Index) resultOf(m match, q string) Result {
	n := ix.gazetteer.names
	owner := m.owner
	var r Result
	level := ""
	switch {
	case owner >= 0:
		r = ix.cityResult(&ix.gazetteer.cities[owner])
		level = ix.regions.levelOf(r.Region)
	case int(^owner) < len(ix.regions.list):
		region := &ix.regions.list[^owner]
		r, level = ix.regionResult(region), region.level
	default:
		r = ix.countryResult(int(^owner) - len(ix.regions.list))
	}
	if owner >= 0 && m.name != ix.gazetteer.cities[owner].firstName || owner < 0 && n.foldedOf(m.name) != fold.String(r.Name) {
		r.Matched = n.spellingLike(m.name, q)
	}
	r.Label = label(r, level)
	return r
}

func (ix *Index) cityResult(c *city) Result {
	code := string(c.country[:])
	lat, lon := float64(c.lat)/1e5, float64(c.lon)/1e5
	region := ix.regionOf(lat, lon, code)
	return Result{
		Name:        ix.gazetteer.nameOf(c),
		Country:     code,
		CountryName: ix.borders.countryByCode(code).Name,
		Region:      region.Code,
		RegionName:  region.Name,
		Latitude:    lat,
		Longitude:   lon,
		Population:  int(c.population),
		Kind:        KindCity,
	}
}

func (ix *Index) regionResult(r *regionData) Result {
	return Result{
		Name:        r.Name,
		Country:     r.Country,
		CountryName: ix.borders.countryByCode(r.Country).Name,
		Region:      r.Code,
		RegionName:  r.Name,
		Latitude:    r.label.Lat(),
		Longitude:   r.label.Lon(),
		Kind:        KindRegion,
		Bounds:      &Bounds{r.bound.Min.Lon(), r.bound.Min.Lat(), r.bound.Max.Lon(), r.bound.Max.Lat()},
	}
}

func (ix *Index) countryResult(i int) Result {
	c, b := ix.borders.countries[i], ix.borders.bounds[i]
	centre := b.Center()
	return Result{
		Name:        c.Name,
		Country:     c.Code,
		CountryName: c.Name,
		Latitude:    centre.Lat(),
		Longitude:   centre.Lon(),
		Kind:        KindCountry,
		Bounds:      &Bounds{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()},
	}
}

func (ix *Index) coordinatesResult(lat, lon float64) Result {
	r := Result{
		Name:      formatCoordinate(lat) + ", " + formatCoordinate(lon),
		Latitude:  lat,
		Longitude: lon,
		Kind:      KindCoordinates,
	}
	loc := ix.LocationOf(lat, lon)
	r.Country, r.CountryName = loc.Country.Code, loc.Country.Name
	r.Region, r.RegionName = loc.Region.Code, loc.Region.Name
	r.Label = label(r, "")
	return r
}

func formatCoordinate(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// label says a result in words: the name, the name matched, then where it
// is. A region that shares its place's name says what it is ("Lisbon,
// Lisbon District, Portugal"), or is left out when the data does not name
// its level; a region result says what it is ("Bavaria, state of
// Germany").
func label(r Result, level string) string {
	var b strings.Builder
	b.WriteString(r.Name)
	if r.Matched != "" {
		b.WriteString(" (" + r.Matched + ")")
	}
	switch r.Kind {
	case KindCountry:
		return b.String()
	case KindRegion:
		if r.CountryName != "" {
			b.WriteString(", " + regionOfCountry(r.Name, level, r.CountryName))
		}
		return b.String()
	}
	switch {
	case r.RegionName == "":
	case !strings.EqualFold(r.RegionName, r.Name):
		b.WriteString(", " + r.RegionName)
	case level != "":
		b.WriteString(", " + r.RegionName + " " + level)
	}
	if r.CountryName != "" {
		b.WriteString(", " + r.CountryName)
	}
	return b.String()
}

// regionOfCountry is "state of Germany", or just "Portugal" when the
// name says the level already ("Lisbon District").
func regionOfCountry(name, level, country string) string {
	level = strings.ToLower(level)
	if level == "" {
		level = "region"
	}
	if strings.Contains(strings.ToLower(name), level) {
		return country
	}
	return level + " of " + country
}

// mergeKm is how close two results that read alike must be to be one
// place: GeoNames lists some towns twice (as a town and as the seat of
// its county, a few hundred metres apart).
const mergeKm = 10

// samePlace tells whether two results read alike and lie within mergeKm
// of each other: one place, listed once (the better ranked).
func samePlace(a, b Result) bool {
	return a.Label == b.Label && DistanceMeters(a.Latitude, a.Longitude, b.Latitude, b.Longitude) < mergeKm*1000
}

// tellApart adds their coordinates to the labels of results that still
// read alike ("Lisbon, Ohio, United States (39.86, -83.64)").
func tellApart(rs []Result) []Result {
	count := map[string]int{}
	for _, r := range rs {
		count[r.Label]++
	}
	for i, r := range rs {
		if count[r.Label] > 1 {
			rs[i].Label += " (" + strconv.FormatFloat(r.Latitude, 'f', 2, 64) + ", " + strconv.FormatFloat(r.Longitude, 'f', 2, 64) + ")"
		}
	}
	return rs
}

package geo

// Spot is where a point lies, as Locate tells it, in four bytes: the
// country and the region as positions in the Index's own lists. A caller
// that keeps the whereabouts of every place of a map keeps Spots: at
// 100,000 places they are 0.4 MB, the Locations 14 MB. Only the Index that
// made a Spot can name it (Country, Region); the zero Spot is nowhere (at
// sea, or not a point).
type Spot struct {
	country, region int16 // position + 1; 0 for none
}

// HasCountry tells whether the point lies in (or, at sea, near) a country.
func (s Spot) HasCountry() bool { return s.country != 0 }

// HasRegion tells whether the point lies in a region.
func (s Spot) HasRegion() bool { return s.region != 0 }

// SameCountry tells whether two Spots of one Index are in one country.
func (s Spot) SameCountry(o Spot) bool { return s.country == o.country }

// Country names the Spot's country; the zero Country for none.
func (ix *Index) Country(s Spot) Country {
	if s.country == 0 {
		return Country{}
	}
	return ix.borders.countries[s.country-1]
}

// Region names the Spot's region; the zero Region for none.
func (ix *Index) Region(s Spot) Region {
	if s.region == 0 {
		return Region{}
	}
	return ix.regions.list[s.region-1].Region
}

// Location is the Spot's country and region.
func (ix *Index) Location(s Spot) Location {
	return Location{Country: ix.Country(s), Region: ix.Region(s)}
}

// SpotOf is where one point lies, as LocationOf tells it.
func (ix *Index) SpotOf(lat, lon float64) Spot {
	c, ok := ix.borders.countryIndexOf(lat, lon)
	if !ok {
		return Spot{}
	}
	s := Spot{country: c + 1}
	if r, ok := ix.regions.regionIn(lat, lon, ix.borders.countries[c].Code); ok {
		s.region = r + 1
	}
	return s
}

// Spots locates many points at once, in order, as SpotOf does; repeated
// points (places visited twice, or rounded alike) are looked up once.
func (ix *Index) Spots(points []Point) []Spot {
	out := make([]Spot, len(points))
	seen := make(map[latLon]Spot, min(len(points), 1024))
	for i, p := range points {
		key := latLon{p.Latitude, p.Longitude}
		s, ok := seen[key]
		if !ok {
			s = ix.SpotOf(p.Latitude, p.Longitude)
			seen[key] = s
		}
		out[i] = s
	}
	return out
}

// spotOfLocation is the Spot of a Location this Index gave.
func (ix *Index) spotOfLocation(l Location) Spot {
	var s Spot
	if i, ok := ix.borders.byCode[l.Country.Code]; ok {
		s.country = i + 1
	}
	if i, ok := ix.regions.byCode[l.Region.Code]; ok {
		s.region = i + 1
	}
	return s
}

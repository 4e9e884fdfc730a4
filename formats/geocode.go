package formats

import (
	"strconv"
	"strings"
)

// Geocoder finds places by name in the offline gazetteer, for rows a file
// gives a name and no point: a spreadsheet of cities, a Google list with
// only titles and links, a saved place Google has no coordinates for. The
// caller adapts its gazetteer (package geo) to it, so formats needs nothing
// of geo's search. Lookup gets Row.Lookup as the file wrote it ("Lisbon,
// Portugal", "Café Central") and returns the matches, best first; nothing
// leaves the server.
type Geocoder interface {
	Lookup(name string) []Candidate
}

// Namer is a Geocoder that can also name the gazetteer's place nearest a
// point, for rows with a point and no name (Google's on-device Timeline
// names no place).
type Namer interface {
	Nearest(latitude, longitude float64) (Candidate, bool)
}

// Candidate is one gazetteer match, with what a person needs to choose it.
type Candidate struct {
	Name      string  `json:"name"`
	Region    string  `json:"region,omitempty"`  // as a person names it
	Country   string  `json:"country,omitempty"` // ISO 3166-1 alpha-2
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// maxCandidates is how many matches a row offers.
const maxCandidates = 5

// geocode proposes points and names from the gazetteer: a single match is
// taken (Row.Proposed says so, for the preview to show it as a proposal);
// several are left in Row.Candidates for the person to choose. Each text
// is looked up once, however many rows share it.
func (opts DecodeOptions) geocode(imp *Import) {
	if opts.Geocoder == nil {
		return
	}
	namer, _ := opts.Geocoder.(Namer)
	found := map[string][]Candidate{}
	for i := range imp.Rows {
		row := &imp.Rows[i]
		switch {
		case row.NeedsPoint() && strings.TrimSpace(row.Lookup) != "":
			candidates, seen := found[row.Lookup]
			if !seen {
				candidates = firstCandidates(opts.Geocoder.Lookup(row.Lookup))
				found[row.Lookup] = candidates
			}
			proposePoint(row, candidates)
		case namer != nil && strings.TrimSpace(row.Name) == "" && !row.NeedsPoint():
			key := "@" + row.Latitude + "," + row.Longitude
			candidates, seen := found[key]
			if !seen {
				candidates = nearestCandidate(namer, row.Latitude, row.Longitude)
				found[key] = candidates
			}
			if len(candidates) == 1 {
				row.Candidates, row.Name, row.Proposed = candidates, candidates[0].Name, true
			}
		}
	}
}

func firstCandidates(all []Candidate) []Candidate {
	if len(all) > maxCandidates {
		all = all[:maxCandidates]
	}
	return all
}

func proposePoint(row *Row, candidates []Candidate) {
	row.Candidates = candidates
	if len(candidates) != 1 {
		return
	}
	row.Latitude = strconv.FormatFloat(candidates[0].Latitude, 'f', -1, 64)
	row.Longitude = strconv.FormatFloat(candidates[0].Longitude, 'f', -1, 64)
	row.Proposed = true
}

func nearestCandidate(namer Namer, latitude, longitude string) []Candidate {
	lat, errLat := strconv.ParseFloat(latitude, 64)
	lon, errLon := strconv.ParseFloat(longitude, 64)
	if errLat != nil || errLon != nil {
		return nil
	}
	if c, ok := namer.Nearest(lat, lon); ok {
		return []Candidate{c}
	}
	return nil
}

package handlers

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/whib/whib/formats"
	"github.com/whib/whib/geo"
)

// gazetteer adapts geo's offline index to formats.Geocoder, for the rows of
// an import that have a place's name and no point ("Lisbon, Portugal", a
// saved place's address), and to formats.Namer, for those that have a
// point and no name. It asks geo's public Search only, so nothing
// leaves the server, and keeps the country names of its answers for the
// preview to say where each candidate is.
type gazetteer struct {
	ix        *geo.Index
	countries map[string]string // ISO code → English name, of the answers given
}

func newGazetteer(ix *geo.Index) *gazetteer {
	return &gazetteer{ix: ix, countries: map[string]string{}}
}

// Lookup reads the text as people write places: the place first, then
// where it is, comma-separated ("Springfield, IL, USA"; "Café Central,
// Herrengasse 14, 1010 Wien, Austria"). Each part is tried as the place,
// left to right, the parts after it narrowing the gazetteer's places of
// that name to the countries or regions they name: a café is put at its
// town ("Café Central, Vienna"), and Lisbon, Portugal never becomes Lisbon,
// Maine (a place whose qualifiers match none of its namesakes is not
// proposed). Only places of exactly the name are candidates.
func (g *gazetteer) Lookup(text string) []formats.Candidate {
	if g.ix == nil {
		return nil
	}
	parts := lookupParts(text)
	for i, part := range parts {
		results := g.search(part)
		if i < len(parts)-1 {
			results = within(results, parts[i+1:])
		}
		if len(results) > 0 {
			return g.candidates(results)
		}
	}
	return nil
}

// search asks the gazetteer for one part, without house numbers and
// postcodes, and keeps the towns whose name, or another name of theirs,
// is the part: "Porto" is Porto, not Porto Alegre; "Wien" is Vienna, not
// Wiener Neustadt.
func (g *gazetteer) search(part string) []geo.Result {
	var words []string
	for _, w := range strings.Fields(part) {
		if !strings.ContainsFunc(w, unicode.IsDigit) {
			words = append(words, w)
		}
	}
	query := strings.Join(words, " ")
	folded := foldText(query)
	var named []geo.Result
	for _, r := range g.ix.Search(query, geo.MaxResults) {
		if r.Kind == geo.KindCity && (foldText(r.Name) == folded || foldText(r.Matched) == folded) {
			named = append(named, r)
		}
	}
	return named
}

// within keeps the results that match the most qualifiers (a country's
// name or code, a region's name or code); none when no result matches any.
func within(results []geo.Result, qualifiers []string) []geo.Result {
	var best []geo.Result
	bestScore := 0
	for _, r := range results {
		score := 0
		for _, q := range qualifiers {
			if qualifies(r, q) {
				score++
			}
		}
		switch {
		case score > bestScore:
			best, bestScore = []geo.Result{r}, score
		case score == bestScore && score > 0:
			best = append(best, r)
		}
	}
	return best
}

// qualifies: the qualifier names the result's country (by name or code)
// or its region (by name, or by its code with or without the country's:
// "Maine", "ME", "US-ME").
func qualifies(r geo.Result, qualifier string) bool {
	q := foldText(qualifier)
	if code, ok := countryAliases[q]; ok {
		return code == r.Country
	}
	if q == foldText(r.CountryName) || q == strings.ToLower(r.Country) {
		return true
	}
	if r.Region == "" {
		return false
	}
	_, subdivision, _ := strings.Cut(r.Region, "-")
	return q == foldText(r.RegionName) || q == foldText(r.Region) || q == foldText(subdivision)
}

// countryAliases are the countries' names as people write them that are
// not geo's English ones, folded.
var countryAliases = map[string]string{
	"usa": "US", "u s a": "US", "united states": "US", "united states of america": "US",
	"uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
	"deutschland": "DE", "osterreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "espana": "ES", "italia": "IT",
	"nederland": "NL", "holland": "NL", "belgie": "BE", "belgique": "BE", "brasil": "BR", "mexico": "MX", "polska": "PL",
	"cesko": "CZ", "czechia": "CZ", "sverige": "SE", "norge": "NO", "danmark": "DK", "suomi": "FI", "eire": "IE",
	"hrvatska": "HR", "magyarorszag": "HU", "turkiye": "TR", "nippon": "JP", "uae": "AE",
}

func (g *gazetteer) candidates(results []geo.Result) []formats.Candidate {
	out := make([]formats.Candidate, 0, len(results))
	for _, r := range results {
		if r.Country != "" && r.CountryName != "" {
			g.countries[r.Country] = r.CountryName
		}
		out = append(out, formats.Candidate{Name: r.Name, Region: r.RegionName, Country: r.Country, Latitude: r.Latitude, Longitude: r.Longitude})
	}
	return out
}

// Nearest names a point by the gazetteer's town nearest to it, for rows a
// file gives a point and no name (Google's on-device Timeline names no
// place): formats proposes it, and the preview lets the person rename it.
func (g *gazetteer) Nearest(lat, lon float64) (formats.Candidate, bool) {
	if g.ix == nil {
		return formats.Candidate{}, false
	}
	name, townLat, townLon, ok := g.ix.NearestTown(lat, lon)
	if !ok {
		return formats.Candidate{}, false
	}
	where := g.ix.LocationOf(townLat, townLon)
	if where.Country.Code != "" {
		g.countries[where.Country.Code] = where.Country.Name
	}
	return formats.Candidate{Name: name, Region: where.Region.Name, Country: where.Country.Code, Latitude: townLat, Longitude: townLon}, true
}

// countryName is the English name of a country the gazetteer answered.
func (g *gazetteer) countryName(code string) string {
	if name, ok := g.countries[code]; ok {
		return name
	}
	return code
}

// lookupParts splits a place's text at its commas and semicolons.
func lookupParts(text string) []string {
	var parts []string
	for _, p := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// foldText is text for comparing names: lower case, accents off, one
// space between words.
func foldText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

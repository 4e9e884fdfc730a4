package geo

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// Continent is one of the seven: AF, AN, AS, EU, NA, OC, SA.
type Continent struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Country is what CountryOf answers: ISO 3166-1 alpha-2 code, English name,
// flag emoji and continent. The zero Country means "none".
type Country struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Flag      string    `json:"flag"`
	Continent Continent `json:"continent"`
}

type borders struct {
	countries []Country
	byCode    map[string]int16
	index     shapeIndex
	bounds    []orb.Bound // by country: where to fly to see it
}

// loadBorders reads the borders and, by country, the other names people
// call each country (for search).
func loadBorders(gz []byte) (*borders, [][]string, error) {
	text, err := gunzip(gz)
	if err != nil {
		return nil, nil, fmt.Errorf("borders: %w", err)
	}
	var file struct {
		Countries []struct {
			Code, Name, Continent string
			Names                 []string
		}
		Shapes []struct {
			Code     string
			Polygons orb.MultiPolygon
		}
	}
	if err := json.Unmarshal([]byte(text), &file); err != nil {
		return nil, nil, fmt.Errorf("borders: %w", err)
	}
	b := &borders{byCode: make(map[string]int16, len(file.Countries))}
	names := make([][]string, len(file.Countries))
	for i, c := range file.Countries {
		b.byCode[c.Code] = int16(len(b.countries))
		b.countries = append(b.countries, newCountry(c.Code, c.Name, c.Continent))
		names[i] = c.Names
	}
	var shapes []shape
	byCountry := make([][]shape, len(b.countries))
	for _, s := range file.Shapes {
		idx, ok := b.byCode[s.Code]
		if !ok {
			return nil, nil, fmt.Errorf("borders: shape for unknown country %q", s.Code)
		}
		for _, p := range s.Polygons {
			sh := shape{polygon: toPolygon(p), bound: p.Bound(), owner: idx}
			shapes = append(shapes, sh)
			byCountry[idx] = append(byCountry[idx], sh)
		}
	}
	b.index = newShapeIndex(shapes, 1)
	b.bounds = make([]orb.Bound, len(b.countries))
	for i, s := range byCountry {
		if len(s) > 0 {
			b.bounds[i] = boundOf(s)
		}
	}
	return b, names, nil
}

func newCountry(code, name, continent string) Country {
	return Country{Code: code, Name: name, Flag: flagEmoji(code),
		Continent: Continent{Code: continent, Name: continentName(continent)}}
}

func continentName(code string) string {
	switch code {
	case "AF":
		return "Africa"
	case "AN":
		return "Antarctica"
	case "AS":
		return "Asia"
	case "EU":
		return "Europe"
	case "NA":
		return "North America"
	case "OC":
		return "Oceania"
	case "SA":
		return "South America"
	}
	return ""
}

// flagEmoji spells a country code in regional indicator symbols, which
// fonts draw as the flag.
func flagEmoji(code string) string {
	if len(code) != 2 {
		return ""
	}
	var r [2]rune
	for i := range 2 {
		r[i] = rune(code[i]-'A') + 0x1F1E6
	}
	return string(r[:])
}

func (b *borders) countryByCode(code string) Country {
	if i, ok := b.byCode[code]; ok {
		return b.countries[i]
	}
	return Country{}
}

// CountryOf tells which country a point lies in, or, at sea, the nearest
// country within 25 km. Out-of-range or NaN coordinates have none.
func (ix *Index) CountryOf(lat, lon float64) (Country, bool) {
	i, ok := ix.borders.countryIndexOf(lat, lon)
	if !ok {
		return Country{}, false
	}
	return ix.borders.countries[i], true
}

func (b *borders) countryIndexOf(lat, lon float64) (int16, bool) {
	return b.index.ownerAt(lat, lon, nil)
}

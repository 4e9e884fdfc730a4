package geo

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// city is one gazetteer entry; its names are in the name index.
type city struct {
	lat, lon   int32 // degrees × 1e5, as GeoNames' precision
	population uint32
	firstName  int32 // its own name; alternate names follow it
	country    [2]byte
	kind       byte // 'C' capital, 'A' seat, 'X' a city's district, 'P' other
}

type gazetteer struct {
	cities []city
	names  *nameIndex
	towns  towns
}

func gunzip(gz []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if len(gz) >= 4 {
		// gzip ends with the input's size (mod 4 GiB): one allocation.
		b.Grow(int(binary.LittleEndian.Uint32(gz[len(gz)-4:])))
	}
	if _, err := io.Copy(&b, zr); err != nil {
		return "", err
	}
	return b.String(), nil
}

// readCities reads the generator's TSV (name, country, kind, population,
// latitude × 1e5, longitude × 1e5, then alternate names) into cities and
// their names.
func readCities(text string, names *nameBuilder) ([]city, error) {
	cities := make([]city, 0, strings.Count(text, "\n"))
	for line := range strings.Lines(text) {
		c, alternates, err := parseCity(strings.TrimSuffix(line, "\n"))
		if err != nil {
			return nil, fmt.Errorf("gazetteer: line %d: %w", len(cities)+1, err)
		}
		i := int32(len(cities))
		c.firstName = int32(len(names.refs))
		names.add(i, c.name, c.population)
		for a := range strings.SplitSeq(alternates, "\t") {
			if a != "" {
				names.add(i, a, c.population)
			}
		}
		cities = append(cities, c.city)
	}
	return cities, nil
}

// cityNames counts the names in the TSV and their bytes, to size the
// name index: every field but the second to sixth is a name.
func cityNames(text string) (n, size int) {
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
		name, rest, _ := strings.Cut(line, "\t")
		n, size = n+1, size+len(name)
		for range 5 {
			_, rest, _ = strings.Cut(rest, "\t")
		}
		if rest != "" {
			n += strings.Count(rest, "\t") + 1
			size += len(rest) - strings.Count(rest, "\t")
		}
	}
	return n, size
}

type parsedCity struct {
	city
	name string
}

func parseCity(line string) (parsedCity, string, error) {
	var f [6]string
	rest := line
	for i := range f {
		var ok bool
		if f[i], rest, ok = strings.Cut(rest, "\t"); !ok && i < len(f)-1 {
			return parsedCity{}, "", errors.New("too few fields")
		}
	}
	pop, err1 := strconv.ParseUint(f[3], 10, 32)
	lat, err2 := strconv.ParseInt(f[4], 10, 32)
	lon, err3 := strconv.ParseInt(f[5], 10, 32)
	if err := errors.Join(err1, err2, err3); err != nil || len(f[1]) != 2 || len(f[2]) != 1 || f[0] == "" {
		return parsedCity{}, "", fmt.Errorf("bad row %q: %v", f[0], err)
	}
	c := city{country: [2]byte{f[1][0], f[1][1]}, kind: f[2][0], population: uint32(pop), lat: int32(lat), lon: int32(lon)}
	return parsedCity{city: c, name: f[0]}, rest, nil
}

func (g *gazetteer) nameOf(c *city) string { return g.names.displayOf(c.firstName) }

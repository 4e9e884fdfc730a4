package geo

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/whib/whib/geo/internal/fold"
)

// city is one gazetteer entry. Its strings are slices of two large strings
// (the decompressed file and all folded names), so 135,000 cities cost a
// handful of allocations rather than half a million.
type city struct {
	name, region, folded string
	lat, lon             int32 // degrees × 1e5, as GeoNames' precision
	population           uint32
	country              [2]byte
}

// wordEntry points from one word of a folded name to its city; sorted by
// word, the entries answer a prefix query with two binary searches.
// The entry carries what ranking needs, so most candidates of a short
// prefix are rejected without touching their city.
type wordEntry struct {
	word       string
	city       int32
	population uint32
	position   uint8 // of the word in the name, 0 for the first (capped at 255)
	whole      bool  // word is the whole name
}

type gazetteer struct {
	cities []city
	words  []wordEntry
}

func loadGazetteer(gz []byte) (*gazetteer, error) {
	text, err := gunzip(gz)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	cities, err := parseCities(text)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	foldNames(cities)
	return &gazetteer{cities: cities, words: indexWords(cities)}, nil
}

func gunzip(gz []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if _, err := io.Copy(&b, zr); err != nil {
		return "", err
	}
	return b.String(), nil
}

// parseCities reads the generator's TSV: name, country, admin1,
// population, latitude × 1e5, longitude × 1e5.
func parseCities(text string) ([]city, error) {
	cities := make([]city, 0, strings.Count(text, "\n"))
	for line := range strings.Lines(text) {
		c, err := parseCity(strings.TrimSuffix(line, "\n"))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", len(cities)+1, err)
		}
		cities = append(cities, c)
	}
	return cities, nil
}

func parseCity(line string) (city, error) {
	var f [6]string
	for i := range f {
		var ok bool
		if f[i], line, ok = strings.Cut(line, "\t"); !ok && i < len(f)-1 {
			return city{}, errors.New("too few fields")
		}
	}
	pop, err1 := strconv.ParseUint(f[3], 10, 32)
	lat, err2 := strconv.ParseInt(f[4], 10, 32)
	lon, err3 := strconv.ParseInt(f[5], 10, 32)
	if err := errors.Join(err1, err2, err3); err != nil || len(f[1]) != 2 {
		return city{}, fmt.Errorf("bad row %q: %v", f[0], err)
	}
	return city{
		name: f[0], region: f[2], country: [2]byte{f[1][0], f[1][1]},
		population: uint32(pop), lat: int32(lat), lon: int32(lon),
	}, nil
}

func foldNames(cities []city) {
	var buf []byte
	ends := make([]int, len(cities))
	for i := range cities {
		buf = fold.Append(buf, cities[i].name)
		ends[i] = len(buf)
	}
	all := string(buf)
	start := 0
	for i := range cities {
		cities[i].folded = all[start:ends[i]]
		start = ends[i]
	}
}

func indexWords(cities []city) []wordEntry {
	words := make([]wordEntry, 0, len(cities)*3/2)
	for i, c := range cities {
		n := 0
		for w := range strings.FieldsSeq(c.folded) {
			words = append(words, wordEntry{word: w, city: int32(i), population: c.population,
				position: uint8(min(n, 255)), whole: w == c.folded})
			n++
		}
	}
	slices.SortFunc(words, func(a, b wordEntry) int {
		if c := strings.Compare(a.word, b.word); c != 0 {
			return c
		}
		return int(a.city - b.city)
	})
	return words
}

// prefixRange returns the entries whose word starts with prefix.
func (g *gazetteer) prefixRange(prefix string) []wordEntry {
	lo, _ := slices.BinarySearchFunc(g.words, prefix, func(e wordEntry, p string) int {
		return strings.Compare(e.word, p)
	})
	hi := lo + sort.Search(len(g.words)-lo, func(i int) bool {
		return !strings.HasPrefix(g.words[lo+i].word, prefix)
	})
	return g.words[lo:hi]
}

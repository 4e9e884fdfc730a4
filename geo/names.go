package geo

import (
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/whib/whib/geo/internal/fold"
)

// nameIndex holds every name search knows, of places, regions and
// countries alike, and an index of their words. It is built for size:
// 600,000 names in a few large strings and slices of small structs, so
// that the gazetteer with alternate names stays within the memory budget.
type nameIndex struct {
	refs []nameRef // by owner, each owner's own name first; one sentinel at the end
	// text holds each name as written, a NUL, the name folded and a
	// newline; one offset per name finds both.
	text  string
	words []wordEntry
	// buckets[k] is the first entry whose word's first two bytes, as a
	// number, are k or more: a prefix search starts within its bucket.
	buckets []uint32
}

// nameRef locates one name in text; it ends where the next begins.
type nameRef struct {
	at    uint32
	owner int32 // a city's index, or ^i for area i (regions, then countries)
}

// wordEntry points from one word of a folded name to the name; sorted by
// word, the entries answer a prefix query with two binary searches. It
// carries what ranking needs, so most candidates of a short prefix are
// rejected without reading their name.
type wordEntry struct {
	word uint32 // offset in text of the word's first byte
	ref  uint32 // name<<5 | min(position in the name, 15)<<1 | whole
	rank uint32 // the owner's population, or an area's mark (see rankOf)
}

func (e wordEntry) name() int32          { return int32(e.ref >> 5) }
func (e wordEntry) position() int        { return int(e.ref>>1) & 15 }
func (e wordEntry) isWhole() bool        { return e.ref&1 == 1 }
func (n *nameIndex) count() int          { return len(n.refs) - 1 }
func (n *nameIndex) owner(i int32) int32 { return n.refs[i].owner }

func (n *nameIndex) displayOf(i int32) string {
	s := n.text[n.refs[i].at:n.refs[i+1].at]
	return s[:strings.IndexByte(s, 0)]
}

func (n *nameIndex) foldedOf(i int32) string {
	start, end := n.foldedStart(i), n.refs[i+1].at-1
	return n.text[start:end]
}

func (n *nameIndex) foldedStart(i int32) uint32 {
	s := n.text[n.refs[i].at:n.refs[i+1].at]
	return n.refs[i].at + uint32(strings.IndexByte(s, 0)) + 1
}

// foldedAround is the folded name that holds the word at offset off.
func (n *nameIndex) foldedAround(off uint32) string {
	start := off
	for start > 0 && n.text[start-1] != 0 {
		start--
	}
	return n.text[start : off+uint32(strings.IndexByte(n.text[off:], '\n'))]
}

// wordAt is the word of a folded name that starts at offset off of text.
func (n *nameIndex) wordAt(off uint32) string {
	s := n.text[off:]
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

// nameBuilder collects names, then indexes their words.
type nameBuilder struct {
	refs    []nameRef
	text    strings.Builder
	ranks   []uint32 // by name, for the entries
	scratch []byte
}

// newNameBuilder makes room for n names of size bytes in all as written:
// the text is sized once (folded names are about as long), so that the
// built index holds no slack and loading makes little garbage.
func newNameBuilder(n, size int) *nameBuilder {
	b := &nameBuilder{refs: make([]nameRef, 0, n+1), ranks: make([]uint32, 0, n)}
	b.text.Grow(2*size + size/32 + 2*n)
	return b
}

// add appends a name of owner; rank orders it in results (see rankOf).
// The name must not hold a NUL or a newline (the generator's files do not).
func (b *nameBuilder) add(owner int32, name string, rank uint32) {
	b.refs = append(b.refs, nameRef{at: uint32(b.text.Len()), owner: owner})
	b.text.WriteString(name)
	b.text.WriteByte(0)
	b.scratch = fold.Append(b.scratch[:0], name)
	b.text.Write(b.scratch)
	b.text.WriteByte('\n')
	b.ranks = append(b.ranks, rank)
}

func (b *nameBuilder) build() *nameIndex {
	n := &nameIndex{text: b.text.String()}
	n.refs = append(b.refs, nameRef{at: uint32(len(n.text))})
	n.words = n.indexWords(b.ranks)
	n.buckets = n.bucketStarts()
	return n
}

func (n *nameIndex) indexWords(ranks []uint32) []wordEntry {
	words := make([]wordEntry, 0, n.count()*8/5)
	for i := range int32(n.count()) {
		start, end := n.foldedStart(i), n.refs[i+1].at-1
		pos := 0
		for at := start; at < end; {
			w := n.wordAt(at)
			whole := uint32(0)
			if pos == 0 && at+uint32(len(w)) == end {
				whole = 1
			}
			ref := uint32(i)<<5 | uint32(min(pos, 15))<<1 | whole
			words = append(words, wordEntry{word: at, ref: ref, rank: ranks[i]})
			at += uint32(len(w)) + 1
			pos++
		}
	}
	sort.Sort(byWord{n, words, wordKeys(n, words)})
	return words
}

// byWord sorts entries by word, then by rank. Each word's first eight
// bytes, as a number, decide most comparisons without reading the names
// (the sort was two thirds of the load before).
type byWord struct {
	n     *nameIndex
	words []wordEntry
	keys  []uint64
}

func wordKeys(n *nameIndex, words []wordEntry) []uint64 {
	keys := make([]uint64, len(words))
	for i, e := range words {
		var b [8]byte
		copy(b[:], n.wordAt(e.word))
		keys[i] = binary.BigEndian.Uint64(b[:])
	}
	return keys
}

func (s byWord) Len() int { return len(s.words) }

func (s byWord) Swap(i, j int) {
	s.words[i], s.words[j] = s.words[j], s.words[i]
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
}

// Less orders by word, then by rank, highest first: a search meets the
// likeliest places of each word first, so its list of the best fills with
// them early and the rest are rejected from their entry alone.
func (s byWord) Less(i, j int) bool {
	if s.keys[i] != s.keys[j] {
		return s.keys[i] < s.keys[j]
	}
	// Folded words hold no zero bytes: a key ending in one is a whole
	// word shorter than eight bytes, and equal keys mean equal words.
	if s.keys[i]&0xff != 0 {
		if c := strings.Compare(s.n.wordAt(s.words[i].word), s.n.wordAt(s.words[j].word)); c != 0 {
			return c < 0
		}
	}
	if a, b := s.words[i].rank, s.words[j].rank; a != b {
		return a > b
	}
	return s.words[i].ref < s.words[j].ref
}

// prefixRange returns the entries whose word starts with prefix.
func (n *nameIndex) prefixRange(prefix string) []wordEntry {
	first, last := bucketKey(prefix), bucketKey(prefix)
	if len(prefix) == 1 {
		last |= 0xff
	}
	bucket := n.words[n.buckets[first]:n.buckets[last+1]]
	lo, _ := slices.BinarySearchFunc(bucket, prefix, func(e wordEntry, p string) int {
		return strings.Compare(n.wordAt(e.word), p)
	})
	hi := lo + sort.Search(len(bucket)-lo, func(i int) bool {
		return !strings.HasPrefix(n.wordAt(bucket[lo+i].word), prefix)
	})
	return bucket[lo:hi]
}

// spellingLike is, of the spellings of name i's owner that fold like it
// ("München", "Munchen"; "Roma", "Róma"), the one typed in q, else the
// one with the most letters beyond ASCII (the accents people write).
func (n *nameIndex) spellingLike(i int32, q string) string {
	owner, folded := n.owner(i), n.foldedOf(i)
	first := i
	for first > 0 && n.owner(first-1) == owner {
		first--
	}
	best, bestScore := n.displayOf(i), -1
	for j := first; j < int32(n.count()) && n.owner(j) == owner; j++ {
		if n.foldedOf(j) != folded {
			continue
		}
		s := n.displayOf(j)
		if strings.EqualFold(s, q) {
			return s
		}
		if score := beyondASCII(s); score > bestScore {
			best, bestScore = s, score
		}
	}
	return best
}

func beyondASCII(s string) int {
	n := 0
	for _, r := range s {
		if r >= utf8.RuneSelf {
			n++
		}
	}
	return n
}

func bucketKey(w string) int {
	switch len(w) {
	case 0:
		return 0
	case 1:
		return int(w[0]) << 8
	}
	return int(w[0])<<8 | int(w[1])
}

func (n *nameIndex) bucketStarts() []uint32 {
	starts := make([]uint32, 1<<16+1)
	k := 0
	for i, e := range n.words {
		for key := bucketKey(n.wordAt(e.word)); k <= key; k++ {
			starts[k] = uint32(i)
		}
	}
	for ; k < len(starts); k++ {
		starts[k] = uint32(len(n.words))
	}
	return starts
}

package handlers

import (
	"bytes"
	"compress/gzip"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/whib/whib/internal/negotiate"
)

// encoded is a response body kept with its gzip form, so a popular body is
// compressed once rather than once per request. Large bodies are kept
// compressed only: at 100,000 places the marker data is 9 MB as JSON and
// 2.5 MB gzipped, and nearly every client accepts gzip; the rare one that
// does not gets it decompressed on the fly.
type encoded struct {
	raw    []byte // nil when only the gzip form is kept
	rawLen int
	once   sync.Once
	gz     []byte
	etag   string
	// Header values made once for a body served many times (newEncoded),
	// assigned as they are to every answer (see secureHeaders).
	etagValue, rawLength, gzLength []string
}

// Header values every answer of a kind shares.
var (
	varyEncoding       = []string{"Accept-Encoding"}
	varyCookieEncoding = []string{"Cookie", "Accept-Encoding"}
	gzipEncoding       = []string{"gzip"}
)

const (
	// minGzipSize: below this, gzip framing costs more than it saves.
	minGzipSize = 1024
	// gzipOnlySize: above this, only the compressed form is kept.
	gzipOnlySize = 1 << 20
)

func newEncoded(raw []byte, etag string) *encoded {
	return &encoded{raw: raw, rawLen: len(raw), etag: etag, etagValue: []string{etag}, rawLength: []string{strconv.Itoa(len(raw))}}
}

// newCompactEncoded is newEncoded for bodies that may be large.
func newCompactEncoded(raw []byte, etag string) *encoded {
	e := newEncoded(raw, etag)
	if len(raw) > gzipOnlySize {
		e.gzipped()
		e.raw = nil
	}
	return e
}

func (e *encoded) gzipped() []byte {
	e.once.Do(func() {
		buf := bytes.NewBuffer(make([]byte, 0, len(e.raw)/3+512))
		zw, _ := gzip.NewWriterLevel(buf, gzip.BestSpeed)
		_, _ = zw.Write(e.raw)
		_ = zw.Close()
		e.gz = buf.Bytes()
		e.gzLength = []string{strconv.Itoa(len(e.gz))}
	})
	return e.gz
}

// write sends the body, gzip-compressed when the client accepts it, and
// answers 304 when the client already holds this version.
func (e *encoded) write(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	varyOnEncoding(h)
	if e.etag != "" {
		h["Etag"] = orValue(e.etagValue, e.etag)
		if status == http.StatusOK && etagMatches(r.Header.Get("If-None-Match"), e.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	gzipOK := negotiate.AcceptsGzip(r.Header["Accept-Encoding"])
	if e.raw == nil && !gzipOK {
		h["Content-Length"] = orValue(e.rawLength, strconv.Itoa(e.rawLen))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			zr, err := gzip.NewReader(bytes.NewReader(e.gz))
			if err == nil {
				_, _ = io.Copy(w, zr)
			}
		}
		return
	}
	body, length := e.raw, e.rawLength
	if e.rawLen >= minGzipSize && gzipOK {
		body, length = e.gzipped(), e.gzLength
		h["Content-Encoding"] = gzipEncoding
	}
	h["Content-Length"] = orValue(length, strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// varyOnEncoding adds Accept-Encoding to Vary, with a shared value for the
// usual cases.
func varyOnEncoding(h http.Header) {
	switch v := h["Vary"]; {
	case len(v) == 0:
		h["Vary"] = varyEncoding
	case len(v) == 1 && v[0] == "Cookie":
		h["Vary"] = varyCookieEncoding
	default:
		h.Add("Vary", "Accept-Encoding")
	}
}

// orValue is a value made once, or value made now for a body served once.
func orValue(made []string, value string) []string {
	if made != nil {
		return made
	}
	return []string{value}
}

// etagMatches is If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == want {
			return true
		}
	}
	return false
}

type pageKey struct {
	version string
	page    int
	// staleSince is when the shown snapshot was loaded, if a refresh has
	// failed since: the page says "as of" that time.
	staleSince time.Time
	loginHint  string
	// countries: the page was rendered with the places' countries (the
	// gazetteer had loaded), so a page rendered before is not reused.
	countries bool
	// byCountry: the list is grouped by country (?group=country); byDate:
	// ordered newest first by year (?order=date).
	byCountry, byDate bool
	// visited is the ?visited= filter; day the date the page was made
	// on, as plans come due.
	visited, day string
}

// pageCache keeps the rendered anonymous pages of the current version
// only: a new version drops the old pages, so memory stays bounded by the
// pages of one version.
type pageCache struct {
	mu      sync.RWMutex
	version string
	pages   map[pageKey]*encoded
}

// maxCachedPages bounds the pages kept for one version (the list is
// paginated; crawlers walking every page must not grow memory unbounded).
const maxCachedPages = 64

func newPageCache() *pageCache { return &pageCache{pages: map[pageKey]*encoded{}} }

func (c *pageCache) get(k pageKey) (*encoded, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != k.version {
		return nil, false
	}
	e, ok := c.pages[k]
	return e, ok
}

func (c *pageCache) put(k pageKey, raw []byte) *encoded {
	body := bytes.Clone(raw)
	sum := fnv.New64a()
	_, _ = sum.Write(body)
	e := newEncoded(body, `W/"p-`+strconv.FormatUint(sum.Sum64(), 36)+`"`)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != k.version {
		c.version = k.version
		clear(c.pages)
	}
	if len(c.pages) < maxCachedPages {
		c.pages[k] = e
	}
	return e
}

// maxFilteredBodies bounds the filtered bodies kept for one version.
const maxFilteredBodies = 48

// dataCache keeps the encoded data downloads (JSON, GeoJSON) of the
// current version, built on first request.
type dataCache struct {
	mu      sync.Mutex
	version string
	bodies  map[string]*encoded
	// filtered counts the bodies of a ?visited= filter (their kind has a
	// "?"); at most maxFilteredBodies are kept.
	filtered int
	// builds joins concurrent first requests for one body: at 100,000
	// places each build is ~10 MB of work and garbage.
	builds singleflight.Group
}

func newDataCache() *dataCache { return &dataCache{bodies: map[string]*encoded{}} }

func (c *dataCache) get(version, kind string, build func() ([]byte, error)) (*encoded, error) {
	c.mu.Lock()
	if c.version != version {
		c.version = version
		clear(c.bodies)
		c.filtered = 0
	}
	if e, ok := c.bodies[kind]; ok {
		c.mu.Unlock()
		return e, nil
	}
	if strings.Contains(kind, "?") && c.filtered >= maxFilteredBodies {
		// Every ?visited= is a body of its own: a crawler trying them all
		// must not grow memory. The whole map's bodies stay.
		for k := range c.bodies {
			if strings.Contains(k, "?") {
				delete(c.bodies, k)
			}
		}
		c.filtered = 0
	}
	c.mu.Unlock()
	v, err, _ := c.builds.Do(kind+"\x00"+version, func() (any, error) {
		raw, err := build()
		if err != nil {
			return nil, err
		}
		e := newCompactEncoded(raw, `W/"`+kind+`-`+version+`"`)
		c.mu.Lock()
		if _, had := c.bodies[kind]; c.version == version && !had {
			c.bodies[kind] = e
			if strings.Contains(kind, "?") {
				c.filtered++
			}
		}
		c.mu.Unlock()
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*encoded), nil
}

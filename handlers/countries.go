package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/whib/whib/geo"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// Countries are derived from the coordinates, never stored: the CSV keeps
// name, latitude and longitude only. They are worked out once per snapshot
// version, and only once the gazetteer has loaded; until then every answer
// simply has no countries (and caches keyed with that fact are rebuilt
// later).

// placeCountries are the countries and regions of one snapshot's places,
// a geo.Spot (4 bytes) each, which the index that made them names: at
// 100,000 places 0.4 MB a version, where the countries and regions as
// structs, and a map of them by place ID, were 24 MB.
type placeCountries struct {
	version string
	ix      *geo.Index // names the spots
	ids     []string   // of snapshot.Places, to reuse their spots in the next version
	spots   []geo.Spot // in the order of snapshot.Places
}

// countryCache keeps the countries of the current snapshot version only.
// Its zero value is ready to use.
type countryCache struct {
	mu  sync.Mutex
	cur *placeCountries
}

func (c *countryCache) get(ix *geo.Index, snap store.Snapshot) *placeCountries {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && c.cur.version == snap.Version {
		return c.cur
	}
	points := make([]geo.Point, len(snap.Places))
	for i, p := range snap.Places {
		points[i] = geo.Point{Latitude: p.Latitude.Float(), Longitude: p.Longitude.Float()}
	}
	pc := &placeCountries{
		version: snap.Version,
		ix:      ix,
		ids:     make([]string, len(snap.Places)),
		spots:   spotsReusing(ix, snap.Places, points, c.cur),
	}
	for i, p := range snap.Places {
		pc.ids[i] = p.ID
	}
	c.cur = pc
	return pc
}

// visitStart is when a visit began as written ("2019-05" of
// "2019-05/2019-07"): ISO 8601 dates of any precision sort in time order
// as text, which is how geo finds a region's first visit.
func visitStart(v store.Visited) string {
	start, _, _ := strings.Cut(v.String(), "/")
	return start
}

// spotsReusing finds the countries and regions of places, taking those
// of places the previous version had (an ID names a row's content, so its
// point too) and looking up only the new ones: after an add to a map of
// 100,000 places, one lookup rather than 100,000.
func spotsReusing(ix *geo.Index, places []store.Place, points []geo.Point, prev *placeCountries) []geo.Spot {
	if prev == nil || prev.ix != ix {
		return ix.Spots(points)
	}
	known := make(map[string]int32, len(prev.ids))
	for j, id := range prev.ids {
		known[id] = int32(j)
	}
	spots := make([]geo.Spot, len(places))
	var todo []int
	var todoPoints []geo.Point
	for i, p := range places {
		if j, ok := known[p.ID]; ok {
			spots[i] = prev.spots[j]
			continue
		}
		todo = append(todo, i)
		todoPoints = append(todoPoints, points[i])
	}
	for k, s := range ix.Spots(todoPoints) {
		spots[todo[k]] = s
	}
	return spots
}

// countriesOf returns the countries of snap's places, or false while the
// gazetteer is still loading. It never waits for the load.
func (a *app) countriesOf(snap store.Snapshot) (*placeCountries, bool) {
	ix, ok := a.deps.Geo.Ready()
	if !ok {
		return nil, false
	}
	return a.countries.get(ix, snap), true
}

// geoReady tells whether the gazetteer has loaded: pages and data bodies
// built before are keyed apart, and rebuilt after.
func (a *app) geoReady() bool {
	_, ok := a.deps.Geo.Ready()
	return ok
}

// countryOf is the country and region of one place (a place just
// added), if known.
func (a *app) countryOf(p store.Place) views.Country {
	ix, ok := a.deps.Geo.Ready()
	if !ok {
		return views.Country{}
	}
	l := ix.LocationOf(p.Latitude.Float(), p.Longitude.Float())
	return views.Country{Country: l.Country, Region: l.Region}
}

// geoView is what the map page shows of countries, regions and visits,
// for every place of snap.
func (a *app) geoView(snap store.Snapshot) views.Geo {
	return a.geoViewOf(viewOf(snap, store.Visited{}))
}

// geoViewOf is what the map page shows of countries, regions and visits:
// the stats of the shown visits (the list's entries carry their places'
// countries).
func (a *app) geoViewOf(v placesView) views.Geo {
	g := views.Geo{WorldURL: a.worldURL()}
	st := a.statsOf(v)
	g.Visits = &st.counts
	if !a.geoReady() {
		return g
	}
	g.Ready = true
	g.Stats = st.geo
	g.ChecklistsInline = checklistNames(st.geo) <= maxInlineChecklistNames
	return g
}

// dataKind names a cached data body by whether it carries countries, so a
// body built before the gazetteer loaded is rebuilt after.
func dataKind(kind string, withCountries bool) string {
	if withCountries {
		return kind + "+countries"
	}
	return kind
}

// withCountries decides once per request whether the data body carries
// countries, and returns its cache kind and builder accordingly.
func (a *app) withCountries(kind string, encode func(placesView, *rowLocations) ([]byte, error)) (string, func(placesView) ([]byte, error)) {
	if !a.geoReady() {
		return dataKind(kind, false), func(v placesView) ([]byte, error) { return encode(v, nil) }
	}
	return dataKind(kind, true), func(v placesView) ([]byte, error) {
		return encode(v, a.viewLocations(v))
	}
}

// statsBody is GET /stats: the places been to (plans aside), per country,
// continent and region, and per year.
type statsBody struct {
	Places     int           `json:"places"`
	Visits     int           `json:"visits"`
	Planned    int           `json:"planned"`
	Countries  []countryStat `json:"countries"`
	Continents []geo.Count   `json:"continents"`
	// Regions are the visited regions, most places first.
	Regions []geo.RegionCount `json:"regions"`
	// World is "N of 195 countries": UN member and observer states,
	// with the places elsewhere (territories, Taiwan, Kosovo) apart.
	World *geo.WorldList `json:"world,omitempty"`
	// Unplaced counts places in no country (mid-ocean).
	Unplaced int        `json:"unplaced"`
	Years    []yearJSON `json:"years"`
	// Visited is the ?visited= the stats are of, when one was sent.
	Visited string `json:"visited,omitempty"`
	// Loading is true while the gazetteer is still loading: countries,
	// continents and regions are empty then.
	Loading bool `json:"loading,omitempty"`
}

// countryStat is a country of /stats: its places, how many of its regions
// are visited, and its first visit (the start of the earliest dated
// visit, in the notation; null when none has a date).
type countryStat struct {
	geo.Count
	RegionsVisited int     `json:"regions_visited"`
	RegionsTotal   int     `json:"regions_total"`
	FirstVisited   *string `json:"first_visited"`
}

// yearJSON is one year of /stats: the visits, places and countries that
// overlap it, and the countries first visited in it.
type yearJSON struct {
	Year         int           `json:"year"`
	Visits       int           `json:"visits"`
	Places       int           `json:"places"`
	Countries    int           `json:"countries"`
	NewCountries []countryName `json:"new_countries"`
}

type countryName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (a *app) stats(w http.ResponseWriter, r *http.Request) error {
	filter, err := visitFilterOf(r)
	if err != nil {
		return err
	}
	whole, _, err := a.visible(r)
	if err != nil {
		return err
	}
	st := a.statsFor(whole, filter, func() placesView { return viewOf(whole, filter) })
	body := statsBody{Places: st.counts.Places, Visits: st.counts.Visits, Planned: st.counts.Planned,
		Countries: []countryStat{}, Continents: []geo.Count{}, Regions: []geo.RegionCount{}, Years: yearsJSON(st.counts.Years),
		Visited: filter.String()}
	if st.countriesKnown {
		body.Countries = countryStats(st.geo, st.counts.FirstVisited)
		body.Continents, body.Regions, body.Unplaced = st.geo.Continents, st.geo.Regions, st.geo.Unplaced
		body.World = &st.geo.World
	} else {
		body.Loading = true
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, body)
}

func countryStats(s geo.Stats, firstVisited map[string]string) []countryStat {
	lists := make(map[string]geo.Checklist, len(s.Checklists))
	for _, c := range s.Checklists {
		lists[c.Country] = c
	}
	out := make([]countryStat, len(s.Countries))
	for i, c := range s.Countries {
		out[i] = countryStat{Count: c, RegionsVisited: len(lists[c.Code].Visited), RegionsTotal: lists[c.Code].Total()}
		if first, ok := firstVisited[c.Code]; ok {
			out[i].FirstVisited = &first
		}
	}
	return out
}

func yearsJSON(years []views.YearStats) []yearJSON {
	out := []yearJSON{}
	for _, y := range years {
		yj := yearJSON{Year: y.Year, Visits: y.Visits, Places: y.Places, Countries: y.Countries, NewCountries: []countryName{}}
		for _, c := range y.NewCountries {
			yj.NewCountries = append(yj.NewCountries, countryName{c.Code, c.Name})
		}
		out = append(out, yj)
	}
	return out
}

// worldLayer is geo's world layer as served at /world.geojson: compressed
// once, with a version for its immutable URL, and the subsets of visited
// countries the page asks for.
type worldLayer struct {
	once    sync.Once
	world   *geo.World
	body    *encoded
	version string

	mu      sync.Mutex
	subsets map[string]*encoded // by the sorted list of codes asked for
}

// maxWorldSubsets bounds the subsets kept: each map's visited countries are
// one, and a new version of the places asks for a new one at most.
const maxWorldSubsets = 64

func (a *app) world() *worldLayer {
	w := &a.worldData
	w.once.Do(func() {
		w.world = a.deps.Geo.World()
		raw := w.world.GeoJSON()
		sum := sha256.Sum256(raw)
		w.version = hex.EncodeToString(sum[:6])
		w.body = newCompactEncoded(raw, `"world-`+w.version+`"`)
	})
	return w
}

// worldURL is the world layer's versioned address.
func (a *app) worldURL() string { return "/world.geojson?v=" + a.world().version }

// subset is the layer with only the countries named in codes (a comma-
// separated list of alpha-2 codes): what the visited shading needs, a
// fraction of the whole world, which the page only loads when the tiles
// cannot be shown.
func (w *worldLayer) subset(codes string) (*encoded, bool) {
	list := strings.Split(codes, ",")
	if len(list) > 300 {
		return nil, false
	}
	for _, c := range list {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return nil, false
		}
	}
	slices.Sort(list)
	list = slices.Compact(list)
	key := strings.Join(list, ",")
	w.mu.Lock()
	defer w.mu.Unlock()
	if e, ok := w.subsets[key]; ok {
		return e, true
	}
	body := w.world.Subset(list)
	if w.subsets == nil || len(w.subsets) >= maxWorldSubsets {
		w.subsets = map[string]*encoded{}
	}
	sum := sha256.Sum256(body)
	e := newCompactEncoded(body, `"world-`+hex.EncodeToString(sum[:6])+`"`)
	w.subsets[key] = e
	return e, true
}

func (a *app) worldGeoJSON(w http.ResponseWriter, r *http.Request) error {
	layer := a.world()
	h := w.Header()
	h.Set("Content-Type", "application/geo+json")
	h.Set("Access-Control-Allow-Origin", "*")
	if r.URL.Query().Get("v") == layer.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	body := layer.body
	if codes, ok := r.URL.Query()["codes"]; ok {
		if body, ok = layer.subset(strings.Join(codes, ",")); !ok {
			return refuse(http.StatusBadRequest, "invalid_codes", "codes must be ISO 3166-1 alpha-2 country codes separated by commas, at most 300.")
		}
	}
	body.write(w, r, http.StatusOK)
	return nil
}

// regionLayer keeps the outlines of the region sets the page asked for:
// each map's visited regions are one set.
type regionLayer struct {
	mu      sync.Mutex
	subsets map[string]*encoded // by the sorted list of codes
}

// maxRegionCodes bounds GET /regions.geojson: more regions than a
// traveller visits, less than the world's 4,300 (10 MB of outlines).
const maxRegionCodes = 500

// regionsGeoJSON answers GET /regions.geojson?codes=AT-6,DE-BY: the
// outlines of those regions, for the page's "Visited regions" shading.
func (a *app) regionsGeoJSON(w http.ResponseWriter, r *http.Request) error {
	codes, ok := regionCodes(r.URL.Query()["codes"])
	if !ok {
		return refuse(http.StatusBadRequest, "invalid_codes",
			"codes must be ISO 3166-2 region codes (such as AT-6 or US-NY) separated by commas, at most 500.")
	}
	ix, ready := a.deps.Geo.Ready()
	if !ready {
		setRetryAfter(w, 5*time.Second)
		return refuse(http.StatusServiceUnavailable, "loading", "Region outlines are still loading; try again in a moment.")
	}
	body := a.regionsData.subset(ix, codes)
	h := w.Header()
	h.Set("Content-Type", "application/geo+json")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "public, max-age=3600")
	body.write(w, r, http.StatusOK)
	return nil
}

// regionCodes reads the codes parameters, sorted and each once; ok is
// false unless there are 1 to maxRegionCodes well-formed codes.
func regionCodes(params []string) ([]string, bool) {
	var list []string
	for _, p := range params {
		list = append(list, strings.Split(p, ",")...)
	}
	if len(list) == 0 || len(list) > maxRegionCodes {
		return nil, false
	}
	for _, c := range list {
		if !isRegionCode(c) {
			return nil, false
		}
	}
	slices.Sort(list)
	return slices.Compact(list), true
}

// isRegionCode: two capital letters, a hyphen, one to three capitals or
// digits ("AT-6", "US-NY", "FR-75C").
func isRegionCode(c string) bool {
	if len(c) < 4 || len(c) > 6 || c[2] != '-' {
		return false
	}
	for i := range len(c) {
		ch := c[i]
		upper, digit := ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9'
		if i != 2 && !(upper || digit && i > 2) {
			return false
		}
	}
	return true
}

func (l *regionLayer) subset(ix *geo.Index, codes []string) *encoded {
	key := strings.Join(codes, ",")
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.subsets[key]; ok {
		return e
	}
	body := ix.RegionsGeoJSON(codes)
	if l.subsets == nil || len(l.subsets) >= maxWorldSubsets {
		l.subsets = map[string]*encoded{}
	}
	sum := sha256.Sum256(body)
	e := newCompactEncoded(body, `"regions-`+hex.EncodeToString(sum[:6])+`"`)
	l.subsets[key] = e
	return e
}

// markersURLCountries gives the page's immutable marker URL a variant of
// its own once countries are known, so a body a browser cached before the
// gazetteer loaded is never used for a page that shows countries.
func markersURLCountries(ready bool) string {
	if ready {
		return "&countries=1"
	}
	return ""
}

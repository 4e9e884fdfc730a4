package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"

	"github.com/whib/whib/auth"
	"github.com/whib/whib/store"
	"github.com/whib/whib/views"
)

// snapshot is the current set of places. Page views never wait on the
// store once the first load has succeeded; until then callers join the
// store's one load (store.Live.Refresh shares it and outlives any caller).
func (a *app) snapshot(ctx context.Context) (store.Snapshot, store.Status, error) {
	if snap, status, ok := a.deps.Places.Current(); ok {
		return snap, status, nil
	}
	_, err := a.deps.Places.Refresh(ctx)
	snap, status, ok := a.deps.Places.Current()
	if !ok {
		if err == nil {
			err = &store.Error{Kind: store.KindUnavailable, Op: "load places", Err: errors.New("no snapshot after load")}
		}
		return store.Snapshot{}, status, err
	}
	return snap, status, nil
}

func (a *app) mapPage(w http.ResponseWriter, r *http.Request) error {
	page := 1
	if raw := queryValue(r, "page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return refuse(http.StatusBadRequest, "invalid_page", "The page number must be a whole number from 1 up.")
		}
		page = n
	}
	var byCountry bool
	switch queryValue(r, "group") {
	case "":
	case "country":
		byCountry = true
	default:
		return refuse(http.StatusBadRequest, "invalid_group", `The list can only be grouped by "country".`)
	}
	snap, status, err := a.visible(r)
	if err != nil {
		return err
	}
	return a.renderMap(w, r, mapView{status: http.StatusOK, snap: snap, st: status, page: page, byCountry: byCountry})
}

// queryValue is r's query parameter name; the address of most page views
// has no query, and then nothing is parsed.
func queryValue(r *http.Request, name string) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return r.URL.Query().Get(name)
}

// mapView is what one rendering of the map page shows.
type mapView struct {
	status int // HTTP status of the answer
	snap   store.Snapshot
	st     store.Status
	page   int // of the no-JavaScript list, from 1; clamped to the last page here
	form   views.Form
	// byCountry groups the list by country (?group=country).
	byCountry bool
}

// renderMap writes the map page. Anonymous views of an unchanged snapshot
// are the hot path: their bytes are rendered once per version and reused.
func (a *app) renderMap(w http.ResponseWriter, r *http.Request, v mapView) error {
	p := auth.FromContext(r.Context())
	viewer := a.viewer(r.Context(), p)
	cacheable := p.Who == auth.Anonymous && v.status == http.StatusOK
	v.page = min(max(v.page, 1), a.pageCount(len(v.snap.Places)))
	key := pageKey{version: v.snap.Version, page: v.page, loginHint: viewer.LoginHint, countries: a.geoReady(), byCountry: v.byCountry}
	if v.st.Stale {
		key.staleSince = v.st.LoadedAt
	}
	if cacheable {
		if body, ok := a.pages.get(key); ok {
			a.writeHTML(w, r, v.status, body, true)
			return nil
		}
	}
	m, err := a.mapModel(v, viewer)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := views.MapPage(m).Render(r.Context(), &buf); err != nil {
		return err
	}
	if cacheable {
		body := a.pages.put(key, buf.Bytes())
		a.writeHTML(w, r, v.status, body, true)
		return nil
	}
	a.writeHTML(w, r, v.status, &encoded{raw: buf.Bytes()}, false)
	return nil
}

func (a *app) viewer(ctx context.Context, p auth.Principal) views.Viewer {
	v := views.Viewer{}
	// Visitors get a plain sentence; what to configure is the operator's
	// business, and the log says it at start.
	switch {
	case !a.deps.Auth.Configured():
		v.ReadOnly = true
	case a.deps.Auth.LoginHint(ctx) != "":
		v.LoginHint = "Signing in is not possible right now. Try again in a few minutes."
	}
	if p.Who != auth.Person {
		return v
	}
	v.SignedIn = true
	v.Name = p.Name
	if v.Name == "" {
		v.Name = p.Email
	}
	v.CanWrite = p.CanWrite
	if p.CanWrite && a.deps.RepositoryPublic != nil && a.deps.RepositoryPublic() {
		v.PrivacyWarning = "Some places are kept off this map (HIDDEN_AREAS, PUBLISH_DELAY), but the GitHub repository that holds them is public: anyone can read every place there. Make the repository private."
	}
	if !p.CanWrite {
		v.WriteHint = "You are signed in, but your account may not add places to this map. Its owner can give you access."
	}
	return v
}

// mapModel is the page's model; v.page is already clamped by renderMap.
func (a *app) mapModel(v mapView, viewer views.Viewer) (views.Map, error) {
	snap, st, page, form := v.snap, v.st, v.page, v.form
	total := len(snap.Places)
	size := a.cfg.ListPageSize
	pages := a.pageCount(total)
	from := (page - 1) * size
	to := min(from+size, total)
	m := views.Map{
		Assets:           a.viewAssets(),
		Viewer:           viewer,
		Places:           snap.Places[from:to],
		Total:            total,
		Page:             page,
		Pages:            pages,
		ClusterThreshold: a.cfg.ClusterThreshold,
		TileURL:          a.cfg.TileURL,
		TileAttribution:  a.cfg.TileAttribution,
		UpdatedAt:        st.LoadedAt,
		Stale:            st.Stale,
		Form:             form,
		Geo:              a.geoView(snap),
		GroupByCountry:   v.byCountry,
	}
	if v.byCountry {
		m.Groups = a.countryGroups(snap, from, to)
	}
	m.Geo.Countries = a.shownCountries(snap, from, to, m.Groups)
	m.Private = a.privateMarks(snap, m.Places, viewer.CanWrite)
	if viewer.CanWrite {
		m.ETags = listedETags(snap, m)
	}
	m.LiveVersion = a.liveVersion(snap, viewer.CanWrite)
	m.Bounds = boundsOf(snap.Places)
	m.Share = &views.Share{
		URL:         a.cfg.BaseURL + "/",
		Description: views.Summary(total, m.Geo),
		Image:       a.cfg.BaseURL + "/preview.png?v=" + snap.Version,
	}
	if total > a.cfg.InlineMarkerLimit {
		m.MarkersURL = "/places?v=" + snap.Version + markersURLCountries(m.Geo.Ready)
		return m, nil
	}
	// The same bytes GET /places sends for this version.
	_, encode := a.withCountries("json", encodePlacesJSON)
	var err error
	m.MarkerData, err = encode(snap)
	return m, err
}

// listedETags are the entity tags of the places the list of m shows, for
// a writer's Edit and Delete.
func listedETags(snap store.Snapshot, m views.Map) map[string]string {
	tags := make(map[string]string, len(m.Places))
	for _, p := range m.Places {
		tags[p.ID] = snap.ETag(p)
	}
	for _, g := range m.Groups {
		for _, p := range g.Places {
			tags[p.ID] = snap.ETag(p)
		}
	}
	return tags
}

// boundsOf is the places' south, west, north and east edges; nil for an
// empty map.
func boundsOf(places []store.Place) *[4]float64 {
	if len(places) == 0 {
		return nil
	}
	b := [4]float64{90, 180, -90, -180}
	for _, p := range places {
		lat, lon := p.Latitude.Float(), p.Longitude.Float()
		b[0], b[1] = min(b[0], lat), min(b[1], lon)
		b[2], b[3] = max(b[2], lat), max(b[3], lon)
	}
	return &b
}

// countryGroups is the list page [from, to) in country order, one group per
// country; nil while the countries are still being worked out.
func (a *app) countryGroups(snap store.Snapshot, from, to int) []views.PlaceGroup {
	pc, ok := a.countriesOf(snap)
	if !ok {
		return nil
	}
	var groups []views.PlaceGroup
	for _, i := range pc.groupedOrder()[from:to] {
		c := pc.country(int(i))
		if n := len(groups); n == 0 || groups[n-1].Country.Code != c.Code {
			groups = append(groups, views.PlaceGroup{Country: views.Country{Country: c}, Total: pc.perCountry[c.Code]})
		}
		g := &groups[len(groups)-1]
		g.Places = append(g.Places, snap.Places[i])
	}
	return groups
}

// pageCount is how many pages the no-JavaScript list of total places has.
func (a *app) pageCount(total int) int {
	return max(1, (total+a.cfg.ListPageSize-1)/a.cfg.ListPageSize)
}

// oops is the fallback page. A failure that sends a person here passes
// its request id (?request_id=), so they can report it; reached directly,
// the page names its own.
func (a *app) oops(w http.ResponseWriter, r *http.Request) error {
	id := r.URL.Query().Get("request_id")
	if !requestIDPattern.MatchString(id) {
		id = requestIDFrom(r.Context())
	}
	return a.renderOops(w, r, http.StatusOK, views.Oops{
		Title:     "Oops — something went wrong",
		Message:   "Something did not work as it should. The map itself is probably fine: go back and try again.",
		RequestID: id,
	})
}

// requestIDPattern is what a request id carried in an address may look
// like; anything else is ignored rather than shown.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (a *app) healthz(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
	return nil
}

func (a *app) notFound(http.ResponseWriter, *http.Request) error {
	return refuse(http.StatusNotFound, "not_found", "There is nothing at this address.")
}

func (a *app) methodNotAllowed(_ http.ResponseWriter, r *http.Request) error {
	return refuse(http.StatusMethodNotAllowed, "method_not_allowed", "This address does not accept "+r.Method+" requests.")
}

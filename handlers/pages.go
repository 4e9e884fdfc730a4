package handlers

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"time"

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
	var byCountry, byDate bool
	switch queryValue(r, "group") {
	case "":
	case "country":
		byCountry = true
	default:
		return refuse(http.StatusBadRequest, "invalid_group", `The list can only be grouped by "country".`)
	}
	switch r.URL.Query().Get("order") {
	case "":
	case "date":
		byDate = true
	default:
		return refuse(http.StatusBadRequest, "invalid_order", `The list can only be ordered by "date".`)
	}
	filter, err := visitFilterOf(r)
	if err != nil {
		return err
	}
	query, err := listQueryOf(r)
	if err != nil {
		return err
	}
	snap, status, err := a.visible(r)
	if err != nil {
		return err
	}
	return a.renderMap(w, r, mapView{status: http.StatusOK, snap: snap, st: status, page: page, byCountry: byCountry, byDate: byDate, filter: filter, query: query})
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
	// byCountry groups the list by country (?group=country), byDate
	// orders it newest first by year (?order=date).
	byCountry, byDate bool
	// filter keeps the visits that overlap it (?visited=); zero: all.
	filter store.Visited
	// query keeps the list's places that match it (?q=); "": all.
	query string
}

// renderMap writes the map page. Anonymous views of an unchanged snapshot
// are the hot path: their bytes are rendered once per version and reused.
func (a *app) renderMap(w http.ResponseWriter, r *http.Request, v mapView) error {
	p := auth.FromContext(r.Context())
	viewer := a.viewer(r.Context(), p)
	// A filtered list is rendered each time: its text is anyone's, and
	// would fill the cache.
	cacheable := p.Who == auth.Anonymous && v.status == http.StatusOK && v.query == ""
	key := pageKey{version: v.snap.Version, page: v.page, loginHint: viewer.LoginHint, countries: a.geoReady(),
		byCountry: v.byCountry, byDate: v.byDate, visited: v.filter.String(), day: a.now().Format(time.DateOnly)}
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
		v.TryDev = a.onLoopback
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

// mapModel is the page's model; v.page is clamped to the list's pages
// here.
func (a *app) mapModel(v mapView, viewer views.Viewer) (views.Map, error) {
	view := viewOf(v.snap, v.filter)
	list := a.listOf(view, v.byCountry, v.byDate)
	unfiltered := len(list.places)
	list = list.matching(v.query)
	total := len(list.places)
	size := a.cfg.ListPageSize
	pages := a.pageCount(total)
	page := min(max(v.page, 1), pages)
	from := (page - 1) * size
	to := min(from+size, total)
	m := views.Map{
		Assets:           a.viewAssets(),
		Viewer:           viewer,
		Title:            a.cfg.Title,
		Description:      a.cfg.Description,
		Total:            total,
		Page:             page,
		Pages:            pages,
		ClusterThreshold: a.cfg.ClusterThreshold,
		TileURL:          a.cfg.TileURL,
		TileAttribution:  a.cfg.TileAttribution,
		UpdatedAt:        v.st.LoadedAt,
		Stale:            v.st.Stale,
		Form:             v.form,
		Geo:              a.geoViewOf(view),
		GroupByCountry:   v.byCountry,
		OrderByDate:      v.byDate,
		Visited:          v.filter.String(),
		Years:            a.statsOf(viewOf(v.snap, store.Visited{})).yearsWithPlans,
		Query:            v.query,
		Unfiltered:       unfiltered,
	}
	m.Entries, m.Groups = list.page(from, to)
	m.Private = a.privateMarks(v.snap, rowsOf(m.Entries), viewer.CanWrite)
	if viewer.CanWrite {
		withETags(v.snap, m.Entries)
	}
	m.LiveVersion = a.liveVersion(v.snap, viewer.CanWrite)
	m.Bounds = boundsOf(view.snap.Places)
	m.Share = &views.Share{
		URL:         a.cfg.BaseURL + "/",
		Description: cmp.Or(a.cfg.Description, views.Summary(unfiltered, m.Geo)),
		Image:       a.cfg.BaseURL + "/preview.png?v=" + v.snap.Version,
		ImageAlt:    views.Summary(unfiltered, m.Geo),
	}
	return a.withMarkers(m, v.snap)
}

// withMarkers gives the page its markers: every place r may see, whatever
// the filter (the page's script filters them by year without a reload).
func (a *app) withMarkers(m views.Map, snap store.Snapshot) (views.Map, error) {
	if len(snap.Places) > a.cfg.InlineMarkerLimit {
		m.MarkersURL = "/places?v=" + snap.Version + markersURLCountries(m.Geo.Ready)
		return m, nil
	}
	// The same bytes GET /places sends for this version.
	_, encode := a.withCountries("json", encodePlacesJSON)
	var err error
	m.MarkerData, err = encode(viewOf(snap, store.Visited{}))
	return m, err
}

// withETags gives the visits of the list's entries their entity tags in
// snap, for a writer's Edit and Delete (If-Match). The entries' visits are
// shared with the groups they are shown in.
func withETags(snap store.Snapshot, entries []views.ListPlace) {
	for _, e := range entries {
		for i := range e.Visits {
			e.Visits[i].ETag = snap.ETag(e.Visits[i].Place)
		}
	}
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

package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/whib/whib/assets"
	"github.com/whib/whib/auth"
	"github.com/whib/whib/geo"
	"github.com/whib/whib/store"
)

// Config holds the presentation and policy settings the handlers need.
// The caller sets every value; Check names the ones that must not be zero.
type Config struct {
	TileURL         string
	TileAttribution string
	// BaseURL is the public address; https turns on HSTS.
	BaseURL string
	// Issuer is the identity provider's address; forms may redirect there
	// (log out), so the Content-Security-Policy allows it as a form action.
	Issuer string
	// WritePermission is named to signed-in people who may not write.
	WritePermission string
	// CORSOrigins may call the bearer endpoints from a browser.
	CORSOrigins []string
	// EmbedOrigins may show GET /embed in a frame ("*": any); every other
	// page keeps frame-ancestors 'none'.
	EmbedOrigins []string
	// TrustProxy takes the client address from the last X-Forwarded-For
	// entry, which Heroku's router appends.
	TrustProxy bool
	// InlineMarkerLimit: up to this many places ride inside the page; above
	// it the page stays small and the script fetches a versioned URL.
	InlineMarkerLimit int
	// ClusterThreshold: above this many markers the map clusters them.
	ClusterThreshold int
	// ListPageSize bounds the no-JavaScript list per page.
	ListPageSize int
	// WritesPerMinute and LoginsPerMinute bound each client.
	WritesPerMinute int
	LoginsPerMinute int
}

// placesService is what the handlers ask of the places: the snapshot in
// memory, a reload, the writes and the history. *store.Live is it; the
// interface is declared here, where it is used, so that the handlers can be
// served from any backend that keeps these promises (an in-memory one in
// tests).
type placesService interface {
	// Current is the snapshot in memory, false before the first load.
	Current() (store.Snapshot, store.Status, bool)
	// Refresh reads the places from storage now.
	Refresh(ctx context.Context) (store.Snapshot, error)
	Add(ctx context.Context, p store.Place, by store.Author) (store.AddResult, error)
	AddMany(ctx context.Context, places []store.Place, summary string, by store.Author) (store.ChangeResult, error)
	Edit(ctx context.Context, t store.Target, e store.Edit, by store.Author) (store.ChangeResult, error)
	Delete(ctx context.Context, t store.Target, by store.Author) (store.ChangeResult, error)
	Undo(ctx context.Context, changeID string, by store.Author) (store.ChangeResult, error)
	History(ctx context.Context, page int) (store.HistoryPage, error)
	Change(ctx context.Context, id string) (store.Change, error)
}

// Deps are the parts the handlers connect.
type Deps struct {
	Logger *slog.Logger
	Places placesService
	Auth   *auth.Authenticator
	Assets *assets.Assets
	// Geo is the gazetteer and the world layer, loaded by whoever built
	// it; nil means a Data of the handlers' own that nothing loads.
	Geo    *geo.Data
	Config Config
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Routes is the whole route table of whib.
func Routes(d Deps) http.Handler {
	a := newApp(d)
	r := httprouter.New()
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.NotFound = http.HandlerFunc(a.notFound)
	r.MethodNotAllowed = http.HandlerFunc(a.methodNotAllowed)
	r.GlobalOPTIONS = http.HandlerFunc(a.preflight)

	// get also answers HEAD, which httprouter does not do by itself.
	get := func(path string, h http.Handler) {
		r.Handler(http.MethodGet, path, h)
		r.Handler(http.MethodHead, path, h)
	}

	// The public map and its data.
	get("/", http.HandlerFunc(a.mapPage))
	get("/oops", http.HandlerFunc(a.oops))
	get("/healthz", http.HandlerFunc(a.healthz))
	get("/places", http.HandlerFunc(a.placesJSON))
	get("/places.geojson", http.HandlerFunc(a.placesGeoJSON))
	get("/places.csv", http.HandlerFunc(a.placesCSV))
	get("/places.gpx", http.HandlerFunc(a.placesGPX))
	get("/places.kml", http.HandlerFunc(a.placesKML))
	get("/stats", http.HandlerFunc(a.stats))
	get("/world.geojson", http.HandlerFunc(a.worldGeoJSON))
	get("/embed", http.HandlerFunc(a.embed))
	get("/preview.png", http.HandlerFunc(a.previewPNG))
	get("/search", a.searchLimited(a.search))
	get("/assets/*file", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := d.Assets.Serve(w, r); err != nil {
			a.fail(w, r, shapeOf(r), err)
		}
	}))

	// Sign-in for people.
	r.Handler(http.MethodGet, "/login", a.limited(a.loginLimiter, http.HandlerFunc(a.login)))
	r.HandlerFunc(http.MethodGet, "/callback", a.callback)
	r.HandlerFunc(http.MethodGet, "/logout", a.logoutPage)
	r.HandlerFunc(http.MethodPost, "/logout", a.logout)

	// Writers: people with a session, machines with a bearer token.
	r.Handler(http.MethodGet, "/ping", a.limited(a.pingLimiter, a.requireWriter(http.HandlerFunc(a.ping))))
	r.Handler(http.MethodPost, "/places", a.limited(a.writeLimiter, a.requireWriter(http.HandlerFunc(a.addPlace))))
	r.Handler(http.MethodPatch, "/places/:id", a.limited(a.writeLimiter, a.requireWriter(http.HandlerFunc(a.editPlace))))
	// POST /places/import, and POST /places/{id}: the edit page without
	// JavaScript, as a form cannot send PATCH. httprouter cannot hold a
	// fixed segment beside a parameter, so one route takes both.
	r.Handler(http.MethodPost, "/places/:id", a.limited(a.writeLimiter, a.requireWriter(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if httprouter.ParamsFromContext(r.Context()).ByName("id") == "import" {
			a.importPlaces(w, r)
			return
		}
		a.editPlace(w, r)
	}))))
	r.Handler(http.MethodDelete, "/places/:id", a.limited(a.writeLimiter, a.requireWriter(http.HandlerFunc(a.deletePlace))))
	r.Handler(http.MethodGet, "/places/:id/edit", a.requireWriter(http.HandlerFunc(a.editForm)))
	r.Handler(http.MethodGet, "/places/:id/item", a.requireWriter(http.HandlerFunc(a.placeItem)))
	r.Handler(http.MethodPost, "/changes/:id/undo", a.limited(a.writeLimiter, a.requireWriter(http.HandlerFunc(a.undoChange))))

	// The history is public, like the map it explains.
	get("/changes", a.limited(a.changesLimiter, http.HandlerFunc(a.changes)))
	get("/changes/:id", a.limited(a.changesLimiter, http.HandlerFunc(a.change)))

	return a.middleware(r)
}

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
	"github.com/whib/whib/privacy"
	"github.com/whib/whib/store"
)

// Config holds the presentation and policy settings the handlers need.
// The caller sets every value; Check names the ones that must not be zero.
// What sign-in decides (the provider's address, the write permission) the
// handlers ask Deps.Auth, so it is set in one place.
type Config struct {
	// Title names the map (MAP_TITLE): the page's heading, its <title>,
	// the link-preview tags and picture, the embed and download names.
	Title string
	// Description is an optional line under the heading (MAP_DESCRIPTION),
	// and the link previews' description when set.
	Description     string
	TileURL         string
	TileAttribution string
	// BaseURL is the public address; https turns on HSTS.
	BaseURL string
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
	// Privacy is what of the map is not public (HIDDEN_AREAS,
	// PUBLISH_DELAY): everyone who may not write sees the public part only.
	Privacy privacy.Policy
	// PublicHistory false makes the change log writers-only.
	PublicHistory bool
	// MaxStreams bounds the live-update streams open at once (GET /events).
	// Each holds a connection, so it is set below the server's connection
	// cap; 0 turns live updates off.
	MaxStreams int
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
	// Resolve follows an id a place had before edits to the place now.
	Resolve(ctx context.Context, id string) (store.Resolution, error)
	// Watch has fn called with each snapshot served from now on, one at a
	// time and never an older one after a newer: live updates follow it.
	Watch(fn func(store.Snapshot))
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
	// RepositoryPublic reports that privacy settings are in force but the
	// places' repository is public; writers are told so on the page. Nil
	// means false.
	RepositoryPublic func() bool
	// Limits makes each client's budgets (writes, logins, pings, search,
	// changes). Instances side by side pass shared state (shared.State), so
	// a client has one budget, not one per instance. Nil: this instance's
	// memory, on the Now clock.
	Limits limiters
	// OnShutdown registers a function to run when the server starts
	// shutting down (http.Server.RegisterOnShutdown): the live streams end
	// then, since Shutdown waits for responses and a stream never ends by
	// itself. Nil: streams end only when their clients leave.
	OnShutdown func(func())
}

// Routes is the whole route table of whib. Every handler returns its
// failure; serve answers it in the shape the request wants (shapeOf), or
// the one shape its route always answers in.
func Routes(d Deps) http.Handler {
	a := newApp(d)
	r := httprouter.New()
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.NotFound = a.serve(shapeOf, a.notFound)
	r.MethodNotAllowed = a.serve(shapeOf, a.methodNotAllowed)
	r.GlobalOPTIONS = a.serve(shapeOf, a.preflight)

	// get also answers HEAD, which httprouter does not do by itself.
	get := func(path string, h http.Handler) {
		r.Handler(http.MethodGet, path, h)
		r.Handler(http.MethodHead, path, h)
	}
	// Pages a browser navigates to fail with the error page; data
	// downloads with JSON, whatever the request accepts.
	page := func(h endpoint) http.Handler { return a.serve(pageShape, h) }
	data := func(h endpoint) http.Handler { return a.serve(jsonShape, h) }
	negotiated := func(h endpoint) http.Handler { return a.serve(shapeOf, h) }
	// Writes need the write permission, within the writers' rate limit.
	write := func(h endpoint) http.Handler {
		return a.serve(shapeOf, a.limited(a.writeLimiter, a.requireWriter(h)))
	}

	// The public map and its data.
	get("/", page(a.mapPage))
	get("/oops", page(a.oops))
	get("/healthz", negotiated(a.healthz))
	get("/places", data(a.placesJSON))
	get("/places.geojson", data(a.placesGeoJSON))
	get("/places/:id", negotiated(a.place)) // by the id it has or had (resolve.go)
	get("/places.csv", data(a.placesCSV))
	get("/places.gpx", data(a.placesGPX))
	get("/places.kml", data(a.placesKML))
	get("/stats", data(a.stats))
	get("/checklists", page(a.checklistsPage))
	get("/world.geojson", data(a.worldGeoJSON))
	get("/regions.geojson", data(a.regionsGeoJSON))
	get("/embed", page(a.embed))
	// Live updates: a stream of Server-Sent Events (live.go).
	r.Handler(http.MethodGet, "/events", data(a.liveEvents))
	get("/preview.png", data(a.previewPNG))
	// Search answers JSON, or the "Find a place" listbox for htmx.
	get("/search", a.serve(jsonOrHTMX, inListbox(a.limited(a.searchLimiter, a.search))))
	get("/assets/*file", negotiated(d.Assets.Serve))

	// Sign-in for people.
	r.Handler(http.MethodGet, "/login", page(a.limited(a.loginLimiter, a.login)))
	r.Handler(http.MethodGet, "/callback", page(a.callback))
	r.Handler(http.MethodGet, "/logout", page(a.logoutPage))
	r.Handler(http.MethodPost, "/logout", page(a.logout))

	// Writers: people with a session, machines with a bearer token.
	r.Handler(http.MethodGet, "/ping", a.serve(shapeOf, a.limited(a.pingLimiter, a.requireWriter(a.ping))))
	r.Handler(http.MethodPost, "/places", write(a.addPlace))
	r.Handler(http.MethodPatch, "/places/:id", write(a.editPlace))
	// POST /places/import, and POST /places/{id}: the edit page without
	// JavaScript, as a form cannot send PATCH. httprouter cannot hold a
	// fixed segment beside a parameter, so one route takes both.
	r.Handler(http.MethodPost, "/places/:id", a.serve(shapeOf, importOrEdit(
		a.limited(a.writeLimiter, a.requireWriter(a.importPlaces)), a.limited(a.writeLimiter, a.requireWriter(a.editPlace)))))
	r.Handler(http.MethodDelete, "/places/:id", write(a.deletePlace))
	r.Handler(http.MethodGet, "/places/:id/edit", negotiated(a.requireWriter(a.editForm)))
	r.Handler(http.MethodGet, "/places/:id/item", negotiated(a.requireWriter(a.placeItem)))
	r.Handler(http.MethodPost, "/changes/:id/undo", write(a.undoChange))

	// The history is public, like the map it explains, unless
	// PUBLIC_HISTORY is false; visitors see it through the privacy filter.
	history := func(h endpoint) http.Handler {
		if !a.cfg.PublicHistory {
			h = a.requireWriter(h)
		}
		return negotiated(a.limited(a.changesLimiter, h))
	}
	get("/changes", history(a.changes))
	get("/changes/:id", history(a.change))

	return a.middleware(r)
}
